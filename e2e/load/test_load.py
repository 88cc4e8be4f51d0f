"""The apps hold their users: the seed's load, judged per endpoint against [load].

Runs only with `-m load` (`./run load`): it takes [load] duration_s and every core.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitewise.load.plugin import AssertLoad

JOURNEYS = Path(__file__).with_name("locustfile.py")

pytestmark = [pytest.mark.load, pytest.mark.web, pytest.mark.admin]


def test_the_apps_hold_their_users_within_budget(assert_load: AssertLoad) -> None:
    verdict = assert_load(JOURNEYS)

    assert verdict.endpoints, "the journeys made no requests"
