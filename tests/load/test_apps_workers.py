"""The reference apps' fixes for load: several server processes on the same ports and
database (`python -m apps --workers N`), and password hashing bounded per process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
import pytest

from apps.api import security

ROOT = Path(__file__).resolve().parents[2]


def test_two_server_processes_share_the_ports_and_the_database(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apps",
            "--web-port",
            "0",
            "--admin-port",
            "0",
            "--workers",
            "2",
            "--db",
            str(tmp_path / "apps.sqlite3"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        urls = json.loads(process.stdout.readline())
        children = psutil.Process(process.pid).children()
        assert len(children) == 1
        pids = {process.pid, children[0].pid}
        # A change made through one process reads back through the other (one database):
        # fresh connections land on either.
        with httpx.Client(base_url=urls["web"]) as web:
            signed = web.post(
                "/api/auth/login",
                json={"email": "user@example.com", "password": "user-password-1"},
            ).json()
            token = signed["csrf_token"]
            changed = web.put(
                "/api/settings/appearance.compact_mode",
                json={"value": True},
                headers={"X-CSRF-Token": token},
            )
            assert changed.status_code == 200
            cookies = web.cookies
        seen = []
        for _ in range(20):
            with httpx.Client(base_url=urls["web"], cookies=cookies) as fresh:
                answer = fresh.get("/api/settings/appearance.compact_mode")
                assert answer.json()["value"] is True
                seen.append(answer.status_code)
        assert seen == [200] * 20
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0
    assert not any(psutil.pid_exists(pid) and pid != process.pid for pid in pids - {process.pid})


def test_more_workers_than_allowed_is_one_clear_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "apps", "--workers", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert "--workers must be from 1 to 64" in done.stderr


class _Slots:
    """A stand-in for the hashing semaphore that tells whether it is held."""

    def __init__(self) -> None:
        self.held = 0

    def __enter__(self) -> None:
        self.held += 1

    def __exit__(self, *_: object) -> None:
        self.held -= 1


def test_every_password_hash_holds_a_hashing_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    slots = _Slots()
    held_while_hashing = []

    def fake_scrypt(password: bytes, **_: object) -> bytes:
        held_while_hashing.append(slots.held)
        return b"x" * 32

    monkeypatch.setattr("apps.api.security.hashlib.scrypt", fake_scrypt)
    monkeypatch.setattr(security, "HASHING_SLOTS", slots)

    stored = security.hash_password("a-password-1")
    assert security.verify_password("a-password-1", stored)
    security.burn_password_check("another-1")

    # (The unknown-email check may first make its dummy hash: one more, also held.)
    assert len(held_while_hashing) >= 3
    assert set(held_while_hashing) == {1}
    assert slots.held == 0
