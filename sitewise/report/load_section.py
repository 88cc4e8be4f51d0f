"""The HTML report's Load section, drawn from load.json (sitewise.load.results).

Per endpoint: its counts and percentiles against its budgets, and two inline SVG charts
over the run's time, the latency percentiles (p50, p95, p99, with the p95 budget as a
dashed line) and the throughput (requests per second, failures in red), above a chart of
the users. Plain SVG with presentation attributes: no script, no style sheet needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sitewise.report.markup import dicts, esc, run_section, table

WIDTH, HEIGHT, LEFT, BOTTOM = 420, 120, 44, 18
COLOURS = {"p50_ms": "#6b8fd6", "p95_ms": "#2456b3", "p99_ms": "#102f6b", "rps": "#2f7d32"}


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def line_chart(
    label: str,
    lines: Mapping[str, Sequence[tuple[float, float]]],
    unit: str,
    *,
    budget: float | None = None,
    bars: Sequence[tuple[float, float]] = (),
    end: float = 0.0,
) -> str:
    """An SVG of `lines` (name -> [(seconds, value)]) on one scale from 0, a dashed
    budget line, and red bars (failures) along the bottom; time runs to `end` (the
    run's, so that every chart shares its axis) or the last point."""
    points = [p for line in lines.values() for p in line]
    top = max([v for _, v in points] + ([budget] if budget else []) + [1.0]) * 1.1
    end = max([end, *(t for t, _ in points), 1.0])
    plot_w, plot_h = WIDTH - LEFT - 6, HEIGHT - BOTTOM - 6

    def xy(t: float, v: float) -> str:
        return f"{LEFT + plot_w * t / end:.1f},{6 + plot_h * (1 - v / top):.1f}"

    parts = [
        f'<line x1="{LEFT}" y1="{6 + plot_h}" x2="{WIDTH - 6}" y2="{6 + plot_h}" stroke="#888"/>',
        f'<text x="{LEFT - 4}" y="12" text-anchor="end" font-size="10">{top:.0f}</text>',
        f'<text x="{LEFT - 4}" y="{6 + plot_h}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{WIDTH - 6}" y="{HEIGHT - 4}" text-anchor="end" font-size="10">'
        f"{end:.0f} s</text>",
        f'<text x="{LEFT}" y="{HEIGHT - 4}" font-size="10">{esc(unit)}</text>',
    ]
    for t, count in bars:
        if count:
            x = LEFT + plot_w * t / end
            parts.append(
                f'<rect x="{x:.1f}" y="{6 + plot_h - 6}" width="3" height="6" fill="#c62828">'
                f"<title>{count:.0f} failed at {t:.0f} s</title></rect>"
            )
    if budget:
        y = 6 + plot_h * (1 - budget / top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 6}" y2="{y:.1f}" stroke="#c62828"'
            f' stroke-dasharray="4 3"><title>budget {budget:g} {esc(unit)}</title></line>'
        )
    legend_x = LEFT + 30
    for name, line in lines.items():
        colour = COLOURS.get(name, "#444")
        if line:
            path = " ".join(xy(t, v) for t, v in line)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{legend_x}" y="{HEIGHT - 4}" font-size="10" fill="{colour}">'
            f"{esc(name.removesuffix('_ms'))}</text>"
        )
        legend_x += 34
    return (
        f'<svg class="load-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}"'
        f' height="{HEIGHT}" role="img" aria-label="{esc(label)}">{"".join(parts)}</svg>'
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _row(entry: Mapping[str, Any], budget: Mapping[str, Any], over: Sequence[str]) -> str:
    cells = [
        esc(entry.get("endpoint")),
        f"{_number(entry.get('requests')):,.0f}",
        f"{_number(entry.get('failures')):,.0f}",
        f"{_number(entry.get('median_ms')):.0f}",
        f"{_number(entry.get('p95_ms')):.0f} / {_number(budget.get('p95_ms')):g}",
        f"{_number(entry.get('p99_ms')):.0f} / {_number(budget.get('p99_ms')):g}",
        f"{_number(entry.get('max_ms')):.0f}",
        f"{_number(entry.get('rps')):.1f}",
        esc("; ".join(over)) or "within budget",
    ]
    state = ' class="fail"' if over else ""
    return f"<tr{state}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def load_section(data: Mapping[str, Any]) -> str:
    """The Load section of a run's (or a merged) load.json."""
    verdict = _mapping(data.get("verdict"))
    over = _mapping(verdict.get("over"))
    budgets = _mapping(data.get("budgets"))
    failing = not verdict.get("passed", True)
    endpoints = dicts(data.get("endpoints"))
    head = ["endpoint", "requests", "failed", "p50 ms", "p95 / budget", "p99 / budget", "max ms"]
    rows = []
    for entry in endpoints:
        name = str(entry.get("endpoint"))
        rows.append(_row(entry, _mapping(budgets.get(name)), list(over.get(name, []))))
    shape = (
        f"{_number(data.get('users')):.0f} users, ramp {_number(data.get('ramp_s')):g} s,"
        f" {_number(data.get('elapsed_s')):.0f} s, {_number(data.get('requests')):,.0f}"
        f" requests ({_number(data.get('rps')):.1f}/s), {_number(data.get('failures')):,.0f}"
        " failed"
    )
    body = [f"<p>{esc(shape)}</p>"]
    body += [f'<p class="problem">{esc(p)}</p>' for p in verdict.get("problems") or []]
    body.append(table([*head, "req/s", "verdict"], rows, "Per endpoint (ms; red: over budget)"))
    timeline = _mapping(data.get("timeline"))
    users = [(_number(p[0]), _number(p[1])) for p in timeline.get("users") or [] if len(p) == 2]
    end = _number(data.get("elapsed_s"))
    if users:
        body.append("<h3>Users</h3>" + line_chart("users over time", {"users": users}, "", end=end))
    series = _mapping(timeline.get("endpoints"))
    for endpoint, points in series.items():
        slices = dicts(points)
        budget = _mapping(budgets.get(endpoint))
        latency = {
            key: [(_number(p.get("t")), _number(p.get(key))) for p in slices]
            for key in ("p50_ms", "p95_ms", "p99_ms")
        }
        rps = {"rps": [(_number(p.get("t")), _number(p.get("rps"))) for p in slices]}
        failures = [(_number(p.get("t")), _number(p.get("failures"))) for p in slices]
        body.append(
            f'<div class="load-endpoint"><h3>{esc(endpoint)}</h3>'
            + line_chart(
                f"{endpoint}: latency percentiles over time",
                latency,
                "ms",
                budget=_number(budget.get("p95_ms")) or None,
                end=end,
            )
            + line_chart(f"{endpoint}: requests per second", rps, "req/s", bars=failures, end=end)
            + "</div>"
        )
    summary = str(verdict.get("summary") or "measured")
    return run_section("load", "Load", summary, failing, body)
