"""Carriers: validate everything, then write; scoped reads; tenant counts computed from the tenants;
the evaluation of a carrier against the next level's rules and the 零突破 list.

A carrier's host nodes become the atlas's ``carrier`` links (source "科创载体 N"), replaced when it
changes, so the atlas's node panel and analysis count it. Every write goes through the ORM, so the
audit log has it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, check_region_writable, require, require_region
from kechuang.auth.scope import Actor, can_see, check_write, scope_clause
from kechuang.carriers import geo, rules
from kechuang.carriers.models import Carrier, CarrierYear, Tenant
from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.choices import CarrierKind, CarrierLevel, TenantStatus
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, NotFound, Problem
from kechuang.regions.models import Region
from kechuang.regions.service import district_of

KINDS = frozenset(CarrierKind.values())
LEVELS = frozenset(CarrierLevel.values())
NEXT_LEVEL = {  # the level an incubator works towards, and the programme that decides it
    CarrierLevel.municipal.value: ("incubator_national", "国家级科技企业孵化器"),
    CarrierLevel.provincial.value: ("incubator_national", "国家级科技企业孵化器"),
}
YEAR_FIELDS = (
    "tenant_area_m2",
    "fund",
    "fund_cases",
    "financed_tenants",
    "financing",
    "tenant_revenue",
    "staff",
    "pro_staff",
    "mentors",
    "patent_tenants",
    "ip_tenants",
    "tenant_patents",
)
WHOLE_FIELDS = frozenset(YEAR_FIELDS) - {"tenant_area_m2", "fund", "financing", "tenant_revenue"}
RULE_YEAR_FIELDS = YEAR_FIELDS[:4] + YEAR_FIELDS[6:11]


@dataclass
class CarrierValues:
    name: str
    kind: str
    level: str
    region_code: str
    recognised_year: int | None = None
    recognition_document: str = ""
    operator_enterprise_id: int | None = None
    operator_name: str = ""
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    system: str = "WGS-84"
    area_m2: float | None = None
    opened_on: date | None = None
    legal_person: bool | None = None
    node_codes: list[str] = field(default_factory=list)


@dataclass
class TenantValues:
    carrier_id: int
    enterprise_id: int | None
    entered_on: date | None
    status: str = TenantStatus.incubating.value
    graduated_on: date | None = None
    left_on: date | None = None


@dataclass
class YearValues:
    carrier_id: int
    year: int
    figures: dict[str, int | float | None]


# -- places ------------------------------------------------------------------------------------------


def area_names(session: Session) -> dict[str, str]:
    """Every region code → the name of the map area (district or county) it lies in."""
    names = dict(session.execute(select(Region.code, Region.name)).all())
    return {code: names[district] for code, district in district_of(session).items()}


def placed(
    values: Any, areas: Mapping[str, str], today: date | None = None
) -> tuple[geo.Placement | None, list[Problem]]:
    """Where a carrier or apartment goes: its own coordinates (WGS-84, or converted from GCJ-02) inside
    the city, or its district's centre marked approximate; a problem when neither can be had."""
    area = areas.get(values.region_code)
    where = geo.place(values.lng, values.lat, values.system, area)
    if where.problem:
        shown = "" if values.lng is None else f"{values.lng}, {values.lat}"
        return None, [Problem("lng", where.problem, shown)]
    return where, []


# -- carriers ----------------------------------------------------------------------------------------


def _choice_problems(values: CarrierValues) -> list[Problem]:
    problems = []
    if not values.name.strip():
        problems.append(Problem("name", "名称不能为空", values.name))
    if values.kind not in KINDS:
        problems.append(
            Problem("kind", "类型应为 " + "、".join(CarrierKind.labels().values()) + " 之一", values.kind)
        )
    if values.level not in LEVELS:
        problems.append(Problem("level", "级别应为 国家级、省级、市级 之一", values.level))
    if values.recognised_year is not None and not 1980 <= values.recognised_year <= date.today().year:
        problems.append(Problem("recognised_year", "认定年份应在 1980 年到今年之间", values.recognised_year))
    if values.area_m2 is not None and values.area_m2 < 0:
        problems.append(Problem("area_m2", "面积应不小于 0", values.area_m2))
    if values.opened_on is not None and values.opened_on > date.today():
        problems.append(Problem("opened_on", "运营起始日期不能晚于今天", values.opened_on.isoformat()))
    return problems


def carrier_problems(
    session: Session, values: CarrierValues, carrier_id: int | None, areas: Mapping[str, str]
) -> tuple[geo.Placement | None, list[Problem]]:
    """Every problem of a carrier's values (nothing written), and where it will be placed."""
    problems = _choice_problems(values)
    if values.region_code not in areas:
        problems.append(Problem("region_code", "本市的地区名称或代码", values.region_code))
    taken = session.scalar(
        select(Carrier.id).where(Carrier.name == values.name.strip(), Carrier.id != (carrier_id or 0))
    )
    if taken is not None:
        problems.append(Problem("name", f"已有同名载体（编号 {taken}）", values.name))
    if (
        values.operator_enterprise_id is not None
        and session.get(Enterprise, values.operator_enterprise_id) is None
    ):
        problems.append(Problem("operator_enterprise_id", "企业库中的企业", values.operator_enterprise_id))
    known = set(session.scalars(select(ChainNode.code).where(ChainNode.code.in_(values.node_codes))))
    for code in values.node_codes:
        if code not in known:
            problems.append(Problem("node_codes", "图谱中已有的节点编号", code))
    where, place_problems = placed(values, areas) if values.region_code in areas else (None, [])
    return where, problems + place_problems


def save_carrier(
    session: Session, *, actor: Actor, values: CarrierValues, carrier_id: int | None = None, source: str = ""
) -> Carrier:
    """Create or change a carrier (the bureau anywhere, a district operator in its own area)."""
    require(actor, Permission.edit_carriers)
    carrier = session.get(Carrier, carrier_id) if carrier_id else None
    if carrier_id and (carrier is None or not can_see(actor, carrier)):
        raise NotFound(f"科创载体 {carrier_id} 不存在")
    if carrier is not None:
        check_write(actor, carrier)
    where, problems = carrier_problems(session, values, carrier_id, area_names(session))
    if problems or where is None:
        raise InvalidInput(problems)
    check_region_writable(actor, values.region_code)
    carrier = carrier or Carrier(source=source or f"用户 {actor.username}")
    _assign(carrier, values, where)
    if carrier.id is None:
        session.add(carrier)
    session.flush()
    link_carriers(session, [carrier])
    return carrier


def _assign(carrier: Carrier, v: CarrierValues, where: geo.Placement) -> None:
    carrier.name, carrier.kind, carrier.level = v.name.strip(), v.kind, v.level
    carrier.recognised_year, carrier.recognition_document = v.recognised_year, v.recognition_document.strip()
    carrier.operator_enterprise_id, carrier.operator_name = v.operator_enterprise_id, v.operator_name.strip()
    carrier.region_code, carrier.address = v.region_code, v.address.strip()
    carrier.lng, carrier.lat, carrier.approximate = (
        round(where.lng or 0.0, 6),
        round(where.lat or 0.0, 6),
        where.approximate,
    )
    carrier.area_m2, carrier.opened_on, carrier.legal_person = v.area_m2, v.opened_on, v.legal_person
    carrier.node_codes = "|".join(dict.fromkeys(c for c in v.node_codes if c))


def same_carrier(carrier: Carrier, v: CarrierValues, where: geo.Placement) -> bool:
    """Whether saving ``v`` would change nothing (an exported row imported back)."""
    probe = Carrier()
    _assign(probe, v, where)
    keys = (
        "name",
        "kind",
        "level",
        "recognised_year",
        "recognition_document",
        "operator_enterprise_id",
        "operator_name",
        "region_code",
        "address",
        "approximate",
        "area_m2",
        "opened_on",
        "legal_person",
        "node_codes",
    )
    near = abs(probe.lng - carrier.lng) < 1e-6 and abs(probe.lat - carrier.lat) < 1e-6
    return near and all(getattr(probe, k) == getattr(carrier, k) for k in keys)


def link_carriers(session: Session, carriers: Sequence[Carrier]) -> None:
    """A carrier's host nodes as the atlas's ``carrier`` links, replaced when it changes."""
    sources = {c.id: f"科创载体 {c.id}" for c in carriers}
    for old in session.scalars(select(NodeLink).where(NodeLink.source.in_(list(sources.values())))):
        session.delete(old)
    session.flush()
    codes = {code for c in carriers for code in c.node_codes.split("|") if code}
    nodes = dict(session.execute(select(ChainNode.code, ChainNode.id).where(ChainNode.code.in_(codes))).all())
    session.add_all(
        NodeLink(
            node_id=nodes[code],
            kind="carrier",
            name=c.name,
            role=c.level,
            enterprise_id=None,
            region_code=c.region_code,
            source=sources[c.id],
        )
        for c in carriers
        for code in c.node_codes.split("|")
        if code in nodes
    )
    session.flush()


def nodes_of(session: Session, carrier: Carrier) -> list[tuple[str, Chain, ChainNode]]:
    """The carrier's host nodes with their chains, in the order given."""
    codes = [c for c in carrier.node_codes.split("|") if c]
    rows = session.execute(
        select(ChainNode, Chain).join(Chain, Chain.id == ChainNode.chain_id).where(ChainNode.code.in_(codes))
    ).all()
    found = {n.code: (n.code, ch, n) for n, ch in rows}
    return [found[c] for c in codes if c in found]


def enterprise_id(session: Session, uscc: str) -> int | None:
    """The registry enterprise with this USCC (None when blank or unknown)."""
    code = uscc.strip().upper()
    return session.scalar(select(Enterprise.id).where(Enterprise.uscc == code)) if code else None


def operator_of(session: Session, carrier: Carrier) -> Enterprise | None:
    return session.get(Enterprise, carrier.operator_enterprise_id) if carrier.operator_enterprise_id else None


def get_carrier(session: Session, *, actor: Actor, carrier_id: int) -> Carrier:
    require(actor, Permission.see_carriers)
    carrier = session.get(Carrier, carrier_id)
    if carrier is None or not can_see(actor, carrier):
        raise NotFound(f"科创载体 {carrier_id} 不存在")
    return carrier


@dataclass(frozen=True)
class CarrierQuery:
    kind: str = ""
    level: str = ""
    region_code: str = ""
    q: str = ""


def carrier_clause(session: Session, actor: Actor, query: CarrierQuery) -> Any:
    require(actor, Permission.see_carriers)
    require_region(actor, query.region_code or None)
    clauses = [scope_clause(actor, Carrier)]
    if query.kind:
        clauses.append(Carrier.kind == query.kind)
    if query.level:
        clauses.append(Carrier.level == query.level)
    if query.region_code:
        under = [c for c, d in district_of(session).items() if query.region_code in (c, d)]
        clauses.append(Carrier.region_code.in_(under or [query.region_code]))
    if query.q.strip():
        clauses.append(Carrier.name.contains(query.q.strip()))
    return and_(*clauses)


def list_carriers(session: Session, *, actor: Actor, query: CarrierQuery) -> list[Carrier]:
    return list(
        session.scalars(
            select(Carrier)
            .where(carrier_clause(session, actor, query))
            .order_by(Carrier.region_code, Carrier.id)
        )
    )


# -- tenants -----------------------------------------------------------------------------------------


def tenant_counts(session: Session, carrier_ids: Sequence[int], as_of: date) -> dict[int, tuple[int, int]]:
    """Per carrier (in incubation on ``as_of``, graduated by ``as_of``), counted in SQL:

    in_incubation = #{entered_on ≤ d, graduated_on unset or > d, left_on unset or > d}
    graduates     = #{graduated_on ≤ d}"""
    if not carrier_ids:
        return {}
    inside = and_(
        Tenant.entered_on <= as_of,
        or_(Tenant.graduated_on.is_(None), Tenant.graduated_on > as_of),
        or_(Tenant.left_on.is_(None), Tenant.left_on > as_of),
    )
    rows = session.execute(
        select(
            Tenant.carrier_id,
            func.sum(case((inside, 1), else_=0)),
            func.sum(case((Tenant.graduated_on <= as_of, 1), else_=0)),
        )
        .where(Tenant.carrier_id.in_(list(carrier_ids)))
        .group_by(Tenant.carrier_id)
    ).all()
    out = {cid: (int(a or 0), int(b or 0)) for cid, a, b in rows}
    return {cid: out.get(cid, (0, 0)) for cid in carrier_ids}


def tenant_problems(values: TenantValues, today: date) -> list[Problem]:
    """A tenant's dates agree with its status: in incubation has neither end date; graduated has its
    graduation date and left its leaving date, on or after it entered; no date after today."""
    problems = []
    if values.enterprise_id is None:
        problems.append(Problem("enterprise_id", "企业库中企业的统一社会信用代码", ""))
    if values.entered_on is None:
        return problems + [Problem("entered_on", "入驻日期不能为空", "")]
    if values.status not in TenantStatus.values():
        return problems + [Problem("status", "状态应为 在孵、已毕业、已迁出 之一", values.status)]
    problems += _end_problems(values, values.entered_on)
    ends = (("graduated_on", values.graduated_on), ("left_on", values.left_on))
    for key, day in (("entered_on", values.entered_on), *ends):
        if day is not None and day > today:
            problems.append(Problem(key, "日期不能晚于今天", day.isoformat()))
    return problems


def _end_problems(values: TenantValues, entered: date) -> list[Problem]:
    problems = []
    for status, end in (("graduated", values.graduated_on), ("left", values.left_on)):
        key = f"{status}_on"
        if values.status == status and end is None:
            problems.append(Problem(key, f"状态为“{TenantStatus(status).zh}”时应填写日期", ""))
        elif values.status != status and end is not None:
            problems.append(
                Problem(key, f"状态为“{TenantStatus(values.status).zh}”时不应填写此日期", end.isoformat())
            )
        elif end is not None and end < entered:
            problems.append(Problem(key, "不能早于入驻日期 " + entered.isoformat(), end.isoformat()))
    return problems


def save_tenant(
    session: Session, *, actor: Actor, values: TenantValues, source: str = "", today: date | None = None
) -> Tenant:
    """Put a registry enterprise in a carrier, or change its dates and status."""
    require(actor, Permission.edit_carriers)
    carrier = get_carrier(session, actor=actor, carrier_id=values.carrier_id)
    check_write(actor, carrier)
    problems = tenant_problems(values, today or date.today())
    if values.enterprise_id is not None and session.get(Enterprise, values.enterprise_id) is None:
        problems.append(Problem("enterprise_id", "企业库中的企业", values.enterprise_id))
    if problems:
        raise InvalidInput(problems)
    tenant = session.scalar(
        select(Tenant).where(Tenant.carrier_id == carrier.id, Tenant.enterprise_id == values.enterprise_id)
    )
    if tenant is None:
        tenant = Tenant(carrier_id=carrier.id, enterprise_id=values.enterprise_id)
        session.add(tenant)
    tenant.region_code, tenant.status, tenant.entered_on = (
        carrier.region_code,
        values.status,
        values.entered_on or date.today(),
    )
    tenant.graduated_on, tenant.left_on = values.graduated_on, values.left_on
    tenant.source = source or tenant.source or f"用户 {actor.username}"
    session.flush()
    return tenant


def tenants_of(session: Session, carrier_id: int) -> list[tuple[Tenant, Enterprise]]:
    return [
        (t, e)
        for t, e in session.execute(
            select(Tenant, Enterprise)
            .join(Enterprise, Enterprise.id == Tenant.enterprise_id)
            .where(Tenant.carrier_id == carrier_id)
            .order_by(Tenant.status.desc(), Tenant.entered_on.desc(), Enterprise.name)
        )
    ]


def carriers_of_enterprise(session: Session, enterprise_id: int) -> list[tuple[Tenant, Carrier]]:
    """Where an enterprise is or was a tenant (its profile shows it)."""
    return [
        (t, c)
        for t, c in session.execute(
            select(Tenant, Carrier)
            .join(Carrier, Carrier.id == Tenant.carrier_id)
            .where(Tenant.enterprise_id == enterprise_id)
            .order_by(Tenant.entered_on.desc())
        )
    ]


# -- yearly figures ----------------------------------------------------------------------------------


def year_problems(values: YearValues) -> list[Problem]:
    problems = []
    if not 2000 <= values.year <= date.today().year:
        problems.append(Problem("year", "年份应在 2000 年到今年之间", values.year))
    for key, value in values.figures.items():
        if key not in YEAR_FIELDS:
            problems.append(Problem(key, "未知的年度数据项", key))
        elif value is not None and value < 0:
            problems.append(Problem(key, "应不小于 0", value))
        elif value is not None and key in WHOLE_FIELDS and not float(value).is_integer():
            problems.append(Problem(key, "应为整数", value))
    return problems


def save_year(session: Session, *, actor: Actor, values: YearValues, source: str = "") -> CarrierYear:
    """A carrier's figures for one year (added, or replacing that year's)."""
    require(actor, Permission.edit_carriers)
    carrier = get_carrier(session, actor=actor, carrier_id=values.carrier_id)
    check_write(actor, carrier)
    problems = year_problems(values)
    if problems:
        raise InvalidInput(problems)
    row = session.scalar(
        select(CarrierYear).where(CarrierYear.carrier_id == carrier.id, CarrierYear.year == values.year)
    )
    if row is None:
        row = CarrierYear(carrier_id=carrier.id, year=values.year)
        session.add(row)
    row.region_code = carrier.region_code
    for key in YEAR_FIELDS:
        setattr(row, key, values.figures.get(key))
    row.source = source or f"用户 {actor.username}"
    session.flush()
    return row


def years_of(session: Session, carrier_ids: Sequence[int]) -> dict[int, list[CarrierYear]]:
    out: dict[int, list[CarrierYear]] = {cid: [] for cid in carrier_ids}
    for row in session.scalars(
        select(CarrierYear).where(CarrierYear.carrier_id.in_(list(carrier_ids))).order_by(CarrierYear.year)
    ):
        out[row.carrier_id].append(row)
    return out


# -- evaluation --------------------------------------------------------------------------------------


def rule_values(
    carrier: Carrier, years: Sequence[CarrierYear], counts: tuple[int, int], as_of: date
) -> dict[str, Any]:
    """A carrier as the incubator rules read it: its own facts, its latest filed year's figures and the
    tenant counts computed from the registry; what is not known is left out (the rule says unknown)."""
    filed = [y for y in years if y.year <= as_of.year]
    latest = filed[-1] if filed else None
    values: dict[str, Any] = {"id": carrier.id, "tenants": counts[0], "graduates": counts[1]}
    if filed:
        values["stats_years"] = len(filed)
    own = {
        "registered_on": carrier.opened_on,
        "area_m2": carrier.area_m2,
        "legal_person": carrier.legal_person,
    }
    values |= {k: v for k, v in own.items() if v is not None}
    if latest is not None:
        values |= {k: getattr(latest, k) for k in RULE_YEAR_FIELDS if getattr(latest, k) is not None}
    return values


def evaluation(session: Session, carrier: Carrier, as_of: date) -> dict[str, Any] | None:
    """An incubator's result against the next level (None for other kinds or the top level)."""
    if carrier.kind != CarrierKind.incubator.value or carrier.level not in NEXT_LEVEL:
        return None
    programme, label = NEXT_LEVEL[carrier.level]
    counts = tenant_counts(session, [carrier.id], as_of)[carrier.id]
    values = rule_values(carrier, years_of(session, [carrier.id])[carrier.id], counts, as_of)
    return {"target": label, "programme": programme, **rules.assess(programme, values, as_of)}


def nearest_to_next_level(
    session: Session, *, actor: Actor, as_of: date, region_code: str = ""
) -> list[dict[str, Any]]:
    """The incubators below national level nearest to it first (零突破), from the registry: each with
    the carrier, its result, the criteria it misses and its shortfall."""
    query = CarrierQuery(kind=CarrierKind.incubator.value, region_code=region_code)
    carriers = [c for c in list_carriers(session, actor=actor, query=query) if c.level in NEXT_LEVEL]
    ids = [c.id for c in carriers]
    counts, years = tenant_counts(session, ids, as_of), years_of(session, ids)
    by_id = {c.id: c for c in carriers}
    records = [rule_values(c, years[c.id], counts[c.id], as_of) for c in carriers]
    ranked = rules.nearest(records, "incubator_national", as_of)
    return [{**r, "carrier": by_id[r["id"]], "tenants": counts[r["id"]]} for r in ranked]
