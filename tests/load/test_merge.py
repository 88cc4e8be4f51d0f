"""Load measured in parts, merged into one: the workers' shares of `--under-load` under
pytest-xdist, and the shards' load.json in `sitewise report merge`. Counts are summed and
percentiles computed again from the summed histograms: the same as one process that
measured every request (Locust's own statistics, in a process of their own, are the
reference)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sitewise.load.config import LoadConfig
from sitewise.load.merge import merge_measurements, merged_report, sum_users
from sitewise.load.results import LOAD_FILE, judge, report_document, write_report
from sitewise.report.model import Results, RunInfo
from tests.load.conftest import write_under_load_config

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_800_000_000
# Locust's statistics of the samples given on stdin, per part, as the runner writes them.
MEASURE = textwrap.dedent(
    """
    import json, sys

    from locust.env import Environment

    from sitewise.load import runner
    from sitewise.load.timeline import timeline_of

    out = {}
    for part, spec in json.load(sys.stdin).items():
        env = Environment(user_classes=[])
        timeline = timeline_of(env)
        for method, name, ms, failed, at in spec["samples"]:
            env.stats.log_request(method, name, ms, 0)
            if failed:
                env.stats.log_error(method, name, "HTTPError('503 Server Error')")
            timeline.add(f"{method} {name}", ms, failed, at)
        timeline.users.update({int(s): n for s, n in spec["users"]})
        measured = runner._measurement(env, spec["started"], spec["elapsed"])
        measured.update(users=spec["user_count"], ramp_s=1, duration_s=spec["elapsed"],
                        workers=0, missing_workers=0, targets={"site": spec["url"]})
        out[part] = measured
    print(json.dumps(out))
    """
)


def _samples(seed: int, start: int, seconds: int, slow: bool) -> list[list[Any]]:
    """Requests over `seconds` from `start`: a fast and a slow endpoint, some failing;
    `slow` makes every time several times longer (so each part's percentiles differ)."""
    rng = random.Random(seed)
    factor = 6.0 if slow else 1.0
    out: list[list[Any]] = []
    for i in range(400):
        at = start + rng.random() * seconds
        if i % 4:
            out.append(["GET", "/fast", rng.uniform(2, 60) * factor, False, at])
        else:
            out.append(["PUT", "/slow", rng.lognormvariate(5, 0.6) * factor, i % 20 == 0, at])
    return out


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    """Locust's measurement of part A (gw0: 10 s from T0, 2 users), part B (gw1: 10 s
    from T0 + 2, 3 users, slower) and of both pooled (12 s from T0), from a process of
    their own (Locust patches the standard library as it loads)."""
    a = _samples(1, T0, 10, slow=False)
    b = _samples(2, T0 + 2, 10, slow=True)
    users_a = [[T0 + s, 2] for s in range(11)]
    users_b = [[T0 + 2 + s, 3] for s in range(11)]
    spec = {
        "A": {"samples": a, "users": users_a, "started": T0, "elapsed": 10, "user_count": 2},
        "B": {"samples": b, "users": users_b, "started": T0 + 2, "elapsed": 10, "user_count": 3},
        "pooled": {"samples": a + b, "users": [], "started": T0, "elapsed": 12, "user_count": 5},
    }
    for port, part in enumerate(spec.values(), start=8001):
        part["url"] = f"http://127.0.0.1:{port}"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, dict[str, Any]] = json.loads(done.stdout)
    return result


def _by_endpoint(measurement: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["endpoint"]: e for e in measurement["endpoints"]}


def test_merging_two_workers_gives_the_pooled_counts_and_percentiles(
    measured: dict[str, dict[str, Any]],
) -> None:
    a, b, pooled = measured["A"], measured["B"], measured["pooled"]

    merged = merge_measurements([("gw0", a), ("gw1", b)])

    parts, whole, one = _by_endpoint(a), _by_endpoint(merged), _by_endpoint(pooled)
    assert set(whole) == {"GET /fast", "PUT /slow"}
    for name, entry in whole.items():
        assert entry["requests"] == parts[name]["requests"] + _by_endpoint(b)[name]["requests"]
        assert entry["failures"] == one[name]["failures"]
        for key in ("requests", "median_ms", "p95_ms", "p99_ms", "max_ms", "min_ms", "avg_ms"):
            assert entry[key] == one[name][key], (name, key)
        assert entry["histogram"] == one[name]["histogram"]
        # Not the average of the parts' percentiles: B is several times slower than A.
        average = (parts[name]["p95_ms"] + _by_endpoint(b)[name]["p95_ms"]) / 2
        assert entry["p95_ms"] != average
    assert (merged["requests"], merged["failures"]) == (pooled["requests"], pooled["failures"])
    assert merged["requests"] == a["requests"] + b["requests"] == 800
    assert merged["elapsed_s"] == 12
    assert merged["errors"] == pooled["errors"]
    # The timeline summed per second: the same slices and percentiles as the pooled run's.
    assert merged["timeline"]["endpoints"] == pooled["timeline"]["endpoints"]
    assert merged["timeline"]["raw"]["rows"] == pooled["timeline"]["raw"]["rows"]
    # Users summed: 2 from T0, 5 while both run, then B's 3 alone.
    users = dict(merged["timeline"]["users"])
    assert (users[0], users[2], users[10], users[11], users[12]) == (2, 5, 5, 3, 3)
    assert merged["users"] == 5
    assert [p["from"] for p in merged["parts"]] == ["gw0", "gw1"]
    assert merged["targets"] == {"site": "http://127.0.0.1:8001, http://127.0.0.1:8002"}


def test_a_merge_of_merges_is_the_merge_of_all(measured: dict[str, dict[str, Any]]) -> None:
    a, b = measured["A"], measured["B"]
    config = LoadConfig()
    shard, _ = merged_report([("gw0", a), ("gw1", b)], config)
    # Through load.json's own format, as a shard's reports folder carries it.
    again = json.loads(json.dumps(shard))

    nested = merge_measurements([("shard-1", again)])
    flat = merge_measurements([("gw0", a), ("gw1", b)])

    assert nested["endpoints"] == flat["endpoints"]
    assert nested["timeline"] == flat["timeline"]
    assert [p["from"] for p in nested["parts"]] == ["shard-1/gw0", "shard-1/gw1"]


def test_the_merged_load_is_judged_as_one_run(measured: dict[str, dict[str, Any]]) -> None:
    a, b, pooled = measured["A"], measured["B"], measured["pooled"]
    slow_p95 = _by_endpoint(pooled)["PUT /slow"]["p95_ms"]
    # Within budget for A alone, over it for the whole load.
    config = LoadConfig(p95_ms=slow_p95 - 1, p99_ms=100_000, error_rate=0.2)
    assert not judge(a, config).breaches

    document, verdict = merged_report([("gw0", a), ("gw1", b)], config)

    assert [br.stats.endpoint for br in verdict.breaches] == ["PUT /slow"]
    assert f"p95 {slow_p95:.0f} ms > {slow_p95 - 1:g} ms" in verdict.message()
    assert f"{_by_endpoint(pooled)['PUT /slow']['requests']:,} requests" in verdict.message()
    assert document["verdict"]["over"].keys() == {"PUT /slow"}
    assert document["verdict"]["passed"] is False


def test_users_are_carried_from_each_part_s_last_count() -> None:
    summed = sum_users([[[10, 1], [12, 4]], [[11, 2], [13, 2]]])

    assert summed == {10: 1, 11: 3, 12: 6, 13: 2}


def test_a_part_without_histograms_is_named_not_averaged(
    measured: dict[str, dict[str, Any]],
) -> None:
    a = measured["A"]
    old = {**measured["B"], "endpoints": [], "timeline": {}}
    old["endpoints"] = [
        {k: v for k, v in e.items() if k not in ("histogram", "min_ms", "sum_ms")}
        for e in measured["B"]["endpoints"]
    ]

    document, verdict = merged_report([("gw0", a), ("shard-old", old)], LoadConfig())

    slow = _by_endpoint(document)["PUT /slow"]
    assert slow["p95_ms"] == max(
        _by_endpoint(a)["PUT /slow"]["p95_ms"], _by_endpoint(old)["PUT /slow"]["p95_ms"]
    )
    assert any(
        "no response-time histograms for GET /fast, PUT /slow" in p for p in verdict.problems
    )
    assert any("the timeline leaves out shard-old" in p for p in verdict.problems)
    assert not verdict.passed


def _shard(folder: Path, measurement: dict[str, Any]) -> Path:
    config = LoadConfig(p95_ms=100_000, p99_ms=100_000, error_rate=1.0)
    Results(runs=[RunInfo(label="local")]).save(folder)
    write_report(folder, report_document(measurement, config, judge(measurement, config)))
    return folder


def test_report_merge_merges_the_shards_load(
    measured: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    one = _shard(tmp_path / "e2e-results-1", measured["A"])
    two = _shard(tmp_path / "e2e-results-2", measured["B"])
    out = tmp_path / "merged"

    done = subprocess.run(
        [sys.executable, "-m", "sitewise", "report", "merge", str(one), str(two), "--out", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert f"  load: 2 load.json merged into {out / LOAD_FILE}" in done.stdout
    merged = json.loads((out / LOAD_FILE).read_text(encoding="utf-8"))
    pooled = measured["pooled"]
    assert merged["requests"] == pooled["requests"] == 800
    assert (
        _by_endpoint(merged)["PUT /slow"]["p99_ms"] == _by_endpoint(pooled)["PUT /slow"]["p99_ms"]
    )
    assert [p["from"] for p in merged["parts"]] == ["e2e-results-1", "e2e-results-2"]
    # Judged again over both, against the budgets the shards carried.
    assert merged["budgets"]["PUT /slow"] == {"p95_ms": 100_000, "p99_ms": 100_000, "error_rate": 1}
    assert merged["verdict"]["summary"] == "all 2 endpoints within budget (800 requests)"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="load"' in html
    assert "5 users, ramp 1 s, 12 s, 800 requests" in html

    # Merged again without load: the Load section (and load.json) go.
    (one / LOAD_FILE).unlink()
    (two / LOAD_FILE).unlink()
    subprocess.run(
        [sys.executable, "-m", "sitewise", "report", "merge", str(one), str(two), "--out", out],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert not (out / LOAD_FILE).exists()
    assert 'id="load"' not in (out / "report.html").read_text(encoding="utf-8")


def test_under_load_with_two_workers_writes_one_merged_load_json(
    pytester: pytest.Pytester, site: str, journeys: Path
) -> None:
    write_under_load_config(pytester.path, site, journeys, users=3)
    pytester.makepyfile(
        test_site="""
        import urllib.request

        import pytest

        @pytest.mark.parametrize("n", [1, 2])
        def test_a_spec_beside_the_load(target_urls, n):
            with urllib.request.urlopen(target_urls.url("site") + "/") as answer:
                assert answer.status == 200
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "2", "--under-load")

    result.assert_outcomes(passed=2)
    reports = pytester.path / "reports"
    shares = [json.loads((reports / f"load-gw{i}.json").read_text("utf-8")) for i in (0, 1)]
    merged = json.loads((reports / LOAD_FILE).read_text(encoding="utf-8"))
    # 3 users in all: 2 on gw0, 1 on gw1.
    assert [share["users"] for share in shares] == [2, 1]
    assert merged["users"] == 3
    assert [p["from"] for p in merged["parts"]] == ["gw0", "gw1"]
    assert merged["requests"] == sum(share["requests"] for share in shares) > 0
    assert merged["failures"] == sum(share["failures"] for share in shares)
    for entry in merged["endpoints"]:
        name = entry["endpoint"]
        entries = [e for share in shares for e in share["endpoints"] if e["endpoint"] == name]
        assert entry["requests"] == sum(e["requests"] for e in entries)
        assert entry["failures"] == sum(e["failures"] for e in entries)
        counted = sum(n for _, n in entry["histogram"])
        assert counted == entry["requests"]
    assert max(n for _, n in merged["timeline"]["users"]) == 3
    result.stdout.fnmatch_lines(
        [
            "load (3 users, ramp 1 s, *): all 2 endpoints within budget"
            f" ({merged['requests']:,} requests)"
        ]
    )
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert f"3 users, ramp 1 s, {merged['elapsed_s']:.0f} s, {merged['requests']:,}" in html
