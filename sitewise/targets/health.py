"""Health checks of deployed targets, all at once, before the first test.

A target may name a health path (`health = "/healthz"`) and the JSON fields its answer
must carry (`expect = {service = "shop"}`); without a path its base URL itself must
answer. An unreachable target, a wrong status or the wrong app stops the run with one
message naming every target that failed, within one timeout.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from sitewise.targets.model import TargetError


@dataclass(frozen=True)
class HealthCheck:
    """What to ask a target, and what its answer must hold."""

    url: str
    path: str = ""
    expect: Mapping[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.url}{self.path}" if self.path else self.url


def _where(name: str) -> str:
    return f"--target {name}=URL / E2E_{name.upper()}_URL / [targets.{name}] url"


def check_target(name: str, check: HealthCheck, timeout: float = 10.0) -> None:
    """Raise TargetError unless the target answers its health check as expected."""
    address = check.address
    try:
        with urllib.request.urlopen(address, timeout=timeout) as response:
            body = response.read(4096).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        raise TargetError(
            f"The {name} target {check.url} answered {address} with HTTP {error.code};"
            f" expected a 2xx answer. Check {_where(name)}."
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TargetError(
            f"The {name} target {check.url} is unreachable ({reason}). Start it, or check"
            f" {_where(name)}."
        ) from None
    if not check.expect:
        return
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        data = None
    wanted = ", ".join(f'"{k}": "{v}"' for k, v in check.expect.items())
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in check.expect.items()):
        raise TargetError(
            f"The {name} target {check.url} is not the expected app: {address} should answer"
            f" JSON with {wanted}, but answered {body[:200]!r}. Check {_where(name)}."
        )


def check_targets(checks: Mapping[str, HealthCheck], timeout: float = 10.0) -> None:
    """Check every target at once: the whole check takes at most about `timeout` seconds.

    Each check runs in a daemon thread of its own, so that a target that accepts the
    connection and never answers (or a name that takes long to resolve) costs the run
    `timeout` once, not once per target, and a thread still waiting does not hold up
    the process's exit. Raises one TargetError naming every target that failed.
    """
    problems: dict[str, str] = {}

    def run(name: str, check: HealthCheck) -> None:
        try:
            check_target(name, check, timeout)
        except TargetError as error:
            problems[name] = str(error)

    threads = {
        name: threading.Thread(target=run, args=(name, check), name=f"check-{name}", daemon=True)
        for name, check in checks.items()
    }
    for thread in threads.values():
        thread.start()
    deadline = time.monotonic() + timeout
    for name, thread in threads.items():
        thread.join(max(0.0, deadline - time.monotonic()) + 0.5)
        if thread.is_alive() and name not in problems:
            problems[name] = (
                f"The {name} target {checks[name].url} is unreachable (no answer from"
                f" {checks[name].address} within {timeout:g} s). Start it, or check"
                f" {_where(name)}."
            )
    if problems:
        raise TargetError("\n".join(problems[name] for name in checks if name in problems))
