"""The demand funnel: of the demands collected in a year, how many were accepted, matched, signed and
solved, the rates, and the median days between the steps. Pure (a Polars frame of status events in).

For the demands whose 征集 step falls in the year (per region when asked):

    reached(s)  = demands with a step to status s (at any time after)
    rate(s)     = reached(s) / collected
    days(a → b) = median over those demands of (first step to b − first step to a), in days

so "征集企业需求 126 项，解决科技创新难题 78 个" is ``collected`` and ``reached(solved)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

STEPS = ("collected", "accepted", "matched", "signed", "solved")
EVENTS_SCHEMA = {"demand_id": pl.Int64, "region_code": pl.String, "status": pl.String, "at": pl.Datetime}


@dataclass(frozen=True)
class Stage:
    status: str
    demands: int
    rate: float | None  # of the collected
    median_days: float | None  # from the previous step


def funnel(events: pl.DataFrame, year: int) -> list[Stage]:
    """The year's funnel over every region in ``events``."""
    first = (
        events.filter(pl.col("status").is_in(STEPS))
        .group_by("demand_id", "status")
        .agg(pl.col("at").min())
        .pivot(on="status", index="demand_id", values="at")
    )
    for s in STEPS:
        if s not in first.columns:
            first = first.with_columns(pl.lit(None, dtype=pl.Datetime).alias(s))
    cohort = first.filter(pl.col("collected").dt.year() == year)
    total = cohort.height
    stages = []
    previous: str | None = None
    for s in STEPS:
        reached = cohort.filter(pl.col(s).is_not_null())
        days = None
        if previous is not None and reached.height:
            gap = reached.select(((pl.col(s) - pl.col(previous)).dt.total_hours() / 24).median()).item()
            days = round(float(gap), 1) if gap is not None else None
        stages.append(Stage(s, reached.height, round(reached.height / total, 4) if total else None, days))
        previous = s
    return stages


def by_region(events: pl.DataFrame, year: int, regions: list[str]) -> dict[str, list[Stage]]:
    """The funnel of each region (a region's own code, or a prefix for everything under it)."""
    return {
        code: funnel(events.filter(pl.col("region_code").str.starts_with(code)), year) for code in regions
    }
