"""Technology demands (技术需求) with their status history, capability profiles (能力档案), the stored
matches between them, and the platform's inbox (站内消息)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class Capability(Base):
    """What a university, institute, expert, team or enterprise can do: directions, results, equipment."""

    __tablename__ = "capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # CapabilityKind
    organisation: Mapped[str] = mapped_column(String(200), default="")  # 所属单位, for conflicts of interest
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    region_code: Mapped[str | None] = mapped_column(String(12), index=True)  # set when it is in the city
    directions: Mapped[str] = mapped_column(Text, default="")  # 研究方向
    description: Mapped[str] = mapped_column(Text)
    results: Mapped[list[str]] = mapped_column(JSON, default=list)  # 成果: patents, products, projects
    equipment: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated
    node_codes: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated atlas node codes
    source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Capability.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class Demand(Base):
    """A technology demand of one registry enterprise, tracked from collection to its outcome."""

    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the enterprise's, for scoping
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, value, unit}]
    budget_min: Mapped[int | None] = mapped_column(BigInteger)  # yuan
    budget_max: Mapped[int | None] = mapped_column(BigInteger)
    deadline: Mapped[date | None] = mapped_column(Date)
    chain_code: Mapped[str | None] = mapped_column(String(40), index=True)
    node_code: Mapped[str | None] = mapped_column(String(80))
    item_name: Mapped[str | None] = mapped_column(String(200))
    confidentiality: Mapped[str] = mapped_column(String(8), default="public")  # Confidentiality
    status: Mapped[str] = mapped_column(String(12), default="collected", index=True)  # DemandStatus
    status_note: Mapped[str] = mapped_column(String(500), default="")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("capabilities.id", ondelete="SET NULL"))
    contract_amount: Mapped[int | None] = mapped_column(BigInteger)  # 技术合同 amount, yuan, when signed
    posted_by: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Demand.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class DemandEvent(Base):
    """One step of a demand's history: the status it moved to, when, by whom, with whom and why."""

    __tablename__ = "demand_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    enterprise_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")
    capability_id: Mapped[int | None] = mapped_column(ForeignKey("capabilities.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(64))


DemandEvent.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class DemandMatch(Base):
    """A stored match of a demand and a capability, with its score and reasons (written by the matching
    job and when a demand is saved; pages only read them)."""

    __tablename__ = "demand_matches"
    __table_args__ = (UniqueConstraint("demand_id", "capability_id"),)
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"))
    capability_id: Mapped[int] = mapped_column(ForeignKey("capabilities.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    matcher: Mapped[str] = mapped_column(String(200))  # the lexicon's sources and whether a model was used
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Index("ix_demand_matches_rank", DemandMatch.demand_id, DemandMatch.rank)


class Recommendation(Base):
    """A demand recommended to a capability's owner (推荐给): who, to whom, when."""

    __tablename__ = "demand_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    capability_id: Mapped[int] = mapped_column(ForeignKey("capabilities.id", ondelete="CASCADE"))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Message(Base):
    """A message in one user's platform inbox."""

    __tablename__ = "messages"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
