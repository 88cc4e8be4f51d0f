"""Dependencies, as Annotated aliases: SessionDep (the database), CurrentUser, AdminUser.

CSRF: every API route depends on `get_session`, which, for a mutating request that
carries a live session, demands the session's X-CSRF-Token (the guard middleware has
already checked Content-Type and Origin).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from pydantic import AfterValidator, BeforeValidator, Field

from apps.api.config import AppConfig
from apps.api.crud import user_out
from apps.api.db import Database, format_time, now_iso
from apps.api.errors import ApiError
from apps.api.middleware import MUTATING
from apps.api.models import AuditAction, Role, UserOut
from apps.api.queries import AuditFilter, DefinitionFilter, PageRequest, UserFilter
from apps.api.security import token_hash, tokens_match


async def get_config(request: Request) -> AppConfig:
    config: AppConfig = request.app.state.config
    return config


async def get_db(request: Request) -> AsyncIterator[sqlite3.Connection]:
    database: Database = request.app.state.db
    with database.connection() as conn:
        yield conn


ConfigDep = Annotated[AppConfig, Depends(get_config)]
SessionDep = Annotated[sqlite3.Connection, Depends(get_db)]


@dataclass(frozen=True)
class Session:
    token_hash: str
    csrf_token: str
    user: UserOut


async def get_session(request: Request, conn: SessionDep, config: ConfigDep) -> Session | None:
    """The live session of this origin's cookie, or None (no cookie, expired, signed out,
    or the user deactivated)."""
    token = request.cookies.get(config.cookie_name)
    if not token:
        return None
    hashed = token_hash(token)
    row = conn.execute(
        "SELECT s.csrf_token, u.* FROM sessions AS s JOIN users AS u ON u.id = s.user_id"
        " WHERE s.token_hash = ? AND s.app = ? AND s.expires_at > ? AND u.active = 1",
        (hashed, config.app, now_iso()),
    ).fetchone()
    if row is None:
        return None
    if request.method in MUTATING and not tokens_match(
        request.headers.get("x-csrf-token"), row["csrf_token"]
    ):
        raise ApiError(
            403, "csrf_failed", "The security token is missing or wrong. Reload the page."
        )
    return Session(token_hash=hashed, csrf_token=row["csrf_token"], user=user_out(row))


OptionalSession = Annotated[Session | None, Depends(get_session)]


async def require_session(session: OptionalSession) -> Session:
    if session is None:
        raise ApiError(401, "not_authenticated", "Sign in to continue.")
    return session


CurrentSession = Annotated[Session, Depends(require_session)]


async def get_current_user(session: CurrentSession) -> UserOut:
    return session.user


CurrentUser = Annotated[UserOut, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> UserOut:
    if user.role != "admin":
        raise ApiError(403, "forbidden", "Only administrators can do this.")
    return user


AdminUser = Annotated[UserOut, Depends(get_admin_user)]


# --- list query parameters ----------------------------------------------------------------
# Front ends send empty parameters (`?q=&category=&page=`): blank means "not given".


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Blank = BeforeValidator(_blank_to_none)
PageQuery = Annotated[Annotated[int, Field(ge=1)] | None, Blank, Query()]
PageSizeQuery = Annotated[Annotated[int, Field(ge=1, le=100)] | None, Blank, Query()]
TextQuery = Annotated[str | None, Blank, Query()]
SettingSort = Literal["label", "-label", "category", "key", "-updated"]
UserSort = Literal["email", "-email", "display_name", "-created_at"]


async def page_request(page: PageQuery = None, page_size: PageSizeQuery = None) -> PageRequest:
    return PageRequest(page=page or 1, page_size=page_size or 20)


Pagination = Annotated[PageRequest, Depends(page_request)]


async def definition_filter(
    q: TextQuery = None,
    category: TextQuery = None,
    sort: Annotated[SettingSort | None, Blank, Query()] = None,
) -> DefinitionFilter:
    return DefinitionFilter(q=q.strip() if q else None, category=category, sort=sort or "label")


DefinitionFilterDep = Annotated[DefinitionFilter, Depends(definition_filter)]


async def user_filter(
    q: TextQuery = None,
    role: Annotated[Role | None, Blank, Query()] = None,
    active: Annotated[bool | None, Blank, Query()] = None,
    sort: Annotated[UserSort | None, Blank, Query()] = None,
) -> UserFilter:
    return UserFilter(q=q.strip() if q else None, role=role, active=active, sort=sort or "email")


UserFilterDep = Annotated[UserFilter, Depends(user_filter)]


DATE_HINT = "Use a date like 2024-05-31."


def moment_bound(text: str, *, end: bool) -> str:
    """A date (whole day, inclusive) or a date-time, as an ISO bound for `at`; ValueError
    (with the hint) when `text` is neither."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1 if end else 0), time())
            return format_time(moment.replace(tzinfo=UTC))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(DATE_HINT) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # A date-time "until" is inclusive: the bound is exclusive, so move past it.
    return format_time(moment + (timedelta(milliseconds=1) if end else timedelta(0)))


def _a_moment(value: str | None) -> str | None:
    """A date or date-time parameter, checked with the others (so that a request with
    several wrong parameters is told about each)."""
    if value is None:
        return None
    text = value.strip()
    moment_bound(text, end=False)
    return text


MomentQuery = Annotated[str | None, Blank, AfterValidator(_a_moment), Query()]


async def audit_filter(
    actor: TextQuery = None,
    action: Annotated[AuditAction | None, Blank, Query()] = None,
    since: MomentQuery = None,
    until: MomentQuery = None,
) -> AuditFilter:
    return AuditFilter(
        actor=actor.strip() if actor else None,
        action=action,
        since=moment_bound(since, end=False) if since else None,
        until=moment_bound(until, end=True) if until else None,
    )


AuditFilterDep = Annotated[AuditFilter, Depends(audit_filter)]
