"""Web Vitals in the HTML report: the metric rows of a vitals attachment (or of a
vitals.json measurement) and the inline SVG chart drawn from them.

Shared by a test's vitals attachment (sitewise.report.attachments) and the run-wide
Performance section (sitewise.report.sections).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sitewise.report.markup import esc


@dataclass(frozen=True)
class VitalRow:
    metric: str
    unit: str
    runs: tuple[float | None, ...]
    median: float | None
    budget: float | None
    status: str


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _unit_of(metric: str) -> str:
    return "ms" if metric.endswith("_ms") or metric.lower() in ("lcp", "fcp", "inp", "ttfb") else ""


def _vital_row(name: str, entry: dict[str, Any]) -> VitalRow:
    runs_value = entry.get("runs") or entry.get("values") or []
    runs = tuple(_float(v) for v in runs_value) if isinstance(runs_value, list) else ()
    median, budget = _float(entry.get("median")), _float(entry.get("budget"))
    status = str(entry.get("status") or "")
    if not status:
        status = (
            "n/a" if median is None or budget is None else ("pass" if median <= budget else "fail")
        )
    return VitalRow(name, str(entry.get("unit") or _unit_of(name)), runs, median, budget, status)


def vitals_pages(data: object) -> list[tuple[str, list[VitalRow]]]:
    """Pages and their metric rows, from the shapes a vitals attachment may take:
    {"page", "profile", "metrics": [{"metric", "runs", "median", "budget", ...}]},
    the same with "metrics" as {name: {...}}, {"pages": [...]}, or a flat list of rows
    that each name their "page" and "metric"."""
    if isinstance(data, dict) and isinstance(data.get("pages"), list):
        pages: list[Any] = data["pages"]
    elif isinstance(data, dict):
        pages = [data]
    elif (
        isinstance(data, list) and data and all(isinstance(r, dict) and "metric" in r for r in data)
    ):
        grouped: dict[str, list[Any]] = {}
        for row in data:
            grouped.setdefault(str(row.get("page", "")), []).append(row)
        pages = [{"page": page, "metrics": rows} for page, rows in grouped.items()]
    elif isinstance(data, list):
        pages = data
    else:
        return []
    found = []
    for page in pages:
        if not isinstance(page, dict):
            continue
        label = str(page.get("page") or page.get("url") or "")
        if page.get("profile"):
            label += f" ({page['profile']})"
        metrics = page.get("metrics") or {}
        rows = []
        if isinstance(metrics, dict):
            rows = [_vital_row(str(k), v) for k, v in metrics.items() if isinstance(v, dict)]
        elif isinstance(metrics, list):
            rows = [
                _vital_row(str(m.get("metric") or m.get("name")), m)
                for m in metrics
                if isinstance(m, dict)
            ]
        if rows:
            found.append((label, rows))
    return found


def metric_label(metric: str) -> str:
    return metric.removesuffix("_ms").upper()


def format_metric(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit:
        return f"{value:.3g} {unit}"
    return f"{value:.3f}" if value < 10 else f"{value:.0f}"


def vitals_chart(label: str, rows: Sequence[VitalRow]) -> str:
    """An inline SVG: per metric a bar for the median, dots for the runs, a line for the
    budget, each metric on its own scale (milliseconds and CLS do not share an axis)."""
    row_height, left, width, text_x = 26, 64, 250, 326
    height = row_height * len(rows) + 4
    parts = []
    for index, row in enumerate(rows):
        y = index * row_height
        values = [v for v in (row.median, row.budget, *row.runs) if v is not None]
        scale = max(values) * 1.15 if values and max(values) > 0 else 1.0

        def x(value: float, scale: float = scale) -> float:
            return round(left + width * value / scale, 1)

        runs = ", ".join(format_metric(v, row.unit) for v in row.runs)
        name = metric_label(row.metric)
        tip = (
            f"{name}: median {format_metric(row.median, row.unit)}, budget"
            f" {format_metric(row.budget, row.unit)}, runs {runs or '-'} ({row.status})"
        )
        shapes = [
            f"<title>{esc(tip)}</title>",
            f'<text x="0" y="{y + 17}" class="label">{esc(name)}</text>',
            f'<rect x="{left}" y="{y + 7}" width="{width}" height="12" class="track"/>',
        ]
        if row.median is not None:
            shapes.append(
                f'<rect x="{left}" y="{y + 7}" width="{x(row.median) - left}" height="12"'
                ' class="bar"/>'
            )
        shapes += [
            f'<circle cx="{x(v)}" cy="{y + 13}" r="2.6" class="run"/>'
            for v in row.runs
            if v is not None
        ]
        if row.budget is not None:
            shapes.append(
                f'<line x1="{x(row.budget)}" x2="{x(row.budget)}" y1="{y + 2}" y2="{y + 24}"'
                ' class="budget"/>'
            )
        value = f"{format_metric(row.median, row.unit)} / {format_metric(row.budget, row.unit)}"
        shapes.append(f'<text x="{text_x}" y="{y + 17}" class="value">{esc(value)}</text>')
        status = "".join(ch for ch in row.status if ch.isalnum() or ch == "-")
        parts.append(f'<g class="metric {esc(status)}">{"".join(shapes)}</g>')
    summary = "; ".join(
        f"{metric_label(r.metric)} {format_metric(r.median, r.unit)} against"
        f" {format_metric(r.budget, r.unit)}"
        for r in rows
    )
    return (
        f'<svg class="vitals-chart" viewBox="0 0 470 {height}" width="470" height="{height}"'
        f' role="img" aria-label="{esc(label)}: {esc(summary)}">{"".join(parts)}</svg>'
    )
