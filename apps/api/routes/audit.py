"""The audit log, for admins."""

from __future__ import annotations

from fastapi import APIRouter

from apps.api import queries
from apps.api.crud import audit_out, fetch_page
from apps.api.deps import AdminUser, AuditFilterDep, Pagination, SessionDep
from apps.api.models import AuditOut, Page

router = APIRouter(prefix="/api/admin/audit", tags=["admin"])


@router.get("")
async def list_audit(
    admin: AdminUser, conn: SessionDep, where: AuditFilterDep, page: Pagination
) -> Page[AuditOut]:
    return fetch_page(conn, queries.audit_page(where, page), audit_out, page)
