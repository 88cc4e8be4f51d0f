"""Signing in: the engine's form sign-in of [roles.admin] opens the admin, signed in."""

from __future__ import annotations

from playwright.sync_api import expect

from sitewise.auth.plugin import PageAs


def test_the_admin_role_lands_on_the_site_administration(page_as: PageAs) -> None:
    page = page_as("admin", "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
