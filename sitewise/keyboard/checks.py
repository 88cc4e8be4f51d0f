"""Keyboard checks axe cannot make: focus order, reachability, visible focus, skip link,
traps, menus.

Everything here drives the real keyboard (`page.keyboard.press`) and reads where focus
landed from `document.activeElement`, through open shadow roots and into child frames.
Each stop is described by role, accessible name, tag and box, so a failure reads like
what a keyboard user meets. Role and name come from a small in-page computation (ARIA
attributes, labels, alt text, text content), close to but simpler than the browser's.
A failure raises `FocusError` (an AssertionError) showing the expected and actual focus
sequences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, JSHandle, Locator, Page, expect

ROW_TOLERANCE = 8.0
# Tab presses a walk makes at most before it fails (never a silent truncation).
MAX_STOPS = 200

# Shared by every script below; each script runs in one frame.
_LIB = r"""
const state = (window.__e2eKeyboard ||= {
    ids: new WeakMap(), next: 0, prefix: Math.random().toString(36).slice(2, 8), stops: [],
});
const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
const deepActive = () => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el && el !== document.body && el !== document.documentElement ? el : null;
};
const contains = (outer, el) => {
    for (let node = el; node; node = node.parentNode || node.host) if (node === outer) return true;
    return false;
};
const INPUT_ROLES = {
    button: "button", submit: "button", reset: "button", image: "button",
    checkbox: "checkbox", radio: "radio", range: "slider", number: "spinbutton",
    search: "searchbox",
};
const roleOf = (el) => {
    const explicit = norm(el.getAttribute("role")).split(" ")[0];
    if (explicit) return explicit;
    const tag = el.localName;
    if (tag === "a" || tag === "area") return el.hasAttribute("href") ? "link" : "generic";
    if (tag === "button" || tag === "summary") return "button";
    if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "textarea") return "textbox";
    if (tag === "iframe" || tag === "frame") return "iframe";
    if (tag === "input") {
        const type = (el.getAttribute("type") || "text").toLowerCase();
        if (el.hasAttribute("list") && !(type in INPUT_ROLES)) return "combobox";
        return INPUT_ROLES[type] || "textbox";
    }
    if (/^h[1-6]$/.test(tag)) return "heading";
    const landmarks = { main: "main", nav: "navigation", dialog: "dialog", img: "img" };
    if (tag in landmarks) return landmarks[tag];
    if (el.isContentEditable) return "textbox";
    return "generic";
};
const FROM_CONTENT = new Set([
    "button", "link", "tab", "menuitem", "menuitemcheckbox", "menuitemradio", "option",
    "checkbox", "radio", "switch", "treeitem", "heading", "cell", "gridcell",
    "columnheader", "rowheader", "tooltip",
]);
const textOf = (node, root) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    const el = node;
    if (el !== root && ["select", "textarea", "input"].includes(el.localName)) return "";
    if (el.getAttribute("aria-hidden") === "true") return "";
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return "";
    if (el !== root && norm(el.getAttribute("aria-label"))) return el.getAttribute("aria-label");
    if (el.localName === "img") return el.getAttribute("alt") || "";
    if (el.localName === "svg") return el.querySelector("title")?.textContent || "";
    const children = el.shadowRoot ? el.shadowRoot.childNodes : el.childNodes;
    let text = "";
    for (const child of children) text += " " + textOf(child, root) + " ";
    return text;
};
const nameOf = (el) => {
    const ids = norm(el.getAttribute("aria-labelledby"));
    if (ids) {
        const doc = el.getRootNode();
        const text = ids.split(" ").map((id) => (doc.getElementById ? doc.getElementById(id) : null)
            || document.getElementById(id)).filter(Boolean).map((e) => textOf(e, e)).join(" ");
        if (norm(text)) return norm(text);
    }
    if (norm(el.getAttribute("aria-label"))) return norm(el.getAttribute("aria-label"));
    if (el.labels && el.labels.length) {
        const text = [...el.labels].map((l) => textOf(l, l)).join(" ");
        if (norm(text)) return norm(text);
    }
    const tag = el.localName;
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "input" && ["button", "submit", "reset"].includes(type)) {
        return norm(el.value) || { submit: "Submit", reset: "Reset" }[type] || "";
    }
    if (tag === "img" || (tag === "input" && type === "image")) return norm(el.getAttribute("alt"));
    if (FROM_CONTENT.has(roleOf(el))) {
        const text = norm(textOf(el, el));
        if (text) return text;
    }
    return norm(el.getAttribute("title")) || norm(el.getAttribute("placeholder"));
};
const keyOf = (el) => {
    if (!state.ids.has(el)) {
        const key = `${state.prefix}-${++state.next}`;
        state.ids.set(el, key);
        (state.byKey ||= new Map()).set(key, new WeakRef(el));
    }
    return state.ids.get(el);
};
const byKey = (key) => (state.byKey && state.byKey.get(key)?.deref()) || null;
// Inputs whose parts (day, month, year; hours, minutes) Tab visits one by one while the
// input itself keeps focus.
const MULTI_FIELD = new Set(["date", "time", "datetime-local", "month", "week"]);
const shownInViewport = (el, r) => {
    const style = getComputedStyle(el);
    const options = { opacityProperty: true, visibilityProperty: true };
    const seen = el.checkVisibility ? el.checkVisibility(options) : true;
    return seen && r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0
        && r.top < innerHeight && r.left < innerWidth
        && style.clip === "auto" && style.clipPath === "none";
};
const describe = (el) => {
    const r = el.getBoundingClientRect();
    const href = el.localName === "a" ? el.getAttribute("href") : null;
    const opening = el.outerHTML.slice(0, el.outerHTML.indexOf(">") + 1);
    return {
        key: keyOf(el), role: roleOf(el), name: nameOf(el), tag: el.localName,
        x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
        vx: r.left, vy: r.top, clientLeft: el.clientLeft, clientTop: el.clientTop,
        html: opening.slice(0, 200), href, shown: shownInViewport(el, r),
        isFrame: el.localName === "iframe" || el.localName === "frame",
        fields: el.localName === "input" && MULTI_FIELD.has(el.type),
    };
};
const STYLE_PROPS = [
    "outline-style", "outline-width", "outline-color", "outline-offset", "box-shadow",
    "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
    "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
    "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
];
const stylesOf = (el) => Object.fromEntries(["", "::before", "::after"].map((pseudo) => {
    const style = getComputedStyle(el, pseudo || null);
    const values = STYLE_PROPS.map((p) => [p, style.getPropertyValue(p)]);
    return [pseudo || "element", Object.fromEntries(values)];
}));
// A focus style may come with a transition: read it once finite animations are done.
const settled = async (el, capMs) => {
    const finite = el.getAnimations({ subtree: true })
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime));
    const done = Promise.all(finite.map((a) => a.finished.catch(() => null)));
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, capMs))]);
};
"""


def _script(body: str, params: str = "", *, is_async: bool = True) -> str:
    # wait_for_function needs a plain function: a returned Promise would count as truthy.
    return f"{'async ' if is_async else ''}({params}) => {{ {_LIB}\n{body} }}"


_DESCRIBE = _script(
    """
    const el = deepActive();
    if (!el) return null;
    const info = describe(el);
    if (arg.container) info.inside = contains(arg.container, el);
    if (arg.styles) {
        await settled(el, arg.capMs);
        state.stops.push(el);
        info.styles = stylesOf(el);
    }
    return info;
    """,
    "arg",
)
_IS_ACTIVE = _script("return document.activeElement === el;", "el")
_UNFOCUSED_STYLES = _script(
    """
    const active = deepActive();
    if (active) active.blur();
    const result = {};
    for (const el of state.stops) {
        await settled(el, capMs);
        result[keyOf(el)] = stylesOf(el);
    }
    state.stops = [];
    return result;
    """,
    "capMs",
)
_RESET_FOCUS = _script(
    """
    // Focusing and removing a first element leaves focus on the body and the sequential
    // navigation starting point at the top of the document, as after a fresh load.
    const probe = document.createElement("span");
    probe.tabIndex = -1;
    document.body.prepend(probe);
    probe.focus();
    probe.remove();
    """
)
_FOCUS_IN = _script(
    "const el = deepActive(); return !!el && (el === target || contains(target, el));",
    "target",
    is_async=False,
)
_IS_FOCUSED = _script("return deepActive() === target;", "target", is_async=False)
_START_FOCUS_LOG = _script(
    """
    state.focusLog = [deepActive()];
    state.onFocusIn = (event) => state.focusLog.push(event.composedPath()[0]);
    document.addEventListener("focusin", state.onFocusIn, true);
    """
)
_STOP_FOCUS_LOG = _script(
    """
    if (state.onFocusIn) document.removeEventListener("focusin", state.onFocusIn, true);
    state.onFocusIn = null;
    """
)
_TRIGGER = _script(
    """
    const log = (state.focusLog || []).filter((el) => el && el.isConnected && !contains(dialog, el)
        && el !== document.body);
    return log.length ? log[log.length - 1] : null;
    """,
    "dialog",
)
_DIALOG_INFO = _script(
    """
    const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary,'
        + ' [tabindex], [contenteditable=""], [contenteditable="true"]';
    const tabbable = [...dialog.querySelectorAll(selector)].filter((el) => !el.disabled
        && el.tabIndex >= 0 && !(el.localName === "input" && el.type === "hidden")
        && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden");
    const modal = dialog.closest("dialog");
    return { tabbable: tabbable.length, nativeModal: !!modal && modal.matches(":modal") };
    """,
    "dialog",
)

# Every visible, enabled interactive element of one frame (or of `arg.container`), each
# with whether the Tab walk reached it (`arg.keys`: the walk's stops in this frame).
# Left out, since nothing makes them tab stops: inert content (and everything outside an
# open modal dialog), aria-hidden content, what is not rendered (hidden, display: none,
# visibility: hidden, a closed <details>), disabled controls. Members of a composite
# widget (radio group, tablist, menu, listbox, toolbar, grid, tree) are judged together:
# the widget is reached when it, or any of its members, is a tab stop (roving tabindex or
# aria-activedescendant); native radios of one name are one group.
_INTERACTIVE = _script(
    """
    const ROLES = new Set([
        "button", "link", "checkbox", "switch", "tab", "menuitem", "menuitemcheckbox",
        "menuitemradio", "radio", "slider", "spinbutton", "combobox", "textbox", "searchbox",
        "option", "treeitem", "gridcell",
    ]);
    const COMPOSITES = new Set([
        "radiogroup", "tablist", "menu", "menubar", "listbox", "toolbar", "grid", "treegrid",
        "tree",
    ]);
    const explicitRole = (el) => norm(el.getAttribute && el.getAttribute("role")).split(" ")[0];
    const up = (node) => node.parentNode || node.host || null;
    const closestDeep = (el, test) => {
        for (let node = el; node; node = up(node)) {
            if (node.nodeType === 1 && test(node)) return node;
        }
        return null;
    };
    const nativeKind = (el) => {
        const tag = el.localName;
        if (tag === "a") return el.hasAttribute("href");
        if (tag === "button" || tag === "select" || tag === "textarea") return true;
        if (tag === "input") return (el.getAttribute("type") || "").toLowerCase() !== "hidden";
        if (tag === "summary") {
            const details = el.parentElement;
            return !!details && details.localName === "details"
                && details.querySelector(":scope > summary") === el;
        }
        return el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable);
    };
    const modals = (() => {
        try { return [...document.querySelectorAll(":modal")]; } catch { return []; }
    })();
    const excluded = (el) => {
        if (closestDeep(el, (n) => n.hasAttribute("inert"))) return "inert";
        if (modals.length && !modals.some((m) => contains(m, el))) return "inert";
        if (closestDeep(el, (n) => n.getAttribute("aria-hidden") === "true")) return "aria-hidden";
        const r = el.getBoundingClientRect();
        const seen = el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : true;
        if (!seen || r.width <= 0 || r.height <= 0) return "not rendered";
        if (el.matches(":disabled") || el.getAttribute("aria-disabled") === "true") {
            return "disabled";
        }
        return null;
    };
    const all = [];
    const collect = (root) => {
        for (const el of root.querySelectorAll("*")) {
            all.push(el);
            if (el.shadowRoot) collect(el.shadowRoot);
        }
    };
    const container = arg.container || null;
    if (container) all.push(container);
    collect(container || document);
    const stops = arg.keys.map(byKey).filter(Boolean);
    const reached = (el) => stops.some((stop) => contains(el, stop));
    const groups = new Map();
    const items = [];
    for (const el of all) {
        const role = explicitRole(el);
        const native = nativeKind(el);
        if (!native && !ROLES.has(role)) continue;
        if (excluded(el)) continue;
        const info = describe(el);
        info.native = native;
        info.tabindex = el.getAttribute("tabindex");
        info.reached = reached(el);
        const composite = closestDeep(up(el), (n) => COMPOSITES.has(explicitRole(n)));
        let group = null;
        if (composite) {
            group = "composite:" + keyOf(composite);
            if (!groups.has(group)) {
                groups.set(group, { widget: describe(composite), reached: reached(composite) });
            }
        } else if (el.localName === "input" && el.type === "radio" && el.name) {
            group = `radios:${el.form ? keyOf(el.form) : "document"}:${el.name}`;
            if (!groups.has(group)) {
                groups.set(group, { widget: null, reached: false, label: el.name });
            }
        }
        info.group = group;
        items.push(info);
    }
    for (const item of items) {
        if (item.group && item.reached) groups.get(item.group).reached = true;
    }
    return { items, groups: Object.fromEntries(groups) };
    """,
    "arg",
    is_async=False,
)
# Whether a frame element's document is one a user can reach: not inert, not aria-hidden,
# rendered, and inside the container (of the main frame) when one is given.
_FRAME_AVAILABLE = _script(
    """
    const [frame, container] = arg;
    for (let node = frame; node; node = node.parentNode || node.host) {
        if (node.nodeType !== 1) continue;
        if (node.hasAttribute("inert") || node.getAttribute("aria-hidden") === "true") return null;
    }
    const modals = (() => {
        try { return [...document.querySelectorAll(":modal")]; } catch { return []; }
    })();
    if (modals.length && !modals.some((m) => contains(m, frame))) return null;
    if (container && !contains(container, frame)) return null;
    const r = frame.getBoundingClientRect();
    const seen = frame.checkVisibility ? frame.checkVisibility({ visibilityProperty: true }) : true;
    if (!seen || r.width <= 0 || r.height <= 0) return null;
    return { vx: r.left, vy: r.top, clientLeft: frame.clientLeft, clientTop: frame.clientTop };
    """,
    "arg",
    is_async=False,
)


@dataclass(frozen=True)
class FocusStop:
    """Where focus is: the element's role, accessible name, tag and box (page coordinates)."""

    key: str
    role: str
    name: str
    tag: str
    x: float
    y: float
    width: float
    height: float
    html: str
    frame_url: str
    shown: bool = True
    href: str | None = None

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2

    def describe(self) -> str:
        name = f' "{self.name}"' if self.name else " (no name)"
        return (
            f"{self.role}{name} <{self.tag}> at ({self.x:.0f}, {self.y:.0f})"
            f" {self.width:.0f}x{self.height:.0f}"
        )

    def to_data(self) -> dict[str, Any]:
        return asdict(self)


class FocusError(AssertionError):
    """A keyboard check failed; carries the expected and actual focus sequences."""

    def __init__(self, message: str, *, check: str, expected: list[str], actual: list[str]):
        super().__init__(message)
        self.check = check
        self.expected = expected
        self.actual = actual

    def to_data(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "message": str(self),
            "expected": self.expected,
            "actual": self.actual,
        }


def _numbered(items: Sequence[str], mark: int | None = None) -> list[str]:
    if not items:
        return ["    (nothing)"]
    return [
        f"  {'>' if index == mark else ' '} {index + 1:>2}. {item}"
        for index, item in enumerate(items)
    ]


def sequences_message(
    headline: str,
    expected: Sequence[str],
    actual: Sequence[str],
    *,
    expected_title: str = "Expected",
    actual_title: str = "Actual",
    mark: int | None = None,
) -> str:
    """A headline, then both sequences numbered, the first difference marked with `>`.

    `mark` (0-based) names the step that went wrong when the two lists do not compare
    item by item (an expectation against what happened).
    """
    first = mark
    if first is None:
        first = next(
            (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
            min(len(expected), len(actual)) if len(expected) != len(actual) else None,
        )
    lines = [headline]
    if first is not None:
        lines.append(f"Wrong from step {first + 1}.")
    lines += [f"{expected_title}:", *_numbered(expected, first)]
    lines += [f"{actual_title}:", *_numbered(actual, first)]
    return "\n".join(lines)


def _stop(frame: Frame, info: dict[str, Any], dx: float, dy: float) -> FocusStop:
    return FocusStop(
        key=str(info["key"]),
        role=str(info["role"]),
        name=str(info["name"]),
        tag=str(info["tag"]),
        x=float(info["x"]) + dx,
        y=float(info["y"]) + dy,
        width=float(info["width"]),
        height=float(info["height"]),
        html=str(info["html"]),
        frame_url=frame.url,
        shown=bool(info["shown"]),
        href=info.get("href"),
    )


def focused_element(
    page: Page, *, styles: bool = False, cap_ms: float = 2_000, container: JSHandle | None = None
) -> tuple[FocusStop, Frame, dict[str, Any]] | None:
    """The element that has focus, in whichever frame, or None when the document has it.

    With `styles`, its computed focus styles are read once transitions finished, and it
    is remembered in its frame for `_UNFOCUSED_STYLES`. With `container` (an element of
    the main frame), the returned info says whether focus is `inside` it.
    """
    frame = page.main_frame
    dx = dy = 0.0
    arg = {"styles": False, "capMs": cap_ms}
    info: dict[str, Any] | None = frame.evaluate(_DESCRIBE, {**arg, "container": container})
    if info is None:
        return None
    inside = info.get("inside")
    while info["isFrame"]:
        child = next(
            (c for c in frame.child_frames if frame.evaluate(_IS_ACTIVE, c.frame_element())),
            None,
        )
        if child is None:
            break
        child_info: dict[str, Any] | None = child.evaluate(_DESCRIBE, arg)
        if child_info is None:
            # The frame element itself is the stop (its document has nothing focused).
            break
        # Child boxes are in the child's viewport; move them into page coordinates.
        dx += (
            float(info["x"])
            + float(info["clientLeft"])
            - float(child_info["x"])
            + float(child_info["vx"])
        )
        dy += (
            float(info["y"])
            + float(info["clientTop"])
            - float(child_info["y"])
            + float(child_info["vy"])
        )
        frame, info = child, child_info
    if styles:
        info = frame.evaluate(_DESCRIBE, {"styles": True, "capMs": cap_ms}) or info
    info["inside"] = inside
    return _stop(frame, info, dx, dy), frame, info


def reset_focus(page: Page) -> None:
    """Put focus back on the document, so the next Tab goes to the first tab stop."""
    page.main_frame.evaluate(_RESET_FOCUS)


def _walk(
    page: Page,
    max_stops: int,
    *,
    styles: bool = False,
    cap_ms: float = 2_000,
    container: JSHandle | None = None,
    check: str = "tab_sequence",
) -> list[tuple[FocusStop, Frame, dict[str, Any]]]:
    """Tab from the top until focus wraps round, stays put or leaves the document.

    Never a silent truncation: when `max_stops` presses did not end the sequence, or focus
    comes back to a stop other than the first (Tab is trapped in part of the page), this
    raises FocusError. `check` names the caller's check in that message.
    """
    reset_focus(page)
    stops: list[tuple[FocusStop, Frame, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    inner = 0
    while len(stops) < max_stops:
        page.keyboard.press("Tab")
        found = focused_element(page, styles=False, container=container)
        if found is None:
            return stops  # focus left the document: the sequence is complete
        key = found[0].key
        if stops and key == stops[-1][0].key:
            if stops[-1][2].get("fields") and inner < _MULTI_FIELD_PRESSES:
                inner += 1  # Tab went to the next part of a date or time input
                continue
            raise _stuck(stops, check)
        inner = 0
        if stops and key == stops[0][0].key:
            return stops  # wrapped round to the first stop
        if key in seen:
            raise _trapped(stops, seen[key], check)
        if styles:
            found = focused_element(page, styles=True, cap_ms=cap_ms, container=container)
            if found is None:
                return stops
        seen[key] = len(stops)
        stops.append(found)
    # The cap was spent: more presses tell a sequence of exactly max_stops stops (it wraps
    # or leaves now) from a longer one.
    last = stops[-1] if stops else None
    for _ in range(_MULTI_FIELD_PRESSES + 1 if last and last[2].get("fields") else 1):
        page.keyboard.press("Tab")
        found = focused_element(page, container=container)
        if found is None or found[0].key == stops[0][0].key:
            return stops
        if found[0].key != stops[-1][0].key:
            break
    raise _capped(stops, max_stops, check)


def _stuck(stops: Sequence[tuple[FocusStop, Frame, dict[str, Any]]], check: str) -> FocusError:
    described = [stop.describe() for stop, _, _ in stops]
    looped = [*described, f"still stop {len(stops)}: {described[-1]}"]
    expected = [*described, "the next stop, the first stop again, or out of the page"]
    return FocusError(
        sequences_message(
            f"Tab is trapped: it does not move focus away from stop {len(stops)}, so nothing"
            " after it can be reached (a keyboard trap, WCAG 2.1.2).",
            expected,
            looped,
            actual_title="Actual (Tab presses)",
            mark=len(stops),
        ),
        check=check,
        expected=expected,
        actual=looped,
    )


# Tab presses a date or time input may take for its parts before the walk moves on.
_MULTI_FIELD_PRESSES = 8


def _capped(
    stops: Sequence[tuple[FocusStop, Frame, dict[str, Any]]], max_stops: int, check: str
) -> FocusError:
    described = [stop.describe() for stop, _, _ in stops]
    shown = 5
    return FocusError(
        f"The Tab walk hit its cap of max_stops={max_stops}: after {max_stops} stops focus had"
        " neither come back to the first stop nor left the page, so the rest of the Tab"
        " sequence was NOT checked. If the page has that many stops, raise the cap:"
        f" {check}(page, max_stops={max_stops * 2}).\n"
        f"The last {min(shown, len(described))} stops walked:\n"
        + "\n".join(_numbered(described)[-shown:]),
        check=check,
        expected=[f"the Tab sequence ends within max_stops={max_stops} stops"],
        actual=described,
    )


def _trapped(
    stops: Sequence[tuple[FocusStop, Frame, dict[str, Any]]], back_to: int, check: str
) -> FocusError:
    described = [stop.describe() for stop, _, _ in stops]
    looped = [*described, f"back to stop {back_to + 1}: {described[back_to]}"]
    return FocusError(
        sequences_message(
            f"Tab is trapped: after stop {len(stops)} focus went back to stop {back_to + 1},"
            " and Tab never returns to the first stop or leaves the page (a keyboard trap,"
            " WCAG 2.1.2).",
            [*described, "the first stop again, or out of the page"],
            looped,
            actual_title="Actual (Tab presses)",
            mark=len(stops),
        ),
        check=check,
        expected=[*described, "the first stop again, or out of the page"],
        actual=looped,
    )


def tab_sequence(
    page: Page, max_stops: int = MAX_STOPS, *, within: Locator | None = None
) -> list[FocusStop]:
    """Press Tab from the top of the page; one FocusStop per stop, until focus wraps round.

    Stops when focus leaves the document or comes back to the first stop. Raises
    FocusError when `max_stops` presses did not get there (raise the cap for a page with
    more stops) or Tab is trapped in a loop. Boxes are in page coordinates (scrolling
    taken into account). With `within` (an element of the main frame), only the stops
    inside it are kept.
    """
    return _stops_within(page, max_stops, within, check="tab_sequence")


def _stops_within(
    page: Page, max_stops: int, within: Locator | None, *, check: str
) -> list[FocusStop]:
    container = within.element_handle() if within is not None else None
    walked = _walk(page, max_stops, container=container, check=check)
    return [stop for stop, _, info in walked if container is None or info["inside"]]


def _same_row(anchor: FocusStop, stop: FocusStop, tolerance: float) -> bool:
    if abs(stop.y - anchor.y) <= tolerance:
        return True
    # Centres, not overlap: a tall focusable container (a scrolling table region) overlaps
    # every row inside it, and would pull them all into its own row.
    half_smaller = min(anchor.height, stop.height) / 2
    return abs(stop.center_y - anchor.center_y) <= max(tolerance, half_smaller)


def reading_order(
    stops: Sequence[FocusStop], row_tolerance: float = ROW_TOLERANCE
) -> list[FocusStop]:
    """Stops in reading order: rows top to bottom, each row left to right.

    A stop joins a row when its top is within `row_tolerance` px of the row's first stop
    or its vertical centre is within half the smaller height of that stop's centre.
    """
    rows: list[list[FocusStop]] = []
    for stop in sorted(stops, key=lambda s: (s.y, s.x)):
        if rows and _same_row(rows[-1][0], stop, row_tolerance):
            rows[-1].append(stop)
        else:
            rows.append([stop])
    return [stop for row in rows for stop in sorted(row, key=lambda s: s.x)]


def assert_tab_order_follows_layout(
    page: Page,
    expected: Sequence[str] | None = None,
    *,
    row_tolerance: float = ROW_TOLERANCE,
    within: Locator | None = None,
    max_stops: int = MAX_STOPS,
) -> list[FocusStop]:
    """Tab order is the reading order of the layout, or the `expected` accessible names.

    Reading order is rows top to bottom, then left to right (see `reading_order`); a
    layout with columns (a sidebar beside the content) reads column by column instead, so
    check each column with `within`, or give the names. Returns the stops.
    """
    stops = _stops_within(page, max_stops, within, check="assert_tab_order_follows_layout")
    if expected is not None:
        names = [s.name for s in stops]
        if names != list(expected):
            wrong = next(
                (i for i, (a, b) in enumerate(zip(names, expected, strict=False)) if a != b),
                min(len(names), len(expected)),
            )
            raise FocusError(
                sequences_message(
                    "Tab order is not the expected one (accessible names).",
                    [f'"{n}"' for n in expected],
                    [s.describe() for s in stops],
                    expected_title="Expected (names)",
                    actual_title="Actual (Tab order)",
                    mark=wrong,
                ),
                check="tab order",
                expected=list(expected),
                actual=[s.describe() for s in stops],
            )
        return stops
    layout = reading_order(stops, row_tolerance)
    if [s.key for s in layout] != [s.key for s in stops]:
        want = [s.describe() for s in layout]
        got = [s.describe() for s in stops]
        raise FocusError(
            sequences_message(
                f"Tab order does not follow the layout (rows top to bottom, then left to right;"
                f" row tolerance {row_tolerance:g} px).",
                want,
                got,
                expected_title="Expected (reading order)",
                actual_title="Actual (Tab order)",
            ),
            check="tab order",
            expected=want,
            actual=got,
        )
    return stops


_RGBA = re.compile(r"rgba?\(([^)]*)\)")


def _transparent(color: str) -> bool:
    match = _RGBA.search(color)
    if not match:
        return color.strip() == "transparent"
    parts = [p for p in re.split(r"[\s,/]+", match.group(1)) if p]
    return len(parts) == 4 and float(parts[3].rstrip("%")) == 0


def _px(value: str) -> float:
    try:
        return float(value.removesuffix("px"))
    except ValueError:
        return 0.0


def _outline(style: dict[str, str]) -> tuple[str, ...]:
    return tuple(
        style[p] for p in ("outline-style", "outline-width", "outline-color", "outline-offset")
    )


def _outline_shown(style: dict[str, str]) -> bool:
    return (
        style["outline-style"] not in ("none", "hidden")
        and _px(style["outline-width"]) > 0
        and not _transparent(style["outline-color"])
    )


def _border(style: dict[str, str]) -> tuple[str, ...]:
    return tuple(v for k, v in sorted(style.items()) if k.startswith("border-"))


def focus_indicators(
    focused: dict[str, dict[str, str]], unfocused: dict[str, dict[str, str]]
) -> list[str]:
    """What shows focus: a shown outline that differs, or a box-shadow or border that differs.

    Each of the element, ::before and ::after is compared with itself unfocused.
    """
    found = []
    for part, style in focused.items():
        before = unfocused.get(part, style)
        prefix = "" if part == "element" else f"{part} "
        if _outline_shown(style) and _outline(style) != _outline(before):
            found.append(f"{prefix}outline")
        if style["box-shadow"] != before["box-shadow"]:
            found.append(f"{prefix}box-shadow")
        if _border(style) != _border(before):
            found.append(f"{prefix}border")
    return found


def _style_summary(style: dict[str, str]) -> str:
    border = style["border-top-width"], style["border-top-style"], style["border-top-color"]
    return (
        f"outline {' '.join(_outline(style)[:3])}; box-shadow {style['box-shadow']};"
        f" border-top {' '.join(border)}"
    )


def assert_focus_visible(
    page: Page, *, max_stops: int = MAX_STOPS, timeout_ms: float = 2_000
) -> list[FocusStop]:
    """Every tab stop shows where focus is: its outline, box-shadow or border changes.

    Each stop's computed outline, box-shadow and border (and those of its ::before and
    ::after) are read while focused, then again after focus leaves it, once transitions
    are done (up to `timeout_ms`). A stop fails when nothing differs, or when the only
    difference is an outline that is not shown (`outline: none`, zero width, transparent).
    """
    walked = _walk(page, max_stops, styles=True, cap_ms=timeout_ms, check="assert_focus_visible")
    unfocused: dict[str, Any] = {}
    for frame in {id(f): f for _, f, _ in walked}.values():
        unfocused.update(frame.evaluate(_UNFOCUSED_STYLES, timeout_ms))
    failures = []
    sequence = []
    for stop, _, info in walked:
        before = unfocused.get(stop.key, info["styles"])
        shown = focus_indicators(info["styles"], before)
        sequence.append(f"{stop.describe()}: {', '.join(shown) if shown else 'NO FOCUS INDICATOR'}")
        if not shown:
            failures.append(
                f"{stop.describe()}\n"
                f"      focused:   {_style_summary(info['styles']['element'])}\n"
                f"      unfocused: {_style_summary(before['element'])}"
            )
    if failures:
        raise FocusError(
            f"{len(failures)} of {len(walked)} tab stop(s) show no visible focus (no outline,"
            " box-shadow or border change when focused):\n  - "
            + "\n  - ".join(failures)
            + "\nEvery tab stop:\n"
            + "\n".join(_numbered(sequence)),
            check="focus visible",
            expected=[f"{s.describe()}: a focus indicator" for s, _, _ in walked],
            actual=sequence,
        )
    return [stop for stop, _, _ in walked]


def _frames_to_check(
    frame: Frame, origin: tuple[float, float] | None, container: JSHandle | None
) -> list[tuple[Frame, tuple[float, float] | None]]:
    """`frame` and every child frame a user can reach, each with its viewport's page origin.

    The main frame's origin is None: its boxes are already in page coordinates.
    """
    found: list[tuple[Frame, tuple[float, float] | None]] = [(frame, origin)]
    for child in frame.child_frames:
        try:
            element = child.frame_element()
            box = frame.evaluate(_FRAME_AVAILABLE, [element, container])
        except PlaywrightError:
            continue  # detached meanwhile
        if box is None:
            continue
        if origin is None:
            scroll = frame.evaluate("[scrollX, scrollY]")
            base = (float(scroll[0]), float(scroll[1]))
        else:
            base = origin
        inner = (
            base[0] + float(box["vx"]) + float(box["clientLeft"]),
            base[1] + float(box["vy"]) + float(box["clientTop"]),
        )
        found += _frames_to_check(child, inner, None)
    return found


def _placed(frame: Frame, info: dict[str, Any], origin: tuple[float, float] | None) -> FocusStop:
    """A FocusStop for an element of `frame`, whose viewport starts at `origin` in the page."""
    if origin is None:
        return _stop(frame, info, 0, 0)
    scroll_x = float(info["x"]) - float(info["vx"])
    scroll_y = float(info["y"]) - float(info["vy"])
    return _stop(frame, info, origin[0] - scroll_x, origin[1] - scroll_y)


def _why_unreachable(item: dict[str, Any]) -> str:
    tabindex = item.get("tabindex")
    if tabindex is not None and tabindex.strip().lstrip("-").isdigit() and int(tabindex) < 0:
        return f'tabindex="{tabindex}" takes it out of the Tab order'
    if not item["native"] and tabindex is None:
        return f'role="{item["role"]}" on a <{item["tag"]}> without tabindex: not focusable'
    return "not in the Tab sequence"


def assert_all_reachable(
    page: Page, *, within: Locator | None = None, max_stops: int = MAX_STOPS
) -> list[FocusStop]:
    """Every visible, enabled interactive element can be reached with Tab.

    Walks the Tab sequence, then compares it with the page's interactive elements: native
    ones (a[href], button, input but hidden ones, select, textarea, a details' summary,
    contenteditable) and any element with an interactive ARIA role (button, link,
    checkbox, switch, tab, menuitem, radio, slider, spinbutton, combobox, textbox,
    searchbox, option, treeitem, gridcell), in the page and its frames. Not expected to
    be tab stops: inert content and what an open modal dialog makes inert, aria-hidden
    content, what is not rendered (hidden, display: none, visibility: hidden, a closed
    <details>, an empty box) and disabled controls (`:disabled`, aria-disabled="true").
    A composite widget (radio group, tablist, menu, menubar, listbox, toolbar, grid,
    treegrid, tree), and native radios sharing a name, is reached when it or any one of
    its members is a tab stop: arrow keys move among the rest (roving tabindex or
    aria-activedescendant), which this check does not press. An element also counts as
    reached when a tab stop is inside it (a combobox wrapping its input).

    With `within` (an element of the main frame), only the elements inside it are
    checked. Returns the Tab sequence (of the whole page). Fails with FocusError listing
    each unreachable element (role, name, box, HTML) and showing the Tab sequence.
    """
    check = "assert_all_reachable"
    container = within.element_handle() if within is not None else None
    walked = _walk(page, max_stops, check=check)
    elements: list[FocusStop] = []
    missing: list[str] = []
    for frame, origin in _frames_to_check(page.main_frame, None, container):
        frame_keys = [stop.key for stop, f, _ in walked if f == frame]
        found = frame.evaluate(
            _INTERACTIVE,
            {"keys": frame_keys, "container": container if origin is None else None},
        )
        groups: dict[str, dict[str, Any]] = found["groups"]
        where = "" if origin is None else f"\n      in frame {frame.url}"
        reported: set[str] = set()
        for item in found["items"]:
            stop = _placed(frame, item, origin)
            elements.append(stop)
            group = item["group"]
            if group is None:
                if not item["reached"]:
                    missing.append(
                        f"{stop.describe()}: {_why_unreachable(item)}\n      {stop.html}{where}"
                    )
                continue
            if groups[group]["reached"] or group in reported:
                continue
            reported.add(group)
            members = [i for i in found["items"] if i["group"] == group]
            names = ", ".join(
                f'{m["role"]} "{m["name"]}"' if m["name"] else m["role"] for m in members[:4]
            ) + (f" and {len(members) - 4} more" if len(members) > 4 else "")
            widget = groups[group]["widget"]
            if widget is not None:
                head = _placed(frame, widget, origin)
                missing.append(
                    f"{head.describe()}: a composite widget none of whose {len(members)}"
                    f' member(s) ({names}) is a tab stop (one member needs tabindex="0")'
                    f"\n      {head.html}{where}"
                )
            else:
                missing.append(
                    f"{stop.describe()}: none of the {len(members)} radio button(s) named"
                    f' "{groups[group]["label"]}" is a tab stop\n      {stop.html}{where}'
                )
    sequence = [stop.describe() for stop, _, _ in walked]
    if missing:
        raise FocusError(
            f"{len(missing)} interactive element(s) cannot be reached with Tab (of"
            f" {len(elements)} visible, enabled interactive element(s)"
            + (" inside the given region" if within is not None else "")
            + "):\n  - "
            + "\n  - ".join(missing)
            + "\nGive each a tab stop: a native control (<button>, <a href>, <input>), or"
            ' tabindex="0" with Enter and Space handlers; in a composite widget (radio group,'
            ' tablist, menu, listbox, toolbar, grid), one member with tabindex="0" and arrow'
            " keys for the rest.\n"
            f"Tab sequence ({len(sequence)} stop(s)):\n" + "\n".join(_numbered(sequence)),
            check="all reachable",
            expected=[stop.describe() for stop in elements],
            actual=sequence,
        )
    return [stop for stop, _, _ in walked]


def tab_to(
    page: Page, target: Locator, *, backwards: bool = False, max_presses: int = MAX_STOPS
) -> int:
    """Press Tab (Shift+Tab if `backwards`), from wherever focus is, until `target` has
    focus; returns the presses.

    Fails with FocusError showing the stops passed when focus comes back to where it was
    first, leaves the page, or `max_presses` presses did not get there.
    """
    key = "Shift+Tab" if backwards else "Tab"
    handle = target.element_handle()
    passed: list[str] = []
    keys: set[str] = set()
    last: tuple[str, bool] | None = None
    problem = f"{max_presses} presses of {key} did not reach it (max_presses={max_presses})"
    for presses in range(1, max_presses + 1):
        page.keyboard.press(key)
        if page.main_frame.evaluate(_IS_FOCUSED, handle):
            return presses
        found = focused_element(page)
        if found is None:
            problem = "focus left the page first"
            break
        stop = found[0].key
        if last is not None and stop == last[0] and last[1]:
            continue  # the next part of a date or time input
        if stop in keys:
            problem = "the Tab sequence came round again without it"
            break
        keys.add(stop)
        last = (stop, bool(found[2].get("fields")))
        passed.append(found[0].describe())
    expected = [f"{key} until {target} has focus"]
    raise FocusError(
        f"{key} never reached {target}: {problem}.\nStops passed:\n" + "\n".join(_numbered(passed)),
        check="tab to",
        expected=expected,
        actual=passed,
    )


def _wait_true(page: Page, script: str, arg: Any, timeout_ms: float) -> bool:
    try:
        page.wait_for_function(script, arg=arg, timeout=timeout_ms)
    except PlaywrightError:
        return False
    return True


def _now(page: Page) -> str:
    found = focused_element(page)
    return found[0].describe() if found else "the document (nothing focused)"


def assert_skip_link_first(
    page: Page, main: Locator | None = None, *, timeout_ms: float = 5_000
) -> None:
    """The first Tab stop is a shown skip link, and activating it moves focus into `main`.

    A skip link is a link to a fragment of the page (`href="#main"`). `main` defaults to
    the main landmark; focus must end on it or inside it (its target needs
    `tabindex="-1"` when it is not focusable itself).
    """
    region = main or page.locator("main, [role=main]").first
    reset_focus(page)
    page.keyboard.press("Tab")
    found = focused_element(page)
    expected = ['link to "#…" (skip link), shown when focused', "focus inside the main content"]
    first = found[0] if found else None
    actual = [first.describe() if first else "nothing (no tab stop)"]
    problem = ""
    if first is None:
        problem = "Tab focused nothing: the page has no tab stop."
    elif (
        first.role != "link" or not (first.href or "").startswith("#") or len(first.href or "") < 2
    ):
        problem = f"The first Tab stop is not a skip link (a link to #id): {first.describe()}."
    elif not first.shown:
        problem = f"The skip link is not shown when focused: {first.describe()}."
    if problem:
        raise FocusError(
            sequences_message(problem, expected, actual, mark=0),
            check="skip link",
            expected=expected,
            actual=actual,
        )
    page.keyboard.press("Enter")
    handle = region.element_handle(timeout=timeout_ms)
    if not _wait_true(page, _FOCUS_IN, handle, timeout_ms):
        actual.append(_now(page))
        raise FocusError(
            sequences_message(
                f"Activating the skip link ({first.href if first else ''}) did not move focus"
                ' into the main content (a target that is not focusable needs tabindex="-1").',
                expected,
                actual,
                mark=1,
            ),
            check="skip link",
            expected=expected,
            actual=actual,
        )


def assert_dialog_traps_focus(
    page: Page,
    open_dialog_action: Locator | Callable[[], object],
    dialog_locator: Locator,
    *,
    presses: int | None = None,
    timeout_ms: float = 5_000,
) -> None:
    """A modal dialog keeps focus while open and gives it back when closed with Escape.

    `open_dialog_action` is the dialog's trigger (a Locator: it is focused and Enter
    pressed on it, as a keyboard user opens it), or a callable that opens the dialog.
    Focus must move into `dialog_locator`; Tab and Shift+Tab, `presses` times each
    (default: the dialog's tab stops plus two, so focus wraps), keep it inside; Escape
    closes it and focus returns to the trigger: the Locator's element, or with a callable
    the last element focused before the dialog. Prefer the Locator: a click focuses its
    button in Chromium but not in WebKit, where the return of focus would then be
    compared with whatever had focus before. For a native modal `<dialog>`, a stop on
    the browser's own UI (nothing focused in the document) between wraps is allowed.
    The dialog must be in the page's main frame.
    """
    check = "dialog focus trap"
    page.main_frame.evaluate(_START_FOCUS_LOG)
    try:
        opener: JSHandle | None = None
        if isinstance(open_dialog_action, Locator):
            opener = _open_by_keyboard(page, open_dialog_action, timeout_ms, check=check)
        else:
            open_dialog_action()
        try:
            expect(dialog_locator).to_be_visible(timeout=timeout_ms)
        except AssertionError:
            raise FocusError(
                f"The dialog {dialog_locator} did not appear after the open action.",
                check=check,
                expected=["dialog shown"],
                actual=["dialog not shown"],
            ) from None
        dialog = dialog_locator.element_handle(timeout=timeout_ms)
        if not _wait_true(page, _FOCUS_IN, dialog, timeout_ms):
            now = _now(page)
            raise FocusError(
                sequences_message(
                    "Focus did not move into the dialog when it opened.",
                    ["inside the dialog"],
                    [now],
                    mark=0,
                ),
                check=check,
                expected=["inside the dialog"],
                actual=[now],
            )
        trigger = opener or page.main_frame.evaluate_handle(_TRIGGER, dialog)
        info = page.main_frame.evaluate(_DIALOG_INFO, dialog)
        count = presses or int(info["tabbable"]) + 2
        for key in ("Tab", "Shift+Tab"):
            _stay_inside(page, dialog, key, count, native_modal=bool(info["nativeModal"]))
        page.keyboard.press("Escape")
        try:
            expect(dialog_locator).to_be_hidden(timeout=timeout_ms)
        except AssertionError:
            raise FocusError(
                "Escape did not close the dialog.",
                check=check,
                expected=["dialog closed"],
                actual=["dialog still shown"],
            ) from None
        _focus_returned(page, trigger, timeout_ms, check=check, what="the dialog's trigger")
    finally:
        page.main_frame.evaluate(_STOP_FOCUS_LOG)


def _open_by_keyboard(page: Page, trigger: Locator, timeout_ms: float, *, check: str) -> JSHandle:
    """Focus the trigger and press Enter on it; its element, for the return of focus."""
    handle = trigger.element_handle(timeout=timeout_ms)
    trigger.focus(timeout=timeout_ms)
    if not page.main_frame.evaluate(_IS_FOCUSED, handle):
        now = _now(page)
        raise FocusError(
            sequences_message(
                f"The dialog's trigger {trigger} cannot take focus, so a keyboard user cannot"
                " open the dialog.",
                ["the trigger focused"],
                [now],
                mark=0,
            ),
            check=check,
            expected=["the trigger focused"],
            actual=[now],
        )
    page.keyboard.press("Enter")
    return handle


def _stay_inside(page: Page, dialog: JSHandle, key: str, count: int, *, native_modal: bool) -> None:
    sequence: list[str] = []
    for _ in range(count):
        page.keyboard.press(key)
        info = page.main_frame.evaluate(_DESCRIBE, {"container": dialog, "capMs": 0})
        if info is None and native_modal:
            sequence.append("browser UI (between wraps of a native modal dialog)")
            continue
        if info is not None and info["inside"]:
            sequence.append(_stop(page.main_frame, info, 0, 0).describe())
            continue
        outside = "the document (nothing focused)" if info is None else None
        if info is not None:
            found = focused_element(page)
            outside = found[0].describe() if found else "the document"
        sequence.append(f"OUTSIDE the dialog: {outside}")
        expected = [f"{key} {i + 1}: inside the dialog" for i in range(len(sequence))]
        raise FocusError(
            sequences_message(
                f"{key} moved focus out of the open dialog (press {len(sequence)} of {count}).",
                expected,
                sequence,
                actual_title=f"Actual ({key} presses)",
                mark=len(sequence) - 1,
            ),
            check="dialog focus trap",
            expected=expected,
            actual=sequence,
        )


def _focus_returned(
    page: Page, trigger: JSHandle, timeout_ms: float, *, check: str, what: str
) -> None:
    if trigger.json_value() is None:
        raise FocusError(
            f"No element had focus before the dialog opened, so {what} is unknown: open it"
            " with a click or a key press on its trigger.",
            check=check,
            expected=[what],
            actual=[_now(page)],
        )
    if not _wait_true(page, _IS_FOCUSED, trigger, timeout_ms):
        element = trigger.as_element()
        name = element.evaluate(_script("return describe(el);", "el")) if element else None
        want = _stop(page.main_frame, name, 0, 0).describe() if name else what
        now = _now(page)
        raise FocusError(
            sequences_message(f"Focus did not return to {what} on close.", [want], [now], mark=0),
            check=check,
            expected=[want],
            actual=[now],
        )


def assert_menu_closes_on_escape(
    page: Page, menu_button: Locator, menu: Locator, *, timeout_ms: float = 5_000
) -> None:
    """A menu opened with Enter on its button closes on Escape, and focus is on the button.

    The button's `aria-expanded` must say "true" while the menu is shown and "false"
    once it is closed.
    """
    check = "menu closes on Escape"
    expected = [
        "Enter: menu shown, aria-expanded=true",
        "Escape: menu hidden, aria-expanded=false, focus on the menu button",
    ]
    actual: list[str] = []

    def fail(problem: str) -> FocusError:
        return FocusError(
            sequences_message(problem, expected, actual),
            check=check,
            expected=expected,
            actual=actual,
        )

    menu_button.focus(timeout=timeout_ms)
    page.keyboard.press("Enter")
    try:
        expect(menu).to_be_visible(timeout=timeout_ms)
        expect(menu_button).to_have_attribute("aria-expanded", "true", timeout=timeout_ms)
    except AssertionError:
        shown = menu.is_visible()
        actual.append(
            f"Enter: menu {'shown' if shown else 'hidden'},"
            f" aria-expanded={menu_button.get_attribute('aria-expanded')}"
        )
        raise fail("Enter on the menu button did not open the menu as expected.") from None
    actual.append("Enter: menu shown, aria-expanded=true")
    page.keyboard.press("Escape")
    try:
        expect(menu).to_be_hidden(timeout=timeout_ms)
        expect(menu_button).to_have_attribute("aria-expanded", "false", timeout=timeout_ms)
    except AssertionError:
        actual.append(
            f"Escape: menu {'shown' if menu.is_visible() else 'hidden'},"
            f" aria-expanded={menu_button.get_attribute('aria-expanded')}"
        )
        raise fail("Escape did not close the menu.") from None
    button = menu_button.element_handle(timeout=timeout_ms)
    if not _wait_true(page, _IS_FOCUSED, button, timeout_ms):
        actual.append(f"Escape: menu hidden, aria-expanded=false, focus on {_now(page)}")
        raise fail("Focus did not return to the menu button after Escape.")
