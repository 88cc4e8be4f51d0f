"""Throttling profiles applied through the Chrome DevTools Protocol (Chromium only).

Network throttling is Network.emulateNetworkConditions, CPU throttling is
Emulation.setCPUThrottlingRate, both on the page's own CDP session, set before it
navigates. Throughputs are given in kbit/s in the config, as Lighthouse gives them,
and converted as Lighthouse converts them (kbps * 1024 / 8 bytes per second).

The emulated latency delays the response body, not the response start: a page's
navigation entry shows the same responseStart with or without it, so TTFB under a
throttled profile is measured on a separate unthrottled load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from playwright.sync_api import BrowserContext, Page

from sitewise.config.model import ThrottlingProfile


@dataclass(frozen=True)
class ThrottlingState:
    """What a measurement ran under: the profile, and whether it could be applied."""

    profile: str
    latency_ms: float
    download_kbps: float
    upload_kbps: float
    cpu_slowdown: float
    applied: bool
    reason: str = ""
    # Set when the slowdown is calibrated per run (calibration.py); cpu_slowdown is then 1
    # and each run's own slowdown is in its details.
    device_benchmark_index: float | None = None
    # Per run, in order: the host's BenchmarkIndex and the slowdown it gave.
    host_benchmark_indexes: tuple[float, ...] = ()
    cpu_slowdowns: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def throttles_network(profile: ThrottlingProfile) -> bool:
    return bool(profile.latency_ms or profile.download_kbps or profile.upload_kbps)


def throttles_cpu(profile: ThrottlingProfile) -> bool:
    return profile.cpu_slowdown > 1 or profile.device_benchmark_index is not None


def throttles(profile: ThrottlingProfile) -> bool:
    return throttles_network(profile) or throttles_cpu(profile)


def unsupported_reason(browser_name: str, profile_name: str, profile: ThrottlingProfile) -> str:
    """Why this profile cannot be applied in this browser, or "" when it can."""
    if not throttles(profile) or browser_name == "chromium":
        return ""
    return (
        f"profile {profile_name!r} throttles the network or CPU through the Chrome DevTools"
        f" Protocol, which only Chromium has; {browser_name} cannot emulate it"
    )


def state_for(browser_name: str, profile_name: str, profile: ThrottlingProfile) -> ThrottlingState:
    reason = unsupported_reason(browser_name, profile_name, profile)
    return ThrottlingState(
        profile=profile_name,
        latency_ms=profile.latency_ms,
        download_kbps=profile.download_kbps,
        upload_kbps=profile.upload_kbps,
        cpu_slowdown=profile.cpu_slowdown,
        applied=throttles(profile) and not reason,
        reason=reason or ("" if throttles(profile) else "no throttling in this profile"),
        device_benchmark_index=profile.device_benchmark_index,
    )


def _bytes_per_second(kbps: float) -> float:
    # An unset (0) throughput means no limit, which CDP spells -1.
    return kbps * 1024 / 8 if kbps else -1


def apply_throttling(
    context: BrowserContext,
    page: Page,
    profile: ThrottlingProfile,
    *,
    cpu_slowdown: float | None = None,
) -> None:
    """Throttle this page's network and CPU; call before it navigates. Chromium only.

    `cpu_slowdown` is the run's calibrated slowdown, for a profile that names a device
    (calibration.py); otherwise the profile's fixed one applies.
    """
    if not throttles(profile):
        return
    slowdown = profile.cpu_slowdown if cpu_slowdown is None else cpu_slowdown
    session = context.new_cdp_session(page)
    if throttles_network(profile):
        session.send("Network.enable")
        session.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile.latency_ms,
                "downloadThroughput": _bytes_per_second(profile.download_kbps),
                "uploadThroughput": _bytes_per_second(profile.upload_kbps),
            },
        )
    if slowdown > 1:
        session.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
