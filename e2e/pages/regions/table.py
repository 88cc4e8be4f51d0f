"""A data table: its rows, and the cells of one column named by its header."""

from __future__ import annotations

from playwright.sync_api import Locator


class Table:
    """The table inside `root`; both apps label every cell with its column's header
    (`data-label`), which is also how the stacked mobile layout shows it."""

    def __init__(self, root: Locator) -> None:
        self.root = root

    @property
    def rows(self) -> Locator:
        return self.root.locator("tbody tr")

    def column(self, header: str) -> Locator:
        """Every cell of the column headed `header`, top to bottom."""
        return self.rows.locator(f"td[data-label='{header}']")

    def cell(self, row: Locator, header: str) -> Locator:
        """The cell of `row` in the column headed `header`."""
        return row.locator(f"td[data-label='{header}']")

    def rows_with(self, header: str, text: str) -> Locator:
        """The rows whose cell in the column headed `header` reads exactly `text`."""
        return self.rows.filter(
            has=self.root.page.locator(f"td[data-label='{header}']").get_by_text(text, exact=True)
        )
