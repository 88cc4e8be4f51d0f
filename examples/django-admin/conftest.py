"""Starts Django's admin for the run, and the one fixture the specs share.

The engine asks `pytest_sitewise_start_targets` for every target of
playwright.config.toml that has no URL (here [targets.admin]), once per pytest-xdist
worker. Given a URL (`--target admin=https://...`, `E2E_ADMIN_URL`, `--base-url`),
nothing is started and the specs test that admin instead, signing in as the
ADMIN_USERNAME and ADMIN_PASSWORD of the environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pytest_playwright.pytest_playwright import CreateContextCallback

from sitewise.config.plugin import suite_config_of
from sitewise.targets import StartedTargets, Targets
from sitewise.targets.process import start_server

HERE = Path(__file__).resolve().parent
# The superuser serve.py creates in its fresh database, unless the environment names
# another; [roles.admin] signs in with the same two variables.
EXAMPLE_ACCOUNT = {"ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "example-admin-password-1"}


def pytest_sitewise_start_targets(
    config: pytest.Config, names: tuple[str, ...], workdir: Path, log_dir: Path
) -> StartedTargets:
    """Start Django's admin on a free port with a database of this worker's (under a second)."""
    for variable, value in EXAMPLE_ACCOUNT.items():
        os.environ.setdefault(variable, value)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = start_server(
        [sys.executable, str(HERE / "serve.py"), "--db", str(workdir / "admin.sqlite3")],
        cwd=HERE,
        log_path=log_dir / f"admin-{worker}.log",
        timeout=suite_config_of(config).timeouts.app_start_s,
        env={
            "DJANGO_SUPERUSER_USERNAME": os.environ["ADMIN_USERNAME"],
            "DJANGO_SUPERUSER_PASSWORD": os.environ["ADMIN_PASSWORD"],
            "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        },
    )
    return StartedTargets({"admin": server.info["admin"]}, server.stop, "Django admin (serve.py)")


@pytest.fixture
def guest_page(new_context: CreateContextCallback, target_urls: Targets) -> Page:
    """A page on the admin's target, signed out. Costs a new browser context."""
    return new_context(base_url=target_urls.url("admin")).new_page()
