"""Screenshots against the baselines in baselines/admin/test_visual/, one per viewport.

What changes from run to run or from one admin to another is masked: the signed-in
user's name, and the recent actions (empty on a fresh database, full on a used one).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from sitewise.auth.plugin import PageAs
from sitewise.visual.snapshot import AssertSnapshot


def test_the_login_page_looks_as_accepted(
    guest_page: Page, assert_snapshot: AssertSnapshot
) -> None:
    guest_page.goto("/admin/login/")
    expect(guest_page.get_by_role("button", name="Log in")).to_be_visible()
    assert_snapshot(guest_page, "login")


def test_the_admin_index_looks_as_accepted(
    page_as: PageAs, assert_snapshot: AssertSnapshot
) -> None:
    page = page_as("admin", "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert_snapshot(
        page,
        "index",
        full_page=True,
        mask=[page.locator("#user-tools strong"), page.locator("#recent-actions-module")],
    )
