"""Key projects as an Excel workbook: template, export (imports back with no change) and an
all-or-nothing import that reports every problem at once with its sheet, row, column, value and what
was expected. Each project listed in 项目 is upserted by its code; its milestones, money, KPIs and
reports are replaced by the file's rows for it. A district operator may only import its district's
projects. The workbook is declared once (``BOOK``); template, export and cell checks come from it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require, writable_region
from kechuang.auth.scope import Actor, scope_clause
from kechuang.chains.models import ChainNode, NodeItem
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput
from kechuang.projects.models import PROJECT_TYPES, Fund, Kpi, Milestone, Project, Report
from kechuang.provenance import Source
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

CODE = Field("code", "项目编号", required=True, expected="项目编号（如 YZ2025GJ001）")
KINDS = {"计划": "plan", "实际": "actual"}
SOURCES = {"财政": "fiscal", "自筹": "self"}
DIRECTIONS = {"不低于": 1, "不高于": -1}
PROJECT = Sheet(
    "项目",
    (
        CODE,
        Field("name", "项目名称", required=True, width=36),
        Field(
            "type",
            "项目类型",
            CHOICE,
            required=True,
            choices={v: k for k, v in PROJECT_TYPES.items()},
            aliases={k: k for k in PROJECT_TYPES},
        ),
        Field("owner_uscc", "承担单位统一社会信用代码"),
        Field("owner_name", "承担单位名称", required=True),
        Field("partners", "合作单位"),
        Field("region", "地区", required=True, expected="本市的地区名称或代码，如 邗江区"),
        Field("node", "产业链节点编号"),
        Field("item", "攻关的关键环节"),
        Field("fiscal_budget", "财政资金（元）", MONEY, default=0),
        Field("self_budget", "自筹资金（元）", MONEY, default=0),
        Field("start_on", "开始日期", DATE, required=True),
        Field("end_on", "结束日期", DATE, required=True),
    ),
    help="项目编号唯一；类型："
    + "、".join(PROJECT_TYPES.values())
    + "；地区填名称或代码；产业链节点编号见图谱维护页；金额单位：元",
    key="code",
)
BOOK = Book(
    (
        PROJECT,
        Sheet(
            "里程碑",
            (
                CODE,
                Field("name", "里程碑", required=True, expected="里程碑名称", width=36),
                Field("planned_on", "计划日期", DATE, required=True),
                Field("actual_on", "完成日期", DATE),
                Field("weight", "权重", NUMBER, positive=True, default=1.0),
                Field("evidence", "佐证材料", default=""),
            ),
            help="每个项目的里程碑整体替换；完成日期留空表示未完成；权重默认 1",
            parent=("code", "项目"),
        ),
        Sheet(
            "资金",
            (
                CODE,
                Field("kind", "类别", CHOICE, required=True, choices=KINDS),
                Field("source", "资金来源", CHOICE, choices=SOURCES, default="fiscal"),
                Field("on", "日期", DATE, required=True),
                Field("amount", "金额（元）", MONEY, required=True),
            ),
            help="类别：计划 / 实际；资金来源：财政 / 自筹；每个项目的资金行整体替换",
            parent=("code", "项目"),
        ),
        Sheet(
            "绩效指标",
            (
                CODE,
                Field("name", "指标", required=True, expected="指标名称", width=36),
                Field("unit", "单位", default=""),
                Field("target", "目标值", NUMBER, required=True, positive=True),
                Field("actual", "实际值", NUMBER),
                Field("due_on", "考核日期", DATE, required=True),
                Field("direction", "方向", CHOICE, choices=DIRECTIONS, default=1),
            ),
            help="方向：不低于（默认）/ 不高于；实际值留空表示尚未填报",
            parent=("code", "项目"),
        ),
        Sheet(
            "报告",
            (
                CODE,
                Field("name", "报告", required=True, expected="报告名称", width=36),
                Field("due_on", "应交日期", DATE, required=True),
                Field("submitted_on", "提交日期", DATE),
            ),
            help="提交日期留空表示未提交",
            parent=("code", "项目"),
        ),
    )
)
CHILDREN = ("里程碑", "资金", "绩效指标", "报告")


class ProjectSheetError(InvalidInput):
    """Every problem of a projects workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


MODELS: dict[str, tuple[Any, tuple[str, ...]]] = {  # model: Milestone, Fund, Kpi or Report
    "里程碑": (Milestone, ("name", "planned_on", "actual_on", "weight", "evidence")),
    "资金": (Fund, ("kind", "source", "on", "amount")),
    "绩效指标": (Kpi, ("name", "unit", "target", "actual", "due_on", "direction")),
    "报告": (Report, ("name", "due_on", "submitted_on")),
}


ORDER = {"里程碑": "planned_on", "资金": "on", "绩效指标": "due_on", "报告": "due_on"}


def _children(session: Session, ids: list[int], code: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    """Each child sheet's rows of these projects, in the export's order (by project, then date)."""
    out = {}
    for sheet, (model, fields) in MODELS.items():
        order = getattr(model, ORDER[sheet])
        rows = session.scalars(
            select(model).where(model.project_id.in_(ids)).order_by(model.project_id, order, model.id)
        )
        out[sheet] = [{"code": code[r.project_id], **{f: getattr(r, f) for f in fields}} for r in rows]
    return out


def workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """The projects the actor may see in the import layout (or an empty template)."""
    if empty:
        return write_book(BOOK, {})
    projects = list(
        session.scalars(select(Project).where(scope_clause(actor, Project)).order_by(Project.code))
    )
    regions = dict(session.execute(select(Region.code, Region.name)).all())
    owners = [p.owner_enterprise_id for p in projects if p.owner_enterprise_id]
    usccs = dict(
        session.execute(select(Enterprise.id, Enterprise.uscc).where(Enterprise.id.in_(owners))).all()
    )
    nodes = dict(session.execute(select(ChainNode.id, ChainNode.code)).all())
    items = dict(session.execute(select(NodeItem.id, NodeItem.name)).all())
    rows: dict[str, list[dict[str, Any]]] = {
        "项目": [
            {
                **{f.key: getattr(p, f.key, None) for f in PROJECT.fields},
                "owner_uscc": usccs.get(p.owner_enterprise_id or 0, ""),
                "partners": p.partners.replace("|", "、"),
                "region": regions.get(p.region_code, p.region_code),
                "node": nodes.get(p.node_id or 0, ""),
                "item": items.get(p.item_id, "") if p.item_id else "",
            }
            for p in projects
        ],
        **_children(session, [p.id for p in projects], {p.id: p.code for p in projects}),
    }
    return write_book(BOOK, rows)


@dataclass(frozen=True)
class _Lookups:
    regions: dict[str, str]  # code or name → code
    enterprises: dict[str, int]  # USCC → id
    nodes: dict[str, int]  # node code → id
    items: dict[tuple[int, str], int]  # (node id, item name) → id

    @classmethod
    def load(cls, session: Session, parsed: Parsed) -> _Lookups:
        regions = dict(session.execute(select(Region.code, Region.code)).all())
        regions |= {name: code for code, name in session.execute(select(Region.code, Region.name))}
        wanted = sorted(
            {r.values["owner_uscc"].upper() for r in parsed.rows["项目"] if r.values["owner_uscc"]}
        )
        ents = dict(
            session.execute(select(Enterprise.uscc, Enterprise.id).where(Enterprise.uscc.in_(wanted))).all()
        )
        nodes = dict(session.execute(select(ChainNode.code, ChainNode.id)).all())
        items = {
            (n, name): i
            for i, n, name in session.execute(select(NodeItem.id, NodeItem.node_id, NodeItem.name))
        }
        return cls(regions, ents, nodes, items)


def _partners(text: str | None) -> str:
    parts = (text or "").replace("，", "、").replace(",", "、").split("、")
    return "|".join(p.strip() for p in parts if p.strip())


def _region(parsed: Parsed, row: Row, actor: Actor, look: _Lookups) -> str | None:
    region = look.regions.get(row.values["region"] or "")
    if row.values["region"] and region is None:
        parsed.problem(row, "region", "本市的地区名称或代码，如 邗江区")
    elif region is not None and not writable_region(actor, region):
        parsed.problem(row, "region", "本辖区的地区")
    return region


def _node_and_item(parsed: Parsed, row: Row, look: _Lookups) -> tuple[int | None, int | None]:
    node, item = row.values["node"], row.values["item"]
    if not node:
        if item:
            parsed.problem(row, "item", "空（填写关键环节前须先填写产业链节点编号）")
        return None, None
    node_id = look.nodes.get(node)
    if node_id is None:
        parsed.problem(row, "node", "图谱中的节点编号（或留空）")
        return None, None
    item_id = look.items.get((node_id, item)) if item else None
    if item and item_id is None:
        parsed.problem(row, "item", "该节点的关键环节名称（或留空）")
    return node_id, item_id


def _project(parsed: Parsed, row: Row, actor: Actor, look: _Lookups) -> dict[str, Any]:
    """A 项目 row as the project's values; what needs the database is checked here."""
    v = row.values
    owner = None
    if v["owner_uscc"]:
        owner = look.enterprises.get(v["owner_uscc"].upper())
        if owner is None:
            parsed.problem(row, "owner_uscc", "企业库中已有企业的统一社会信用代码（或留空）")
    node_id, item_id = _node_and_item(parsed, row, look)
    if v["start_on"] and v["end_on"] and v["start_on"] > v["end_on"]:
        parsed.problem(row, "end_on", "不早于开始日期的日期")
    return {
        **{
            k: v[k]
            for k in (
                "code",
                "name",
                "type",
                "owner_name",
                "fiscal_budget",
                "self_budget",
                "start_on",
                "end_on",
            )
        },
        "partners": _partners(v["partners"]),
        "region_code": _region(parsed, row, actor, look),
        "owner_enterprise_id": owner,
        "node_id": node_id,
        "item_id": item_id,
    }


def import_workbook(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    require(actor, Permission.edit_projects, "重点项目由市科技局和区县维护")
    parsed = read_book(BOOK, content, filename, ProjectSheetError)
    look = _Lookups.load(session, parsed)
    wanted: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    for row in parsed.rows["项目"]:
        wanted.setdefault(row.values["code"], _project(parsed, row, actor, look))
        sources.setdefault(row.values["code"], Source.imported(filename, row.row, "项目").format())
    existing = {
        p.code: p
        for p in session.scalars(select(Project).where(Project.code.in_(sorted(k for k in wanted if k))))
    }
    for row in parsed.rows["项目"]:
        taken = existing.get(row.values["code"])
        if taken is not None and not writable_region(actor, taken.region_code):
            parsed.problem(row, "code", "本辖区的项目（该编号属于其他地区）")
    parsed.check(ProjectSheetError)
    kids: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for sheet in CHILDREN:
        fields = MODELS[sheet][1]
        for row in parsed.rows[sheet]:
            kids[row.values["code"]][sheet].append({f: row.values[f] for f in fields})
    return _write(session, actor, filename, wanted, existing, kids, sources)


def _replace_children(session: Session, project: Project, kids: dict[str, list[dict[str, Any]]]) -> bool:
    """Replace the project's rows of every child sheet that differs from the file's; True if any did."""
    changed = False
    for sheet, (model, fields) in MODELS.items():
        old = list(session.scalars(select(model).where(model.project_id == project.id).order_by(model.id)))
        old_rows = [tuple(getattr(obj, f) for f in fields) for obj in old]
        new_rows = [tuple(v[f] for f in fields) for v in kids[sheet]]
        if sorted(map(str, old_rows)) == sorted(map(str, new_rows)):
            continue
        changed = True
        for obj in old:
            session.delete(obj)
        for v in kids[sheet]:
            session.add(model(project_id=project.id, **v))
    return changed


def _write(
    session: Session,
    actor: Actor,
    filename: str,
    wanted: dict[str, dict[str, Any]],
    existing: dict[str, Project],
    kids: dict[str, dict[str, list[dict[str, Any]]]],
    sources: dict[str, str],
) -> ImportResult:
    result = ImportResult()
    for code, values in wanted.items():
        project = existing.get(code)
        changed = project is None
        if project is None:
            project = Project(**values, source=sources[code])
            session.add(project)
            session.flush()
        else:
            for key, value in values.items():
                if getattr(project, key) != value:
                    setattr(project, key, value)
                    changed = True
        changed = _replace_children(session, project, kids[code]) or changed
        if existing.get(code) is None:
            result.created += 1
        elif changed:
            project.source = sources[code]
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
