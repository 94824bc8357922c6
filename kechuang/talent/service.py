"""Talent and talent apartments: validate everything, then write; scoped reads where names are personal
data (only ``see_talent_names`` holders see them: the bureau, and a district operator in its own area;
everyone else gets counts); counts per district and programme in SQL.

A person with a chain node becomes the atlas's ``talent`` link (source "人才 N"), named by programme
and host, never by the person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, allowed, check_region_writable, require, require_region
from kechuang.auth.scope import Actor, can_see, check_write, scope_clause
from kechuang.carriers import service as carriers
from kechuang.carriers.models import Carrier
from kechuang.chains.models import ChainNode, NodeLink
from kechuang.choices import PROGRAMME_LEVELS, TalentProgramme, TalentStatus
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, NotFound, Problem
from kechuang.regions.service import district_of
from kechuang.talent.models import Apartment, Talent

HIDDEN = "***"  # a name the actor may not see


@dataclass
class TalentValues:
    name: str
    programme: str
    year: int | None
    host_enterprise_id: int | None = None
    host_carrier_id: int | None = None
    host_name: str = ""
    region_code: str | None = None  # needed only when the host is in neither registry
    node_code: str = ""
    speciality: str = ""
    status: str = TalentStatus.active.value


@dataclass
class ApartmentValues:
    name: str
    region_code: str
    units: int | None
    occupied: int | None = 0
    address: str = ""
    operator: str = ""
    lng: float | None = None
    lat: float | None = None
    system: str = "WGS-84"


# -- talent ------------------------------------------------------------------------------------------


def _talent_field_problems(v: TalentValues) -> list[Problem]:
    problems = []
    if not v.name.strip():
        problems.append(Problem("name", "姓名不能为空", v.name))
    if v.programme not in TalentProgramme.values():
        labels = "、".join(TalentProgramme.labels().values())
        problems.append(Problem("programme", f"人才计划应为 {labels} 之一", v.programme))
    if v.year is None or not 2000 <= v.year <= date.today().year:
        problems.append(Problem("year", "入选年份应在 2000 年到今年之间", v.year))
    if v.status not in TalentStatus.values():
        problems.append(Problem("status", "状态应为 在岗、期满、已离开 之一", v.status))
    return problems


def _host_region(session: Session, v: TalentValues, problems: list[Problem]) -> str | None:
    """The host's region: the enterprise's, else the carrier's, else the one given."""
    if v.host_carrier_id is not None and session.get(Carrier, v.host_carrier_id) is None:
        problems.append(Problem("host_carrier_id", "已登记的科创载体", v.host_carrier_id))
        return None
    if v.host_enterprise_id is not None:
        ent = session.get(Enterprise, v.host_enterprise_id)
        if ent is None:
            problems.append(Problem("host_enterprise_id", "企业库中的企业", v.host_enterprise_id))
            return None
        return ent.region_code
    if v.host_carrier_id is not None:
        return session.get(Carrier, v.host_carrier_id).region_code  # type: ignore[union-attr]
    if not v.host_name.strip():
        problems.append(
            Problem("host_name", "用人单位：企业库中的企业、已登记的载体，或填写单位名称和所在地区", "")
        )
    return v.region_code


def talent_problems(session: Session, v: TalentValues) -> tuple[str | None, int | None, list[Problem]]:
    """Every problem of a person's values, the region they count in and their node's id."""
    problems = _talent_field_problems(v)
    region = _host_region(session, v, problems)
    if region is None or region not in district_of(session):
        if not any(p.field.startswith("host_") for p in problems):
            problems.append(Problem("region_code", "本市的地区名称或代码", v.region_code or ""))
    node_id = None
    if v.node_code:
        node_id = session.scalar(select(ChainNode.id).where(ChainNode.code == v.node_code))
        if node_id is None:
            problems.append(Problem("node_code", "图谱中已有的节点编号", v.node_code))
    return region, node_id, problems


def save_talent(
    session: Session, *, actor: Actor, values: TalentValues, talent_id: int | None = None, source: str = ""
) -> Talent:
    require(actor, Permission.edit_talent)
    person = session.get(Talent, talent_id) if talent_id else None
    if talent_id and (person is None or not can_see(actor, person)):
        raise NotFound(f"人才 {talent_id} 不存在")
    if person is not None:
        check_write(actor, person)
    region, node_id, problems = talent_problems(session, values)
    if problems or region is None:
        raise InvalidInput(problems)
    check_region_writable(actor, region)
    person = person or Talent(source=source or f"用户 {actor.username}")
    _assign(session, person, values, region, node_id)
    if person.id is None:
        session.add(person)
    session.flush()
    link_talent(session, [person])
    return person


def _assign(session: Session, person: Talent, v: TalentValues, region: str, node_id: int | None) -> None:
    person.name, person.programme, person.year = v.name.strip(), v.programme, v.year or 0
    person.level = PROGRAMME_LEVELS[TalentProgramme(v.programme)].value
    person.host_enterprise_id, person.host_carrier_id = v.host_enterprise_id, v.host_carrier_id
    host = v.host_name.strip()
    if not host and v.host_enterprise_id is not None:
        host = session.get(Enterprise, v.host_enterprise_id).name  # type: ignore[union-attr]
    elif not host and v.host_carrier_id is not None:
        host = session.get(Carrier, v.host_carrier_id).name  # type: ignore[union-attr]
    person.host_name, person.region_code, person.node_id = host, region, node_id
    person.speciality, person.status = v.speciality.strip(), v.status


def same_talent(session: Session, person: Talent, v: TalentValues) -> bool:
    region, node_id, problems = talent_problems(session, v)
    if problems or region is None:
        return False
    probe = Talent()
    _assign(session, probe, v, region, node_id)
    keys: tuple[str, ...] = (
        "name",
        "programme",
        "year",
        "host_enterprise_id",
        "host_carrier_id",
        "host_name",
    )
    keys += ("region_code", "node_id", "speciality", "status")
    return all(getattr(probe, k) == getattr(person, k) for k in keys)


def link_talent(session: Session, people: Sequence[Talent]) -> None:
    """Each person on a node as the atlas's talent link: programme and host, not the person's name."""
    sources = {p.id: f"人才 {p.id}" for p in people}
    for old in session.scalars(select(NodeLink).where(NodeLink.source.in_(list(sources.values())))):
        session.delete(old)
    session.flush()
    session.add_all(
        NodeLink(
            node_id=p.node_id,
            kind="talent",
            name=f"{TalentProgramme(p.programme).zh}人才（{p.host_name}）",
            role=p.programme,
            region_code=p.region_code,
            source=sources[p.id],
        )
        for p in people
        if p.node_id is not None and p.status == TalentStatus.active.value
    )
    session.flush()


def sees_names(actor: Actor) -> bool:
    return allowed(actor, Permission.see_talent_names)


@dataclass(frozen=True)
class TalentQuery:
    programme: str = ""
    region_code: str = ""
    year: int | None = None
    status: str = ""


def talent_clause(session: Session, actor: Actor, query: TalentQuery) -> Any:
    require(actor, Permission.see_talent)
    require_region(actor, query.region_code or None)
    clauses = [scope_clause(actor, Talent)]
    if query.programme:
        clauses.append(Talent.programme == query.programme)
    if query.region_code:
        under = [c for c, d in district_of(session).items() if query.region_code in (c, d)]
        clauses.append(Talent.region_code.in_(under or [query.region_code]))
    if query.year:
        clauses.append(Talent.year == query.year)
    if query.status:
        clauses.append(Talent.status == query.status)
    return and_(*clauses)


def list_talent(
    session: Session, *, actor: Actor, query: TalentQuery, limit: int = 200
) -> list[dict[str, Any]]:
    """The people, named only for those who may see names; ``limit`` rows, newest first."""
    if not sees_names(actor):
        return []
    rows = session.scalars(
        select(Talent)
        .where(talent_clause(session, actor, query))
        .order_by(Talent.year.desc(), Talent.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": t.id,
            "name": t.name,
            "programme": t.programme,
            "year": t.year,
            "level": t.level,
            "host_name": t.host_name,
            "host_enterprise_id": t.host_enterprise_id,
            "host_carrier_id": t.host_carrier_id,
            "region_code": t.region_code,
            "node_id": t.node_id,
            "speciality": t.speciality,
            "status": t.status,
        }
        for t in rows
    ]


def counts(session: Session, *, actor: Actor, query: TalentQuery | None = None) -> dict[tuple[str, str], int]:
    """(district code, programme) → number of people, for everything the actor may see."""
    district = district_of(session)
    rows = session.execute(
        select(Talent.region_code, Talent.programme, func.count())
        .where(talent_clause(session, actor, query or TalentQuery()))
        .group_by(Talent.region_code, Talent.programme)
    ).all()
    out: dict[tuple[str, str], int] = {}
    for region, programme, n in rows:
        key = (district.get(region, region), programme)
        out[key] = out.get(key, 0) + n
    return out


def host_counts(
    session: Session, *, enterprise_id: int | None = None, carrier_id: int | None = None
) -> dict[str, int]:
    """An enterprise's or a carrier's talent in post, per programme (profiles show counts, never names)."""
    host = (
        Talent.host_enterprise_id == enterprise_id
        if enterprise_id is not None
        else Talent.host_carrier_id == carrier_id
    )
    rows = session.execute(
        select(Talent.programme, func.count())
        .where(host, Talent.status == TalentStatus.active.value)
        .group_by(Talent.programme)
    ).all()
    return {p: n for p, n in rows}


# -- apartments --------------------------------------------------------------------------------------


def apartment_problems(
    session: Session, v: ApartmentValues, apartment_id: int | None, areas: Mapping[str, str]
) -> tuple[Any, list[Problem]]:
    problems = []
    if not v.name.strip():
        problems.append(Problem("name", "名称不能为空", v.name))
    taken = session.scalar(
        select(Apartment.id).where(Apartment.name == v.name.strip(), Apartment.id != (apartment_id or 0))
    )
    if taken is not None:
        problems.append(Problem("name", f"已有同名人才公寓（编号 {taken}）", v.name))
    if v.units is None or v.units <= 0:
        problems.append(Problem("units", "房源套数应为大于 0 的整数", v.units))
    elif v.occupied is not None and not 0 <= v.occupied <= v.units:
        problems.append(Problem("occupied", f"已入住套数应在 0 到房源套数 {v.units} 之间", v.occupied))
    if v.region_code not in areas:
        problems.append(Problem("region_code", "本市的地区名称或代码", v.region_code))
        return None, problems
    where, place_problems = carriers.placed(v, areas)
    return where, problems + place_problems


def save_apartment(
    session: Session,
    *,
    actor: Actor,
    values: ApartmentValues,
    apartment_id: int | None = None,
    source: str = "",
) -> Apartment:
    require(actor, Permission.edit_talent)
    flat = session.get(Apartment, apartment_id) if apartment_id else None
    if apartment_id and (flat is None or not can_see(actor, flat)):
        raise NotFound(f"人才公寓 {apartment_id} 不存在")
    if flat is not None:
        check_write(actor, flat)
    where, problems = apartment_problems(session, values, apartment_id, carriers.area_names(session))
    if problems or where is None:
        raise InvalidInput(problems)
    check_region_writable(actor, values.region_code)
    flat = flat or Apartment(source=source or f"用户 {actor.username}")
    _assign_apartment(flat, values, where)
    if flat.id is None:
        session.add(flat)
    session.flush()
    return flat


def _assign_apartment(flat: Apartment, v: ApartmentValues, where: Any) -> None:
    flat.name, flat.region_code, flat.address = v.name.strip(), v.region_code, v.address.strip()
    flat.units, flat.occupied, flat.operator = v.units or 0, v.occupied or 0, v.operator.strip()
    flat.lng, flat.lat, flat.approximate = round(where.lng, 6), round(where.lat, 6), where.approximate


def same_apartment(flat: Apartment, v: ApartmentValues, where: Any) -> bool:
    probe = Apartment()
    _assign_apartment(probe, v, where)
    keys = ("name", "region_code", "address", "units", "occupied", "operator", "approximate")
    near = abs(probe.lng - flat.lng) < 1e-6 and abs(probe.lat - flat.lat) < 1e-6
    return near and all(getattr(probe, k) == getattr(flat, k) for k in keys)


def list_apartments(session: Session, *, actor: Actor, region_code: str = "") -> list[Apartment]:
    require(actor, Permission.see_talent)
    require_region(actor, region_code or None)
    query = select(Apartment).where(scope_clause(actor, Apartment))
    if region_code:
        under = [c for c, d in district_of(session).items() if region_code in (c, d)]
        query = query.where(Apartment.region_code.in_(under or [region_code]))
    return list(session.scalars(query.order_by(Apartment.region_code, Apartment.id)))


def get_apartment(session: Session, *, actor: Actor, apartment_id: int) -> Apartment:
    require(actor, Permission.see_talent)
    flat = session.get(Apartment, apartment_id)
    if flat is None or not can_see(actor, flat):
        raise NotFound(f"人才公寓 {apartment_id} 不存在")
    return flat
