"""Request and response bodies. Requests are strict: JSON types are not coerced."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Role = Literal["admin", "user"]
Theme = Literal["system", "light", "dark"]
Language = Literal["en", "fr", "de"]
SettingType = Literal["boolean", "choice", "text", "number"]
AuditAction = Literal[
    "user.login",
    "user.logout",
    "user.create",
    "user.update",
    "user.delete",
    "definition.create",
    "definition.update",
    "definition.delete",
]

T = TypeVar("T")


class Body(BaseModel):
    # Unknown keys are ignored so that a client may send back what it received.
    model_config = ConfigDict(strict=True, extra="ignore")


# --- requests ---------------------------------------------------------------------------


class LoginIn(Body):
    email: str
    password: str


class ProfileIn(Body):
    display_name: str | None = None
    theme: Theme | None = None
    language: Language | None = None


class PasswordIn(Body):
    current_password: str
    new_password: str


class ValueIn(Body):
    value: Any


class UserCreateIn(Body):
    email: str
    display_name: str
    password: str
    role: Role = "user"


class UserUpdateIn(Body):
    role: Role | None = None
    active: bool | None = None
    display_name: str | None = None


class DefinitionUpdateIn(Body):
    label: str
    description: str = ""
    category: str
    type: SettingType
    default: Any
    constraints: dict[str, Any] | None = None


class DefinitionIn(DefinitionUpdateIn):
    key: str


# --- responses --------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    service: str = "settings-reference"
    app: Literal["web", "admin"]
    version: str = "1"


class UserOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: Role
    theme: Theme
    language: Language
    active: bool
    created_at: str


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str


class DefinitionOut(BaseModel):
    key: str
    label: str
    description: str
    category: str
    type: SettingType
    default: Any
    constraints: dict[str, Any]
    updated_at: str


class SettingOut(BaseModel):
    key: str
    label: str
    description: str
    category: str
    type: SettingType
    default: Any
    value: Any
    is_default: bool
    constraints: dict[str, Any]
    updated_at: str | None  # when the caller last set or reset it; None if never


class HistoryOut(BaseModel):
    id: int
    action: Literal["set", "reset"]
    old_value: Any
    new_value: Any
    changed_at: str


class CategoryOut(BaseModel):
    name: str
    count: int


class OverviewOut(BaseModel):
    users: int
    active_users: int
    admins: int
    definitions: int
    categories: int
    audit_events: int


class AuditOut(BaseModel):
    id: int
    at: str
    actor_email: str
    action: str
    target: str
    details: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
