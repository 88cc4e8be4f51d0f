"""The signed-in user's own profile and password."""

from __future__ import annotations

from fastapi import APIRouter, Response

from apps.api.crud import get_user, user_out
from apps.api.db import transaction
from apps.api.deps import CurrentSession, CurrentUser, SessionDep
from apps.api.errors import invalid
from apps.api.models import PasswordIn, ProfileIn, UserOut
from apps.api.security import hash_password, password_problem, verify_password

router = APIRouter(prefix="/api/profile", tags=["profile"])

DISPLAY_NAME_LIMIT = 100


def display_name_problem(name: str) -> str | None:
    if not name.strip():
        return "Enter a display name."
    if len(name.strip()) > DISPLAY_NAME_LIMIT:
        return f"Use at most {DISPLAY_NAME_LIMIT} characters."
    return None


@router.patch("")
async def update_profile(body: ProfileIn, user: CurrentUser, conn: SessionDep) -> UserOut:
    changes: dict[str, str] = {}
    if body.display_name is not None:
        problem = display_name_problem(body.display_name)
        if problem:
            raise invalid({"display_name": problem})
        changes["display_name"] = body.display_name.strip()
    if body.theme is not None:
        changes["theme"] = body.theme
    if body.language is not None:
        changes["language"] = body.language
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with transaction(conn):
            conn.execute(
                f"UPDATE users SET {assignments} WHERE id = ?", (*changes.values(), user.id)
            )
    return user_out(get_user(conn, user.id))


@router.post("/password", status_code=204)
def change_password(body: PasswordIn, session: CurrentSession, conn: SessionDep) -> Response:
    row = get_user(conn, session.user.id)
    if not verify_password(body.current_password, row["password_hash"]):
        raise invalid({"current_password": "The current password is not correct."})
    problem = password_problem(body.new_password, current=body.current_password)
    if problem:
        raise invalid({"new_password": problem})
    with transaction(conn):
        conn.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            (hash_password(body.new_password), row["id"]),
        )
        # Other sessions of this user end; this one goes on.
        conn.execute(
            "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?",
            (row["id"], session.token_hash),
        )
    return Response(status_code=204)
