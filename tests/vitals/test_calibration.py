"""CPU throttling calibrated to a device's BenchmarkIndex (sitewise/vitals/calibration.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page
from pydantic import ValidationError

import sitewise.vitals.runner as runner
from sitewise.config.model import Budget, SuiteConfig, ThrottlingProfile
from sitewise.vitals.calibration import Calibration, calibration_notes, host_benchmark_index
from sitewise.vitals.runner import ContextFactory, MeasureSpec, measure_page
from sitewise.vitals.throttling import apply_throttling, state_for, throttles, unsupported_reason

pytestmark = pytest.mark.viewports("desktop")


def test_slowdown_is_host_over_device_and_never_below_one() -> None:
    assert Calibration(host_index=2800, device_index=700).slowdown == 4
    assert Calibration(host_index=1000, device_index=700).slowdown == 1.43
    slow = Calibration(host_index=500, device_index=700)
    assert slow.slowdown == 1
    assert slow.host_too_slow
    assert not Calibration(host_index=700, device_index=700).host_too_slow


def test_a_profile_takes_a_fixed_slowdown_or_a_device_not_both() -> None:
    with pytest.raises(ValidationError, match=r"cpu_slowdown .* or device_benchmark_index"):
        ThrottlingProfile(cpu_slowdown=4, device_benchmark_index=700)
    with pytest.raises(ValidationError, match="greater than 0"):
        ThrottlingProfile(device_benchmark_index=0)
    calibrated = ThrottlingProfile(device_benchmark_index=700)
    assert throttles(calibrated)
    state = state_for("chromium", "phone", calibrated)
    assert state.applied
    assert state.device_benchmark_index == 700


def test_firefox_and_webkit_cannot_calibrate_cpu_throttling() -> None:
    calibrated = ThrottlingProfile(device_benchmark_index=700)
    for browser in ("firefox", "webkit"):
        reason = unsupported_reason(browser, "phone", calibrated)
        assert "only Chromium has" in reason
        assert not state_for(browser, "phone", calibrated).applied


def test_the_benchmark_sees_chromium_cpu_throttling(context: BrowserContext) -> None:
    """The index measures what the slowdown changes: throttled 4x, it drops by well over
    half (a real measurement, so the bound leaves room for a busy machine)."""
    free = context.new_page()
    unthrottled = host_benchmark_index(free)
    throttled_page = context.new_page()
    session = context.new_cdp_session(throttled_page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    throttled = host_benchmark_index(throttled_page)
    assert unthrottled > 50, f"an index of {unthrottled} is no machine this runs on"
    assert throttled < unthrottled / 2, (unthrottled, throttled)


def _spec(vitals_server: str, budget: Budget, runs: int) -> MeasureSpec:
    return MeasureSpec(
        target=f"{vitals_server}/pages/late-image.html?after=50",
        page_name="web:/late-image",
        profile="phone",
        budget=budget,
        runs=runs,
        browser="chromium",
        viewport="desktop",
    )


def test_each_run_is_throttled_by_its_own_calibration(
    new_context: ContextFactory,
    suite_config: SuiteConfig,
    page: Page,
    vitals_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = round(host_benchmark_index(page) / 2)  # a device half this machine's speed
    applied: list[float | None] = []
    real_apply = apply_throttling

    def recording_apply(*args: Any, cpu_slowdown: float | None = None) -> None:
        applied.append(cpu_slowdown)
        real_apply(*args, cpu_slowdown=cpu_slowdown)

    monkeypatch.setattr(runner, "apply_throttling", recording_apply)
    config = suite_config.performance.model_copy(
        update={"profiles": {"phone": ThrottlingProfile(device_benchmark_index=device)}}
    )
    report = measure_page(new_context, _spec(vitals_server, config.budget, 2), config)
    state = report.throttling
    assert len(state.host_benchmark_indexes) == len(state.cpu_slowdowns) == 2
    expected = [max(1.0, round(h / device, 2)) for h in state.host_benchmark_indexes]
    assert list(state.cpu_slowdowns) == expected
    assert applied == expected, "the run's own calibration is what CDP was given"
    assert list(report.chart_data()["throttling"]["cpu_slowdowns"]) == expected
    assert report.metric("LCP").status == "pass"


def test_a_host_slower_than_the_device_runs_unthrottled_and_the_failure_says_so(
    new_context: ContextFactory, suite_config: SuiteConfig, vitals_server: str
) -> None:
    too_fast_a_device = 10_000_000.0
    config = suite_config.performance.model_copy(
        update={"profiles": {"phone": ThrottlingProfile(device_benchmark_index=too_fast_a_device)}}
    )
    impossible = Budget(lcp_ms=1)  # so that the failure message is made
    report = measure_page(new_context, _spec(vitals_server, impossible, 1), config)
    assert report.throttling.cpu_slowdowns == (1.0,)
    [note] = [n for n in report.notes if "slower than the device" in n]
    assert note.startswith("run 1: the host was slower")
    message = report.budget_message()
    assert "CPU slowdown calibrated to a device of BenchmarkIndex 1e+07: run 1: host" in message
    assert "ran unthrottled" in message


def test_no_note_when_every_host_was_fast_enough() -> None:
    fast = [(1, Calibration(host_index=2800, device_index=700))]
    assert calibration_notes(700, fast) == []
    slow = [(1, Calibration(host_index=2800, device_index=700)), (2, Calibration(600, 700))]
    [note] = calibration_notes(700, slow)
    assert note.startswith("run 2: ")
