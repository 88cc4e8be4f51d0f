"""Self-tests of the run infrastructure: tiny suites run with pytester in a subprocess."""

from __future__ import annotations

import pytest

from tests.run.helpers import ENV_CLEARED, PLUGINS, ROOT


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A tiny project loading the suite's options, browser and reporting plugins, like the
    root conftest.py does; run it with `runpytest_subprocess`. CI is unset: a local run."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for name in ENV_CLEARED:
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest(f"pytest_plugins = {PLUGINS!r}\n")
    pytester.makeini("[pytest]\nmarkers =\n    web: the web app\n    slow: a slow one\n")
    return pytester
