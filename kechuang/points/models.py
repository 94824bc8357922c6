"""Uploaded innovation-points methodologies (every version is kept; the newest is in force) and the
stored points runs that pages read (recomputed by the ``points_refresh`` job)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class PointsMethodology(Base):
    __tablename__ = "points_methodologies"
    __audited__ = False  # uploads are audited by the service, with a summary (the workbook is binary)
    __table_args__ = (UniqueConstraint("methodology_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the workbook as uploaded: the version's source
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PointsRun(Base):
    """One points run of the whole city for one year's figures: when, on which methodology and data."""

    __tablename__ = "points_runs"
    __audited__ = False  # each recomputation is audited by the store, with a summary

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    methodology_id: Mapped[str] = mapped_column(String(64))
    methodology_version: Mapped[str] = mapped_column(String(32))
    registry_revision: Mapped[str] = mapped_column(String(64))
    runs: Mapped[int] = mapped_column(Integer)  # weight perturbations behind the rank intervals
    spread: Mapped[float] = mapped_column(Float)
    enterprises: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def stamp(self) -> str:
        return f"{self.methodology_id}@{self.methodology_version}"


class PointsScore(Base):
    """One enterprise's points for one year: totals, ranks with their interval, and the detail behind them.

    ``detail`` is JSON {"raw": [...], "score": [...], "strengths": [...], "weaknesses": [...]}: the raw
    indicator values and normalised scores in the order of the run's methodology indicators, and the
    names of the indicators where the enterprise is furthest above / below its stage's median."""

    __tablename__ = "points_scores"
    __audited__ = False  # derived data, recomputed (not edited) whenever the registry or methodology changes
    __scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")
    __table_args__ = (
        UniqueConstraint("year", "enterprise_id"),
        Index("ix_points_scores_year_rank", "year", "rank"),
        Index("ix_points_scores_year_stage_rank", "year", "stage", "stage_rank"),
        Index("ix_points_scores_year_region", "year", "region_code", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str] = mapped_column(String(16))
    stage_reason: Mapped[str] = mapped_column(String(200), default="")
    total: Mapped[float] = mapped_column(Float)
    tech_innovation: Mapped[float] = mapped_column(Float)
    growth_operation: Mapped[float] = mapped_column(Float)
    auxiliary: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    stage_rank: Mapped[int] = mapped_column(Integer)
    rank_p05: Mapped[int] = mapped_column(Integer)
    rank_p95: Mapped[int] = mapped_column(Integer)
    rank_stable: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text)
