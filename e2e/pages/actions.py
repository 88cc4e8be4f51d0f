"""Clicks that must cause something, and say what did not happen when they do not.

A click with no effect (swallowed by something on top of the button, made before the
page wired the button up, or on a form that does not submit) would otherwise show up as
a later expectation timing out on a toast that never came. The page objects' verbs
perform their clicks through these helpers, so such a failure names the button and the
request or the closing that never happened, where the click was made.
"""

from __future__ import annotations

import fnmatch
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def first_line(error: Exception) -> str:
    """The first line of an error's message (Playwright's add a call log below it)."""
    return (str(error).strip().splitlines() or ["(no message)"])[0]


def click_sending(button: Locator, what: str, method: str, path: str) -> Request:
    """Click `button` and wait for the `method` request to `path` (a glob) it must send.

    `what` names the button in messages (`"Create user" in the "New user" dialog`). Waits
    up to the page's action timeout ([timeouts] action_ms) and returns the request; raises
    an AssertionError naming the button when it cannot be clicked, or when the click sends
    no such request.
    """

    def sent(request: Request) -> bool:
        if request.method != method:
            return False
        return fnmatch.fnmatchcase(unquote(urlsplit(request.url).path), path)

    try:
        with button.page.expect_request(sent) as caught:
            try:
                button.click()
            except PlaywrightTimeoutError as error:
                raise AssertionError(f"Could not click {what}: {first_line(error)}") from None
    except PlaywrightTimeoutError as error:
        waited = first_line(error).split(": ", 1)[-1]  # without "Page.expect_request: "
        raise AssertionError(
            f"Clicking {what} sent no {method} {path}: the click had no effect ({waited})"
        ) from None
    return caught.value


def describe_answer(request: Request) -> str:
    """What the server answered `request`, for a message: status and the start of the body."""
    path = urlsplit(request.url).path
    response = request.response()
    if response is None:
        return f"{request.method} {path} failed: {request.failure or 'no answer'}"
    try:
        body = response.text()[:300]
    except PlaywrightError as error:  # the body can be gone with a page that moved on
        body = f"(body unreadable: {first_line(error)})"
    return f"{request.method} {path} answered {response.status}: {body}"
