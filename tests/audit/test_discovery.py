"""Discovery on the fixture sites: what is found, what is never followed, where it stops."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from sitewise.audit.config import AuditConfig
from sitewise.audit.discovery import DiscoveryError, crawl
from sitewise.audit.urls import normalise, route_pattern
from tests.audit.sites import Site

pytestmark = pytest.mark.viewports("desktop")


def paths(site: Site, pages: list[str]) -> set[str]:
    return {url.removeprefix(site.url) for url in pages}


def test_a_link_loop_is_visited_once_per_page(browser: Browser, site: Site) -> None:
    pages, notes = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=1_000))
    found = [p.url.removeprefix(site.url) for p in pages]
    assert len(found) == len(set(found))
    assert {"/", "/a", "/b", "/users/1", "/users/2", "/throws", "/violation"} <= set(found)
    assert all(site.requests.count(("GET", path)) == 1 for path in ("/a", "/b"))
    # utm_* and fragments do not make new pages.
    assert not any("utm_source" in url or "#" in url for url in found)
    assert notes == []


def test_sign_out_and_destructive_links_are_never_followed(browser: Browser, site: Site) -> None:
    pages, _ = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=1_000))
    assert not site.asked("/logout")
    # Its text says what a link does when its URL does not.
    assert not site.asked("/session/end")
    assert not site.asked("/items/7/delete")
    assert not any(p.url.endswith(("/logout", "/delete")) for p in pages)
    assert all(method in ("GET", "HEAD") for method, _ in site.requests)


def test_a_redirect_chain_is_one_page_where_it_lands(browser: Browser, site: Site) -> None:
    pages, _ = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=1_000))
    new = [p for p in pages if p.url == site.url + "/new"]
    assert len(new) == 1
    assert new[0].note == f"redirected from {site.url}/old"
    assert not any(p.url.endswith(("/old", "/older")) for p in pages)


def test_the_sitemap_adds_its_pages(browser: Browser, site: Site) -> None:
    pages, _ = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=1_000))
    assert [p.via for p in pages if p.url.endswith("/from-sitemap")] == ["sitemap"]
    without, _ = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=1_000, sitemap=False))
    assert not any(p.url.endswith("/from-sitemap") for p in without)


def test_links_a_script_renders_are_found_and_client_routes_visited(
    browser: Browser, site: Site
) -> None:
    pages, _ = crawl(browser, [site.url + "/app"], AuditConfig(settle_ms=2_000, sitemap=False))
    assert {p.url.removeprefix(site.url) for p in pages} >= {"/app/settings", "/app/profile"}


def test_one_page_per_route_pattern(browser: Browser, site: Site) -> None:
    config = AuditConfig(settle_ms=1_000, one_per_route=True)
    pages, _ = crawl(browser, [site.url + "/"], config)
    users = [p for p in pages if p.route == "/users/{id}"]
    assert len(users) == 1


def test_include_and_exclude_patterns_bound_discovery(browser: Browser, site: Site) -> None:
    config = AuditConfig(settle_ms=500, sitemap=False, include=(r"^/(a|b)?$",), exclude=("^/b",))
    pages, _ = crawl(browser, [site.url + "/"], config)
    assert {p.url.removeprefix(site.url) for p in pages} == {"/", "/a"}


def test_a_site_larger_than_the_bound_stops_there_and_says_so(browser: Browser, site: Site) -> None:
    pages, notes = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=500, max_pages=3))
    assert len(pages) == 3
    assert len(notes) == 1
    assert notes[0].startswith("guest: stopped at 3 pages ([audit] max_pages);")
    assert "raise max_pages" in notes[0]


def test_depth_bounds_discovery(browser: Browser, site: Site) -> None:
    pages, _ = crawl(browser, [site.url + "/"], AuditConfig(settle_ms=500, max_depth=1))
    assert max(p.depth for p in pages) == 1
    assert not any(p.url.endswith("/users/1") for p in pages)


def test_an_unreachable_start_url_says_so(browser: Browser, unused_url: str) -> None:
    with pytest.raises(DiscoveryError, match=r"cannot be reached .*check the URL and that"):
        crawl(browser, [unused_url], AuditConfig())


def test_a_start_url_that_redirects_off_site_says_where(browser: Browser, site: Site) -> None:
    with pytest.raises(DiscoveryError, match="on another origin") as raised:
        crawl(browser, [site.url + "/away"], AuditConfig())
    assert "start from http://localhost:" in str(raised.value)


def test_a_page_that_never_loads_is_listed_with_its_timeout(
    browser: Browser, members_site: Site
) -> None:
    config = AuditConfig(page_timeout_ms=1_000, settle_ms=0, sitemap=False)
    pages, _ = crawl(browser, [members_site.url + "/", members_site.url + "/hang"], config)
    hung = [p for p in pages if p.url.endswith("/hang")]
    assert [p.note for p in hung] == ["did not finish loading within 1000 ms"]
    assert any(p.url == members_site.url + "/" for p in pages)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a?utm_source=x&b=1#frag", "http://example.com/a?b=1"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/#/users/2", "https://example.com/#/users/2"),
        ("https://example.com/a?fbclid=1", "https://example.com/a"),
    ],
)
def test_urls_are_normalised(url: str, expected: str) -> None:
    assert normalise(url, AuditConfig().tracking_params) == expected


def test_ids_make_one_route_pattern() -> None:
    assert route_pattern("http://x/users/1/edit") == route_pattern("http://x/users/22/edit")
    assert route_pattern("http://x/users/1/edit") == "/users/{id}/edit"
    assert route_pattern("http://x/search?q=a&page=2") == "/search?page&q"


def test_route_templates_name_segments_that_are_not_ids() -> None:
    templates = ("/settings/{key}/history",)
    url = "http://x/settings/general.clock_24h/history?page=2"
    assert route_pattern(url, templates) == "/settings/{key}/history?page"
    assert route_pattern("http://x/settings/general.clock_24h", templates) == (
        "/settings/general.clock_24h"
    )
