"""Atlas tables: clusters, chains, nodes (with sub-nodes), supply edges, key items, links of
enterprises / carriers / projects / talent to nodes, and yearly snapshots.

The structure (clusters … items) is city-wide reference data every role may read and only the city
bureau changes; links are scoped by the linked enterprise's (or the link's) region. Every ORM write is
audited by the session hook (``auth/audit.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class AtlasCluster(Base):
    __tablename__ = "atlas_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128), default="")
    aliases: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated
    position: Mapped[int] = mapped_column(Integer, default=0)


class Chain(Base):
    __tablename__ = "atlas_chains"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("atlas_clusters.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128), default="")
    aliases: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class ChainNode(Base):
    __tablename__ = "atlas_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("atlas_chains.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))  # upstream | midstream | downstream
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128), default="")
    industry_codes: Mapped[str] = mapped_column(String(200), default="")  # '|'-separated GB/T 4754 classes
    keywords: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated
    position: Mapped[int] = mapped_column(Integer, default=0)


class ChainEdge(Base):
    """A supply edge: ``src`` supplies ``dst``; ``weight`` is roughly the share of dst's inputs from src."""

    __tablename__ = "atlas_edges"
    __table_args__ = (UniqueConstraint("src_id", "dst_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("atlas_chains.id", ondelete="CASCADE"), index=True)
    src_id: Mapped[int] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="CASCADE"))
    dst_id: Mapped[int] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="CASCADE"))
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class NodeItem(Base):
    """A key item of a node: key core technology, advanced material, key process or pain point."""

    __tablename__ = "atlas_items"
    __table_args__ = (UniqueConstraint("node_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # technology | material | process | pain_point
    name: Mapped[str] = mapped_column(String(128))
    chokepoint: Mapped[bool] = mapped_column(Boolean, default=False)
    supply: Mapped[str] = mapped_column(String(16), default="domestic")  # local | domestic | imported


class NodeLink(Base):
    """An enterprise, carrier, project or talent linked to a node, with a role, a valid period and a source.

    Enterprise links carry ``enterprise_id`` (role leader | key_supporting | member, main product, share
    of revenue); carriers, projects and talent carry a ``name`` (and, for projects, the key item they
    address). ``region_code`` scopes the link: the enterprise's region, or the carrier's / project's."""

    __tablename__ = "atlas_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # enterprise | carrier | project | talent
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("atlas_items.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32), default="member")
    main_product: Mapped[str] = mapped_column(String(200), default="")
    revenue_share: Mapped[float | None] = mapped_column(Float)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Index("ix_atlas_links_kind_node", NodeLink.kind, NodeLink.node_id)
NodeLink.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class AtlasSnapshot(Base):
    """The atlas of a year as it stood: structure, links and analysis, as JSON (one per year, replaced)."""

    __tablename__ = "atlas_snapshots"
    __audited__ = False  # the service audits a summary (the content is large)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    content: Mapped[dict] = mapped_column(JSON)
    taken_by: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
