"""The in-page scripts of the keyboard checks, kept as files in js/ beside this module.

Each script is one function expression, given to `evaluate` or `wait_for_function` as a
string. The helpers every script uses (how focus is found through shadow roots, role and
name, the description of an element) are in js/lib.js, put in place of the script's
`// @include lib.js` line: each script runs on its own, in whichever frame it is given,
and so needs nothing installed in the page beforehand.

The files are package data (read with importlib.resources, so they are found in an
installed wheel as in a checkout), read once, when a check first runs one.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

INCLUDE_LIB = "// @include lib.js"
LIB = "lib"

DESCRIBE = "describe"
DESCRIBE_ELEMENT = "describe_element"
DIALOG_INFO = "dialog_info"
FOCUS_IN = "focus_in"
FRAME_AVAILABLE = "frame_available"
INTERACTIVE = "interactive"
IS_ACTIVE = "is_active"
IS_FOCUSED = "is_focused"
RESET_FOCUS = "reset_focus"
SCROLL_OFFSET = "scroll_offset"
START_FOCUS_LOG = "start_focus_log"
STOP_FOCUS_LOG = "stop_focus_log"
TRIGGER = "trigger"
UNFOCUSED_STYLES = "unfocused_styles"

# Every script a check runs; with lib.js, every file of js/ (a self-test holds them equal).
SCRIPTS = (
    DESCRIBE,
    DESCRIBE_ELEMENT,
    DIALOG_INFO,
    FOCUS_IN,
    FRAME_AVAILABLE,
    INTERACTIVE,
    IS_ACTIVE,
    IS_FOCUSED,
    RESET_FOCUS,
    SCROLL_OFFSET,
    START_FOCUS_LOG,
    STOP_FOCUS_LOG,
    TRIGGER,
    UNFOCUSED_STYLES,
)


def _source(name: str) -> str:
    return resources.files(__package__).joinpath("js", f"{name}.js").read_text(encoding="utf-8")


@cache
def script(name: str) -> str:
    """The script js/`name`.js, with js/lib.js in place of its include line."""
    if name not in SCRIPTS:
        raise ValueError(f"no keyboard script {name!r}; the scripts are {', '.join(SCRIPTS)}")
    text = _source(name)
    lines = text.splitlines(keepends=True)
    include = [i for i, line in enumerate(lines) if line.strip() == INCLUDE_LIB]
    if include:
        lines[include[0]] = _source(LIB)
    return "".join(lines).strip()
