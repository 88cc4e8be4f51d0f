"""Reports of a run: results model (results.json), HTML report, JUnit handling, merging.

The pytest side (collecting reports, defaults, retries, flaky, shards) is sitewise/report/plugin.py.
"""

from sitewise.report.model import (
    HTML_FILE,
    JUNIT_FILE,
    RESULTS_FILE,
    Artifact,
    Attempt,
    Results,
    RunInfo,
    TestResult,
)

__all__ = [
    "HTML_FILE",
    "JUNIT_FILE",
    "RESULTS_FILE",
    "Artifact",
    "Attempt",
    "Results",
    "RunInfo",
    "TestResult",
]
