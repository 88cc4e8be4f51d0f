"""The admin overview: counts of everything."""

from __future__ import annotations

from fastapi import APIRouter

from apps.api.deps import AdminUser, SessionDep
from apps.api.models import OverviewOut

router = APIRouter(prefix="/api/admin/overview", tags=["admin"])


@router.get("")
async def overview(admin: AdminUser, conn: SessionDep) -> OverviewOut:
    # Each count reads an index (users_active_email, users_role_email), not the table.
    users = conn.execute(
        "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM users WHERE active = 1),"
        " (SELECT count(*) FROM users WHERE role = 'admin')"
    ).fetchone()
    definitions = conn.execute(
        "SELECT count(*), count(DISTINCT category) FROM definitions"
    ).fetchone()
    audit_events = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return OverviewOut(
        users=users[0],
        active_users=users[1],
        admins=users[2],
        definitions=definitions[0],
        categories=definitions[1],
        audit_events=audit_events,
    )
