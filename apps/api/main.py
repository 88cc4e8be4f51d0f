"""The app factory: one FastAPI app per origin, all over one database."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from apps.api.config import AppConfig
from apps.api.db import Database
from apps.api.deps import get_session
from apps.api.errors import install_error_handlers
from apps.api.middleware import GuardMiddleware
from apps.api.routes import (
    admin_definitions,
    admin_users,
    audit,
    auth,
    health,
    overview,
    profile,
    settings,
)

ROUTERS = (health, auth, profile, settings, overview, admin_users, admin_definitions, audit)


def create_app(config: AppConfig, db: Database | None = None) -> FastAPI:
    """The API of one origin. `db` is shared when both origins run in one process; by
    default the app opens its own pool on config.db_path (the schema must exist)."""
    app = FastAPI(
        title=f"Settings reference API ({config.app})",
        version="1",
        docs_url=None,  # the CSP forbids the docs page's external scripts
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.config = config
    app.state.db = db if db is not None else Database(config.db_path)
    install_error_handlers(app)
    app.add_middleware(GuardMiddleware, max_body_bytes=config.max_body_bytes)
    for module in ROUTERS:
        # get_session on every route: it enforces the CSRF token on mutating requests.
        app.include_router(module.router, dependencies=[Depends(get_session)])
    return app
