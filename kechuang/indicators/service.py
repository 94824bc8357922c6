"""Indicator use cases: the catalogue as data, targets and monthly figures (scoped), the progress of
every district at a month, the cells that turned yellow or red since the previous month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, require, require_region, scope_frame, visible_region
from kechuang.auth.scope import Actor
from kechuang.choices import Light
from kechuang.errors import NotFound
from kechuang.indicators.catalogue import CATALOGUE, Indicator
from kechuang.indicators.models import Figure, IndicatorDef, Target
from kechuang.indicators.progress import LightRule, progress

SEVERITY = Light.severities()


def ensure_indicators(session: Session) -> int:
    """Add the built-in catalogue's indicators that the database does not have yet (edits are kept)."""
    have = set(session.scalars(select(IndicatorDef.code)))
    added = 0
    for pos, i in enumerate(CATALOGUE):
        if i.code not in have:
            session.add(
                IndicatorDef(
                    code=i.code,
                    name=i.name,
                    name_en=i.name_en,
                    unit=i.unit,
                    definition=i.definition,
                    direction=i.direction,
                    mode=i.mode,
                    source=i.source,
                    position=pos,
                )
            )
            added += 1
    session.flush()
    return added


def catalogue(session: Session) -> list[Indicator]:
    return [
        Indicator(d.code, d.name, d.name_en, d.unit, d.definition, d.direction, d.mode, d.source)
        for d in session.scalars(select(IndicatorDef).order_by(IndicatorDef.position, IndicatorDef.code))
    ]


def _frame(session: Session, stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in session.execute(stmt).all()], schema=schema, orient="row")


def targets_frame(session: Session, years: list[int]) -> pl.DataFrame:
    return _frame(
        session,
        select(Target.region_code, Target.indicator, Target.year, Target.target).where(
            Target.year.in_(years)
        ),
        {"region_code": pl.String, "indicator": pl.String, "year": pl.Int64, "target": pl.Float64},
    )


def figures_frame(session: Session, years: list[int]) -> pl.DataFrame:
    return _frame(
        session,
        select(Figure.region_code, Figure.indicator, Figure.year, Figure.month, Figure.value).where(
            Figure.year.in_(years)
        ),
        {
            "region_code": pl.String,
            "indicator": pl.String,
            "year": pl.Int64,
            "month": pl.Int64,
            "value": pl.Float64,
        },
    )


def latest_period(session: Session) -> tuple[int, int]:
    """The latest (year, month) with figures, else last month."""
    row = session.execute(
        select(Figure.year, func.max(Figure.month))
        .group_by(Figure.year)
        .order_by(Figure.year.desc())
        .limit(1)
    ).first()
    if row is None:
        today = date.today()
        return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class Dashboard:
    year: int
    month: int
    indicators: list[Indicator]
    frame: pl.DataFrame  # progress rows the actor may see (ranks computed among all districts)
    previous: pl.DataFrame  # the same at the previous month (empty in January)


def _visible(actor: Actor, frame: pl.DataFrame) -> pl.DataFrame:
    return scope_frame(actor, frame, region="region_code", enterprise=None)


def dashboard(
    session: Session, *, actor: Actor, year: int, month: int, rule: LightRule = LightRule()
) -> Dashboard:
    require(actor, Permission.see_targets, "目标考核面向市科技局、区县和只读账号")
    inds = catalogue(session)
    targets = targets_frame(session, [year])
    figures = figures_frame(session, [year - 1, year])
    now = progress(targets, figures, inds, year=year, month=month, rule=rule)
    before = (
        progress(targets, figures, inds, year=year, month=month - 1, rule=rule) if month > 1 else now.head(0)
    )
    return Dashboard(year, month, inds, _visible(actor, now), _visible(actor, before))


def alerts(d: Dashboard) -> pl.DataFrame:
    """Cells that turned yellow or red at this month (worse than the previous month), with why."""
    sev = {"light": "sev", "previous_light": "prev_sev"}
    prev = d.previous.select("region_code", "indicator", pl.col("light").alias("previous_light"))
    out = d.frame.join(prev, on=["region_code", "indicator"], how="left")
    for col, name in sev.items():
        out = out.with_columns(
            pl.col(col).replace_strict(SEVERITY, default=0, return_dtype=pl.Int8).alias(name)
        )
    return out.filter(pl.col("light").is_in(["yellow", "red"]) & (pl.col("sev") > pl.col("prev_sev"))).sort(
        ["sev", "region_code"], descending=[True, False]
    )


def monthly_series(
    session: Session, *, actor: Actor, region_code: str, indicator: Indicator, year: int
) -> dict[str, Any]:
    """Actual (cumulated for flows) by month of ``year`` and last year, and the time-elapsed line."""
    require_region(actor, region_code)
    f = figures_frame(session, [year - 1, year]).filter(
        (pl.col("region_code") == region_code) & (pl.col("indicator") == indicator.code)
    )
    t = targets_frame(session, [year]).filter(
        (pl.col("region_code") == region_code) & (pl.col("indicator") == indicator.code)
    )
    target = t["target"][0] if t.height else None

    def series(y: int) -> list[float | None]:
        rows = dict(f.filter(pl.col("year") == y).select("month", "value").iter_rows())
        out, total = [], 0.0
        for m in range(1, 13):
            v = rows.get(m)
            if indicator.mode == "cumulative":
                total += v or 0.0
                out.append(round(total, 4) if v is not None else None)
            else:
                out.append(v)
        return out

    base = dict(f.filter(pl.col("year") == year - 1).select("month", "value").iter_rows()).get(12)
    start = 0.0 if indicator.mode == "cumulative" else (base if base is not None else 0.0)
    schedule = (
        [round(start + (target - start) * m / 12, 4) for m in range(1, 13)] if target is not None else []
    )
    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "now": series(year),
        "before": series(year - 1),
        "schedule": schedule,
        "target": target,
    }


def get_figure(session: Session, *, actor: Actor, figure_id: int) -> Figure:
    """One monthly figure in the actor's area (NotFound otherwise: existence is not disclosed)."""
    require(actor, Permission.see_targets)
    figure = session.get(Figure, figure_id)
    if figure is None or not visible_region(actor, figure.region_code):
        raise NotFound(f"指标数据 {figure_id} 不存在或无权查看")
    return figure


@dataclass(frozen=True)
class DistrictView:
    """One district's targets page: its rows of the dashboard, one indicator's monthly series and
    figures (this year and last, with their document sources) and its projects by light."""

    dashboard: Dashboard
    rows: list[dict[str, Any]]
    names: dict[str, str]
    by_code: dict[str, Indicator]
    chosen: Indicator | None
    series: Any
    figures: list[Figure]
    sources: dict[int, dict[str, Any]]
    project_counts: dict[str, int]
    project_total: int


def district_view(
    session: Session, *, actor: Actor, region_code: str, year: int, month: int, indicator: str = ""
) -> DistrictView:
    from kechuang.documents.service import figure_sources
    from kechuang.projects import service as projects
    from kechuang.regions.service import region_codes_under, region_names

    require_region(actor, region_code)
    names = region_names(session)
    if region_code not in names:
        raise NotFound(f"地区 {region_code} 不存在")
    d = dashboard(session, actor=actor, year=year, month=month)
    rows = d.frame.filter(pl.col("region_code") == region_code).to_dicts()
    by_code = {i.code: i for i in d.indicators}
    chosen = by_code.get(indicator) or (by_code.get(rows[0]["indicator"]) if rows else None)
    series = (
        monthly_series(session, actor=actor, region_code=region_code, indicator=chosen, year=year)
        if chosen
        else None
    )
    figures: list[Figure] = []
    if chosen:
        figures = list(
            session.scalars(
                select(Figure)
                .where(
                    Figure.region_code == region_code,
                    Figure.indicator == chosen.code,
                    Figure.year.in_([year - 1, year]),
                )
                .order_by(Figure.year.desc(), Figure.month.desc())
            )
        )
    board = projects.board(session, actor=actor, record=False)
    mine = projects.filtered(board, region_codes=region_codes_under(session, region_code))
    return DistrictView(
        dashboard=d,
        rows=rows,
        names=names,
        by_code=by_code,
        chosen=chosen,
        series=series,
        figures=figures,
        sources=figure_sources(session, [f.id for f in figures if f.document_id]),
        project_counts=dict(mine.group_by("light").len().iter_rows()),
        project_total=mine.height,
    )
