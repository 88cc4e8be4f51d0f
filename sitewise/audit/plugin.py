"""`pytest --audit URL`: discover a site's pages once, then collect one test per page and role.

Discovery runs once per run, in the xdist controller (or the only process), at session
start: a browser of its own walks the site (sitewise.audit.discovery) as a visitor and
as each role of [audit] roles / `--audit-role` (signed in through the role's
`[roles.NAME]` form, at the audited origin). What it found is written to the run folder
and read by every worker, so all collect the same list. The test module
sitewise/audit/site_test.py is then collected as if it were the suite's own, with one
parameter per page and role: -n, shards, retries, -k, -m audit and the report apply as
to any spec. Unless test paths are given too, `--audit` collects the audit alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Generator
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.sync_api import Browser, StorageState, sync_playwright

from sitewise.accessibility.plugin import page_name
from sitewise.audit.checks import LinkCache
from sitewise.audit.config import AuditConfig
from sitewise.audit.discovery import GUEST, Discovery, DiscoveryError, discover, scope_of
from sitewise.audit.run import AuditPage, AuditTools, audit_page
from sitewise.audit.urls import origin
from sitewise.auth.signin import SignIn, SignInError, form_sign_in
from sitewise.config.model import SuiteConfig
from sitewise.config.plugin import (
    CONFIG_KEY,
    RESOLVED_KEY,
    browser_names,
    reports_dir_of,
    resolved_browsers,
    run_folder,
    runs_headless,
    suite_config_of,
)

DISCOVERY_FILE = "discovery.json"
_WORKER_KEY = "sitewise_audit_discovery"
_ALONE_KEY = "sitewise_audit_alone"
DISCOVERY_KEY = pytest.StashKey[Discovery]()
SITE_TEST = Path(__file__).with_name("site_test.py")


class PageAuditor(Protocol):
    def __call__(self, target: AuditPage) -> None: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sitewise")
    group.addoption(
        "--audit",
        action="append",
        nargs="?",
        const="",
        default=[],
        metavar="URL",
        help="Audit the site at URL (repeatable): discover its pages and check each one"
        " ([audit] of playwright.config.toml; --audit alone uses its start URLs).",
    )
    group.addoption(
        "--audit-role",
        action="append",
        default=[],
        metavar="ROLE",
        help="Audit as this role too (repeatable; a [roles.ROLE] form sign-in; config"
        " [audit] roles).",
    )
    group.addoption(
        "--audit-max-pages",
        type=int,
        metavar="N",
        help="Pages per role at most ([audit] max_pages).",
    )
    group.addoption(
        "--audit-max-depth",
        type=int,
        metavar="N",
        help="Links away from a start URL at most ([audit] max_depth).",
    )


def auditing(config: pytest.Config) -> bool:
    return bool(config.getoption("--audit", None))


def audit_config_of(config: pytest.Config) -> AuditConfig:
    return suite_config_of(config).audit


def start_urls(config: pytest.Config) -> tuple[str, ...]:
    given = [url for url in config.getoption("--audit") if url]
    return tuple(given) or audit_config_of(config).start


def audit_roles(config: pytest.Config) -> tuple[str, ...]:
    return tuple(config.getoption("--audit-role")) or audit_config_of(config).roles


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "audit: a page of the site audit (pytest --audit URL)")
    if not auditing(config):
        return
    _apply_options(config)
    starts = start_urls(config)
    if not starts:
        raise pytest.UsageError(
            "--audit needs a start URL: give --audit https://your.site/ or [audit] start in"
            " playwright.config.toml."
        )
    bad = [url for url in starts if not url.startswith(("http://", "https://"))]
    if bad:
        raise pytest.UsageError(f"--audit {bad[0]}: expected an http:// or https:// URL.")
    suite = suite_config_of(config)
    for role in audit_roles(config):
        if role not in suite.roles:
            known = ", ".join(suite.roles) or "none"
            raise pytest.UsageError(
                f"audit role {role!r}: no [roles.{role}] in playwright.config.toml (roles:"
                f" {known}); add a form sign-in for it, or leave it out of [audit] roles."
            )
    unknown = [v for v in suite.audit.viewports if v not in {x.name for x in suite.viewports}]
    if unknown:
        raise pytest.UsageError(f"[audit] viewports: {unknown[0]!r} is not a [[viewports]] name.")


def _apply_options(config: pytest.Config) -> None:
    """--audit-max-pages and --audit-max-depth win over [audit]."""
    given = {
        "max_pages": config.getoption("--audit-max-pages"),
        "max_depth": config.getoption("--audit-max-depth"),
    }
    given = {key: value for key, value in given.items() if value is not None}
    if not given:
        return
    for key, value in given.items():
        if value < (1 if key == "max_pages" else 0):
            raise pytest.UsageError(f"--audit-{key.replace('_', '-')} {value}: too small.")
    suite = suite_config_of(config)
    audit = suite.audit.model_copy(update=given)
    config.stash[CONFIG_KEY] = suite.model_copy(update={"audit": audit})


def audit_alone(config: pytest.Config) -> bool:
    """Whether the run is the audit alone: `--audit` with no test paths given (as the
    controller saw its command line; a worker is told)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return bool(workerinput.get(_ALONE_KEY))
    return auditing(config) and config.args_source != pytest.Config.ArgsSource.ARGS


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`--audit` with no test paths given collects the audit alone."""
    return True if audit_alone(config) else None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Discover once, before any worker starts; an audit that cannot start stops here."""
    config = session.config
    if not auditing(config) or hasattr(config, "workerinput"):
        return
    try:
        found = run_discovery(config)
    except DiscoveryError as error:
        pytest.exit(f"audit: {error}", returncode=pytest.ExitCode.USAGE_ERROR)
    path = found.write(run_folder(config) / "audit" / DISCOVERY_FILE)
    reports = reports_dir_of(config) / "audit"
    reports.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, reports / DISCOVERY_FILE)
    config.stash[DISCOVERY_KEY] = found


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker collects the pages the controller found."""
    if auditing(node.config):
        node.workerinput[_WORKER_KEY] = str(run_folder(node.config) / "audit" / DISCOVERY_FILE)
        node.workerinput[_ALONE_KEY] = audit_alone(node.config)


def discovery_of(config: pytest.Config) -> Discovery:
    if DISCOVERY_KEY not in config.stash:
        config.stash[DISCOVERY_KEY] = Discovery.read(Path(config.workerinput[_WORKER_KEY]))  # type: ignore[attr-defined]
    return config.stash[DISCOVERY_KEY]


def _launch(config: pytest.Config, playwright: Any) -> Browser:
    name = browser_names(config)[0]
    choice = resolved_browsers(config).get(name)
    if isinstance(choice, str) or choice is None:
        raise DiscoveryError(choice or f"no browser for {name}")
    browser_type = getattr(playwright, name)
    connect = config.stash[RESOLVED_KEY].connect
    if connect:
        return browser_type.connect(connect)  # type: ignore[no-any-return]
    suite = suite_config_of(config)
    args: dict[str, Any] = {"headless": runs_headless(config)}
    if choice.channel:
        args["channel"] = choice.channel
    if choice.executable:
        args["executable_path"] = choice.executable
    flags = [*choice.args, *suite.browser.args]
    if flags:
        args["args"] = flags
    return browser_type.launch(**args)  # type: ignore[no-any-return]


def run_discovery(config: pytest.Config) -> Discovery:
    """Walk the site as a visitor and as each role; a role that cannot sign in is noted."""
    suite = suite_config_of(config)
    audit, starts = suite.audit, start_urls(config)
    site = origin(starts[0])
    with sync_playwright() as playwright:
        browser = _launch(config, playwright)
        try:
            states: list[tuple[str, StorageState | None]] = [(GUEST, None)] if audit.guest else []
            failures: dict[str, str] = {}
            for role in audit_roles(config):
                sign_in = form_sign_in(role, suite.roles[role], suite.timeouts.navigation_ms)
                try:
                    states.append((role, sign_in(browser, site)))
                except SignInError as error:
                    failures[role] = f"audit as {role}: {error} Its pages are not audited."
            found = discover(browser, starts, audit, states)
        finally:
            browser.close()
    found.sign_in_failures = failures
    return found


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> Generator[None, None, None]:
    """Add the audit's tests before any other plugin selects, deselects or orders items."""
    if auditing(config):
        module = pytest.Module.from_parent(session, path=SITE_TEST, nodeid="audit")
        items[:0] = list(session.genitems(module))
    return (yield)


def _audit_pages(found: Discovery) -> list[AuditPage]:
    pages = [AuditPage(p.url, p.route, p.role, p.note) for p in found.pages]
    pages += [
        AuditPage(found.start[0], "", role, sign_in_failure=message)
        for role, message in found.sign_in_failures.items()
    ]
    return pages


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # tryfirst: the page leads the test's id (`guest-/users/1-chromium-desktop`), and the
    # viewports marker is there before the engine parametrizes the viewport (trylast).
    if metafunc.definition.path != SITE_TEST or "audit_page" not in metafunc.fixturenames:
        return
    config = metafunc.config
    suite = suite_config_of(config)
    viewports = suite.audit.viewports or (suite.viewports[0].name,)
    metafunc.definition.add_marker(pytest.mark.viewports(*viewports))
    metafunc.definition.add_marker(pytest.mark.audit)
    pages = _audit_pages(discovery_of(config))
    metafunc.parametrize("audit_page", pages, ids=[p.label for p in pages])


@pytest.hookimpl(trylast=True)
def pytest_report_header(config: pytest.Config) -> list[str]:
    if not auditing(config) or DISCOVERY_KEY not in config.stash:
        return []
    found = config.stash[DISCOVERY_KEY]
    counts = ", ".join(
        f"{role} {sum(p.role == role for p in found.pages)}" for role in found.roles()
    )
    lines = [f"e2e audit: {', '.join(found.start)}: {len(found.pages)} pages ({counts or 'none'})"]
    lines += [f"e2e audit: {note}" for note in found.notes]
    lines += [f"e2e audit: {message}" for message in found.sign_in_failures.values()]
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    config = terminalreporter.config
    if not auditing(config) or DISCOVERY_KEY not in config.stash:
        return
    found = config.stash[DISCOVERY_KEY]
    if found.notes or found.sign_in_failures:
        terminalreporter.section("audit")
        for line in [*found.notes, *found.sign_in_failures.values()]:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def audit_config(suite_config: SuiteConfig) -> AuditConfig:
    """The [audit] section: bounds of discovery and the checks each page gets. Free."""
    return suite_config.audit


@pytest.fixture(scope="session")
def audit_storage_state(request: pytest.FixtureRequest, browser: Browser) -> Any:
    """`state(role)`: the role's storage state at the audited origin (None for a visitor),
    made through the engine's sign-in once per worker. `sign_in_methods` is asked for
    only when a role is: a suite's own sign-ins may need its targets."""
    states: dict[str, StorageState] = {}
    site = origin(discovery_of(request.config).start[0])

    def state(role: str) -> StorageState | None:
        if role == GUEST:
            return None
        if role not in states:
            methods: dict[str, SignIn] = request.getfixturevalue("sign_in_methods")
            try:
                states[role] = methods[role].method(browser, site)
            except SignInError as error:
                pytest.fail(f"audit as {role}: {error}", pytrace=False)
        return states[role]

    return state


@pytest.fixture(scope="session")
def audit_link_cache() -> LinkCache:
    """Each link's status, asked once per worker and role (politeness to the site). Free."""
    return {}


@pytest.fixture
def page_auditor(
    request: pytest.FixtureRequest,
    audit_config: AuditConfig,
    suite_config: SuiteConfig,
    new_context: Any,
    audit_storage_state: Any,
    audit_link_cache: LinkCache,
) -> PageAuditor:
    """`audit(page)`: open the page as its role in a fresh context and run every check of
    [audit.checks]; an AssertionError names each failing one. Costs a context, plus what
    each check costs (axe about half a second, a keyboard walk a few tens of ms a stop,
    Web Vitals [performance] runs loads per profile)."""
    item = request.node
    assert isinstance(item, pytest.Item)
    found = discovery_of(request.config)
    profiles = audit_config.vitals_profiles or tuple(suite_config.performance.profiles)

    def audit(target: AuditPage) -> None:
        __tracebackhide__ = True
        tools = AuditTools(
            config=audit_config,
            scope=scope_of(found.start, audit_config),
            new_context=new_context,
            storage_state=audit_storage_state,
            fixture=request.getfixturevalue,
            item=item,
            links=audit_link_cache,
            vitals_profiles=profiles,
            page_name=page_name(request.config, target.url),
        )
        audit_page(target, tools)

    return audit
