"""The demands and capability-profile workbooks: the export imports back unchanged, a new row adds, a
bad file lists every problem with sheet, row, column, value and what was expected and writes nothing,
and scoping holds (a district imports only its enterprises' demands) — on both databases."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kechuang.auth.scope import SYSTEM
from kechuang.auth.service import actor_for
from kechuang.db import transaction
from kechuang.enterprises.models import Enterprise
from kechuang.matching import service, sheet
from kechuang.matching.models import Capability, Demand
from kechuang.matching.service import CapabilityValues, DemandValues


def _xlsx(content: bytes, edit) -> bytes:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(content))
    edit(wb.worksheets[0])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _col(ws, header: str) -> int:  # type: ignore[no-untyped-def]
    return next(c.column for c in ws[1] if c.value == header)


@pytest.fixture
def world(factory, made):  # type: ignore[no-untyped-def]
    hj = made.enterprise("扬州甲科技有限公司", "321003")
    gl = made.enterprise("广陵乙科技有限公司", "321002")
    district = made.user("hj", "district", region_code="321003")
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        service.post_demand(
            s,
            actor=SYSTEM,
            values=DemandValues(
                hj,
                "电芯热扩散",
                "储能舱电芯热失控后蔓延，需要隔热阻燃方案。",
                [{"name": "热扩散时间", "value": 30.0, "unit": "分钟"}],
                500000,
                800000,
                date.today() + timedelta(days=60),
            ),
            today=date.today(),
        )
        service.save_capability(
            s,
            actor=SYSTEM,
            values=CapabilityValues(
                name="储能安全团队",
                kind="team",
                description="电池热失控与热扩散抑制研究团队。",
                results=["专利一", "专利二"],
                keywords=["热失控", "阻燃"],
                region_code="321003",
            ),
        )
        usccs = dict(s.execute(select(Enterprise.id, Enterprise.uscc)).all())
        actor = actor_for(s, s.merge(district))
    return {"hj": usccs[hj], "gl": usccs[gl], "district": actor}


def test_demands_round_trip_and_add(factory, world) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        content = sheet.demands_workbook(s, actor=SYSTEM)
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        result = sheet.import_demands(s, actor=SYSTEM, content=content, filename="需求.xlsx")
        assert (result.created, result.updated) == (0, 1)
        d = s.scalars(select(Demand)).one()
        assert (
            d.indicators == [{"name": "热扩散时间", "value": 30.0, "unit": "分钟"}] and d.budget_max == 800000
        )

    def add(ws):  # type: ignore[no-untyped-def]
        ws.append(
            [
                "",
                world["hj"],
                "",
                "光伏背板开裂",
                "组件背板户外两年开裂，需要耐候配方。",
                "",
                "",
                "",
                "",
                "",
                "",
                "公开",
            ]
        )

    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        result = sheet.import_demands(s, actor=SYSTEM, content=_xlsx(content, add), filename="需求.xlsx")
        assert result.created == 1
        new = s.scalars(select(Demand).where(Demand.title == "光伏背板开裂")).one()
        assert "需求.xlsx" in new.source and "第 " in new.source


def test_bad_demands_file_lists_everything_and_writes_nothing(factory, world) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        content = sheet.demands_workbook(s, actor=SYSTEM, empty=True)

    def bad(ws):  # type: ignore[no-untyped-def]
        ws.append(
            [
                "",
                "91321000XXXXXXXXXX",
                "",
                "名称",
                "描述够十个字了吧这是描述",
                "",
                "五十万",
                "",
                "2020-01-01",
                "",
                "",
                "公开",
            ]
        )
        ws.append(["", world["hj"], "", "", "短", "没有数字", "", "", "", "", "", "保密"])

    with transaction(factory) as s, pytest.raises(sheet.MatchingSheetError) as exc:
        sheet.import_demands(s, actor=SYSTEM, content=_xlsx(content, bad), filename="bad.xlsx")
    messages = "\n".join(p.message for p in exc.value.problems)
    assert messages.count("第 3 行「需求名称」") == 1
    for words in (
        "第 2 行「企业统一社会信用代码」",
        "「预算下限（元）」：值“五十万”",
        "第 2 行「期望解决日期」",
        "第 3 行「需求名称」",
        "「公开范围」：值“保密”",
        "「技术指标",
    ):
        assert words in messages, words
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Demand)) == 1


def test_district_imports_only_its_enterprises(factory, world) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        content = sheet.demands_workbook(s, actor=SYSTEM, empty=True)

    def other(ws):  # type: ignore[no-untyped-def]
        ws.append(
            [
                "",
                world["gl"],
                "",
                "广陵的需求",
                "这是广陵区企业的需求描述文字。",
                "",
                "",
                "",
                "",
                "",
                "",
                "公开",
            ]
        )

    with transaction(factory) as s, pytest.raises(sheet.MatchingSheetError) as exc:
        s.info["actor"] = world["district"]
        sheet.import_demands(s, actor=world["district"], content=_xlsx(content, other), filename="d.xlsx")
    assert "本辖区" in exc.value.problems[0].message


def test_capabilities_round_trip_unchanged_and_bad_rows(factory, world) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        content = sheet.capabilities_workbook(s, actor=SYSTEM)
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        result = sheet.import_capabilities(s, actor=SYSTEM, content=content, filename="c.xlsx")
        assert (result.created, result.updated, result.unchanged) == (0, 0, 1)

    def bad(ws):  # type: ignore[no-untyped-def]
        ws.append(
            [
                "",
                "某团队",
                "魔法师",
                "",
                "介绍介绍介绍介绍介绍介绍",
                "",
                "",
                "",
                "",
                "",
                "",
                "nope.node",
                "火星区",
                "",
            ]
        )

    with transaction(factory) as s, pytest.raises(sheet.MatchingSheetError) as exc:
        sheet.import_capabilities(s, actor=SYSTEM, content=_xlsx(content, bad), filename="c.xlsx")
    messages = "\n".join(p.message for p in exc.value.problems)
    assert "「类型」：值“魔法师”" in messages and "「所在地区（市外留空）」：值“火星区”" in messages
    assert "图谱节点编号" in messages
    with pytest.raises(Exception, match="市科技局"), transaction(factory) as s:
        sheet.import_capabilities(s, actor=world["district"], content=content, filename="c.xlsx")
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Capability)) == 1
