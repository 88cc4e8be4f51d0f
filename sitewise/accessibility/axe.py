"""The accessibility check's public names, from the modules that hold them.

- `axe_core`: the vendored axe-core build, its pinned version and checksum;
- `runner`: `run_axe`, which injects it into every frame of a page and runs it;
- `verdict`: `evaluate`, which turns axe's result into an `A11yCheck` (violations
  failing, accepted or expired; nodes that need review);
- `message`: the readable report an AssertionError carries;
- `run_summary`: `A11yRun`, every check of a run merged into `a11y.json`;
- `names`: WCAG criteria, levels, the standard's name and node targets from axe's data.
"""

from __future__ import annotations

from sitewise.accessibility.axe_core import (
    AxeBuildError,
    AxePin,
    axe_pin,
    axe_script,
    axe_script_version,
)
from sitewise.accessibility.names import (
    FRAME_SEPARATOR,
    IMPACTS,
    SHADOW_SEPARATOR,
    SNIPPET_CHARS,
    Selector,
    Selectors,
    criteria_of,
    join_target,
    level_of,
    standard_name,
)
from sitewise.accessibility.run_summary import RUN_SCHEMA, A11yRun
from sitewise.accessibility.runner import (
    FRAME_WAIT_MS,
    SETTLE_MS,
    A11yUsageError,
    AxeRun,
    FrameCoverage,
    browser_label,
    run_axe,
)
from sitewise.accessibility.verdict import (
    CHECK_SCHEMA,
    NODES_IN_DATA,
    A11yCheck,
    NodeResult,
    NodeStatus,
    RuleResult,
    evaluate,
)

__all__ = [
    "CHECK_SCHEMA",
    "FRAME_SEPARATOR",
    "FRAME_WAIT_MS",
    "IMPACTS",
    "NODES_IN_DATA",
    "RUN_SCHEMA",
    "SETTLE_MS",
    "SHADOW_SEPARATOR",
    "SNIPPET_CHARS",
    "A11yCheck",
    "A11yRun",
    "A11yUsageError",
    "AxeBuildError",
    "AxePin",
    "AxeRun",
    "FrameCoverage",
    "NodeResult",
    "NodeStatus",
    "RuleResult",
    "Selector",
    "Selectors",
    "axe_pin",
    "axe_script",
    "axe_script_version",
    "browser_label",
    "criteria_of",
    "evaluate",
    "join_target",
    "level_of",
    "run_axe",
    "standard_name",
]
