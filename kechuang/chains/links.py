"""Enterprise ↔ node links as an Excel sheet: export what the actor may see; import all or nothing.

Each row links one enterprise (by USCC) to one node (by code) with a role, main product, share of
revenue and a valid period. Rows upsert by (enterprise, node); links not in the file stay as they
are (end a link by giving it an end date). Every problem is reported at once with the sheet, the row
Excel shows, the column, the value and what was expected; a district operator may only link its
district's enterprises.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, can_see, scope_clause
from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.choices import LinkRole, Stage
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, Problem
from kechuang.workbook import cell_problem, parse_date, read_sheets

SHEET = "企业关联"
COLUMNS = (
    ("uscc", "统一社会信用代码"),
    ("enterprise", "企业名称"),
    ("node", "节点编号"),
    ("node_name", "节点名称"),
    ("role", "角色"),
    ("main_product", "主营产品"),
    ("revenue_share", "收入占比"),
    ("valid_from", "有效期起"),
    ("valid_until", "有效期止"),
)
ROLES = {label: value for value, label in LinkRole.labels().items()}
ROLE_NAMES = {v: k for k, v in ROLES.items()}


class LinksError(InvalidInput):
    """Every problem of a links sheet."""


@dataclass
class LinksResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def visible_links(session: Session, actor: Actor) -> list[tuple[NodeLink, Enterprise, ChainNode, Chain]]:
    return list(
        session.execute(
            select(NodeLink, Enterprise, ChainNode, Chain)
            .join(Enterprise, Enterprise.id == NodeLink.enterprise_id)
            .join(ChainNode, ChainNode.id == NodeLink.node_id)
            .join(Chain, Chain.id == ChainNode.chain_id)
            .where(NodeLink.kind == "enterprise", scope_clause(actor, NodeLink))
            .order_by(Chain.position, ChainNode.position, Enterprise.name)
        )
    )


def links_xlsx(session: Session, *, actor: Actor) -> bytes:
    """The enterprise links the actor may see, in the import layout (imports back with no change)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    bold = book.add_format({"bold": True, "bg_color": "#F2F4F7"})
    sheet = book.add_worksheet(SHEET)
    sheet.write_row(0, 0, [h for _, h in COLUMNS], bold)
    rows = visible_links(session, actor)
    for r, (link, ent, node, _chain) in enumerate(rows, start=1):
        sheet.write_row(
            r,
            0,
            [
                ent.uscc,
                ent.name,
                node.code,
                node.name,
                ROLE_NAMES.get(link.role, link.role),
                link.main_product,
                "" if link.revenue_share is None else link.revenue_share,
                link.valid_from.isoformat() if link.valid_from else "",
                link.valid_until.isoformat() if link.valid_until else "",
            ],
        )
    sheet.data_validation(1, 4, max(len(rows) + 1000, 2000), 4, {"validate": "list", "source": list(ROLES)})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 3, 26)
    sheet.set_column(4, 8, 12)
    sheet.freeze_panes(1, 0)
    nodes = book.add_worksheet("节点清单")
    nodes.write_row(0, 0, ["节点编号", "产业链", "节点名称", "环节"], bold)
    for r, (node, chain) in enumerate(
        session.execute(
            select(ChainNode, Chain)
            .join(Chain, Chain.id == ChainNode.chain_id)
            .order_by(Chain.position, ChainNode.position)
        ),
        start=1,
    ):
        nodes.write_row(
            r,
            0,
            [
                node.code,
                chain.name,
                node.name,
                Stage(node.stage).zh,
            ],
        )
    nodes.set_column(0, 2, 30)
    book.close()
    return buf.getvalue()


def import_links(session: Session, *, actor: Actor, content: bytes, filename: str) -> LinksResult:
    require(actor, Permission.edit_links, "企业与产业链节点的关联由市科技局和区县维护")
    problems: list[Problem] = []

    def bad(rec: dict[str, Any], field: str, expected: str) -> None:
        problems.append(cell_problem(filename, rec, COLUMNS, field, expected))

    rows = read_sheets(content, filename, {SHEET: COLUMNS}, LinksError)[SHEET]
    usccs = {r["uscc"].upper() for r in rows}
    ents = {e.uscc: e for e in session.scalars(select(Enterprise).where(Enterprise.uscc.in_(sorted(usccs))))}
    nodes = {
        n.code: n
        for n in session.scalars(
            select(ChainNode).where(ChainNode.code.in_(sorted({r["node"] for r in rows})))
        )
    }
    seen: set[tuple[str, str]] = set()
    parsed = []
    for r in rows:
        ent = ents.get(r["uscc"].upper())
        if ent is None:
            bad(r, "uscc", "企业库中已有企业的统一社会信用代码")
        elif not (actor.is_admin or can_see(actor, ent)):
            bad(r, "uscc", "本辖区的企业")
            ent = None
        node = nodes.get(r["node"])
        if node is None:
            bad(r, "node", "图谱中的节点编号（见“节点清单”工作表）")
        role = ROLES.get(r["role"] or "成员", r["role"] if r["role"] in ROLE_NAMES else None)
        if role is None:
            bad(r, "role", "链主、重点配套或成员")
        share = None
        if r["revenue_share"]:
            try:
                text = r["revenue_share"].rstrip("%")
                share = float(text) / (100 if r["revenue_share"].endswith("%") else 1)
            except ValueError:
                share = -1.0
            if not 0 < share <= 1:
                bad(r, "revenue_share", "大于 0、不超过 1 的比例（如 0.6 或 60%）")
        period: dict[str, date | None] = {}
        for field in ("valid_from", "valid_until"):
            try:
                period[field] = parse_date(r[field]) if r[field] else None
            except ValueError:
                bad(r, field, "日期，如 2024-01-01")
                period[field] = None
        if period["valid_from"] and period["valid_until"] and period["valid_from"] > period["valid_until"]:
            bad(r, "valid_until", "不早于有效期起的日期")
        key = (r["uscc"].upper(), r["node"])
        if key in seen:
            bad(r, "node", "同一企业与同一节点只出现一次")
        seen.add(key)
        if ent is not None and node is not None and role is not None:
            parsed.append(
                (
                    ent,
                    node,
                    {
                        "role": role,
                        "main_product": r["main_product"],
                        "revenue_share": share,
                        "valid_from": period["valid_from"],
                        "valid_until": period["valid_until"],
                    },
                )
            )
    if problems:
        raise LinksError(problems)
    existing = {
        (link.enterprise_id, link.node_id): link
        for link in session.scalars(
            select(NodeLink).where(
                NodeLink.kind == "enterprise", NodeLink.enterprise_id.in_([e.id for e, _, _ in parsed])
            )
        )
    }
    result = LinksResult()
    source = f"{filename}"
    for ent, node, values in parsed:
        link = existing.get((ent.id, node.id))
        if link is None:
            session.add(
                NodeLink(
                    node_id=node.id,
                    kind="enterprise",
                    enterprise_id=ent.id,
                    region_code=ent.region_code,
                    source=source,
                    **values,
                )
            )
            result.created += 1
            continue
        changed = False
        for key, value in values.items():
            if getattr(link, key) != value:
                setattr(link, key, value)
                changed = True
        if changed:
            link.source = source
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    audit.record(
        session,
        actor,
        entity="atlas_links",
        action="import",
        entity_id=filename,
        summary=f"导入企业与产业链节点关联 {filename}：新增 {result.created}、修改 {result.updated}、未变 {result.unchanged}",
    )
    return result
