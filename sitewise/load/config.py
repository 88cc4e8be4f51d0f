"""The `[load]` section of playwright.config.toml: how many users, how fast they come,
how long they stay, and the budgets each endpoint is judged against.

Its own module (the config model stays small); `SuiteConfig.load` holds it. Importing it
does not import Locust, which patches the standard library for gevent as it loads.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EndpointBudget(_Section):
    """One endpoint's own budget; a value left out is the section's."""

    p95_ms: Annotated[float, Field(gt=0)] | None = None
    p99_ms: Annotated[float, Field(gt=0)] | None = None
    error_rate: Annotated[float, Field(ge=0, le=1)] | None = None


class LoadConfig(_Section):
    """`[load]`: a load run's shape and budgets.

    `users` come at `users / ramp_s` per second and the run lasts `duration_s` in all
    (the ramp included). Every endpoint ("METHOD name", as the journeys name their
    requests) must keep its 95th and 99th percentile response times under `p95_ms` and
    `p99_ms` and its share of failed requests at or under `error_rate`, unless
    `[load.endpoints."METHOD name"]` gives it its own.
    """

    # The Locust file with the journeys (relative to the root directory), for --under-load.
    locustfile: str = ""
    users: Annotated[int, Field(ge=1)] = 50
    ramp_s: Annotated[float, Field(gt=0)] = 10.0
    duration_s: Annotated[float, Field(gt=0)] = 60.0
    # Locust worker processes beside the master on this machine (0: one local process).
    workers: Annotated[int, Field(ge=0, le=64)] = 0
    p95_ms: Annotated[float, Field(gt=0)] = 200.0
    p99_ms: Annotated[float, Field(gt=0)] = 500.0
    error_rate: Annotated[float, Field(ge=0, le=1)] = 0.0
    endpoints: dict[str, EndpointBudget] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ramp_within_run(self) -> LoadConfig:
        if self.ramp_s > self.duration_s:
            raise ValueError(
                f"ramp_s ({self.ramp_s:g}) at most duration_s ({self.duration_s:g}):"
                " the users must all have come before the run ends"
            )
        return self

    def budget_of(self, endpoint: str) -> tuple[float, float, float]:
        """(p95_ms, p99_ms, error_rate) an endpoint is judged against."""
        own = self.endpoints.get(endpoint, EndpointBudget())
        return (
            own.p95_ms if own.p95_ms is not None else self.p95_ms,
            own.p99_ms if own.p99_ms is not None else self.p99_ms,
            own.error_rate if own.error_rate is not None else self.error_rate,
        )
