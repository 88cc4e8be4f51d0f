"""Web Vitals: the admin index, signed in, against its budget in playwright.config.toml
([[performance.pages]] "admin:/admin/"), under each viewport's throttling profile."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sitewise.auth.plugin import StorageStateFor
from sitewise.targets import Targets
from sitewise.vitals.plugin import AssertVitals

pytestmark = pytest.mark.performance


def open_the_index(page: Page) -> None:
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_the_admin_index_loads_within_budget(
    target_urls: Targets, storage_state_for: StorageStateFor, assert_vitals: AssertVitals
) -> None:
    assert_vitals(
        open_the_index,
        page_name="admin:/admin/",
        context_args={
            "base_url": target_urls.url("admin"),
            "storage_state": storage_state_for("admin"),
        },
    )
