"""The suite's options and configuration: CLI, then environment, then playwright.config.toml.

Resolution follows pytest-base-url: a command-line option wins, then an environment
variable, then the config file, then the default. What was resolved is printed in the
report header, and a broken config stops the run before any test with one message.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from sitewise import hookspecs
from sitewise.browsers.discovery import (
    BrowserChoice,
    BrowserNotFoundError,
    find_browser,
    needs_playwright_path,
    playwright_executables,
    remote_browser,
)
from sitewise.config.model import CONFIG_FILE, ConfigError, SuiteConfig, load_config
from sitewise.run.folder import RunFolder

CONFIG_KEY = pytest.StashKey[SuiteConfig]()
REPORTS_KEY = pytest.StashKey[Path]()


@dataclasses.dataclass(frozen=True)
class Resolved:
    """The values that came from several sources, with where each came from."""

    viewports: tuple[str, ...]
    config_path: Path
    # ws:// endpoint of a Playwright browser server; empty: browsers are launched here.
    connect: str = ""


RESOLVED_KEY = pytest.StashKey[Resolved]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sitewise", "sitewise: end-to-end checks")
    group.addoption(
        "--target",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="Base URL of the target NAME (repeatable; env E2E_<NAME>_URL, config "
        "[targets.NAME] url). pytest-playwright's --base-url sets a single target.",
    )
    group.addoption(
        "--viewport",
        action="append",
        default=[],
        help="Run only under this viewport (repeatable); names come from [[viewports]] in "
        "playwright.config.toml (default: desktop and mobile).",
    )
    group.addoption(
        "--e2e-config",
        default=None,
        help=f"Path of the suite's config file (env E2E_CONFIG; default: {CONFIG_FILE} "
        "in the root directory).",
    )
    group.addoption(
        "--connect",
        default=None,
        help="ws:// endpoint of a Playwright browser server (`playwright run-server`, "
        "`playwright launch-server`) to use instead of launching a local browser "
        "(env E2E_CONNECT, config [browser] connect).",
    )
    group.addoption(
        "--reports-dir",
        default=None,
        help="Folder every report and artifact goes under (config [report] dir; default: reports)."
        " Write --reports-dir=DIR: pytest picks its rootdir before it knows this option, and"
        " takes an existing DIR after a space for a test path.",
    )


def _config_path(config: pytest.Config) -> Path:
    given = config.getoption("--e2e-config") or os.environ.get("E2E_CONFIG")
    path = Path(given) if given else config.rootpath / CONFIG_FILE
    return path if path.is_absolute() else config.invocation_params.dir / path


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    path = _config_path(config)
    if config.getoption("--e2e-config") and not path.exists():
        raise pytest.UsageError(f"--e2e-config {path}: no such file.")
    sections: dict[str, Any] = {}
    for given in config.hook.pytest_sitewise_config_sections():
        sections.update(given)
    try:
        suite = load_config(path, sections)
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None
    known = [v.name for v in suite.viewports]
    wanted = tuple(config.getoption("--viewport") or known)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise pytest.UsageError(
            f"--viewport {unknown[0]}: unknown viewport; choose from {', '.join(known)}"
            f" (defined by [[viewports]] in {path.name})."
        )
    connect = (
        config.getoption("--connect") or os.environ.get("E2E_CONNECT") or suite.browser.connect
    )
    if connect and not connect.startswith(("ws://", "wss://")):
        raise pytest.UsageError(
            f"--connect / E2E_CONNECT = {connect!r}: expected a ws:// or wss:// endpoint of a"
            " Playwright browser server."
        )
    # [browser] name picks the engine unless pytest-playwright's --browser is given.
    if not getattr(config.option, "browser", None) and suite.browser.name != "chromium":
        config.option.browser = [suite.browser.name]
    reports = Path(config.getoption("--reports-dir") or suite.report.dir)
    if not reports.is_absolute():
        reports = config.rootpath / reports
    config.stash[CONFIG_KEY] = suite
    config.stash[REPORTS_KEY] = reports
    config.stash[RESOLVED_KEY] = Resolved(wanted, path, connect)
    for viewport in suite.viewports:
        config.addinivalue_line(
            "markers", f"{viewport.name}: runs under the {viewport.name} viewport"
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    resolved = config.stash.get(RESOLVED_KEY, None)
    if resolved is None:
        return []
    config_name = resolved.config_path if resolved.config_path.exists() else "defaults"
    return [
        f"e2e config: {config_name}",
        f"e2e browser: {'; '.join(_browser_lines(config))}",
        f"e2e viewports: {', '.join(resolved.viewports)}",
        f"e2e reports: {config.stash[REPORTS_KEY]}",
    ]


def browser_names(config: pytest.Config) -> tuple[str, ...]:
    """The engines this run uses: pytest-playwright's --browser, else [browser] name."""
    given: list[str] = getattr(config.option, "browser", None) or []
    return tuple(dict.fromkeys(given)) or (suite_config_of(config).browser.name,)


def configured_executable(suite: SuiteConfig, name: str) -> str:
    """[browser] executable, which belongs to the engine [browser] name names."""
    return suite.browser.executable if name == suite.browser.name else ""


def resolve_browser(
    config: pytest.Config, name: str, playwright_executable: str | None
) -> BrowserChoice:
    """The browser to launch for `name`, or the remote one to connect to."""
    resolved = config.stash[RESOLVED_KEY]
    if resolved.connect:
        return remote_browser(name, resolved.connect)
    return find_browser(
        name,
        playwright_executable=playwright_executable,
        configured=configured_executable(suite_config_of(config), name),
        headless=runs_headless(config),
    )


def runs_headless(config: pytest.Config) -> bool:
    """Whether the browser runs without a window (not `--headed`, not `headless = false`)."""
    return suite_config_of(config).browser.headless and not config.getoption("headed", False)


BROWSERS_KEY = pytest.StashKey[dict[str, BrowserChoice | str]]()


def resolved_browsers(config: pytest.Config) -> dict[str, BrowserChoice | str]:
    """Each engine of the run and what it launches (or connects to), or why there is none.

    Found once per run, by the xdist controller (or the only process), which prints it
    in the report header and hands it to every worker: what the header says is what the
    workers launch.
    """
    if BROWSERS_KEY in config.stash:
        return config.stash[BROWSERS_KEY]
    given = getattr(config, "workerinput", {}).get("e2e_browsers")
    if isinstance(given, dict):
        found = {name: _choice_from_wire(value) for name, value in given.items()}
    else:
        found = _find_browsers(config)
    config.stash[BROWSERS_KEY] = found
    return found


def _find_browsers(config: pytest.Config) -> dict[str, BrowserChoice | str]:
    suite = suite_config_of(config)
    names = browser_names(config)
    wanted = tuple(
        name
        for name in names
        if not config.stash[RESOLVED_KEY].connect
        and needs_playwright_path(
            name, configured=configured_executable(suite, name), environ=os.environ
        )
    )
    expected = playwright_executables(wanted) if wanted else {}
    found: dict[str, BrowserChoice | str] = {}
    for name in names:
        try:
            found[name] = resolve_browser(config, name, expected.get(name))
        except BrowserNotFoundError as error:
            found[name] = str(error)
    return found


def _choice_to_wire(value: BrowserChoice | str) -> dict[str, Any] | str:
    return value if isinstance(value, str) else dataclasses.asdict(value)


def _choice_from_wire(value: Any) -> BrowserChoice | str:
    if isinstance(value, str):
        return value
    return BrowserChoice(**{**value, "args": tuple(value["args"])})


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker launches what the controller found, and uses its run folder."""
    found = resolved_browsers(node.config)
    node.workerinput["e2e_browsers"] = {k: _choice_to_wire(v) for k, v in found.items()}
    node.workerinput["e2e_run_folder"] = str(run_folder(node.config))


def _browser_lines(config: pytest.Config) -> list[str]:
    lines = []
    for name, found in resolved_browsers(config).items():
        if isinstance(found, str):
            lines.append(f"{name} (none found; a browser test stops the run with why)")
        else:
            lines.append(found.describe())
    return lines


# The key of an xdist worker's output that says why it stopped the run, and with what code.
_STOP = "e2e_stop"


def stop_run(config: pytest.Config, reason: str, returncode: pytest.ExitCode) -> NoReturn:
    """Stop the whole run with one message, from a fixture or a test in any process.

    Alone, this is pytest.exit. In an xdist worker, where pytest.exit is an internal
    error, the current test fails with the reason, the worker runs no further test and
    hands the reason to the controller, which stops the run with it (pytest_testnodedown).
    """
    _hand_over(config, reason, returncode)
    pytest.fail(reason, pytrace=False)


def stop_run_before(item: pytest.Item, reason: str, returncode: pytest.ExitCode) -> bool:
    """The same from pytest_runtest_protocol, before `item` runs (it is not run)."""
    _hand_over(item.config, reason, returncode)
    item.session.shouldstop = reason
    return True


def _hand_over(config: pytest.Config, reason: str, returncode: pytest.ExitCode) -> None:
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is None:
        pytest.exit(reason, returncode=returncode)
    workeroutput[_STOP] = {"reason": reason, "returncode": int(returncode)}
    config.stash[STOPPING_KEY] = reason


STOPPING_KEY = pytest.StashKey[str]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """xdist controller: a worker that stopped the run stops it here, with its reason."""
    stop = getattr(node, "workeroutput", {}).get(_STOP)
    if isinstance(stop, dict):
        pytest.exit(str(stop["reason"]), returncode=pytest.ExitCode(stop["returncode"]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, None]:
    """An xdist worker that is stopping the run runs no further test."""
    yield
    reason = item.config.stash.get(STOPPING_KEY, None)
    if reason:
        item.session.shouldstop = reason


RUN_FOLDER_KEY = pytest.StashKey[Path]()


def run_folder(config: pytest.Config) -> Path:
    """The run's temp folder: workers' databases and Playwright's artifact folders go in it.

    Made by the xdist controller (or the only process), which removes it at the very end
    of the run, after its workers are down, however they ended (sitewise.run.folder.RunFolder);
    a worker gets its path.
    """
    if RUN_FOLDER_KEY in config.stash:
        return config.stash[RUN_FOLDER_KEY]
    given = getattr(config, "workerinput", {}).get("e2e_run_folder")
    if isinstance(given, str):
        path = Path(given)
    else:
        folder = RunFolder.create()
        config.add_cleanup(folder.remove)
        path = folder.path
    config.stash[RUN_FOLDER_KEY] = path
    return path


def suite_config_of(config: pytest.Config) -> SuiteConfig:
    return config.stash[CONFIG_KEY]


def worker_id(config: pytest.Config, outside: str = "") -> str:
    """This process's pytest-xdist worker id ("gw0"), `outside` when it is not a worker.

    From the config, not the environment: a pytest started inside a worker (pytester, a
    subprocess) inherits PYTEST_XDIST_WORKER without being one."""
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else outside


def reports_dir_of(config: pytest.Config) -> Path:
    return config.stash[REPORTS_KEY]


@pytest.fixture(scope="session")
def suite_config(pytestconfig: pytest.Config) -> SuiteConfig:
    """The validated playwright.config.toml, with the resolved targets. Free: read at start-up."""
    return suite_config_of(pytestconfig)


@pytest.fixture(scope="session")
def reports_dir(pytestconfig: pytest.Config) -> Path:
    """The folder every report and artifact of this run goes under (created on demand)."""
    return reports_dir_of(pytestconfig)
