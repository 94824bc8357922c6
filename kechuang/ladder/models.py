"""Stored assessments: every enterprise through every programme for a year, with the rules used.

Results are derived data: recomputed (not edited) whenever the registry or the rules in force change,
so they are not audited row by row; each recomputation is one ``AssessmentRun`` (and one audit entry).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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


class AssessmentRun(Base):
    """One batch assessment of the whole registry for one year: when, on which rules and data."""

    __tablename__ = "assessment_runs"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)  # programme → {document, version, file}
    registry_revision: Mapped[str] = mapped_column(String(64))
    enterprises: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AssessmentResult(Base):
    """One enterprise × programme × year: the verdict, the score range and the criteria that decided it."""

    __tablename__ = "assessment_results"
    __audited__ = False
    __scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")
    __table_args__ = (
        UniqueConstraint("year", "programme", "enterprise_id"),
        Index("ix_assessment_results_year_region", "year", "region_code"),
        Index("ix_assessment_results_enterprise", "enterprise_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(8))  # met | not_met | unknown
    held: Mapped[bool] = mapped_column(Boolean)  # holds the programme's title on as_of
    route: Mapped[str | None] = mapped_column(String(48))
    score_low: Mapped[int | None] = mapped_column(Integer)
    score_high: Mapped[int | None] = mapped_column(Integer)
    gap: Mapped[float] = mapped_column(Float)  # size of the gap (0 when met): ranks near misses
    failed: Mapped[str] = mapped_column(String(500), default="")  # criterion keys not met, comma-separated
    unknown: Mapped[str] = mapped_column(String(500), default="")  # criterion keys lacking data
    rule: Mapped[str] = mapped_column(String(64))  # the rule file used, e.g. hnte-2016.toml
