"""Carriers as one Excel workbook: 科创载体 (keyed by name), 在孵企业 (registry enterprises by USCC) and
年度数据 (a carrier's figures per year). Template, export (imports back with no change) and an
all-or-nothing import that reports every problem at once with its sheet, row, column, value and what
was expected. The cell checks come from the declaration, the rules from the service."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, scope_clause
from kechuang.carriers import service
from kechuang.carriers.models import Carrier, CarrierYear, Tenant
from kechuang.choices import CarrierKind, CarrierLevel, TenantStatus
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, Problem
from kechuang.regions.models import Region
from kechuang.workbook import (
    CHOICE,
    DATE,
    FIGURE,
    MONEY,
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

SYSTEMS = {"WGS-84": "WGS-84", "GCJ-02": "GCJ-02"}
SYSTEM_HELP = (
    "经纬度的坐标系：WGS-84（GPS、天地图）或 GCJ-02（高德、腾讯地图，导入时换算为 WGS-84）；"
    "经纬度留空时放在所在区县的中心点，并在地图上标为近似位置；市外的坐标不予导入"
)
YES_NO = {"是": True, "否": False}
WORDS = re.compile(r"[、，,\s]+")

CARRIER_SHEET = Sheet(
    "科创载体",
    (
        Field("name", "载体名称", required=True, width=30),
        Field("kind", "类型", CHOICE, required=True, choices={k.zh: k.value for k in CarrierKind}, width=20),
        Field("level", "级别", CHOICE, required=True, choices={k.zh: k.value for k in CarrierLevel}),
        Field("recognised_year", "认定年份", WHOLE),
        Field("recognition_document", "认定文件", width=30),
        Field(
            "operator_uscc",
            "运营主体统一社会信用代码",
            width=22,
            expected="企业库中企业的统一社会信用代码，或留空",
        ),
        Field("operator_name", "运营主体名称", width=24),
        Field("region", "所在地区", required=True, expected="本市的地区名称或代码"),
        Field("address", "地址", width=30),
        Field("lng", "经度", FIGURE),
        Field("lat", "纬度", FIGURE),
        Field("system", "坐标系", CHOICE, choices=SYSTEMS, default="WGS-84", help=SYSTEM_HELP),
        Field("area_m2", "场地面积（平方米）", NUMBER),
        Field("opened_on", "运营起始日期", DATE),
        Field("legal_person", "独立法人", CHOICE, choices=YES_NO),
        Field("node_codes", "服务产业链节点编号（、分隔）", width=28),
    ),
    help="一行一个载体，按载体名称新增或修改；" + SYSTEM_HELP,
    key="name",
)
TENANT_SHEET = Sheet(
    "在孵企业",
    (
        Field("carrier", "载体名称", required=True, width=30),
        Field(
            "uscc", "企业统一社会信用代码", required=True, width=22, expected="企业库中企业的统一社会信用代码"
        ),
        Field("enterprise", "企业名称（仅供查看）", width=24),
        Field("status", "状态", CHOICE, choices={k.zh: k.value for k in TenantStatus}, default="incubating"),
        Field("entered_on", "入驻日期", DATE, required=True),
        Field("graduated_on", "毕业日期", DATE),
        Field("left_on", "迁出日期", DATE),
    ),
    help="一行一家在孵或毕业企业；企业须已在企业库中；状态为已毕业时填毕业日期，已迁出时填迁出日期",
)
YEAR_HEADERS = {
    "tenant_area_m2": ("在孵企业使用面积（平方米）", NUMBER),
    "fund": ("孵化资金（元）", MONEY),
    "fund_cases": ("资金使用案例（个）", WHOLE),
    "financed_tenants": ("获得投融资的在孵企业（家）", WHOLE),
    "financing": ("在孵企业当年融资额（元）", MONEY),
    "tenant_revenue": ("在孵企业总收入（元）", MONEY),
    "staff": ("服务人员（人）", WHOLE),
    "pro_staff": ("专业孵化服务人员（人）", WHOLE),
    "mentors": ("创业导师（人）", WHOLE),
    "patent_tenants": ("申请专利的在孵企业（家）", WHOLE),
    "ip_tenants": ("拥有有效知识产权的在孵企业（家）", WHOLE),
    "tenant_patents": ("在孵企业有效专利（件）", WHOLE),
}
YEAR_SHEET = Sheet(
    "年度数据",
    (
        Field("carrier", "载体名称", required=True, width=30),
        Field("year", "年份", YEAR, required=True),
        *(Field(key, header, kind, width=18) for key, (header, kind) in YEAR_HEADERS.items()),
    ),
    help="一行一个载体一年的统计数据；在孵企业数和毕业企业数由“在孵企业”表计算，不在此填写",
)
CARRIERS = Book((CARRIER_SHEET, TENANT_SHEET, YEAR_SHEET))
SERVICE_KEYS = {
    "operator_enterprise_id": "operator_uscc",
    "region_code": "region",
    "enterprise_id": "uscc",
    "carrier_id": "carrier",
}


class CarrierSheetError(InvalidInput):
    """Every problem of a carriers workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def carriers_workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """The carriers the actor may see, their tenants and yearly figures (or an empty template)."""
    require(actor, Permission.see_carriers)
    if empty:
        return write_book(CARRIERS, {})
    carriers = list(session.scalars(select(Carrier).where(scope_clause(actor, Carrier)).order_by(Carrier.id)))
    names = {c.id: c.name for c in carriers}
    regions = dict(session.execute(select(Region.code, Region.name)).all())
    ents = dict(session.execute(select(Enterprise.id, Enterprise.uscc)).all())
    kinds, levels = CarrierKind.labels(), CarrierLevel.labels()
    tenants = session.execute(
        select(Tenant, Enterprise.uscc, Enterprise.name)
        .join(Enterprise, Enterprise.id == Tenant.enterprise_id)
        .where(Tenant.carrier_id.in_(list(names)))
        .order_by(Tenant.carrier_id, Tenant.entered_on, Tenant.id)
    ).all()
    years = session.scalars(
        select(CarrierYear)
        .where(CarrierYear.carrier_id.in_(list(names)))
        .order_by(CarrierYear.carrier_id, CarrierYear.year)
    )
    return write_book(
        CARRIERS,
        {
            CARRIER_SHEET.name: [_carrier_row(c, kinds, levels, regions, ents) for c in carriers],
            TENANT_SHEET.name: [
                {
                    "carrier": names[t.carrier_id],
                    "uscc": uscc,
                    "enterprise": name,
                    "status": TenantStatus(t.status).zh,
                    "entered_on": t.entered_on,
                    "graduated_on": t.graduated_on,
                    "left_on": t.left_on,
                }
                for t, uscc, name in tenants
            ],
            YEAR_SHEET.name: [
                {"carrier": names[y.carrier_id], "year": y.year, **{k: getattr(y, k) for k in YEAR_HEADERS}}
                for y in years
            ],
        },
    )


def _carrier_row(
    c: Carrier, kinds: dict[str, str], levels: dict[str, str], regions: dict[str, str], ents: dict[int, str]
) -> dict[str, Any]:
    exact = not c.approximate  # an approximate point is the district's centre: exported blank
    return {
        "name": c.name,
        "kind": kinds.get(c.kind, c.kind),
        "level": levels.get(c.level, c.level),
        "recognised_year": c.recognised_year,
        "recognition_document": c.recognition_document,
        "operator_uscc": ents.get(c.operator_enterprise_id or 0, ""),
        "operator_name": c.operator_name,
        "region": regions.get(c.region_code, c.region_code),
        "address": c.address,
        "lng": c.lng if exact else None,
        "lat": c.lat if exact else None,
        "system": "WGS-84",
        "area_m2": c.area_m2,
        "opened_on": c.opened_on,
        "legal_person": None if c.legal_person is None else ("是" if c.legal_person else "否"),
        "node_codes": c.node_codes.replace("|", "、"),
    }


def service_problems(parsed: Parsed, row: Row, exc: InvalidInput, sheet: Sheet) -> None:
    """The service's problems for one row, placed on the row's cells in the workbook's words."""
    keys = {f.key for f in sheet.fields}
    already = {(q.row, q.field) for q in parsed.problems if q.message.find(f"“{sheet.name}”") >= 0}
    for p in exc.problems:
        key = SERVICE_KEYS.get(p.field, p.field)
        field = sheet.field(key if key in keys else sheet.fields[0].key)
        if (row.row, field.header) in already:
            continue  # the cell's own check said it first
        value = p.value if p.value not in (None, "") else row.text.get(field.key, "")
        parsed.problems.append(
            Problem(
                field.header,
                f"{parsed.filename} 工作表“{sheet.name}”第 {row.row} 行「{field.header}」：值“{value}”，{p.message}",
                value,
                row=row.row,
                file=parsed.filename,
            )
        )


def region_lookup(session: Session) -> dict[str, str]:
    """A region's code or name (or alias) → its code."""
    out: dict[str, str] = {}
    for code, name, aliases in session.execute(select(Region.code, Region.name, Region.aliases)):
        out |= {code: code, name: code} | {a: code for a in aliases.split("|") if a}
    return out


def _lookup(parsed: Parsed, row: Row, key: str, known: dict[str, Any], expected: str) -> Any:
    text = str(row.values[key] or "").strip()
    if not text:
        return None
    found = known.get(text.upper() if "uscc" in key else text)
    if found is None:
        parsed.problem(row, key, expected)
    return found


def _carrier_values(
    parsed: Parsed, row: Row, regions: dict[str, str], ents: dict[str, int]
) -> service.CarrierValues:
    v = row.values
    region = _lookup(parsed, row, "region", regions, "本市的地区名称或代码")
    operator = _lookup(parsed, row, "operator_uscc", ents, "企业库中企业的统一社会信用代码，或留空")
    return service.CarrierValues(
        name=str(v["name"] or ""),
        kind=v["kind"] or "",
        level=v["level"] or "",
        region_code=region or "",
        recognised_year=v["recognised_year"],
        recognition_document=str(v["recognition_document"] or ""),
        operator_enterprise_id=operator,
        operator_name=str(v["operator_name"] or ""),
        address=str(v["address"] or ""),
        lng=v["lng"],
        lat=v["lat"],
        system=v["system"] or "WGS-84",
        area_m2=v["area_m2"],
        opened_on=v["opened_on"],
        legal_person=v["legal_person"],
        node_codes=[x for x in WORDS.split(str(v["node_codes"] or "")) if x],
    )


def _import_carriers(
    session: Session, actor: Actor, parsed: Parsed, result: ImportResult, failed: set[str]
) -> None:
    regions, areas = region_lookup(session), service.area_names(session)
    ents = {u.upper(): i for u, i in session.execute(select(Enterprise.uscc, Enterprise.id))}
    existing = {c.name: c for c in session.scalars(select(Carrier).where(scope_clause(actor, Carrier)))}
    for row in parsed.rows[CARRIER_SHEET.name]:
        before = len(parsed.problems)
        values = _carrier_values(parsed, row, regions, ents)
        old = existing.get(values.name.strip())
        try:
            if len(parsed.problems) == before and not _unchanged(session, old, values, areas, result):
                service.save_carrier(
                    session,
                    actor=actor,
                    values=values,
                    carrier_id=old.id if old is not None else None,
                    source=f"{parsed.filename} 工作表“{CARRIER_SHEET.name}”第 {row.row} 行",
                )
                result.updated += old is not None
                result.created += old is None
        except InvalidInput as exc:
            service_problems(parsed, row, exc, CARRIER_SHEET)
        if len(parsed.problems) > before:
            failed.add(values.name.strip())


def _unchanged(
    session: Session,
    old: Carrier | None,
    values: service.CarrierValues,
    areas: dict[str, str],
    result: ImportResult,
) -> bool:
    """Whether an existing carrier's row says what it holds (counted as unchanged)."""
    if old is None:
        return False
    where, problems = service.carrier_problems(session, values, old.id, areas)
    same = not problems and where is not None and service.same_carrier(old, values, where)
    result.unchanged += same
    return same


def visible_names(session: Session, actor: Actor) -> dict[str, int]:
    """The carriers the actor may see, by name (a name outside its area is unknown to it)."""
    return dict(session.execute(select(Carrier.name, Carrier.id).where(scope_clause(actor, Carrier))).all())


def _carrier_of(parsed: Parsed, row: Row, carriers: dict[str, int], failed: set[str]) -> int | None:
    name = str(row.values["carrier"] or "").strip()
    if name in failed:
        return None  # its own row's problems say why
    found = carriers.get(name)
    if found is None:
        parsed.problem(row, "carrier", "“科创载体”表或已登记的载体名称")
    return found


def _import_tenants(
    session: Session, actor: Actor, parsed: Parsed, result: ImportResult, failed: set[str], today: date
) -> None:
    carriers = visible_names(session, actor)
    usccs = {r.values["uscc"].upper() for r in parsed.rows[TENANT_SHEET.name] if r.values["uscc"]}
    ents = dict(
        session.execute(select(Enterprise.uscc, Enterprise.id).where(Enterprise.uscc.in_(usccs))).all()
    )
    old = {
        (t.carrier_id, t.enterprise_id): t
        for t in session.scalars(select(Tenant).where(Tenant.enterprise_id.in_(list(ents.values()))))
    }
    seen: set[tuple[int, int]] = set()
    for row in parsed.rows[TENANT_SHEET.name]:
        carrier = _carrier_of(parsed, row, carriers, failed)
        ent = _lookup(
            parsed, row, "uscc", {k.upper(): v for k, v in ents.items()}, "企业库中企业的统一社会信用代码"
        )
        if carrier is None or ent is None:
            continue
        if (carrier, ent) in seen:
            parsed.problem(row, "uscc", "同一载体的每家企业只填一行")
            continue
        seen.add((carrier, ent))
        values = service.TenantValues(
            carrier_id=carrier,
            enterprise_id=ent,
            entered_on=row.values["entered_on"],
            status=row.values["status"] or TenantStatus.incubating.value,
            graduated_on=row.values["graduated_on"],
            left_on=row.values["left_on"],
        )
        _save_tenant(session, actor, parsed, row, values, old.get((carrier, ent)), result, today)


def _save_tenant(
    session: Session,
    actor: Actor,
    parsed: Parsed,
    row: Row,
    values: service.TenantValues,
    was: Tenant | None,
    result: ImportResult,
    today: date,
) -> None:
    dates = (values.status, values.entered_on, values.graduated_on, values.left_on)
    if was is not None and (was.status, was.entered_on, was.graduated_on, was.left_on) == dates:
        result.unchanged += 1
        return
    try:
        source = f"{parsed.filename} 工作表“{TENANT_SHEET.name}”第 {row.row} 行"
        service.save_tenant(session, actor=actor, values=values, source=source, today=today)
        result.updated += was is not None
        result.created += was is None
    except InvalidInput as exc:
        service_problems(parsed, row, exc, TENANT_SHEET)


def _import_years(
    session: Session, actor: Actor, parsed: Parsed, result: ImportResult, failed: set[str]
) -> None:
    carriers = visible_names(session, actor)
    old = {
        (y.carrier_id, y.year): y
        for y in session.scalars(
            select(CarrierYear).where(CarrierYear.carrier_id.in_(list(carriers.values())))
        )
    }
    seen: set[tuple[int, int]] = set()
    for row in parsed.rows[YEAR_SHEET.name]:
        carrier = _carrier_of(parsed, row, carriers, failed)
        if carrier is None or row.values["year"] is None:
            continue
        key = (carrier, row.values["year"])
        if key in seen:
            parsed.problem(row, "year", "同一载体的每一年只填一行")
            continue
        seen.add(key)
        figures = {k: row.values[k] for k in YEAR_HEADERS}
        was = old.get(key)
        if was is not None and all(_same(getattr(was, k), figures[k]) for k in YEAR_HEADERS):
            result.unchanged += 1
            continue
        try:
            source = f"{parsed.filename} 工作表“{YEAR_SHEET.name}”第 {row.row} 行"
            values = service.YearValues(carrier_id=carrier, year=key[1], figures=figures)
            service.save_year(session, actor=actor, values=values, source=source)
            result.updated += was is not None
            result.created += was is None
        except InvalidInput as exc:
            service_problems(parsed, row, exc, YEAR_SHEET)


def _same(a: Any, b: Any) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and float(a) == float(b))


def import_carriers(
    session: Session, *, actor: Actor, content: bytes, filename: str, today: date | None = None
) -> ImportResult:
    """Add or change every carrier, tenant and yearly figure of the workbook, or nothing."""
    require(actor, Permission.edit_carriers, "科创载体由市科技局和区县维护")
    parsed = read_book(CARRIERS, content, filename, CarrierSheetError)
    result, failed = ImportResult(), set[str]()
    _import_carriers(session, actor, parsed, result, failed)
    _import_tenants(session, actor, parsed, result, failed, today or date.today())
    _import_years(session, actor, parsed, result, failed)
    parsed.check(CarrierSheetError)
    return result
