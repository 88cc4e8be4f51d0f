"""Static serving: each origin's index.html for its routes, assets and shared modules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from apps.server import PAGE_MODULES
from tests.api.conftest import MakeClient, error_of

WEB_ROUTES = ["/", "/login", "/settings", "/settings/general.start_page/history", "/profile"]
ADMIN_ROUTES = ["/", "/login", "/users", "/settings", "/audit"]


@pytest.mark.parametrize("path", [*WEB_ROUTES, "/login?next=/settings"])
def test_web_routes_answer_index_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "web front end" in response.text


@pytest.mark.parametrize("path", ADMIN_ROUTES)
def test_admin_routes_answer_index_html(admin_origin: TestClient, path: str) -> None:
    response = admin_origin.get(path)
    assert response.status_code == 200
    assert "admin front end" in response.text


@pytest.mark.parametrize(
    ("app", "path"),
    [
        ("web", "/nope"),
        ("web", "/users"),
        ("web", "/audit"),
        ("web", "/settings/"),
        ("web", "/settings/x/history/more"),
        ("admin", "/profile"),
        ("admin", "/nope/deeper"),
    ],
)
def test_other_paths_answer_index_html_with_404(
    make_client: MakeClient, app: str, path: str
) -> None:
    response = make_client(app).get(path)
    assert response.status_code == 404
    assert f"{app} front end" in response.text


def test_head_works_for_pages(client: TestClient) -> None:
    response = client.head("/settings")
    assert response.status_code == 200


def test_pages_refuse_other_methods(client: TestClient) -> None:
    assert client.post("/settings", json={}).status_code == 405


def test_assets_are_the_apps_own(client: TestClient, admin_origin: TestClient) -> None:
    web = client.get("/assets/app.js")
    assert web.status_code == 200
    assert web.headers["content-type"].startswith("text/javascript")
    assert "'web'" in web.text
    assert "'admin'" in admin_origin.get("/assets/app.js").text
    assert client.get("/assets/app.css").headers["content-type"].startswith("text/css")


def test_the_style_sheet_is_the_shared_one_then_the_apps_own(
    client: TestClient, admin_origin: TestClient
) -> None:
    for origin in (client, admin_origin):
        joined = origin.get("/assets/all.css")
        assert joined.status_code == 200
        assert joined.headers["content-type"].startswith("text/css")
        assert (
            joined.text
            == origin.get("/shared/styles.css").text + origin.get("/assets/app.css").text
        )
        again = origin.get("/assets/all.css", headers={"If-None-Match": joined.headers["etag"]})
        assert again.status_code == 304
    assert client.get("/assets/all.css").text != admin_origin.get("/assets/all.css").text


def test_shared_modules_are_on_both_origins(client: TestClient, admin_origin: TestClient) -> None:
    for origin in (client, admin_origin):
        response = origin.get("/shared/core.js")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")


def test_assets_are_revalidated_with_etags(client: TestClient) -> None:
    first = client.get("/assets/app.js")
    again = client.get("/assets/app.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/assets/missing.js",
        "/shared/missing.js",
        "/assets/../index.html",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/shared/..%2fsecret.txt",
    ],
)
def test_missing_or_outside_files_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "outside the static roots" not in response.text


def test_api_paths_never_fall_back_to_index_html(client: TestClient) -> None:
    response = client.get("/api/settingz")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_missing_front_end_is_a_clean_404(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client("web", front_end_dir=tmp_path / "absent")
    assert client.get("/").status_code == 404
    assert client.get("/assets/app.js").status_code == 404
    assert client.get("/api/health").json()["app"] == "web"


def test_health_names_the_origin(client: TestClient, admin_origin: TestClient) -> None:
    assert client.get("/api/health").json() == {
        "status": "ok",
        "service": "settings-reference",
        "app": "web",
        "version": "1",
    }
    assert admin_origin.get("/api/health").json()["app"] == "admin"


def test_pages_but_sign_in_preload_the_session(client: TestClient) -> None:
    for path in ("/", "/settings", "/nope"):
        links = client.get(path).headers["link"].split(", ")
        assert links[0] == "</api/auth/me>; rel=preload; as=fetch; crossorigin", path
    assert "link" not in client.get("/login").headers


def test_large_responses_are_compressed(client: TestClient, front_ends: Path) -> None:
    (front_ends / "shared" / "big.js").write_text("export const x = 1;\n" * 200)
    response = client.get("/shared/big.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "export const x = 1;\n" * 200
    small = client.get("/api/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.mark.parametrize("app", ["web", "admin"])
def test_index_html_preloads_the_modules_every_page_needs(app: str) -> None:
    # A module left out of the list is found only when its importer runs: one more round
    # trip before the first paint on a slow connection.
    index = (APPS / app / "index.html").read_text(encoding="utf-8")
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', index)
    assert preloaded == ["/shared/core.js", "/assets/app.js"]
    assert sorted(p.name for p in (APPS / "shared").glob("*.js")) == ["core.js"]
    assert sorted(p.name for p in (APPS / app / "assets").glob("*.js")) == ["app.js"]


@pytest.mark.parametrize("app", ["web", "admin"])
def test_every_page_module_is_mapped_to_its_route(app: str) -> None:
    pages = sorted(p.stem for p in (APPS / app / "assets" / "pages").glob("*.js"))
    assert sorted(module for _, module in PAGE_MODULES[app]) == pages  # type: ignore[index]
    entry = (APPS / app / "assets" / "app.js").read_text(encoding="utf-8")
    for page in pages:
        assert f"import('./pages/{page}.js')" in entry


@pytest.mark.parametrize(
    ("app", "path", "module"),
    [
        ("web", "/", "dashboard"),
        ("web", "/settings", "settings"),
        ("web", "/settings/general.start_page/history", "history"),
        ("web", "/profile", "profile"),
        ("admin", "/", "overview"),
        ("admin", "/users", "users"),
        ("admin", "/settings", "definitions"),
        ("admin", "/audit", "audit"),
    ],
)
def test_a_page_preloads_its_own_module(
    client: TestClient, admin_origin: TestClient, app: str, path: str, module: str
) -> None:
    origin = client if app == "web" else admin_origin
    link = origin.get(path + "?page=2").headers["link"]
    assert f"</assets/pages/{module}.js>; rel=modulepreload" in link.split(", ")


def test_the_sign_in_and_missing_pages_preload_no_page_module(client: TestClient) -> None:
    assert "link" not in client.get("/login").headers
    assert "modulepreload" not in client.get("/no-such-page").headers.get("link", "")


def test_api_answers_say_their_own_time(client: TestClient) -> None:
    timing = client.get("/api/health").headers["server-timing"]
    assert re.fullmatch(r"app;dur=\d+\.\d", timing), timing
    assert "server-timing" not in client.get("/assets/app.js").headers


def test_the_history_page_preloads_its_setting_too(client: TestClient) -> None:
    link = client.get("/settings/general.start_page/history").headers["link"]
    assert link == (
        "</api/auth/me>; rel=preload; as=fetch; crossorigin,"
        " </assets/pages/history.js>; rel=modulepreload,"
        " </api/settings/general.start_page>; rel=preload; as=fetch; crossorigin"
    )


def test_the_users_page_preloads_its_first_list(admin_origin: TestClient) -> None:
    first = "/api/admin/users?sort=email&page=1&page_size=20"
    link = admin_origin.get("/users").headers["link"]
    assert link.endswith(f", <{first}>; rel=preload; as=fetch; crossorigin")
    # Another state of the list asks for another page: nothing to guess.
    assert admin_origin.get("/users?page=2").headers["link"] == (
        "</api/auth/me>; rel=preload; as=fetch; crossorigin,"
        " </assets/pages/users.js>; rel=modulepreload"
    )
