"""The shell every signed-in page has: skip link, header, navigation, menus, toasts."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from e2e.pages.actions import click_sending


class Shell:
    """Header, navigation (collapsed behind "Menu" on narrow screens), footer and toasts."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def skip_link(self) -> Locator:
        return self.page.get_by_role("link", name="Skip to main content")

    @property
    def banner(self) -> Locator:
        return self.page.get_by_role("banner")

    @property
    def navigation(self) -> Locator:
        return self.page.get_by_role("navigation", name="Main")

    @property
    def main(self) -> Locator:
        return self.page.get_by_role("main")

    @property
    def footer(self) -> Locator:
        return self.page.get_by_role("contentinfo")

    @property
    def heading(self) -> Locator:
        return self.main.get_by_role("heading", level=1)

    @property
    def menu_button(self) -> Locator:
        return self.page.get_by_role("button", name="Menu", exact=True)

    @property
    def theme_toggle(self) -> Locator:
        return self.page.get_by_role("button", name="Dark theme")

    @property
    def account_menu_button(self) -> Locator:
        return self.page.get_by_role("button", name="Account menu")

    @property
    def account_name(self) -> Locator:
        """The signed-in person's display name, shown when the account menu is open."""
        return self.banner.locator(".account-summary .account-name")

    @property
    def sign_out_item(self) -> Locator:
        return self.page.get_by_role("menuitem", name="Sign out").or_(
            self.page.get_by_role("button", name="Sign out")
        )

    @property
    def profile_item(self) -> Locator:
        return self.page.get_by_role("menuitem", name="Profile").or_(
            self.banner.get_by_role("link", name="Profile", exact=True).last
        )

    def nav_link(self, name: str) -> Locator:
        return self.navigation.get_by_role("link", name=name, exact=True)

    def toast(self, text: str) -> Locator:
        return self.page.get_by_role("status").filter(has_text=text)

    @property
    def loading(self) -> Locator:
        return self.page.get_by_role("status").filter(has_text="Loading")

    @property
    def error_state(self) -> Locator:
        return self.page.get_by_role("alert").filter(has_text="Something went wrong")

    @property
    def retry_button(self) -> Locator:
        return self.error_state.get_by_role("button", name="Retry")

    @property
    def theme(self) -> Locator:
        return self.page.locator("html")

    @property
    def injected_markup(self) -> Locator:
        """Elements that only text rendered as HTML would make: the XSS payloads' tags
        (fixtures/payloads/xss.json). Neither app has any of them of its own."""
        return self.page.locator(
            "script:not([src]), iframe, [onerror], [onload], a[href^='javascript:' i]"
        )

    def menu_is_collapsible(self) -> bool:
        """Whether the navigation sits behind the Menu button (narrow screens). Asked once
        the header is there: before the shell renders, no button is visible anywhere."""
        self.account_menu_button.wait_for(state="visible")
        return self.menu_button.is_visible()

    def open_menu(self) -> None:
        """Show the navigation links: on narrow screens by opening the Menu."""
        if self.menu_is_collapsible() and self.menu_button.get_attribute("aria-expanded") != "true":
            self.menu_button.click()

    def go_to(self, link_name: str) -> None:
        """Follow a navigation link, opening the mobile menu first where needed."""
        self.open_menu()
        self.nav_link(link_name).click()

    def open_account_menu(self) -> None:
        self.account_menu_button.click()

    def sign_out(self) -> None:
        """Sign out from the account menu (an AssertionError if that sends nothing)."""
        self.open_account_menu()
        click_sending(
            self.sign_out_item, '"Sign out" in the account menu', "POST", "/api/auth/logout"
        )

    def toggle_theme(self) -> None:
        self.theme_toggle.click()
