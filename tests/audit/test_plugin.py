"""`pytest --audit URL` on the fixture sites: the tests it collects, what each page's
checks find, and one clear message for each kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.audit.sites import Site

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """
[[viewports]]
name = "desktop"
width = 1280
height = 720

[audit]
settle_ms = 1000
{audit}

[audit.checks]
{checks}
"""


@pytest.fixture
def empty(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A folder with no suite at all: only playwright.config.toml."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for name in ("E2E_WEB_URL", "E2E_ADMIN_URL", "E2E_CONFIG", "CI"):
        monkeypatch.delenv(name, raising=False)
    return pytester


def configure(pytester: pytest.Pytester, audit: str = "", checks: str = "", more: str = "") -> None:
    if "screenshot" not in checks:  # off unless a test is about it: baselines cost time
        checks += "\nscreenshot = false"
    text = CONFIG.format(audit=audit, checks=checks) + more
    (pytester.path / "playwright.config.toml").write_text(text)


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if line.startswith("audit::")]


def audit_records(pytester: pytest.Pytester) -> dict[str, dict[str, Any]]:
    """Each audited page's checks, from results.json: label -> {check: status}."""
    data = json.loads((pytester.path / "reports" / "results.json").read_text())
    found = {}
    for test in data["tests"]:
        for artifact in test["attempts"][-1]["artifacts"]:
            if artifact["kind"] == "audit":
                page = artifact["data"]
                path = page["url"].split("/", 3)[3]
                checks = {k: v["status"] for k, v in page["checks"].items()}
                found[f"{page['role']}-/{path}"] = checks
    return found


def test_one_test_per_page_and_role_is_collected(empty: pytest.Pytester, site: Site) -> None:
    configure(empty)
    result = empty.runpytest_subprocess("--audit", site.url + "/", "--collect-only", "-q")
    names = collected(result)
    for path in ("/", "/a", "/b", "/users/1", "/throws", "/violation", "/new", "/app/settings"):
        assert f"audit::test_page[guest-{path}-chromium-desktop]" in names
    assert "audit::test_page[guest-/from-sitemap-chromium-desktop]" in names
    assert not [n for n in names if "logout" in n or "delete" in n or "/old" in n]
    assert len(names) == len(set(names))
    found = json.loads((empty.path / "reports" / "audit" / "discovery.json").read_text())
    assert len(found["pages"]) == len(names)


def test_each_page_gets_its_checks_and_failures_name_them(
    empty: pytest.Pytester, site: Site
) -> None:
    configure(empty, audit='include = ["^/(a|b|throws|violation|users/1)?$"]')
    result = empty.runpytest_subprocess("--audit", site.url + "/", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=3)
    records = audit_records(empty)
    assert records["guest-/a"]["links"] == "failed"
    assert records["guest-/a"]["requests"] == "failed"
    assert records["guest-/throws"]["console"] == "failed"
    assert records["guest-/violation"]["axe"] == "failed"
    for clean in ("guest-/", "guest-/b", "guest-/users/1"):
        assert set(records[clean].values()) == {"passed", "off"}, records[clean]
        assert records[clean]["screenshot"] == records[clean]["vitals"] == "off"
        assert records[clean]["keyboard"] == "passed"
    result.stdout.fnmatch_lines(
        [
            "*--- links: broken links and assets:",
            f"*asset {site.url}/missing.png: HTTP 404",
            "*uncaught exception: *boom from the page*",
            "*image-alt (critical)*",
        ]
    )
    assert (empty.path / "reports" / "a11y.json").is_file()
    assert not site.asked("/logout")
    html = (empty.path / "reports" / "report.html").read_text()
    site_section = html[html.index('id="site"') :]
    assert "6 pages as guest: 3 failing, 6 route pattern(s)" in site_section
    assert "<code>/users/{id}</code>" in site_section


def test_workers_collect_the_same_pages_and_k_selects(empty: pytest.Pytester, site: Site) -> None:
    configure(empty, audit='include = ["^/(a|b|users/1)?$"]', checks="keyboard = false")
    # A suite's own test is not collected when no test path is given: the audit alone runs.
    empty.makepyfile(test_other="def test_other():\n    pass\n")
    result = empty.runpytest_subprocess("--audit", site.url + "/", "-n", "2", "-k", "users or b")
    result.assert_outcomes(passed=2)
    assert set(audit_records(empty)) == {"guest-/b", "guest-/users/1"}
    # Discovery ran once, in the controller: the start page was asked for once by it.
    assert site.requests.count(("GET", "/sitemap.xml")) == 1


def test_an_unreachable_start_url_stops_with_one_message(
    empty: pytest.Pytester, unused_url: str
) -> None:
    configure(empty)
    result = empty.runpytest_subprocess("--audit", unused_url)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*audit: The start URL {unused_url} cannot be reached*"])


def test_a_start_url_that_redirects_off_site_says_where_to_start(
    empty: pytest.Pytester, site: Site
) -> None:
    configure(empty)
    result = empty.runpytest_subprocess("--audit", site.url + "/away")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*redirects to http://localhost:*on another origin*start from*"])


def test_a_site_larger_than_the_bound_stops_there_and_says_so(
    empty: pytest.Pytester, site: Site
) -> None:
    configure(empty, audit="max_pages = 2", checks="keyboard = false\naxe = false")
    result = empty.runpytest_subprocess("--audit", site.url + "/")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*= audit =*", "guest: stopped at 2 pages (?audit? max_pages);*raise max_pages*"]
    )


MEMBER_ROLE = """
[targets.site]
url = "{url}"

[roles.member]
target = "site"
fields = {{ Email = "member@example.com", Password = "{password}" }}
success_url = "/"
"""


def test_a_role_reaches_its_own_pages(empty: pytest.Pytester, members_site: Site) -> None:
    role = MEMBER_ROLE.format(url=members_site.url, password="right")
    configure(empty, audit='roles = ["member"]', more=role)
    result = empty.runpytest_subprocess("--audit", members_site.url + "/", "--collect-only", "-q")
    names = collected(result)
    assert "audit::test_page[member-/members-chromium-desktop]" in names
    assert not [n for n in names if n.startswith("audit::test_page[guest-/members")]
    assert not members_site.asked("/logout")


def test_a_sign_in_that_fails_is_one_failing_test_and_the_rest_goes_on(
    empty: pytest.Pytester, members_site: Site
) -> None:
    role = MEMBER_ROLE.format(url=members_site.url, password="wrong")
    configure(empty, audit='roles = ["member"]', checks="keyboard = false", more=role)
    result = empty.runpytest_subprocess("--audit", members_site.url + "/", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "e2e audit: audit as member: Role member did not sign in*Wrong password*",
            "FAILED audit::test_page?member-sign-in-chromium-desktop? - Failed: audit as m*",
        ]
    )


def test_a_page_that_never_loads_fails_alone(empty: pytest.Pytester, members_site: Site) -> None:
    configure(empty, audit="page_timeout_ms = 1500", checks="keyboard = false")
    result = empty.runpytest_subprocess(
        "--audit", members_site.url + "/", "--audit", members_site.url + "/hang"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [f"*{members_site.url}/hang did not finish loading within 1500 ms*its other checks*"]
    )


def test_the_console_script_audits_a_folder_with_no_suite(
    empty: pytest.Pytester, site: Site
) -> None:
    configure(empty, checks="keyboard = false\nscreenshot = true")
    result = empty.run(
        "sitewise", "audit", site.url + "/b", "--max-depth", "0", "--reports-dir", "out"
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(["*1 passed*"])
    html = (empty.path / "out" / "report.html").read_text()
    assert "1 page as guest: 0 failing" in html
    assert list((empty.path / "baselines").rglob("guest-b-*.png"))


def test_web_vitals_are_measured_per_profile_into_vitals_json(
    empty: pytest.Pytester, site: Site
) -> None:
    checks = "axe = false\nkeyboard = false\nlinks = false\nvitals = true"
    more = "\n[performance]\nruns = 1\nsettle_ms = 200\n"
    configure(empty, audit='vitals_profiles = ["desktop"]', checks=checks, more=more)
    result = empty.runpytest_subprocess("--audit", site.url + "/b", "--audit-max-depth", "0")
    result.assert_outcomes(passed=1)
    assert audit_records(empty)["guest-/b"]["vitals"] == "passed"
    vitals = json.loads((empty.path / "reports" / "vitals.json").read_text())
    assert "desktop" in json.dumps(vitals)
    assert site.url + "/b" in json.dumps(vitals)


@pytest.mark.parametrize(
    ("args", "audit", "message"),
    [
        (["--audit"], "", "*--audit needs a start URL: give --audit https://your.site/ or*"),
        (
            ["--audit", "http://127.0.0.1:9/", "--audit-role", "member"],
            "",
            "*audit role 'member': no ?roles.member? in playwright.config.toml (roles: none)*",
        ),
        (["--audit", "ftp://example.com/"], "", "*--audit ftp://example.com/: expected an http*"),
        (["--audit", "http://127.0.0.1:9/"], 'exclude = ["("]', "*audit.exclude*not one*"),
    ],
)
def test_bad_audit_options_stop_with_one_message(
    empty: pytest.Pytester, args: list[str], audit: str, message: str
) -> None:
    configure(empty, audit=audit)
    result = empty.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
