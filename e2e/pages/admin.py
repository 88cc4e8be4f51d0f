"""Pages of the admin app: overview, users, setting definitions, audit log."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from e2e.pages.base import AppPage
from e2e.pages.regions.dialog import Dialog
from e2e.pages.regions.pagination import Pagination

NAV_LINKS = {"Overview": "/", "Users": "/users", "Settings": "/settings", "Audit log": "/audit"}
STAT_CARDS = ("Users", "Active users", "Administrators", "Setting definitions", "Audit events")
USER_SORT_LABELS = {
    "email": "Email A–Z",
    "-email": "Email Z–A",
    "display_name": "Name",
    "-created_at": "Newest",
}


class OverviewPage(AppPage):
    path: ClassVar[str] = "/"
    title: str = "Overview"

    def stat(self, name: str) -> Locator:
        """The card whose label is `name` (its text holds the number)."""
        return self.page.get_by_test_id(f"stat-{name.lower().replace(' ', '-')}")


class UserRow:
    def __init__(self, page: Page, email: str) -> None:
        self.page = page
        self.email = email

    @property
    def root(self) -> Locator:
        return self.page.get_by_test_id(f"user-{self.email}")

    @property
    def role(self) -> Locator:
        return self.root.get_by_label(f"Role for {self.email}", exact=True)

    @property
    def deactivate_button(self) -> Locator:
        return self.root.get_by_role("button", name=f"Deactivate {self.email}", exact=True)

    @property
    def activate_button(self) -> Locator:
        return self.root.get_by_role("button", name=f"Activate {self.email}", exact=True)

    @property
    def status(self) -> Locator:
        return self.root.get_by_role("cell").nth(3)


class UsersPage(AppPage):
    path: ClassVar[str] = "/users"
    title: str = "Users"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.pagination = Pagination(page)
        self.new_user_dialog = Dialog(page, "New user")

    @property
    def search(self) -> Locator:
        return self.page.get_by_role("searchbox", name="Search users")

    @property
    def sort(self) -> Locator:
        return self.page.get_by_label("Sort by", exact=True)

    @property
    def new_user_button(self) -> Locator:
        return self.page.get_by_role("button", name="New user")

    @property
    def rows(self) -> Locator:
        return self.page.locator("tbody tr")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text("No users match your search.")

    def row(self, email: str) -> UserRow:
        return UserRow(self.page, email)

    def confirm_dialog(self, name: str) -> Dialog:
        return Dialog(self.page, name)

    def create_user(self, email: str, display_name: str, password: str, role: str = "User") -> None:
        self.new_user_button.click()
        dialog = self.new_user_dialog
        dialog.field("Email").fill(email)
        dialog.field("Display name").fill(display_name)
        dialog.field("Password").fill(password)
        dialog.field("Role").select_option(label=role)
        dialog.button("Create user").click()


class DefinitionRow:
    def __init__(self, page: Page, key: str) -> None:
        self.page = page
        self.key = key

    @property
    def root(self) -> Locator:
        return self.page.get_by_test_id(f"definition-{self.key}")

    @property
    def edit_button(self) -> Locator:
        return self.root.get_by_role("button", name=f"Edit {self.key}", exact=True)

    @property
    def delete_button(self) -> Locator:
        return self.root.get_by_role("button", name=f"Delete {self.key}", exact=True)


class DefinitionsPage(AppPage):
    path: ClassVar[str] = "/settings"
    title: str = "Setting definitions"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.pagination = Pagination(page)

    @property
    def search(self) -> Locator:
        return self.page.get_by_role("searchbox", name="Search definitions")

    @property
    def category(self) -> Locator:
        return self.page.get_by_label("Category", exact=True)

    @property
    def new_definition_button(self) -> Locator:
        return self.page.get_by_role("button", name="New definition")

    @property
    def rows(self) -> Locator:
        return self.page.locator("tbody tr")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text("No definitions match your search.")

    def row(self, key: str) -> DefinitionRow:
        return DefinitionRow(self.page, key)

    def dialog(self, name: str = "New definition") -> Dialog:
        return Dialog(self.page, name)


class AuditPage(AppPage):
    path: ClassVar[str] = "/audit"
    title: str = "Audit log"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.pagination = Pagination(page)

    @property
    def actor(self) -> Locator:
        return self.page.get_by_label("Actor", exact=True)

    @property
    def action(self) -> Locator:
        return self.page.get_by_label("Action", exact=True)

    @property
    def since(self) -> Locator:
        return self.page.get_by_label("From", exact=True)

    @property
    def until(self) -> Locator:
        return self.page.get_by_label("To", exact=True)

    @property
    def rows(self) -> Locator:
        return self.page.locator("tbody tr")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text("No audit events match these filters.")
