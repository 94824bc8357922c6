"""The carriers workbook: the export imports back unchanged, the template imports nothing, a new row
adds, a bad file lists every problem with file, sheet, row and column and writes nothing, a district
operator cannot import into another district, yearly figures and approximate points survive the round
trip — on both databases."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.auth.service import actor_for
from kechuang.carriers import geo, service, sheet
from kechuang.carriers.models import Carrier, CarrierYear, Tenant
from kechuang.carriers.service import CarrierValues, TenantValues, YearValues
from kechuang.carriers.sheet import CARRIER_SHEET, TENANT_SHEET, YEAR_SHEET, CarrierSheetError
from kechuang.chains.models import AtlasCluster, Chain, ChainNode
from kechuang.db import transaction
from kechuang.enterprises.models import Enterprise
from kechuang.errors import Forbidden

HANJIANG_CENTRE = (119.397994, 32.377655)
GUANGLING_CENTRE = (119.431849, 32.39472)
YIZHENG_CENTRE = (119.184766, 32.272258)
FIGURES_2023 = {
    "tenant_area_m2": 7_500.5,
    "fund": 5_000_000,
    "fund_cases": 3,
    "financed_tenants": 5,
    "financing": 12_000_000,
    "tenant_revenue": 88_000_000,
    "staff": 10,
    "pro_staff": 8,
    "mentors": 5,
    "patent_tenants": 25,
    "ip_tenants": 14,
    "tenant_patents": 61,
}


def _edit(content: bytes, edits: dict[str, Callable]) -> bytes:  # type: ignore[type-arg]
    wb = load_workbook(io.BytesIO(content))
    for name, edit in edits.items():
        edit(wb[name])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(fields, **cells) -> list:  # type: ignore[no-untyped-def]
    """A row in the sheet's column order, by field key (headers as declared)."""
    return [cells.get(f.key, "") for f in fields]


def _counts(factory) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0) for m in (Carrier, Tenant, CarrierYear)
        )  # type: ignore[return-value]


def _export(factory, actor=SYSTEM, empty: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return sheet.carriers_workbook(s, actor=actor, empty=empty)


def _import(factory, content: bytes, actor=SYSTEM, filename: str = "载体.xlsx") -> sheet.ImportResult:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        return sheet.import_carriers(
            s, actor=actor, content=content, filename=filename, today=date(2025, 6, 30)
        )


@pytest.fixture
def world(factory, made):  # type: ignore[no-untyped-def]
    operator = made.enterprise("扬州孵化运营有限公司", "321003")
    t1 = made.enterprise("在孵甲科技有限公司", "321003")
    t2 = made.enterprise("毕业乙科技有限公司", "321003")
    t3 = made.enterprise("迁出丙科技有限公司", "321002")
    spare = made.enterprise("待入驻丁科技有限公司", "321003")
    gcj = geo.wgs84_to_gcj02(119.40, 32.37)
    with transaction(factory) as s:
        cluster = AtlasCluster(code="energy", name="新能源")
        s.add(cluster)
        s.flush()
        chain = Chain(code="pv", cluster_id=cluster.id, name="光伏")
        s.add(chain)
        s.flush()
        s.add_all(
            ChainNode(code=c, chain_id=chain.id, stage="midstream", name=c) for c in ("pv.cell", "pv.module")
        )
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        hj = service.save_carrier(
            s,
            actor=SYSTEM,
            values=CarrierValues(
                name="邗江孵化器",
                kind="incubator",
                level="provincial",
                region_code="321003",
                recognised_year=2018,
                recognition_document="苏科高发〔2018〕1号",
                operator_enterprise_id=operator,
                operator_name="扬州孵化运营有限公司",
                address="文昌西路 1 号",
                lng=119.42,
                lat=32.39,
                area_m2=12_000.5,
                opened_on=date(2016, 5, 1),
                legal_person=True,
                node_codes=["pv.cell", "pv.module"],
            ),
        )
        gl = service.save_carrier(
            s,
            actor=SYSTEM,
            values=CarrierValues(
                name="广陵众创空间", kind="maker_space", level="municipal", region_code="321002"
            ),
        )
        zone = service.save_carrier(
            s,
            actor=SYSTEM,
            values=CarrierValues(
                name="高新区加速器",
                kind="accelerator",
                level="national",
                region_code="32100302",
                lng=gcj[0],
                lat=gcj[1],
                system="GCJ-02",
                legal_person=False,
            ),
        )
        today = date(2025, 6, 30)
        for values in (
            TenantValues(hj.id, t1, date(2022, 3, 1)),
            TenantValues(hj.id, t2, date(2020, 3, 1), "graduated", graduated_on=date(2023, 7, 1)),
            TenantValues(hj.id, t3, date(2021, 3, 1), "left", left_on=date(2024, 1, 15)),
        ):
            service.save_tenant(s, actor=SYSTEM, values=values, today=today)
        service.save_year(s, actor=SYSTEM, values=YearValues(hj.id, 2023, dict(FIGURES_2023)))
        service.save_year(s, actor=SYSTEM, values=YearValues(hj.id, 2024, {"fund": 6_000_000, "staff": 12}))
        usccs = dict(s.execute(select(Enterprise.id, Enterprise.uscc)).all())
        ids = {"hj": hj.id, "gl": gl.id, "zone": zone.id}
    return {"usccs": {k: usccs[v] for k, v in {"t1": t1, "t2": t2, "spare": spare}.items()}, **ids}


def test_export_imports_back_unchanged(factory, world) -> None:  # type: ignore[no-untyped-def]
    content = _export(factory)
    before = _counts(factory)
    with transaction(factory) as s:
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
    result = _import(factory, content)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3 + 3 + 2)
    assert _counts(factory) == before == (3, 3, 2)
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits  # nothing written


def test_exported_sheets_hold_what_is_stored(factory, world) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(_export(factory)))
    assert wb.sheetnames == ["科创载体", "在孵企业", "年度数据"]
    rows = [r for r in wb["科创载体"].iter_rows(values_only=True)]
    assert list(rows[0]) == [f.header for f in CARRIER_SHEET.fields]
    hj, gl, zone = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert (hj["载体名称"], hj["类型"], hj["级别"], hj["所在地区"]) == (
        "邗江孵化器",
        "科技企业孵化器",
        "省级",
        "邗江区",
    )
    assert (hj["经度"], hj["纬度"], hj["独立法人"]) == (119.42, 32.39, "是")
    assert hj["服务产业链节点编号（、分隔）"] == "pv.cell、pv.module"
    assert (gl["经度"], gl["纬度"]) == (None, None)  # approximate: exported blank
    assert zone["所在地区"] == "扬州国家高新区" and zone["坐标系"] == "WGS-84" and zone["独立法人"] == "否"
    assert zone["经度"] == pytest.approx(119.40, abs=2e-6) and zone["纬度"] == pytest.approx(32.37, abs=2e-6)
    tenants = [r for r in wb["在孵企业"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[3], r[5], r[6]) for r in tenants] == [
        ("邗江孵化器", "已毕业", "2023-07-01", None),
        ("邗江孵化器", "已迁出", None, "2024-01-15"),
        ("邗江孵化器", "在孵", None, None),
    ]


def test_template_imports_nothing(factory, world) -> None:  # type: ignore[no-untyped-def]
    content = _export(factory, empty=True)
    wb = load_workbook(io.BytesIO(content))
    assert [ws.max_row for ws in wb.worksheets] == [1, 1, 1]
    result = _import(factory, content)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert _counts(factory) == (3, 3, 2)


def test_a_new_row_adds_a_carrier_with_its_tenant_and_year(factory, world) -> None:  # type: ignore[no-untyped-def]
    content = _edit(
        _export(factory),
        {
            "科创载体": lambda ws: ws.append(
                _row(
                    CARRIER_SHEET.fields,
                    name="仪征新孵化器",
                    kind="科技企业孵化器",
                    level="市级",
                    recognised_year=2021,
                    region="仪征市",
                    area_m2=5000,
                    opened_on="2019-05-01",
                    legal_person="是",
                    node_codes="pv.module",
                )
            ),
            "在孵企业": lambda ws: ws.append(
                _row(
                    TENANT_SHEET.fields,
                    carrier="仪征新孵化器",
                    uscc=world["usccs"]["spare"],
                    entered_on="2024-02-01",
                )
            ),
            "年度数据": lambda ws: ws.append(
                _row(YEAR_SHEET.fields, carrier="仪征新孵化器", year=2024, staff=4)
            ),
        },
    )
    result = _import(factory, content, filename="新增.xlsx")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 8)
    with transaction(factory) as s:
        c = s.scalars(select(Carrier).where(Carrier.name == "仪征新孵化器")).one()
        assert (c.kind, c.level, c.region_code, c.recognised_year, c.area_m2) == (
            "incubator",
            "municipal",
            "321081",
            2021,
            5000,
        )
        assert (c.lng, c.lat, c.approximate) == (*YIZHENG_CENTRE, True)
        assert (c.opened_on, c.legal_person, c.node_codes) == (date(2019, 5, 1), True, "pv.module")
        assert c.source == "新增.xlsx 工作表“科创载体”第 5 行"
        t = s.scalars(select(Tenant).where(Tenant.carrier_id == c.id)).one()
        assert (t.status, t.entered_on, t.region_code) == ("incubating", date(2024, 2, 1), "321081")
        assert t.source == "新增.xlsx 工作表“在孵企业”第 5 行"
        y = s.scalars(select(CarrierYear).where(CarrierYear.carrier_id == c.id)).one()
        assert (y.year, y.staff, y.fund) == (2024, 4, None)
    assert _counts(factory) == (4, 4, 3)


def test_a_changed_tenant_row_updates_it(factory, world) -> None:  # type: ignore[no-untyped-def]
    def graduate(ws) -> None:  # type: ignore[no-untyped-def]
        for row in ws.iter_rows(min_row=2):
            if row[3].value == "在孵":
                row[3].value, row[5].value = "已毕业", "2025-01-10"

    result = _import(factory, _edit(_export(factory), {"在孵企业": graduate}))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 7)
    with transaction(factory) as s:
        statuses = sorted(s.scalars(select(Tenant.status)))
        assert statuses == ["graduated", "graduated", "left"]
        counts = service.tenant_counts(s, [world["hj"]], date(2025, 6, 30))
        assert counts == {world["hj"]: (0, 2)}


def test_a_bad_file_lists_every_problem_and_writes_nothing(factory, world) -> None:  # type: ignore[no-untyped-def]
    before = _counts(factory)

    def carriers(ws) -> None:  # type: ignore[no-untyped-def]
        ws.append(
            _row(CARRIER_SHEET.fields, name="坏载体一", kind="众创空间", level="市级", region="南京市鼓楼区")
        )
        ws.append(
            _row(
                CARRIER_SHEET.fields,
                name="坏载体二",
                kind="众创空间",
                level="市级",
                region="邗江区",
                lng=118.7969,
                lat=32.0603,
            )
        )

    def tenants(ws) -> None:  # type: ignore[no-untyped-def]
        ws.append(
            _row(
                TENANT_SHEET.fields, carrier="邗江孵化器", uscc="91321000MA0000000X", entered_on="2022-01-01"
            )
        )
        ws.append(
            _row(
                TENANT_SHEET.fields,
                carrier="不存在的载体",
                uscc=world["usccs"]["spare"],
                entered_on="2022-01-01",
            )
        )
        ws.append(
            _row(
                TENANT_SHEET.fields,
                carrier="邗江孵化器",
                uscc=world["usccs"]["spare"],
                status="已毕业",
                entered_on="2021-01-01",
            )
        )

    def years(ws) -> None:  # type: ignore[no-untyped-def]
        ws.append(_row(YEAR_SHEET.fields, carrier="邗江孵化器", year=2023, fund=1))

    content = _edit(_export(factory), {"科创载体": carriers, "在孵企业": tenants, "年度数据": years})
    with pytest.raises(CarrierSheetError) as exc:
        _import(factory, content, filename="bad.xlsx")
    messages = [p.message for p in exc.value.problems]
    assert messages == [
        "bad.xlsx 工作表“科创载体”第 5 行「所在地区」：值“南京市鼓楼区”，应为本市的地区名称或代码",
        "bad.xlsx 工作表“科创载体”第 6 行「经度」：值“118.7969, 32.0603”，坐标（118.796900, 32.060300）不在扬州市范围内",
        "bad.xlsx 工作表“在孵企业”第 5 行「企业统一社会信用代码」：值“91321000MA0000000X”，应为企业库中企业的统一社会信用代码",
        "bad.xlsx 工作表“在孵企业”第 6 行「载体名称」：值“不存在的载体”，应为“科创载体”表或已登记的载体名称",
        "bad.xlsx 工作表“在孵企业”第 7 行「毕业日期」：值“”，状态为“已毕业”时应填写日期",
        "bad.xlsx 工作表“年度数据”第 4 行「年份」：值“2023”，应为同一载体的每一年只填一行",
    ]
    assert [(p.file, p.row, p.field) for p in exc.value.problems] == [
        ("bad.xlsx", 5, "所在地区"),
        ("bad.xlsx", 6, "经度"),
        ("bad.xlsx", 5, "企业统一社会信用代码"),
        ("bad.xlsx", 6, "载体名称"),
        ("bad.xlsx", 7, "毕业日期"),
        ("bad.xlsx", 4, "年份"),
    ]
    assert _counts(factory) == before
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Carrier).where(Carrier.name.like("坏载体%"))) == 0
        assert s.scalar(select(CarrierYear.fund).where(CarrierYear.year == 2023)) == 5_000_000


def test_bad_cells_are_named_by_their_column(factory, world) -> None:  # type: ignore[no-untyped-def]
    def carriers(ws) -> None:  # type: ignore[no-untyped-def]
        ws.append(
            _row(
                CARRIER_SHEET.fields,
                name="坏载体",
                kind="城堡",
                level="市级",
                region="邗江区",
                area_m2="很大",
            )
        )

    with pytest.raises(CarrierSheetError) as exc:
        _import(factory, _edit(_export(factory, empty=True), {"科创载体": carriers}), filename="t.xlsx")
    messages = [p.message for p in exc.value.problems]
    assert len(messages) == 2
    assert messages[0].startswith(
        "t.xlsx 工作表“科创载体”第 2 行「类型」：值“城堡”，应为科技企业孵化器、众创空间"
    )
    assert messages[1] == "t.xlsx 工作表“科创载体”第 2 行「场地面积（平方米）」：值“很大”，应为不小于 0 的数"
    assert _counts(factory) == (3, 3, 2)


def test_district_operator_cannot_import_into_another_district(factory, made, world) -> None:  # type: ignore[no-untyped-def]
    user = made.user("hj", "district", region_code="321003")
    with transaction(factory) as s:
        district = actor_for(s, s.merge(user))
    content = _export(factory, actor=district)
    names = [
        r[0] for r in load_workbook(io.BytesIO(content))["科创载体"].iter_rows(min_row=2, values_only=True)
    ]
    assert names == ["邗江孵化器", "高新区加速器"]
    result = _import(factory, content, actor=district)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2 + 3 + 2)

    def other(ws) -> None:  # type: ignore[no-untyped-def]
        ws.append(
            _row(CARRIER_SHEET.fields, name="广陵新载体", kind="众创空间", level="市级", region="广陵区")
        )

    with pytest.raises((Forbidden, CarrierSheetError)) as exc:
        _import(factory, _edit(content, {"科创载体": other}), actor=district)
    if isinstance(exc.value, CarrierSheetError):
        assert any("第 4 行" in p.message for p in exc.value.problems)
    else:
        assert exc.value.message == "没有在地区 321002 写入数据的权限"
    assert _counts(factory) == (3, 3, 2)
    with transaction(factory) as s:
        assert s.scalar(select(Carrier.id).where(Carrier.name == "广陵新载体")) is None


def test_readers_may_export_but_not_import(factory, made, world) -> None:  # type: ignore[no-untyped-def]
    user = made.user("v", "viewer")
    with transaction(factory) as s:
        viewer = actor_for(s, s.merge(user))
    content = _export(factory, actor=viewer)
    with pytest.raises(Forbidden) as exc:
        _import(factory, content, actor=viewer)
    assert exc.value.message == "科创载体由市科技局和区县维护"


def test_yearly_figures_survive_the_round_trip(factory, world) -> None:  # type: ignore[no-untyped-def]
    def change(ws) -> None:  # type: ignore[no-untyped-def]
        header = [c.value for c in ws[1]]
        col = header.index("创业导师（人）")
        for row in ws.iter_rows(min_row=2):
            if row[1].value == 2024:
                row[col].value = 7

    result = _import(factory, _edit(_export(factory), {"年度数据": change}))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 7)
    with transaction(factory) as s:
        rows = {
            y.year: y for y in s.scalars(select(CarrierYear).where(CarrierYear.carrier_id == world["hj"]))
        }
        assert {k: getattr(rows[2023], k) for k in FIGURES_2023} == FIGURES_2023
        got_2024 = {k: getattr(rows[2024], k) for k in FIGURES_2023 if getattr(rows[2024], k) is not None}
        assert got_2024 == {"fund": 6_000_000, "staff": 12, "mentors": 7}
        assert rows[2024].source == "载体.xlsx 工作表“年度数据”第 3 行"


def test_approximate_points_export_blank_and_stay_put(factory, world) -> None:  # type: ignore[no-untyped-def]
    result = _import(factory, _export(factory))
    assert result.unchanged == 8
    with transaction(factory) as s:
        gl = s.get(Carrier, world["gl"])
        zone = s.get(Carrier, world["zone"])
        assert gl is not None and zone is not None
        assert (gl.lng, gl.lat, gl.approximate) == (*GUANGLING_CENTRE, True)
        assert zone.approximate is False
        assert zone.lng == pytest.approx(119.40, abs=2e-6) and zone.lat == pytest.approx(32.37, abs=2e-6)


def test_a_point_given_for_an_approximate_carrier_replaces_the_centre(factory, world) -> None:  # type: ignore[no-untyped-def]
    def place(ws) -> None:  # type: ignore[no-untyped-def]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "广陵众创空间":
                row[9].value, row[10].value = 119.45, 32.40

    result = _import(factory, _edit(_export(factory), {"科创载体": place}))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 7)
    with transaction(factory) as s:
        gl = s.get(Carrier, world["gl"])
        assert gl is not None and (gl.lng, gl.lat, gl.approximate) == (119.45, 32.40, False)


def test_a_carrier_recognised_before_2000_round_trips(factory, world) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        service.save_carrier(
            s,
            actor=SYSTEM,
            values=CarrierValues(
                name="老牌孵化器",
                kind="incubator",
                level="national",
                region_code="321002",
                recognised_year=1996,
            ),
        )
    result = _import(factory, _export(factory))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 9)


def test_fractional_counts_in_yearly_figures_are_problems(factory, world) -> None:  # type: ignore[no-untyped-def]
    def years(ws) -> None:  # type: ignore[no-untyped-def]
        ws.append(_row(YEAR_SHEET.fields, carrier="邗江孵化器", year=2022, fund_cases="3.5", staff="10.5"))

    with pytest.raises(CarrierSheetError) as exc:
        _import(factory, _edit(_export(factory), {"年度数据": years}), filename="f.xlsx")
    messages = "\n".join(p.message for p in exc.value.problems)
    assert "第 4 行「资金使用案例（个）」：值“3.5”" in messages
    assert "第 4 行「服务人员（人）」：值“10.5”" in messages
    assert _counts(factory) == (3, 3, 2)
