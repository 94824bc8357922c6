"""Progress against yearly targets and the traffic light (红绿黄灯监测), pure and column-wise (Polars).

For a year and a month (0..12) every (region, indicator) with a target gets:

- ``elapsed`` = month / 12, the time-elapsed share (序时进度).
- ``actual``: cumulative indicators sum the year's monthly flows for months 1..month; point indicators
  take the latest level with month ≤ ``month``. Null when there is no figure.
- ``base``: 0 for cumulative indicators; for point indicators the previous year's December level (null
  when missing).
- ``expected`` = base + (target − base) × elapsed, with an unknown base taken as 0 (so target × elapsed).
- ``completion``, the share of the way from base to target covered so far; larger is always better:

  - direction +1: (actual − base) / (target − base) for a point indicator whose base is known and differs
    from the target, otherwise actual / target.
  - direction −1 (lower is better), point indicator with a known base ≠ target: the same share, which
    reads (base − actual) / (base − target) and already rewards moving down toward the target.
  - direction −1 otherwise: actual / target would reward a larger value, so the actual is mirrored
    around the expected value first: completion = (2 × expected − actual) / target, floored at 0. For a
    cumulative indicator that is 2 × elapsed − actual / target, which at year end is 2 − actual / target;
    mirroring around the schedule (rather than using 2 − actual / target all year) keeps a region that
    has used up its whole yearly allowance by June from showing green.

  With either direction, actual = expected gives completion = elapsed and so a schedule index of 1.
- ``schedule_index`` = completion / elapsed, rounded to 9 decimals so that a figure exactly on schedule
  is not pushed below a threshold by float noise; null when elapsed is 0 or completion is null.
- ``gap_to_schedule`` = (actual − expected) × direction, in the indicator's unit; positive = ahead.
- ``yoy``: the same-period change against the previous year (actual / previous − 1); cumulative
  indicators compare the sums of months 1..month, point indicators the latest levels with month ≤
  ``month``. Null when the previous figure is missing or 0.
- ``rank``: competition rank ("1224") among regions for the same indicator by schedule index, highest
  first; no rank when the index is null.
- ``light`` by ``LightRule`` and ``reason``, one Chinese sentence with the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from kechuang.indicators.catalogue import Indicator

KEYS = ["region_code", "indicator"]
COLUMNS = [
    "region_code",
    "indicator",
    "target",
    "actual",
    "base",
    "expected",
    "completion",
    "elapsed",
    "schedule_index",
    "gap_to_schedule",
    "yoy",
    "rank",
    "light",
    "reason",
]
TARGET_COLUMNS = {"region_code": pl.Utf8, "indicator": pl.Utf8, "year": pl.Int64, "target": pl.Float64}
FIGURE_COLUMNS = {
    "region_code": pl.Utf8,
    "indicator": pl.Utf8,
    "year": pl.Int64,
    "month": pl.Int64,
    "value": pl.Float64,
}
INDEX_DECIMALS = 9


@dataclass(frozen=True)
class LightRule:
    """Thresholds on the schedule index (actual progress ÷ time-elapsed expected progress).

    green when index ≥ ``green`` (default 1.0: on or ahead of schedule); yellow when index ≥ ``yellow``
    (default 0.9: at most 10% behind); red below; grey when there is no index (no figure yet, nothing
    expected yet at month 0, or no target)."""

    green: float = 1.0
    yellow: float = 0.9

    def __post_init__(self) -> None:
        if not 0 < self.yellow <= self.green:
            raise ValueError(
                f"灯色阈值应满足 0 < 黄灯阈值 ≤ 绿灯阈值，收到黄灯 {self.yellow}、绿灯 {self.green}"
            )

    def bands(self) -> tuple[tuple[float, str], ...]:
        """(lower bound, light) from the best light down; below the last bound is red."""
        return ((self.green, "green"), (self.yellow, "yellow"))


def light_for(index: float | None, rule: LightRule = LightRule()) -> str:
    """The light for one schedule index; the same bands as ``light_expr``."""
    if index is None or math.isnan(index):
        return "grey"
    return next((light for bound, light in rule.bands() if index >= bound), "red")


def light_expr(index: pl.Expr, rule: LightRule = LightRule()) -> pl.Expr:
    """The light for a column of schedule indices, built from ``rule.bands()`` like ``light_for``."""
    expr: Any = pl.when(index.is_null() | index.is_nan()).then(pl.lit("grey"))
    for bound, light in rule.bands():
        expr = expr.when(index >= bound).then(pl.lit(light))
    return expr.otherwise(pl.lit("red"))


def _check_month(month: int) -> None:
    if not 0 <= month <= 12:
        raise ValueError(f"月份应在 0 到 12 之间，收到 {month}")


def _columns(frame: pl.DataFrame, spec: Mapping[str, Any], what: str) -> pl.DataFrame:
    missing = [c for c in spec if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}缺少列：{'、'.join(missing)}")
    return frame.select(pl.col(c).cast(t) for c, t in spec.items())


def _no_duplicates(frame: pl.DataFrame, keys: list[str], what: str) -> None:
    dup = frame.group_by(keys).len().filter(pl.col("len") > 1).sort(keys).head(5)
    if dup.height:
        shown = "；".join("/".join(str(v) for v in row) for row in dup.select(keys).iter_rows())
        raise ValueError(f"{what}重复（{'/'.join(keys)}）：{shown}")


def _meta(indicators: Sequence[Indicator]) -> pl.DataFrame:
    meta = pl.DataFrame(
        {
            "indicator": [i.code for i in indicators],
            "direction": [i.direction for i in indicators],
            "mode": [i.mode for i in indicators],
        },
        schema={"indicator": pl.Utf8, "direction": pl.Int64, "mode": pl.Utf8},
    )
    _no_duplicates(meta, ["indicator"], "指标代码")
    return meta


def _period(figures: pl.DataFrame, year: int, month: int, suffix: str) -> pl.DataFrame:
    """Per (region, indicator): the sum of months 1..month and the latest level with month ≤ month."""
    return (
        figures.filter((pl.col("year") == year) & pl.col("month").is_between(1, month))
        .group_by(KEYS)
        .agg(
            pl.col("value").sum().alias(f"sum{suffix}"),
            pl.col("value").sort_by("month").last().alias(f"last{suffix}"),
        )
    )


def _pct(expr: pl.Expr) -> pl.Expr:
    return (expr * 100).round(1).cast(pl.Utf8)


def _reason(month: int) -> pl.Expr:
    gap_pp = ((pl.col("completion") - pl.col("elapsed")) * 100).round(1)
    said = pl.format("序时进度 {}%，完成 {}%，", _pct(pl.col("elapsed")), _pct(pl.col("completion")))
    position = (
        pl.when(gap_pp > 0)
        .then(pl.format("超前序时 {} 个百分点", gap_pp.cast(pl.Utf8)))
        .when(gap_pp < 0)
        .then(pl.format("落后序时 {} 个百分点", gap_pp.abs().cast(pl.Utf8)))
        .otherwise(pl.lit("与序时持平"))
    )
    return (
        pl.when(pl.col("target").is_null())
        .then(pl.lit("尚无目标"))
        .when(pl.lit(month == 0))
        .then(pl.lit("年初序时进度为 0，暂不评价"))
        .when(pl.col("actual").is_null())
        .then(pl.lit("尚无数据"))
        .when(pl.col("completion").is_null())
        .then(pl.lit("目标值为 0，无法计算完成率"))
        .otherwise(pl.concat_str(said, position))
    )


def progress(
    targets: pl.DataFrame,
    figures: pl.DataFrame,
    indicators: Sequence[Indicator],
    *,
    year: int,
    month: int,
    rule: LightRule = LightRule(),
) -> pl.DataFrame:
    """Progress of every (region_code, indicator) with a target for ``year``, as of the end of ``month``.

    targets: region_code, indicator, year, target (the annual target).
    figures: region_code, indicator, year, month (1..12), value — a monthly flow for cumulative
    indicators, the month-end level for point indicators; null or NaN values count as missing.
    Returns the columns in ``COLUMNS``, sorted by region_code, indicator. The formulas are in the module
    docstring. Raises ValueError (in Chinese) for a month outside 0..12, missing columns, a target for an
    indicator not in ``indicators``, or duplicate targets, figures or indicator codes."""
    _check_month(month)
    meta = _meta(indicators)
    t = _columns(targets, TARGET_COLUMNS, "目标表").filter(pl.col("year") == year).drop("year")
    _no_duplicates(t, KEYS, "目标")
    unknown = t.join(meta, on="indicator", how="anti").get_column("indicator").unique().sort()
    if unknown.len():
        raise ValueError(f"目标表中有未知指标：{'、'.join(unknown.to_list())}")
    f = (
        _columns(figures, FIGURE_COLUMNS, "月度数据表")
        .with_columns(pl.col("value").fill_nan(None))
        .filter(pl.col("value").is_not_null() & pl.col("year").is_in([year, year - 1]))
    )
    _no_duplicates(f, [*KEYS, "year", "month"], "月度数据")
    december = f.filter((pl.col("year") == year - 1) & (pl.col("month") == 12)).select(
        *KEYS, pl.col("value").alias("december")
    )
    frame = (
        t.join(meta, on="indicator", how="left")
        .join(_period(f, year, month, "_now"), on=KEYS, how="left")
        .join(_period(f, year - 1, month, "_prev"), on=KEYS, how="left")
        .join(december, on=KEYS, how="left")
    )

    cumulative = pl.col("mode") == "cumulative"
    a, b, tgt = pl.col("actual"), pl.col("base"), pl.col("target")
    e = pl.lit(month / 12, dtype=pl.Float64)
    b0 = b.fill_null(0.0)
    base_share = cumulative.not_() & b.is_not_null() & (tgt != b)
    plain = pl.when(tgt != 0).then(a / tgt)
    mirrored = pl.when(tgt != 0).then(((2 * pl.col("expected") - a) / tgt).clip(lower_bound=0.0))
    completion = (
        pl.when(base_share)
        .then((a - b) / (tgt - b))
        .when(pl.col("direction") == 1)
        .then(plain)
        .otherwise(mirrored)
    )
    current = pl.when(cumulative).then(pl.col("sum_now")).otherwise(pl.col("last_now"))
    previous = pl.when(cumulative).then(pl.col("sum_prev")).otherwise(pl.col("last_prev"))
    index = pl.col("schedule_index")
    return (
        frame.with_columns(
            current.alias("actual"),
            pl.when(cumulative).then(pl.lit(0.0)).otherwise(pl.col("december")).alias("base"),
            e.alias("elapsed"),
            pl.when(previous != 0).then(previous).alias("previous"),
        )
        .with_columns((b0 + (tgt - b0) * e).alias("expected"))
        .with_columns(
            completion.alias("completion"),
            ((a - pl.col("expected")) * pl.col("direction")).alias("gap_to_schedule"),
            (a / pl.col("previous") - 1).alias("yoy"),
        )
        .with_columns(
            pl.when(e > 0).then(pl.col("completion") / e).round(INDEX_DECIMALS).alias("schedule_index")
        )
        .with_columns(
            index.rank("min", descending=True).over("indicator").alias("rank"),
            light_expr(index, rule).alias("light"),
            _reason(month).alias("reason"),
        )
        .select(COLUMNS)
        .sort(KEYS)
    )
