"""Talent and talent apartments: the host decides the region, the programme the level; names only for
those who may see them (the bureau, a district in its own area); counts per district and programme;
atlas links that never name the person; apartments placed like carriers; the talent workbook — on
both databases."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kechuang.auth.scope import SYSTEM
from kechuang.auth.service import actor_for
from kechuang.carriers import geo
from kechuang.carriers import service as carriers
from kechuang.chains.models import AtlasCluster, Chain, ChainNode, NodeLink
from kechuang.db import transaction
from kechuang.enterprises.models import Enterprise
from kechuang.errors import Forbidden, InvalidInput, NotFound
from kechuang.talent import service, sheet
from kechuang.talent.models import Apartment, Talent
from kechuang.talent.service import ApartmentValues, TalentQuery, TalentValues
from kechuang.talent.sheet import APARTMENT_SHEET, TALENT_SHEET, TalentSheetError

HANJIANG_CENTRE = (119.397994, 32.377655)
THIS_YEAR = date.today().year


def _actor(factory, user):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return actor_for(s, s.merge(user))


def _save(factory, values: TalentValues, actor=SYSTEM, talent_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        return service.save_talent(s, actor=actor, values=values, talent_id=talent_id).id


def _flat(factory, values: ApartmentValues, actor=SYSTEM, apartment_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        return service.save_apartment(s, actor=actor, values=values, apartment_id=apartment_id).id


def _count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def world(factory, made):  # type: ignore[no-untyped-def]
    hj = made.enterprise("扬州甲科技有限公司", "321003")
    zone = made.enterprise("高新区乙科技有限公司", "32100302")
    gl = made.enterprise("广陵丙科技有限公司", "321002")
    with transaction(factory) as s:
        cluster = AtlasCluster(code="energy", name="新能源")
        s.add(cluster)
        s.flush()
        chain = Chain(code="pv", cluster_id=cluster.id, name="光伏")
        s.add(chain)
        s.flush()
        s.add(ChainNode(code="pv.cell", chain_id=chain.id, stage="midstream", name="电池片"))
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        space = carriers.save_carrier(
            s,
            actor=SYSTEM,
            values=carriers.CarrierValues(
                name="广陵众创空间", kind="maker_space", level="municipal", region_code="321002"
            ),
        )
        space_id = space.id
        usccs = dict(s.execute(select(Enterprise.id, Enterprise.uscc)).all())
    return {"hj": hj, "zone": zone, "gl": gl, "space": space_id, "usccs": usccs}


@pytest.fixture
def people(factory, world):  # type: ignore[no-untyped-def]
    ids = {
        "张三": _save(
            factory,
            TalentValues("张三", "national_major", 2022, host_enterprise_id=world["hj"], node_code="pv.cell"),
        ),
        "李四": _save(
            factory, TalentValues("李四", "lvyang_jinfeng", 2023, host_enterprise_id=world["zone"])
        ),
        "王五": _save(
            factory, TalentValues("王五", "jiangsu_innovation", 2021, host_carrier_id=world["space"])
        ),
        "赵六": _save(
            factory, TalentValues("赵六", "doctor", 2024, host_name="扬州大学", region_code="321084")
        ),
        "钱七": _save(
            factory,
            TalentValues("钱七", "lvyang_jinfeng", 2020, host_enterprise_id=world["hj"], status="completed"),
        ),
    }
    _flat(factory, ApartmentValues("邗江人才公寓", "321003", 120, 80, lng=119.40, lat=32.37))
    _flat(factory, ApartmentValues("高新区人才公寓", "32100302", 60, 0))
    _flat(factory, ApartmentValues("广陵人才公寓", "321002", 40, 40, operator="广陵城建"))
    return ids


def _person(factory, talent_id: int) -> Talent:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        person = s.get(Talent, talent_id)
        assert person is not None
        s.expunge(person)
        return person


# -- hosts, regions and levels -----------------------------------------------------------------------


def test_host_decides_region_and_programme_the_level(factory, world, people) -> None:  # type: ignore[no-untyped-def]
    got = {
        name: (p.region_code, p.host_name, p.level, p.host_enterprise_id, p.host_carrier_id)
        for name, p in ((n, _person(factory, i)) for n, i in people.items())
    }
    assert got == {
        "张三": ("321003", "扬州甲科技有限公司", "national", world["hj"], None),
        "李四": ("32100302", "高新区乙科技有限公司", "municipal", world["zone"], None),
        "王五": ("321002", "广陵众创空间", "provincial", None, world["space"]),
        "赵六": ("321084", "扬州大学", "municipal", None, None),
        "钱七": ("321003", "扬州甲科技有限公司", "municipal", world["hj"], None),
    }
    assert _person(factory, people["张三"]).source == "用户 system"


def test_the_hosts_region_wins_over_a_given_one(factory, world) -> None:  # type: ignore[no-untyped-def]
    tid = _save(
        factory,
        TalentValues(
            "孙八", "tech_vice_president", 2024, host_enterprise_id=world["gl"], region_code="321003"
        ),
    )
    person = _person(factory, tid)
    assert (person.region_code, person.level) == ("321002", "provincial")


def test_without_a_registered_host_name_and_region_are_needed(factory, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, TalentValues("某人", "doctor", 2024))
    assert [p.field for p in exc.value.problems] == ["host_name"]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, TalentValues("某人", "doctor", 2024, host_name="扬州大学"))
    assert [(p.field, p.message) for p in exc.value.problems] == [("region_code", "本市的地区名称或代码")]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, TalentValues("某人", "doctor", 2024, host_name="南京大学", region_code="320100"))
    assert [(p.field, p.value) for p in exc.value.problems] == [("region_code", "320100")]
    assert _count(factory, Talent) == 0


def test_every_talent_problem_at_once(factory, world) -> None:  # type: ignore[no-untyped-def]
    values = TalentValues("", "nobel", 1999, host_enterprise_id=999999, node_code="pv.none", status="asleep")
    with pytest.raises(InvalidInput) as exc:
        _save(factory, values)
    assert [p.field for p in exc.value.problems] == [
        "name",
        "programme",
        "year",
        "status",
        "host_enterprise_id",
        "node_code",
    ]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, TalentValues("某人", "doctor", THIS_YEAR + 1, host_carrier_id=999999))
    assert [(p.field, p.value) for p in exc.value.problems] == [
        ("year", THIS_YEAR + 1),
        ("host_carrier_id", 999999),
    ]
    assert _count(factory, Talent) == 0


def test_district_operator_writes_only_in_its_area(factory, made, world) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    own = _save(
        factory, TalentValues("张三", "doctor", 2024, host_enterprise_id=world["zone"]), actor=district
    )
    with pytest.raises(Forbidden) as exc:
        _save(factory, TalentValues("李四", "doctor", 2024, host_enterprise_id=world["gl"]), actor=district)
    assert exc.value.message == "没有在地区 321002 写入数据的权限"
    other = _save(factory, TalentValues("李四", "doctor", 2024, host_enterprise_id=world["gl"]))
    with pytest.raises(NotFound):
        _save(
            factory,
            TalentValues("李四", "doctor", 2023, host_enterprise_id=world["gl"]),
            actor=district,
            talent_id=other,
        )
    viewer = _actor(factory, made.user("v", "viewer"))
    with pytest.raises(Forbidden):
        _save(factory, TalentValues("王五", "doctor", 2024, host_enterprise_id=world["hj"]), actor=viewer)
    assert _person(factory, own).region_code == "32100302"
    assert _person(factory, other).year == 2024
    assert _count(factory, Talent) == 2


# -- names, counts and links -------------------------------------------------------------------------


def test_names_for_the_bureau_and_the_district_only(factory, made, people) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    viewer = _actor(factory, made.user("v", "viewer"))
    with transaction(factory) as s:
        admin_rows = service.list_talent(s, actor=SYSTEM, query=TalentQuery())
        assert [r["name"] for r in admin_rows] == [
            "赵六",
            "李四",
            "张三",
            "王五",
            "钱七",
        ]  # newest year first
        assert admin_rows[2]["level"] == "national" and admin_rows[2]["id"] == people["张三"]
        hj = service.list_talent(s, actor=district, query=TalentQuery())
        assert [r["name"] for r in hj] == ["李四", "张三", "钱七"]
        assert service.list_talent(s, actor=viewer, query=TalentQuery()) == []
        picked = service.list_talent(
            s, actor=SYSTEM, query=TalentQuery(programme="lvyang_jinfeng", status="active")
        )
        assert [r["name"] for r in picked] == ["李四"]
        assert [
            r["name"] for r in service.list_talent(s, actor=SYSTEM, query=TalentQuery(region_code="321003"))
        ] == [
            "李四",
            "张三",
            "钱七",
        ]
        assert [r["name"] for r in service.list_talent(s, actor=SYSTEM, query=TalentQuery(year=2021))] == [
            "王五"
        ]
        with pytest.raises(Forbidden):
            service.list_talent(s, actor=district, query=TalentQuery(region_code="321002"))


def test_counts_per_district_and_programme(factory, made, people) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    viewer = _actor(factory, made.user("v", "viewer"))
    everything = {
        ("321003", "national_major"): 1,
        ("321003", "lvyang_jinfeng"): 2,  # 李四 (in the zone) and 钱七 (completed)
        ("321002", "jiangsu_innovation"): 1,
        ("321084", "doctor"): 1,
    }
    with transaction(factory) as s:
        assert service.counts(s, actor=SYSTEM) == everything
        assert service.counts(s, actor=viewer) == everything
        assert service.counts(s, actor=district) == {
            ("321003", "national_major"): 1,
            ("321003", "lvyang_jinfeng"): 2,
        }
        assert service.counts(
            s, actor=SYSTEM, query=TalentQuery(status="active", programme="lvyang_jinfeng")
        ) == {("321003", "lvyang_jinfeng"): 1}


def test_host_counts_for_an_enterprise_profile(factory, world, people) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert service.host_counts(s, enterprise_id=world["hj"]) == {"national_major": 1}  # 钱七's term ended
        assert service.host_counts(s, enterprise_id=world["zone"]) == {"lvyang_jinfeng": 1}
        assert service.host_counts(s, enterprise_id=world["gl"]) == {}
    _save(factory, TalentValues("孙八", "national_major", 2024, host_enterprise_id=world["hj"]))
    with transaction(factory) as s:
        assert service.host_counts(s, enterprise_id=world["hj"]) == {"national_major": 2}


def test_a_node_becomes_a_talent_link_without_the_persons_name(factory, world, people) -> None:  # type: ignore[no-untyped-def]
    tid = people["张三"]
    with transaction(factory) as s:
        links = s.scalars(select(NodeLink).where(NodeLink.kind == "talent")).all()
        assert [(link.name, link.role, link.region_code, link.source) for link in links] == [
            ("国家重大人才工程人才（扬州甲科技有限公司）", "national_major", "321003", f"人才 {tid}")
        ]
        assert "张三" not in links[0].name
        node = s.scalar(select(ChainNode.id).where(ChainNode.code == "pv.cell"))
        assert links[0].node_id == node and _person(factory, tid).node_id == node
    values = TalentValues("张三", "national_major", 2022, host_enterprise_id=world["hj"], node_code="pv.cell")
    values.status = "left"
    _save(factory, values, talent_id=tid)
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(NodeLink).where(NodeLink.kind == "talent")) == 0


# -- apartments --------------------------------------------------------------------------------------


def test_apartment_checks(factory, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        _flat(factory, ApartmentValues("公寓甲", "321003", 10, 11))
    assert [(p.field, p.message, p.value) for p in exc.value.problems] == [
        ("occupied", "已入住套数应在 0 到房源套数 10 之间", 11)
    ]
    with pytest.raises(InvalidInput) as exc:
        _flat(factory, ApartmentValues("", "999999", 0))
    assert [p.field for p in exc.value.problems] == ["name", "units", "region_code"]
    with pytest.raises(InvalidInput) as exc:
        _flat(factory, ApartmentValues("南京公寓", "321003", 10, lng=118.7969, lat=32.0603))
    assert [p.field for p in exc.value.problems] == ["lng"]
    assert "不在扬州市范围内" in exc.value.problems[0].message
    first = _flat(factory, ApartmentValues("公寓甲", "321003", 10, 10))
    with pytest.raises(InvalidInput) as exc:
        _flat(factory, ApartmentValues("公寓甲", "321002", 10))
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("name", f"已有同名人才公寓（编号 {first}）")
    ]
    assert _count(factory, Apartment) == 1


def test_apartment_points(factory, world) -> None:  # type: ignore[no-untyped-def]
    gcj = geo.wgs84_to_gcj02(119.42, 32.39)
    gcj_id = _flat(
        factory, ApartmentValues("高德公寓", "321002", 10, lng=gcj[0], lat=gcj[1], system="GCJ-02")
    )
    centre_id = _flat(factory, ApartmentValues("无坐标公寓", "32100302", 10))
    with transaction(factory) as s:
        g, c = s.get(Apartment, gcj_id), s.get(Apartment, centre_id)
        assert g is not None and c is not None
        assert g.lng == pytest.approx(119.42, abs=2e-6) and g.lat == pytest.approx(32.39, abs=2e-6)
        assert g.approximate is False
        assert (c.lng, c.lat, c.approximate) == (*HANJIANG_CENTRE, True)


def test_apartments_are_scoped(factory, made, people) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    viewer = _actor(factory, made.user("v", "viewer"))
    with transaction(factory) as s:
        assert [a.name for a in service.list_apartments(s, actor=SYSTEM)] == [
            "广陵人才公寓",
            "邗江人才公寓",
            "高新区人才公寓",
        ]
        assert [a.name for a in service.list_apartments(s, actor=district)] == [
            "邗江人才公寓",
            "高新区人才公寓",
        ]
        assert len(service.list_apartments(s, actor=viewer)) == 3
        assert [a.name for a in service.list_apartments(s, actor=SYSTEM, region_code="321002")] == [
            "广陵人才公寓"
        ]
        with pytest.raises(Forbidden):
            service.list_apartments(s, actor=district, region_code="321002")
        gl = s.scalar(select(Apartment.id).where(Apartment.name == "广陵人才公寓"))
        with pytest.raises(NotFound):
            service.get_apartment(s, actor=district, apartment_id=gl)  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        _flat(factory, ApartmentValues("广陵新公寓", "321002", 5), actor=district)
    with pytest.raises(Forbidden):
        _flat(factory, ApartmentValues("邗江新公寓", "321003", 5), actor=viewer)
    assert _count(factory, Apartment) == 3


# -- the workbook ------------------------------------------------------------------------------------


def _export(factory, actor=SYSTEM, empty: bool = False) -> bytes:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return sheet.talent_workbook(s, actor=actor, empty=empty)


def _import(factory, content: bytes, actor=SYSTEM, filename: str = "人才.xlsx") -> sheet.ImportResult:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        return sheet.import_talent(s, actor=actor, content=content, filename=filename)


def _edit(content: bytes, name: str, rows: list[list]) -> bytes:  # type: ignore[type-arg]
    wb = load_workbook(io.BytesIO(content))
    for row in rows:
        wb[name].append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(fields, **cells) -> list:  # type: ignore[no-untyped-def]
    return [cells.get(f.key, "") for f in fields]


def test_talent_workbook_is_refused_to_readers_without_names(factory, made, world) -> None:  # type: ignore[no-untyped-def]
    viewer = _actor(factory, made.user("v", "viewer"))
    with pytest.raises(Forbidden) as exc:
        _export(factory, actor=viewer)
    assert exc.value.message == "人才名单属个人信息，仅市科技局和所在区县可下载"
    with pytest.raises(Forbidden):
        _export(factory, actor=viewer, empty=True)
    with pytest.raises(Forbidden) as exc:
        _import(factory, _export(factory, empty=True), actor=viewer)
    assert exc.value.message == "人才和人才公寓由市科技局和区县维护"


def test_talent_workbook_round_trip_unchanged(factory, made, people) -> None:  # type: ignore[no-untyped-def]
    content = _export(factory)
    wb = load_workbook(io.BytesIO(content))
    rows = list(wb["人才"].iter_rows(values_only=True))
    assert list(rows[0]) == [f.header for f in TALENT_SHEET.fields]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (
        first["姓名"],
        first["人才计划"],
        first["用人单位名称"],
        first["产业链节点编号"],
        first["状态"],
    ) == (
        "张三",
        "国家重大人才工程",
        "扬州甲科技有限公司",
        "pv.cell",
        "在岗",
    )
    flats = {r[0]: r for r in wb["人才公寓"].iter_rows(min_row=2, values_only=True)}
    assert flats["高新区人才公寓"][3:5] == (None, None)  # approximate: blank
    assert flats["邗江人才公寓"][3:5] == (119.40, 32.37)
    result = _import(factory, content)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5 + 3)
    assert (_count(factory, Talent), _count(factory, Apartment)) == (5, 3)
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    mine = _export(factory, actor=district)
    names = [r[1] for r in load_workbook(io.BytesIO(mine))["人才"].iter_rows(min_row=2, values_only=True)]
    assert names == ["张三", "李四", "钱七"]
    result = _import(factory, mine, actor=district)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3 + 2)


def test_talent_workbook_adds_and_changes(factory, world, people) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(_export(factory)))
    ws = wb["人才"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "赵六":
            row[3].value = 2025
    ws.append(
        _row(
            TALENT_SHEET.fields,
            name="孙八",
            programme="科技副总",
            year=2024,
            host_uscc=world["usccs"][world["gl"]],
            speciality="储能",
        )
    )
    out = io.BytesIO()
    wb.save(out)
    content = out.getvalue()
    result = _import(factory, content, filename="新增.xlsx")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 4 + 3)
    with transaction(factory) as s:
        sun = s.scalars(select(Talent).where(Talent.name == "孙八")).one()
        assert (sun.programme, sun.level, sun.region_code, sun.host_name, sun.speciality) == (
            "tech_vice_president",
            "provincial",
            "321002",
            "广陵丙科技有限公司",
            "储能",
        )
        assert sun.source == "新增.xlsx 工作表“人才”第 7 行"
        assert s.get(Talent, people["赵六"]).year == 2025  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(Talent).where(Talent.name == "赵六")) == 1


def test_a_bad_talent_workbook_lists_every_problem_and_writes_nothing(factory, world, people) -> None:  # type: ignore[no-untyped-def]
    content = _edit(
        _export(factory),
        "人才",
        [
            _row(
                TALENT_SHEET.fields,
                id=999999,
                name="查无此人",
                programme="博士引进",
                year=2024,
                host_name="甲",
                region="邗江区",
            ),
            _row(
                TALENT_SHEET.fields,
                name="周九",
                programme="博士引进",
                year=2024,
                host_uscc="91321000MA0000000X",
            ),
            _row(
                TALENT_SHEET.fields,
                name="吴十",
                programme="博士引进",
                year=2024,
                host_name="南京大学",
                region="南京",
            ),
        ],
    )
    wb = load_workbook(io.BytesIO(content))
    wb["人才公寓"].append(
        _row(APARTMENT_SHEET.fields, name="超员公寓", region="邗江区", units=10, occupied=12)
    )
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(TalentSheetError) as exc:
        _import(factory, out.getvalue(), filename="bad.xlsx")
    assert [p.message for p in exc.value.problems] == [
        "bad.xlsx 工作表“人才”第 7 行「人才编号」：值“999999”，应为已有人才的编号（新增请留空）",
        "bad.xlsx 工作表“人才”第 8 行「用人单位统一社会信用代码」：值“91321000MA0000000X”，应为企业库中企业的统一社会信用代码，或留空",
        "bad.xlsx 工作表“人才”第 9 行「所在地区（用人单位不在企业库和载体库时填写）」：值“南京”，应为本市的地区名称或代码",
        "bad.xlsx 工作表“人才公寓”第 5 行「已入住套数」：值“12”，已入住套数应在 0 到房源套数 10 之间",
    ]
    assert (_count(factory, Talent), _count(factory, Apartment)) == (5, 3)


def test_a_district_cannot_confirm_names_outside_its_area(factory, made, people) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    guess = _row(
        TALENT_SHEET.fields,
        id=people["赵六"],
        name="赵六",
        programme="博士引进",
        year=2024,
        host_name="扬州大学",
        region="高邮市",
        status="在岗",
    )
    content = _edit(_export(factory, actor=district, empty=True), "人才", [guess])
    with pytest.raises((TalentSheetError, NotFound, Forbidden)):
        _import(factory, content, actor=district)


def test_fractional_apartment_units_are_problems(factory, world) -> None:  # type: ignore[no-untyped-def]
    content = _edit(
        _export(factory, empty=True),
        "人才公寓",
        [_row(APARTMENT_SHEET.fields, name="半套公寓", region="邗江区", units="10.7", occupied="2")],
    )
    with pytest.raises(TalentSheetError) as exc:
        _import(factory, content, filename="f.xlsx")
    assert "第 2 行「房源套数」：值“10.7”" in exc.value.problems[0].message
    assert _count(factory, Apartment) == 0
