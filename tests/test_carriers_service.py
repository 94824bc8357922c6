"""Carriers in the service: a point is kept (WGS-84), converted (GCJ-02), put at its district's centre
(none given) or refused (outside the city); every problem at once; scoping for district operators and
viewers; host nodes as the atlas's carrier links; the audit log; tenant counts and date checks; the
evaluation against the national level and the 零突破 ranking — on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.auth.service import actor_for
from kechuang.carriers import geo, service
from kechuang.carriers.models import Carrier, CarrierYear, Tenant
from kechuang.carriers.service import CarrierQuery, CarrierValues, TenantValues, YearValues
from kechuang.chains.models import AtlasCluster, Chain, ChainNode, NodeLink
from kechuang.db import transaction
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.uscc import complete
from kechuang.errors import Forbidden, InvalidInput, NotFound

HANJIANG_CENTRE = (119.397994, 32.377655)
INSIDE = (119.42, 32.39)  # WGS-84, in 广陵区
NANJING = (118.7969, 32.0603)
AS_OF = date(2025, 6, 30)


def _values(name: str, region: str = "321003", **kw) -> CarrierValues:  # type: ignore[no-untyped-def]
    return CarrierValues(
        name=name,
        kind=kw.pop("kind", "incubator"),
        level=kw.pop("level", "provincial"),
        region_code=region,
        **kw,
    )


def _actor(factory, user):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return actor_for(s, s.merge(user))


def _save(factory, values: CarrierValues, actor=SYSTEM, carrier_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        return service.save_carrier(s, actor=actor, values=values, carrier_id=carrier_id).id


def _carrier(factory, carrier_id: int) -> Carrier:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        carrier = s.get(Carrier, carrier_id)
        assert carrier is not None
        s.expunge(carrier)
        return carrier


def _count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _nodes(factory, *codes: str) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        cluster = AtlasCluster(code="energy", name="新能源")
        s.add(cluster)
        s.flush()
        chain = Chain(code="pv", cluster_id=cluster.id, name="光伏")
        s.add(chain)
        s.flush()
        s.add_all(ChainNode(code=c, chain_id=chain.id, stage="midstream", name=c) for c in codes)


def _enterprises(factory, n: int, region: str = "321003") -> list[int]:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        ents = [
            Enterprise(uscc=complete(f"91{region[:6]}MA{i:07d}"), name=f"在孵企业{i:03d}", region_code=region)
            for i in range(n)
        ]
        s.add_all(ents)
        s.flush()
        return [e.id for e in ents]


# -- places ------------------------------------------------------------------------------------------


def test_wgs84_point_inside_the_city_is_kept(factory) -> None:  # type: ignore[no-untyped-def]
    cid = _save(factory, _values("广陵孵化器", "321002", lng=INSIDE[0], lat=INSIDE[1]))
    c = _carrier(factory, cid)
    assert (c.lng, c.lat, c.approximate) == (119.42, 32.39, False)
    assert c.source == "用户 system"


def test_gcj02_point_is_converted_to_wgs84(factory) -> None:  # type: ignore[no-untyped-def]
    gcj = geo.wgs84_to_gcj02(*INSIDE)
    assert 0.004 < gcj[0] - INSIDE[0] < 0.007  # the Mars shift the conversion must remove
    cid = _save(factory, _values("高德坐标孵化器", "321002", lng=gcj[0], lat=gcj[1], system="GCJ-02"))
    c = _carrier(factory, cid)
    assert c.lng == pytest.approx(INSIDE[0], abs=2e-6) and c.lat == pytest.approx(INSIDE[1], abs=2e-6)
    assert c.approximate is False


@pytest.mark.parametrize("region", ["321003", "32100302"])
def test_no_point_goes_to_the_district_centre_marked_approximate(factory, region: str) -> None:  # type: ignore[no-untyped-def]
    cid = _save(factory, _values("无坐标载体", region))
    c = _carrier(factory, cid)
    assert (c.lng, c.lat, c.approximate, c.region_code) == (*HANJIANG_CENTRE, True, region)


def test_a_point_outside_the_city_is_refused_and_nothing_written(factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, _values("南京孵化器", lng=NANJING[0], lat=NANJING[1]))
    assert [p.field for p in exc.value.problems] == ["lng"]
    assert "不在扬州市范围内" in exc.value.problems[0].message
    assert exc.value.problems[0].message == "坐标（118.796900, 32.060300）不在扬州市范围内"
    assert _count(factory, Carrier) == 0


def test_only_one_coordinate_is_a_problem(factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, _values("半个坐标", lng=119.42))
    assert [(p.field, p.message) for p in exc.value.problems] == [("lng", "经度和纬度应同时填写")]


def test_every_problem_is_reported_at_once(factory) -> None:  # type: ignore[no-untyped-def]
    first = _save(factory, _values("邗江孵化器"))
    bad = CarrierValues(name="邗江孵化器", kind="castle", level="galactic", region_code="999999")
    with pytest.raises(InvalidInput) as exc:
        _save(factory, bad)
    problems = {p.field: p for p in exc.value.problems}
    assert sorted(problems) == ["kind", "level", "name", "region_code"]
    assert len(exc.value.problems) == 4
    assert problems["kind"].value == "castle" and problems["kind"].message.startswith(
        "类型应为 科技企业孵化器、"
    )
    assert problems["level"].message == "级别应为 国家级、省级、市级 之一"
    assert (problems["region_code"].message, problems["region_code"].value) == (
        "本市的地区名称或代码",
        "999999",
    )
    assert problems["name"].message == f"已有同名载体（编号 {first}）"
    assert _count(factory, Carrier) == 1


def test_changing_a_carrier_keeps_its_own_name_free(factory) -> None:  # type: ignore[no-untyped-def]
    cid = _save(factory, _values("邗江孵化器"))
    again = _save(factory, _values("邗江孵化器", address="文昌西路 1 号"), carrier_id=cid)
    assert again == cid and _carrier(factory, cid).address == "文昌西路 1 号"
    assert _count(factory, Carrier) == 1


def test_unknown_operator_and_node_are_problems(factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        _save(factory, _values("甲", operator_enterprise_id=999999, node_codes=["pv.none"]))
    assert [(p.field, p.value) for p in exc.value.problems] == [
        ("operator_enterprise_id", 999999),
        ("node_codes", "pv.none"),
    ]


# -- scoping -----------------------------------------------------------------------------------------


def test_district_operator_writes_and_reads_only_its_area(factory, made) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    own = _save(factory, _values("邗江孵化器"), actor=district)
    zone = _save(factory, _values("高新区孵化器", "32100302"), actor=district)
    with pytest.raises(Forbidden):
        _save(factory, _values("广陵孵化器", "321002"), actor=district)
    other = _save(factory, _values("广陵孵化器", "321002"))
    with transaction(factory) as s:
        with pytest.raises(NotFound):
            service.get_carrier(s, actor=district, carrier_id=other)
        assert service.get_carrier(s, actor=district, carrier_id=own).name == "邗江孵化器"
        listed = service.list_carriers(s, actor=district, query=CarrierQuery())
        assert [c.id for c in listed] == [own, zone]
        everything = service.list_carriers(s, actor=SYSTEM, query=CarrierQuery())
        assert [c.id for c in everything] == [other, own, zone]  # ordered by region code
        with pytest.raises(Forbidden):
            service.list_carriers(s, actor=district, query=CarrierQuery(region_code="321002"))
    with pytest.raises(NotFound):
        _save(factory, _values("广陵孵化器", "321002", address="改"), actor=district, carrier_id=other)
    with pytest.raises(Forbidden):  # nor move its own out of its area
        _save(factory, _values("邗江孵化器", "321002"), actor=district, carrier_id=own)
    assert _carrier(factory, own).region_code == "321003"
    assert _count(factory, Carrier) == 3


def test_region_filter_takes_a_district_with_its_zones(factory) -> None:  # type: ignore[no-untyped-def]
    a = _save(factory, _values("邗江孵化器"))
    b = _save(factory, _values("高新区孵化器", "32100302", kind="maker_space"))
    _save(factory, _values("广陵孵化器", "321002"))
    with transaction(factory) as s:
        got = service.list_carriers(s, actor=SYSTEM, query=CarrierQuery(region_code="321003"))
        assert [c.id for c in got] == [a, b]
        got = service.list_carriers(
            s, actor=SYSTEM, query=CarrierQuery(region_code="321003", kind="maker_space")
        )
        assert [c.id for c in got] == [b]
        got = service.list_carriers(s, actor=SYSTEM, query=CarrierQuery(q="广陵"))
        assert [c.name for c in got] == ["广陵孵化器"]


def test_viewer_sees_everything_but_cannot_save(factory, made) -> None:  # type: ignore[no-untyped-def]
    viewer = _actor(factory, made.user("v", "viewer"))
    a = _save(factory, _values("邗江孵化器"))
    b = _save(factory, _values("广陵孵化器", "321002"))
    with transaction(factory) as s:
        assert {c.id for c in service.list_carriers(s, actor=viewer, query=CarrierQuery())} == {a, b}
        assert service.get_carrier(s, actor=viewer, carrier_id=b).name == "广陵孵化器"
    with pytest.raises(Forbidden):
        _save(factory, _values("仪征孵化器", "321081"), actor=viewer)
    with pytest.raises(Forbidden):
        _save(factory, _values("邗江孵化器", address="改"), actor=viewer, carrier_id=a)
    assert _count(factory, Carrier) == 2


def test_enterprise_user_cannot_see_carriers(factory, made) -> None:  # type: ignore[no-untyped-def]
    ent = made.enterprise("扬州甲科技有限公司", "321003")
    user = _actor(factory, made.user("e", "enterprise", region_code="321003", enterprise_id=ent))
    _save(factory, _values("邗江孵化器"))
    with transaction(factory) as s, pytest.raises(Forbidden):
        service.list_carriers(s, actor=user, query=CarrierQuery())


# -- atlas links and audit ---------------------------------------------------------------------------


def _links(factory) -> list[tuple[str, str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        rows = s.execute(
            select(
                ChainNode.code,
                NodeLink.kind,
                NodeLink.name,
                NodeLink.role,
                NodeLink.region_code,
                NodeLink.source,
            )
            .join(ChainNode, ChainNode.id == NodeLink.node_id)
            .order_by(ChainNode.code)
        ).all()
        return [tuple(r) for r in rows]


def test_host_nodes_become_carrier_links_replaced_on_change(factory) -> None:  # type: ignore[no-untyped-def]
    _nodes(factory, "pv.cell", "pv.module", "pv.silicon")
    cid = _save(factory, _values("邗江孵化器", node_codes=["pv.cell", "pv.module", "pv.cell"]))
    assert _carrier(factory, cid).node_codes == "pv.cell|pv.module"
    src = f"科创载体 {cid}"
    assert _links(factory) == [
        ("pv.cell", "carrier", "邗江孵化器", "provincial", "321003", src),
        ("pv.module", "carrier", "邗江孵化器", "provincial", "321003", src),
    ]
    other = _save(factory, _values("广陵孵化器", "321002", level="municipal", node_codes=["pv.cell"]))
    _save(factory, _values("邗江孵化器", level="national", node_codes=["pv.silicon"]), carrier_id=cid)
    assert _links(factory) == [
        ("pv.cell", "carrier", "广陵孵化器", "municipal", "321002", f"科创载体 {other}"),
        ("pv.silicon", "carrier", "邗江孵化器", "national", "321003", src),
    ]
    _save(factory, _values("邗江孵化器", level="national"), carrier_id=cid)
    assert [link[-1] for link in _links(factory)] == [f"科创载体 {other}"]


def test_saves_are_audited(factory, made) -> None:  # type: ignore[no-untyped-def]
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    cid = _save(factory, _values("邗江孵化器"), actor=district)
    _save(factory, _values("邗江孵化器", address="文昌西路 1 号"), actor=district, carrier_id=cid)
    with transaction(factory) as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "carriers").order_by(AuditEntry.id)
        ).all()
        assert [(r.action, r.entity_id, r.actor_username, r.region_code) for r in rows] == [
            ("create", str(cid), "hj", "321003"),
            ("update", str(cid), "hj", "321003"),
        ]
        assert rows[0].after is not None and rows[0].after["name"] == "邗江孵化器"
        assert rows[1].before == {"address": ""} and rows[1].after is not None
        assert rows[1].after["address"] == "文昌西路 1 号"


# -- tenants -----------------------------------------------------------------------------------------


def _tenant(s, carrier_id: int, ent: int, entered: date, status: str = "incubating", **ends) -> None:  # type: ignore[no-untyped-def]
    s.add(
        Tenant(
            carrier_id=carrier_id,
            enterprise_id=ent,
            region_code="321003",
            status=status,
            entered_on=entered,
            graduated_on=ends.get("graduated_on"),
            left_on=ends.get("left_on"),
        )
    )


def test_tenant_counts_on_several_days(factory) -> None:  # type: ignore[no-untyped-def]
    cid = _save(factory, _values("邗江孵化器"))
    empty = _save(factory, _values("空孵化器"))
    a, b, c, d = _enterprises(factory, 4)
    with transaction(factory) as s:
        _tenant(s, cid, a, date(2020, 1, 1))
        _tenant(s, cid, b, date(2020, 1, 1), "graduated", graduated_on=date(2022, 6, 30))
        _tenant(s, cid, c, date(2021, 1, 1), "left", left_on=date(2023, 1, 1))
        _tenant(s, cid, d, date(2023, 5, 1))
    expected = {
        date(2019, 12, 31): (0, 0),
        date(2020, 1, 1): (2, 0),
        date(2021, 6, 1): (3, 0),
        date(2022, 6, 29): (3, 0),
        date(2022, 6, 30): (2, 1),  # graduated that day: a graduate, no longer in incubation
        date(2023, 1, 1): (1, 1),  # left that day
        date(2024, 1, 1): (2, 1),
    }
    with transaction(factory) as s:
        for day, counts in expected.items():
            assert service.tenant_counts(s, [cid, empty], day) == {cid: counts, empty: (0, 0)}, day
        assert service.tenant_counts(s, [], date(2024, 1, 1)) == {}


TODAY = date(2025, 1, 1)
PROBLEMS = [
    (
        TenantValues(1, 1, date(2024, 3, 1), "graduated"),
        [("graduated_on", "状态为“已毕业”时应填写日期")],
    ),
    (
        TenantValues(1, 1, date(2024, 3, 1), "incubating", graduated_on=date(2024, 6, 1)),
        [("graduated_on", "状态为“在孵”时不应填写此日期")],
    ),
    (
        TenantValues(1, 1, date(2024, 3, 1), "graduated", graduated_on=date(2024, 2, 1)),
        [("graduated_on", "不能早于入驻日期 2024-03-01")],
    ),
    (
        TenantValues(1, 1, date(2025, 2, 1), "incubating"),
        [("entered_on", "日期不能晚于今天")],
    ),
    (
        TenantValues(1, 1, date(2024, 3, 1), "graduated", graduated_on=date(2025, 1, 2)),
        [("graduated_on", "日期不能晚于今天")],
    ),
    (
        TenantValues(1, 1, date(2024, 3, 1), "left"),
        [("left_on", "状态为“已迁出”时应填写日期")],
    ),
    (
        TenantValues(
            1, 1, date(2024, 3, 1), "graduated", graduated_on=date(2024, 6, 1), left_on=date(2024, 7, 1)
        ),
        [("left_on", "状态为“已毕业”时不应填写此日期")],
    ),
    (TenantValues(1, 1, None), [("entered_on", "入驻日期不能为空")]),
    (TenantValues(1, 1, date(2024, 3, 1), "asleep"), [("status", "状态应为 在孵、已毕业、已迁出 之一")]),
    (TenantValues(1, 1, date(2024, 3, 1), "graduated", graduated_on=date(2024, 3, 1)), []),
    (TenantValues(1, None, date(2024, 3, 1)), [("enterprise_id", "企业库中企业的统一社会信用代码")]),
]


@pytest.mark.parametrize(("values", "expected"), PROBLEMS, ids=[str(i) for i in range(len(PROBLEMS))])
def test_tenant_problems(values: TenantValues, expected: list[tuple[str, str]]) -> None:
    assert [(p.field, p.message) for p in service.tenant_problems(values, TODAY)] == expected


def test_save_tenant_adds_then_changes_and_enterprise_users_cannot(factory, made) -> None:  # type: ignore[no-untyped-def]
    ent = made.enterprise("扬州甲科技有限公司", "321002")
    cid = _save(factory, _values("邗江孵化器", "32100302"))
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        service.save_tenant(s, actor=SYSTEM, values=TenantValues(cid, ent, date(2021, 3, 1)))
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        values = TenantValues(cid, ent, date(2021, 3, 1), "graduated", graduated_on=date(2023, 9, 1))
        service.save_tenant(s, actor=SYSTEM, values=values)
    with transaction(factory) as s:
        t = s.scalars(select(Tenant)).one()
        assert (t.status, t.graduated_on, t.region_code) == ("graduated", date(2023, 9, 1), "32100302")
        assert t.source == "用户 system"
        assert [(tt.id, e.name) for tt, e in service.tenants_of(s, cid)] == [(t.id, "扬州甲科技有限公司")]
        assert [c.id for _, c in service.carriers_of_enterprise(s, ent)] == [cid]
    user = _actor(factory, made.user("e", "enterprise", region_code="321002", enterprise_id=ent))
    viewer = _actor(factory, made.user("v", "viewer"))
    for actor in (user, viewer):
        with transaction(factory) as s, pytest.raises(Forbidden):
            s.info["actor"] = actor
            service.save_tenant(s, actor=actor, values=TenantValues(cid, ent, date(2021, 3, 1)))
    with transaction(factory) as s, pytest.raises(InvalidInput) as exc:
        s.info["actor"] = SYSTEM
        service.save_tenant(s, actor=SYSTEM, values=TenantValues(cid, 999999, date(2021, 3, 1)))
    assert [(p.field, p.value) for p in exc.value.problems] == [("enterprise_id", 999999)]
    assert _count(factory, Tenant) == 1


def test_district_cannot_put_tenants_in_another_districts_carrier(factory, made) -> None:  # type: ignore[no-untyped-def]
    ent = made.enterprise("扬州甲科技有限公司", "321003")
    cid = _save(factory, _values("广陵孵化器", "321002"))
    district = _actor(factory, made.user("hj", "district", region_code="321003"))
    with transaction(factory) as s, pytest.raises(NotFound):
        s.info["actor"] = district
        service.save_tenant(s, actor=district, values=TenantValues(cid, ent, date(2021, 3, 1)))
    assert _count(factory, Tenant) == 0


def test_year_problems_and_replacing_a_year(factory) -> None:  # type: ignore[no-untyped-def]
    cid = _save(factory, _values("邗江孵化器"))
    with transaction(factory) as s, pytest.raises(InvalidInput) as exc:
        s.info["actor"] = SYSTEM
        service.save_year(s, actor=SYSTEM, values=YearValues(cid, 1999, {"fund": -1, "magic": 3}))
    assert [p.field for p in exc.value.problems] == ["year", "fund", "magic"]
    for fund in (100, 200):
        with transaction(factory) as s:
            s.info["actor"] = SYSTEM
            service.save_year(s, actor=SYSTEM, values=YearValues(cid, 2024, {"fund": fund, "staff": 3}))
    with transaction(factory) as s:
        row = s.scalars(select(CarrierYear)).one()
        assert (row.year, row.fund, row.staff, row.mentors, row.region_code) == (2024, 200, 3, None, "321003")


# -- evaluation --------------------------------------------------------------------------------------

FIGURES = {
    "tenant_area_m2": 7_500,
    "fund": 5_000_000,
    "fund_cases": 3,
    "financed_tenants": 5,
    "staff": 10,
    "pro_staff": 8,
    "mentors": 5,
    "patent_tenants": 25,
    "ip_tenants": 0,
}


def _incubator(factory, name: str, ents: list[int], *, graduates: int, region: str = "321003", **kw) -> int:  # type: ignore[no-untyped-def]
    """A carrier meeting every national criterion but (perhaps) graduates: 50 in incubation plus
    ``graduates`` graduated tenants, two filed years of figures, operating since 2020."""
    values = _values(
        name,
        region,
        area_m2=10_000,
        opened_on=date(2020, 1, 1),
        legal_person=kw.pop("legal_person", True),
        level=kw.pop("level", "provincial"),
        kind=kw.pop("kind", "incubator"),
    )
    cid = _save(factory, values)
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        for year in (2023, 2024):
            service.save_year(s, actor=SYSTEM, values=YearValues(cid, year, dict(FIGURES)))
        for i, ent in enumerate(ents[: 50 + graduates]):
            if i < 50:
                _tenant(s, cid, ent, date(2021, 3, 1))
            else:
                _tenant(s, cid, ent, date(2020, 6, 1), "graduated", graduated_on=date(2023, 1, 1))
    return cid


def test_provincial_incubator_short_of_graduates(factory) -> None:  # type: ignore[no-untyped-def]
    ents = _enterprises(factory, 64)
    cid = _incubator(factory, "邗江孵化器", ents, graduates=14)
    with transaction(factory) as s:
        carrier = s.get(Carrier, cid)
        result = service.evaluation(s, carrier, AS_OF)  # type: ignore[arg-type]
        assert result is not None
        assert (result["target"], result["programme"], result["status"]) == (
            "国家级科技企业孵化器",
            "incubator_national",
            "not_met",
        )
        assert result["gaps"] == ["累计毕业企业数 14，需达到 20，还差 6"]
        assert [c["key"] for c in result["criteria"] if c["status"] != "met"] == ["graduates_min"]
        # before the graduations the graduates count is 0
        early = service.evaluation(s, carrier, date(2022, 12, 31))  # type: ignore[arg-type]
        assert early is not None and "累计毕业企业数 0，需达到 20，还差 20" in early["gaps"]


def test_evaluation_only_for_incubators_below_national(factory) -> None:  # type: ignore[no-untyped-def]
    national = _save(factory, _values("国家级孵化器", level="national"))
    space = _save(factory, _values("众创空间", kind="maker_space"))
    municipal = _save(factory, _values("市级孵化器", level="municipal"))
    with transaction(factory) as s:
        assert service.evaluation(s, s.get(Carrier, national), AS_OF) is None  # type: ignore[arg-type]
        assert service.evaluation(s, s.get(Carrier, space), AS_OF) is None  # type: ignore[arg-type]
        result = service.evaluation(s, s.get(Carrier, municipal), AS_OF)  # type: ignore[arg-type]
        assert result is not None and result["target"] == "国家级科技企业孵化器"
        assert result["status"] == "not_met"


def test_nearest_to_next_level_ranks_and_scopes(factory, made) -> None:  # type: ignore[no-untyped-def]
    ents = _enterprises(factory, 70)
    near = _incubator(factory, "差毕业企业", ents, graduates=14)  # 1 criterion not met
    done = _incubator(factory, "已达标", ents, graduates=20)  # meets everything: not listed
    two = _incubator(factory, "非独立法人", ents, graduates=0, legal_person=False)  # 2 not met
    far = _save(factory, _values("广陵新孵化器", "321002", level="municipal"))  # nothing known
    _incubator(factory, "国家级", ents, graduates=0, level="national")  # excluded: top level
    _incubator(factory, "众创空间", ents, graduates=0, kind="maker_space")  # excluded: not an incubator
    with transaction(factory) as s:
        ranked = service.nearest_to_next_level(s, actor=SYSTEM, as_of=AS_OF)
        assert [r["carrier"].id for r in ranked] == [near, two, far]
        assert [r["failing"] for r in ranked] == [1, 2, 2]  # far: tenants and graduates (0); rest unknown
        assert ranked[0]["tenants"] == (50, 14) and ranked[1]["tenants"] == (50, 0)
        assert ranked[2]["tenants"] == (0, 0) and ranked[1]["shortfall"] < ranked[2]["shortfall"]
        assert done not in [r["carrier"].id for r in ranked]
        assert ranked[0]["result"]["gaps"] == ["累计毕业企业数 14，需达到 20，还差 6"]
        gl = service.nearest_to_next_level(s, actor=SYSTEM, as_of=AS_OF, region_code="321002")
        assert [r["carrier"].id for r in gl] == [far]
    district = _actor(factory, made.user("gl", "district", region_code="321002"))
    with transaction(factory) as s:
        assert [r["carrier"].id for r in service.nearest_to_next_level(s, actor=district, as_of=AS_OF)] == [
            far
        ]
