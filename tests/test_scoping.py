"""Scoping: a district sees only its region (and what lies under it), an enterprise only itself.

These tests fail if the service-layer scope filter is removed.
"""

from __future__ import annotations

import pytest

from kechuang.web.app import create_app
from tests.conftest import bearer, login

HANJIANG, GUANGLING, HIGH_TECH_ZONE = "321003", "321002", "32100302"


@pytest.fixture
def city(made):  # type: ignore[no-untyped-def]
    ids = {
        "hanjiang": made.enterprise("邗江测试科技有限公司", HANJIANG),
        "zone": made.enterprise("高新区测试电子有限公司", HIGH_TECH_ZONE),
        "guangling": made.enterprise("广陵测试材料有限公司", GUANGLING),
    }
    made.user("admin1", "admin")
    made.user("hj", "district", region_code=HANJIANG)
    made.user("gl", "district", region_code=GUANGLING)
    made.user("ent", "enterprise", region_code=HANJIANG, enterprise_id=ids["hanjiang"])
    made.user("exp", "expert")
    made.user("view", "viewer")
    return ids


def test_district_sees_its_region_and_zones_through_api(client, city) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(client, "hj")
    listed = client.get("/api/v1/enterprises", headers=headers).json()
    assert {e["id"] for e in listed["items"]} == {city["hanjiang"], city["zone"]}
    assert listed["total"] == 2
    assert client.get(f"/api/v1/enterprises/{city['zone']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/enterprises/{city['guangling']}", headers=headers).status_code == 404


def test_district_gets_404_for_another_districts_page(client, city) -> None:  # type: ignore[no-untyped-def]
    login(client, "gl")
    assert client.get(f"/enterprises/{city['guangling']}").status_code == 200
    assert client.get(f"/enterprises/{city['hanjiang']}").status_code == 404
    page = client.get("/enterprises")
    assert "广陵测试材料有限公司" in page.text and "邗江测试科技有限公司" not in page.text


def test_enterprise_user_sees_only_itself(client, city) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(client, "ent")
    listed = client.get("/api/v1/enterprises", headers=headers).json()
    assert [e["id"] for e in listed["items"]] == [city["hanjiang"]]
    assert client.get(f"/api/v1/enterprises/{city['zone']}", headers=headers).status_code == 404
    login(client, "ent")
    assert client.get(f"/enterprises/{city['zone']}").status_code == 404
    assert client.get("/my-enterprise").headers["location"] == f"/enterprises/{city['hanjiang']}"


def test_admin_and_viewer_see_the_whole_city_expert_sees_no_enterprise_data(client, city) -> None:  # type: ignore[no-untyped-def]
    for user, expected in [("admin1", 3), ("view", 3), ("exp", 0)]:
        listed = client.get("/api/v1/enterprises", headers=bearer(client, user)).json()
        assert listed["total"] == expected, user


def test_only_admins_manage_users_and_read_the_audit_log(client, city) -> None:  # type: ignore[no-untyped-def]
    for user in ["hj", "ent", "exp", "view"]:
        headers = bearer(client, user)
        assert client.get("/api/v1/users", headers=headers).status_code == 403, user
        assert client.get("/api/v1/audit", headers=headers).status_code == 403, user
        assert (
            client.post(
                "/api/v1/users",
                headers=headers,
                json={"username": "x1", "password": "password-1", "role": "admin"},
            ).status_code
            == 403
        )
    login(client, "hj")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403


PUBLIC = {"/login", "/lang/{lang}", "/api/docs", "/api/openapi.json", "/api/v1/auth/token"}


def _concrete(path: str) -> str:
    return path.replace("{enterprise_id}", "1").replace("{username}", "admin1").replace("{lang}", "en")


def test_anonymous_users_see_only_the_login_page(settings, engine, city) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from kechuang.web.routes import ROUTERS

    app = create_app(settings, engine)
    routes = [r for router in ROUTERS for r in router.routes if r.path not in PUBLIC]
    assert len(routes) > 10
    with TestClient(app, follow_redirects=False) as anon:
        for route in routes:
            for method in route.methods - {"HEAD"}:
                resp = anon.request(method, _concrete(route.path))
                if route.path.startswith("/api/"):
                    assert resp.status_code == 401, (method, route.path, resp.status_code)
                elif method == "GET":
                    assert resp.status_code == 303 and resp.headers["location"].startswith("/login"), (
                        route.path
                    )
                else:
                    assert resp.status_code in (303, 403), (method, route.path, resp.status_code)
