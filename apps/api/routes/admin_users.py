"""Admins manage users: list, create, change role / status / name, delete."""

from __future__ import annotations

import re
import sqlite3

from fastapi import APIRouter, Response

from apps.api import queries
from apps.api.crud import describe_changes, fetch_page, get_user, record_audit, user_out
from apps.api.db import now_iso, transaction
from apps.api.deps import AdminUser, Pagination, SessionDep, UserFilterDep
from apps.api.errors import ApiError, invalid
from apps.api.models import Page, UserCreateIn, UserOut, UserUpdateIn
from apps.api.routes.profile import display_name_problem
from apps.api.security import hash_password, password_problem

router = APIRouter(prefix="/api/admin/users", tags=["admin"])

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TAKEN = "This email address is already in use."


@router.get("")
async def list_users(
    admin: AdminUser, conn: SessionDep, where: UserFilterDep, page: Pagination
) -> Page[UserOut]:
    return fetch_page(conn, queries.users_page(where, page), user_out, page)


@router.post("", status_code=201)
def create_user(body: UserCreateIn, admin: AdminUser, conn: SessionDep) -> UserOut:
    email = body.email.strip().lower()
    fields: dict[str, str] = {}
    if not email:
        fields["email"] = "Enter an email address."
    elif len(email) > 254 or not EMAIL.fullmatch(email):
        fields["email"] = "Enter a valid email address."
    if problem := display_name_problem(body.display_name):
        fields["display_name"] = problem
    if problem := password_problem(body.password):
        fields["password"] = problem
    if fields:
        raise invalid(fields)
    password_hash = hash_password(body.password)  # slow: before taking the write lock
    try:
        with transaction(conn):
            user_id = conn.execute(
                "INSERT INTO users (email, display_name, password_hash, role, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (email, body.display_name.strip(), password_hash, body.role, now_iso()),
            ).lastrowid
            record_audit(conn, admin.email, "user.create", email, f"role: {body.role}")
    except sqlite3.IntegrityError:
        raise ApiError(409, "conflict", TAKEN, {"email": TAKEN}) from None
    assert user_id is not None
    return user_out(get_user(conn, user_id))


@router.patch("/{user_id:int}")
async def update_user(
    user_id: int, body: UserUpdateIn, admin: AdminUser, conn: SessionDep
) -> UserOut:
    changes: dict[str, object] = {}
    if body.display_name is not None:
        if problem := display_name_problem(body.display_name):
            raise invalid({"display_name": problem})
        changes["display_name"] = body.display_name.strip()
    if body.role is not None:
        changes["role"] = body.role
    if body.active is not None:
        changes["active"] = body.active
    if user_id == admin.id:
        if changes.get("role", "admin") != "admin":
            raise ApiError(
                409,
                "conflict",
                "You cannot demote yourself.",
                {"role": "You cannot demote yourself."},
            )
        if changes.get("active", True) is not True:
            raise ApiError(
                409,
                "conflict",
                "You cannot deactivate yourself.",
                {"active": "You cannot deactivate yourself."},
            )
    with transaction(conn):
        row = get_user(conn, user_id)
        before = {**user_out(row).model_dump()}
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            conn.execute(
                f"UPDATE users SET {assignments} WHERE id = ?", (*changes.values(), user_id)
            )
            if changes.get("active") is False:
                conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            details = describe_changes(before, changes)
            if details:
                record_audit(conn, admin.email, "user.update", row["email"], details)
    return user_out(get_user(conn, user_id))


@router.delete("/{user_id:int}", status_code=204)
async def delete_user(user_id: int, admin: AdminUser, conn: SessionDep) -> Response:
    if user_id == admin.id:
        raise ApiError(409, "conflict", "You cannot delete yourself.")
    with transaction(conn):
        row = get_user(conn, user_id)
        # Values, history and sessions go with the user (ON DELETE CASCADE).
        conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
        record_audit(conn, admin.email, "user.delete", row["email"], row["display_name"])
    return Response(status_code=204)
