"""Carrier and talent pages on a small demo city: the list and a carrier's page by role, the map's panel,
the 零突破 list, the form and tenants (every problem shown, nothing written), the workbook pages, talent
names by permission, the carrier/talent/apartment API and the enterprise profile's carriers — on both
databases."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from typing import Any
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kechuang.auth.scope import SYSTEM
from kechuang.carriers.demo import demo_carriers
from kechuang.carriers.models import Carrier, Tenant
from kechuang.carriers.schemas import CarrierIn
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises.models import Enterprise
from kechuang.regions.service import district_of
from kechuang.talent.models import Apartment, Talent
from tests.conftest import bearer, login

HANJIANG, GUANGLING = "321003", "321002"
TODAY = date.today()
USERS = {"admin": "boss", "viewer": "view", "district": "hj", "expert": "exp", "enterprise": "firm"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NANJING = {"lng": "118.7969", "lat": "32.0603"}
FORM = {
    "name": "测试创新孵化器",
    "kind": "incubator",
    "level": "municipal",
    "region_code": HANJIANG,
    "recognised_year": "2020",
    "lng": "119.40",
    "lat": "32.38",
    "system": "WGS-84",
    "area_m2": "5000",
}


@pytest.fixture
def city(factory, made):  # type: ignore[no-untyped-def]
    """The demo city (300 enterprises), the atlas and the demo carriers, talent and apartments; one user per
    role; a provincial incubator and a national one in 邗江区 and a carrier in 广陵区."""
    with transaction(factory) as s:
        load_city(s, n=300, seed=11, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_carriers(s, today=TODAY)
    made.user("boss", "admin")
    made.user("view", "viewer")
    made.user("hj", "district", region_code=HANJIANG)
    made.user("exp", "expert")
    ent = made.enterprise("载体测试企业有限公司", HANJIANG)
    made.user("firm", "enterprise", enterprise_id=ent)
    with factory() as s:
        district = district_of(s)
        under = sorted(code for code, d in district.items() if d == HANJIANG)

        def first(*where: Any) -> int:
            found = s.scalar(select(Carrier.id).where(*where).order_by(Carrier.id).limit(1))
            assert found is not None, where
            return found

        incubator = first(
            Carrier.kind == "incubator", Carrier.level == "provincial", Carrier.region_code.in_(under)
        )
        national = first(Carrier.kind == "incubator", Carrier.level == "national")
        guangling = first(Carrier.region_code == GUANGLING)
        busy = {
            eid for (eid,) in s.execute(select(Tenant.enterprise_id).where(Tenant.carrier_id == incubator))
        }
        free = s.scalar(
            select(Enterprise.uscc)
            .where(Enterprise.region_code == HANJIANG, Enterprise.id.not_in(busy))
            .order_by(Enterprise.id)
            .limit(1)
        )
        names = {c.id: (c.name, c.region_code) for c in s.scalars(select(Carrier))}
    return {
        "incubator": incubator,
        "national": national,
        "guangling": guangling,
        "free_uscc": free,
        "under": set(under),
        "names": names,
        "outsider": ent,
    }


def _as(client, role: str):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    return login(client, USERS[role])


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, path
    return found.group(1)


def _count(factory, model: type, *where: Any) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _section(page: str, ident: str, end: str = "</section>") -> str:
    assert f'id="{ident}"' in page, ident
    return page.split(f'id="{ident}"')[1].split(end)[0]


def _problems(page: str) -> list[str]:
    """The messages of a form page's problem box."""
    assert 'class="alert error"' in page
    box = page.split('class="alert error"')[1].split("</div>")[0]
    return [html.unescape(p) for p in re.findall(r"<li>(.*?)</li>", box)]


def _listed(page: str) -> list[str]:
    """The carrier names in the list page's table."""
    body = _section(page, "carrier-list", "</tbody>")
    return [html.unescape(n) for n in re.findall(r'<a href="/carriers/\d+">([^<]+)</a>', body)]


def _tenant_counts(page: str) -> tuple[int, int]:
    found = re.search(r'id="tenant-counts">(\d+) / (\d+)', page)
    assert found
    return int(found.group(1)), int(found.group(2))


def test_list_for_each_reader_with_counts(city, client) -> None:  # type: ignore[no-untyped-def]
    everything = {name for name, _ in city["names"].values()}
    own = {name for name, region in city["names"].values() if region in city["under"]}
    for role, expected in (("admin", everything), ("viewer", everything), ("district", own)):
        _as(client, role)
        page = client.get("/carriers")
        assert page.status_code == 200, role
        assert f"共 {len(expected)} 个载体" in page.text, role
        assert set(_listed(page.text)) == expected and len(_listed(page.text)) == len(expected), role
        api = client.get("/api/v1/carriers", headers=bearer(client, USERS[role])).json()
        assert api["total"] == len(expected), role
    assert 0 < len(own) < len(everything)
    _as(client, "admin")
    incubators = _listed(client.get("/carriers?kind=incubator").text)
    assert incubators and len(incubators) < len(everything)
    # the list's counts are the tenant counts the carrier's page and the API compute
    api = client.get(f"/api/v1/carriers/{city['incubator']}").json()
    row = re.search(
        rf'<a href="/carriers/{city["incubator"]}">.*?</a>.*?<td class="num">(\d+)</td><td class="num">(\d+)</td>',
        client.get("/carriers").text,
        re.S,
    )
    assert row and (int(row.group(1)), int(row.group(2))) == (api["tenants"], api["graduates"])
    assert _tenant_counts(client.get(f"/carriers/{city['incubator']}").text) == (
        api["tenants"],
        api["graduates"],
    )
    assert api["tenants"] > 0
    for role in ("expert", "enterprise"):
        _as(client, role)
        assert client.get("/carriers").status_code == 403, role


def test_incubator_page_shows_the_gaps_and_its_tenants(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    page = client.get(f"/carriers/{city['incubator']}")
    assert page.status_code == 200
    assert city["names"][city["incubator"]][0] in page.text
    gaps = _section(page.text, "next-level")
    assert "离国家级科技企业孵化器还差" in gaps
    api = client.get(f"/api/v1/carriers/{city['incubator']}").json()
    assert api["evaluation"]["target"] == "国家级科技企业孵化器"
    assert gaps.count("<tr>") == len(api["evaluation"]["criteria"]) + 1  # with the header row
    tenants = client.get(f"/api/v1/carriers/{city['incubator']}/tenants").json()
    rows = _section(page.text, "tenants", "</tbody>")
    assert rows.count("<tr>") == len(tenants) + 1 and len(tenants) > 0
    for t in tenants[:5]:
        assert f'<a href="/enterprises/{t["enterprise_id"]}">' in rows
    assert 'id="tenant-form"' in page.text  # the bureau may register tenants
    national = client.get(f"/carriers/{city['national']}").text
    assert 'id="next-level"' not in national and "还差" not in national
    assert client.get(f"/api/v1/carriers/{city['national']}").json()["evaluation"] is None
    _as(client, "viewer")
    shown = client.get(f"/carriers/{city['incubator']}").text
    assert 'id="next-level"' in shown and 'id="tenant-form"' not in shown


def test_panel_is_the_maps_fragment(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    resp = client.get(f"/carriers/{city['incubator']}/panel")
    assert resp.status_code == 200
    assert resp.text.lstrip().startswith(f'<div class="carrier-panel" data-carrier="{city["incubator"]}"')
    assert "<html" not in resp.text and "<body" not in resp.text
    assert city["names"][city["incubator"]][0] in resp.text
    tenants = client.get(f"/api/v1/carriers/{city['incubator']}/tenants").json()
    incubating = [t for t in tenants if t["status"] == "incubating"]
    listed = re.findall(r'<li><a href="/enterprises/(\d+)">', resp.text)
    assert len(listed) == min(12, len(incubating)) > 0
    assert {int(i) for i in listed} <= {t["enterprise_id"] for t in incubating}
    assert "离国家级科技企业孵化器还差" in resp.text


def test_district_gets_404_for_another_districts_carrier(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "district")
    token = bearer(client, "hj")
    out, inside = city["guangling"], city["incubator"]
    for path in ("/carriers/{}", "/carriers/{}/panel", "/carriers/{}/edit"):
        assert client.get(path.format(out)).status_code == 404, path
        assert client.get(path.format(inside)).status_code == 200, path
    for path in ("/api/v1/carriers/{}", "/api/v1/carriers/{}/tenants"):
        assert client.get(path.format(out), headers=token).status_code == 404, path
        assert client.get(path.format(inside), headers=token).status_code == 200, path
    tenants = _count(factory, Tenant, Tenant.carrier_id == out)
    form = {"csrf_token": _csrf(client, "/carriers"), "uscc": city["free_uscc"], "entered_on": "2024-01-01"}
    assert client.post(f"/carriers/{out}/tenants", data=form).status_code == 404
    assert _count(factory, Tenant, Tenant.carrier_id == out) == tenants


def test_next_level_lists_incubators_below_national_nearest_first(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    ranked = client.get("/api/v1/incubators/next-level", headers=bearer(client, "boss"))
    assert ranked.status_code == 200
    rows = ranked.json()
    with factory() as s:
        below = set(
            s.scalars(select(Carrier.id).where(Carrier.kind == "incubator", Carrier.level != "national"))
        )
    assert {r["carrier_id"] for r in rows} == below and len(rows) == len(below) > 1
    assert all(r["level"] != "national" for r in rows)
    failing = [r["failing"] for r in rows]
    assert failing == sorted(failing)
    for a, b in zip(rows, rows[1:], strict=False):
        if a["failing"] == b["failing"]:
            assert a["shortfall"] <= b["shortfall"]
    page = client.get("/carriers/next-level")
    assert page.status_code == 200
    body = _section(page.text, "next-level-list", "</tbody>")
    shown = re.findall(
        r'<a href="/carriers/(\d+)">.*?<td class="num">(\d+)</td><td class="small">', body, re.S
    )
    assert [(int(i), int(n)) for i, n in shown] == [(r["carrier_id"], r["failing"]) for r in rows]
    national = city["names"][city["national"]][0]
    assert national not in body
    _as(client, "district")
    mine = client.get("/api/v1/incubators/next-level").json()
    assert mine and {r["region_code"] for r in mine} <= city["under"]
    assert len(mine) < len(rows)
    assert client.get(f"/api/v1/incubators/next-level?region_code={GUANGLING}").status_code == 403


def test_admin_creates_a_carrier_through_the_form(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    assert client.get("/carriers/new").status_code == 200
    before = _count(factory, Carrier)
    resp = client.post("/carriers", data={**FORM, "csrf_token": _csrf(client, "/carriers/new")})
    assert resp.status_code == 303
    with factory() as s:
        made = s.scalars(select(Carrier).where(Carrier.name == FORM["name"])).one()
        assert (made.region_code, made.kind, made.approximate) == (HANJIANG, "incubator", False)
        assert (made.lng, made.lat) == (119.4, 32.38)
    assert resp.headers["location"] == f"/carriers/{made.id}"
    page = client.get(resp.headers["location"])
    assert page.status_code == 200 and FORM["name"] in page.text and 'id="next-level"' in page.text
    assert _count(factory, Carrier) == before + 1
    assert f"共 {before + 1} 个载体" in client.get("/carriers").text
    again = client.post("/carriers", data={**FORM, "csrf_token": _csrf(client, "/carriers/new")})
    assert again.status_code == 422 and "已有同名载体" in again.text
    assert _count(factory, Carrier) == before + 1


def test_a_bad_form_shows_every_problem_and_writes_nothing(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    before = _count(factory, Carrier)
    form = {**FORM, **NANJING, "name": "", "csrf_token": _csrf(client, "/carriers/new")}
    resp = client.post("/carriers", data=form)
    assert resp.status_code == 422
    problems = _problems(resp.text)
    assert len(problems) == 2, problems
    assert any("载体名称" in p and "名称不能为空" in p for p in problems)
    assert any("不在扬州市范围内" in p and "118.7969" in p for p in problems)
    assert 'id="carrier-form"' in resp.text and 'value="118.7969"' in resp.text  # the form keeps the input
    odd = client.post("/carriers", data={**form, "name": "坏数字", "lng": "东经", "recognised_year": "去年"})
    assert odd.status_code == 422
    assert any("经纬度" in p and "应为数字" in p for p in _problems(odd.text))
    assert any("认定年份" in p for p in _problems(odd.text))
    assert _count(factory, Carrier) == before
    assert _count(factory, Carrier, Carrier.name == "坏数字") == 0


def test_viewer_and_another_district_cannot_create(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    before = _count(factory, Carrier)
    _as(client, "viewer")
    assert client.get("/carriers/new").status_code == 403
    refused = client.post("/carriers", data={**FORM, "csrf_token": _csrf(client, "/carriers")})
    assert refused.status_code == 403
    _as(client, "district")
    token = _csrf(client, "/carriers/new")
    form = {**FORM, "region_code": GUANGLING, "lng": "", "lat": "", "csrf_token": token}
    assert client.post("/carriers", data=form).status_code == 403
    assert _count(factory, Carrier) == before
    assert GUANGLING not in re.findall(r'<option value="(\d+)"', client.get("/carriers/new").text)
    own = client.post("/carriers", data={**FORM, "name": "邗江自建众创空间", "csrf_token": token})
    assert own.status_code == 303
    assert _count(factory, Carrier) == before + 1


def test_tenants_through_the_form(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    cid = city["incubator"]
    page = client.get(f"/carriers/{cid}").text
    counts, rows = _tenant_counts(page), _section(page, "tenants", "</tbody>").count("<tr>")
    token = _csrf(client, f"/carriers/{cid}")
    unknown = {
        "csrf_token": token,
        "uscc": "91321000MA0000000X",
        "status": "incubating",
        "entered_on": "2024-01-01",
    }
    bad = client.post(f"/carriers/{cid}/tenants", data=unknown)
    assert bad.status_code == 422
    assert any(
        "企业库中企业的统一社会信用代码" in p and "91321000MA0000000X" in p for p in _problems(bad.text)
    )
    assert _tenant_counts(client.get(f"/carriers/{cid}").text) == counts
    good = client.post(f"/carriers/{cid}/tenants", data={**unknown, "uscc": city["free_uscc"]})
    assert good.status_code == 303 and good.headers["location"] == f"/carriers/{cid}#tenants"
    after = client.get(f"/carriers/{cid}").text
    assert _tenant_counts(after) == (counts[0] + 1, counts[1])
    assert _section(after, "tenants", "</tbody>").count("<tr>") == rows + 1
    late = client.post(
        f"/carriers/{cid}/tenants",
        data={**unknown, "uscc": city["free_uscc"], "status": "graduated", "graduated_on": ""},
    )
    assert late.status_code == 422 and any("毕业日期" in p for p in _problems(late.text))
    assert _tenant_counts(client.get(f"/carriers/{cid}").text) == (counts[0] + 1, counts[1])


def test_viewer_tenant_post_is_refused_whatever_the_form(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "viewer")
    cid = city["incubator"]
    tenant = {"csrf_token": _csrf(client, f"/carriers/{cid}"), "uscc": "91321000MA0000000X"}
    assert (
        client.post(f"/carriers/{cid}/tenants", data={**tenant, "entered_on": "2024-01-01"}).status_code
        == 403
    )


def test_viewer_carrier_update_is_refused_whatever_the_form(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "viewer")
    cid = city["incubator"]
    form = {**FORM, "lng": "东经", "csrf_token": _csrf(client, f"/carriers/{cid}")}
    resp = client.post(f"/carriers/{cid}", data=form)
    assert resp.status_code == 403 and 'id="carrier-form"' not in resp.text


def test_viewer_cannot_add_a_valid_tenant(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "viewer")
    cid = city["incubator"]
    before = _count(factory, Tenant, Tenant.carrier_id == cid)
    form = {
        "csrf_token": _csrf(client, f"/carriers/{cid}"),
        "uscc": city["free_uscc"],
        "entered_on": "2024-01-01",
    }
    assert client.post(f"/carriers/{cid}/tenants", data=form).status_code == 403
    assert client.post(f"/carriers/{cid}", data={**FORM, "csrf_token": form["csrf_token"]}).status_code == 403
    assert _count(factory, Tenant, Tenant.carrier_id == cid) == before


def test_workbook_pages_download_and_import_back_unchanged(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "viewer")
    for path in ("/carriers-import", "/carriers-import/template.xlsx", "/carriers-import/data.xlsx"):
        assert client.get(path).status_code == 403, path
    _as(client, "admin")
    page = client.get("/carriers-import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    template = client.get("/carriers-import/template.xlsx")
    assert template.status_code == 200 and template.headers["content-type"].startswith(XLSX)
    assert "attachment" in template.headers["content-disposition"]
    book = load_workbook(io.BytesIO(template.content), read_only=True)
    assert book.sheetnames == ["科创载体", "在孵企业", "年度数据"]
    assert all(ws.max_row <= 1 for ws in book.worksheets)  # headers only
    data = client.get("/carriers-import/data.xlsx")
    assert data.status_code == 200 and data.headers["content-type"].startswith(XLSX)
    rows = load_workbook(io.BytesIO(data.content), read_only=True)["科创载体"]
    assert sum(1 for r in rows.iter_rows(min_row=2, values_only=True) if r[0]) == len(city["names"])
    before = (_count(factory, Carrier), _count(factory, Tenant))
    token = _csrf(client, "/carriers-import")
    resp = client.post(
        "/carriers-import", data={"csrf_token": token}, files={"file": ("载体.xlsx", data.content, XLSX)}
    )
    assert resp.status_code == 303
    loaded = unquote(resp.headers["location"])
    assert loaded.startswith("/carriers-import?loaded=") and "新增 0、修改 0、未变" in loaded
    shown = client.get(resp.headers["location"]).text
    assert "未变" in _section(shown, "import-loaded", "</div>")
    after = (_count(factory, Carrier), _count(factory, Tenant))
    assert after == before
    missing = client.post("/carriers-import", data={"csrf_token": token})
    assert missing.status_code == 422 and "请选择要上传的科创载体文件" in missing.text


def test_a_broken_workbook_lists_its_problem_and_writes_nothing(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    book = load_workbook(io.BytesIO(client.get("/carriers-import/data.xlsx").content))
    ws = book["科创载体"]
    headers = [c.value for c in ws[1]]
    column = headers.index("所在地区") + 1
    name = ws.cell(row=2, column=1).value
    ws.cell(row=2, column=column).value = "火星区"
    out = io.BytesIO()
    book.save(out)
    token = _csrf(client, "/carriers-import")
    resp = client.post(
        "/carriers-import", data={"csrf_token": token}, files={"file": ("坏.xlsx", out.getvalue(), XLSX)}
    )
    assert resp.status_code == 422
    problems = [
        html.unescape(p)
        for p in re.findall(r"<li>(.*?)</li>", _section(resp.text, "import-problems", "</div>"))
    ]
    assert len(problems) == 1, problems
    assert "工作表“科创载体”第 2 行「所在地区」" in problems[0] and "火星区" in problems[0]
    assert "整个文件未写入" in resp.text
    with factory() as s:
        region = s.scalar(select(Carrier.region_code).where(Carrier.name == name))
    assert region is not None and region != "火星区"


def test_talent_names_only_for_those_who_may_see_them(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as s:
        newest = s.scalar(select(Talent.name).order_by(Talent.year.desc(), Talent.id.desc()).limit(1))
        people = int(s.scalar(select(func.count()).select_from(Talent)) or 0)
    assert newest and people > 0
    _as(client, "admin")
    page = client.get("/talent")
    assert page.status_code == 200
    assert newest in _section(page.text, "talent-names")
    admin_counts = _section(page.text, "talent-counts", "</table>")
    _as(client, "viewer")
    page = client.get("/talent")
    assert page.status_code == 200
    names = _section(page.text, "talent-names")
    assert newest not in page.text and "<table" not in names and "只显示人数" in names
    counts = _section(page.text, "talent-counts", "</table>")
    assert counts == admin_counts  # the same counts table, without the names
    totals = [int(n) for n in re.findall(r"<strong>(\d+)</strong>", counts)]
    assert len(totals) == 6 and sum(totals) == people
    assert client.get("/talent-import/data.xlsx").status_code == 403
    assert client.get("/talent-import").status_code == 403
    _as(client, "admin")
    data = client.get("/talent-import/data.xlsx")
    assert data.status_code == 200 and data.headers["content-type"].startswith(XLSX)
    _as(client, "expert")
    assert client.get("/talent").status_code == 403


def test_api_creates_a_carrier_from_the_schema_example_and_refuses_bad_places(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    example = CarrierIn.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
    admin = bearer(client, "boss")
    before = _count(factory, Carrier)
    resp = client.post("/api/v1/carriers", json=example, headers=admin)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["name"] == example["name"] and body["approximate"] is False
    assert body["tenants"] == 0 and body["evaluation"]["target"] == "国家级科技企业孵化器"
    assert client.get(f"/api/v1/carriers/{body['id']}", headers=admin).json()["name"] == example["name"]
    outside = client.post(
        "/api/v1/carriers",
        json={**example, "name": "南京载体", "lng": 118.7969, "lat": 32.0603},
        headers=admin,
    )
    assert outside.status_code == 422
    problems = outside.json()["problems"]
    assert [p["field"] for p in problems] == ["lng"] and "不在扬州市范围内" in problems[0]["message"]
    beyond = client.post("/api/v1/carriers", json={**example, "name": "越界载体", "lng": 200}, headers=admin)
    assert beyond.status_code == 422 and beyond.json()["problems"]
    assert _count(factory, Carrier) == before + 1
    assert (
        client.post(
            "/api/v1/carriers", json={**example, "name": "看看"}, headers=bearer(client, "view")
        ).status_code
        == 403
    )
    district = {**example, "name": "广陵载体", "region_code": GUANGLING, "lng": None, "lat": None}
    assert client.post("/api/v1/carriers", json=district, headers=bearer(client, "hj")).status_code == 403
    assert _count(factory, Carrier) == before + 1


def test_api_talent_names_and_apartments(city, client, factory) -> None:  # type: ignore[no-untyped-def]
    viewer = client.get("/api/v1/talent", headers=bearer(client, "view"))
    assert viewer.status_code == 200
    seen = viewer.json()
    assert seen["names_visible"] is False and seen["people"] == []
    admin = client.get("/api/v1/talent", headers=bearer(client, "boss")).json()
    assert admin["names_visible"] is True and admin["people"]
    assert admin["counts"] == seen["counts"] and sum(c["people"] for c in seen["counts"]) > 0
    district = client.get("/api/v1/talent", headers=bearer(client, "hj")).json()
    assert district["names_visible"] is True and district["people"]
    assert {p["region_code"] for p in district["people"]} <= city["under"]
    assert {c["region_code"] for c in district["counts"]} == {HANJIANG}
    assert client.get("/api/v1/talent", headers=bearer(client, "exp")).status_code == 403
    token = bearer(client, "boss")
    flats = _count(factory, Apartment)
    body = {"name": "测试人才公寓", "region_code": HANJIANG, "units": 10, "occupied": 20}
    full = client.post("/api/v1/talent/apartments", json=body, headers=token)
    assert full.status_code == 422
    assert [p["field"] for p in full.json()["problems"]] == ["occupied"]
    assert _count(factory, Apartment) == flats
    made = client.post("/api/v1/talent/apartments", json={**body, "occupied": 8}, headers=token)
    assert made.status_code == 201 and made.json()["approximate"] is True
    assert _count(factory, Apartment) == flats + 1


def test_enterprise_profile_shows_its_carriers(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    tenants = client.get(f"/api/v1/carriers/{city['incubator']}/tenants").json()
    assert tenants
    page = client.get(f"/enterprises/{tenants[0]['enterprise_id']}")
    assert page.status_code == 200
    carriers = _section(page.text, "enterprise-carriers", "</ul>")
    name = city["names"][city["incubator"]][0]
    assert name in carriers and f'<a href="/carriers/{city["incubator"]}">' in carriers
    outsider = client.get(f"/enterprises/{city['outsider']}").text
    assert "未登记在孵" in _section(outsider, "enterprise-carriers", "</ul>")
