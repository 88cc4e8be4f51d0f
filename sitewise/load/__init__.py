"""Load runs on Locust: journeys as Locust users on the engine's named targets, budgets
per endpoint from `[load]`, a report (load.json and a section of the HTML report).

`TargetUser` (the base of a journey) is imported from here lazily: Locust patches the
standard library for gevent as it loads, which only the load processes may have, never
the pytest process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitewise.load.users import TargetUser

__all__ = ["TargetUser"]


def __getattr__(name: str) -> Any:
    if name == "TargetUser":
        from sitewise.load.users import TargetUser

        return TargetUser
    raise AttributeError(name)
