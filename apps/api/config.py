"""Configuration of one origin, in one typed object."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AppName = Literal["web", "admin"]

APPS_DIR = Path(__file__).resolve().parent.parent

# The client-side routes each front end knows; any other page path answers index.html
# with 404 so that the front end shows its own 404 page.
KNOWN_ROUTES: dict[str, re.Pattern[str]] = {
    "web": re.compile(r"/|/login|/settings|/settings/[^/]+/history|/profile"),
    "admin": re.compile(r"/|/login|/users|/settings|/audit"),
}


class AppConfig(BaseModel):
    """Everything one origin needs to know; built once by the runner or a test."""

    model_config = ConfigDict(frozen=True)

    app: AppName
    db_path: Path
    front_end_dir: Path = Field(description="apps/<app>: index.html and assets/")
    shared_dir: Path = Field(default=APPS_DIR / "shared", description="modules both apps use")
    lockout_minutes: float = Field(default=5, gt=0)
    lockout_threshold: int = Field(default=5, ge=1)
    session_hours: float = Field(default=12, gt=0)
    max_body_bytes: int = 64 * 1024

    @property
    def cookie_name(self) -> str:
        # Cookies do not separate ports, so each origin has its own cookie name.
        return f"{self.app}_session"

    @property
    def known_routes(self) -> re.Pattern[str]:
        return KNOWN_ROUTES[self.app]

    @classmethod
    def for_app(cls, app: AppName, db_path: Path, **overrides: object) -> AppConfig:
        """The config of the bundled front end `app` (apps/web or apps/admin)."""
        return cls.model_validate(
            {"app": app, "db_path": db_path, "front_end_dir": APPS_DIR / app, **overrides}
        )
