"""Keyboard checks axe cannot make: focus order, reachability, visible focus, skip link,
traps, menus.

Everything here drives the real keyboard (`page.keyboard.press`) and reads where focus
landed from `document.activeElement`, through open shadow roots and into child frames.
Each stop is described by role, accessible name, tag and box, so a failure reads like
what a keyboard user meets. Role and name come from a small in-page computation (ARIA
attributes, labels, alt text, text content), close to but simpler than the browser's.
A failure raises `FocusError` (an AssertionError) showing the expected and actual focus
sequences.

This module is the checks' public face (sitewise.accessibility.plugin's KeyboardChecks
binds them to a test); each lives in the module of its concern, named below.
"""

from __future__ import annotations

from sitewise.keyboard.browsers import browser_name_of, tab_key
from sitewise.keyboard.dialogs import assert_dialog_traps_focus, assert_menu_closes_on_escape
from sitewise.keyboard.focus import focused_element, reset_focus
from sitewise.keyboard.model import MAX_STOPS, ROW_TOLERANCE, FocusError, FocusStop
from sitewise.keyboard.order import assert_tab_order_follows_layout, reading_order
from sitewise.keyboard.reachability import assert_all_reachable
from sitewise.keyboard.report import sequences_message
from sitewise.keyboard.skip_link import assert_skip_link_first
from sitewise.keyboard.visibility import assert_focus_visible, focus_indicators
from sitewise.keyboard.walk import tab_sequence, tab_to

__all__ = [
    "MAX_STOPS",
    "ROW_TOLERANCE",
    "FocusError",
    "FocusStop",
    "assert_all_reachable",
    "assert_dialog_traps_focus",
    "assert_focus_visible",
    "assert_menu_closes_on_escape",
    "assert_skip_link_first",
    "assert_tab_order_follows_layout",
    "browser_name_of",
    "focus_indicators",
    "focused_element",
    "reading_order",
    "reset_focus",
    "sequences_message",
    "tab_key",
    "tab_sequence",
    "tab_to",
]
