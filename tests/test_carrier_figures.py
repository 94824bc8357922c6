"""Carrier and talent counts as monthly figures: a park rolls up to its district, a year counts from the
year of recognition (or selection) on, and the source names the count per level."""

from __future__ import annotations

from datetime import date

import polars as pl

from kechuang.carriers import figures

DISTRICTS = {"321003": "321003", "32100302": "321003", "321002": "321002"}
ITEMS = pl.DataFrame(
    {
        "region_code": ["321003", "32100302", "321002", "999999"],
        "year": [2024, 2026, None, 2020],
        "group": ["national", "provincial", "provincial", "national"],
    },
    schema={"region_code": pl.String, "year": pl.Int32, "group": pl.String},
)


def _value(frame: pl.DataFrame, region: str, year: int, month: int) -> tuple[float, str]:
    row = frame.filter(
        (pl.col("region_code") == region) & (pl.col("year") == year) & (pl.col("month") == month)
    )
    assert row.height == 1
    return row["value"][0], row["source"][0]


def test_counts_by_district_from_the_year_of_recognition() -> None:
    out = figures.counts(
        ITEMS,
        "carriers_provincial_plus",
        {"national": "国家级", "provincial": "省级"},
        DISTRICTS,
        date(2026, 3, 9),
    )
    assert out.height == 2 * (12 + 3)  # two districts, last year's 12 months and this year's 3
    assert _value(out, "321003", 2025, 12) == (1.0, "kechuang 登记：国家级 1")
    assert _value(out, "321003", 2026, 3) == (2.0, "kechuang 登记：国家级 1、省级 1")  # the park's, in 2026
    assert _value(out, "321002", 2025, 1) == (1.0, "kechuang 登记：省级 1")  # no year: always counted
    assert set(out["region_code"]) == {"321003", "321002"}  # outside the city: not counted


def test_a_district_without_any_has_zero() -> None:
    out = figures.counts(
        ITEMS.head(0), "talent_in_programmes", {"doctor": "博士引进"}, DISTRICTS, date(2026, 1, 5)
    )
    assert _value(out, "321002", 2026, 1) == (0.0, "kechuang 登记：无")
