"""The caller's settings: every definition with their own value or the default."""

from __future__ import annotations

from fastapi import APIRouter

from apps.api import queries
from apps.api.crud import (
    fetch_page,
    get_definition,
    get_setting,
    history_out,
    record_change,
    setting_out,
)
from apps.api.db import transaction
from apps.api.deps import CurrentUser, DefinitionFilterDep, Pagination, SessionDep
from apps.api.errors import invalid
from apps.api.models import CategoryOut, HistoryOut, Page, SettingOut, ValueIn
from apps.api.rules import CATEGORIES, value_problem

router = APIRouter(prefix="/api/settings", tags=["settings"])


@router.get("")
async def list_settings(
    user: CurrentUser, conn: SessionDep, where: DefinitionFilterDep, page: Pagination
) -> Page[SettingOut]:
    return fetch_page(conn, queries.settings_page(user.id, where, page), setting_out, page)


@router.get("/categories")
async def list_categories(user: CurrentUser, conn: SessionDep) -> list[CategoryOut]:
    counts = dict(
        conn.execute("SELECT category, count(*) FROM definitions GROUP BY category").fetchall()
    )
    return [CategoryOut(name=name, count=counts.get(name, 0)) for name in CATEGORIES]


@router.get("/{key}")
async def read_setting(key: str, user: CurrentUser, conn: SessionDep) -> SettingOut:
    return setting_out(get_setting(conn, user.id, key))


@router.put("/{key}")
async def write_setting(key: str, body: ValueIn, user: CurrentUser, conn: SessionDep) -> SettingOut:
    with transaction(conn):
        row = get_setting(conn, user.id, key)
        current = setting_out(row)
        problem = value_problem(row["type"], current.constraints, body.value)
        if problem:
            raise invalid({"value": problem})
        record_change(
            conn,
            user_id=user.id,
            definition_id=row["id"],
            action="set",
            old_value=current.value,
            new_value=body.value,
            own_value=body.value,
        )
    return setting_out(get_setting(conn, user.id, key))


@router.post("/{key}/reset")
async def reset_setting(key: str, user: CurrentUser, conn: SessionDep) -> SettingOut:
    with transaction(conn):
        row = get_setting(conn, user.id, key)
        current = setting_out(row)
        record_change(
            conn,
            user_id=user.id,
            definition_id=row["id"],
            action="reset",
            old_value=current.value,
            new_value=current.default,
            own_value=None,
        )
    return setting_out(get_setting(conn, user.id, key))


@router.get("/{key}/history")
async def setting_history(
    key: str, user: CurrentUser, conn: SessionDep, page: Pagination
) -> Page[HistoryOut]:
    definition = get_definition(conn, key)
    return fetch_page(
        conn, queries.history_page(user.id, definition["id"], page), history_out, page
    )
