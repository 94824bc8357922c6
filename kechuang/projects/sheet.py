"""Key projects as an Excel workbook: template, export (imports back with no change) and an
all-or-nothing import that reports every problem at once with its sheet, row, column, value and what
was expected. Each project listed in 项目 is upserted by its code; its milestones, money, KPIs and
reports are replaced by the file's rows for it. A district operator may only import its district's
projects."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, scope_clause
from kechuang.chains.models import ChainNode, NodeItem
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, Problem
from kechuang.projects.models import PROJECT_TYPES, Fund, Kpi, Milestone, Project, Report
from kechuang.regions.models import Region
from kechuang.workbook import cell_problem, parse_date, read_sheets

SHEETS: dict[str, tuple[tuple[str, str], ...]] = {
    "项目": (
        ("code", "项目编号"),
        ("name", "项目名称"),
        ("type", "项目类型"),
        ("owner_uscc", "承担单位统一社会信用代码"),
        ("owner_name", "承担单位名称"),
        ("partners", "合作单位"),
        ("region", "地区"),
        ("node", "产业链节点编号"),
        ("item", "攻关的关键环节"),
        ("fiscal_budget", "财政资金（元）"),
        ("self_budget", "自筹资金（元）"),
        ("start_on", "开始日期"),
        ("end_on", "结束日期"),
    ),
    "里程碑": (
        ("code", "项目编号"),
        ("name", "里程碑"),
        ("planned_on", "计划日期"),
        ("actual_on", "完成日期"),
        ("weight", "权重"),
        ("evidence", "佐证材料"),
    ),
    "资金": (
        ("code", "项目编号"),
        ("kind", "类别"),
        ("source", "资金来源"),
        ("on", "日期"),
        ("amount", "金额（元）"),
    ),
    "绩效指标": (
        ("code", "项目编号"),
        ("name", "指标"),
        ("unit", "单位"),
        ("target", "目标值"),
        ("actual", "实际值"),
        ("due_on", "考核日期"),
        ("direction", "方向"),
    ),
    "报告": (("code", "项目编号"), ("name", "报告"), ("due_on", "应交日期"), ("submitted_on", "提交日期")),
}
KINDS = {"计划": "plan", "实际": "actual"}
SOURCES = {"财政": "fiscal", "自筹": "self"}
DIRECTIONS = {"不低于": 1, "不高于": -1}
HELP = {
    "项目": "项目编号唯一；类型："
    + "、".join(PROJECT_TYPES.values())
    + "；地区填名称或代码；产业链节点编号见图谱维护页；金额单位：元",
    "里程碑": "每个项目的里程碑整体替换；完成日期留空表示未完成；权重默认 1",
    "资金": "类别：计划 / 实际；资金来源：财政 / 自筹；每个项目的资金行整体替换",
    "绩效指标": "方向：不低于（默认）/ 不高于；实际值留空表示尚未填报",
    "报告": "提交日期留空表示未提交",
}


class ProjectSheetError(InvalidInput):
    """Every problem of a projects workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _num(value: float | None) -> Any:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """The projects the actor may see in the import layout (or an empty template)."""
    projects = (
        []
        if empty
        else list(session.scalars(select(Project).where(scope_clause(actor, Project)).order_by(Project.code)))
    )
    ids = [p.id for p in projects]
    regions = {r.code: r.name for r in session.scalars(select(Region))}
    ents = dict(
        session.execute(
            select(Enterprise.id, Enterprise.uscc).where(
                Enterprise.id.in_([p.owner_enterprise_id for p in projects if p.owner_enterprise_id])
            )
        ).all()
    )
    nodes = dict(session.execute(select(ChainNode.id, ChainNode.code)).all())
    items = dict(session.execute(select(NodeItem.id, NodeItem.name)).all())
    code = {p.id: p.code for p in projects}
    type_names = PROJECT_TYPES

    def children(model: Any, order: Any) -> list[Any]:
        return list(
            session.scalars(select(model).where(model.project_id.in_(ids)).order_by(model.project_id, order))
        )

    rows: dict[str, list[list[Any]]] = {
        "项目": [
            [
                p.code,
                p.name,
                type_names.get(p.type, p.type),
                ents.get(p.owner_enterprise_id, ""),
                p.owner_name,
                p.partners.replace("|", "、"),
                regions.get(p.region_code, p.region_code),
                nodes.get(p.node_id, ""),
                items.get(p.item_id, "") if p.item_id else "",
                p.fiscal_budget,
                p.self_budget,
                _d(p.start_on),
                _d(p.end_on),
            ]
            for p in projects
        ],
        "里程碑": [
            [code[m.project_id], m.name, _d(m.planned_on), _d(m.actual_on), _num(m.weight), m.evidence]
            for m in children(Milestone, Milestone.planned_on)
        ],
        "资金": [
            [
                code[f.project_id],
                "计划" if f.kind == "plan" else "实际",
                "财政" if f.source == "fiscal" else "自筹",
                _d(f.on),
                f.amount,
            ]
            for f in children(Fund, Fund.on)
        ],
        "绩效指标": [
            [
                code[k.project_id],
                k.name,
                k.unit,
                _num(k.target),
                _num(k.actual),
                _d(k.due_on),
                "不低于" if k.direction > 0 else "不高于",
            ]
            for k in children(Kpi, Kpi.due_on)
        ],
        "报告": [
            [code[r.project_id], r.name, _d(r.due_on), _d(r.submitted_on)]
            for r in children(Report, Report.due_on)
        ],
    }
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    bold = book.add_format({"bold": True, "bg_color": "#F2F4F7"})
    lists = {
        ("项目", "type"): list(type_names.values()),
        ("资金", "kind"): list(KINDS),
        ("资金", "source"): list(SOURCES),
        ("绩效指标", "direction"): list(DIRECTIONS),
    }
    for sheet, cols in SHEETS.items():
        ws = book.add_worksheet(sheet)
        ws.write_row(0, 0, [h for _, h in cols], bold)
        for r, values in enumerate(rows[sheet], start=1):
            ws.write_row(r, 0, values)
        for c, (field, _) in enumerate(cols):
            if (sheet, field) in lists:
                ws.data_validation(
                    1, c, len(rows[sheet]) + 2000, c, {"validate": "list", "source": lists[(sheet, field)]}
                )
        ws.write_comment(0, 0, HELP[sheet])
        ws.set_column(0, len(cols) - 1, 16)
        ws.set_column(1, 1, 36)
        ws.freeze_panes(1, 1)
    book.close()
    return buf.getvalue()


def import_workbook(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    require(actor, Permission.edit_projects, "重点项目由市科技局和区县维护")
    problems: list[Problem] = []

    def bad(rec: dict[str, Any], field: str, expected: str, sheet: str) -> None:
        problems.append(cell_problem(filename, rec, SHEETS[sheet], field, expected))

    sheets = read_sheets(content, filename, SHEETS, ProjectSheetError)
    regions = {r.code: r for r in session.scalars(select(Region))}
    region_by_name = {r.name: r.code for r in regions.values()}
    types = {v: k for k, v in PROJECT_TYPES.items()} | {k: k for k in PROJECT_TYPES}
    ents = dict(
        session.execute(
            select(Enterprise.uscc, Enterprise.id).where(
                Enterprise.uscc.in_(
                    sorted({r["owner_uscc"].upper() for r in sheets["项目"] if r["owner_uscc"]})
                )
            )
        ).all()
    )
    nodes = dict(session.execute(select(ChainNode.code, ChainNode.id)).all())
    items = {
        (n, name): i for i, n, name in session.execute(select(NodeItem.id, NodeItem.node_id, NodeItem.name))
    }

    def date_of(rec: dict[str, Any], field: str, sheet: str, required: bool) -> date | None:
        if not rec[field]:
            if required:
                bad(rec, field, "日期，如 2025-03-31", sheet)
            return None
        try:
            return parse_date(rec[field])
        except ValueError:
            bad(rec, field, "日期，如 2025-03-31", sheet)
            return None

    def number(
        rec: dict[str, Any],
        field: str,
        sheet: str,
        *,
        required: bool,
        integer: bool = False,
        positive: bool = False,
    ) -> float | None:
        raw = rec[field].replace(",", "").replace("，", "")
        if not raw:
            if required:
                bad(rec, field, "数值", sheet)
            return None
        try:
            value = float(raw)
        except ValueError:
            bad(rec, field, "数值" + ("（整数，单位：元）" if integer else ""), sheet)
            return None
        if value < 0 or (positive and value == 0):
            bad(rec, field, "大于 0 的数" if positive else "不小于 0 的数", sheet)
            return None
        if integer and not value.is_integer():
            bad(rec, field, "整数（单位：元）", sheet)
            return None
        return value

    wanted: dict[str, dict[str, Any]] = {}
    for r in sheets["项目"]:
        values: dict[str, Any] = {
            "code": r["code"],
            "name": r["name"],
            "owner_name": r["owner_name"],
            "partners": "|".join(
                p.strip()
                for p in r["partners"].replace("，", "、").replace(",", "、").split("、")
                if p.strip()
            ),
        }
        if not r["code"]:
            bad(r, "code", "项目编号（如 YZ2025GJ001）", "项目")
        elif r["code"] in wanted:
            bad(r, "code", "不重复的项目编号", "项目")
        if not r["name"]:
            bad(r, "name", "项目名称", "项目")
        values["type"] = types.get(r["type"])
        if values["type"] is None:
            bad(r, "type", "、".join(PROJECT_TYPES.values()) + " 之一", "项目")
        region = r["region"] if r["region"] in regions else region_by_name.get(r["region"])
        if region is None:
            bad(r, "region", "本市的地区名称或代码，如 邗江区", "项目")
        elif not actor.is_admin and region not in actor.region_codes:
            bad(r, "region", "本辖区的地区", "项目")
        values["region_code"] = region
        values["owner_enterprise_id"] = None
        if r["owner_uscc"]:
            values["owner_enterprise_id"] = ents.get(r["owner_uscc"].upper())
            if values["owner_enterprise_id"] is None:
                bad(r, "owner_uscc", "企业库中已有企业的统一社会信用代码（或留空）", "项目")
        if not r["owner_name"]:
            bad(r, "owner_name", "承担单位名称", "项目")
        values["node_id"] = values["item_id"] = None
        if r["node"]:
            values["node_id"] = nodes.get(r["node"])
            if values["node_id"] is None:
                bad(r, "node", "图谱中的节点编号（或留空）", "项目")
            elif r["item"]:
                values["item_id"] = items.get((values["node_id"], r["item"]))
                if values["item_id"] is None:
                    bad(r, "item", "该节点的关键环节名称（或留空）", "项目")
        elif r["item"]:
            bad(r, "item", "空（填写关键环节前须先填写产业链节点编号）", "项目")
        for field in ("fiscal_budget", "self_budget"):
            v = number(r, field, "项目", required=False, integer=True)
            values[field] = int(v or 0)
        values["start_on"] = date_of(r, "start_on", "项目", True)
        values["end_on"] = date_of(r, "end_on", "项目", True)
        if values["start_on"] and values["end_on"] and values["start_on"] > values["end_on"]:
            bad(r, "end_on", "不早于开始日期的日期", "项目")
        wanted.setdefault(r["code"], values)
    existing = {p.code: p for p in session.scalars(select(Project).where(Project.code.in_(sorted(wanted))))}
    for code, p in existing.items():
        if not actor.is_admin and p.region_code not in actor.region_codes:
            rec = next(r for r in sheets["项目"] if r["code"] == code)
            bad(rec, "code", "本辖区的项目（该编号属于其他地区）", "项目")
    kids: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for sheet in ("里程碑", "资金", "绩效指标", "报告"):
        for r in sheets[sheet]:
            if r["code"] not in wanted:
                bad(r, "code", "“项目”工作表中列出的项目编号", sheet)
                continue
            if sheet == "里程碑":
                v = {
                    "name": r["name"],
                    "planned_on": date_of(r, "planned_on", sheet, True),
                    "actual_on": date_of(r, "actual_on", sheet, False),
                    "weight": number(r, "weight", sheet, required=False, positive=True) or 1.0,
                    "evidence": r["evidence"],
                }
                if not r["name"]:
                    bad(r, "name", "里程碑名称", sheet)
            elif sheet == "资金":
                v = {
                    "kind": KINDS.get(r["kind"]),
                    "source": SOURCES.get(r["source"] or "财政"),
                    "on": date_of(r, "on", sheet, True),
                    "amount": number(r, "amount", sheet, required=True, integer=True),
                }
                if v["kind"] is None:
                    bad(r, "kind", "计划或实际", sheet)
                if v["source"] is None:
                    bad(r, "source", "财政或自筹", sheet)
                v["amount"] = int(v["amount"] or 0)
            elif sheet == "绩效指标":
                v = {
                    "name": r["name"],
                    "unit": r["unit"],
                    "target": number(r, "target", sheet, required=True, positive=True),
                    "actual": number(r, "actual", sheet, required=False),
                    "due_on": date_of(r, "due_on", sheet, True),
                    "direction": DIRECTIONS.get(r["direction"] or "不低于"),
                }
                if not r["name"]:
                    bad(r, "name", "指标名称", sheet)
                if v["direction"] is None:
                    bad(r, "direction", "不低于或不高于", sheet)
            else:
                v = {
                    "name": r["name"],
                    "due_on": date_of(r, "due_on", sheet, True),
                    "submitted_on": date_of(r, "submitted_on", sheet, False),
                }
                if not r["name"]:
                    bad(r, "name", "报告名称", sheet)
            kids[r["code"]][sheet].append(v)
    if problems:
        raise ProjectSheetError(problems)
    return _write(session, actor, filename, wanted, existing, kids)


MODELS = {
    "里程碑": (Milestone, ("name", "planned_on", "actual_on", "weight", "evidence")),
    "资金": (Fund, ("kind", "source", "on", "amount")),
    "绩效指标": (Kpi, ("name", "unit", "target", "actual", "due_on", "direction")),
    "报告": (Report, ("name", "due_on", "submitted_on")),
}


def _write(
    session: Session,
    actor: Actor,
    filename: str,
    wanted: dict[str, dict[str, Any]],
    existing: dict[str, Project],
    kids: dict[str, dict[str, list[dict[str, Any]]]],
) -> ImportResult:
    result = ImportResult()
    for code, values in wanted.items():
        project = existing.get(code)
        changed = project is None
        if project is None:
            project = Project(**values, source=f"{filename}")
            session.add(project)
            session.flush()
        else:
            for key, value in values.items():
                if getattr(project, key) != value:
                    setattr(project, key, value)
                    changed = True
        for sheet, (model, fields) in MODELS.items():
            old = list(
                session.scalars(select(model).where(model.project_id == project.id).order_by(model.id))
            )
            old_rows = [tuple(getattr(obj, f) for f in fields) for obj in old]
            new_rows = [tuple(v[f] for f in fields) for v in kids[code][sheet]]
            if sorted(map(str, old_rows)) == sorted(map(str, new_rows)):
                continue
            changed = True
            for obj in old:
                session.delete(obj)
            for v in kids[code][sheet]:
                session.add(model(project_id=project.id, **v))
        if existing.get(code) is None:
            result.created += 1
        elif changed:
            project.source = filename
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    audit.record(
        session,
        actor,
        entity="projects",
        action="import",
        entity_id=filename,
        summary=f"导入重点项目 {filename}：新增 {result.created}、修改 {result.updated}、未变 {result.unchanged}",
    )
    return result
