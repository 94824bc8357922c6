"""Technology demands and capability profiles as Excel workbooks: template, export (imports back with
no change) and an all-or-nothing import that reports every problem at once with its sheet, row, column,
value and what was expected. A row with a 编号 changes that demand or profile; a row without one adds
one. Each workbook is declared once (``DEMANDS``, ``CAPABILITIES``); the cell checks come from it, the
rules from the service (the same as the pages and the API)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor
from kechuang.choices import CapabilityKind, Confidentiality
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, Problem
from kechuang.matching import matching, service
from kechuang.matching.models import Capability, Demand
from kechuang.regions.models import Region
from kechuang.workbook import (
    CHOICE,
    DATE,
    MONEY,
    NUMBER,
    Book,
    Field,
    Parsed,
    Row,
    Sheet,
    read_book,
    write_book,
)

SECRECY = {c.zh: c.value for c in Confidentiality}
KINDS = {k.zh: k.value for k in CapabilityKind}
LIST_SPLIT = re.compile(r"[；;\n]+")
WORD_SPLIT = re.compile(r"[、，,\s]+")

DEMAND_SHEET = Sheet(
    "技术需求",
    (
        Field("id", "需求编号", NUMBER, help="留空表示新增；填写已有编号表示修改"),
        Field(
            "uscc", "企业统一社会信用代码", required=True, expected="企业库中企业的统一社会信用代码", width=22
        ),
        Field("enterprise", "企业名称（仅供查看）", width=24),
        Field("title", "需求名称", required=True, width=30),
        Field("description", "需求描述", required=True, width=60),
        Field("indicators", "技术指标（名称 目标值 单位，多项用；分隔）", width=36),
        Field("budget_min", "预算下限（元）", MONEY),
        Field("budget_max", "预算上限（元）", MONEY),
        Field("deadline", "期望解决日期", DATE),
        Field("chain_code", "产业链编号"),
        Field("node_code", "图谱节点编号", width=28),
        Field("confidentiality", "公开范围", CHOICE, choices=SECRECY, default="public"),
    ),
    help="一行一项需求；企业按统一社会信用代码匹配企业库；金额单位：元；公开范围：公开 / 仅科技局可见；"
    "产业链和节点留空时按需求文字自动判断",
)
DEMANDS = Book((DEMAND_SHEET,))
CAPABILITY_SHEET = Sheet(
    "能力档案",
    (
        Field("id", "档案编号", NUMBER, help="留空表示新增；填写已有编号表示修改"),
        Field("name", "名称", required=True, width=30),
        Field(
            "kind",
            "类型",
            CHOICE,
            required=True,
            choices=KINDS,
            aliases={k.value: k.value for k in CapabilityKind},
        ),
        Field("organisation", "所属单位", width=24),
        Field("description", "能力介绍", required=True, width=60),
        Field("directions", "研究方向", width=36),
        Field("results", "成果（多项用；分隔）", width=48),
        Field("equipment", "设备平台", width=30),
        Field("people", "人员", width=24),
        Field("contact", "联系方式", width=20),
        Field("keywords", "关键词（、分隔）", width=24),
        Field("node_codes", "图谱节点编号（、分隔）", width=28),
        Field("region", "所在地区（市外留空）", expected="本市的地区名称或代码，或留空"),
        Field("uscc", "企业统一社会信用代码", width=22),
    ),
    help="一行一份档案；类型：" + "、".join(KINDS) + "；成果之间用；分隔，关键词和节点编号之间用、分隔",
)
CAPABILITIES = Book((CAPABILITY_SHEET,))


class MatchingSheetError(InvalidInput):
    """Every problem of a demands or capabilities workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def demands_workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """The demands the actor may see in the import layout (or an empty template)."""
    if empty:
        return write_book(DEMANDS, {})
    rows = session.execute(
        select(Demand, Enterprise.uscc, Enterprise.name)
        .join(Enterprise, Enterprise.id == Demand.enterprise_id)
        .where(service.demand_clause(actor))
        .order_by(Demand.id)
    ).all()
    secrecy = {v: k for k, v in SECRECY.items()}
    return write_book(
        DEMANDS,
        {
            DEMAND_SHEET.name: [
                {
                    **{f.key: getattr(d, f.key, None) for f in DEMAND_SHEET.fields},
                    "uscc": uscc,
                    "enterprise": name,
                    "indicators": service.indicator_text(d.indicators or []),
                    "confidentiality": secrecy.get(d.confidentiality, d.confidentiality),
                }
                for d, uscc, name in rows
            ]
        },
    )


def capabilities_workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """Every capability profile in the import layout (or an empty template)."""
    if empty:
        return write_book(CAPABILITIES, {})
    regions = dict(session.execute(select(Region.code, Region.name)).all())
    usccs = dict(session.execute(select(Enterprise.id, Enterprise.uscc)).all())
    kinds = {v: k for k, v in KINDS.items()}
    caps = session.scalars(select(Capability).order_by(Capability.id))
    return write_book(
        CAPABILITIES,
        {
            CAPABILITY_SHEET.name: [
                {
                    **{f.key: getattr(c, f.key, None) for f in CAPABILITY_SHEET.fields},
                    "kind": kinds.get(c.kind, c.kind),
                    "results": "；".join(c.results or []),
                    "keywords": c.keywords.replace("|", "、"),
                    "node_codes": c.node_codes.replace("|", "、"),
                    "region": regions.get(c.region_code, "") if c.region_code else "",
                    "uscc": usccs.get(c.enterprise_id, "") if c.enterprise_id else "",
                }
                for c in caps
            ]
        },
    )


def _service_problems(parsed: Parsed, row: Row, exc: InvalidInput, sheet: Sheet) -> None:
    """The service's problems for one row, placed on the row's cells in the workbook's words."""
    keys = {f.key for f in sheet.fields}
    already = {(q.row, q.field) for q in parsed.problems}
    for p in exc.problems:
        key = p.field.split("[")[0]
        key = {"enterprise_id": "uscc", "region_code": "region"}.get(key, key)
        field = sheet.field(key if key in keys else sheet.fields[1].key)
        if (row.row, field.header) in already:
            continue  # the cell's own check said it first
        value = row.text.get(field.key, "")
        parsed.problems.append(
            Problem(
                field.header,
                f"{parsed.filename} 工作表“{sheet.name}”第 {row.row} 行「{field.header}」：值“{value}”，{p.message}",
                value,
                row=row.row,
                file=parsed.filename,
            )
        )


def _indicators(parsed: Parsed, row: Row) -> list[dict[str, Any]]:
    out = []
    for part in LIST_SPLIT.split(row.values["indicators"] or ""):
        if not part.strip():
            continue
        indicator = service.parse_indicator(part)
        if indicator is None:
            parsed.problem(row, "indicators", "“名称 目标值 单位”，多项用；分隔，如“导热系数 5 W/(m·K)”")
            return []
        out.append(indicator)
    return out


def _existing(session: Session, model: Any, parsed: Parsed, row: Row, what: str) -> Any:
    ident = row.values["id"]
    if ident is None:
        return None
    found = session.get(model, int(ident)) if float(ident).is_integer() else None
    if found is None:
        parsed.problem(row, "id", f"已有{what}的编号（新增请留空）")
    return found


def _demand_values(parsed: Parsed, row: Row, ents: dict[str, int]) -> service.DemandValues:
    v = {k: ("" if x is None else x) for k, x in row.values.items()}
    ent = ents.get(str(v["uscc"]).upper())
    if v["uscc"] and ent is None:
        parsed.problem(row, "uscc", "企业库中企业的统一社会信用代码")
    return service.DemandValues(
        enterprise_id=ent,
        title=v["title"],
        description=v["description"],
        indicators=_indicators(parsed, row),
        budget_min=row.values["budget_min"],
        budget_max=row.values["budget_max"],
        deadline=row.values["deadline"],
        chain_code=v["chain_code"] or None,
        node_code=v["node_code"] or None,
        confidentiality=v["confidentiality"] or "public",
    )


def import_demands(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    """Add or change every demand of the workbook, or nothing: every problem is raised at once."""
    require(actor, Permission.post_demand)
    parsed = read_book(DEMANDS, content, filename, MatchingSheetError)
    usccs = sorted({r.values["uscc"].upper() for r in parsed.rows[DEMAND_SHEET.name] if r.values["uscc"]})
    ents = dict(
        session.execute(select(Enterprise.uscc, Enterprise.id).where(Enterprise.uscc.in_(usccs))).all()
    )
    result, saved, today = ImportResult(), [], date.today()
    for row in parsed.rows[DEMAND_SHEET.name]:
        values = _demand_values(parsed, row, ents)
        existing = _existing(session, Demand, parsed, row, "需求")
        if row.values["id"] is not None and existing is None:
            continue
        try:
            if existing is not None:
                saved.append(
                    service.update_demand(
                        session, actor=actor, demand_id=existing.id, values=values, today=today, match=False
                    )
                )
                result.updated += 1
                continue
            source = f"{filename} 工作表“{DEMAND_SHEET.name}”第 {row.row} 行"
            saved.append(
                service.post_demand(
                    session, actor=actor, values=values, today=today, source=source, match=False
                )
            )
            result.created += 1
        except InvalidInput as exc:
            _service_problems(parsed, row, exc, DEMAND_SHEET)
    parsed.check(MatchingSheetError)
    matching.store_matches(session, saved)
    return result


def _parts(pattern: re.Pattern[str], text: str) -> list[str]:
    return [x.strip() for x in pattern.split(text) if x.strip()]


def _lookup(parsed: Parsed, row: Row, key: str, known: dict[str, Any], expected: str) -> Any:
    """The id a cell names (None when blank); an unknown one is a problem."""
    text = str(row.values[key] or "").strip()
    if not text:
        return None
    found = known.get(text.upper() if key == "uscc" else text)
    if found is None:
        parsed.problem(row, key, expected)
    return found


def _capability_values(
    parsed: Parsed, row: Row, regions: dict[str, str], ents: dict[str, int]
) -> service.CapabilityValues:
    v = {k: ("" if x is None else str(x)) for k, x in row.values.items()}
    region = _lookup(parsed, row, "region", regions, "本市的地区名称或代码，或留空")
    ent = _lookup(
        parsed, row, "uscc", {k.upper(): i for k, i in ents.items()}, "企业库中企业的统一社会信用代码，或留空"
    )
    return service.CapabilityValues(
        name=v["name"],
        kind=v["kind"],
        description=v["description"],
        organisation=v["organisation"],
        directions=v["directions"],
        equipment=v["equipment"],
        people=v["people"],
        contact=v["contact"],
        results=_parts(LIST_SPLIT, v["results"]),
        keywords=_parts(WORD_SPLIT, v["keywords"]),
        node_codes=_parts(WORD_SPLIT, v["node_codes"]),
        region_code=region,
        enterprise_id=ent,
    )


def import_capabilities(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    """The bureau's import of capability profiles: add or change every row, or nothing."""
    require(actor, Permission.import_capabilities, "能力档案由市科技局统一导入")
    parsed = read_book(CAPABILITIES, content, filename, MatchingSheetError)
    regions = dict(session.execute(select(Region.code, Region.code)).all())
    regions |= {name: code for code, name in session.execute(select(Region.code, Region.name))}
    ents = dict(session.execute(select(Enterprise.uscc, Enterprise.id)).all())
    result = ImportResult()
    for row in parsed.rows[CAPABILITY_SHEET.name]:
        values = _capability_values(parsed, row, regions, ents)
        existing = _existing(session, Capability, parsed, row, "能力档案")
        if row.values["id"] is not None and existing is None:
            continue
        try:
            if existing is not None and service.same_capability(existing, values):
                result.unchanged += 1
                continue
            service.save_capability(
                session,
                actor=actor,
                values=values,
                capability_id=existing.id if existing is not None else None,
                source=f"{filename} 工作表“{CAPABILITY_SHEET.name}”第 {row.row} 行",
            )
            result.updated += existing is not None
            result.created += existing is None
        except InvalidInput as exc:
            _service_problems(parsed, row, exc, CAPABILITY_SHEET)
    if parsed.problems:
        raise MatchingSheetError(parsed.problems)
    return result
