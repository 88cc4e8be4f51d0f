"""The `[audit]` section of playwright.config.toml: what a site audit discovers and checks.

A model of its own, registered as one field of SuiteConfig (sitewise.config.model), so
a wrong key or value stops the run with the same one message as every other section.
It imports nothing of the engine's config: the config model imports it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Links never followed, whatever the include patterns say: signing out would end the
# role's session, and the others change data (GET links that do are a bug, but exist).
DEFAULT_DENY = (
    r"log[-_ ]?out",
    r"sign[-_ ]?out",
    r"log[-_ ]?off",
    r"delete",
    r"remove",
    r"destroy",
    r"unsubscribe",
    r"deactivate",
    r"reset",
)

# Query parameters that say where a visitor came from, not which page it is.
DEFAULT_TRACKING = ("utm_*", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuditChecks(_Section):
    """Which checks run on every page; each can be switched off."""

    axe: bool = True
    keyboard: bool = True
    console: bool = True
    requests: bool = True
    links: bool = True
    # Links to other origins too (HEAD, then GET where HEAD is refused): off by default,
    # since they cost a request to someone else's server each.
    external_links: bool = False
    vitals: bool = False
    screenshot: bool = True


def _patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"regular expressions; {value!r} is not one: {error}") from None
    return values


class AuditConfig(_Section):
    """A site audit: start URLs, how far discovery goes, and what each page is checked for.

    Patterns are regular expressions searched in a URL's path and query.
    """

    start: tuple[Annotated[str, Field(pattern=r"^https?://")], ...] = ()
    max_pages: Annotated[int, Field(ge=1, le=10_000)] = 50
    max_depth: Annotated[int, Field(ge=0, le=100)] = 5
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    deny: tuple[str, ...] = DEFAULT_DENY
    tracking_params: tuple[str, ...] = DEFAULT_TRACKING
    sitemap: bool = True
    # One page per route pattern: /users/1 and /users/2 are the template /users/{id}.
    one_per_route: bool = False
    # Route templates whose {name} segments match any one segment (for keys and slugs,
    # which do not look like ids): e.g. "/settings/{key}/history".
    routes: tuple[Annotated[str, Field(pattern=r"^/")], ...] = ()
    # Roles of [roles.NAME] to audit as, besides a visitor who is not signed in.
    roles: tuple[str, ...] = ()
    guest: bool = True
    # Viewports the audit runs under (names of [[viewports]]); empty: the first one.
    viewports: tuple[str, ...] = ()
    # Web Vitals profiles of [performance.profiles]; empty: every one.
    vitals_profiles: tuple[str, ...] = ()
    # Selectors of regions that change on every load, painted over in screenshots.
    mask: tuple[str, ...] = ()
    # Failed requests and console errors the site means (a 401 from "who am I" when
    # signed out, say): regular expressions searched in "GET URL: HTTP 401" or the
    # console line.
    expected_errors: tuple[str, ...] = ()
    # A page that has not loaded by then fails on its own; the audit goes on.
    page_timeout_ms: Annotated[int, Field(ge=500, le=300_000)] = 15_000
    # How long discovery waits for a script-rendered page to go quiet before reading links.
    settle_ms: Annotated[int, Field(ge=0, le=60_000)] = 3_000
    # Links checked per page, and the time each may take.
    max_links: Annotated[int, Field(ge=0, le=5_000)] = 200
    link_timeout_ms: Annotated[int, Field(ge=100, le=120_000)] = 10_000
    checks: AuditChecks = AuditChecks()

    @field_validator("include", "exclude", "deny", "expected_errors")
    @classmethod
    def _regular_expressions(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _patterns(values)
