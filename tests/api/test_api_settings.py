"""The caller's settings: list, search, filter, sort, paginate, set, reset, history."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.rules import CATEGORIES
from tests.api.conftest import MakeClient, error_of, sign_in

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
ITEM_KEYS = {
    "key",
    "label",
    "description",
    "category",
    "type",
    "default",
    "value",
    "is_default",
    "constraints",
    "updated_at",
}
XSS = '<script>alert("x")</script><b onmouseover=alert(1)>&lt;'


def labels(response: Any) -> list[str]:
    return [item["label"] for item in response.json()["items"]]


def test_settings_need_a_session(client: TestClient) -> None:
    for path in (
        "/api/settings",
        "/api/settings/categories",
        "/api/settings/general.start_page",
        "/api/settings/general.start_page/history",
    ):
        response = client.get(path)
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "not_authenticated"


def test_first_page_of_settings(user_client: TestClient) -> None:
    body = user_client.get("/api/settings").json()
    assert (body["total"], body["page"], body["page_size"]) == (40, 1, 20)
    assert len(body["items"]) == 20
    item = body["items"][0]
    assert set(item) == ITEM_KEYS
    assert item["is_default"] is True
    assert item["value"] == item["default"]
    assert item["updated_at"] is None
    assert labels(user_client.get("/api/settings")) == sorted(
        labels(user_client.get("/api/settings")), key=str.lower
    )


def test_categories_have_counts_in_a_fixed_order(user_client: TestClient) -> None:
    response = user_client.get("/api/settings/categories")
    assert response.json() == [{"name": name, "count": 8} for name in CATEGORIES]


def test_read_one_setting(user_client: TestClient) -> None:
    item = user_client.get("/api/settings/general.session_timeout").json()
    assert item["label"] == "Session timeout (minutes)"
    assert (item["type"], item["default"], item["value"]) == ("number", 30, 30)
    assert item["constraints"] == {"min": 5, "max": 480}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/settings/no.such.key"),
        ("PUT", "/api/settings/no.such.key"),
        ("POST", "/api/settings/no.such.key/reset"),
        ("GET", "/api/settings/no.such.key/history"),
    ],
)
def test_unknown_keys_are_404(user_client: TestClient, method: str, path: str) -> None:
    response = user_client.request(method, path, json={"value": 1})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("general.clock_24h", False),
        ("appearance.font_size", "Large"),
        ("general.time_zone", "Europe/Paris"),
        ("appearance.line_spacing", 1.75),
        ("general.session_timeout", 480),
    ],
)
def test_set_a_valid_value(user_client: TestClient, key: str, value: Any) -> None:
    response = user_client.put(f"/api/settings/{key}", json={"value": value})
    assert response.status_code == 200
    item = response.json()
    assert item["value"] == value
    assert item["is_default"] is False
    assert ISO_Z.fullmatch(item["updated_at"])
    assert user_client.get(f"/api/settings/{key}").json() == item


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("general.clock_24h", "yes"),
        ("general.clock_24h", 1),
        ("appearance.font_size", "Huge"),
        ("appearance.font_size", 2),
        ("appearance.dashboard_greeting", "x" * 61),
        ("appearance.dashboard_greeting", None),
        ("general.session_timeout", 4),
        ("general.session_timeout", 481),
        ("general.session_timeout", "45"),
        ("general.session_timeout", True),
    ],
)
def test_a_value_that_breaks_type_or_constraints_is_422(
    user_client: TestClient, key: str, value: Any
) -> None:
    response = user_client.put(f"/api/settings/{key}", json={"value": value})
    assert response.status_code == 422
    error = error_of(response)
    assert list(error["fields"]) == ["value"]
    assert user_client.get(f"/api/settings/{key}").json()["is_default"] is True


def test_a_missing_value_is_422(user_client: TestClient) -> None:
    response = user_client.put("/api/settings/general.clock_24h", json={})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["value"]


def test_nan_is_not_a_number(user_client: TestClient) -> None:
    response = user_client.put("/api/settings/general.session_timeout", content=b'{"value": NaN}')
    assert response.status_code == 422


def test_html_in_a_text_value_is_stored_as_typed(user_client: TestClient) -> None:
    response = user_client.put("/api/settings/general.email_signature", json={"value": XSS})
    assert response.json()["value"] == XSS
    assert user_client.get("/api/settings/general.email_signature").json()["value"] == XSS


def test_reset_goes_back_to_the_default(user_client: TestClient) -> None:
    user_client.put("/api/settings/general.session_timeout", json={"value": 60})
    response = user_client.post("/api/settings/general.session_timeout/reset")
    assert response.status_code == 200
    item = response.json()
    assert (item["value"], item["is_default"]) == (30, True)
    assert ISO_Z.fullmatch(item["updated_at"])


def test_history_is_newest_first_and_paginated(user_client: TestClient) -> None:
    key = "general.session_timeout"
    for value in (40, 50, 60):
        user_client.put(f"/api/settings/{key}", json={"value": value})
    user_client.post(f"/api/settings/{key}/reset")
    body = user_client.get(f"/api/settings/{key}/history").json()
    assert body["total"] == 4
    steps = [(i["action"], i["old_value"], i["new_value"]) for i in body["items"]]
    assert steps == [("reset", 60, 30), ("set", 50, 60), ("set", 40, 50), ("set", 30, 40)]
    assert set(body["items"][0]) == {"id", "action", "old_value", "new_value", "changed_at"}
    assert all(ISO_Z.fullmatch(i["changed_at"]) for i in body["items"])
    page = user_client.get(f"/api/settings/{key}/history", params={"page": 2, "page_size": 3})
    assert [i["new_value"] for i in page.json()["items"]] == [40]


def test_history_is_the_callers_own(
    user_client: TestClient,
    make_client: MakeClient,
    new_user: Callable[..., dict[str, Any]],
) -> None:
    user_client.put("/api/settings/general.session_timeout", json={"value": 99})
    person = new_user()
    other = make_client("web")
    sign_in(other, person["email"], person["password"])
    assert other.get("/api/settings/general.session_timeout/history").json()["total"] == 0
    assert other.get("/api/settings/general.session_timeout").json()["value"] == 30


def test_a_new_default_reaches_users_without_their_own_value(
    user_client: TestClient, admin_client: TestClient
) -> None:
    user_client.put("/api/settings/appearance.font_size", json={"value": "Small"})
    definition = admin_client.get("/api/admin/definitions", params={"q": "timeout"}).json()
    assert definition["total"] == 1
    for key, default in (("general.session_timeout", 60), ("appearance.font_size", "Large")):
        current = user_client.get(f"/api/settings/{key}").json()
        body = {
            name: current[name]
            for name in ("label", "description", "category", "type", "constraints")
        }
        response = admin_client.put(
            f"/api/admin/definitions/{key}", json={**body, "default": default}
        )
        assert response.status_code == 200, response.text
    timeout = user_client.get("/api/settings/general.session_timeout").json()
    assert (timeout["default"], timeout["value"], timeout["is_default"]) == (60, 60, True)
    font = user_client.get("/api/settings/appearance.font_size").json()
    assert (font["default"], font["value"], font["is_default"]) == ("Large", "Small", False)


# --- search, filter, sort, pagination -------------------------------------------------------


def test_search_matches_label_and_description(user_client: TestClient) -> None:
    assert labels(user_client.get("/api/settings", params={"q": "digest"})) == ["Email digest"]
    # "animations" is only in a description (Reduce motion).
    assert labels(user_client.get("/api/settings", params={"q": "animations"})) == ["Reduce motion"]


def test_search_takes_the_last_word_as_a_prefix(user_client: TestClient) -> None:
    items = user_client.get("/api/settings", params={"q": "emai"}).json()["items"]
    assert {"Email digest", "Email signature", "Forwarding address"} <= {i["label"] for i in items}
    assert all(re.search(r"\bemai", i["label"] + " " + i["description"], re.I) for i in items)
    assert labels(user_client.get("/api/settings", params={"q": "email dig"})) == ["Email digest"]


def test_search_is_case_and_accent_insensitive(user_client: TestClient) -> None:
    assert labels(user_client.get("/api/settings", params={"q": "SLACK"})) == [
        "Slack channel",
        "Slack notifications",
    ]
    assert labels(user_client.get("/api/settings", params={"q": "slàck"})) == [
        "Slack channel",
        "Slack notifications",
    ]


def test_search_syntax_is_taken_literally(user_client: TestClient) -> None:
    for q in ('"', "*", "NOT", "a OR b", "(", "label:x", "-", "^x"):
        response = user_client.get("/api/settings", params={"q": q})
        assert response.status_code == 200, q


def test_search_without_matches_is_empty(user_client: TestClient) -> None:
    body = user_client.get("/api/settings", params={"q": "zebra"}).json()
    assert (body["items"], body["total"]) == ([], 0)


def test_filter_by_category(user_client: TestClient) -> None:
    body = user_client.get("/api/settings", params={"category": "Privacy"}).json()
    assert body["total"] == 8
    assert {item["category"] for item in body["items"]} == {"Privacy"}
    assert {item["type"] for item in body["items"]} == {"boolean", "choice", "text", "number"}


def test_search_within_a_category(user_client: TestClient) -> None:
    body = user_client.get("/api/settings", params={"q": "minutes", "category": "General"}).json()
    assert [i["key"] for i in body["items"]] == ["general.session_timeout"]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("label", lambda i: (i["label"].lower(), i["key"])),
        ("-label", lambda i: (i["label"].lower(), i["key"])),
        ("category", lambda i: (i["category"], i["label"].lower(), i["key"])),
        ("key", lambda i: i["key"]),
    ],
)
def test_sorts(user_client: TestClient, sort: str, key: Callable[[Any], Any]) -> None:
    items = user_client.get("/api/settings", params={"sort": sort, "page_size": 100}).json()[
        "items"
    ]
    assert items == sorted(items, key=key, reverse=sort.startswith("-"))


def test_sort_by_recently_changed(user_client: TestClient) -> None:
    for key in ("privacy.login_alerts", "general.start_page", "appearance.reduce_motion"):
        current = user_client.get(f"/api/settings/{key}").json()
        user_client.post(f"/api/settings/{key}/reset") if not current["is_default"] else None
        user_client.put(f"/api/settings/{key}", json={"value": current["default"]})
    items = user_client.get("/api/settings", params={"sort": "-updated", "page_size": 5}).json()
    assert [i["key"] for i in items["items"][:3]] == [
        "appearance.reduce_motion",
        "general.start_page",
        "privacy.login_alerts",
    ]
    assert items["items"][3]["updated_at"] is None


def test_pagination(user_client: TestClient) -> None:
    pages = [
        user_client.get("/api/settings", params={"page": n, "page_size": 15}).json()
        for n in (1, 2, 3, 4)
    ]
    assert [len(p["items"]) for p in pages] == [15, 15, 10, 0]
    assert all(p["total"] == 40 for p in pages)
    keys = [i["key"] for p in pages for i in p["items"]]
    assert len(set(keys)) == 40


def test_blank_parameters_mean_not_given(user_client: TestClient) -> None:
    body = user_client.get("/api/settings?q=&category=&sort=&page=&page_size=").json()
    assert (body["total"], body["page"], body["page_size"]) == (40, 1, 20)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"sort": "updated"}, "sort"),
    ],
)
def test_bad_list_parameters_are_422(user_client: TestClient, params: dict, field: str) -> None:  # type: ignore[type-arg]
    response = user_client.get("/api/settings", params=params)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]
