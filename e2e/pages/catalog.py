"""Every page of both apps, for specs that run over all of them (UI, a11y, vitals, visual)."""

from __future__ import annotations

from dataclasses import dataclass

from e2e.pages import admin, web
from e2e.pages.base import AppPage
from fixtures.targets import AppName


@dataclass(frozen=True)
class PageEntry:
    app: AppName
    page_class: type[AppPage]
    name: str

    @property
    def id(self) -> str:
        return f"{self.app}-{self.name}"


SIGNED_IN_PAGES = (
    PageEntry("web", web.DashboardPage, "dashboard"),
    PageEntry("web", web.SettingsPage, "settings"),
    PageEntry("web", web.StartPageHistoryPage, "history"),
    PageEntry("web", web.ProfilePage, "profile"),
    PageEntry("admin", admin.OverviewPage, "overview"),
    PageEntry("admin", admin.UsersPage, "users"),
    PageEntry("admin", admin.DefinitionsPage, "definitions"),
    PageEntry("admin", admin.AuditPage, "audit"),
)
