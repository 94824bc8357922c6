"""Stored yearly assessments of the whole registry, kept fresh, and what the ladder reads from them.

A year's assessment is computed column-wise for every enterprise (``service.assess_registry``) and
stored with the rule files used and the registry revision it saw. It is recomputed when it is stale:
the registry changed (any write bumps ``enterprises.revision``), another rule version is in force, or
(for the current year, assessed as of today) the day changed. Readers are scoped by the actor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.scope import SYSTEM, Actor, scope_clause
from kechuang.db import RECOMPUTE_LOCK, analyze, bulk_insert, table_of, utcnow
from kechuang.enterprises import revision
from kechuang.ladder.models import AssessmentResult, AssessmentRun
from kechuang.ladder.service import HELD, input_frame, programmes_on
from kechuang.regions.service import region_codes_under
from kechuang.rules.frame import assess_frame, gap_column
from kechuang.rules.programmes import PROGRAMMES, Programme

NOT_MET, UNKNOWN = "not_met", "unknown"
LOCK_ID = RECOMPUTE_LOCK  # the one advisory lock of stored recomputations (kechuang.db)


def as_of_for(year: int, today: date | None = None) -> date:
    """Year Y is assessed as of 31 December Y, or as of today while Y is the current year."""
    today = today or date.today()
    return today if year >= today.year else date(year, 12, 31)


def rules_used(programmes: list[Programme]) -> dict[str, dict[str, str]]:
    return {
        p.doc.programme: {"document": p.doc.document, "version": p.doc.version, "file": p.doc.file}
        for p in programmes
    }


@dataclass(frozen=True)
class Freshness:
    year: int
    as_of: date
    recomputed: bool
    enterprises: int
    seconds: float
    rules: dict[str, dict[str, str]]


def _is_fresh(run: AssessmentRun | None, as_of: date, rules: dict[str, Any], rev: str) -> bool:
    return run is not None and run.as_of == as_of and run.rules == rules and run.registry_revision == rev


def gaps(frame: pl.DataFrame, programmes: list[Programme], as_of: date) -> pl.DataFrame:
    columns = set(frame.columns)
    return (
        frame.lazy().select("enterprise_id", *(gap_column(p, as_of, columns) for p in programmes)).collect()
    )


def long_results(
    frame: pl.DataFrame, assessed: pl.DataFrame, programmes: list[Programme], year: int
) -> pl.DataFrame:
    """The wide batch result as one row per enterprise × programme (column-wise, no per-row Python)."""
    base = frame.select("enterprise_id", "region_code", *(HELD + p.doc.programme for p in programmes))
    wide = base.join(assessed, on="enterprise_id")
    parts = []
    for p in programmes:
        pid = p.doc.programme
        decided = [c.key for c in p.criteria if not c.review]

        def keys(status: str, pid: str = pid, decided: list[str] = decided) -> pl.Expr:
            if not decided:
                return pl.lit("")
            return (
                pl.concat_list([pl.when(pl.col(f"{pid}.{k}") == status).then(pl.lit(k)) for k in decided])
                .list.drop_nulls()
                .list.join(",")
            )

        score = (
            [
                pl.col(f"{pid}.score_lo").cast(pl.Int64).alias("score_low"),
                pl.col(f"{pid}.score_hi").cast(pl.Int64).alias("score_high"),
            ]
            if p.score_parts
            else [
                pl.lit(None, dtype=pl.Int64).alias("score_low"),
                pl.lit(None, dtype=pl.Int64).alias("score_high"),
            ]
        )
        parts.append(
            wide.select(
                pl.lit(year, dtype=pl.Int64).alias("year"),
                pl.lit(pid).alias("programme"),
                "enterprise_id",
                "region_code",
                pl.col(f"{pid}.status").alias("status"),
                pl.col(HELD + pid).fill_null(False).alias("held"),
                pl.col(f"{pid}.route").alias("route"),
                *score,
                pl.col(f"{pid}.gap").alias("gap"),
                keys(NOT_MET).alias("failed"),
                keys(UNKNOWN).alias("unknown"),
                pl.lit(p.doc.file).alias("rule"),
            )
        )
    return pl.concat(parts)


def refresh(
    session: Session, year: int, *, today: date | None = None, force: bool = False, actor: Actor = SYSTEM
) -> Freshness:
    """Recompute and store ``year``'s assessment unless the stored one is still fresh."""
    as_of = as_of_for(year, today)
    programmes = programmes_on(as_of)
    rules = rules_used(programmes)
    run = session.scalar(select(AssessmentRun).where(AssessmentRun.year == year))
    if not force and _is_fresh(run, as_of, rules, revision.current(session)):
        assert run is not None
        return Freshness(year, as_of, False, run.enterprises, run.seconds, rules)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_ID})
        session.expire_all()
        run = session.scalar(select(AssessmentRun).where(AssessmentRun.year == year))
        if not force and _is_fresh(run, as_of, rules, revision.current(session)):
            assert run is not None
            return Freshness(year, as_of, False, run.enterprises, run.seconds, rules)
    started = time.perf_counter()
    rev = revision.current(session)
    frame = input_frame(session, actor=SYSTEM, as_of=as_of)
    assessed = assess_frame(frame, programmes, as_of).join(gaps(frame, programmes, as_of), on="enterprise_id")
    rows = long_results(frame, assessed, programmes, year)
    session.execute(delete(AssessmentResult).where(AssessmentResult.year == year))
    bulk_insert(session, table_of(AssessmentResult), rows)
    seconds = round(time.perf_counter() - started, 3)
    if run is None:
        run = AssessmentRun(
            year=year,
            as_of=as_of,
            rules=rules,
            registry_revision=rev,
            enterprises=frame.height,
            seconds=seconds,
        )
        session.add(run)
    else:
        run.as_of, run.rules, run.registry_revision = as_of, rules, rev
        run.enterprises, run.seconds, run.computed_at = frame.height, seconds, utcnow()
    session.flush()
    if rows.height > 50_000:
        analyze(session, table_of(AssessmentResult))
    audit.record(
        session,
        actor,
        entity="assessment_runs",
        action="refresh",
        entity_id=str(year),
        summary=f"重新评估 {year} 年度（评估日 {as_of}）：{frame.height} 家企业 × {len(programmes)} 项资质，"
        f"规则 {', '.join(sorted(r['file'] for r in rules.values()))}",
    )
    return Freshness(year, as_of, True, frame.height, seconds, rules)


def run_info(session: Session, year: int) -> AssessmentRun | None:
    return session.scalar(select(AssessmentRun).where(AssessmentRun.year == year))


@dataclass(frozen=True)
class Stored:
    """What a page reads: the stored run of a year (or None: not computed yet) and whether the registry
    or the rules changed since (``stale``: the ``ladder_refresh`` job will recompute it). Never computes."""

    year: int
    as_of: date
    run: AssessmentRun | None
    stale: bool


def stored(session: Session, year: int, *, today: date | None = None) -> Stored:
    as_of = as_of_for(year, today)
    run = run_info(session, year)
    fresh = _is_fresh(run, as_of, rules_used(programmes_on(as_of)), revision.current(session))
    return Stored(year, run.as_of if run is not None else as_of, run, run is not None and not fresh)


def _where(session: Session, actor: Actor, year: int, region_code: str | None) -> list[Any]:
    where = [AssessmentResult.year == year, scope_clause(actor, AssessmentResult)]
    if region_code:
        where.append(AssessmentResult.region_code.in_(sorted(region_codes_under(session, region_code))))
    return where


def rung_counts(session: Session, *, actor: Actor, year: int, region_code: str | None = None) -> pl.DataFrame:
    """Per region: enterprises, and per programme those holding the title / found met / unknown."""
    r = AssessmentResult
    rows = session.execute(
        select(
            r.region_code,
            r.programme,
            func.count(),
            func.sum(case((r.held, 1), else_=0)),
            func.sum(case((r.status == "met", 1), else_=0)),
            func.sum(case((r.status == UNKNOWN, 1), else_=0)),
        )
        .where(*_where(session, actor, year, region_code))
        .group_by(r.region_code, r.programme)
    ).all()
    long = pl.DataFrame(
        [tuple(x) for x in rows],
        orient="row",
        schema={
            "region_code": pl.String,
            "programme": pl.String,
            "enterprises": pl.Int64,
            "held": pl.Int64,
            "met": pl.Int64,
            "unknown": pl.Int64,
        },
    )
    regions = long.group_by("region_code").agg(pl.col("enterprises").max()).sort("region_code")
    out = regions
    for p in PROGRAMMES:
        part = long.filter(pl.col("programme") == p).select(
            "region_code",
            pl.col("held").alias(HELD + p),
            pl.col("met").alias(f"met.{p}"),
            pl.col("unknown").alias(f"unknown.{p}"),
        )
        out = out.join(part, on="region_code", how="left")
    return out.fill_null(0)


def results_frame(
    session: Session,
    *,
    actor: Actor,
    year: int,
    region_code: str | None = None,
    programmes: tuple[str, ...] = PROGRAMMES,
) -> pl.DataFrame:
    r = AssessmentResult
    rows = session.execute(
        select(
            r.enterprise_id,
            r.region_code,
            r.programme,
            r.status,
            r.held,
            r.score_low,
            r.score_high,
            r.gap,
            r.failed,
            r.unknown,
            r.rule,
        ).where(*_where(session, actor, year, region_code), r.programme.in_(programmes))
    ).all()
    return pl.DataFrame(
        [tuple(x) for x in rows],
        orient="row",
        schema={
            "enterprise_id": pl.Int64,
            "region_code": pl.String,
            "programme": pl.String,
            "status": pl.String,
            "held": pl.Boolean,
            "score_low": pl.Int64,
            "score_high": pl.Int64,
            "gap": pl.Float64,
            "failed": pl.String,
            "unknown": pl.String,
            "rule": pl.String,
        },
    )
