"""Key projects in the database: the demo's every colour, board and roll-ups, API filters and pagination,
overrides (validated, audited, expiring), history, and scope — on both databases."""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl
import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.projects import service
from kechuang.projects.demo import demo_projects
from kechuang.projects.models import Project, StatusChange
from kechuang.provenance import describe
from tests.conftest import bearer, login

TODAY = date.today()


@pytest.fixture
def city(factory):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=500, seed=8, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=TODAY.year - 3)
        assert demo_projects(s, today=TODAY) == 300
        assert demo_projects(s, today=TODAY) == 0  # once


def test_demo_projects_show_every_colour_for_real_reasons(city, factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        b = service.board(s, actor=SYSTEM)
        lights = dict(b.frame.group_by("light").len().iter_rows())
        assert set(lights) == {"green", "yellow", "red", "grey"} and sum(lights.values()) == 300
        reasons = " ".join(r for rs in b.frame["reasons"].to_list() for r in rs)
        for words in (
            "里程碑进度",
            "资金支出滞后",
            "资金支出超计划",
            "逾期未完成",
            "报告逾期未交",
            "尚未到考核节点",
            "正常：",
        ):
            assert words in reasons, words
        assert s.scalar(select(func.count()).select_from(StatusChange)) >= 300  # a year of history
        assert b.frame["chain_code"].drop_nulls().len() > 100
        from kechuang.chains.service import analyse

        attacked = analyse(s, actor=SYSTEM).chokepoints.filter(pl.col("projects") > 0)
        assert attacked.height > 0  # breakthrough projects count against the chokepoints they attack


def test_history_records_changes_only(city, factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        before = s.scalar(select(func.count()).select_from(StatusChange))
        service.board(s, actor=SYSTEM, record=True)
        after = s.scalar(select(func.count()).select_from(StatusChange))
        service.board(s, actor=SYSTEM, record=True)
        service.board(s, actor=SYSTEM)  # what pages do: read only
        assert s.scalar(select(func.count()).select_from(StatusChange)) == after >= before


def test_two_recorders_of_the_same_day_leave_one_row_with_the_last_state(city, factory) -> None:  # type: ignore[no-untyped-def]
    """Two workers (or an override and the daily job) that both saw a change write the same day:
    the unique key keeps one row per project and day, holding the state written last."""
    with factory() as s:
        pid = s.scalar(select(Project.id).order_by(Project.id).limit(1))
        before = s.scalar(
            select(func.count()).select_from(StatusChange).where(StatusChange.project_id == pid)
        )
    day = TODAY + timedelta(days=1)
    first, second = factory(), factory()
    try:
        for session, light in ((first, "red"), (second, "yellow")):
            row = {"project_id": pid, "light": light, "computed_light": light, "overridden": False}
            service.upsert_day(
                session, pl.DataFrame([{**row, "reasons": ["x"]}]).with_columns(on=pl.lit(day))
            )
            session.commit()
    finally:
        first.close()
        second.close()
    with factory() as s:
        rows = s.scalars(
            select(StatusChange).where(StatusChange.project_id == pid, StatusChange.on == day)
        ).all()
        total = s.scalar(select(func.count()).select_from(StatusChange).where(StatusChange.project_id == pid))
    assert [r.light for r in rows] == ["yellow"] and total == before + 1


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def test_override_is_validated_audited_and_expires(city, factory, made, client) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        b = service.board(s, actor=SYSTEM)
        red = b.frame.filter(pl.col("light") == "red").row(0, named=True)
    pid, region = red["project_id"], red["region_code"]
    made.user("boss", "admin")
    login(client, "boss")
    token = _csrf(client, f"/projects/{pid}")
    bad = client.post(
        f"/projects/{pid}/override",
        data={"csrf_token": token, "light": "purple", "note": "x", "expires_on": "soon"},
    )
    assert bad.status_code == 422
    assert (
        "灯色“purple”无效" in bad.text and "请写明调整理由" in bad.text and "有效期“soon”不是日期" in bad.text
    )
    expiry = (TODAY + timedelta(days=30)).isoformat()
    ok = client.post(
        f"/projects/{pid}/override",
        data={
            "csrf_token": token,
            "light": "yellow",
            "note": "已召开调度会，承担单位承诺月底前补齐",
            "expires_on": expiry,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = client.get(f"/projects/{pid}")
    assert "人工调整" in page.text and "已召开调度会" in page.text
    api = client.get(f"/api/v1/projects/{pid}").json()
    assert api["status"]["light"] == "yellow" and api["status"]["overridden"] is True
    assert api["status"]["computed_light"] == "red" and "已召开调度会" in api["status"]["reasons"][0]
    with transaction(factory) as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "project_overrides")))
        assert (
            len(entries) == 1
            and entries[0].actor_username == "boss"
            and "已召开调度会" in str(entries[0].after)
        )
        later = service.board(s, actor=SYSTEM, today=TODAY + timedelta(days=31), record=False)
        row = later.frame.filter(pl.col("project_id") == pid).row(0, named=True)
        assert row["overridden"] is False  # expired
        assert (
            s.scalar(
                select(StatusChange.overridden)
                .where(StatusChange.project_id == pid)
                .order_by(StatusChange.id.desc())
                .limit(1)
            )
            is True
        )
    revoked = client.post(
        f"/projects/{pid}/override", data={"csrf_token": token, "action": "revoke"}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert client.get(f"/api/v1/projects/{pid}").json()["status"]["overridden"] is False
    # a district operator of another district cannot override it
    other = "321084" if not region.startswith("321084") else "321002"
    made.user("far", "district", region_code=other)
    client.cookies.clear()
    login(client, "far")
    assert client.get(f"/projects/{pid}").status_code == 404


def test_board_api_filters_pagination_and_scope(city, factory, made, client) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("ex", "expert")
    with transaction(factory) as s:
        owner = s.scalar(
            select(Project.owner_enterprise_id).where(Project.owner_enterprise_id.is_not(None)).limit(1)
        )
        owned = s.scalar(
            select(func.count()).select_from(Project).where(Project.owner_enterprise_id == owner)
        )
        hanjiang = s.scalar(
            select(func.count()).select_from(Project).where(Project.region_code.like("321003%"))
        )
    made.user("firm", "enterprise", enterprise_id=owner)
    login(client, "boss")
    page = client.get("/projects")
    assert page.status_code == 200 and "本月预警" in page.text and 'id="rollup-region_code"' in page.text
    assert len(re.findall(r'<tr data-light="', page.text)) == 50
    assert client.get("/projects?light=red").text.count('<tr data-light="red"') >= 1
    assert 'data-light="green"' not in client.get("/projects?light=red").text.split('id="project-list"')[1]
    export = client.get("/projects.xlsx?light=red")
    sheet = pl.read_excel(export.content, sheet_name="项目清单")
    assert export.status_code == 200 and set(sheet["灯色"]) == {"红灯"}
    api = client.get("/api/v1/projects?page=2&page_size=20").json()
    assert api["total"] == 300 and api["page"] == 2 and len(api["items"]) == 20
    item = api["items"][0]
    assert set(item["status"]) >= {"light", "reasons", "overridden"} and item["status"]["light"] in (
        "green",
        "yellow",
        "red",
        "grey",
    )
    reds = client.get("/api/v1/projects?light=red&page_size=500").json()
    assert reds["total"] == sum(1 for _ in reds["items"]) and {
        i["status"]["light"] for i in reds["items"]
    } == {"red"}
    typed = client.get("/api/v1/projects?type=agri_rd&page_size=500").json()
    assert typed["total"] > 0 and {i["type"] for i in typed["items"]} == {"agri_rd"}
    chain = client.get("/api/v1/projects?chain=integrated_circuits&page_size=500").json()
    assert {i["chain"] for i in chain["items"]} <= {"integrated_circuits"}
    region = client.get("/api/v1/projects?region=321003&page_size=500").json()
    assert region["total"] == hanjiang
    assert client.get("/api/v1/projects?light=blue").status_code == 422
    client.cookies.clear()
    login(client, "hj")
    mine = client.get("/api/v1/projects?page_size=500").json()
    assert mine["total"] == hanjiang and all(i["region_code"].startswith("321003") for i in mine["items"])
    assert client.get("/api/v1/projects?region=321084").status_code == 403
    client.cookies.clear()
    headers = bearer(client, "firm")
    own = client.get("/api/v1/projects?page_size=500", headers=headers).json()
    assert own["total"] == owned and {i["owner"]["enterprise_id"] for i in own["items"]} == {owner}
    client.cookies.clear()
    login(client, "ex")
    assert client.get("/projects").status_code == 403


def _upload(client, content: bytes, name: str = "项目.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        "/projects-import",
        data={"csrf_token": _csrf(client, "/projects-import")},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def test_projects_excel_round_trip_errors_and_scope(city, factory, made, client) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    login(client, "boss")
    current = client.get("/projects-import/current.xlsx").content
    again = _upload(client, current)
    assert (
        again.status_code == 303 and "新增 0、修改 0、未变 300" in client.get(again.headers["location"]).text
    )
    book = load_workbook(io.BytesIO(client.get("/projects-import/template.xlsx").content))
    book["项目"].append(
        [
            "YZ2026GJ901",
            "高纯石英砂提纯关键核心技术攻关",
            "关键核心技术攻关",
            "",
            "扬州示例新材料有限公司",
            "扬州大学、江苏大学",
            "仪征市",
            "crystalline_pv.quartz_thermal",
            "坩埚内层用高纯石英砂",
            "3000000",
            "6000000",
            "2026-01-01",
            "2027-12-31",
        ]
    )
    book["里程碑"].append(["YZ2026GJ901", "中试线建成", "2026-06-30", "2026-07-10", "1", "验收报告"])
    book["资金"].append(["YZ2026GJ901", "计划", "财政", "2026-03-31", "1500000"])
    book["绩效指标"].append(["YZ2026GJ901", "纯度", "%", "99.998", "", "2027-12-31", "不低于"])
    book["报告"].append(["YZ2026GJ901", "半年度进展报告", "2026-07-15", ""])
    good = io.BytesIO()
    book.save(good)
    broken = load_workbook(io.BytesIO(good.getvalue()))
    broken["项目"].append(
        [
            "YZ2026GJ902",
            "",
            "挖矿",
            "91000000000000000X",
            "某单位",
            "",
            "火星区",
            "pv.nothing",
            "",
            "-5",
            "abc",
            "2026-13-01",
            "",
        ]
    )
    broken["资金"].append(["YZ2099XX001", "计划", "财政", "2026-03-31", "100"])
    broken["资金"].append(["YZ2026GJ901", "预算", "银行", "2026-03-31", "12.5"])
    bad = io.BytesIO()
    broken.save(bad)
    refused = _upload(client, bad.getvalue(), "坏项目.xlsx")
    assert refused.status_code == 422
    text = refused.text
    for expected in (
        "工作表“项目”第 3 行「项目名称」",
        "「项目类型」：值“挖矿”",
        "「承担单位统一社会信用代码」",
        "「地区」：值“火星区”",
        "「产业链节点编号」：值“pv.nothing”",
        "「财政资金（元）」：值“-5”",
        "「自筹资金（元）」：值“abc”",
        "「开始日期」：值“2026-13-01”",
        "「结束日期」：值“”",
        "工作表“资金”第 3 行「项目编号」：值“YZ2099XX001”",
        "工作表“资金”第 4 行「类别」：值“预算”",
        "第 4 行「资金来源」：值“银行”",
        "第 4 行「金额（元）」：值“12.5”",
    ):
        assert expected in text, expected
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 300  # nothing written
    created = _upload(client, good.getvalue())
    assert created.status_code == 303 and "新增 1" in client.get(created.headers["location"]).text
    with transaction(factory) as s:
        p = s.scalar(select(Project).where(Project.code == "YZ2026GJ901"))
        assert p.region_code == "321081" and p.item_id is not None and p.partners == "扬州大学|江苏大学"
        assert describe(p.source).startswith("导入 ") and "工作表“项目” 第 " in describe(p.source)
    client.cookies.clear()
    login(client, "hj")
    # the city's whole file includes other districts' projects: every one of them is refused
    refused = _upload(client, current)
    assert refused.status_code == 422 and "本辖区的地区" in refused.text
    mine = client.get("/projects-import/current.xlsx").content
    ok = _upload(client, mine)
    assert ok.status_code == 303 and "修改 0" in client.get(ok.headers["location"]).text


def test_list_projects_orders_pages_and_keeps_scope(city, factory, made) -> None:  # type: ignore[no-untyped-def]
    """The one list service behind the board and the API: severity order, pages that tile, bounds, scope."""
    from kechuang.auth.scope import Actor
    from kechuang.choices import Role
    from kechuang.errors import Forbidden, InvalidInput

    with transaction(factory) as s:
        every = service.list_projects(
            s, actor=SYSTEM, query=service.ProjectQuery(order="severity", page_size=500)
        )
        order = [service.SEVERITY_FIRST[r["light"]] for r in every.items]
        assert every.total == 300 and order == sorted(order)
        tiles = [
            r["code"]
            for p in (1, 2, 3)
            for r in service.list_projects(
                s, actor=SYSTEM, query=service.ProjectQuery(page=p, page_size=100)
            ).items
        ]
        assert tiles == sorted(r["code"] for r in every.items)
        with pytest.raises(InvalidInput):
            service.list_projects(s, actor=SYSTEM, query=service.ProjectQuery(page_size=0))
        under = frozenset(r["region_code"] for r in every.items if r["region_code"].startswith("321003"))
        district = Actor(None, "hj", Role.district, region_code="321003", region_codes=under | {"321003"})
        mine = service.list_projects(s, actor=district, query=service.ProjectQuery(page_size=500))
        assert mine.total and all(r["region_code"].startswith("321003") for r in mine.items)
        with pytest.raises(Forbidden):
            service.list_projects(s, actor=district, query=service.ProjectQuery(region="321084"))
