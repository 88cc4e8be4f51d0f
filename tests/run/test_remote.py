"""--connect: the suite's browser tests run in a Playwright browser server's browser.

`playwright run-server` launches the browser the client asks for. It launches its own
build unless the connection's launch options name an executable, which it accepts only
when started with --unsafe; the options go in the endpoint's `launch-options` query
parameter (pytest-playwright's x-playwright-launch-options header carries Python's
snake_case names, which the server does not read).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from harness.browsers import BrowserNotFoundError, find_browser
from tests.run.helpers import PLUGINS

# Runs inside the tiny suite: the page must come from a browser that the server started,
# not from one under this pytest process.
REMOTE_SPEC = """
    import os
    from pathlib import Path

    import pytest

    def family(pid):
        children = {}
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(proc.name))
        found, todo = [], [pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found

    def browsers_under(pid):
        names = []
        for child in family(pid):
            try:
                names.append((Path("/proc") / str(child) / "exe").resolve().name)
            except OSError:
                continue
        return [n for n in names if "chrom" in n or "headless_shell" in n]

    @pytest.mark.viewports("desktop")
    def test_page_comes_from_the_server(page):
        page.set_content("<h1>served</h1>")
        assert page.text_content("h1") == "served"
        assert browsers_under(int(os.environ["SERVER_PID"])), "the server runs no browser"
        assert not browsers_under(os.getpid()), "a browser was launched locally"
"""


# Playwright 1.65 renamed BrowserType.connect's `ws_endpoint` to `endpoint`; until
# fixtures/browser.py's connect_options says `endpoint`, this conftest renames the key.
ENDPOINT_SHIM = """
    import pytest

    pytest_plugins = %r

    @pytest.fixture(scope="session")
    def connect_options(connect_options):
        if connect_options and "ws_endpoint" in connect_options:
            connect_options = dict(connect_options)
            connect_options["endpoint"] = connect_options.pop("ws_endpoint")
        return connect_options
"""


@dataclass
class BrowserServer:
    process: subprocess.Popen[str]
    endpoint: str


def _launch_options() -> dict[str, object]:
    with sync_playwright() as playwright:
        own = playwright.chromium.executable_path
    try:
        choice = find_browser("chromium", playwright_executable=own)
    except BrowserNotFoundError as error:
        pytest.skip(f"no Chromium for the browser server to launch: {error}")
    if choice.executable is None:
        return {}  # Playwright's own build is installed: the server launches it as it is
    return {"executablePath": choice.executable, "args": list(choice.args)}


@pytest.fixture
def browser_server() -> Iterator[BrowserServer]:
    """`python -m playwright run-server` on a free loopback port, stopped at teardown."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("the spec checks which process runs the browser through /proc (Linux)")
    options = _launch_options()
    command = [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1"]
    command += ["--port", "0", "--unsafe"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()  # "Listening on ws://127.0.0.1:PORT/"
        assert line.startswith("Listening on ws://"), line
        endpoint = line.removeprefix("Listening on ")
        if options:
            endpoint += "?launch-options=" + urllib.parse.quote(json.dumps(options))
        yield BrowserServer(process, endpoint)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.xfail(
    strict=True,
    reason="fixtures/browser.py's connect_options passes ws_endpoint=, which Playwright 1.65's"
    " BrowserType.connect no longer takes (it is endpoint=)",
)
def test_connect_runs_the_suite_in_the_servers_browser(
    suite: pytest.Pytester, browser_server: BrowserServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVER_PID", str(browser_server.process.pid))
    suite.makepyfile(REMOTE_SPEC)
    result = suite.runpytest_subprocess("--connect", browser_server.endpoint)
    result.assert_outcomes(passed=1)
    assert browser_server.process.poll() is None  # still serving: the run only disconnected


def test_the_servers_browser_serves_a_suite_given_the_endpoint_in_the_environment(
    suite: pytest.Pytester, browser_server: BrowserServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVER_PID", str(browser_server.process.pid))
    monkeypatch.setenv("E2E_CONNECT", browser_server.endpoint)
    suite.makeconftest(textwrap.dedent(ENDPOINT_SHIM % (PLUGINS,)))
    suite.makepyfile(REMOTE_SPEC)
    result = suite.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert browser_server.process.poll() is None  # still serving: the run only disconnected
