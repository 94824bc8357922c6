"""Enterprise ↔ node links as an Excel sheet: export what the actor may see; import all or nothing.

Each row links one enterprise (by USCC) to one node (by code) with a role, main product, share of
revenue and a valid period. Rows upsert by (enterprise, node); links not in the file stay as they
are (end a link by giving it an end date). Every problem is reported at once with the sheet, the row
Excel shows, the column, the value and what was expected; a district operator may only link its
district's enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, can_write, scope_clause
from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.choices import LinkRole, Stage
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput
from kechuang.paging import DEFAULT_PAGE_SIZE, Page, bounded
from kechuang.provenance import Source
from kechuang.workbook import CHOICE, DATE, RATIO, Book, Field, Parsed, Row, Sheet, read_book, write_book

SHEET = "企业关联"
ROLES = {label: value for value, label in LinkRole.labels().items()}
LINKS = Sheet(
    SHEET,
    (
        Field(
            "uscc", "统一社会信用代码", required=True, expected="企业库中已有企业的统一社会信用代码", width=22
        ),
        Field("enterprise", "企业名称", width=26),
        Field("node", "节点编号", required=True, expected="图谱中的节点编号（见“节点清单”工作表）", width=26),
        Field("node_name", "节点名称", width=26),
        Field(
            "role",
            "角色",
            CHOICE,
            choices=ROLES,
            aliases={v: v for v in ROLES.values()},
            default="member",
            width=12,
        ),
        Field("main_product", "主营产品", default="", width=12),
        Field("revenue_share", "收入占比", RATIO, width=12),
        Field("valid_from", "有效期起", DATE, width=12),
        Field("valid_until", "有效期止", DATE, width=12),
    ),
    help="每行一家企业与一个节点；按（企业, 节点）更新；角色：链主 / 重点配套 / 成员（默认）；"
    "收入占比填 0.6 或 60%；结束关联请填有效期止",
)
NODE_LIST = Sheet(
    "节点清单",
    (
        Field("code", "节点编号", width=30),
        Field("chain", "产业链", width=30),
        Field("name", "节点名称", width=30),
        Field("stage", "环节"),
    ),
    read=False,
)
BOOK = Book((LINKS, NODE_LIST))


class LinksError(InvalidInput):
    """Every problem of a links sheet."""


@dataclass
class LinksResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


LinkRow = tuple[NodeLink, Enterprise, ChainNode, Chain]


def _links_query(
    actor: Actor, chain: str = "", enterprise_id: int | None = None
) -> Select[NodeLink, Enterprise, ChainNode, Chain]:
    where = [NodeLink.kind == "enterprise", scope_clause(actor, NodeLink)]
    if chain:
        where.append(Chain.code == chain)
    if enterprise_id is not None:
        where.append(NodeLink.enterprise_id == enterprise_id)
    return (
        select(NodeLink, Enterprise, ChainNode, Chain)
        .join(Enterprise, Enterprise.id == NodeLink.enterprise_id)
        .join(ChainNode, ChainNode.id == NodeLink.node_id)
        .join(Chain, Chain.id == ChainNode.chain_id)
        .where(*where)
    )


def visible_links(session: Session, actor: Actor) -> list[LinkRow]:
    query = _links_query(actor).order_by(Chain.position, ChainNode.position, Enterprise.name)
    return [(link, ent, node, chain) for link, ent, node, chain in session.execute(query)]


def links_page(
    session: Session,
    *,
    actor: Actor,
    chain: str = "",
    enterprise_id: int | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Page[LinkRow]:
    """The enterprise links the actor may see, filtered by chain (code) or enterprise, one page."""
    require(actor, Permission.see_atlas, "产业科创图谱面向市科技局、区县和只读账号")
    page, page_size = bounded(page, page_size)
    query = _links_query(actor, chain, enterprise_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Chain.position, ChainNode.position, Enterprise.name, NodeLink.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return Page(
        items=[(link, ent, node, chain_) for link, ent, node, chain_ in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


def links_xlsx(session: Session, *, actor: Actor) -> bytes:
    """The enterprise links the actor may see, in the import layout (imports back with no change),
    and the list of node codes."""
    links = [
        {
            "uscc": ent.uscc,
            "enterprise": ent.name,
            "node": node.code,
            "node_name": node.name,
            **{f: getattr(link, f) for f in FIELDS},
        }
        for link, ent, node, _chain in visible_links(session, actor)
    ]
    nodes = (
        {"code": node.code, "chain": chain.name, "name": node.name, "stage": Stage(node.stage).zh}
        for node, chain in session.execute(
            select(ChainNode, Chain)
            .join(Chain, Chain.id == ChainNode.chain_id)
            .order_by(Chain.position, ChainNode.position)
        )
    )
    return write_book(BOOK, {SHEET: links, NODE_LIST.name: nodes})


FIELDS = ("role", "main_product", "revenue_share", "valid_from", "valid_until")


@dataclass(frozen=True)
class _Wanted:
    enterprise: Enterprise
    node: ChainNode
    values: dict[str, Any]
    source: str


def _enterprise(parsed: Parsed, row: Row, actor: Actor, ents: dict[str, Enterprise]) -> Enterprise | None:
    if not row.values["uscc"]:
        return None
    ent = ents.get(row.values["uscc"].upper())
    if ent is None:
        parsed.problem(row, "uscc", "企业库中已有企业的统一社会信用代码")
    elif not can_write(actor, ent):
        parsed.problem(row, "uscc", "本辖区的企业")
        return None
    return ent


def _node(
    parsed: Parsed, row: Row, nodes: dict[str, ChainNode], seen: set[tuple[str, str]]
) -> ChainNode | None:
    """The row's node, with the checks of the row as a whole (period, one row per enterprise and node)."""
    v = row.values
    node = nodes.get(v["node"] or "")
    if v["node"] and node is None:
        parsed.problem(row, "node", "图谱中的节点编号（见“节点清单”工作表）")
    if v["valid_from"] and v["valid_until"] and v["valid_from"] > v["valid_until"]:
        parsed.problem(row, "valid_until", "不早于有效期起的日期")
    key = ((v["uscc"] or "").upper(), v["node"] or "")
    if key in seen:
        parsed.problem(row, "node", "同一企业与同一节点只出现一次")
    seen.add(key)
    return node


def _wanted(session: Session, parsed: Parsed, actor: Actor) -> list[_Wanted]:
    """Every row as the link it asks for; what needs the database is checked here."""
    rows = parsed.rows[SHEET]
    usccs = sorted({(r.values["uscc"] or "").upper() for r in rows})
    ents = {e.uscc: e for e in session.scalars(select(Enterprise).where(Enterprise.uscc.in_(usccs)))}
    codes = sorted({r.values["node"] or "" for r in rows})
    nodes = {n.code: n for n in session.scalars(select(ChainNode).where(ChainNode.code.in_(codes)))}
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        ent = _enterprise(parsed, r, actor, ents)
        node = _node(parsed, r, nodes, seen)
        if ent is not None and node is not None:
            source = Source.imported(parsed.filename, r.row, SHEET).format()
            out.append(_Wanted(ent, node, {f: r.values[f] for f in FIELDS}, source))
    return out


def import_links(session: Session, *, actor: Actor, content: bytes, filename: str) -> LinksResult:
    require(actor, Permission.edit_links, "企业与产业链节点的关联由市科技局和区县维护")
    parsed = read_book(BOOK, content, filename, LinksError)
    wanted = _wanted(session, parsed, actor)
    parsed.check(LinksError)
    existing = {
        (link.enterprise_id, link.node_id): link
        for link in session.scalars(
            select(NodeLink).where(
                NodeLink.kind == "enterprise", NodeLink.enterprise_id.in_([w.enterprise.id for w in wanted])
            )
        )
    }
    result = LinksResult()
    for w in wanted:
        link = existing.get((w.enterprise.id, w.node.id))
        if link is None:
            session.add(
                NodeLink(
                    node_id=w.node.id,
                    kind="enterprise",
                    enterprise_id=w.enterprise.id,
                    region_code=w.enterprise.region_code,
                    source=w.source,
                    **w.values,
                )
            )
            result.created += 1
            continue
        changed = [k for k, value in w.values.items() if getattr(link, k) != value]
        for k in changed:
            setattr(link, k, w.values[k])
        if changed:
            link.source = w.source
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
