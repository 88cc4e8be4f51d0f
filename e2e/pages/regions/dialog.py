"""A modal dialog found by its accessible name (its heading)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class Dialog:
    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = name

    @property
    def root(self) -> Locator:
        return self.page.get_by_role("dialog", name=self.name)

    def field(self, label: str) -> Locator:
        return self.root.get_by_label(label, exact=True)

    def button(self, name: str) -> Locator:
        return self.root.get_by_role("button", name=name, exact=True)

    def cancel(self) -> None:
        self.button("Cancel").click()
