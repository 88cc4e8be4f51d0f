"""A modal dialog found by its accessible name (its heading)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from e2e.pages.actions import click_sending, describe_answer

# Each field the dialog marks invalid, with the error it is described by ("Email: This
# email address is already in use."), and any message in the dialog's alert.
_SHOWN_ERRORS = """root => [
  ...[...root.querySelectorAll("[aria-invalid='true']")].map(field => {
    const label = field.labels && field.labels[0] ? field.labels[0].textContent : field.name;
    const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const said = ids.map(id => document.getElementById(id)?.textContent || '').join(' ');
    return `${label.trim()}: ${said.trim()}`;
  }),
  ...[...root.querySelectorAll("[role='alert']")].map(alert => alert.textContent.trim()),
]"""


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

    def shown_errors(self) -> list[str]:
        """The field errors and alerts the dialog shows now (empty when it is closed)."""
        if not self.root.count():
            return []
        errors: list[str] = self.root.evaluate(_SHOWN_ERRORS)
        return errors

    def submit(self, button: str, method: str, path: str) -> Request:
        """Click `button`, which must send `method` `path` (a glob) and close the dialog.

        Raises an AssertionError naming the button and what did not happen: no request
        (a click with no effect), or the dialog still open after it, with the server's
        answer and the errors the dialog shows.
        """
        what = f'"{button}" in the "{self.name}" dialog'
        request = click_sending(self.button(button), what, method, path)
        try:
            self.root.wait_for(state="hidden")
        except PlaywrightTimeoutError:
            shown = "; ".join(self.shown_errors()) or "none"
            raise AssertionError(
                f'The "{self.name}" dialog stayed open after clicking {what}:'
                f" {describe_answer(request)}; errors shown: {shown}"
            ) from None
        return request

    def cancel(self) -> None:
        """Close the dialog with its "Cancel" button (an AssertionError if it stays open)."""
        self.button("Cancel").click()
        try:
            self.root.wait_for(state="hidden")
        except PlaywrightTimeoutError:
            raise AssertionError(
                f'Clicking "Cancel" in the "{self.name}" dialog did not close it'
            ) from None
