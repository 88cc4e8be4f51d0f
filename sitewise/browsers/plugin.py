"""Browser and viewport fixtures, extending pytest-playwright's rather than replacing them.

One browser per worker (pytest-playwright's session `browser`), one fresh context per
test. This module decides which binary is launched (sitewise.browsers.discovery), connects to a
remote browser server when asked, and runs every browser test under each configured
viewport: test ids end in `[desktop]`, `[mobile]`, and each test carries its viewport's
marker, so `-m mobile` selects the phone runs.

pytest-playwright's own options keep their meaning: `--browser-channel` launches that
branded build (`channel=`, nothing of ours), `--device` emulates that device (see
`pytest_configure`), `--base-url` is every context's base URL unless the caller of
`new_context` gives one. Its private fixtures (`_pw_*`) are left alone.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tempfile
from collections.abc import Callable
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType, Playwright, expect
from playwright.sync_api import Error as PlaywrightError
from pytest_playwright.pytest_playwright import CreateContextCallback

from sitewise.browsers.discovery import (
    BrowserChoice,
    BrowserNotFoundError,
    channel_browser,
    needs_playwright_path,
    playwright_devices,
    playwright_executables,
)
from sitewise.config.model import SuiteConfig, ViewportConfig
from sitewise.config.plugin import (
    BROWSERS_KEY,
    CONFIG_KEY,
    RESOLVED_KEY,
    browser_names,
    configured_executable,
    resolve_browser,
    resolved_browsers,
    run_folder,
    stop_run,
    stop_run_before,
    suite_config_of,
)
from sitewise.keyboard.browsers import keyboard_launch_options

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
    config = metafunc.config
    wanted = config.stash[RESOLVED_KEY].viewports
    marker = metafunc.definition.get_closest_marker("viewports")
    names = [n for n in wanted if marker is None or _selected(config, n, marker.args)]
    metafunc.parametrize("viewport", names, indirect=True, scope="session", ids=names)


def _selected(config: pytest.Config, name: str, asked: tuple[str, ...]) -> bool:
    """Whether the viewport `name` is one of those a `viewports(*asked)` marker names.

    The viewport of `--device` stands for the configured ones of its kind: a test kept
    to the mobile viewport runs under a phone, one kept to the desktop viewport does not.
    """
    if name in asked:
        return True
    device = config.stash.get(DEVICE_KEY, None)
    if device is None or name != device.viewport.name:
        return False
    mobile = device.viewport.mobile
    return any(v.name in asked and v.mobile == mobile for v in device.configured)


@dataclasses.dataclass(frozen=True)
class DeviceRun:
    """A run under pytest-playwright's `--device`: its one viewport, the viewports of the
    run it replaces, and the configured ones ([[viewports]])."""

    viewport: ViewportConfig
    replaced: tuple[str, ...]
    configured: tuple[ViewportConfig, ...]


DEVICE_KEY = pytest.StashKey[DeviceRun]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "viewports(*names): run this test only under the named viewports"
    )
    _keep_temp_files_in_the_run_folder(config)
    _launch_the_browser_channel(config)
    _run_under_the_device(config)


def _keep_temp_files_in_the_run_folder(config: pytest.Config) -> None:
    """An xdist worker makes its temp files in the run folder: pytest-playwright's
    traces, videos and screenshots in progress (`_pw_artifacts_folder`), Playwright's
    driver and the browser's profile (TMPDIR, which the processes it starts inherit).

    Each removes its own at the end of the worker's session; a worker that is killed
    cannot, but the run folder is removed by the controller however its workers ended.
    A run without xdist has no one left to clean up after it when it is killed, so it
    keeps the system's temp folder.
    """
    given = getattr(config, "workerinput", {}).get("e2e_run_folder")
    if not isinstance(given, str):
        return
    folder = str(run_folder(config))
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder


def _channel(config: pytest.Config, name: str) -> str:
    """pytest-playwright's `--browser-channel`, where it applies: to Chromium (Chrome and
    Edge are Chromium builds) launched here, not to a remote browser server's."""
    channel = config.getoption("--browser-channel", None)
    if not channel or name != "chromium" or config.stash[RESOLVED_KEY].connect:
        return ""
    return str(channel)


def _launch_the_browser_channel(config: pytest.Config) -> None:
    """With `--browser-channel`, the run's Chromium is that channel, as the report header
    says: a choice on the command line wins over E2E_CHROMIUM, the config and what is
    found. The other engines of the run are found as without it.

    The controller (or the only process) decides; its workers get the decision.
    """
    if hasattr(config, "workerinput") or not _channel(config, "chromium"):
        return
    suite = suite_config_of(config)
    found: dict[str, BrowserChoice | str] = {}
    for name in browser_names(config):
        channel = _channel(config, name)
        if channel:
            found[name] = channel_browser(name, channel)
            continue
        expected = None
        if needs_playwright_path(
            name, configured=configured_executable(suite, name), environ=os.environ
        ):
            expected = playwright_executables((name,))[name]
        try:
            found[name] = resolve_browser(config, name, expected)
        except BrowserNotFoundError as error:
            found[name] = str(error)
    config.stash[BROWSERS_KEY] = found


def _run_under_the_device(config: pytest.Config) -> None:
    """With pytest-playwright's `--device NAME`, every browser test runs once, under one
    viewport named after the device (`iPhone 13` -> `iphone-13`) with its descriptor.

    That is what `--device` does without this engine: each test emulates that device,
    once. Applying the device over each configured viewport instead would run every
    test twice in the same emulated browser, once under a `desktop` label that is not
    true. A test kept to viewports of the other kind (`viewports("desktop")` under a
    phone) is not run (see `_selected`).
    """
    name = config.getoption("--device", None)
    if not name:
        return
    # A worker takes the viewport the controller looked up (Playwright's driver: ~0.5 s).
    given = getattr(config, "workerinput", {}).get("e2e_device")
    viewport = ViewportConfig(**given) if isinstance(given, dict) else _device_viewport(str(name))
    resolved = config.stash[RESOLVED_KEY]
    suite = suite_config_of(config)
    config.stash[DEVICE_KEY] = DeviceRun(viewport, resolved.viewports, suite.viewports)
    config.stash[RESOLVED_KEY] = dataclasses.replace(resolved, viewports=(viewport.name,))
    others = tuple(v for v in suite.viewports if v.name != viewport.name)
    config.stash[CONFIG_KEY] = suite.model_copy(update={"viewports": (*others, viewport)})
    config.addinivalue_line(
        "markers", f"{viewport.name}: runs under the {viewport.device} device (--device)"
    )


def _device_viewport(name: str) -> ViewportConfig:
    devices = playwright_devices()
    if not devices:
        raise pytest.UsageError(
            f"--device {name}: Playwright's driver did not start, so its devices are unknown."
        )
    if name not in devices:
        close = difflib.get_close_matches(name, devices, n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "."
        raise pytest.UsageError(
            f"--device {name!r}: not a Playwright device (see playwright.devices){hint}"
        )
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not re.match(r"[a-z]", slug):
        slug = f"device-{slug}"
    return ViewportConfig(name=slug, device=name, mobile=bool(devices[name].get("is_mobile")))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker runs under the device the controller looked up."""
    device = node.config.stash.get(DEVICE_KEY, None)
    if device is not None:
        node.workerinput["e2e_device"] = device.viewport.model_dump()


def pytest_report_header(config: pytest.Config) -> list[str]:
    device = config.stash.get(DEVICE_KEY, None)
    if device is None:
        return []
    instead = ", ".join(device.replaced)
    return [
        f"e2e device: {device.viewport.device} (--device): every browser test runs once,"
        f" as viewport {device.viewport.name}, instead of under {instead}"
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        viewport = callspec.params.get("viewport")
        # Not a name where the run has none of the test's viewports (an empty parameter
        # set, which pytest skips): `viewports("desktop")` under `--viewport mobile`.
        if isinstance(viewport, str):
            item.add_marker(viewport)


def _unavailable(item: pytest.Item) -> str:
    """Why the browser this test needs cannot be had, or "" (it can, or it needs none)."""
    if not _LAUNCHING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return ""
    if item.get_closest_marker("skip") is not None:
        # Skipped before its fixtures (a browser whose snapshots are not compared, say).
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
    if found is None and _channel(pytestconfig, browser_name):
        found = channel_browser(browser_name, _channel(pytestconfig, browser_name))
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
    """pytest-playwright's launch args plus the discovered executable and its flags.

    A channel (`--browser-channel`, or a test's own launch args) is launched as
    pytest-playwright does: Playwright finds that branded build, which needs none of
    the flags of a system Chromium.
    """
    launch: dict[str, Any] = {**browser_type_launch_args}
    channel = launch.get("channel") or browser_choice.channel
    if not suite_config.browser.headless:
        launch.setdefault("headless", False)
    if channel:
        launch["channel"] = channel
        args = [*suite_config.browser.args]
    else:
        args = [*browser_choice.args, *suite_config.browser.args]
        if browser_choice.executable:
            launch["executable_path"] = browser_choice.executable
    if args:
        launch["args"] = args
    # Tab visits every focusable element in each engine (sitewise.keyboard.browsers).
    for key, options in keyboard_launch_options(browser_choice.name).items():
        launch[key] = {**options, **launch.get(key, {})}
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


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir() -> None:
    """Replaces pytest-playwright's fixture of this name, which empties --output in every
    xdist worker as it starts, deleting what faster workers already wrote. The
    controller empties it once instead, before any worker runs (sitewise.report.plugin)."""


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
    """pytest-playwright's context args plus the viewport's, and a fixed locale and zone.

    Without `base_url` (`--base-url`): `new_context` gives it to each context instead,
    unless its caller gives one of its own (see there).
    """
    args = {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "UTC",
        **viewport_context_args(viewport, playwright, browser_name),
    }
    args.pop("base_url", None)
    if browser_name == "firefox":
        # Also from pytest-playwright's args (--device): Firefox has no mobile mode.
        args.pop("is_mobile", None)
    return args


@pytest.fixture
def new_context(
    new_context: CreateContextCallback,
    suite_config: SuiteConfig,
    base_url: str | None,
    request: pytest.FixtureRequest,
) -> CreateContextCallback:
    """pytest-playwright's context factory (closed after the test), with our timeouts.

    `--base-url` (the `base_url` fixture) is the base URL of a context whose caller
    gives none: pytest-playwright passes `browser_context_args` and the caller's
    arguments side by side, so a `base_url` in both (a fixture opening the admin app
    while `--base-url` names the web app) would be a TypeError rather than the caller's.
    """
    marker = request.node.get_closest_marker("browser_context_args")
    marked = marker is not None and "base_url" in marker.kwargs

    def make(**kwargs: Any) -> BrowserContext:
        if base_url and not marked:
            kwargs.setdefault("base_url", base_url)
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
