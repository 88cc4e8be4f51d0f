"""The list of tests in the HTML report: one entry per test, most urgent outcome first,
each opening to its facts and, per attempt, its error, attachments and captured output.
"""

from __future__ import annotations

from collections.abc import Sequence

from sitewise.report.attachments import render_artifacts
from sitewise.report.markup import OUTCOME_LABELS, duration, esc
from sitewise.report.model import OUTCOME_ORDER, Attempt, TestResult
from sitewise.report.steps_view import soft_failures, steps_tree

_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOME_ORDER)}


def in_list_order(tests: Sequence[TestResult]) -> list[TestResult]:
    """The tests as the list shows them: most urgent outcome first, then as they ran."""
    ranked = sorted(enumerate(tests), key=lambda pair: (_RANK.get(pair[1].outcome, 99), pair[0]))
    return [test for _, test in ranked]


def list_of_tests(ordered: Sequence[TestResult]) -> str:
    """The list, its entries anchored `t<index>` in this order (the run-wide sections link
    to them)."""
    items = [_test(test, index) for index, test in enumerate(ordered)]
    return (
        f'<ol class="tests" id="tests">{"".join(items)}</ol>'
        '<p id="empty" class="empty" hidden>No test matches the filter.</p>'
    )


def _search_text(test: TestResult) -> str:
    words = [
        test.nodeid,
        test.outcome,
        test.description,
        test.browser,
        test.viewport,
        test.viewport_size,
        test.worker,
        test.run,
        *test.markers,
        *(a.message for a in test.attempts),
        *(f.message for a in test.attempts for f in a.soft_failures),
        *(art.kind for a in test.attempts for art in a.artifacts),
    ]
    return " ".join(w for w in words if w).lower()


def _split_nodeid(nodeid: str) -> tuple[str, str]:
    path, sep, rest = nodeid.partition("::")
    return (rest, path) if sep else (nodeid, "")


def _test(test: TestResult, index: int) -> str:
    name, module = _split_nodeid(test.nodeid)
    markers = "".join(f'<span class="marker">{esc(m)}</span>' for m in test.markers)
    retry = (
        f'<span class="retries">{test.retries} {"retry" if test.retries == 1 else "retries"}</span>'
        if test.retries
        else ""
    )
    viewport = esc(test.viewport)
    if test.viewport_size:
        viewport += f' <span class="muted">{esc(test.viewport_size)}</span>'
    final = test.final
    message = ""
    if final is not None and final.message and test.outcome != "passed":
        where = " > ".join(s.title for s in final.failed_step)
        step = f' <span class="muted">in step {esc(where)}</span>' if where else ""
        message = f'<span class="message">{esc(final.message)}{step}</span>'
    elif test.outcome == "flaky":
        first = next((a for a in test.attempts if a.message), None)
        if first is not None:
            message = f'<span class="message">first attempt: {esc(first.message)}</span>'
    description = f'<span class="doc">{esc(test.description)}</span>' if test.description else ""
    summary = (
        f'<summary><span class="badge {test.outcome}">{esc(OUTCOME_LABELS[test.outcome])}</span>'
        f'<span class="name"><span class="title">{esc(name)}</span>'
        f'<span class="module">{esc(module)}</span>{description}{message}'
        f'<span class="markers">{markers}{retry}</span></span>'
        f'<span class="browser">{esc(test.browser or "-")}</span>'
        f'<span class="viewport">{viewport or "-"}</span>'
        f'<span class="duration">{esc(duration(test.duration))}</span></summary>'
    )
    return (
        f'<li class="test" id="t{index}" data-status="{test.outcome}"'
        f' data-search="{esc(_search_text(test))}"><details>{summary}'
        f'<div class="body">{_test_body(test)}</div></details></li>'
    )


def _test_body(test: TestResult) -> str:
    facts = [("node id", f"<code>{esc(test.nodeid)}</code>")]
    if test.location:
        facts.append(("location", f"<code>{esc(test.location)}</code>"))
    if test.worker:
        facts.append(("worker", esc(test.worker)))
    if test.run:
        facts.append(("run", esc(test.run)))
    parts = [
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
    ]
    many = len(test.attempts) > 1
    for number, attempt in enumerate(test.attempts, start=1):
        parts.append(_attempt(attempt, number, len(test.attempts) if many else 0))
    return "".join(parts)


def _attempt(attempt: Attempt, number: int, of: int) -> str:
    parts = []
    if of:
        kind = "retry" if number > 1 else "first run"
        parts.append(
            f'<h3 class="attempt-title"><span class="badge {attempt.outcome}">'
            f"{esc(OUTCOME_LABELS[attempt.outcome])}</span> Attempt {number} of {of}"
            f' <span class="muted">({kind}, {esc(duration(attempt.duration))})</span></h3>'
        )
    if attempt.outcome in ("skipped", "xfailed") and attempt.message:
        parts.append(f'<p class="reason">{esc(attempt.message)}</p>')
    if attempt.error:
        where = f" in {attempt.phase}" if attempt.phase and attempt.phase != "call" else ""
        parts.append(
            f'<section class="error"><h4>Error{esc(where)}</h4>'
            f"<pre>{esc(attempt.error)}</pre></section>"
        )
    parts.append(soft_failures(attempt.soft_failures))
    parts.append(steps_tree(attempt.steps))
    parts.append(render_artifacts(attempt.artifacts))
    if attempt.sections:
        sections = "".join(
            f"<h5>{esc(s.title)}</h5><pre>{esc(s.text)}</pre>" for s in attempt.sections
        )
        parts.append(
            f'<details class="output"><summary>Captured output</summary>{sections}</details>'
        )
    css = f"attempt {attempt.outcome}" if of else "attempt"
    return f'<section class="{css}">{"".join(parts)}</section>'
