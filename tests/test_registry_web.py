"""Registry pages and API: list filters, profile, forms, import flow, export — scoped, on both databases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.enterprises.importer import import_file
from kechuang.enterprises.models import Enterprise, EnterpriseFigures
from tests.conftest import bearer, login
from tests.registry_files import filled_template, uscc

A, B, C = uscc("A1"), uscc("B2"), uscc("C3")


@pytest.fixture
def registry(factory, made):  # type: ignore[no-untyped-def]
    files = {
        "enterprises": filled_template(
            "enterprises",
            [
                [A, "扬州甲乙科技有限公司", "甲乙", "邗江区", None, "2019-04-12", "C3825", "小型", "否"],
                [B, "江都丙丁新材料有限公司", None, "江都区", None, None, "C2651", "中型", "是"],
                [C, "高新区戊己电子有限公司", None, "扬州国家高新区", None, None, "C3976", "微型", None],
            ],
        ),
        "figures": filled_template(
            "figures",
            [
                [A, None, 2023, 100, 20, 10, 40_000_000, 42_000_000],
                [A, None, 2024, 110, 25, 12, 48_000_000, 50_000_000],
                [B, None, 2024, 300, 40, 20, 90_000_000, 95_000_000],
            ],
        ),
        "titles": filled_template(
            "titles",
            [
                [A, None, "高新技术企业", "国家级", 2023, None, "2026-12-31"],
                [B, None, "科技型中小企业", "国家级", 2020, None, "2020-12-31"],
            ],
        ),
    }
    for name, content in files.items():
        with transaction(factory) as s:
            s.info["actor"] = SYSTEM
            import_file(s, actor=SYSTEM, dataset_name=name, content=content, filename=f"{name}.xlsx")
    with transaction(factory) as s:
        ids = {u: s.scalar(select(Enterprise.id).where(Enterprise.uscc == u)) for u in (A, B, C)}
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("ent", "enterprise", region_code="321003", enterprise_id=ids[A])
    made.user("view", "viewer")
    return ids


def _names(html: str) -> set[str]:
    return set(re.findall(r'<a href="/enterprises/\d+">([^<]+)</a>', html))


def test_list_filters_and_scope(client, registry) -> None:  # type: ignore[no-untyped-def]
    login(client, "boss")
    assert _names(client.get("/enterprises").text) == {
        "扬州甲乙科技有限公司",
        "江都丙丁新材料有限公司",
        "高新区戊己电子有限公司",
    }
    assert _names(client.get("/enterprises", params={"q": "甲乙"}).text) == {"扬州甲乙科技有限公司"}
    assert _names(client.get("/enterprises", params={"q": B}).text) == {"江都丙丁新材料有限公司"}
    assert _names(client.get("/enterprises", params={"region": "321003"}).text) == {
        "扬州甲乙科技有限公司",
        "高新区戊己电子有限公司",
    }
    assert _names(client.get("/enterprises", params={"title": "hnte"}).text) == {"扬州甲乙科技有限公司"}
    assert _names(client.get("/enterprises", params={"title": "tech_sme"}).text) == set()  # expired
    assert _names(client.get("/enterprises", params={"industry": "C39"}).text) == {"高新区戊己电子有限公司"}
    assert _names(client.get("/enterprises", params={"size": "medium"}).text) == {"江都丙丁新材料有限公司"}
    ranked = client.get("/enterprises", params={"sort": "revenue"}).text
    assert ranked.index("江都丙丁") < ranked.index("扬州甲乙") < ranked.index("高新区戊己")
    client.cookies.clear()
    login(client, "hj")
    assert _names(client.get("/enterprises").text) == {"扬州甲乙科技有限公司", "高新区戊己电子有限公司"}
    assert _names(client.get("/enterprises", params={"region": "321012"}).text) == set()


def test_profile_shows_figures_with_sources_titles_and_chart(client, registry) -> None:  # type: ignore[no-untyped-def]
    login(client, "hj")
    page = client.get(f"/enterprises/{registry[A]}").text
    assert "5,000万元" in page and "4,200万元" in page  # 万 formatting
    assert "导入 figures.xlsx 第 4 行" in page  # provenance of each figure
    assert "高新技术企业" in page and 'id="chart-trend"' in page
    assert client.get(f"/enterprises/{registry[B]}").status_code == 404


def test_export_imports_back_unchanged_through_the_web(client, registry) -> None:  # type: ignore[no-untyped-def]
    login(client, "boss")
    for name in ["enterprises", "figures", "titles"]:
        resp = client.get("/enterprises/export", params={"dataset_name": name})
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/vnd.openxml")
        token = client.cookies.get("kc_csrf")
        up = client.post(
            "/imports",
            data={"dataset_name": name, "csrf_token": token},
            files={"file": (f"{name}.xlsx", resp.content)},
        )
        assert up.status_code == 303
        preview = client.get(up.headers["location"]).text
        assert "检查通过" in preview and "disabled" in preview  # nothing to change


def test_district_export_holds_only_its_regions(client, registry) -> None:  # type: ignore[no-untyped-def]
    login(client, "hj")
    resp = client.get("/enterprises/export", params={"dataset_name": "enterprises"})
    from io import BytesIO

    import openpyxl

    ws = openpyxl.load_workbook(BytesIO(resp.content))["企业名单"]
    codes = {row[0] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert codes == {A, C}


def test_upload_preview_highlights_errors_then_confirm_writes(client, registry, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "boss")
    token = client.cookies.get("kc_csrf")
    bad = filled_template("figures", [[A, None, 2025, 10, 20], [C, None, 2025, "十", 1]])
    up = client.post(
        "/imports", data={"dataset_name": "figures", "csrf_token": token}, files={"file": ("bad.xlsx", bad)}
    )
    page = client.get(up.headers["location"]).text
    assert "2 处错误" in page and page.count('class="bad"') == 2
    good = filled_template("figures", [[A, None, 2025, 120, 30], [C, None, 2025, 15, 3]])
    up = client.post(
        "/imports", data={"dataset_name": "figures", "csrf_token": token}, files={"file": ("good.xlsx", good)}
    )
    batch = up.headers["location"]
    assert "检查通过" in client.get(batch).text
    with transaction(factory) as s:
        assert (
            s.scalar(select(EnterpriseFigures).where(EnterpriseFigures.year == 2025)) is None
        )  # preview only
    done = client.post(f"{batch}/confirm", data={"csrf_token": token})
    assert done.status_code == 200 and "新增 2" in done.text
    with transaction(factory) as s:
        assert len(s.scalars(select(EnterpriseFigures).where(EnterpriseFigures.year == 2025)).all()) == 2
    client.cookies.clear()
    login(client, "hj")
    assert client.get(batch).status_code == 404  # another user's batch


def test_forms_create_and_edit_with_scoping(client, registry, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "hj")
    token = client.cookies.get("kc_csrf")
    new = uscc("H8")
    bad = client.post(
        "/enterprises/new", data={"csrf_token": token, "uscc": new, "name": "", "region_code": "321012"}
    )
    assert bad.status_code == 422 and "企业名称" in bad.text and "管辖" in bad.text
    ok = client.post(
        "/enterprises/new",
        data={
            "csrf_token": token,
            "uscc": new,
            "name": "邗江新办公司",
            "region_code": "32100301",
            "listed": "否",
        },
    )
    assert ok.status_code == 303
    edit = client.post(
        f"/enterprises/{registry[A]}/edit",
        data={"csrf_token": token, "name": "扬州甲乙科技股份有限公司", "region_code": "321003"},
    )
    assert edit.status_code == 303
    assert (
        client.post(
            f"/enterprises/{registry[B]}/edit",
            data={"csrf_token": token, "name": "x", "region_code": "321012"},
        ).status_code
        == 404
    )
    figs = client.post(
        f"/enterprises/{registry[A]}/figures/2024",
        data={"csrf_token": token, "employees": "111", "tech_staff": "25", "operating_revenue": "5000万"},
    )
    assert figs.status_code == 422 and "营业收入" in figs.text
    figs = client.post(
        f"/enterprises/{registry[A]}/figures/2024",
        data={"csrf_token": token, "employees": "111", "tech_staff": "25", "operating_revenue": "50000000"},
    )
    assert figs.status_code == 303
    page = client.get(f"/enterprises/{registry[A]}").text
    assert (
        "用户 hj 录入" in page
        and "导入 figures.xlsx 第 4 行" not in page.split("职工总数")[1].split("</tr>")[0]
    )


def test_enterprise_user_edits_only_itself_and_viewer_nothing(client, registry) -> None:  # type: ignore[no-untyped-def]
    login(client, "ent")
    token = client.cookies.get("kc_csrf")
    assert client.get("/my-enterprise").headers["location"] == f"/enterprises/{registry[A]}"
    assert client.get("/enterprises").status_code == 403
    moved = client.post(
        f"/enterprises/{registry[A]}/edit",
        data={"csrf_token": token, "name": "甲乙", "region_code": "321012"},
    )
    assert moved.status_code == 422
    assert (
        client.post(f"/enterprises/{registry[C]}/figures/2024", data={"csrf_token": token}).status_code == 404
    )
    client.cookies.clear()
    login(client, "view")
    token = client.cookies.get("kc_csrf")
    assert client.get(f"/enterprises/{registry[A]}").status_code == 200
    assert (
        client.post(
            f"/enterprises/{registry[A]}/edit",
            data={"csrf_token": token, "name": "x", "region_code": "321003"},
        ).status_code
        == 403
    )
    assert client.get("/imports").status_code == 403


def test_api_list_get_create_update_and_import(client, registry) -> None:  # type: ignore[no-untyped-def]
    hj = bearer(client, "hj")
    listed = client.get("/api/v1/enterprises", headers=hj, params={"sort": "revenue"}).json()
    assert [e["uscc"] for e in listed["items"]] == [A, C]
    detail = client.get(f"/api/v1/enterprises/{registry[A]}", headers=hj).json()
    assert [f["year"] for f in detail["figures"]] == [2023, 2024] and detail["titles"][0]["type"] == "hnte"
    assert client.get(f"/api/v1/enterprises/{registry[B]}", headers=hj).status_code == 404
    created = client.post(
        "/api/v1/enterprises",
        headers=hj,
        json={"uscc": uscc("J1"), "name": "接口新建公司", "region_code": "邗江区", "aliases": ["接口"]},
    )
    assert created.status_code == 201, created.text
    assert created.json()["region_code"] == "321003" and created.json()["aliases"] == ["接口"]
    refused = client.post(
        "/api/v1/enterprises", headers=hj, json={"uscc": "123", "name": "", "region_code": "江都区"}
    )
    assert refused.status_code == 422  # the schema refuses first: every field at fault, by name
    assert sorted(p["field"] for p in refused.json()["problems"]) == ["name", "uscc"]
    outside = client.post(
        "/api/v1/enterprises",
        headers=hj,
        json={"uscc": uscc("J2"), "name": "外区公司", "region_code": "江都区"},
    )
    assert outside.status_code == 403 and outside.json()["problems"][0]["message"] == "不在您的管辖范围内"
    patched = client.patch(f"/api/v1/enterprises/{registry[C]}", headers=hj, json={"address": "高新路8号"})
    assert patched.status_code == 200 and patched.json()["address"] == "高新路8号"
    assert (
        client.patch(f"/api/v1/enterprises/{registry[B]}", headers=hj, json={"address": "x"}).status_code
        == 404
    )
    put = client.put(
        f"/api/v1/enterprises/{registry[C]}/figures/2024",
        headers=hj,
        json={"employees": 12, "tech_staff": 30},
    )
    assert put.status_code == 422
    content = filled_template("figures", [[C, None, 2024, 12, 3]])
    dry = client.post(
        "/api/v1/imports/figures", headers=hj, params={"dry_run": "true"}, files={"file": ("f.xlsx", content)}
    )
    assert dry.status_code == 200 and dry.json()["created"] == 1 and dry.json()["applied"] is False
    viewer = bearer(client, "view")
    assert (
        client.post(
            "/api/v1/imports/figures", headers=viewer, files={"file": ("f.xlsx", content)}
        ).status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/enterprises/{registry[C]}", headers=viewer, json={"address": "x"}).status_code
        == 403
    )
