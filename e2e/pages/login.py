"""The sign-in page of either app."""

from __future__ import annotations

from typing import ClassVar, Self

from playwright.sync_api import Locator, Page

from e2e.pages.actions import click_sending
from e2e.pages.base import AppPage

INVALID_CREDENTIALS = "Invalid email or password."
ACCOUNT_DISABLED = "This account has been deactivated."
ADMINS_ONLY = "This app is for administrators only."
LOCKED = "Too many failed attempts"
SIGNED_OUT = "You have been signed out."
ENTER_EMAIL = "Enter your email address."
INVALID_EMAIL = "Enter a valid email address."
ENTER_PASSWORD = "Enter your password."

HEADINGS = {"web": "Sign in", "admin": "Admin sign in"}


class LoginPage(AppPage):
    path: ClassVar[str] = "/login"

    def __init__(self, page: Page, app: str = "web") -> None:
        super().__init__(page)
        self.app = app
        self.title = HEADINGS[app]

    def open_with_next(self, next_path: str) -> Self:
        self.page.goto(f"/login?next={next_path}")
        return self

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def email(self) -> Locator:
        return self.page.get_by_label("Email", exact=True)

    @property
    def password(self) -> Locator:
        return self.page.get_by_label("Password", exact=True)

    @property
    def submit(self) -> Locator:
        return self.page.get_by_role("button", name="Sign in")

    @property
    def alert(self) -> Locator:
        return self.page.get_by_role("alert")

    @property
    def notice(self) -> Locator:
        return self.page.get_by_role("status").filter(has_text=SIGNED_OUT)

    def sign_in(self, email: str, password: str) -> None:
        """Fill in the form and send it (an AssertionError if "Sign in" sends nothing)."""
        self.email.fill(email)
        self.password.fill(password)
        click_sending(self.submit, '"Sign in"', "POST", "/api/auth/login")
