"""Real-looking pages rendered in Chromium, for the pixel comparison's tests and benchmark.

The pages have what screenshots are made of: anti-aliased text in several sizes and
weights, bordered inputs, rounded buttons with shadows, gradients, an SVG chart, a
table. Each `PageSpec` field changes one thing, so two renders differ the way two
screenshots of a web app do (a label, a button, a 1 px or 0.5 px move).

`python -m tests.visual.data.render` writes the small PNGs the tests read.
"""

from __future__ import annotations

import base64
import os
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from sitewise.visual.pixeldiff import load_png, save_png

DATA_DIR = Path(__file__).resolve().parent
FONTS_DIR = DATA_DIR.parents[2] / "apps" / "shared" / "fonts"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

_WORDS = [
    "account",
    "notifications",
    "privacy",
    "appearance",
    "language",
    "theme",
    "integration",
    "webhook",
    "token",
    "session",
    "device",
    "email",
    "digest",
    "weekly",
    "summary",
    "export",
    "archive",
    "retention",
    "audit",
    "display",
    "password",
    "security",
    "contrast",
    "compact",
    "density",
    "sidebar",
    "keyboard",
    "shortcut",
    "calendar",
    "region",
]


@dataclass(frozen=True)
class PageSpec:
    """One page to render; defaults give the base page."""

    width: int = 480
    height: int = 320
    sections: int = 1
    dark: bool = False
    title: str = "Notification settings"
    button: str = "Save changes"
    button_colour: str = "#2563eb"
    note: str = "Changes apply to every device signed in to this account."
    offset_x: float = 0.0
    offset_y: float = 0.0
    margin_left: int = 0
    seed: int = 1
    full_page: bool = False


def _font_faces() -> str:
    faces = []
    for weight in (400, 500, 600, 700):
        path = FONTS_DIR / f"inter-latin-{weight}-normal.woff2"
        if path.is_file():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            faces.append(
                f"@font-face{{font-family:Inter;font-weight:{weight};"
                f"src:url(data:font/woff2;base64,{data}) format('woff2')}}"
            )
    return "".join(faces)


def _section(rng: random.Random, spec: PageSpec, index: int) -> str:
    def words(n: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize()

    bars = "".join(
        f'<rect x="{8 + i * 22}" y="{70 - h}" width="14" height="{h}" rx="3"'
        f' fill="url(#g{index})"/>'
        for i, h in enumerate(rng.randint(12, 64) for _ in range(9))
    )
    rows = "".join(
        f"<tr><td>{words(2)}</td><td>{rng.randint(1, 999)}</td>"
        f'<td><span class="badge b{rng.randint(0, 2)}">{rng.choice(["on", "off", "auto"])}</span>'
        "</td></tr>"
        for _ in range(3)
    )
    title = spec.title if index == 0 else words(3)
    note = spec.note if index == 0 else words(9) + "."
    checked = "checked" if rng.random() < 0.5 else ""
    return f"""
<section class="card">
  <h2>{title}</h2>
  <p class="muted">{note}</p>
  <div class="row">
    <label>Email <input value="{rng.choice(_WORDS)}@example.com"></label>
    <label class="switch"><input type="checkbox" {checked}><span></span> {words(2)}</label>
  </div>
  <div class="actions">
    <button class="primary">{spec.button if index == 0 else words(1)}</button>
    <button class="secondary">Cancel</button>
    <span class="hint">{words(4)}</span>
  </div>
  <div class="row">
    <svg width="210" height="76" aria-hidden="true">
      <defs><linearGradient id="g{index}" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#60a5fa"/><stop offset="1" stop-color="#7c3aed"/>
      </linearGradient></defs>
      {bars}
      <circle cx="196" cy="14" r="9" fill="none" stroke="#f59e0b" stroke-width="2.5"/>
      <path d="M190 14 l4 4 l8 -9" fill="none" stroke="#16a34a" stroke-width="2"/>
    </svg>
    <table>{rows}</table>
  </div>
  <div class="progress"><div style="width:{rng.randint(20, 95)}%"></div></div>
</section>"""


def page_html(spec: PageSpec) -> str:
    """The HTML of one page."""
    rng = random.Random(spec.seed)
    bg, fg, card, line = (
        ("#0f172a", "#e2e8f0", "#1e293b", "#334155")
        if spec.dark
        else ("#f1f5f9", "#0f172a", "#ffffff", "#cbd5e1")
    )
    sections = "".join(_section(rng, spec, i) for i in range(spec.sections))
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
{_font_faces()}
*{{box-sizing:border-box}}
body{{margin:0;margin-left:{spec.margin_left}px;background:{bg};color:{fg};
  font:14px/1.45 Inter,'DejaVu Sans',sans-serif}}
.page{{transform:translate({spec.offset_x}px,{spec.offset_y}px);padding:12px 14px}}
header{{display:flex;align-items:center;gap:10px;padding:8px 12px;border-radius:10px;
  background:linear-gradient(90deg,#1d4ed8,#9333ea);color:#fff;font-weight:600}}
header .logo{{width:22px;height:22px;border-radius:50%;background:#fde68a;
  box-shadow:0 0 0 3px rgba(255,255,255,.35)}}
header nav{{margin-left:auto;display:flex;gap:12px;font-weight:500;font-size:13px}}
.card{{background:{card};border:1px solid {line};border-radius:12px;margin-top:12px;
  padding:12px 14px;box-shadow:0 2px 6px rgba(15,23,42,.12)}}
h2{{margin:0 0 4px;font-size:18px;font-weight:700;letter-spacing:-.01em}}
.muted{{margin:0 0 8px;opacity:.75;font-size:13px}}
.row{{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin:6px 0}}
input{{font:inherit;padding:4px 8px;border:1px solid {line};border-radius:6px;
  background:{bg};color:{fg};width:190px}}
.switch span{{display:inline-block;width:30px;height:16px;border-radius:8px;
  background:#94a3b8;vertical-align:middle;position:relative}}
.switch span::after{{content:"";position:absolute;left:2px;top:2px;width:12px;height:12px;
  border-radius:50%;background:#fff}}
.switch input{{display:none}}
.switch input:checked+span{{background:#22c55e}}
.switch input:checked+span::after{{left:16px}}
table{{border-collapse:collapse;font-size:12px}}
td{{padding:2px 8px;border-bottom:1px solid {line}}}
tr:nth-child(odd) td{{background:rgba(148,163,184,.12)}}
.badge{{padding:1px 6px;border-radius:9px;font-size:11px;font-weight:600}}
.b0{{background:#dcfce7;color:#166534}}.b1{{background:#fee2e2;color:#991b1b}}
.b2{{background:#e0e7ff;color:#3730a3}}
.progress{{height:8px;border-radius:4px;background:{line};overflow:hidden;margin:8px 0}}
.progress div{{height:100%;background:linear-gradient(90deg,#22c55e,#eab308)}}
.actions{{display:flex;gap:10px;align-items:center}}
button{{font:inherit;font-weight:600;padding:6px 14px;border-radius:8px;cursor:pointer}}
.primary{{background:{spec.button_colour};color:#fff;border:0;
  box-shadow:0 1px 3px rgba(0,0,0,.3)}}
.secondary{{background:transparent;color:{fg};border:1px solid {line}}}
.hint{{font-size:12px;opacity:.6;font-style:italic}}
</style></head><body><div class="page">
<header><span class="logo"></span>Settings<nav><span>General</span><span>Privacy</span>
<span>Integrations</span></nav></header>
{sections}
</div></body></html>"""


def chromium_path() -> str | None:
    """The Chromium binary to launch: E2E_CHROMIUM, else the first one on PATH."""
    configured = os.environ.get("E2E_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render(specs: Sequence[PageSpec]) -> list[NDArray[np.uint8]]:
    """Screenshots (RGBA arrays) of the pages, in one browser."""
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as pw:
        executable = chromium_path()
        browser = pw.chromium.launch(
            executable_path=executable, args=list(CHROMIUM_ARGS) if executable else None
        )
        try:
            for spec in specs:
                page = browser.new_page(
                    viewport={"width": spec.width, "height": spec.height},
                    device_scale_factor=1,
                )
                page.set_content(page_html(spec), wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                shots.append(load_png(page.screenshot(full_page=spec.full_page)))
                page.close()
        finally:
            browser.close()
    return shots


# The stored pages: name -> spec. Variants of a base differ from it in one field.
_SETTINGS = PageSpec()
_DASHBOARD = PageSpec(width=400, height=300, dark=True, seed=7, title="Team dashboard")
STORED: dict[str, PageSpec] = {
    "settings_base": _SETTINGS,
    "settings_text": replace(
        _SETTINGS, note="Changes apply to every phone signed in to this account."
    ),
    "settings_button": replace(_SETTINGS, button="Save all", button_colour="#1d4ed8"),
    "settings_subpixel": replace(_SETTINGS, offset_x=0.5),
    "settings_subpixel_y": replace(_SETTINGS, offset_y=0.5),
    "settings_shift": replace(_SETTINGS, margin_left=1),
    "dashboard_base": _DASHBOARD,
    "dashboard_text": replace(_DASHBOARD, title="Team dashboards"),
}


def main() -> None:
    names = list(STORED)
    for name, shot in zip(names, render([STORED[n] for n in names]), strict=True):
        save_png(shot, DATA_DIR / f"{name}.png")
        print(f"{name}.png {shot.shape[1]}x{shot.shape[0]}")


if __name__ == "__main__":
    main()
