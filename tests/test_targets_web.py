"""Target pages on the demo's two years of district figures: the heat table, a district's page, alerts,
exports and scope — on both databases."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select

from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.indicators import service
from kechuang.indicators.catalogue import CATALOGUE
from kechuang.indicators.demo import DISTRICTS, demo_indicators
from kechuang.indicators.models import Figure, IndicatorDef, Target
from kechuang.provenance import describe
from tests.conftest import login

TODAY = date(2026, 12, 1)


@pytest.fixture
def figures(factory):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert demo_indicators(s, today=TODAY) > 0
        assert demo_indicators(s, today=TODAY) == 0  # once


def test_catalogue_is_seeded_once_and_edits_survive(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert service.ensure_indicators(s) == len(CATALOGUE)
        s.get(IndicatorDef, "hnte_count").name = "高企数量"
    with transaction(factory) as s:
        assert service.ensure_indicators(s) == 0
        assert [i.name for i in service.catalogue(s) if i.code == "hnte_count"] == ["高企数量"]


def test_demo_has_two_years_for_every_district_and_indicator(figures, factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Target)) == 2 * len(DISTRICTS) * 9
        months = s.scalar(select(func.count()).select_from(Figure).where(Figure.year == 2025))
        assert months == 12 * len(DISTRICTS) * 9
        assert service.latest_period(s) == (2026, 11)
        d = service.dashboard(s, actor=SYSTEM, year=2026, month=11)
        assert d.frame.height == len(DISTRICTS) * 9
        assert {"green", "yellow", "red"} <= set(d.frame["light"])
        assert d.frame.filter(pl.col("indicator") == "hnte_count")["rank"].sort().to_list() == [
            1,
            2,
            3,
            4,
            5,
            6,
        ]


def test_dashboard_district_page_export_and_scope(figures, made, client) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("ex", "expert")
    login(client, "boss")
    page = client.get("/targets")
    assert page.status_code == 200 and "2026 年 1–11 月" in page.text
    heat = page.text.split('id="heat"')[1].split("</table>")[0]
    assert heat.count("<tr>") == 1 + len(DISTRICTS) and "高邮市" in heat and "万人发明专利拥有量" in heat
    assert 'id="target-alerts"' in page.text
    old = client.get("/targets?year=2025&month=6")
    assert "2025 年 1–6 月" in old.text
    district = client.get("/targets/region/321003?indicator=rd_spending")
    assert (
        district.status_code == 200
        and 'id="chart-progress"' in district.text
        and "全社会研发投入" in district.text
    )
    assert district.text.count('<tr data-light="') == 9
    export = client.get("/targets.xlsx")
    sheet = pl.read_excel(export.content, sheet_name="目标进度")
    assert sheet.height == len(DISTRICTS) * 9 and set(sheet["灯色"]) <= {"绿灯", "黄灯", "红灯", "灰灯"}
    client.cookies.clear()
    login(client, "hj")
    mine = client.get("/targets")
    heat = mine.text.split('id="heat"')[1].split("</table>")[0]
    assert heat.count("<tr>") == 2 and "邗江区" in heat and "高邮市" not in heat
    assert re.search(r"第\d", heat)  # its rank among all districts
    assert client.get("/targets/region/321084").status_code == 403
    assert pl.read_excel(client.get("/targets.xlsx").content, sheet_name="目标进度").height == 9
    client.cookies.clear()
    login(client, "ex")
    assert client.get("/targets").status_code == 403


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def _upload(client, content: bytes, name: str = "目标.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        "/targets-import",
        data={"csrf_token": _csrf(client, "/targets-import")},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def test_targets_and_figures_in_excel(figures, factory, made, client) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    login(client, "boss")
    current = client.get("/targets-import/current.xlsx").content
    same = _upload(client, current)
    assert same.status_code == 303 and "新增 0、修改 0" in client.get(same.headers["location"]).text
    book = load_workbook(io.BytesIO(client.get("/targets-import/template.xlsx").content))
    book["目标"].append(["邗江区", "技术合同成交额", 2027, 250000])
    book["月度数据"].append(["邗江区", "high_tech_output_share", 2026, 12, "51.2%", "邗江区统计快报"])
    book["月度数据"].append(["火星区", "研发投入", 2026, 13, "很多", ""])
    book["月度数据"].append(["邗江区", "高企数量", "二〇二六", 11, "nan", ""])
    bad = io.BytesIO()
    book.save(bad)
    refused = _upload(client, bad.getvalue(), "坏数据.xlsx")
    assert refused.status_code == 422
    for expected in (
        "工作表“月度数据”第 3 行「地区」：值“火星区”",
        "第 3 行「指标」：值“研发投入”",
        "第 3 行「月份」：值“13”",
        "第 3 行「数值」：值“很多”",
        "第 4 行「年度」：值“二〇二六”，应为四位年份",
        "第 4 行「数值」：值“nan”",
    ):
        assert expected in refused.text, expected
    book["月度数据"].delete_rows(3, 2)
    good = io.BytesIO()
    book.save(good)
    ok = _upload(client, good.getvalue())
    assert ok.status_code == 303 and "新增 2" in client.get(ok.headers["location"]).text
    with transaction(factory) as s:
        f = s.scalar(
            select(Figure).where(
                Figure.region_code == "321003",
                Figure.year == 2026,
                Figure.month == 12,
                Figure.indicator == "high_tech_output_share",
            )
        )
        assert f.value == pytest.approx(0.512) and f.source == "邗江区统计快报"
        t = s.scalar(select(Target).where(Target.region_code == "321003", Target.year == 2027))
        assert describe(t.source) == "导入 目标.xlsx 工作表“目标” 第 2 行"
    client.cookies.clear()
    login(client, "hj")
    mine = load_workbook(io.BytesIO(client.get("/targets-import/current.xlsx").content))
    assert {r[0].value for r in mine["月度数据"].iter_rows(min_row=2)} == {"邗江区"}
    mine["月度数据"].append(["高邮市", "高企数", 2026, 12, 500, ""])
    buf = io.BytesIO()
    mine.save(buf)
    refused = _upload(client, buf.getvalue())
    assert refused.status_code == 422 and "应为本辖区的地区" in refused.text
    assert (
        "年度目标由市科技局下达" in refused.text
    )  # its file carries its targets, which districts cannot set
