"""[load] budgets: each endpoint judged against its own or the section's, and the one
message that names every endpoint over budget with its percentiles and counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitewise.config.model import ConfigError, load_config
from sitewise.load.config import LoadConfig
from sitewise.load.histogram import locust_percentile
from sitewise.load.results import judge


def endpoint(name: str, *, p95: float, p99: float, requests: int = 100, failures: int = 0) -> Any:
    return {
        "endpoint": name,
        "requests": requests,
        "failures": failures,
        "median_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p99,
        "max_ms": p99 + 1,
        "rps": 10.0,
    }


def measurement(*endpoints: Any) -> dict[str, Any]:
    return {"users": 50, "ramp_s": 10, "elapsed_s": 30, "endpoints": list(endpoints)}


def test_endpoints_within_their_budgets_pass() -> None:
    verdict = judge(
        measurement(endpoint("GET /a", p95=120, p99=300), endpoint("GET /b", p95=199, p99=499)),
        LoadConfig(),
    )

    assert verdict.passed
    assert verdict.summary() == "all 2 endpoints within budget (200 requests)"


def test_every_endpoint_over_budget_is_named_with_its_percentiles_and_counts() -> None:
    verdict = judge(
        measurement(
            endpoint("GET /slow", p95=340, p99=910, requests=1234),
            endpoint("GET /fine", p95=50, p99=80),
            endpoint("PUT /flaky", p95=40, p99=60, requests=400, failures=6),
        ),
        LoadConfig(),
    )

    assert not verdict.passed
    message = verdict.message()
    assert message.splitlines()[0] == (
        "Load (50 users, ramp 10 s, 30 s): 2 of 3 endpoints over budget"
    )
    assert (
        "GET /slow: p95 340 ms > 200 ms, p99 910 ms > 500 ms; p50 170 ms, p95 340 ms,"
        " p99 910 ms; 1,234 requests, 0 failed"
    ) in message
    assert "PUT /flaky: errors 1.50% > 0% (6 of 400)" in message
    assert "GET /fine" not in message


def test_an_endpoint_budget_wins_over_the_sections() -> None:
    config = LoadConfig.model_validate(
        {"p95_ms": 100, "endpoints": {"POST /login": {"p95_ms": 1000}}}
    )

    verdict = judge(
        measurement(endpoint("POST /login", p95=800, p99=450), endpoint("GET /x", p95=150, p99=1)),
        config,
    )

    assert [b.stats.endpoint for b in verdict.breaches] == ["GET /x"]
    assert config.budget_of("POST /login") == (1000, 500, 0.0)


def test_a_run_without_requests_fails_saying_so() -> None:
    verdict = judge(measurement(), LoadConfig())

    assert not verdict.passed
    assert "no requests were made" in verdict.message()


def test_a_budget_for_an_endpoint_no_journey_called_is_reported() -> None:
    config = LoadConfig.model_validate({"endpoints": {"GET /typo": {"p95_ms": 1}}})

    verdict = judge(measurement(endpoint("GET /a", p95=1, p99=1)), config)

    assert "[load.endpoints] names endpoints no journey called: GET /typo" in verdict.message()


def test_percentile_of_a_histogram() -> None:
    histogram = {10: 90, 100: 9, 900: 1}

    assert locust_percentile(histogram, 0.5) == 10
    assert locust_percentile(histogram, 0.95) == 100
    assert locust_percentile(histogram, 1.0) == 900
    assert locust_percentile({}, 0.95) == 0


def test_the_load_section_is_validated_with_one_message(tmp_path: Path) -> None:
    path = tmp_path / "playwright.config.toml"
    path.write_text("[load]\nusers = 10\nramp_s = 90\nduration_s = 30\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"ramp_s \(90\) at most duration_s \(30\)"):
        load_config(path)

    path.write_text("[load]\nuser = 10\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'load.user'"):
        load_config(path)
