"""The base of a journey: a Locust user that talks to one of the engine's named targets.

A journey is a Locust user class (a plain Locust file, which `locust -f` runs as well):

    from locust import between, task
    from sitewise.load import TargetUser

    class Shopper(TargetUser):
        target = "shop"             # a [targets.NAME] of playwright.config.toml
        wait_time = between(1, 5)   # think time

        @task
        def browse(self) -> None:
            self.client.get("/api/items", name="/api/items")

Its base URL comes from `--target NAME=URL` (given to the runner, or to `locust` itself:
this module adds the option, and a master passes it to its workers), else from
`E2E_<NAME>_URL`, as for the browser specs. Imports Locust: for the load processes only.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from locust import events
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopTest

import sitewise.load.timeline  # noqa: F401  (counts each endpoint's requests over time)


@events.init_command_line_parser.add_listener
def _target_option(parser: Any, **_: Any) -> None:
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="Base URL of the target NAME for the journeys (repeatable; env E2E_<NAME>_URL).",
        include_in_web_ui=False,
    )


def target_urls(environment: Environment) -> dict[str, str]:
    """NAME -> URL from the run's --target options."""
    given = getattr(environment.parsed_options, "target", None) or []
    urls = {}
    for entry in given:
        name, _, url = str(entry).partition("=")
        if name and url:
            urls[name.strip()] = url.strip().rstrip("/")
    return urls


def target_url(environment: Environment, name: str) -> str:
    url = target_urls(environment).get(name) or os.environ.get(f"E2E_{name.upper()}_URL", "")
    if not url:
        raise StopTest(
            f"The journeys need the target {name!r}: give --target {name}=URL"
            f" (or set E2E_{name.upper()}_URL)."
        )
    return url.rstrip("/")


class TargetUser(FastHttpUser):
    """A Locust user on the target named by `target` (Locust's fast HTTP client: a
    load generator on a small machine needs its CPU for the requests)."""

    abstract = True
    target: ClassVar[str] = ""

    def __init__(self, environment: Environment) -> None:
        if not self.target:
            raise StopTest(f"{type(self).__name__}: set `target` to a target's name.")
        self.host = target_url(environment, self.target)
        super().__init__(environment)
