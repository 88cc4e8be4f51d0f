"""Browser and viewport fixtures, extending pytest-playwright's rather than replacing them.

One browser per worker (pytest-playwright's session `browser`), one fresh context per
test. This module decides which binary is launched (sitewise.browsers.discovery), connects to a
remote browser server when asked, and runs every browser test under each configured
viewport: test ids end in `[desktop]`, `[mobile]`, and each test carries its viewport's
marker, so `-m mobile` selects the phone runs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType, Playwright, expect
from playwright.sync_api import Error as PlaywrightError
from pytest_playwright.pytest_playwright import CreateContextCallback

from sitewise.browsers.discovery import BrowserChoice, BrowserNotFoundError
from sitewise.config.model import SuiteConfig, ViewportConfig
from sitewise.config.plugin import (
    RESOLVED_KEY,
    resolve_browser,
    resolved_browsers,
    run_folder,
    stop_run,
    stop_run_before,
    suite_config_of,
)

# Fixtures that launch (or connect to) a browser. A test's fixture closure names them
# (not always `browser_choice`: pytest's closure does not follow a fixture that
# overrides one of the same name, as our `new_context` does, into the overridden one).
_LAUNCHING_FIXTURES = {"page", "context", "new_context", "browser", "launch_browser"}

# Fixtures of pytest-playwright (and ours) that need a browser, hence a viewport.
_BROWSER_FIXTURES = {"page", "context", "new_context", "browser", "viewport"}


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # trylast: pytest-playwright parametrizes browser_name first, so ids end in the viewport.
    if not _BROWSER_FIXTURES & set(metafunc.fixturenames):
        return
    if "viewport" not in metafunc.fixturenames:
        metafunc.fixturenames.append("viewport")
    wanted = metafunc.config.stash[RESOLVED_KEY].viewports
    marker = metafunc.definition.get_closest_marker("viewports")
    names = [n for n in wanted if marker is None or n in marker.args]
    metafunc.parametrize("viewport", names, indirect=True, scope="session", ids=names)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "viewports(*names): run this test only under the named viewports"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        if "viewport" in callspec.params:
            item.add_marker(callspec.params["viewport"])
        if callspec.params.get("app") in ("web", "admin"):
            item.add_marker(callspec.params["app"])


def _unavailable(item: pytest.Item) -> str:
    """Why the browser this test needs cannot be had, or "" (it can, or it needs none)."""
    if not _LAUNCHING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return ""
    callspec = getattr(item, "callspec", None)
    name = callspec.params.get("browser_name") if callspec is not None else None
    found = resolved_browsers(item.config).get(str(name)) if name else None
    return found if isinstance(found, str) else ""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """No browser: stop the run before the first test that needs one, with why, once."""
    reason = _unavailable(item)
    if reason:
        return stop_run_before(item, reason, pytest.ExitCode.USAGE_ERROR)
    return None


@pytest.fixture(scope="session")
def browser_choice(
    browser_type: BrowserType, browser_name: str, pytestconfig: pytest.Config
) -> BrowserChoice:
    """The browser binary this worker launches (as the report header says), or the remote one."""
    found = resolved_browsers(pytestconfig).get(browser_name)
    if found is None:  # an engine the run did not name (a test's own browser_name)
        try:
            found = resolve_browser(pytestconfig, browser_name, browser_type.executable_path)
        except BrowserNotFoundError as error:
            found = str(error)
    if isinstance(found, str):
        stop_run(pytestconfig, found, pytest.ExitCode.USAGE_ERROR)
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
    browser_choice: BrowserChoice,
    suite_config: SuiteConfig,
) -> dict[str, Any]:
    """pytest-playwright's launch args plus the discovered executable and its flags."""
    args = [*browser_choice.args, *suite_config.browser.args]
    launch: dict[str, Any] = {**browser_type_launch_args}
    if not suite_config.browser.headless:
        launch.setdefault("headless", False)
    if browser_choice.executable:
        launch["executable_path"] = browser_choice.executable
    if args:
        launch["args"] = args
    return launch


@pytest.fixture(scope="session")
def connect_options(pytestconfig: pytest.Config) -> dict[str, Any] | None:
    """A remote Playwright browser server to use instead of a local launch, if one is set.

    pytest-playwright's `launch_browser` passes these to `BrowserType.connect(**options)`
    (with its own `headers` added), whose first parameter is `endpoint`.
    """
    endpoint = pytestconfig.stash[RESOLVED_KEY].connect
    return {"endpoint": endpoint, "timeout": 30_000} if endpoint else None


@pytest.fixture(scope="session")
def launch_browser(
    launch_browser: Callable[..., Browser],
    browser_choice: BrowserChoice,
    pytestconfig: pytest.Config,
) -> Callable[..., Browser]:
    """pytest-playwright's launch (or connect); a browser that cannot be had stops the run.

    The browser is one per worker: when it does not launch, or the server does not
    answer, no browser test can run, so the run stops with why instead of failing each.
    """

    def launch(**kwargs: Any) -> Browser:
        try:
            return launch_browser(**kwargs)
        except PlaywrightError as error:
            lines = (error.message or str(error)).strip().splitlines()
            problem = lines[0] if lines else type(error).__name__
        verb = "connected to" if browser_choice.source == "remote" else "launched"
        stop_run(
            pytestconfig,
            f"The browser {browser_choice.describe()} could not be {verb}: {problem}",
            pytest.ExitCode.USAGE_ERROR,
        )

    return launch


@pytest.fixture(scope="session")
def _pw_artifacts_folder(
    pytestconfig: pytest.Config,
) -> Iterator[tempfile.TemporaryDirectory[str]]:
    """pytest-playwright's folder for videos and traces in progress, in the run folder.

    pytest-playwright makes it in the system's temp folder and removes it at the end of
    the worker's session; a worker that is killed cannot, while the run folder goes
    with the run, however its workers ended.
    """
    folder = tempfile.TemporaryDirectory(
        prefix="playwright-pytest-", dir=run_folder(pytestconfig), ignore_cleanup_errors=True
    )
    yield folder
    # Not now: session fixtures are torn down in the last test's teardown, before
    # pytest-playwright moves that test's trace and video out of this folder (in its
    # makereport hook). As pytest-playwright's own fixture does, clean up at the end.
    pytestconfig.add_cleanup(lambda: folder.cleanup())


@pytest.fixture(scope="session")
def viewport(request: pytest.FixtureRequest, suite_config: SuiteConfig) -> ViewportConfig:
    """The viewport this test runs under (a session param: each one's tests run together)."""
    name = getattr(request, "param", suite_config.viewports[0].name)
    return suite_config.viewport(name)


def viewport_context_args(
    viewport: ViewportConfig, playwright: Playwright, browser_name: str
) -> dict[str, Any]:
    """Context options for a viewport: a device descriptor or a size, fitted to the engine."""
    args: dict[str, Any] = {}
    if viewport.device:
        if viewport.device not in playwright.devices:
            raise pytest.UsageError(
                f"[[viewports]] {viewport.name}: unknown Playwright device {viewport.device!r}"
                " (see playwright.devices for the names)."
            )
        args.update(playwright.devices[viewport.device])
        args.pop("default_browser_type", None)
    if viewport.width and viewport.height:
        args["viewport"] = {"width": viewport.width, "height": viewport.height}
    if viewport.device_scale_factor:
        args["device_scale_factor"] = viewport.device_scale_factor
    if viewport.mobile:
        args["has_touch"] = True
        args["is_mobile"] = True
    if browser_name == "firefox":
        # Firefox has no mobile emulation mode; touch and size still apply.
        args.pop("is_mobile", None)
    return args


@pytest.fixture(scope="session")
def browser_context_args(
    browser_context_args: dict[str, Any],
    viewport: ViewportConfig,
    playwright: Playwright,
    browser_name: str,
) -> dict[str, Any]:
    """pytest-playwright's context args plus the viewport's, and a fixed locale and zone."""
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "UTC",
        **viewport_context_args(viewport, playwright, browser_name),
    }


@pytest.fixture
def new_context(
    new_context: CreateContextCallback, suite_config: SuiteConfig
) -> CreateContextCallback:
    """pytest-playwright's context factory (closed after the test), with our timeouts."""

    def make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(suite_config.timeouts.action_ms)
        context.set_default_navigation_timeout(suite_config.timeouts.navigation_ms)
        return context

    return cast(CreateContextCallback, make)


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout(pytestconfig: pytest.Config) -> None:
    expect.set_options(timeout=suite_config_of(pytestconfig).timeouts.expect_ms)


@pytest.fixture(scope="session")
def is_mobile(viewport: ViewportConfig) -> bool:
    """Whether this run emulates a phone."""
    return viewport.mobile
