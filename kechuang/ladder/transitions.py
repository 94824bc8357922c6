"""Year-over-year transitions on the ladder: who moved up, who dropped off, and why (pure, column-wise).

An enterprise stands on a programme's rung in a year when it holds the title then or the rules find it
met. Moving up: on the rung this year, not last year; dropping off: the reverse. The reasons name the
criteria that changed verdict between the two years, and titles gained or lost.
"""

from __future__ import annotations

import polars as pl

UP, DOWN = "up", "down"
KEYS = ["enterprise_id", "programme"]


def _on_rung(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
    return frame.select(
        *KEYS,
        pl.col("region_code").alias(f"region{suffix}"),
        pl.col("held").alias(f"held{suffix}"),
        pl.col("status").alias(f"status{suffix}"),
        (pl.col("held") | (pl.col("status") == "met")).alias(f"on{suffix}"),
        pl.col("failed").str.split(",").list.filter(pl.element() != "").alias(f"failed{suffix}"),
        pl.col("unknown").str.split(",").list.filter(pl.element() != "").alias(f"unknown{suffix}"),
    )


def transitions(prev: pl.DataFrame, now: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    """``prev``/``now``: stored results (enterprise_id, region_code, programme, status, held, failed, unknown)
    of two years. Answers one row per enterprise × programme that moved: movement (up|down) and reasons."""
    a, b = _on_rung(prev, "_prev"), _on_rung(now, "")
    joined = b.join(a, on=KEYS, how="full", coalesce=True).with_columns(
        pl.col("on").fill_null(False),
        pl.col("on_prev").fill_null(False),
        pl.col("held").fill_null(False),
        pl.col("held_prev").fill_null(False),
        pl.coalesce("region", "region_prev").alias("region_code"),
    )
    moved = joined.filter(pl.col("on") != pl.col("on_prev")).with_columns(
        pl.when(pl.col("on")).then(pl.lit(UP)).otherwise(pl.lit(DOWN)).alias("movement"),
        pl.col("failed_prev")
        .fill_null([])
        .list.set_difference(pl.col("failed").fill_null([]))
        .alias("now_met"),
        pl.col("failed")
        .fill_null([])
        .list.set_difference(pl.col("failed_prev").fill_null([]))
        .alias("now_failed"),
    )
    if moved.height == 0:
        return pl.DataFrame(
            schema={
                "enterprise_id": pl.Int64,
                "programme": pl.String,
                "region_code": pl.String,
                "movement": pl.String,
                "reasons": pl.String,
            }
        )
    named = {}
    for column in ("now_met", "now_failed", "unknown", "unknown_prev"):
        long = (
            moved.select(*KEYS, pl.col(column))
            .explode(column)
            .drop_nulls(column)
            .with_columns(
                pl.concat_str("programme", pl.lit("."), column)
                .replace_strict(labels, default=pl.col(column))
                .alias("label")
            )
            .group_by(KEYS)
            .agg(pl.col("label").unique(maintain_order=True).str.join("、").alias(column + "_text"))
        )
        named[column] = long
    for part in named.values():
        moved = moved.join(part, on=KEYS, how="left")
    reason = (
        pl.concat_list(
            [
                pl.when((pl.col("movement") == UP) & pl.col("held") & ~pl.col("held_prev")).then(
                    pl.lit("新获该称号")
                ),
                pl.when(
                    (pl.col("movement") == UP) & ~pl.col("held") & pl.col("now_met_text").is_not_null()
                ).then(pl.lit("本年度满足：") + pl.col("now_met_text")),
                pl.when(
                    (pl.col("movement") == UP)
                    & ~pl.col("held")
                    & (pl.col("status_prev") == "unknown")
                    & pl.col("unknown_prev_text").is_not_null()
                ).then(pl.lit("上年度缺少数据：") + pl.col("unknown_prev_text")),
                pl.when((pl.col("movement") == UP) & pl.col("status_prev").is_null()).then(
                    pl.lit("上年度无评估数据")
                ),
                pl.when((pl.col("movement") == DOWN) & pl.col("held_prev") & ~pl.col("held")).then(
                    pl.lit("称号已到期或未再认定")
                ),
                pl.when((pl.col("movement") == DOWN) & pl.col("now_failed_text").is_not_null()).then(
                    pl.lit("本年度不再满足：") + pl.col("now_failed_text")
                ),
                pl.when(
                    (pl.col("movement") == DOWN)
                    & (pl.col("status") == "unknown")
                    & pl.col("unknown_text").is_not_null()
                ).then(pl.lit("缺少数据：") + pl.col("unknown_text")),
                pl.when((pl.col("movement") == DOWN) & pl.col("status").is_null()).then(
                    pl.lit("本年度无评估数据")
                ),
            ]
        )
        .list.drop_nulls()
        .list.join("；")
    )
    fallback = (
        pl.when(pl.col("movement") == UP).then(pl.lit("本年度评估符合")).otherwise(pl.lit("本年度评估不符合"))
    )
    reason = pl.when(reason == "").then(fallback).otherwise(reason)
    return moved.select(
        "enterprise_id", "programme", "region_code", "movement", reason.alias("reasons")
    ).sort(["programme", "movement", "enterprise_id"], descending=[False, True, False])


def summary(moved: pl.DataFrame) -> pl.DataFrame:
    """Counts per programme: moved up, dropped off."""
    return (
        moved.group_by("programme")
        .agg((pl.col("movement") == UP).sum().alias("up"), (pl.col("movement") == DOWN).sum().alias("down"))
        .sort("programme")
    )
