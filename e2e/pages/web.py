"""Pages of the web app: dashboard, settings, a setting's history, profile, 404."""

from __future__ import annotations

from typing import ClassVar, Self

from playwright.sync_api import Locator, Page

from e2e.pages.actions import click_sending
from e2e.pages.base import AppPage
from e2e.pages.regions.pagination import Pagination
from e2e.pages.regions.table import Table

NAV_LINKS = {"Dashboard": "/", "Settings": "/settings", "Profile": "/profile"}
SORT_LABELS = {
    "label": "Label A–Z",
    "-label": "Label Z–A",
    "category": "Category",
    "-updated": "Recently changed",
}
NO_MATCH = "No settings match your search."


def welcome(display_name: str) -> str:
    """The dashboard's greeting of the signed-in person."""
    return f"Welcome back, {display_name}"


class DashboardPage(AppPage):
    path: ClassVar[str] = "/"
    title: str = "Dashboard"

    @property
    def welcome(self) -> Locator:
        return self.shell.main.get_by_text("Welcome back")

    @property
    def browse_settings(self) -> Locator:
        return self.shell.main.get_by_role("link", name="Browse settings")

    @property
    def recent_changes(self) -> Locator:
        return self.shell.main.get_by_role("heading", name="Recent changes")

    @property
    def recent_changes_list(self) -> Locator:
        return self.shell.main.get_by_role("region", name="Recent changes")

    def recent_change(self, label: str) -> Locator:
        """The recent change of the setting labelled `label`: its link, new value and time."""
        return self.recent_changes_list.get_by_role("listitem").filter(
            has=self.page.get_by_role("link", name=label, exact=True)
        )


class SettingItem:
    """One setting in the list, found by its key."""

    def __init__(self, page: Page, key: str, label: str) -> None:
        self.page = page
        self.key = key
        self.label = label

    @property
    def root(self) -> Locator:
        return self.page.get_by_test_id(f"setting-{self.key}")

    @property
    def control(self) -> Locator:
        return self.root.get_by_label(self.label, exact=True)

    @property
    def switch(self) -> Locator:
        return self.root.get_by_role("switch", name=self.label, exact=True)

    @property
    def save_button(self) -> Locator:
        return self.root.get_by_role("button", name=f"Save {self.label}", exact=True)

    @property
    def reset_button(self) -> Locator:
        return self.root.get_by_role("button", name=f"Reset {self.label}", exact=True)

    @property
    def history_link(self) -> Locator:
        return self.root.get_by_role("link", name=f"History of {self.label}", exact=True)

    @property
    def default_badge(self) -> Locator:
        return self.root.get_by_text("Default", exact=True)

    def set_text(self, value: str) -> None:
        """Type a new value into a text or number setting and save it (an AssertionError
        if "Save" sends nothing)."""
        self.control.fill(value)
        click_sending(self.save_button, f'"Save {self.label}"', "PUT", f"/api/settings/{self.key}")

    def choose(self, option: str) -> None:
        self.control.select_option(label=option)

    def reset(self) -> None:
        click_sending(
            self.reset_button, f'"Reset {self.label}"', "POST", f"/api/settings/{self.key}/reset"
        )


class SettingsPage(AppPage):
    path: ClassVar[str] = "/settings"
    title: str = "Settings"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.pagination = Pagination(page)

    @property
    def search(self) -> Locator:
        return self.page.get_by_role("searchbox", name="Search settings")

    @property
    def category(self) -> Locator:
        return self.page.get_by_label("Category", exact=True)

    @property
    def sort(self) -> Locator:
        return self.page.get_by_label("Sort by", exact=True)

    @property
    def items(self) -> Locator:
        return self.page.locator("[data-testid^='setting-']")

    @property
    def item_headings(self) -> Locator:
        return self.items.get_by_role("heading", level=2)

    @property
    def summary(self) -> Locator:
        return self.shell.main.get_by_text("Showing ")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text(NO_MATCH)

    def setting(self, key: str, label: str) -> SettingItem:
        return SettingItem(self.page, key, label)

    def search_for(self, text: str) -> None:
        self.search.fill(text)

    def type_search(self, text: str) -> None:
        """Click the search box and type as a person does: pointer and key events (which
        fill() does not send), so the page's responsiveness to them can be measured."""
        self.search.click()
        self.page.keyboard.type(text)

    def filter_category(self, category: str) -> None:
        self.category.select_option(label=category)

    def sort_by(self, key: str) -> None:
        self.sort.select_option(label=SORT_LABELS[key])


class HistoryPage(AppPage):
    path: ClassVar[str] = "/settings/{key}/history"
    title: str = "History"

    def __init__(self, page: Page, key: str) -> None:
        super().__init__(page)
        self.key = key

    def open(self, query: str = "") -> Self:
        self.page.goto(self.path.format(key=self.key) + (f"?{query}" if query else ""))
        return self

    @property
    def table(self) -> Locator:
        return self.shell.main.get_by_role("table")

    @property
    def rows(self) -> Locator:
        return self.table.locator("tbody tr")

    def column(self, header: str) -> Locator:
        """The cells of one column ("When", "Action", "From", "To"), newest change first."""
        return Table(self.table).column(header)

    @property
    def back_link(self) -> Locator:
        return self.shell.main.get_by_role("link", name="Back to settings")

    @property
    def empty(self) -> Locator:
        return self.shell.main.get_by_text("No changes yet.")


class StartPageHistoryPage(HistoryPage):
    """The history of a seeded setting (the contract's "Start page"), for specs that run
    over every page: a signed-in user who never changed it sees the empty history."""

    title: str = "History: Start page"

    def __init__(self, page: Page) -> None:
        super().__init__(page, "general.start_page")


class ProfilePage(AppPage):
    path: ClassVar[str] = "/profile"
    title: str = "Profile"

    @property
    def display_name(self) -> Locator:
        return self.page.get_by_label("Display name", exact=True)

    @property
    def theme(self) -> Locator:
        return self.page.get_by_label("Theme", exact=True)

    @property
    def language(self) -> Locator:
        return self.page.get_by_label("Language", exact=True)

    @property
    def save(self) -> Locator:
        return self.page.get_by_role("button", name="Save profile")

    def save_display_name(self, name: str) -> None:
        """Type a new display name and save the profile (an AssertionError if "Save
        profile" sends nothing)."""
        self.display_name.fill(name)
        click_sending(self.save, '"Save profile"', "PATCH", "/api/profile")

    @property
    def current_password(self) -> Locator:
        return self.page.get_by_label("Current password", exact=True)

    @property
    def new_password(self) -> Locator:
        return self.page.get_by_label("New password", exact=True)

    @property
    def confirm_password(self) -> Locator:
        return self.page.get_by_label("Confirm new password", exact=True)

    @property
    def change_password_button(self) -> Locator:
        return self.page.get_by_role("button", name="Change password")

    def change_password(self, current: str, new: str, confirm: str | None = None) -> None:
        self.current_password.fill(current)
        self.new_password.fill(new)
        self.confirm_password.fill(new if confirm is None else confirm)
        self.change_password_button.click()


class NotFoundPage(AppPage):
    title: str = "Page not found"

    @property
    def home_link(self) -> Locator:
        return self.shell.main.get_by_role("link", name="Go to dashboard").or_(
            self.shell.main.get_by_role("link", name="Go to overview")
        )
