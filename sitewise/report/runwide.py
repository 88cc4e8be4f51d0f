"""The run-wide files beside results.json: a11y.json and vitals.json.

The accessibility and vitals plugins write them on the controller at the end of a
run (pytest_sessionfinish); the HTML report draws its Accessibility and Performance
sections from them, the report's status takes the API latency verdict from vitals.json,
and `merge_a11y` / `merge_vitals` combine several shards' files into one over the whole
CI run (the API latency judged again over every shard's calls).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitewise.load.results import LOAD_FILE
from sitewise.report.model import A11Y_FILE, VITALS_FILE, RunFailure
from sitewise.vitals.api import (
    TIMING,
    PooledCall,
    RunEndpointLatency,
    pooled_measurements,
    run_latency,
    server_ms_from,
)

IMPACTS = ("critical", "serious", "moderate", "minor")
# The marker of the performance specs, whose API calls the run's latency verdict pools
# (sitewise/vitals/plugin.py PERFORMANCE_MARKER).
PERFORMANCE_MARKER = "performance"


@dataclass
class RunFiles:
    """What a reports folder holds besides results.json (None: not written by the run)."""

    a11y: dict[str, Any] | None = None
    vitals: dict[str, Any] | None = None
    load: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


def read_document(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(the JSON object in `path`, None), (None, None) when there is no such file, or
    (None, why it cannot be used)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, f"{path}: cannot be read: {error}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"{path}: not JSON: {error}"
    if not isinstance(data, dict):
        return None, f"{path}: not a JSON object"
    return data, None


def load_run_files(folder: Path) -> RunFiles:
    """The a11y.json and vitals.json of a reports folder, read now (they are written late
    in a run, by other plugins' pytest_sessionfinish)."""
    found = RunFiles()
    a11y, problem = read_document(folder / A11Y_FILE)
    if problem:
        found.problems.append(problem)
    vitals, problem = read_document(folder / VITALS_FILE)
    if problem:
        found.problems.append(problem)
    found.a11y, found.vitals = a11y, vitals
    found.load, problem = read_document(folder / LOAD_FILE)
    if problem:
        found.problems.append(problem)
    return found


# --- API latency ---


def _float(value: object, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def endpoint_latency(entry: Mapping[str, Any]) -> RunEndpointLatency:
    """A vitals.json `api_latency.endpoints` entry as sitewise.vitals.api has it."""
    endpoint = str(entry.get("endpoint", ""))
    slowest = tuple(
        PooledCall(
            endpoint=endpoint,
            duration_ms=_float(call.get("duration_ms")),
            page=str(call.get("page", "")),
            nodeid=str(call.get("nodeid", "")),
            server_ms=server_ms_from(call.get("server_ms")),
        )
        for call in entry.get("slowest") or []
        if isinstance(call, Mapping)
    )
    median = entry.get("median_ms")
    return RunEndpointLatency(
        endpoint=endpoint,
        count=int(_float(entry.get("count"))),
        p95_ms=_float(entry.get("p95_ms")),
        budget_ms=_float(entry.get("budget_ms")),
        status="fail" if entry.get("status") == "fail" else "pass",
        slowest=slowest,
        median_ms=None if median is None else _float(median),
        statistic="median" if entry.get("statistic") == "median" else "p95",
    )


def latency_endpoints(vitals: Mapping[str, Any] | None) -> list[RunEndpointLatency]:
    """The run-wide API latency verdicts of a vitals.json, per endpoint."""
    if not vitals:
        return []
    latency = vitals.get("api_latency")
    entries = latency.get("endpoints") if isinstance(latency, Mapping) else None
    if not isinstance(entries, list):
        return []
    return [endpoint_latency(e) for e in entries if isinstance(e, Mapping)]


def api_latency_failures(vitals: Mapping[str, Any] | None, scope: str = "") -> list[RunFailure]:
    """One RunFailure per endpoint whose p95 is over the budget in this vitals.json."""
    return [
        RunFailure(
            kind="api-latency",
            message=f"API latency{scope} ([performance] api_p95_ms): {endpoint.describe()}",
        )
        for endpoint in latency_endpoints(vitals)
        if endpoint.status == "fail"
    ]


# --- merging shards ---


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def merge_vitals(
    documents: Sequence[tuple[str, Mapping[str, Any]]],
    judged: Callable[[Mapping[str, Any]], bool] | None = None,
) -> dict[str, Any]:
    """One vitals.json from several runs' (label, document), in the order given.

    Every measurement is kept, marked with its run; a test measured in two runs (a job run
    again) keeps the later run's measurements, as the merged results keep its later result.
    The API latency is judged again over the calls of every run's performance specs:
    each endpoint's p95 over all of them against the budget (the strictest, if the runs
    had different ones). `judged(entry)` says whether a measurement is a performance
    spec's (sitewise/vitals/plugin.py judges only tests marked `performance`); an entry's
    own `judged` field wins, and without either every measurement is judged.
    """
    by_test: dict[str, list[dict[str, Any]]] = {}
    budgets: list[float] = []
    settle: list[int] = []
    for label, document in documents:
        found: dict[str, list[dict[str, Any]]] = {}
        for entry in document.get("measurements") or []:
            if isinstance(entry, Mapping):
                nodeid = str(entry.get("nodeid", ""))
                own = entry.get("judged")
                verdict = own if isinstance(own, bool) else (judged(entry) if judged else True)
                found.setdefault(nodeid, []).append(
                    {**entry, "run": entry.get("run") or label, "judged": verdict}
                )
        by_test.update(found)
        budget = document.get("api_p95_ms")
        if budget is None and isinstance(document.get("api_latency"), Mapping):
            budget = document["api_latency"].get("budget_p95_ms")
        if isinstance(budget, int | float) and not isinstance(budget, bool):
            budgets.append(float(budget))
        if isinstance(document.get("settle_ms"), int):
            settle.append(int(document["settle_ms"]))
    entries = [entry for nodeid in sorted(by_test) for entry in by_test[nodeid]]
    notes = []
    if len(set(budgets)) > 1:
        shown = ", ".join(f"{b:g}" for b in sorted(set(budgets)))
        notes.append(
            f"the runs had different API p95 budgets ({shown} ms); judged against the"
            f" strictest, {min(budgets):g} ms"
        )
    budget_ms = min(budgets) if budgets else None
    calls = pooled_measurements(entry for entry in entries if entry["judged"])
    latency = run_latency(calls, budget_ms) if budget_ms else ()
    return {
        "schema": 1,
        "created": _now(),
        "merged_from": [label for label, _ in documents],
        "settle_ms": max(settle) if settle else None,
        "api_p95_ms": budget_ms,
        "api_latency": {
            "budget_p95_ms": budget_ms,
            "timing": TIMING,
            "scope": f"every call of the performance specs of {len(documents)} run(s)",
            "endpoints": [e.to_dict() for e in latency],
        },
        "measurements": entries,
        "notes": notes,
    }


def _sorted_union(*groups: Iterable[Any]) -> list[Any]:
    return sorted({str(v) for group in groups for v in group})


def _counts(total: dict[str, int], add: object) -> None:
    if isinstance(add, Mapping):
        for key, value in add.items():
            total[str(key)] = total.get(str(key), 0) + int(_float(value))


def _issue_key(issue: Mapping[str, Any]) -> tuple[str, str]:
    return str(issue.get("rule", "")), str(issue.get("target", ""))


def merge_a11y(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """One a11y.json from several runs' (label, document): counts added, pages, rules and
    known issues combined, each check kept with its run.

    A known issue is stale over the whole CI run when a run that checked stale entries
    (a full run) found it stale and no run matched it. Shards are not full runs (each
    deselects the others' tests), so a merge of shards alone does not check them; the
    reasons of each run are kept in `partial_reasons`.
    """
    pages: dict[str, dict[str, Any]] = {}
    rules: dict[str, dict[str, Any]] = {}
    used: dict[tuple[str, str], dict[str, Any]] = {}
    by_impact = dict.fromkeys(IMPACTS, 0)
    failing_by_impact = dict.fromkeys(IMPACTS, 0)
    stale_candidates: dict[tuple[str, str], dict[str, Any]] = {}
    stale_checked = False
    partial: list[str] = []
    tests: list[dict[str, Any]] = []
    configured = 0
    totals = {"checks": 0, "checks_failed": 0, "nodes": 0, "nodes_failing": 0}
    standards: list[str] = []
    versions: list[str] = []
    browsers: list[str] = []
    generated: list[str] = []
    for label, document in documents:
        for name in totals:
            totals[name] += int(_float(document.get(name)))
        standards += [str(s) for s in document.get("standards") or []]
        versions += [str(s) for s in document.get("axe_versions") or []]
        browsers += [str(s) for s in document.get("browsers") or []]
        if document.get("generated_on"):
            generated.append(str(document["generated_on"]))
        _counts(by_impact, document.get("violations_by_impact"))
        _counts(failing_by_impact, document.get("failing_by_impact"))
        for page in document.get("pages") or []:
            if not isinstance(page, Mapping):
                continue
            # By "target:/route": each shard serves the same page on ports of its own.
            url = str(page.get("url", ""))
            name_of_page = str(page.get("page") or url)
            entry = pages.setdefault(
                name_of_page,
                {
                    "page": name_of_page,
                    "url": url,
                    "urls": [],
                    "checks": 0,
                    "failed": 0,
                    "rules": [],
                    "nodes": 0,
                    "tests": [],
                },
            )
            for name in ("checks", "failed", "nodes"):
                entry[name] += int(_float(page.get(name)))
            for name in ("rules", "tests"):
                entry[name] = _sorted_union(entry[name], page.get(name) or [])
            entry["urls"] = _sorted_union(entry["urls"], page.get("urls") or [url])
        for rule in document.get("rules") or []:
            if not isinstance(rule, Mapping):
                continue
            rule_id = str(rule.get("id", ""))
            if rule_id not in rules:
                rules[rule_id] = {
                    **{k: v for k, v in rule.items() if k not in ("pages",)},
                    "nodes": 0,
                    "nodes_failing": 0,
                    "nodes_accepted": 0,
                    "pages": [],
                }
            merged_rule = rules[rule_id]
            for name in ("nodes", "nodes_failing", "nodes_accepted"):
                merged_rule[name] += int(_float(rule.get(name)))
            merged_rule["pages"] = _sorted_union(merged_rule["pages"], rule.get("pages") or [])
        known = document.get("known_issues")
        known = known if isinstance(known, Mapping) else {}
        configured = max(configured, int(_float(known.get("configured"))))
        for issue in known.get("used") or []:
            if not isinstance(issue, Mapping):
                continue
            key = _issue_key(issue)
            if key not in used:
                used[key] = {**issue, "nodes": 0, "tests": [], "pages": [], "expired": False}
                used[key]["configured"] = False
            record = used[key]
            record["nodes"] += int(_float(issue.get("nodes")))
            record["tests"] = _sorted_union(record["tests"], issue.get("tests") or [])
            record["pages"] = _sorted_union(record["pages"], issue.get("pages") or [])
            record["expired"] = bool(record["expired"] or issue.get("expired"))
            record["configured"] = bool(record["configured"] or issue.get("configured"))
        if known.get("stale_checked"):
            stale_checked = True
            for issue in known.get("stale") or []:
                if isinstance(issue, Mapping):
                    stale_candidates.setdefault(_issue_key(issue), dict(issue))
        reasons = [str(r) for r in document.get("partial_reasons") or []]
        if not document.get("full_run", False) or reasons:
            partial.append(f"{label}: {'; '.join(reasons) or 'not a full run'}")
        for check in document.get("tests") or []:
            if isinstance(check, Mapping):
                tests.append({**check, "run": check.get("run") or label})
    stale = [issue for key, issue in sorted(stale_candidates.items()) if key not in used]
    return {
        "schema": next((str(d["schema"]) for _, d in documents if d.get("schema")), ""),
        "generated_on": max(generated) if generated else dt.date.today().isoformat(),
        "merged_from": [label for label, _ in documents],
        "full_run": stale_checked,
        **totals,
        "standards": sorted(set(standards)),
        "axe_versions": sorted(set(versions)),
        "browsers": sorted(set(browsers)),
        "pages": [pages[name] for name in sorted(pages)],
        "rules": [rules[rule_id] for rule_id in sorted(rules)],
        "violations_by_impact": by_impact,
        "failing_by_impact": failing_by_impact,
        "known_issues": {
            "configured": configured,
            "used": [used[key] for key in sorted(used)],
            "stale_checked": stale_checked,
            "stale": stale if stale_checked else [],
        },
        "partial_reasons": partial,
        "tests": tests,
    }
