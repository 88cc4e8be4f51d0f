"""Target checks: an unreachable or wrong target gives one message that names the URL."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.targets import start_bundled_apps
from sitewise.run.folder import RunFolder, sweep_orphaned_run_folders
from sitewise.targets import TargetError, Targets
from sitewise.targets.health import HealthCheck, check_target, check_targets
from sitewise.targets.process import SERVER_NICENESS, start_server

HEALTH = "/api/health"
SETTINGS_WEB = {"service": "settings-reference", "app": "web"}
SETTINGS_ADMIN = {"service": "settings-reference", "app": "admin"}


def settings(url: str, app: str = "web") -> HealthCheck:
    return HealthCheck(url, HEALTH, SETTINGS_WEB if app == "web" else SETTINGS_ADMIN)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_unreachable_target_names_the_url_quickly() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(TargetError) as error:
        check_target("web", settings(url), timeout=10)
    assert time.monotonic() - started < 10
    assert f"The web target {url} is unreachable" in str(error.value)
    assert "--target web=URL / E2E_WEB_URL / [targets.web] url" in str(error.value)


def test_a_different_app_is_named_with_what_answered(static_server: tuple[str, Path]) -> None:
    url, folder = static_server
    (folder / "api").mkdir()
    (folder / "api" / "health").write_text(json.dumps({"status": "ok", "service": "shop"}))
    with pytest.raises(TargetError) as error:
        check_target("admin", settings(url, "admin"))
    message = str(error.value)
    assert f"The admin target {url} is not the expected app" in message
    assert '"service": "settings-reference"' in message
    assert "shop" in message


def test_a_missing_health_check_gives_the_status(static_server: tuple[str, Path]) -> None:
    url, _ = static_server
    with pytest.raises(TargetError, match=r"answered .*/api/health with HTTP 404"):
        check_target("web", settings(url))


def test_the_expected_app_passes(static_server: tuple[str, Path]) -> None:
    url, folder = static_server
    (folder / "api").mkdir()
    body = {"status": "ok", "service": "settings-reference", "app": "web"}
    (folder / "api" / "health").write_text(json.dumps(body))
    check_target("web", settings(url))


def test_a_target_without_health_path_or_expectation_needs_only_to_answer(
    static_server: tuple[str, Path],
) -> None:
    url, folder = static_server
    (folder / "index.html").write_text("<h1>Shop</h1>")
    check_target("shop", HealthCheck(url))
    with pytest.raises(TargetError, match=r"answered .*/nope with HTTP 404"):
        check_target("shop", HealthCheck(url, "/nope"))


def test_targets_are_checked_at_once_within_one_timeout(silent_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(TargetError) as error:
        check_targets(
            {"web": settings(silent_url), "admin": settings(silent_url, "admin")}, timeout=2
        )
    elapsed = time.monotonic() - started
    assert elapsed < 3.5, f"two silent targets took {elapsed:.1f} s, not one timeout of 2 s"
    lines = str(error.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"The web target {silent_url} is unreachable (")
    assert lines[1].startswith(f"The admin target {silent_url} is unreachable (")


def test_only_the_failing_target_is_named(static_server: tuple[str, Path]) -> None:
    url, folder = static_server
    (folder / "api").mkdir()
    body = {"status": "ok", "service": "settings-reference", "app": "web"}
    (folder / "api" / "health").write_text(json.dumps(body))
    other = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TargetError) as error:
        check_targets({"web": settings(url), "admin": settings(other, "admin")}, timeout=5)
    assert str(error.value).startswith(f"The admin target {other} is unreachable")
    assert "web target" not in str(error.value)
    check_targets({"web": settings(url)}, timeout=5)


@pytest.mark.skipif(sys.platform == "win32", reason="owner locks are POSIX flock")
def test_a_run_folder_whose_owner_died_is_swept_and_a_live_one_is_not(tmp_path: Path) -> None:
    live, dead = RunFolder.create(tmp_path), RunFolder.create(tmp_path)
    (live.path / "e2e-gw0-x").mkdir()
    (dead.path / "e2e-gw1-y").mkdir()
    assert dead._lock is not None
    dead._lock.close()  # what the kernel does when the owner is killed
    old = time.time() - 120
    for folder in (live.path, dead.path):
        os.utime(folder, (old, old))
    assert sweep_orphaned_run_folders(tmp_path) == [dead.path]
    assert live.path.is_dir()
    assert not dead.path.exists()
    live.remove()
    assert list(tmp_path.iterdir()) == []


def test_a_young_run_folder_is_left_to_its_owner(tmp_path: Path) -> None:
    folder = RunFolder.create(tmp_path)
    assert folder._lock is not None
    folder._lock.close()
    assert sweep_orphaned_run_folders(tmp_path) == []
    assert folder.path.is_dir()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: setpriority")
def test_the_bundled_apps_run_at_the_browsers_priority_where_allowed(tmp_path: Path) -> None:
    # Where raising a priority is allowed (root, as Chromium's display threads are
    # raised), the apps get nice -8 too; elsewhere they keep the worker's own.
    apps = start_bundled_apps(db_path=tmp_path / "apps.db", log_path=tmp_path / "apps.log")
    try:
        niceness = os.getpriority(os.PRIO_PROCESS, apps.server.process.pid)
    finally:
        apps.stop()
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert niceness == (SERVER_NICENESS if os.geteuid() == 0 else own)


def test_a_page_url_names_its_target_and_route_never_its_port() -> None:
    targets = Targets(
        {"web": "http://127.0.0.1:5001", "admin": "http://127.0.0.1:5002", "docs": "http://h/docs"}
    )
    assert targets.route_of("http://127.0.0.1:5002/users?page=2") == ("admin", "/users")
    assert targets.route_of("http://127.0.0.1:5001") == ("web", "/")
    assert targets.route_of("http://h/docs/intro") == ("docs", "/intro")
    assert targets.route_of("http://h/other") == (None, "/other")
    with pytest.raises(TargetError, match=r"No target named 'shop' \(targets of this run: web"):
        targets.url("shop")


def test_a_server_that_exits_at_once_says_so_with_its_status(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; print('no db', file=sys.stderr); sys.exit(3)"]
    with pytest.raises(TargetError) as error:
        start_server(command, cwd=tmp_path, log_path=tmp_path / "server.log", timeout=10)
    message = str(error.value)
    assert "exited with status 3 before it was ready" in message
    assert message.endswith("no db\n")


def test_a_server_that_prints_no_json_line_is_named(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import time; print('listening', flush=True); time.sleep(30)"]
    with pytest.raises(TargetError, match=r"did not announce itself .* printed 'listening'"):
        start_server(command, cwd=tmp_path, log_path=tmp_path / "server.log", timeout=10)
