"""Admins manage setting definitions."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from fastapi import APIRouter, Response

from apps.api import queries
from apps.api.crud import (
    definition_out,
    describe_changes,
    dump,
    fetch_page,
    get_definition,
    record_audit,
    record_change,
)
from apps.api.db import now_iso, transaction
from apps.api.deps import AdminUser, DefinitionFilterDep, Pagination, SessionDep
from apps.api.errors import ApiError, invalid
from apps.api.models import DefinitionIn, DefinitionOut, DefinitionUpdateIn, Page
from apps.api.rules import KEY_PATTERN, check_definition, value_problem

router = APIRouter(prefix="/api/admin/definitions", tags=["admin"])

TAKEN = "This key is already in use."


def _checked(body: DefinitionUpdateIn) -> tuple[dict[str, Any], dict[str, str]]:
    constraints, fields = check_definition(
        label=body.label,
        description=body.description,
        category=body.category,
        kind=body.type,
        default=body.default,
        constraints=body.constraints or {},
    )
    return constraints, fields


@router.get("")
async def list_definitions(
    admin: AdminUser, conn: SessionDep, where: DefinitionFilterDep, page: Pagination
) -> Page[DefinitionOut]:
    return fetch_page(conn, queries.definitions_page(where, page), definition_out, page)


@router.post("", status_code=201)
async def create_definition(
    body: DefinitionIn, admin: AdminUser, conn: SessionDep
) -> DefinitionOut:
    constraints, fields = _checked(body)
    if not KEY_PATTERN.fullmatch(body.key):
        fields = {
            "key": "Use 2 to 64 characters: a lowercase letter first, then lowercase"
            " letters, digits, '_' or '.'.",
            **fields,
        }
    if fields:
        raise invalid(fields)
    at = now_iso()
    try:
        with transaction(conn):
            conn.execute(
                "INSERT INTO definitions (key, label, description, category, type,"
                " default_json, constraints_json, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    body.key,
                    body.label.strip(),
                    body.description.strip(),
                    body.category,
                    body.type,
                    dump(body.default),
                    dump(constraints),
                    at,
                    at,
                ),
            )
            record_audit(
                conn,
                admin.email,
                "definition.create",
                body.key,
                f"{body.category}, {body.type}, default {dump(body.default)}",
            )
    except sqlite3.IntegrityError:
        raise ApiError(409, "conflict", TAKEN, {"key": TAKEN}) from None
    return definition_out(get_definition(conn, body.key))


@router.put("/{key}")
async def update_definition(
    key: str, body: DefinitionUpdateIn, admin: AdminUser, conn: SessionDep
) -> DefinitionOut:
    get_definition(conn, key)  # 404 before 422: the key is the first thing that can be wrong
    constraints, fields = _checked(body)
    if fields:
        raise invalid(fields)
    with transaction(conn):
        row = get_definition(conn, key)
        before = definition_out(row).model_dump()
        after = {
            "label": body.label.strip(),
            "description": body.description.strip(),
            "category": body.category,
            "type": body.type,
            "default": body.default,
            "constraints": constraints,
        }
        conn.execute(
            "UPDATE definitions SET label = ?, description = ?, category = ?, type = ?,"
            " default_json = ?, constraints_json = ?, updated_at = ? WHERE id = ?",
            (
                after["label"],
                after["description"],
                body.category,
                body.type,
                dump(body.default),
                dump(constraints),
                now_iso(),
                row["id"],
            ),
        )
        _reset_values_that_no_longer_fit(conn, row["id"], body.type, constraints, body.default)
        record_audit(conn, admin.email, "definition.update", key, describe_changes(before, after))
    # Users without a value of their own see the new default at once: values are only
    # stored when a user sets one, and the default is read from the definition.
    return definition_out(get_definition(conn, key))


def _reset_values_that_no_longer_fit(
    conn: sqlite3.Connection,
    definition_id: int,
    kind: str,
    constraints: dict[str, Any],
    default: Any,
) -> None:
    """A new type or tighter constraints put users' values that break them back to the
    default, recorded in their history as a reset."""
    rows = conn.execute(
        "SELECT user_id, value_json FROM user_values"
        " WHERE definition_id = ? AND value_json IS NOT NULL",
        (definition_id,),
    ).fetchall()
    for row in rows:
        value = json.loads(row["value_json"])
        if value_problem(kind, constraints, value):
            record_change(
                conn,
                user_id=row["user_id"],
                definition_id=definition_id,
                action="reset",
                old_value=value,
                new_value=default,
                own_value=None,
            )


@router.delete("/{key}", status_code=204)
async def delete_definition(key: str, admin: AdminUser, conn: SessionDep) -> Response:
    with transaction(conn):
        row = get_definition(conn, key)
        # Values and history of it go too (ON DELETE CASCADE).
        conn.execute("DELETE FROM definitions WHERE id = ?", (row["id"],))
        record_audit(conn, admin.email, "definition.delete", key, row["label"])
    return Response(status_code=204)
