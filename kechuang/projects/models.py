"""Key project tables: projects with milestones, money (plan and actual), KPIs, periodic reports,
manual overrides of the light (with a note and an expiry) and the status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow

PROJECT_TYPES = {
    "key_core_tech": "关键核心技术攻关",
    "achievement_transfer": "重大科技成果转化",
    "open_competition": "揭榜挂帅",
    "forward_tech": "产业前瞻与关键技术",
    "agri_rd": "农业重点研发",
    "innovative_product": "重大创新产品开发",
}


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # the plan's project number
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32), index=True)  # key of PROJECT_TYPES
    owner_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True
    )
    owner_name: Mapped[str] = mapped_column(String(200), default="")  # as written in the plan
    partners: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    node_id: Mapped[int | None] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="SET NULL"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("atlas_items.id", ondelete="SET NULL"))
    fiscal_budget: Mapped[int] = mapped_column(BigInteger, default=0)  # yuan
    self_budget: Mapped[int] = mapped_column(BigInteger, default=0)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Project.__scope__ = ScopeSpec(region="region_code", enterprise="owner_enterprise_id")


class Milestone(Base):
    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    planned_on: Mapped[date] = mapped_column(Date)
    actual_on: Mapped[date | None] = mapped_column(Date)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    evidence: Mapped[str] = mapped_column(String(500), default="")


class Fund(Base):
    """A disbursement: planned (``kind`` plan) or made (actual), fiscal or self-raised, on a date."""

    __tablename__ = "project_funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # plan | actual
    source: Mapped[str] = mapped_column(String(8), default="fiscal")  # fiscal | self
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # yuan


class Kpi(Base):
    __tablename__ = "project_kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="")
    target: Mapped[float] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float)
    due_on: Mapped[date] = mapped_column(Date)
    direction: Mapped[int] = mapped_column(Integer, default=1)  # +1 at least the target; -1 at most


class Report(Base):
    __tablename__ = "project_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)


class Override(Base):
    """An operator's light for a project, with the reason, until an expiry date (audited)."""

    __tablename__ = "project_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    light: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date] = mapped_column(Date)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Override.__scope__ = ScopeSpec(region="region_code")


class StatusChange(Base):
    """The status history: a row on each day a project's light (or its override) changed, holding that
    day's last state — unique per project and day, so concurrent recorders cannot double-record."""

    __tablename__ = "project_status_history"
    __audited__ = False  # computed by the system, not a user's change

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    light: Mapped[str] = mapped_column(String(8))
    computed_light: Mapped[str] = mapped_column(String(8))
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list] = mapped_column(JSON)


Index("ix_project_status_history_project_on", StatusChange.project_id, StatusChange.on, unique=True)
