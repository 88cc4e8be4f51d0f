"""load.json and the HTML report's Load section: per endpoint its counts, percentiles
against budgets, and charts of latency and throughput over time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitewise.load.config import LoadConfig
from sitewise.load.results import LOAD_FILE, judge, report_document, write_report
from sitewise.report.html import render
from sitewise.report.load_section import load_section
from sitewise.report.model import Results
from sitewise.report.runwide import load_run_files


def measured() -> dict[str, Any]:
    point = {"rps": 4.0, "requests": 20, "failures": 0, "p50_ms": 20, "p95_ms": 40}
    return {
        "users": 20,
        "ramp_s": 5,
        "elapsed_s": 20,
        "requests": 300,
        "failures": 2,
        "rps": 15.0,
        "endpoints": [
            {
                "endpoint": "GET /fast",
                "requests": 200,
                "failures": 0,
                "median_ms": 10,
                "p95_ms": 30,
                "p99_ms": 50,
                "max_ms": 60,
                "rps": 10.0,
            },
            {
                "endpoint": "PUT /slow",
                "requests": 100,
                "failures": 2,
                "median_ms": 150,
                "p95_ms": 450,
                "p99_ms": 700,
                "max_ms": 900,
                "rps": 5.0,
            },
        ],
        "timeline": {
            "bucket_s": 5,
            "users": [[0, 0], [5, 20], [10, 20]],
            "endpoints": {
                "GET /fast": [{**point, "t": 0, "p99_ms": 50}, {**point, "t": 5, "p99_ms": 55}],
                "PUT /slow": [{**point, "t": 0, "p99_ms": 700, "failures": 2}],
            },
        },
    }


def test_load_json_holds_the_measurement_budgets_and_verdict(tmp_path: Path) -> None:
    config = LoadConfig()
    verdict = judge(measured(), config)

    path = write_report(tmp_path, report_document(measured(), config, verdict))

    data = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == LOAD_FILE
    assert data["budgets"]["PUT /slow"] == {"p95_ms": 200, "p99_ms": 500, "error_rate": 0.0}
    assert data["verdict"]["passed"] is False
    assert data["verdict"]["over"]["PUT /slow"][0] == "p95 450 ms > 200 ms"
    assert "GET /fast" not in data["verdict"]["over"]
    assert data["timeline"]["users"] == [[0, 0], [5, 20], [10, 20]]


def test_the_section_marks_endpoints_over_budget_and_charts_each_one() -> None:
    config = LoadConfig()
    document = report_document(measured(), config, judge(measured(), config))

    html = load_section(document)

    assert 'id="load"' in html
    assert "1 of 2 endpoints over budget" in html
    assert '<tr class="fail"><td>PUT /slow</td>' in html
    assert "<tr><td>GET /fast</td>" in html
    assert "450 / 200" in html
    # Users, then per endpoint latency and throughput.
    assert html.count('class="load-chart"') == 5
    assert 'aria-label="PUT /slow: latency percentiles over time"' in html
    assert "2 failed at 0 s" in html
    assert "<details open>" in html


def test_the_html_report_shows_the_section_when_the_run_wrote_load_json(tmp_path: Path) -> None:
    config = LoadConfig()
    write_report(tmp_path, report_document(measured(), config, judge(measured(), config)))

    with_load = render(Results(), load_run_files(tmp_path))
    (tmp_path / LOAD_FILE).unlink()
    without = render(Results(), load_run_files(tmp_path))

    assert 'id="load"' in with_load
    assert 'id="load"' not in without
