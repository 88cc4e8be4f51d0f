"""Signed-in pages per role, from storage states made once per worker.

Roles come from `[roles.NAME]` in playwright.config.toml (a form sign-in) and from the
suite, which extends the `sign_in_methods` fixture with its own callables (an API
sign-in, say). Each role signs in once per worker, the first time a test asks for it;
tests get a fresh context that already carries the session.
"""

from __future__ import annotations

from typing import Protocol

import pytest
from playwright.sync_api import Browser, Page, StorageState
from pytest_playwright.pytest_playwright import CreateContextCallback

from sitewise.auth.signin import SignIn, SignInError, form_sign_in
from sitewise.config.model import SuiteConfig
from sitewise.config.plugin import stop_run
from sitewise.targets.model import Targets


class StorageStateFor(Protocol):
    def __call__(self, role: str) -> StorageState: ...


class PageAs(Protocol):
    def __call__(self, role: str, path: str | None = None) -> Page: ...


@pytest.fixture(scope="session")
def sign_in_methods(suite_config: SuiteConfig) -> dict[str, SignIn]:
    """How each role signs in: role name -> SignIn(target, method).

    From [roles.NAME] of the config (form sign-ins). A suite adds its own by extending
    this fixture: `return {**sign_in_methods, "admin": SignIn("admin", my_method)}`,
    where `my_method(browser, base_url)` returns a storage state. Free: nothing runs
    until a role is used.
    """
    timeout = suite_config.timeouts.navigation_ms
    return {
        name: SignIn(role.target, form_sign_in(name, role, timeout))
        for name, role in suite_config.roles.items()
    }


@pytest.fixture(scope="session")
def storage_state_for(
    pytestconfig: pytest.Config,
    browser: Browser,
    sign_in_methods: dict[str, SignIn],
    target_urls: Targets,
) -> StorageStateFor:
    """`storage_state_for(role)`: the role's signed-in storage state, made once per worker.

    The first call per role costs one sign-in; later calls are free. A sign-in that
    fails stops the run once, with what the page showed, instead of failing every test.
    """
    states: dict[str, StorageState] = {}

    def state(role: str) -> StorageState:
        if role not in states:
            if role not in sign_in_methods:
                known = ", ".join(sign_in_methods) or "none"
                raise KeyError(
                    f"No sign-in for role {role!r} (roles: {known}); add [roles.{role}] to"
                    " playwright.config.toml or extend the sign_in_methods fixture."
                )
            way = sign_in_methods[role]
            try:
                states[role] = way.method(browser, target_urls.url(way.target))
            except SignInError as error:
                stop_run(pytestconfig, str(error), pytest.ExitCode.USAGE_ERROR)
        return states[role]

    return state


@pytest.fixture
def page_as(
    new_context: CreateContextCallback,
    storage_state_for: StorageStateFor,
    sign_in_methods: dict[str, SignIn],
    target_urls: Targets,
) -> PageAs:
    """`page_as(role, path=None)`: a page in a fresh context signed in as `role`, on the
    role's target (opened at `path` when given). Costs a new context."""

    def open_page(role: str, path: str | None = None) -> Page:
        state = storage_state_for(role)
        base = target_urls.url(sign_in_methods[role].target)
        page = new_context(base_url=base, storage_state=state).new_page()
        if path is not None:
            page.goto(path)
        return page

    return open_page
