"""Every API input is bounded and every error is a 4xx in one JSON shape (issue 13): the server errors
the fuzzer found, each as a test, on both databases; plus what the OpenAPI document declares."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.enterprises import service
from kechuang.enterprises.columns import MAX_MONEY
from kechuang.enterprises.importer import import_file
from kechuang.enterprises.models import EnterpriseFigures
from kechuang.errors import InvalidInput
from kechuang.web.api_common import MAX_ID
from tests.conftest import bearer
from tests.registry_files import filled_template, uscc

HUGE = 3274877628267446224814000000  # far past 64 bits


@pytest.fixture
def api(client, made):  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    ent = made.enterprise("邗江测试公司", "321003", uscc=uscc("B1"))
    return client, bearer(client, "boss"), bearer(client, "hj"), ent


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    body = resp.json()
    assert isinstance(body["detail"], str) and body["detail"], body
    return sorted(p["field"] for p in body["problems"])


def test_an_empty_body_names_every_required_field(api) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, _ = api
    resp = client.post("/api/v1/enterprises", headers=admin, json={})
    assert resp.status_code == 422 and _fields(resp) == ["name", "region_code", "uscc"]
    assert all(p["message"] == "必填，不能缺少" for p in resp.json()["problems"])


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/enterprises/17897568260905458728960", "enterprise_id"),
        ("/api/v1/projects/11632366757923069624320", "project_id"),
        ("/api/v1/projects?page=420580846377522515791552459046912", "page"),
        ("/api/v1/enterprises?sort=revenue&page=3184812213715181109930656168044134400", "page"),
        ("/api/v1/audit?entity=&action=create&page=487947365092375077584896", "page"),
        (f"/api/v1/enterprises/{MAX_ID + 1}", "enterprise_id"),
        ("/api/v1/enterprises/0", "enterprise_id"),
        ("/api/v1/enterprises?page_size=501", "page_size"),
        ("/api/v1/projects?page=100001", "page"),
    ],
)
def test_out_of_range_numbers_are_422_naming_the_field(api, path: str, field: str) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, _ = api
    resp = client.get(path, headers=admin)
    assert resp.status_code == 422, resp.text
    assert _fields(resp) == [field]


def test_the_largest_id_is_simply_not_found(api) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, _ = api
    for path in (f"/api/v1/enterprises/{MAX_ID}", f"/api/v1/projects/{MAX_ID}"):
        resp = client.get(path, headers=admin)
        assert resp.status_code == 404 and set(resp.json()) == {"detail"}


def test_figures_beyond_the_columns_are_refused_and_the_bound_is_accepted(api, factory) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, ent = api
    url = f"/api/v1/enterprises/{ent}/figures/2024"
    resp = client.put(url, headers=admin, json={"tax_paid": HUGE, "employees": 2**40, "profit": -HUGE})
    assert resp.status_code == 422 and _fields(resp) == ["employees", "profit", "tax_paid"]
    assert (
        client.put(url, headers=admin, json={"tax_paid": "12"}).status_code == 422
    )  # a string is not a number
    ok = client.put(url, headers=admin, json={"tax_paid": MAX_MONEY, "profit": -MAX_MONEY})
    assert ok.status_code == 200 and ok.json()["tax_paid"] == MAX_MONEY
    assert client.put(f"/api/v1/enterprises/{ent}/figures/2999", headers=admin, json={}).status_code == 422


def test_the_service_and_the_import_bound_figures_too(factory, made) -> None:  # type: ignore[no-untyped-def]
    """Below the API: a form or a spreadsheet with a huge figure gets a problem, not an OverflowError."""
    ent = made.enterprise("邗江测试公司", "321003", uscc=uscc("B2"))
    with transaction(factory) as s, pytest.raises(InvalidInput) as info:
        service.save_figures(s, actor=SYSTEM, enterprise_id=ent, year=2024, values={"rd_expense": HUGE})
    assert [p.field for p in info.value.problems] == ["研发费用（元）"]
    content = filled_template("figures", [[uscc("B2"), None, 2024, 10, 3, 1, str(HUGE)]])
    with transaction(factory) as s, pytest.raises(InvalidInput) as info:
        import_file(s, actor=SYSTEM, dataset_name="figures", content=content, filename="f.xlsx")
    assert [(p.row, p.field) for p in info.value.problems] == [(3, "销售收入（元）")]
    with factory() as s:
        assert s.scalars(select(EnterpriseFigures)).all() == []


def test_conflicts_are_409_and_outside_the_district_403(api) -> None:  # type: ignore[no-untyped-def]
    client, admin, district, _ = api
    body = {"uscc": uscc("B1"), "name": "重复公司", "region_code": "321003"}
    dup = client.post("/api/v1/enterprises", headers=admin, json=body)
    assert dup.status_code == 409 and _fields(dup) == ["统一社会信用代码"]
    user = {"username": "hj", "password": "password-1", "role": "viewer"}
    assert client.post("/api/v1/users", headers=admin, json=user).status_code == 409
    away = client.post(
        "/api/v1/enterprises", headers=district, json={**body, "uscc": uscc("B3"), "region_code": "321012"}
    )
    assert away.status_code == 403 and _fields(away) == ["所属地区"]


def test_undeclared_methods_are_405_with_every_allowed_method(api) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, ent = api
    for path, allowed in [
        ("/api/v1/enterprises", {"GET", "POST"}),
        (f"/api/v1/enterprises/{ent}", {"GET", "PATCH"}),
        ("/api/v1/users", {"GET", "POST"}),
    ]:
        resp = client.delete(path, headers=admin)
        assert resp.status_code == 405, path
        assert {m.strip() for m in resp.headers["allow"].split(",")} - {"HEAD"} == allowed, path
        assert resp.json() == {"detail": "不支持该请求方法"}


def test_every_error_has_the_one_shape(api) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, _ = api
    anonymous = client.get("/api/v1/enterprises")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    missing = client.get("/api/v1/nothing-here", headers=admin)
    assert missing.status_code == 404 and missing.json() == {"detail": "接口不存在"}
    broken = client.post(
        "/api/v1/enterprises", headers={**admin, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert broken.status_code == 422 and broken.json()["problems"][0]["message"] == "请求体不是有效的 JSON"
    for until in ("0", "2024-02-30", "20240101"):
        dated = client.get("/api/v1/audit", headers=admin, params={"until": until})
        assert dated.status_code == 422 and _fields(dated) == ["until"], until
        assert dated.json()["problems"][0]["message"] == "应为日期 YYYY-MM-DD，如 2019-04-12"
    bad_day = client.post("/api/v1/assess", headers=admin, json={"as_of": "", "enterprises": []})
    assert bad_day.status_code == 422 and _fields(bad_day) == ["as_of"]


def test_audit_times_carry_their_zone(api) -> None:  # type: ignore[no-untyped-def]
    client, admin, _, _ = api
    client.post(
        "/api/v1/users", headers=admin, json={"username": "fay", "password": "password-1", "role": "viewer"}
    )
    items = client.get("/api/v1/audit", headers=admin).json()["items"]
    assert items and all(i["at"].endswith("+00:00") or i["at"].endswith("Z") for i in items)


def test_the_openapi_document_declares_bounds_and_errors(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/openapi.json").json()
    assert all(p.startswith("/api/") for p in doc["paths"]), "pages stay out of the API document"
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            declared = set(op["responses"])
            assert {"422"} <= declared, (method, path)
            if path != "/api/v1/auth/token":
                assert {"401", "403"} <= declared and op.get("security"), (method, path)
            for code in declared - {"200", "201", "204"}:
                ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", (method, path, code)
            for param in op.get("parameters", []):
                schema = param["schema"].get("anyOf", [param["schema"]])[0]
                if schema.get("type") == "integer":
                    assert "maximum" in schema, (method, path, param["name"])
                if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                    assert "maxLength" in schema or "pattern" in schema, (method, path, param["name"])
    figures = doc["components"]["schemas"]["FiguresIn"]["properties"]
    assert figures["tax_paid"]["anyOf"][0]["maximum"] == MAX_MONEY


def test_nul_characters_are_refused_not_a_server_error(api) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's text cannot hold NUL: a query, a path or a body with one is a 422 on both databases."""
    client, admin, _, ent = api
    for resp in (
        client.get("/api/v1/enterprises", headers=admin, params={"q": "a\x00b"}),
        client.get("/api/v1/chains/a%00b", headers=admin),
        client.get("/api/v1/audit", headers=admin, params={"actor": "\x00"}),
        client.patch(f"/api/v1/enterprises/{ent}", headers=admin, json={"address": "路\x00"}),
        client.post("/api/v1/auth/token", json={"username": "boss\x00", "password": "x"}),
    ):
        assert resp.status_code == 422, resp.text
        assert resp.json()["problems"][0]["message"] == "不能含有 NUL 字符 (\\u0000)"


def test_pages_answer_a_huge_number_with_a_4xx(api) -> None:  # type: ignore[no-untyped-def]
    """Pages bound nothing themselves: a number past 64 bits is caught as a 422 (or not found)."""
    from tests.conftest import login

    client, _, _, _ = api
    login(client, "boss")
    for path in (f"/enterprises/{HUGE}", f"/projects/{HUGE}", f"/enterprises?page={HUGE}"):
        assert 400 <= client.get(path).status_code < 500, path


def test_assess_bounds_its_figures_and_formats_any_ratio(api) -> None:  # type: ignore[no-untyped-def]
    """The fuzzer's assess 500: 6.4e31 tech staff made a percentage too long for Decimal's precision."""
    from fractions import Fraction

    from kechuang.units import format_percent

    client, admin, _, _ = api
    record = {"id": 1, "employees": 10310, "tech_staff": 64009353637063487818192270655488}
    resp = client.post("/api/v1/assess", headers=admin, json={"enterprises": [record]})
    assert resp.status_code == 422 and _fields(resp) == ["tech_staff"]
    tiny = {"id": 2, "years": {"2024": {"sales_revenue": 1e-300, "rd_expense": 1e15}}}
    assert client.post("/api/v1/assess", headers=admin, json={"enterprises": [tiny]}).status_code == 200
    assert format_percent(Fraction(10**315)).endswith("%")
