"""What every page object shares: its Page, its route, the shell, and a way to open it."""

from __future__ import annotations

from typing import ClassVar, Self

from playwright.sync_api import Locator, Page

from e2e.pages.regions.shell import Shell


class AppPage:
    """A page of either app; subclasses name their route and main heading."""

    path: ClassVar[str] = "/"
    title: str = ""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.shell = Shell(page)

    def open(self, query: str = "") -> Self:
        """Navigate to the page (the context's base URL is the app's origin)."""
        self.page.goto(self.path + (f"?{query}" if query else ""))
        return self

    @property
    def heading(self) -> Locator:
        return self.shell.heading
