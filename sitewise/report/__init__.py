"""Reports of a run: results model (results.json), HTML report, JUnit handling, merging.

The pytest side: sitewise/report/plugin.py (defaults, what each test's report carries),
journal.py (the run's record, which every report of the run reads; partial.py decides
whether the run was whole), run_report.py (writing the reports) and retries.py (retries,
flaky tests, shards).
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
