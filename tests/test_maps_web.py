"""The three map pages (产业地图, 科创载体地图, 人才公寓地图) on a small demo city: the embedded view,
scope by role, filters, the table view against the xlsx export, no talent names on the apartment map,
the map API against the pages, and the targets page's district map — on both databases."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kechuang.auth.scope import SYSTEM
from kechuang.carriers.demo import demo_carriers
from kechuang.carriers.models import Carrier
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.indicators.demo import demo_indicators
from kechuang.maps.views import INDUSTRY_MEASURES
from kechuang.regions.service import district_of
from kechuang.talent.models import Talent
from tests.conftest import bearer, login

HANJIANG, GUANGLING = "321003", "321002"
TODAY = date.today()
USERS = {"admin": "boss", "viewer": "view", "district": "hj", "expert": "exp", "enterprise": "firm"}


@pytest.fixture
def city(factory, made):  # type: ignore[no-untyped-def]
    """The demo city (300 enterprises), the atlas with its demo links, and the demo carriers, talent and
    apartments; one user per role. Returns every carrier's (name, region code, kind, level)."""
    with transaction(factory) as s:
        load_city(s, n=300, seed=11, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=TODAY.year - 3)
        demo_carriers(s, today=TODAY)
    made.user("boss", "admin")
    made.user("view", "viewer")
    made.user("hj", "district", region_code=HANJIANG)
    made.user("exp", "expert")
    ent = made.enterprise("地图测试企业有限公司", HANJIANG)
    made.user("firm", "enterprise", enterprise_id=ent)
    with factory() as s:
        carriers = s.execute(select(Carrier.name, Carrier.region_code, Carrier.kind, Carrier.level)).all()
        talent = sorted(s.scalars(select(Talent.name)))
        district = district_of(s)
    return {"carriers": [tuple(c) for c in carriers], "talent": talent, "district": district}


def _as(client, role: str):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    return login(client, USERS[role])


def map_data(page: str, map_id: str = "map") -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="{map_id}-data">(.*?)</script>', page, re.S)
    assert found, f"no {map_id}-data in the page"
    return json.loads(found.group(1))


def points(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for s in view["series"] for p in s["points"]]


def table_rows(page: str, title: str) -> list[list[str]]:
    """The rows of the table view's table ``title`` (cell texts, unescaped)."""
    found = re.search(rf'data-title="{title}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert found, f"no table {title}"
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def sheet_rows(content: bytes, sheet: str) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(content), read_only=True)[sheet]
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if any(c is not None for c in r)]


def test_maps_redirects_to_the_industry_map(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    resp = client.get("/maps")
    assert resp.status_code == 303 and resp.headers["location"] == "/maps/industry"


def test_each_map_for_admin_has_six_areas_and_points(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    for kind in ("industry", "carriers", "apartments"):
        resp = client.get(f"/maps/{kind}")
        assert resp.status_code == 200, kind
        view = map_data(resp.text)
        assert view["kind"] == kind
        assert len(view["areas"]) == 6, kind
        assert len({a["code"] for a in view["areas"]}) == 6
        assert points(view), f"{kind} map has no points"
        assert all(set(p) >= {"lng", "lat", "value", "size", "approximate"} for p in points(view))
        assert "tables" not in view  # the tables stay on the server
    carriers = map_data(client.get("/maps/carriers").text)
    assert len(points(carriers)) == len(city["carriers"])
    assert {p["name"] for p in points(carriers)} == {c[0] for c in city["carriers"]}
    assert sum(a["value"] or 0 for a in carriers["areas"]) == len(city["carriers"])
    assert carriers["truncated"] is False
    assert all(p["panel"] == f"/carriers/{p['id']}/panel" for p in points(carriers))
    flats = map_data(client.get("/maps/apartments").text)
    assert len(points(flats)) == 30
    assert all(0 <= p["occupied"] <= p["value"] for p in points(flats))


def test_district_sees_one_area_and_only_its_carriers(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "district")
    under = {code for code, d in city["district"].items() if d == HANJIANG}
    own = {c[0] for c in city["carriers"] if c[1] in under}
    assert own and len(own) < len(city["carriers"])
    view = map_data(client.get("/maps/carriers").text)
    assert [(a["code"], a["name"]) for a in view["areas"]] == [(HANJIANG, "邗江区")]
    assert {p["name"] for p in points(view)} == own
    assert {p["region"] for p in points(view)} == {HANJIANG}
    assert view["areas"][0]["value"] == len(own)
    for kind in ("industry", "apartments"):
        other = map_data(client.get(f"/maps/{kind}").text)
        assert [a["name"] for a in other["areas"]] == ["邗江区"], kind
    flats = map_data(client.get("/maps/apartments").text)
    assert {p["region"] for p in points(flats)} <= {HANJIANG}
    industry = map_data(client.get("/maps/industry").text)
    approximate = {p["place"] for p in points(industry) if p["approximate"] and "（在孵）" not in p["place"]}
    assert approximate <= {"邗江区"}
    sheet = sheet_rows(client.get("/maps/carriers.xlsx").content, "载体")
    assert {r[0] for r in sheet} == own


def test_viewer_gets_every_map_and_expert_and_enterprise_are_refused(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "viewer")
    for kind in ("industry", "carriers", "apartments"):
        resp = client.get(f"/maps/{kind}")
        assert resp.status_code == 200, kind
        assert len(map_data(resp.text)["areas"]) == 6
    assert len(points(map_data(client.get("/maps/carriers").text))) == len(city["carriers"])
    for role in ("expert", "enterprise"):
        _as(client, role)
        for path in ("/maps/carriers", "/maps/apartments", "/maps/industry", "/maps/carriers.xlsx"):
            assert client.get(path).status_code == 403, (role, path)
        assert client.get("/api/v1/maps/carriers").status_code == 403, role


def test_table_view_shows_the_rows_of_the_export(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    view = map_data(client.get("/maps/carriers").text)
    page = client.get("/maps/carriers?view=table")
    assert page.status_code == 200
    assert 'id="map-data"' not in page.text  # the table instead of the map
    assert 'id="map-tables" hidden' not in page.text
    rows = table_rows(page.text, "载体")
    export = client.get("/maps/carriers.xlsx")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = sheet_rows(export.content, "载体")
    assert len(rows) == len(sheet) == len(points(view)) == len(city["carriers"])
    assert [r[0] for r in rows] == [r[0] for r in sheet]
    assert {r[0] for r in sheet} == {p["name"] for p in points(view)}
    by_name = {p["name"]: p for p in points(view)}
    for r in sheet:
        assert r[4] == by_name[r[0]]["value"] and r[2] == by_name[r[0]]["level"], r[0]
    districts = table_rows(page.text, "区县")
    assert len(districts) == 6 and sum(int(r[1]) for r in districts) == len(city["carriers"])
    assert client.get("/maps/nowhere.xlsx").status_code == 404
    for kind, title in (("industry", "点位"), ("apartments", "人才公寓")):
        page = client.get(f"/maps/{kind}?view=table").text
        exported = sheet_rows(client.get(f"/maps/{kind}.xlsx").content, title)
        assert [r[0] for r in table_rows(page, title)] == [str(r[0]) for r in exported], kind


def test_filters_narrow_the_carrier_points(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    everything = len(points(map_data(client.get("/maps/carriers").text)))
    incubators = map_data(client.get("/maps/carriers?kind=incubator").text)
    expected = {c[0] for c in city["carriers"] if c[2] == "incubator"}
    assert {p["name"] for p in points(incubators)} == expected
    assert [s["key"] for s in incubators["series"]] == ["incubator"]
    assert 0 < len(expected) < everything
    national = map_data(client.get("/maps/carriers?kind=incubator&level=national").text)
    wanted = {c[0] for c in city["carriers"] if c[2] == "incubator" and c[3] == "national"}
    assert {p["name"] for p in points(national)} == wanted and 0 < len(wanted) < len(expected)
    assert {p["level"] for p in points(national)} == {"国家级"}
    provincial = map_data(client.get("/maps/carriers?level=provincial").text)
    assert len(points(provincial)) == sum(c[3] == "provincial" for c in city["carriers"])
    page = client.get("/maps/carriers?kind=incubator&level=national").text
    assert '<option value="incubator" selected>' in page
    export = sheet_rows(client.get("/maps/carriers.xlsx?kind=incubator&level=national").content, "载体")
    assert {r[0] for r in export} == wanted
    table = client.get("/maps/carriers?kind=incubator&level=national&view=table").text
    assert {r[0] for r in table_rows(table, "载体")} == wanted
    assert points(map_data(client.get("/maps/carriers?kind=nothing").text)) == []


def test_industry_measure_changes_the_label_and_an_unknown_one_falls_back(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    default = map_data(client.get("/maps/industry").text)
    assert default["measure"]["key"] == "enterprises" and default["measure"]["label"] == "链上企业数"
    for key, (label, unit) in INDUSTRY_MEASURES.items():
        page = client.get(f"/maps/industry?measure={key}").text
        view = map_data(page)
        assert view["measure"] == {"key": key, "label": label, "unit": unit}
        assert f"区县底色：{label}（{unit}）" in page
        assert f'<option value="{key}" selected>' in page
        assert view["chain"] == default["chain"]
    odd = map_data(client.get("/maps/industry?measure=bogus").text)
    assert odd["measure"]["key"] == "enterprises" and odd["measure"]["label"] == "链上企业数"
    # every enterprise on the chain is counted once: the points add up to the district table
    page = client.get("/maps/industry?view=table").text
    assert sum(int(r[1]) for r in table_rows(page, "区县")) == sum(p["count"] for p in points(default)) > 0
    assert client.get("/api/v1/maps/industry?measure=bogus").status_code == 422


def test_industry_map_of_one_node_is_part_of_the_chain(city, client) -> None:  # type: ignore[no-untyped-def]
    _as(client, "admin")
    whole = map_data(client.get("/maps/industry").text)
    page = client.get("/maps/industry").text
    nodes = re.findall(r'<select name="node">(.*?)</select>', page, re.S)[0]
    codes = [c for c in re.findall(r'<option value="([^"]*)"', nodes) if c]
    assert codes, "the node picker is empty"
    total = sum(p["count"] for p in points(whole))
    counts = []
    for code in codes[:5]:
        part = map_data(client.get(f"/maps/industry?chain={whole['chain']}&node={code}").text)
        assert part["node"] == code
        counts.append(sum(p["count"] for p in points(part)))
    assert all(n <= total for n in counts)
    other = [c["code"] for c in whole["chains"] if c["code"] != whole["chain"]]
    if other:
        assert map_data(client.get(f"/maps/industry?chain={other[0]}").text)["chain"] == other[0]


def test_apartment_map_holds_no_talent_names(city, client) -> None:  # type: ignore[no-untyped-def]
    assert city["talent"]
    _as(client, "admin")
    for query in ("", "?view=table"):
        page = client.get(f"/maps/apartments{query}").text
        longest = max(city["talent"], key=len)
        assert longest not in page
        assert city["talent"][0] not in page
    view = map_data(client.get("/maps/apartments").text)
    assert not {p["name"] for p in points(view)} & set(city["talent"])
    assert sum(a["value"] or 0 for a in view["areas"]) > 0  # but the people are counted
    assert "不含姓名" in view["note"]
    export = load_workbook(io.BytesIO(client.get("/maps/apartments.xlsx").content), read_only=True)
    cells = {str(c) for ws in export.worksheets for r in ws.iter_rows(values_only=True) for c in r if c}
    assert not cells & set(city["talent"])


def test_api_maps_return_the_points_of_the_pages(city, client) -> None:  # type: ignore[no-untyped-def]
    for role in ("admin", "district", "viewer"):
        _as(client, role)
        token = bearer(client, USERS[role])
        for kind, query in (("carriers", ""), ("carriers", "?kind=incubator"), ("apartments", "")):
            shown = map_data(client.get(f"/maps/{kind}{query}").text)
            by_cookie = client.get(f"/api/v1/maps/{kind}{query}")
            assert by_cookie.status_code == 200, (role, kind)
            by_token = client.get(f"/api/v1/maps/{kind}{query}", headers=token).json()
            assert len(points(by_token)) == len(points(by_cookie.json())) == len(points(shown)), (role, kind)
            assert [a["code"] for a in by_token["areas"]] == [a["code"] for a in shown["areas"]]
        industry = client.get("/api/v1/maps/industry?measure=hnte", headers=token).json()
        page = map_data(client.get("/maps/industry?measure=hnte").text)
        assert industry["measure"]["label"] == page["measure"]["label"] == "链上高新技术企业数"
        assert sum(p["count"] for p in points(industry)) == sum(p["count"] for p in points(page))
    _as(client, "district")
    mine = client.get("/api/v1/maps/carriers").json()
    assert len(mine["areas"]) == 1 and len(points(mine)) < len(city["carriers"])


@pytest.fixture
def indicators(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert demo_indicators(s, today=date(2026, 12, 1)) > 0
    made.user("boss", "admin")
    made.user("hj", "district", region_code=HANJIANG)


def test_targets_page_has_the_district_map_of_the_chosen_indicator(indicators, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "boss")
    page = client.get("/targets")
    assert page.status_code == 200 and 'id="target-map"' in page.text
    section = page.text.split('id="target-map"')[1].split("</section>")[0]
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', section)
    assert len(options) >= 2
    first = map_data(page.text, "target-choropleth")
    assert first["kind"] == "indicator" and len(first["areas"]) == 6
    assert first["measure"]["label"] == options[0][1]
    code, name = next(o for o in options if o[0] == "hnte_count")
    chosen = client.get(f"/targets?map_indicator={code}").text
    view = map_data(chosen, "target-choropleth")
    assert view["measure"]["label"] == name != first["measure"]["label"]
    assert f'<option value="{code}" selected>' in chosen.split('id="target-map"')[1]
    assert all(a["value"] is not None and a["value"] > 0 for a in view["areas"])
    assert view["measure"]["unit"] == "家" and view["areas"][0]["display"].endswith("家")
    odd = map_data(client.get("/targets?map_indicator=nonsense").text, "target-choropleth")
    assert odd["measure"]["label"] == options[0][1]
    client.cookies.clear()
    login(client, "hj")
    assert [a["code"] for a in map_data(client.get("/targets").text, "target-choropleth")["areas"]] == [
        HANJIANG
    ]
