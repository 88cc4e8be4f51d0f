"""What the keyboard checks find and how they fail: a focus stop, and the FocusError."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from playwright.sync_api import Frame

ROW_TOLERANCE = 8.0
# Tab presses a walk makes at most before it fails (never a silent truncation).
MAX_STOPS = 200


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


# One stop of a Tab walk: the stop, the frame its element is in, and what describe.js
# said of it there (for `fields`, `inside` and `styles`).
Walked = tuple[FocusStop, Frame, dict[str, Any]]


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


def stop_from(frame: Frame, info: dict[str, Any], dx: float, dy: float) -> FocusStop:
    """A FocusStop from what describe.js said of an element of `frame`, moved by (dx, dy)."""
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
