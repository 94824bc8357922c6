"""Atlas use cases: load and export the structure as a document, read the frames the analysis needs
(scoped by the actor and an optional region), analyse, snapshot a year. Structure writes are the city
bureau's; every ORM write is audited by the session hook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require, require_region
from kechuang.auth.scope import Actor, scope_clause
from kechuang.chains import analysis
from kechuang.chains.document import AtlasError, validate
from kechuang.chains.models import (
    AtlasCluster,
    AtlasSnapshot,
    Chain,
    ChainEdge,
    ChainNode,
    NodeItem,
    NodeLink,
)
from kechuang.choices import TitleType
from kechuang.enterprises.models import Enterprise, EnterpriseFigures, Title
from kechuang.errors import NotFound, Problem
from kechuang.projects.models import Project
from kechuang.regions.service import region_codes_under

BUILTIN = Path(__file__).parent / "data" / "yangzhou-613.json"
SEP = "|"


def check_reader(actor: Actor) -> None:
    require(actor, Permission.see_atlas, "产业科创图谱的分析面向市科技局、区县和只读账号")


def split_codes(text: str) -> list[str]:
    return [p for p in text.split(SEP) if p]


# -- the structure as a document ----------------------------------------------------------------------


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        if what != "unchanged":
            self.by_kind[f"{kind}.{what}"] = self.by_kind.get(f"{kind}.{what}", 0) + 1


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert(
    session: Session,
    existing: dict[Any, Any],
    key: Any,
    model: type,
    values: dict[str, Any],
    result: LoadResult,
    kind: str,
) -> Any:
    obj = existing.get(key)
    if obj is None:
        obj = model(**values)
        session.add(obj)
        result.count(kind, "created")
    else:
        # a new place in the list alone (another entry was added or removed before it) is no change
        moved_only = {k: v for k, v in values.items() if k != "position"}
        changed = _assign(obj, moved_only)
        _assign(obj, values)
        result.count(kind, "updated" if changed else "unchanged")
    return obj


def _blocked_removals(session: Session, dropped: list[ChainNode], file: str) -> list[Problem]:
    """Every node the document drops that still has links (removing it would orphan them)."""
    if not dropped:
        return []
    linked = dict(
        session.execute(
            select(NodeLink.node_id, func.count())
            .where(NodeLink.node_id.in_([n.id for n in dropped]))
            .group_by(NodeLink.node_id)
        ).all()
    )
    return [
        Problem(
            "节点编号",
            f"{file}：节点 {n.code}（{n.name}）不在新文件中，但仍有 {linked[n.id]} 条企业、载体、"
            "项目或人才关联；请在文件中保留该节点，或先移除这些关联",
            n.code,
            file=file,
        )
        for n in dropped
        if linked.get(n.id)
    ]


def _joined(values: list[str] | None) -> str:
    return SEP.join(values or [])


def _cluster_values(pos: int, c: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": c["code"],
        "name": c["name"],
        "name_en": c.get("name_en") or "",
        "aliases": _joined(c.get("aliases")),
        "position": pos,
    }


def _chain_values(pos: int, ch: dict[str, Any], cluster_id: int) -> dict[str, Any]:
    return {**_cluster_values(pos, ch), "cluster_id": cluster_id}


def _node_values(pos: int, n: dict[str, Any], chain_id: int) -> dict[str, Any]:
    return {
        "code": n["code"],
        "chain_id": chain_id,
        "stage": n["stage"],
        "name": n["name"],
        "name_en": n.get("name_en") or "",
        "industry_codes": _joined(n.get("industry_codes")),
        "keywords": _joined(n.get("keywords")),
        "position": pos,
    }


class _AtlasWriter:
    """Upserts one validated document into the stored atlas, kind by kind, counting what changed."""

    def __init__(self, session: Session, doc: dict[str, Any], nodes: dict[str, ChainNode]) -> None:
        self.session, self.doc, self.nodes = session, doc, nodes
        self.result = LoadResult()
        self.clusters = {c.code: c for c in session.scalars(select(AtlasCluster))}
        self.chains: dict[str, Chain] = {}
        self.edges: dict[Any, ChainEdge] = {}
        self.items: dict[Any, NodeItem] = {}
        self.keep_edges: set[Any] = set()
        self.keep_items: set[Any] = set()

    def upsert(
        self, existing: dict[Any, Any], key: Any, model: Any, values: dict[str, Any], kind: str
    ) -> Any:
        existing[key] = _upsert(self.session, existing, key, model, values, self.result, kind)
        return existing[key]

    def structure(self) -> None:
        for pos, c in enumerate(self.doc["clusters"]):
            self.upsert(self.clusters, c["code"], AtlasCluster, _cluster_values(pos, c), "cluster")
        self.session.flush()
        self.chains = {c.code: c for c in self.session.scalars(select(Chain))}
        for pos, ch in enumerate(self.doc["chains"]):
            values = _chain_values(pos, ch, self.clusters[ch["cluster"]].id)
            self.upsert(self.chains, ch["code"], Chain, values, "chain")
        self.session.flush()
        for ch in self.doc["chains"]:
            for pos, n in enumerate(ch["nodes"]):
                values = _node_values(pos, n, self.chains[ch["code"]].id)
                self.upsert(self.nodes, n["code"], ChainNode, values, "node")
        self.session.flush()
        for ch in self.doc["chains"]:
            for n in ch["nodes"]:
                parent = self.nodes[n["parent"]].id if n.get("parent") else None
                if self.nodes[n["code"]].parent_id != parent:
                    self.nodes[n["code"]].parent_id = parent

    def edges_and_items(self) -> None:
        self.edges = {(e.src_id, e.dst_id): e for e in self.session.scalars(select(ChainEdge))}
        for ch in self.doc["chains"]:
            for e in ch.get("edges") or []:
                ends = (self.nodes[e["from"]].id, self.nodes[e["to"]].id)
                self.keep_edges.add(ends)
                values = {"chain_id": self.chains[ch["code"]].id, "src_id": ends[0], "dst_id": ends[1]}
                self.upsert(self.edges, ends, ChainEdge, {**values, "weight": float(e["weight"])}, "edge")
        self.items = {(i.node_id, i.kind, i.name): i for i in self.session.scalars(select(NodeItem))}
        for n in (n for ch in self.doc["chains"] for n in ch["nodes"]):
            for i in n.get("items") or []:
                key = (self.nodes[n["code"]].id, i["kind"], i["name"])
                self.keep_items.add(key)
                values = {"node_id": key[0], "kind": i["kind"], "name": i["name"], "supply": i["supply"]}
                self.upsert(
                    self.items, key, NodeItem, {**values, "chokepoint": bool(i["chokepoint"])}, "item"
                )

    def removals(self, dropped: list[ChainNode]) -> list[tuple[str, Any]]:
        """What the document no longer has, leaves first (edges, items, nodes, chains, clusters)."""
        wanted_chains = {ch["code"] for ch in self.doc["chains"]}
        wanted_clusters = {c["code"] for c in self.doc["clusters"]}
        removals: list[tuple[str, Any]] = [
            ("edge", e) for k, e in self.edges.items() if k not in self.keep_edges
        ]
        removals += [("item", i) for k, i in self.items.items() if k not in self.keep_items]
        removals += [("node", n) for n in dropped]
        removals += [("chain", c) for code, c in self.chains.items() if code not in wanted_chains]
        removals += [("cluster", c) for code, c in self.clusters.items() if code not in wanted_clusters]
        return removals

    def remove(self, dropped: list[ChainNode]) -> None:
        for kind, obj in self.removals(dropped):
            self.session.delete(obj)
            self.session.flush()
            self.result.count(kind, "deleted")
        self.session.flush()


def load_document(session: Session, *, actor: Actor, doc: dict[str, Any], file: str) -> LoadResult:
    """Make the stored atlas equal to ``doc`` (validated whole first): upsert by code; remove what the
    document no longer has, unless a node still has links (every such node is reported; nothing written)."""
    require(actor, Permission.edit_atlas, "只有市科技局管理员可以修改产业科创图谱")
    problems = validate(doc, file)
    if problems:
        raise AtlasError(problems)
    wanted_nodes = {n["code"] for ch in doc["chains"] for n in ch["nodes"]}
    nodes = {n.code: n for n in session.scalars(select(ChainNode))}
    dropped = [n for code, n in nodes.items() if code not in wanted_nodes]
    blocked = _blocked_removals(session, dropped, file)
    if blocked:
        raise AtlasError(blocked)
    writer = _AtlasWriter(session, doc, nodes)
    writer.structure()
    writer.edges_and_items()
    writer.remove(dropped)
    result = writer.result
    audit.record(
        session,
        actor,
        entity="atlas",
        action="import",
        entity_id=str(doc.get("atlas", "")),
        summary=f"载入产业科创图谱 {doc.get('name', '')}（{file}，版本 {doc.get('version', '')}）：新增 "
        f"{result.created}、修改 {result.updated}、删除 {result.deleted}、未变 {result.unchanged}",
    )
    return result


def load_file(session: Session, *, actor: Actor, path: Path = BUILTIN) -> LoadResult:
    """Load an atlas file (.json or .xlsx; by default the built-in Yangzhou 613 atlas)."""
    from kechuang.chains.document import read_document

    return load_document(
        session, actor=actor, doc=read_document(path.read_bytes(), path.name), file=path.name
    )


def export_document(session: Session) -> dict[str, Any]:
    clusters = list(session.scalars(select(AtlasCluster).order_by(AtlasCluster.position, AtlasCluster.id)))
    chains = list(session.scalars(select(Chain).order_by(Chain.position, Chain.id)))
    nodes = list(
        session.scalars(select(ChainNode).order_by(ChainNode.chain_id, ChainNode.position, ChainNode.id))
    )
    code = {n.id: n.code for n in nodes}
    items: dict[int, list[NodeItem]] = {}
    for i in session.scalars(select(NodeItem).order_by(NodeItem.id)):
        items.setdefault(i.node_id, []).append(i)
    edges: dict[int, list[ChainEdge]] = {}
    for e in session.scalars(select(ChainEdge).order_by(ChainEdge.id)):
        edges.setdefault(e.chain_id, []).append(e)
    cluster_code = {c.id: c.code for c in clusters}
    return {
        "atlas": "kechuang-atlas",
        "version": date.today().isoformat(),
        "name": "产业科创图谱",
        "source": "kechuang 导出",
        "note": "",
        "clusters": [
            {"code": c.code, "name": c.name, "name_en": c.name_en, "aliases": split_codes(c.aliases)}
            for c in clusters
        ],
        "chains": [
            {
                "code": ch.code,
                "name": ch.name,
                "name_en": ch.name_en,
                "cluster": cluster_code[ch.cluster_id],
                "aliases": split_codes(ch.aliases),
                "nodes": [
                    {
                        "code": n.code,
                        "name": n.name,
                        "name_en": n.name_en,
                        "stage": n.stage,
                        "parent": code.get(n.parent_id) if n.parent_id else None,
                        "industry_codes": split_codes(n.industry_codes),
                        "keywords": split_codes(n.keywords),
                        "items": [
                            {"kind": i.kind, "name": i.name, "chokepoint": i.chokepoint, "supply": i.supply}
                            for i in items.get(n.id, [])
                        ],
                    }
                    for n in nodes
                    if n.chain_id == ch.id
                ],
                "edges": [
                    {"from": code[e.src_id], "to": code[e.dst_id], "weight": e.weight}
                    for e in edges.get(ch.id, [])
                ],
            }
            for ch in chains
        ],
    }


def has_atlas(session: Session) -> bool:
    return session.scalar(select(Chain.id).limit(1)) is not None


# -- frames for the analysis ---------------------------------------------------------------------------


def _frame(session: Session, stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in session.execute(stmt).all()], schema=schema, orient="row")


def _valid_on(day: date) -> Any:
    return and_(
        or_(NodeLink.valid_from.is_(None), NodeLink.valid_from <= day),
        or_(NodeLink.valid_until.is_(None), NodeLink.valid_until >= day),
    )


def link_filter(session: Session, actor: Actor, region_code: str | None, day: date) -> list[Any]:
    where = [scope_clause(actor, NodeLink), _valid_on(day)]
    if region_code:
        where.append(NodeLink.region_code.in_(sorted(region_codes_under(session, region_code))))
    return where


def frames(
    session: Session,
    *,
    actor: Actor,
    region_code: str | None = None,
    as_of: date | None = None,
    chain_id: int | None = None,
) -> analysis.AtlasFrames:
    """The analysis inputs, with only the links the actor may see (and in ``region_code``, if given)."""
    day = as_of or date.today()
    node_where = [ChainNode.chain_id == chain_id] if chain_id is not None else []
    nodes = _frame(
        session,
        select(ChainNode.id, ChainNode.chain_id, ChainNode.stage, ChainNode.parent_id, ChainNode.name).where(
            *node_where
        ),
        {
            "node_id": pl.Int64,
            "chain_id": pl.Int64,
            "stage": pl.String,
            "parent_id": pl.Int64,
            "name": pl.String,
        },
    )
    edge_where = [ChainEdge.chain_id == chain_id] if chain_id is not None else []
    edges = _frame(
        session,
        select(ChainEdge.chain_id, ChainEdge.src_id, ChainEdge.dst_id, ChainEdge.weight).where(*edge_where),
        {"chain_id": pl.Int64, "src": pl.Int64, "dst": pl.Int64, "weight": pl.Float64},
    )
    in_chain = [ChainNode.chain_id == chain_id] if chain_id is not None else []
    items = _frame(
        session,
        select(
            NodeItem.id, NodeItem.node_id, NodeItem.kind, NodeItem.name, NodeItem.chokepoint, NodeItem.supply
        )
        .join(ChainNode, ChainNode.id == NodeItem.node_id)
        .where(*in_chain),
        {
            "item_id": pl.Int64,
            "node_id": pl.Int64,
            "kind": pl.String,
            "name": pl.String,
            "chokepoint": pl.Boolean,
            "supply": pl.String,
        },
    )
    where = link_filter(session, actor, region_code, day) + in_chain
    links = _frame(
        session,
        select(NodeLink.node_id, NodeLink.enterprise_id, NodeLink.role, NodeLink.revenue_share)
        .join(ChainNode, ChainNode.id == NodeLink.node_id)
        .where(NodeLink.kind == "enterprise", NodeLink.enterprise_id.is_not(None), *where),
        {"node_id": pl.Int64, "enterprise_id": pl.Int64, "role": pl.String, "revenue_share": pl.Float64},
    )
    schema = {"node_id": pl.Int64, "kind": pl.String, "item_id": pl.Int64}
    others = _frame(
        session,
        select(NodeLink.node_id, NodeLink.kind, NodeLink.item_id)
        .join(ChainNode, ChainNode.id == NodeLink.node_id)
        .where(NodeLink.kind != "enterprise", *where),
        schema,
    )
    # the key projects placed on a node (and, for a breakthrough, on the key item it attacks)
    project_where = [
        scope_clause(actor, Project),
        Project.node_id.is_not(None),
        Project.end_on >= day,
        *in_chain,
    ]
    if region_code:
        project_where.append(Project.region_code.in_(sorted(region_codes_under(session, region_code))))
    projects = _frame(
        session,
        select(Project.node_id, literal("project"), Project.item_id)
        .join(ChainNode, ChainNode.id == Project.node_id)
        .where(*project_where),
        schema,
    )
    others = pl.concat([others, projects])
    f = EnterpriseFigures
    linked = (
        select(NodeLink.enterprise_id)
        .join(ChainNode, ChainNode.id == NodeLink.node_id)
        .where(NodeLink.kind == "enterprise", *where)
    )
    hnte = (
        select(Title.enterprise_id)
        .where(
            Title.type == TitleType.hnte.value,
            Title.year_granted <= day.year,
            or_(Title.valid_until.is_(None), Title.valid_until >= day),
        )
        .distinct()
        .subquery()
    )
    facts = _frame(
        session,
        select(Enterprise.id, Enterprise.latest_revenue, f.rd_expense, hnte.c.enterprise_id)
        .outerjoin(f, (f.enterprise_id == Enterprise.id) & (f.year == Enterprise.latest_year))
        .outerjoin(hnte, hnte.c.enterprise_id == Enterprise.id)
        .where(Enterprise.id.in_(linked)),
        {"enterprise_id": pl.Int64, "revenue": pl.Int64, "rd_expense": pl.Int64, "hnte_id": pl.Int64},
    )
    facts = facts.select(
        "enterprise_id", "revenue", "rd_expense", pl.col("hnte_id").is_not_null().alias("hnte")
    )
    return analysis.AtlasFrames(nodes, edges, items, links, facts, others)


def analyse(
    session: Session, *, actor: Actor, region_code: str | None = None, chain_id: int | None = None
) -> analysis.Analysis:
    check_reader(actor)
    require_region(actor, region_code)
    return analysis.analyse(frames(session, actor=actor, region_code=region_code, chain_id=chain_id))


# -- reading the structure -----------------------------------------------------------------------------


def chains(session: Session) -> list[tuple[Chain, AtlasCluster]]:
    return list(
        session.execute(
            select(Chain, AtlasCluster)
            .join(AtlasCluster, AtlasCluster.id == Chain.cluster_id)
            .order_by(AtlasCluster.position, Chain.position, Chain.id)
        )
    )


def clusters(session: Session) -> list[AtlasCluster]:
    return list(session.scalars(select(AtlasCluster).order_by(AtlasCluster.position, AtlasCluster.id)))


def get_chain(session: Session, code: str) -> Chain:
    chain = session.scalar(select(Chain).where(Chain.code == code))
    if chain is None:
        raise NotFound(f"产业链 {code} 不存在")
    return chain


def chain_structure(session: Session, chain: Chain) -> dict[str, Any]:
    nodes = list(
        session.scalars(
            select(ChainNode).where(ChainNode.chain_id == chain.id).order_by(ChainNode.position, ChainNode.id)
        )
    )
    items: dict[int, list[NodeItem]] = {}
    for i in session.scalars(
        select(NodeItem)
        .join(ChainNode, ChainNode.id == NodeItem.node_id)
        .where(ChainNode.chain_id == chain.id)
        .order_by(NodeItem.id)
    ):
        items.setdefault(i.node_id, []).append(i)
    edges = list(
        session.scalars(select(ChainEdge).where(ChainEdge.chain_id == chain.id).order_by(ChainEdge.id))
    )
    cluster = session.get(AtlasCluster, chain.cluster_id)
    return {"cluster": cluster, "nodes": nodes, "items": items, "edges": edges}


def node_detail(
    session: Session, *, actor: Actor, node_id: int, region_code: str | None = None, limit: int = 100
) -> dict[str, Any]:
    """A node with its key items and the links the actor may see (enterprises by revenue, largest first)."""
    check_reader(actor)
    node = session.get(ChainNode, node_id)
    if node is None:
        raise NotFound(f"节点 {node_id} 不存在")
    children = [n.id for n in session.scalars(select(ChainNode).where(ChainNode.parent_id == node.id))]
    ids = [node.id, *children]
    where = link_filter(session, actor, region_code, date.today())
    ents = session.execute(
        select(NodeLink, Enterprise)
        .join(Enterprise, Enterprise.id == NodeLink.enterprise_id)
        .where(NodeLink.node_id.in_(ids), NodeLink.kind == "enterprise", *where)
        .order_by(
            (NodeLink.role == "leader").desc(),
            (NodeLink.role == "key_supporting").desc(),
            Enterprise.sort_revenue.desc(),
            Enterprise.id,
        )
        .limit(limit)
    ).all()
    total = (
        session.scalar(
            select(func.count(func.distinct(NodeLink.enterprise_id))).where(
                NodeLink.node_id.in_(ids), NodeLink.kind == "enterprise", *where
            )
        )
        or 0
    )
    others = list(
        session.scalars(
            select(NodeLink)
            .where(NodeLink.node_id.in_(ids), NodeLink.kind != "enterprise", *where)
            .order_by(NodeLink.kind, NodeLink.id)
        )
    )
    items = list(session.scalars(select(NodeItem).where(NodeItem.node_id.in_(ids)).order_by(NodeItem.id)))
    project_where = [Project.node_id.in_(ids), scope_clause(actor, Project)]
    if region_code:
        project_where.append(Project.region_code.in_(sorted(region_codes_under(session, region_code))))
    projects = list(session.scalars(select(Project).where(*project_where).order_by(Project.code)))
    return {
        "node": node,
        "enterprises": ents,
        "enterprise_total": total,
        "others": others,
        "items": items,
        "children": children,
        "projects": projects,
    }


def enterprise_nodes(
    session: Session, *, actor: Actor, enterprise_id: int
) -> list[tuple[NodeLink, ChainNode, Chain]]:
    """The chain nodes an enterprise is linked to (for its profile)."""
    return list(
        session.execute(
            select(NodeLink, ChainNode, Chain)
            .join(ChainNode, ChainNode.id == NodeLink.node_id)
            .join(Chain, Chain.id == ChainNode.chain_id)
            .where(
                NodeLink.enterprise_id == enterprise_id,
                scope_clause(actor, NodeLink),
                _valid_on(date.today()),
            )
            .order_by(Chain.position, ChainNode.position)
        )
    )


# -- snapshots -----------------------------------------------------------------------------------------


def take_snapshot(session: Session, *, actor: Actor, year: int) -> AtlasSnapshot:
    """The atlas of ``year`` as it stands now (structure, analysis per chain and node), replacing that year's."""
    require(actor, Permission.edit_atlas, "只有市科技局管理员可以保存图谱快照")
    result = analysis.analyse(frames(session, actor=actor))
    codes = {c.id: c.code for c, _ in chains(session)}

    def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
        return (
            frame.with_columns(
                pl.col("chain_id").replace_strict(codes, return_dtype=pl.String).alias("chain")
            )
            .drop("chain_id")
            .to_dicts()
            if "chain_id" in frame.columns
            else frame.to_dicts()
        )

    content: dict[str, Any] = {
        "year": year,
        "taken_on": date.today().isoformat(),
        "atlas": export_document(session),
        "chains": rows(result.chains),
        "nodes": rows(result.metrics.drop("parent_id")),
        "fill": rows(result.fill.drop("parent_id")),
        "chokepoints": rows(result.chokepoints),
        "extend": rows(result.extend),
    }
    snap = session.scalar(select(AtlasSnapshot).where(AtlasSnapshot.year == year))
    if snap is None:
        snap = AtlasSnapshot(year=year, content=content, taken_by=actor.username)
        session.add(snap)
    else:
        snap.content, snap.taken_by = content, actor.username
    session.flush()
    audit.record(
        session,
        actor,
        entity="atlas_snapshots",
        action="create",
        entity_id=str(year),
        summary=f"保存 {year} 年产业科创图谱快照：{len(content['chains'])} 条产业链、{len(content['nodes'])} 个节点",
    )
    return snap


def snapshots(session: Session) -> list[AtlasSnapshot]:
    return list(session.scalars(select(AtlasSnapshot).order_by(AtlasSnapshot.year.desc())))
