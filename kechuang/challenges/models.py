"""Challenge lists (榜单) with the demands they come from, bids (揭榜申报), review assignments with the
reviewers' scores, and each challenge's history of steps and objections (异议)."""

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
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class Challenge(Base):
    """One challenge (榜单): the problem, its numeric targets, who may bid, money, time and its stage."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # 榜单编号, e.g. YZJB-2026-001
    title: Mapped[str] = mapped_column(String(200))
    chain_code: Mapped[str | None] = mapped_column(String(40), index=True)
    node_code: Mapped[str | None] = mapped_column(String(80))
    problem: Mapped[str] = mapped_column(Text)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, value, unit}]
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # eligibility rules
    fiscal_budget: Mapped[int] = mapped_column(BigInteger, default=0)  # yuan
    self_budget: Mapped[int] = mapped_column(BigInteger, default=0)
    duration_months: Mapped[int] = mapped_column(Integer, default=24)
    deadline: Mapped[datetime] = mapped_column(DateTime)  # bids are accepted until then
    contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)  # ChallengeStatus
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)  # the review criteria, as published
    published_on: Mapped[date | None] = mapped_column(Date)
    publicity_until: Mapped[date | None] = mapped_column(Date)  # the public notice ends on this day
    winner_bid_id: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ChallengeDemand(Base):
    """A demand a challenge was made from."""

    __tablename__ = "challenge_demands"
    __table_args__ = (UniqueConstraint("challenge_id", "demand_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)


class Bid(Base):
    """A bid (揭榜申报) by a team, institute or enterprise: plan, team, budget, milestones and KPIs."""

    __tablename__ = "challenge_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    bidder: Mapped[str] = mapped_column(String(200))  # the bidding organisation (揭榜单位)
    partners: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated
    capability_id: Mapped[int | None] = mapped_column(ForeignKey("capabilities.id", ondelete="SET NULL"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id", ondelete="SET NULL"))
    region_code: Mapped[str | None] = mapped_column(String(12))  # where the bidder is registered, if known
    rd_staff: Mapped[int | None] = mapped_column(Integer)  # declared R&D staff of the team
    leader: Mapped[str] = mapped_column(String(100))
    plan: Mapped[str] = mapped_column(Text)
    team: Mapped[str] = mapped_column(Text, default="")
    fiscal_budget: Mapped[int] = mapped_column(BigInteger, default=0)  # yuan asked of the challenge
    self_budget: Mapped[int] = mapped_column(BigInteger, default=0)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, planned_on}]
    kpis: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, value, unit}]
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)  # documents sent on paper, by name
    declared: Mapped[list[int]] = mapped_column(JSON, default=list)  # the 承诺 conditions signed, by index
    status: Mapped[str] = mapped_column(String(12), default="submitted")  # BidStatus
    checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # eligibility, per condition
    screening_note: Mapped[str] = mapped_column(String(500), default="")
    score: Mapped[float | None] = mapped_column(Float)  # over its reviewers, when the review closes
    rank: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    files: Mapped[list[BidFile]] = relationship(cascade="all, delete-orphan", lazy="raise_on_sql")


# the columns that scope a bid; who sees one is decided by ``service.get_bid`` (bureau, bidder, reviewer)
Bid.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class BidFile(Base):
    """A file submitted with a bid (申报书, 预算表, 证明材料), kept in the database with its checksum."""

    __tablename__ = "challenge_bid_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("challenge_bids.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, info={"audit": False})
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReviewAssignment(Base):
    """A reviewer assigned to a bid by the bureau, and the scores they gave."""

    __tablename__ = "challenge_reviews"
    __table_args__ = (UniqueConstraint("bid_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("challenge_bids.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reviewer_organisation: Mapped[str] = mapped_column(String(200))  # as checked for conflicts
    scores: Mapped[dict[str, float] | None] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)


class ChallengeEvent(Base):
    """One entry of a challenge's history: a stage it moved to, or an objection and its answer."""

    __tablename__ = "challenge_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # stage | objection | answer
    status: Mapped[str] = mapped_column(String(12), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    objection_id: Mapped[int | None] = mapped_column(Integer)  # the objection an answer resolves
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(64))
