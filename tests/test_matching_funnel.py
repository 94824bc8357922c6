"""The demand funnel from status events: cohort by the year of 征集, reached counts, rates, median days."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from kechuang.matching.funnel import EVENTS_SCHEMA, by_region, funnel


def _events(rows: list[tuple[int, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(d, r, s, datetime.fromisoformat(at)) for d, r, s, at in rows], schema=EVENTS_SCHEMA, orient="row"
    )


EVENTS = _events(
    [
        (1, "321003", "collected", "2026-01-01"),
        (1, "321003", "accepted", "2026-01-11"),
        (1, "321003", "matched", "2026-02-10"),
        (1, "321003", "signed", "2026-03-12"),
        (1, "321003", "solved", "2026-06-10"),
        (2, "32100301", "collected", "2026-02-01"),
        (2, "32100301", "accepted", "2026-02-21"),
        (2, "32100301", "unsolved", "2026-03-01"),
        (3, "321002", "collected", "2026-03-01"),
        (3, "321002", "withdrawn", "2026-03-02"),
        (4, "321002", "collected", "2025-12-30"),  # last year's cohort
        (4, "321002", "accepted", "2026-01-05"),
    ]
)


def test_cohort_counts_rates_and_median_days() -> None:
    stages = {s.status: s for s in funnel(EVENTS, 2026)}
    assert [stages[k].demands for k in ("collected", "accepted", "matched", "signed", "solved")] == [
        3,
        2,
        1,
        1,
        1,
    ]
    assert stages["accepted"].rate == round(2 / 3, 4) and stages["solved"].rate == round(1 / 3, 4)
    assert stages["accepted"].median_days == 15.0  # 10 and 20 days
    assert stages["matched"].median_days == 30.0 and stages["solved"].median_days == 90.0
    assert stages["collected"].median_days is None


def test_regions_take_everything_under_them_and_empty_years_are_empty() -> None:
    regions = by_region(EVENTS, 2026, ["321003", "321002"])
    assert [s.demands for s in regions["321003"]] == [2, 2, 1, 1, 1]
    assert [s.demands for s in regions["321002"]] == [1, 0, 0, 0, 0]
    assert all(s.demands == 0 and s.rate is None for s in funnel(EVENTS, 2020))
    assert all(s.demands == 0 for s in funnel(EVENTS.clear(), 2026))
