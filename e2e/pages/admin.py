"""Pages of the admin app: overview, users, setting definitions, audit log."""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from e2e.pages.base import AppPage
from e2e.pages.regions.dialog import Dialog
from e2e.pages.regions.pagination import Pagination
from e2e.pages.regions.table import Table

NAV_LINKS = {"Overview": "/", "Users": "/users", "Settings": "/settings", "Audit log": "/audit"}
STAT_CARDS = ("Users", "Active users", "Administrators", "Setting definitions", "Audit events")
USER_SORT_LABELS = {
    "email": "Email A–Z",
    "-email": "Email Z–A",
    "display_name": "Name",
    "-created_at": "Newest",
}

# Field errors of the "New user" dialog: the app's own checks, then the API's (409).
ENTER_VALID_EMAIL = "Enter a valid email address."
ENTER_DISPLAY_NAME = "Enter a display name."
PASSWORD_RULES = "Use at least 10 characters, with a letter and a digit."
EMAIL_TAKEN = "This email address is already in use."
# The audit log's filters: nothing found, and a "To" date before the "From" date.
NO_AUDIT_EVENTS = "No audit events match these filters."
END_BEFORE_START = "The end date must be on or after the start date."


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
    def name(self) -> Locator:
        return self.root.locator("td[data-label='Name']")

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
    def table(self) -> Table:
        return Table(self.shell.main.get_by_role("table", name="Users"))

    @property
    def summary(self) -> Locator:
        """ "Showing X–Y of N" above the table."""
        return self.shell.main.get_by_text("Showing ")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text("No users match your search.")

    def row(self, email: str) -> UserRow:
        return UserRow(self.page, email)

    def sort_by(self, key: str) -> None:
        """Sort by one of the API's user sorts (`email`, `-email`, `display_name`, ...)."""
        self.sort.select_option(label=USER_SORT_LABELS[key])

    def confirm_dialog(self, name: str) -> Dialog:
        return Dialog(self.page, name)

    def create_user(self, email: str, display_name: str, password: str, role: str = "User") -> None:
        """Create a user in the "New user" dialog: it sends the user and closes (else an
        AssertionError says which of the two did not happen, and why)."""
        self.new_user_button.click()
        dialog = self.new_user_dialog
        dialog.field("Email").fill(email)
        dialog.field("Display name").fill(display_name)
        dialog.field("Password").fill(password)
        dialog.field("Role").select_option(label=role)
        dialog.submit("Create user", "POST", "/api/admin/users")

    def deactivate(self, email: str, display_name: str) -> None:
        """Deactivate a user from their row, confirming in the dialog."""
        self.row(email).deactivate_button.click()
        self.confirm_dialog(f"Deactivate {display_name}?").submit(
            "Deactivate", "PATCH", "/api/admin/users/*"
        )


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

    @property
    def label(self) -> Locator:
        return self.root.locator("td[data-label='Label']")

    @property
    def default(self) -> Locator:
        return self.root.locator("td[data-label='Default']")


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

    def delete_dialog(self, label: str) -> Dialog:
        """The confirmation asked before a definition is deleted."""
        return Dialog(self.page, f"Delete {label}?")

    def create_definition(
        self,
        key: str,
        label: str,
        description: str,
        default: str,
        *,
        type: str = "Text",
        category: str = "General",
    ) -> None:
        """Fill in the "New definition" dialog (type before default: it swaps the control)."""
        self.new_definition_button.click()
        dialog = self.dialog()
        dialog.field("Key").fill(key)
        dialog.field("Label").fill(label)
        dialog.field("Description").fill(description)
        dialog.field("Category").select_option(label=category)
        dialog.field("Type").select_option(label=type)
        dialog.field("Default value").fill(default)
        dialog.submit("Save definition", "POST", "/api/admin/definitions")

    def change_default(self, key: str, default: str) -> None:
        """Give a definition a new default value in the "Edit definition" dialog."""
        self.row(key).edit_button.click()
        dialog = self.dialog("Edit definition")
        dialog.field("Default value").fill(default)
        dialog.submit("Save definition", "PUT", f"/api/admin/definitions/{key}")

    def delete_definition(self, key: str, label: str) -> None:
        """Delete a definition from its row, confirming in the dialog."""
        self.row(key).delete_button.click()
        self.delete_dialog(label).submit("Delete", "DELETE", f"/api/admin/definitions/{key}")


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
    def table(self) -> Table:
        return Table(self.shell.main.get_by_role("table", name="Audit events"))

    def events(self, target: str, action: str | None = None) -> Locator:
        """The rows about `target` (a user's email or a definition's key), of one action."""
        rows = self.table.rows_with("Target", target)
        return rows if action is None else rows.and_(self.table.rows_with("Action", action))

    def details(self, event: Locator) -> Locator:
        return self.table.cell(event, "Details")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text(NO_AUDIT_EVENTS)
