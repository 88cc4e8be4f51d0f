"""--connect: the suite's browser tests run in a Playwright browser server's browser.

The server is `playwright launch-server` (run through the Python package's driver): it
launches one browser with the launch options of its JSON config, here the browser this
machine has (Playwright's own build where installed, else a system Chromium with the
flags a headless system build needs), and prints its ws:// endpoint. A tiny suite then
runs through it, given the endpoint as --connect, as E2E_CONNECT and as [browser]
connect, and checks that its page comes from the server's browser and that no browser
was launched under the test run.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitewise.browsers.discovery import (
    BrowserNotFoundError,
    find_browser,
    playwright_executables,
    shown_endpoint,
)

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

SERVER_START_S = 60.0


@dataclass
class BrowserServer:
    process: subprocess.Popen[str]
    endpoint: str


def _launch_options() -> dict[str, object]:
    """launchServer's options for the browser this machine has."""
    own = playwright_executables(("chromium",))["chromium"]
    try:
        choice = find_browser("chromium", playwright_executable=own)
    except BrowserNotFoundError as error:
        pytest.skip(f"no Chromium for the browser server to launch: {error}")
    options: dict[str, object] = {"host": "127.0.0.1", "port": 0, "headless": True}
    if choice.executable is not None:  # else Playwright's own build, launched as it is
        options |= {"executablePath": choice.executable, "args": list(choice.args)}
    return options


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0 and process.poll() is None:
            if selector.select(min(remaining, 0.5)):
                return process.stdout.readline().strip()
    return ""


def _stop(process: subprocess.Popen[str]) -> None:
    # The server is a session of its own (the Python wrapper and the driver under it); on
    # SIGTERM the driver closes the browser it launched.
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserServer]:
    """`python -m playwright launch-server` on a free loopback port, stopped at teardown."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("the spec checks which process runs the browser through /proc (Linux)")
    config = tmp_path_factory.mktemp("browser-server") / "launch-server.json"
    config.write_text(json.dumps(_launch_options()))
    command = [sys.executable, "-m", "playwright", "launch-server", "--browser", "chromium"]
    process = subprocess.Popen(
        [*command, "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        line = _first_line(process, SERVER_START_S)  # "ws://127.0.0.1:PORT/GUID"
        if not line.startswith("ws://"):
            _stop(process)
            output = line + (process.stdout.read() if process.stdout else "")
            pytest.skip(
                "a Playwright browser server cannot be started here"
                f" (`{' '.join(command)}` printed {output.strip()[-500:]!r})"
            )
        yield BrowserServer(process, line)
    finally:
        _stop(process)


@pytest.mark.parametrize("given_as", ["option", "environment", "config"])
def test_the_suite_runs_in_the_servers_browser(
    suite: pytest.Pytester,
    browser_server: BrowserServer,
    monkeypatch: pytest.MonkeyPatch,
    given_as: str,
) -> None:
    monkeypatch.setenv("SERVER_PID", str(browser_server.process.pid))
    # No local browser to find: connecting needs none.
    monkeypatch.setenv("E2E_CHROMIUM", "/nonexistent/chromium")
    args: list[str] = []
    if given_as == "option":
        args = ["--connect", browser_server.endpoint]
    elif given_as == "environment":
        monkeypatch.setenv("E2E_CONNECT", browser_server.endpoint)
    else:
        config = f'[browser]\nconnect = "{browser_server.endpoint}"\n'
        (suite.path / "playwright.config.toml").write_text(config)
    suite.makepyfile(REMOTE_SPEC)
    result = suite.runpytest_subprocess(*args)
    result.assert_outcomes(passed=1)
    shown = shown_endpoint(browser_server.endpoint)
    result.stdout.fnmatch_lines([f"e2e browser: chromium (remote browser server {shown})"])
    assert browser_server.process.poll() is None  # still serving: the run only disconnected


def test_a_connect_value_that_is_not_a_ws_endpoint_is_refused(suite: pytest.Pytester) -> None:
    suite.makepyfile("def test_one(page):\n    pass\n")
    result = suite.runpytest_subprocess("--connect", "http://127.0.0.1:3000/")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--connect / E2E_CONNECT = 'http://127.0.0.1:3000/': expected a ws:// or wss://*"]
    )


def test_a_server_that_does_not_answer_stops_the_run_once(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(10))
        def test_uses_page(page, n):
            page.set_content("<p>hi</p>")
        """
    )
    with socket.socket() as sock:  # a free port, closed again: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        endpoint = f"ws://127.0.0.1:{sock.getsockname()[1]}/"
    result = suite.runpytest_subprocess("--connect", endpoint, "-n", "2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(
        [
            f"! _pytest.outcomes.Exit: The browser chromium (remote browser server {endpoint})"
            " could not be connected to: BrowserType.connect: *ECONNREFUSED*"
        ]
    )
    stdout = result.stdout.str()
    assert "passed" not in stdout
    # Each worker's first browser test at most, never one error per test.
    assert stdout.count("ERROR at setup of") <= 2
