"""Fixture pages for the accessibility self-tests, served on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from sitewise.config.model import SuiteConfig
from tests.conftest import serve_directory

PAGES = Path(__file__).resolve().parent / "pages"


@pytest.fixture(scope="session")
def a11y_pages() -> Iterator[str]:
    """Base URL of tests/a11y/pages on 127.0.0.1; their frames load from localhost.

    The two host names are different origins (and sites), so a page's frame marked
    `data-cross-origin` is a cross-origin frame, as a third-party embed would be.
    """
    url, stop = serve_directory(PAGES)
    yield url
    stop()


@pytest.fixture
def open_page(page: Page, a11y_pages: str) -> Callable[[str], Page]:
    """Opens one of the fixture pages by file name and returns the page."""

    def open_(name: str) -> Page:
        page.goto(f"{a11y_pages}/{name}")
        return page

    return open_


@pytest.fixture(scope="session")
def suite_config(suite_config: SuiteConfig) -> SuiteConfig:
    """The suite's config with a short expect timeout: failing checks wait it out."""
    timeouts = suite_config.timeouts.model_copy(update={"expect_ms": 2_000})
    return suite_config.model_copy(update={"timeouts": timeouts})
