"""The pagination bar under a list: Previous, Next and "Page P of Q"."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class Pagination:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def root(self) -> Locator:
        return self.page.get_by_role("navigation", name="Pagination")

    @property
    def previous(self) -> Locator:
        return self.root.get_by_role("button", name="Previous")

    @property
    def next(self) -> Locator:
        return self.root.get_by_role("button", name="Next")

    @property
    def status(self) -> Locator:
        return self.root.get_by_text("Page ")
