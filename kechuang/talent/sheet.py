"""Talent and talent apartments as one Excel workbook: 人才 (a row with a 编号 changes that person, one
without adds one) and 人才公寓 (keyed by name). Template, export (names only for those who may see
them: the export of a reader without that right is refused) and an all-or-nothing import reporting
every problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, can_see, scope_clause
from kechuang.carriers import service as carriers
from kechuang.carriers.models import Carrier
from kechuang.carriers.sheet import SYSTEM_HELP, SYSTEMS, region_lookup, service_problems
from kechuang.chains.models import ChainNode
from kechuang.choices import TalentProgramme, TalentStatus
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput
from kechuang.regions.models import Region
from kechuang.talent import service
from kechuang.talent.models import Apartment, Talent
from kechuang.workbook import (
    CHOICE,
    FIGURE,
    NUMBER,
    WHOLE,
    YEAR,
    Book,
    Field,
    Parsed,
    Row,
    Sheet,
    read_book,
    write_book,
)

TALENT_SHEET = Sheet(
    "人才",
    (
        Field("id", "人才编号", NUMBER, help="留空表示新增；填写已有编号表示修改"),
        Field("name", "姓名", required=True),
        Field(
            "programme",
            "人才计划",
            CHOICE,
            required=True,
            choices={p.zh: p.value for p in TalentProgramme},
            aliases={"国家重大人才工程": "national_major", "双创计划": "jiangsu_innovation"}
            | {"科技副总": "tech_vice_president", "绿扬金凤计划": "lvyang_jinfeng"},
            width=22,
        ),
        Field("year", "入选年份", YEAR, required=True),
        Field(
            "host_uscc",
            "用人单位统一社会信用代码",
            width=22,
            expected="企业库中企业的统一社会信用代码，或留空",
        ),
        Field("host_carrier", "用人载体名称", width=24, expected="已登记的科创载体名称，或留空"),
        Field("host_name", "用人单位名称", width=24),
        Field("region", "所在地区（用人单位不在企业库和载体库时填写）", expected="本市的地区名称或代码"),
        Field("node_code", "产业链节点编号", width=24),
        Field("speciality", "专业方向", width=24),
        Field("status", "状态", CHOICE, choices={s.zh: s.value for s in TalentStatus}, default="active"),
    ),
    help="一行一人；用人单位填企业库中企业的信用代码或已登记的载体名称，都不是时填写单位名称和所在地区；"
    "姓名属个人信息，仅市科技局和所在区县可见",
)
APARTMENT_SHEET = Sheet(
    "人才公寓",
    (
        Field("name", "公寓名称", required=True, width=28),
        Field("region", "所在地区", required=True, expected="本市的地区名称或代码"),
        Field("address", "地址", width=30),
        Field("lng", "经度", FIGURE),
        Field("lat", "纬度", FIGURE),
        Field("system", "坐标系", CHOICE, choices=SYSTEMS, default="WGS-84", help=SYSTEM_HELP),
        Field("units", "房源套数", WHOLE, required=True),
        Field("occupied", "已入住套数", WHOLE),
        Field("operator", "运营单位", width=24),
    ),
    help="一行一处人才公寓，按公寓名称新增或修改；" + SYSTEM_HELP,
    key="name",
)
TALENT = Book((TALENT_SHEET, APARTMENT_SHEET))


class TalentSheetError(InvalidInput):
    """Every problem of a talent workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def talent_workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """The people and apartments the actor may see, in the import layout (or an empty template)."""
    require(actor, Permission.see_talent_names, "人才名单属个人信息，仅市科技局和所在区县可下载")
    if empty:
        return write_book(TALENT, {})
    regions = dict(session.execute(select(Region.code, Region.name)).all())
    usccs = dict(session.execute(select(Enterprise.id, Enterprise.uscc)).all())
    carrier_names = dict(session.execute(select(Carrier.id, Carrier.name)).all())
    nodes = dict(session.execute(select(ChainNode.id, ChainNode.code)).all())
    people = session.scalars(select(Talent).where(scope_clause(actor, Talent)).order_by(Talent.id))
    flats = session.scalars(select(Apartment).where(scope_clause(actor, Apartment)).order_by(Apartment.id))
    programmes, statuses = TalentProgramme.labels(), TalentStatus.labels()
    return write_book(
        TALENT,
        {
            TALENT_SHEET.name: [
                {
                    "id": t.id,
                    "name": t.name,
                    "programme": programmes[t.programme],
                    "year": t.year,
                    "host_uscc": usccs.get(t.host_enterprise_id or 0, ""),
                    "host_carrier": carrier_names.get(t.host_carrier_id or 0, ""),
                    "host_name": t.host_name,
                    "region": regions.get(t.region_code, t.region_code),
                    "node_code": nodes.get(t.node_id or 0, ""),
                    "speciality": t.speciality,
                    "status": statuses[t.status],
                }
                for t in people
            ],
            APARTMENT_SHEET.name: [
                {
                    "name": a.name,
                    "region": regions.get(a.region_code, a.region_code),
                    "address": a.address,
                    "lng": None if a.approximate else a.lng,
                    "lat": None if a.approximate else a.lat,
                    "system": "WGS-84",
                    "units": a.units,
                    "occupied": a.occupied,
                    "operator": a.operator,
                }
                for a in flats
            ],
        },
    )


def _lookup(parsed: Parsed, row: Row, key: str, known: dict[str, Any], expected: str) -> Any:
    text = str(row.values[key] or "").strip()
    if not text:
        return None
    found = known.get(text.upper() if "uscc" in key else text)
    if found is None:
        parsed.problem(row, key, expected)
    return found


def _talent_values(parsed: Parsed, row: Row, known: dict[str, dict[str, Any]]) -> service.TalentValues:
    v = row.values
    return service.TalentValues(
        name=str(v["name"] or ""),
        programme=v["programme"] or "",
        year=v["year"],
        host_enterprise_id=_lookup(
            parsed, row, "host_uscc", known["ents"], "企业库中企业的统一社会信用代码，或留空"
        ),
        host_carrier_id=_lookup(
            parsed, row, "host_carrier", known["carriers"], "已登记的科创载体名称，或留空"
        ),
        host_name=str(v["host_name"] or ""),
        region_code=_lookup(parsed, row, "region", known["regions"], "本市的地区名称或代码"),
        node_code=str(v["node_code"] or "").strip(),
        speciality=str(v["speciality"] or ""),
        status=v["status"] or TalentStatus.active.value,
    )


def _existing(session: Session, actor: Actor, parsed: Parsed, row: Row) -> Talent | None:
    """The person a row's 编号 names, if the actor may see them (another area's id is unknown)."""
    ident = row.values["id"]
    if ident is None:
        return None
    found = session.get(Talent, int(ident)) if float(ident).is_integer() else None
    if found is not None and not can_see(actor, found):
        found = None
    if found is None:
        parsed.problem(row, "id", "已有人才的编号（新增请留空）")
    return found


def _import_people(session: Session, actor: Actor, parsed: Parsed, result: ImportResult) -> None:
    known: dict[str, dict[str, Any]] = {
        "ents": {u.upper(): i for u, i in session.execute(select(Enterprise.uscc, Enterprise.id))},
        "carriers": dict(session.execute(select(Carrier.name, Carrier.id)).all()),  # hosts: any carrier
        "regions": region_lookup(session),
    }
    for row in parsed.rows[TALENT_SHEET.name]:
        before = len(parsed.problems)
        values = _talent_values(parsed, row, known)
        old = _existing(session, actor, parsed, row)
        if len(parsed.problems) > before:
            continue
        if old is not None and service.same_talent(session, old, values):
            result.unchanged += 1
            continue
        try:
            source = f"{parsed.filename} 工作表“{TALENT_SHEET.name}”第 {row.row} 行"
            service.save_talent(
                session, actor=actor, values=values, talent_id=old.id if old else None, source=source
            )
            result.updated += old is not None
            result.created += old is None
        except InvalidInput as exc:
            service_problems(parsed, row, exc, TALENT_SHEET)


def _apartment_values(parsed: Parsed, row: Row, regions: dict[str, str]) -> service.ApartmentValues:
    v = row.values
    return service.ApartmentValues(
        name=str(v["name"] or ""),
        region_code=_lookup(parsed, row, "region", regions, "本市的地区名称或代码") or "",
        units=None if v["units"] is None else int(v["units"]),
        occupied=None if v["occupied"] is None else int(v["occupied"]),
        address=str(v["address"] or ""),
        operator=str(v["operator"] or ""),
        lng=v["lng"],
        lat=v["lat"],
        system=v["system"] or "WGS-84",
    )


def _import_apartments(session: Session, actor: Actor, parsed: Parsed, result: ImportResult) -> None:
    regions, areas = region_lookup(session), carriers.area_names(session)
    existing = {a.name: a for a in session.scalars(select(Apartment).where(scope_clause(actor, Apartment)))}
    for row in parsed.rows[APARTMENT_SHEET.name]:
        before = len(parsed.problems)
        values = _apartment_values(parsed, row, regions)
        if len(parsed.problems) > before:
            continue
        old = existing.get(values.name.strip())
        where, problems = service.apartment_problems(session, values, old.id if old else None, areas)
        if old is not None and not problems and service.same_apartment(old, values, where):
            result.unchanged += 1
            continue
        try:
            source = f"{parsed.filename} 工作表“{APARTMENT_SHEET.name}”第 {row.row} 行"
            service.save_apartment(
                session, actor=actor, values=values, apartment_id=old.id if old else None, source=source
            )
            result.updated += old is not None
            result.created += old is None
        except InvalidInput as exc:
            service_problems(parsed, row, exc, APARTMENT_SHEET)


def import_talent(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    """Add or change every person and apartment of the workbook, or nothing."""
    require(actor, Permission.edit_talent, "人才和人才公寓由市科技局和区县维护")
    parsed = read_book(TALENT, content, filename, TalentSheetError)
    result = ImportResult()
    _import_people(session, actor, parsed, result)
    _import_apartments(session, actor, parsed, result)
    parsed.check(TalentSheetError)
    return result
