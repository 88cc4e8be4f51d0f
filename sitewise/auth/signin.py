"""How a role signs in: a form described in the config, or a callable the suite gives.

A `SignIn` names the target the role signs in to and a method that returns a Playwright
storage state. `form_sign_in(role)` is the method for a `[roles.NAME]` entry: it opens
the login page in a fresh context, fills each field by its label, presses the submit
button and waits for the success condition; a sign-in that does not succeed says what
the page showed instead.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Error, Page, StorageState

from sitewise.config.model import RoleConfig


class SignInError(Exception):
    """A role could not sign in: the message says what the page showed."""


# browser, the target's base URL -> a storage state signed in as the role.
SignInMethod = Callable[[Browser, str], StorageState]


@dataclass(frozen=True)
class SignIn:
    """A role's way in: the target it signs in to, and the method that does it."""

    target: str
    method: SignInMethod


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand(value: str, role: str) -> str:
    """`${NAME}` replaced by the environment variable NAME, which must be set."""

    def variable(match: re.Match[str]) -> str:
        name = match[1]
        if name not in os.environ:
            raise SignInError(
                f"[roles.{role}] needs the environment variable {name}; set it for this run."
            )
        return os.environ[name]

    return _VARIABLE.sub(variable, value)


def _page_says(page: Page) -> str:
    alerts = page.locator("[role=alert], [aria-live], .error, .errorlist")
    texts = [t.strip() for t in alerts.all_inner_texts() if t.strip()]
    return f"; the page says: {' / '.join(texts)[:300]!r}" if texts else ""


def form_sign_in(role: str, config: RoleConfig, timeout_ms: float = 10_000) -> SignInMethod:
    """A method signing `role` in through the form that `config` describes."""

    def sign_in(browser: Browser, base_url: str) -> StorageState:
        values = {label: expand(value, role) for label, value in config.fields.items()}
        context = browser.new_context(base_url=base_url)
        context.set_default_timeout(timeout_ms)
        try:
            page = context.new_page()
            response = page.goto(config.login)
            if response is not None and response.status >= 400:
                raise SignInError(
                    f"Role {role}: {page.url} answered HTTP {response.status}; check"
                    f" [roles.{role}] login = {config.login!r}."
                )
            for label, value in values.items():
                # The label as written ("Username"), else one that contains it
                # ("Username:"), else a placeholder.
                field = (
                    page.get_by_label(label, exact=True)
                    .or_(page.get_by_label(label))
                    .or_(page.get_by_placeholder(label))
                    .first
                )
                try:
                    field.wait_for(state="visible")
                except Error:
                    raise SignInError(
                        f"Role {role}: no visible field labelled {label!r} (or containing it)"
                        f" on {page.url}; check [roles.{role}] fields and login."
                    ) from None
                field.fill(value)
            page.get_by_role("button", name=config.submit).or_(
                page.locator(f"input[type=submit][value={config.submit!r}]")
            ).first.click()
            _wait_for_success(page, role, config, timeout_ms)
            return context.storage_state()
        finally:
            context.close()

    return sign_in


def _wait_for_success(page: Page, role: str, config: RoleConfig, timeout_ms: float) -> None:
    try:
        if config.success_url:
            pattern = config.success_url
            page.wait_for_url(
                lambda url: fnmatch.fnmatch(urlsplit(url).path, pattern), timeout=timeout_ms
            )
        if config.success_selector:
            page.locator(config.success_selector).first.wait_for(timeout=timeout_ms)
    except Error:
        wanted = config.success_url or config.success_selector
        raise SignInError(
            f"Role {role} did not sign in: after submitting the form at {config.login}, the"
            f" page is {page.url}, not {wanted!r}{_page_says(page)}. Check the credentials"
            f" and [roles.{role}]."
        ) from None
