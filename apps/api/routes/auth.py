"""Sign in (with lockout), sign out, and who is signed in."""

from __future__ import annotations

import math
import sqlite3
from datetime import timedelta

from fastapi import APIRouter, Request, Response

from apps.api.config import AppConfig
from apps.api.crud import record_audit, user_out
from apps.api.db import format_time, now_iso, parse_time, transaction, utc_now
from apps.api.deps import ConfigDep, CurrentSession, OptionalSession, SessionDep
from apps.api.errors import ApiError, invalid
from apps.api.models import LoginIn, SessionOut
from apps.api.security import (
    burn_password_check,
    new_token,
    token_hash,
    verify_password,
)

router = APIRouter(prefix="/api/auth", tags=["auth"])

INVALID_CREDENTIALS = "Invalid email or password."
APP_NAMES = {"web": "the web app", "admin": "the admin app"}


def _cookie(name: str, value: str, *, max_age: int, secure: bool) -> str:
    # Built by hand for the exact attribute spelling the contract gives (SameSite=Lax).
    parts = [f"{name}={value}", f"Max-Age={max_age}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age == 0:
        parts.insert(2, "Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _locked(seconds_left: float) -> ApiError:
    seconds = max(1, math.ceil(seconds_left))
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return ApiError(
        429,
        "account_locked",
        f"Too many failed attempts. Try again in {minutes} {unit}.",
        headers={"Retry-After": str(seconds)},
    )


def _lock_seconds_left(conn: sqlite3.Connection, email: str) -> float:
    row = conn.execute(
        "SELECT locked_until FROM login_failures WHERE email = ?", (email,)
    ).fetchone()
    if row is None or row["locked_until"] is None:
        return 0.0
    return (parse_time(row["locked_until"]) - utc_now()).total_seconds()


def _count_failure(conn: sqlite3.Connection, config: AppConfig, email: str) -> ApiError:
    """One more failure in a row for `email`; the error to answer with."""
    with transaction(conn):
        left = _lock_seconds_left(conn, email)
        if left > 0:  # a concurrent attempt has just locked it
            return _locked(left)
        # An ended lock starts a new run of failures.
        failures = conn.execute(
            "INSERT INTO login_failures (email, failures) VALUES (?, 1)"
            " ON CONFLICT (email) DO UPDATE SET"
            "  failures = CASE WHEN locked_until IS NULL THEN failures + 1 ELSE 1 END,"
            "  locked_until = NULL"
            " RETURNING failures",
            (email,),
        ).fetchone()[0]
        if failures < config.lockout_threshold:
            return ApiError(401, "invalid_credentials", INVALID_CREDENTIALS)
        lock = timedelta(minutes=config.lockout_minutes)
        conn.execute(
            "UPDATE login_failures SET locked_until = ? WHERE email = ?",
            (format_time(utc_now() + lock), email),
        )
    return _locked(lock.total_seconds())


@router.post("/login")
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    conn: SessionDep,
    config: ConfigDep,
    current: OptionalSession,
) -> SessionOut:
    email = body.email.strip().lower()
    fields = {}
    if not email:
        fields["email"] = "Enter your email address."
    if not body.password:
        fields["password"] = "Enter your password."
    if fields:
        raise invalid(fields)

    left = _lock_seconds_left(conn, email)
    if left > 0:
        raise _locked(left)
    user = conn.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()
    if user is None:
        burn_password_check(body.password)
        raise _count_failure(conn, config, email)
    if not verify_password(body.password, user["password_hash"]):
        raise _count_failure(conn, config, email)
    if not user["active"]:
        raise ApiError(403, "account_disabled", "This account has been deactivated.")
    if config.app == "admin" and user["role"] != "admin":
        raise ApiError(403, "admin_required", "This app is for administrators only.")

    token, csrf = new_token(), new_token()
    with transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE email = ?", (email,))
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now_iso(),))
        if current is not None:  # signing in again replaces the old session
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (current.token_hash,))
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, app, csrf_token, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                token_hash(token),
                user["id"],
                config.app,
                csrf,
                now_iso(),
                now_iso(timedelta(hours=config.session_hours)),
            ),
        )
        record_audit(conn, email, "user.login", email, f"Signed in to {APP_NAMES[config.app]}")
    response.headers.append(
        "Set-Cookie",
        _cookie(
            config.cookie_name,
            token,
            max_age=int(config.session_hours * 3600),
            secure=request.url.scheme == "https",
        ),
    )
    return SessionOut(user=user_out(user), csrf_token=csrf)


@router.post("/logout", status_code=204)
async def logout(
    request: Request, session: CurrentSession, conn: SessionDep, config: ConfigDep
) -> Response:
    with transaction(conn):
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (session.token_hash,))
        email = session.user.email
        record_audit(conn, email, "user.logout", email, f"Signed out of {APP_NAMES[config.app]}")
    response = Response(status_code=204)
    response.headers.append(
        "Set-Cookie",
        _cookie(config.cookie_name, "", max_age=0, secure=request.url.scheme == "https"),
    )
    return response


@router.get("/me")
async def me(session: CurrentSession) -> SessionOut:
    return SessionOut(user=session.user, csrf_token=session.csrf_token)
