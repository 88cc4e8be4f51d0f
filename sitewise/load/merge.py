"""Several load measurements taken side by side, merged into one and judged as one.

Two places measure a load in parts: under pytest-xdist, `--under-load` runs each
worker's share of the users from that worker, which writes `load-gwN.json`; in CI, each
shard writes its own load.json. `merge_measurements` makes of the parts the measurement
one runner would have written had it made every request: per endpoint the requests and
failures summed, and the percentiles computed again from the sum of the parts' Locust
histograms (`StatsEntry.response_times`, which a Locust master sums from its workers the
same way; never an average of percentiles); the timeline summed per second, the users
summed. `merge_worker_reports` (the pytest controller at the end of a run) and
`merge_load_files` (`sitewise report merge`) judge the merged measurement against the
budgets as one run and write it as load.json. Imports no Locust.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sitewise.load.config import LoadConfig
from sitewise.load.histogram import (
    Timeline,
    add_histograms,
    as_pairs,
    bucket_of,
    locust_median,
    locust_percentile,
    resolution_of,
)
from sitewise.load.results import LOAD_FILE, Verdict, judge, report_document, write_report

Part = tuple[str, Mapping[str, Any]]
WORKER_FILE = re.compile(r"load-gw(\d+)\.json")
MAX_ERRORS = 50


def worker_file(worker: str) -> str:
    """The file a pytest-xdist worker writes its share of the load to."""
    return f"load-{worker}.json"


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _started(measurement: Mapping[str, Any]) -> float:
    if isinstance(measurement.get("started_ts"), int | float):
        return float(measurement["started_ts"])
    try:
        return dt.datetime.fromisoformat(str(measurement.get("started"))).timestamp()
    except ValueError:
        return 0.0


def _endpoint(
    name: str, entries: Sequence[Mapping[str, Any]], elapsed: float
) -> tuple[dict[str, Any], bool]:
    """One endpoint of the merged run, and whether its percentiles are exact (every
    part with requests kept its histogram)."""
    requests = sum(int(_number(e.get("requests"))) for e in entries)
    failures = sum(int(_number(e.get("failures"))) for e in entries)
    measured = [e for e in entries if _number(e.get("requests"))]
    exact = all(isinstance(e.get("histogram"), list) for e in measured)
    high = max((_number(e.get("max_ms")) for e in measured), default=0.0)
    histogram = add_histograms(e.get("histogram") or [] for e in measured if exact)
    timed = sum(histogram.values())
    if exact:
        low = min((_number(e.get("min_ms")) for e in measured), default=0.0)
        median: float = round(locust_median(histogram, low, high))
        p95: float = locust_percentile(histogram, 0.95)
        p99: float = locust_percentile(histogram, 0.99)
    else:
        # No histogram to add up: the slowest part's, which bounds the whole's.
        median, p95, p99 = (
            max(_number(e.get(key)) for e in measured) if measured else 0.0
            for key in ("median_ms", "p95_ms", "p99_ms")
        )
    if all("sum_ms" in e for e in measured) and timed:
        total_ms = sum(_number(e.get("sum_ms")) for e in measured)
        avg = total_ms / timed
    else:
        weights = sum(_number(e.get("requests")) for e in measured)
        total_ms = sum(_number(e.get("avg_ms")) * _number(e.get("requests")) for e in measured)
        avg = total_ms / weights if weights else 0.0
    merged: dict[str, Any] = {
        "endpoint": name,
        "requests": requests,
        "failures": failures,
        "median_ms": median,
        "avg_ms": round(avg, 1),
        "p95_ms": p95,
        "p99_ms": p99,
        "max_ms": round(high),
        "rps": round(requests / elapsed, 2) if elapsed else 0.0,
    }
    if exact:
        merged.update(
            min_ms=round(min((_number(e.get("min_ms")) for e in measured), default=0.0)),
            sum_ms=round(total_ms, 1),
            histogram=as_pairs(histogram),
        )
    return merged, exact


def _errors(parts: Sequence[Part]) -> list[dict[str, Any]]:
    counted: dict[tuple[str, str], int] = {}
    for _, measurement in parts:
        for error in _dicts(measurement.get("errors")):
            key = (str(error.get("endpoint", "")), str(error.get("error", "")))
            counted[key] = counted.get(key, 0) + int(_number(error.get("occurrences")))
    ordered = sorted(counted.items(), key=lambda item: -item[1])[:MAX_ERRORS]
    return [{"endpoint": e, "error": text, "occurrences": n} for (e, text), n in ordered]


def sum_users(parts: Iterable[Sequence[Sequence[float]]]) -> dict[int, int]:
    """Users per second (since the epoch) of several parts: at each second, every part's
    last count at or before it, while that part ran (its first to its last count)."""
    samples = [sorted((int(s), int(n)) for s, n in part) for part in parts]
    seconds = sorted({second for part in samples for second, _ in part})
    total = dict.fromkeys(seconds, 0)
    for part in samples:
        if not part:
            continue
        index, current = 0, 0
        for second in seconds:
            if second < part[0][0] or second > part[-1][0]:
                continue
            while index < len(part) and part[index][0] <= second:
                current = part[index][1]
                index += 1
            total[second] += current
    return total


def _timeline(
    parts: Sequence[Part], start: float, elapsed: float
) -> tuple[dict[str, Any], list[str]]:
    """The merged timeline, and the parts whose timeline could not be merged."""
    timeline = Timeline()
    users: list[list[list[float]]] = []
    resolution = resolution_of(elapsed)
    left_out = []
    for label, measurement in parts:
        raw = _mapping(_mapping(measurement.get("timeline")).get("raw"))
        if not raw:
            if _number(measurement.get("requests")):
                left_out.append(label)
            continue
        timeline.merge(row for row in raw.get("rows") or [] if len(row) == 5)
        users.append([p for p in raw.get("users") or [] if len(p) == 2])
        resolution = max(resolution, int(_number(raw.get("resolution_s")) or 1))
    slotted = Timeline()
    rows = timeline.rows(resolution)
    slotted.merge(rows)
    bucket_s = bucket_of(elapsed, resolution)
    summed = sum_users(users)
    return {
        "bucket_s": bucket_s,
        "users": [[round(second - start), n] for second, n in sorted(summed.items())],
        "endpoints": slotted.series(start, bucket_s),
        "raw": {
            "resolution_s": resolution,
            "users": [[second, n] for second, n in sorted(summed.items())],
            "rows": rows,
        },
    }, left_out


def _parts_of(parts: Sequence[Part]) -> list[dict[str, Any]]:
    """What each part contributed (a part itself merged lists its own parts)."""
    listed: list[dict[str, Any]] = []
    for label, measurement in parts:
        inner = _dicts(measurement.get("parts"))
        if inner:
            listed += [{**p, "from": f"{label}/{p.get('from', '')}"} for p in inner]
            continue
        listed.append(
            {
                "from": label,
                "users": int(_number(measurement.get("users"))),
                "requests": int(_number(measurement.get("requests"))),
                "failures": int(_number(measurement.get("failures"))),
                "started": measurement.get("started", ""),
                "elapsed_s": _number(measurement.get("elapsed_s")),
            }
        )
    return listed


def _targets(parts: Sequence[Part]) -> dict[str, str]:
    urls: dict[str, list[str]] = {}
    for _, measurement in parts:
        for name, url in _mapping(measurement.get("targets")).items():
            seen = urls.setdefault(str(name), [])
            if str(url) not in seen:
                seen.append(str(url))
    return {name: ", ".join(found) for name, found in urls.items()}


def merge_measurements(parts: Sequence[Part]) -> dict[str, Any]:
    """One measurement of the parts (label, measurement or load.json), as if one runner
    had made every request; budgets and verdict are left to `judge`."""
    if not parts:
        raise ValueError("merge_measurements: no measurements to merge")
    starts = [_started(m) for _, m in parts]
    ends = [s + _number(m.get("elapsed_s")) for s, (_, m) in zip(starts, parts, strict=True)]
    start = min(starts)
    elapsed = max(ends) - start
    names: dict[str, list[Mapping[str, Any]]] = {}
    for _, measurement in parts:
        for entry in _dicts(measurement.get("endpoints")):
            names.setdefault(str(entry.get("endpoint")), []).append(entry)
    endpoints, inexact = [], []
    for name, entries in names.items():
        entry, exact = _endpoint(name, entries, elapsed)
        endpoints.append(entry)
        if not exact:
            inexact.append(name)
    timeline, left_out = _timeline(parts, start, elapsed)
    problems = [
        f"{label}: {problem}"
        for label, measurement in parts
        for problem in measurement.get("problems") or []
    ]
    problems += [
        f"{label}: made no requests (do its targets answer?)"
        for label, measurement in parts
        if not _number(measurement.get("requests")) and len(parts) > 1
    ]
    if inexact:
        problems.append(
            f"no response-time histograms for {', '.join(inexact)} in every part (a"
            " load.json written before they were kept): their p50, p95 and p99 are the"
            " slowest part's, not the whole's; run the parts again to merge them exactly"
        )
    if left_out:
        problems.append(
            f"the timeline leaves out {', '.join(left_out)} (no per-second record in its load.json)"
        )
    requests = sum(int(_number(m.get("requests"))) for _, m in parts)
    return {
        "started": dt.datetime.fromtimestamp(start, dt.UTC).isoformat(timespec="seconds"),
        "started_ts": round(start, 3),
        "elapsed_s": round(elapsed, 1),
        "requests": requests,
        "failures": sum(int(_number(m.get("failures"))) for _, m in parts),
        "rps": round(requests / elapsed, 2) if elapsed else 0.0,
        "endpoints": endpoints,
        "errors": _errors(parts),
        "timeline": timeline,
        "users": sum(int(_number(m.get("users"))) for _, m in parts),
        "ramp_s": max(_number(m.get("ramp_s")) for _, m in parts),
        "duration_s": max(_number(m.get("duration_s")) for _, m in parts),
        "workers": sum(int(_number(m.get("workers"))) for _, m in parts),
        "missing_workers": sum(int(_number(m.get("missing_workers"))) for _, m in parts),
        "targets": _targets(parts),
        "parts": _parts_of(parts),
        "problems": problems,
    }


def merged_report(
    parts: Sequence[Part], config: LoadConfig, problems: Sequence[str] = ()
) -> tuple[dict[str, Any], Verdict]:
    """The parts merged, judged as one run (`problems`: parts that could not be read):
    load.json's document and the verdict."""
    measurement = merge_measurements(parts)
    measurement["problems"] = [*problems, *measurement["problems"]]
    verdict = judge(measurement, config)
    return report_document(measurement, config, verdict), verdict


def read_part(path: Path) -> tuple[Mapping[str, Any] | None, str]:
    """A load.json (or a worker's), or None and why it cannot be used."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, f"{path}: cannot be read as JSON ({error}); left out of the load"
    if not isinstance(data, dict):
        return None, f"{path}: not a JSON object; left out of the load"
    return data, ""


def worker_files(folder: Path) -> list[Path]:
    """The workers' load files in a reports folder, gw0 first."""
    found = []
    for path in folder.glob("load-gw*.json"):
        match = WORKER_FILE.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def merge_worker_reports(folder: Path, config: LoadConfig) -> Verdict | None:
    """The workers' shares of the load in `folder` merged into its load.json and judged
    against `config` as one run (None: no worker wrote one)."""
    parts: list[Part] = []
    problems = []
    for path in worker_files(folder):
        data, problem = read_part(path)
        if data is None:
            problems.append(problem)
        else:
            parts.append((path.stem.removeprefix("load-"), data))
    if not parts:
        return None
    document, verdict = merged_report(parts, config, problems)
    write_report(folder, document)
    return verdict


def budgets_of(parts: Sequence[Part]) -> LoadConfig:
    """Budgets as the parts were judged against (each load.json carries its endpoints'):
    the first part's budget of an endpoint wins."""
    endpoints: dict[str, Any] = {}
    for _, document in parts:
        for name, budget in _mapping(document.get("budgets")).items():
            endpoints.setdefault(str(name), dict(_mapping(budget)))
    return LoadConfig.model_validate({"endpoints": endpoints})


def _label(path: Path, taken: set[str]) -> str:
    folder = path.parent.resolve()
    if folder.name == "reports" and folder.parent.name:
        folder = folder.parent
    base = folder.name or "run"
    label, number = base, 2
    while label in taken:
        label, number = f"{base}-{number}", number + 1
    taken.add(label)
    return label


def merge_load_files(paths: Sequence[Path], out: Path) -> tuple[int, list[str]]:
    """Merge several runs' load.json (CI shards) into `out`/load.json, judged as one run
    against the budgets they carry; with none, remove one an earlier merge left there.
    Returns how many were merged and what could not be used."""
    parts: list[Part] = []
    problems = []
    taken: set[str] = set()
    for path in paths:
        data, problem = read_part(path)
        if data is None:
            problems.append(problem)
        else:
            parts.append((_label(path, taken), data))
    if not parts:
        (out / LOAD_FILE).unlink(missing_ok=True)
        return 0, problems
    try:
        config = budgets_of(parts)
    except ValueError as error:
        problems.append(f"load.json budgets cannot be read ({error}); judged by the defaults")
        config = LoadConfig()
    document, _ = merged_report(parts, config)
    write_report(out, document)
    return len(parts), problems
