"""CPU throttling calibrated to a device: the host's BenchmarkIndex, measured per run.

A fixed CPU slowdown (`cpu_slowdown = 4`, Lighthouse's default) is relative to the host:
the emulated device is four times slower than whatever machine runs the browser, so a
CI runner that is slower, or busy with other jobs, emulates a slower phone and the same
page misses its budget. A profile with `device_benchmark_index` names the device instead:
before each throttled run the host's speed is measured in the run's own fresh page, with
the benchmark Lighthouse reports as BenchmarkIndex ("CPU/Memory Power" in its report), and
the run's slowdown is host index / device index. The emulated device stays the same
whatever the host's speed or load, which is what Lighthouse's docs on calibrating the
multiplier ask a user to do by hand.

The index is Lighthouse's, computed the same way so that its device table applies
(high-end desktop 1500-2000, low-end desktop 1000-1500, high-end mobile 800-1200,
mid-tier mobile 125-800): the mean of two half-second loops, one that builds strings
(garbage-collector heavy) and one that copies an array of 100 000 integers, each counted
in iterations per second divided by ten.

A host slower than the device cannot emulate it: such a run is not throttled (slowdown
1), and the report says that its values are those of a slower device than the budget's.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

# Runs in the page; returns Lighthouse's BenchmarkIndex of the host, as a number.
BENCHMARK_JS = """() => {
  const HALF_SECOND = 500;
  const strings = () => {
    const began = Date.now();
    let rounds = 0;
    while (Date.now() - began < HALF_SECOND) {
      let text = '';
      for (let i = 0; i < 10000; i++) text += 'a';
      if (text.length === 1) throw new Error('unreachable: keeps the loop from being elided');
      rounds++;
    }
    return Math.round(rounds / 10 / ((Date.now() - began) / 1000));
  };
  const arrays = () => {
    const one = [];
    const two = [];
    for (let i = 0; i < 100000; i++) one[i] = two[i] = i;
    const began = Date.now();
    let rounds = 0;
    // The clock is read every tenth round only, as Lighthouse does (a V8 alignment cliff).
    while (rounds % 10 !== 0 || Date.now() - began < HALF_SECOND) {
      const from = rounds % 2 === 0 ? one : two;
      const to = rounds % 2 === 0 ? two : one;
      for (let i = 0; i < from.length; i++) to[i] = from[i];
      rounds++;
    }
    return Math.round(rounds / 10 / ((Date.now() - began) / 1000));
  };
  return (strings() + arrays()) / 2;
}"""


@dataclass(frozen=True)
class Calibration:
    """One run's calibration: the host's index and the slowdown that emulates the device."""

    host_index: float
    device_index: float

    @property
    def slowdown(self) -> float:
        """host / device, at least 1 (Chromium cannot speed a page up)."""
        return max(1.0, round(self.host_index / self.device_index, 2))

    @property
    def host_too_slow(self) -> bool:
        return self.host_index < self.device_index


def host_benchmark_index(page: Page) -> float:
    """The host's BenchmarkIndex, measured in `page` (about a second, before it navigates)."""
    value = page.evaluate(BENCHMARK_JS)
    return float(value)


def calibrate(page: Page, device_index: float) -> Calibration:
    return Calibration(host_index=host_benchmark_index(page), device_index=device_index)


def describe(device_index: float, hosts: tuple[float, ...], slowdowns: tuple[float, ...]) -> str:
    """One line for a failure message: the device, and each run's host index and slowdown."""
    runs = ", ".join(
        f"run {i}: host {h:.0f}, {s:g}x"
        for i, (h, s) in enumerate(zip(hosts, slowdowns, strict=True), 1)
    )
    return f"CPU slowdown calibrated to a device of BenchmarkIndex {device_index:g}: {runs}"


def calibration_notes(device_index: float, runs: list[tuple[int, Calibration]]) -> list[str]:
    """The report's note when a host was too slow to emulate the device (else none)."""
    slow = [index for index, c in runs if c.host_too_slow]
    if not slow:
        return []
    return [
        f"run {', '.join(map(str, slow))}: the host was slower than the device to emulate"
        f" (BenchmarkIndex under {device_index:g}), so it ran unthrottled and still slower"
        " than the device: its values overstate the device's. A busy machine (other jobs,"
        " other browsers) lowers the index; run the performance specs where they have the"
        " cores, or lower device_benchmark_index to a slower device."
    ]
