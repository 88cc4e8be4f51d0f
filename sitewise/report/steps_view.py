"""An attempt's soft failures (sitewise.soft_checks) and steps tree (sitewise.steps) in the HTML
report: the soft failures numbered with their messages, the steps nested with their
durations, each failed step marked and the innermost one (where the failure happened)
called out."""

from __future__ import annotations

from collections.abc import Sequence

from sitewise.report.markup import duration, esc
from sitewise.report.model import SoftFailure, Step


def soft_failures(failures: Sequence[SoftFailure]) -> str:
    if not failures:
        return ""
    items = []
    for failure in failures:
        label = f"{failure.kind}: {failure.title}" if failure.title else failure.kind
        where = f' <span class="muted">in step {esc(failure.step)}</span>' if failure.step else ""
        items.append(
            f'<li><span class="soft-kind">{esc(label)}</span>{where}'
            f"<pre>{esc(failure.message)}</pre></li>"
        )
    return (
        f'<section class="soft-failures"><h4>Soft failures ({len(failures)})</h4>'
        f"<ol>{''.join(items)}</ol></section>"
    )


def steps_tree(steps: Sequence[Step]) -> str:
    if not steps:
        return ""
    return f'<section class="steps"><h4>Steps</h4>{_steps(steps)}</section>'


def _steps(steps: Sequence[Step]) -> str:
    items = []
    for step in steps:
        failing = step.failed and not any(s.failed for s in step.steps)
        css = "step failing" if failing else "step failed" if step.failed else "step"
        mark = ' <span class="step-mark">failed here</span>' if failing else ""
        error = f'<span class="step-error">{esc(step.error)}</span>' if failing else ""
        inner = _steps(step.steps) if step.steps else ""
        items.append(
            f'<li class="{css}" data-duration="{step.duration:.3f}">'
            f'<span class="step-title">{esc(step.title)}</span>'
            f' <span class="muted">{esc(duration(step.duration))}</span>{mark}{error}{inner}</li>'
        )
    return f'<ol class="steps-tree">{"".join(items)}</ol>'
