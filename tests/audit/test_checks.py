"""The audit's own checks on one page: links (never a sign-out link), external links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from sitewise.audit.checks import check_links
from sitewise.audit.config import AuditChecks, AuditConfig
from sitewise.audit.discovery import scope_of
from tests.audit.sites import Request, Route, Site, page, serve

pytestmark = pytest.mark.viewports("desktop")


@pytest.fixture
def links_site() -> Iterator[Site]:
    """A page with a sign-out link whose URL says nothing, a broken image, and a link to
    another origin (the same server by another host name) that answers 404."""

    def home(request: Request) -> Route:
        port = request.headers["Host"].rsplit(":", 1)[1]
        return page(
            "Links",
            '<a href="/bye">Sign out</a> <a href="/ok">Fine</a>'
            f' <a href="http://localhost:{port}/gone">Elsewhere</a>',
        )

    with serve({"/": home, "/ok": page("Fine", "")}) as running:
        yield running


def test_a_sign_out_link_is_never_requested_by_the_link_check(page: Page, links_site: Site) -> None:
    page.goto(links_site.url + "/")
    config = AuditConfig()
    result = check_links(page, config, scope_of([links_site.url], config), "guest", {})
    assert result.status == "passed", result.message
    assert result.summary == "1 checked"
    assert links_site.asked("/ok")
    assert not links_site.asked("/bye")
    assert not links_site.asked("/gone")


def test_external_links_are_checked_only_when_asked(page: Page, links_site: Site) -> None:
    page.goto(links_site.url + "/")
    config = AuditConfig(checks=AuditChecks(external_links=True))
    result = check_links(page, config, scope_of([links_site.url], config), "guest", {})
    assert result.status == "failed"
    assert "http://localhost:" in result.message
    assert "/gone: HTTP 404" in result.message
    assert [m for m, p in links_site.requests if p == "/gone"] == ["HEAD", "GET"]
    assert not links_site.asked("/bye")
