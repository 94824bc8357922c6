"""Stored points runs: every enterprise of the city scored for a year's figures, with the methodology
version used, kept fresh by the ``points_refresh`` job; the 50强 page and the ranking export read them.

A year's run is recomputed when it is stale: the registry changed (any write bumps
``enterprises.revision``), another methodology version is in force (an upload), or the assessment day
moved (a year is scored as of 31 December of the next year, or as of today before then). Readers are
scoped by the actor and never compute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require, scope_clause
from kechuang.auth.scope import SYSTEM, Actor
from kechuang.db import RECOMPUTE_LOCK, analyze, bulk_insert, table_of, utcnow
from kechuang.enterprises import revision
from kechuang.enterprises.models import Enterprise
from kechuang.points import DEFAULT, Methodology, PointsResult, compute_points
from kechuang.points.catalogue import GROUPS
from kechuang.points.core import norm, raw
from kechuang.points.models import PointsMethodology, PointsRun, PointsScore
from kechuang.points.service import current_methodology, input_frame
from kechuang.points.sheet import methodology_from_xlsx

RUNS, SPREAD = 200, 0.2  # weight perturbations behind the rank intervals, and their size (±20%)
LOCK_ID = RECOMPUTE_LOCK  # the one advisory lock of stored recomputations (kechuang.db)


def as_of_for(year: int, today: date | None = None) -> date:
    """Year Y's figures are scored with the titles held on 31 December Y+1 (or today, before then)."""
    return min(date(year + 1, 12, 31), today or date.today())


@dataclass(frozen=True)
class Freshness:
    year: int
    as_of: date
    recomputed: bool
    enterprises: int
    seconds: float
    stamp: str


def _is_fresh(run: PointsRun | None, as_of: date, methodology: Methodology, rev: str) -> bool:
    return (
        run is not None
        and run.as_of == as_of
        and run.stamp == methodology.stamp
        and run.registry_revision == rev
    )


def score_rows(result: PointsResult, year: int) -> pl.DataFrame:
    """The result as rows of ``points_scores`` (column-wise; the detail is encoded as JSON by Polars)."""
    m = result.methodology
    picked = result.strengths.group_by("enterprise_id", "kind", maintain_order=True).agg("name")
    named = [
        picked.filter(pl.col("kind") == kind).select("enterprise_id", pl.col("name").alias(column))
        for kind, column in (("strength", "strengths"), ("weakness", "weaknesses"))
    ]
    frame = result.frame
    for part in named:
        frame = frame.join(part, on="enterprise_id", how="left")
    return frame.select(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        "enterprise_id",
        pl.col("region_code").fill_null(""),
        "stage",
        pl.col("stage_reason").fill_null("").str.slice(0, 200),
        "total",
        *GROUPS,
        "rank",
        "stage_rank",
        pl.col("rank_p05").fill_null(0),
        pl.col("rank_p95").fill_null(0),
        pl.col("rank_stable").fill_null(False),
        pl.struct(
            pl.concat_list([pl.col(raw(i)).cast(pl.Float64) for i in m.indicators]).alias("raw"),
            pl.concat_list([pl.col(norm(i)).cast(pl.Float64) for i in m.indicators]).alias("score"),
            pl.col("strengths").fill_null([]),
            pl.col("weaknesses").fill_null([]),
        )
        .struct.json_encode()
        .alias("detail"),
    )


def refresh(
    session: Session,
    year: int,
    *,
    today: date | None = None,
    force: bool = False,
    runs: int = RUNS,
    actor: Actor = SYSTEM,
) -> Freshness:
    """Recompute and store ``year``'s points unless the stored run is still fresh."""
    as_of = as_of_for(year, today)
    methodology = current_methodology(session)
    for attempt in range(2):  # again under the lock on PostgreSQL: another process may have just done it
        run = session.scalar(select(PointsRun).where(PointsRun.year == year))
        if not force and _is_fresh(run, as_of, methodology, revision.current(session)):
            assert run is not None
            return Freshness(year, as_of, False, run.enterprises, run.seconds, run.stamp)
        if attempt or session.get_bind().dialect.name != "postgresql":
            break
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_ID})
        session.expire_all()
    started = time.perf_counter()
    rev = revision.current(session)
    frame = input_frame(session, year=year, as_of=as_of)
    result = compute_points(frame, methodology, runs=runs, spread=SPREAD, seed=year)
    rows = score_rows(result, year)
    session.execute(delete(PointsScore).where(PointsScore.year == year))
    bulk_insert(session, table_of(PointsScore), rows)
    seconds = round(time.perf_counter() - started, 3)
    if run is None:
        run = PointsRun(year=year)
        session.add(run)
    run.as_of, run.registry_revision, run.runs, run.spread = as_of, rev, runs, SPREAD
    run.methodology_id, run.methodology_version = methodology.id, methodology.version
    run.enterprises, run.seconds, run.computed_at = frame.height, seconds, utcnow()
    session.flush()
    if rows.height > 50_000:
        analyze(session, table_of(PointsScore))
    audit.record(
        session,
        actor,
        entity="points_runs",
        action="refresh",
        entity_id=str(year),
        summary=f"重新计算 {year} 年度创新积分（称号截至 {as_of}）：{frame.height} 家企业，"
        f"方法 {methodology.name}（{methodology.stamp}），{runs} 次权重扰动",
    )
    return Freshness(year, as_of, True, frame.height, seconds, methodology.stamp)


def methodology_of(session: Session, run: PointsRun) -> Methodology:
    """The methodology version a run used (uploaded versions are kept; the built-in default is code)."""
    if (run.methodology_id, run.methodology_version) == (DEFAULT.id, DEFAULT.version):
        return DEFAULT
    row = session.scalar(
        select(PointsMethodology).where(
            PointsMethodology.methodology_id == run.methodology_id,
            PointsMethodology.version == run.methodology_version,
        )
    )
    return (
        methodology_from_xlsx(row.content, row.filename) if row is not None else current_methodology(session)
    )


@dataclass(frozen=True)
class Stored:
    """What a page reads: a year's stored run (None: not computed yet), the methodology it used, and
    whether the registry or the methodology changed since (``stale``: the job will recompute it)."""

    year: int
    as_of: date
    run: PointsRun | None
    methodology: Methodology
    stale: bool


def stored(session: Session, year: int, *, today: date | None = None) -> Stored:
    as_of = as_of_for(year, today)
    run = session.scalar(select(PointsRun).where(PointsRun.year == year))
    current = current_methodology(session)
    if run is None:
        return Stored(year, as_of, None, current, False)
    fresh = _is_fresh(run, as_of, current, revision.current(session))
    return Stored(year, run.as_of, run, methodology_of(session, run), not fresh)


@dataclass(frozen=True)
class Ranking:
    stored: Stored
    rows: pl.DataFrame  # the ranked rows asked for, with name, uscc and per-indicator raw / norm columns
    total: int  # enterprises in the actor's scope (and filters) that were ranked
    regions: list[str]  # the regions present in the actor's scope


SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "name": pl.String,
    "uscc": pl.String,
    "region_code": pl.String,
    "stage": pl.String,
    "stage_reason": pl.String,
    "total": pl.Float64,
    **{g: pl.Float64 for g in GROUPS},
    "rank": pl.Int64,
    "stage_rank": pl.Int64,
    "rank_p05": pl.Int64,
    "rank_p95": pl.Int64,
    "rank_stable": pl.Boolean,
    "detail": pl.String,
}
DETAIL = pl.Struct(
    {
        "raw": pl.List(pl.Float64),
        "score": pl.List(pl.Float64),
        "strengths": pl.List(pl.String),
        "weaknesses": pl.List(pl.String),
    }
)


def _decoded(frame: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """The JSON detail back as columns: raw(i) and norm(i) per indicator, strengths, weaknesses."""
    d = pl.col("detail").str.json_decode(DETAIL)
    return frame.with_columns(
        *(
            d.struct.field("raw").list.get(k, null_on_oob=True).alias(raw(i))
            for k, i in enumerate(methodology.indicators)
        ),
        *(
            d.struct.field("score").list.get(k, null_on_oob=True).alias(norm(i))
            for k, i in enumerate(methodology.indicators)
        ),
        d.struct.field("strengths").alias("strengths"),
        d.struct.field("weaknesses").alias("weaknesses"),
    ).drop("detail")


def ranking(
    session: Session,
    *,
    actor: Actor,
    year: int,
    stage: str = "",
    region: str = "",
    limit: int | None = None,
    offset: int = 0,
    today: date | None = None,
) -> Ranking:
    """The stored ranking of ``year`` the actor may see (by stage rank when a stage is given), best first."""
    require(actor, Permission.see_points, "专家账号不查看企业创新积分")
    held = stored(session, year, today=today)
    s = PointsScore
    where = [s.year == year, scope_clause(actor, PointsScore)]
    regions = sorted(c for c in session.scalars(select(s.region_code).where(*where).distinct()) if c)
    if stage:
        where.append(s.stage == stage)
    if region:
        where.append(s.region_code == region)
    order = [s.stage_rank, s.enterprise_id] if stage else [s.rank, s.enterprise_id]
    stmt = (
        select(
            s.enterprise_id,
            Enterprise.name,
            Enterprise.uscc,
            s.region_code,
            s.stage,
            s.stage_reason,
            s.total,
            *(getattr(s, g) for g in GROUPS),
            s.rank,
            s.stage_rank,
            s.rank_p05,
            s.rank_p95,
            s.rank_stable,
            s.detail,
        )
        .join(Enterprise, Enterprise.id == s.enterprise_id)
        .where(*where)
        .order_by(*order)
    )
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = pl.DataFrame([tuple(r) for r in session.execute(stmt)], schema=SCHEMA, orient="row")
    total = session.scalar(select(func.count()).select_from(s).where(*where)) or 0
    return Ranking(held, _decoded(rows, held.methodology), int(total), regions)
