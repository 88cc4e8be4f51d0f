"""Measuring a page: one run per fresh context, under a throttling profile, several times.

A run installs the collector, throttles the page (Chromium), opens the page, waits until
it settles and reads the load metrics; only then does it interact, because a trusted
click or key press freezes LCP, and it reads CLS and INP once the page is quiet again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request

from sitewise.config.model import Budget, PerformanceConfig
from sitewise.vitals.api import pair_calls
from sitewise.vitals.calibration import Calibration, calibrate, calibration_notes
from sitewise.vitals.collector import install_collector, page_now, read_snapshot, wait_until_settled
from sitewise.vitals.report import RunVitals, VitalsReport, build_report, run_from_snapshots
from sitewise.vitals.throttling import apply_throttling, state_for, throttles_network

log = logging.getLogger(__name__)

Target = str | Callable[[Page], object]
"""A URL to open, or a callable that opens the page (a page object's `open`, say)."""
Interaction = Callable[[Page], object]
ContextFactory = Callable[..., BrowserContext]


def open_target(page: Page, target: Target, timeout_ms: int) -> None:
    if isinstance(target, str):
        # "commit": the collector's settle condition waits for the load and beyond.
        page.goto(target, wait_until="commit", timeout=timeout_ms)
    else:
        target(page)


def measure_run(
    page: Page,
    target: Target,
    *,
    index: int = 1,
    settle_ms: int,
    settle_timeout_ms: int,
    interact: Interaction | None = None,
    api_routes: tuple[str, ...] = (),
    api_prefix: str = "/api/",
) -> RunVitals:
    """Measure one load on a page whose context already has the collector installed.

    `interact` should stay on the page (a soft navigation is fine): a full navigation
    starts a new document, whose vitals are the ones read at the end.
    """
    requests: list[tuple[str, str]] = []

    def on_request(request: Request) -> None:
        # The page's own event: requests of its frames, not of other pages or workers.
        if api_prefix in request.url:
            requests.append((request.method, request.url))

    page.on("request", on_request)
    try:
        open_target(page, target, settle_timeout_ms)
        settled = wait_until_settled(page, quiet_ms=settle_ms, timeout_ms=settle_timeout_ms)
        loaded = read_snapshot(page)
        final = loaded
        if interact is not None:
            interact(page)
            # Entries of the interaction arrive after its next paint: quiet counts from here.
            since = page_now(page)
            settled = (
                wait_until_settled(
                    page, quiet_ms=settle_ms, timeout_ms=settle_timeout_ms, since_ms=since
                )
                and settled
            )
            final = read_snapshot(page)
    finally:
        page.remove_listener("request", on_request)
    calls = pair_calls(final.get("api", []), requests, api_routes)
    return run_from_snapshots(index, loaded, final, settled=settled, api_calls=calls)


@dataclass(frozen=True)
class MeasureSpec:
    """What to measure and how: the page, its profile, the budget and the run count."""

    target: Target
    page_name: str
    profile: str
    budget: Budget
    runs: int
    browser: str
    viewport: str
    interact: Interaction | None = None
    init_script: str | None = None
    context_args: Mapping[str, Any] | None = None


def _one_load(
    new_context: ContextFactory,
    spec: MeasureSpec,
    config: PerformanceConfig,
    *,
    index: int,
    throttle: bool,
    timeouts: tuple[int, int],
    calibrations: list[tuple[int, Calibration]] | None = None,
) -> RunVitals:
    """One load in a fresh context. With a profile that names a device, the host is
    benchmarked in the fresh page first and the run's calibration appended to
    `calibrations`."""
    context = new_context(**dict(spec.context_args or {}))
    try:
        context.set_default_timeout(timeouts[0])
        context.set_default_navigation_timeout(max(timeouts[1], config.settle_timeout_ms))
        install_collector(context, spec.init_script)
        page = context.new_page()
        if throttle:
            profile = config.profiles[spec.profile]
            slowdown = None
            if profile.device_benchmark_index is not None:
                calibration = calibrate(page, profile.device_benchmark_index)
                slowdown = calibration.slowdown
                if calibrations is not None:
                    calibrations.append((index, calibration))
            apply_throttling(context, page, profile, cpu_slowdown=slowdown)
        return measure_run(
            page,
            spec.target,
            index=index,
            settle_ms=config.settle_ms,
            settle_timeout_ms=config.settle_timeout_ms,
            interact=spec.interact,
            api_routes=config.api_routes,
            api_prefix=config.api_prefix,
        )
    finally:
        context.close()


def measure_page(
    new_context: ContextFactory,
    spec: MeasureSpec,
    config: PerformanceConfig,
    *,
    action_timeout_ms: int = 5_000,
    navigation_timeout_ms: int = 10_000,
) -> VitalsReport:
    """Measure `spec.runs` loads, each in a fresh context, and judge them.

    Under a profile that throttles the network, each run is paired with an unthrottled
    load (same page, same interaction) that gives TTFB and API latency; see throttling.py.
    The caller checks `throttling.unsupported_reason` first: on Firefox and WebKit a
    throttled profile cannot be measured and the test is skipped rather than run
    unthrottled against a throttled budget.
    """
    profile = config.profiles[spec.profile]
    throttling = state_for(spec.browser, spec.profile, profile)
    timeouts = (action_timeout_ms, navigation_timeout_ms)
    runs: list[RunVitals] = []
    references: list[RunVitals] = []
    calibrations: list[tuple[int, Calibration]] = []
    for index in range(1, spec.runs + 1):
        runs.append(
            _one_load(
                new_context,
                spec,
                config,
                index=index,
                throttle=throttling.applied,
                timeouts=timeouts,
                calibrations=calibrations,
            )
        )
        log.info("vitals %s run %d: %s", spec.page_name, index, dict(runs[-1].values))
        if throttling.applied and throttles_network(profile):
            references.append(
                _one_load(new_context, spec, config, index=index, throttle=False, timeouts=timeouts)
            )
    url = runs[-1].url if runs else (spec.target if isinstance(spec.target, str) else "")
    if calibrations:
        throttling = replace(
            throttling,
            host_benchmark_indexes=tuple(c.host_index for _, c in calibrations),
            cpu_slowdowns=tuple(c.slowdown for _, c in calibrations),
        )
    return build_report(
        page=spec.page_name,
        profile=spec.profile,
        browser=spec.browser,
        viewport=spec.viewport,
        url=url,
        throttling=throttling,
        runs=runs,
        budget=spec.budget,
        api_budget_ms=config.api_p95_ms,
        interacted=spec.interact is not None,
        reference_runs=references,
        notes=calibration_notes(profile.device_benchmark_index or 0, calibrations),
    )
