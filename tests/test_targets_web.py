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
from kechuang.indicators.demo import DISTRICTS, demo_indicators
from kechuang.indicators.models import Figure, IndicatorDef, Target
from tests.conftest import login

TODAY = date(2026, 12, 1)


@pytest.fixture
def figures(factory):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert demo_indicators(s, today=TODAY) > 0
        assert demo_indicators(s, today=TODAY) == 0  # once


def test_catalogue_is_seeded_once_and_edits_survive(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert service.ensure_indicators(s) == 9
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
        assert d.frame.filter(pl.col("indicator") == "hnte_count")["rank"].sort().to_list() == [1, 2, 3, 4, 5, 6]


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
    assert district.status_code == 200 and 'id="chart-progress"' in district.text and "全社会研发投入" in district.text
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
