"""Benchmark: assess 1,000,000 enterprise-years through every programme, column-wise.

    python -m bench.bench_assess [--rows 1000000]

Builds the batch's input frame (record fields and five years of figures, about 10% missing) with
numpy, then compiles every programme in force to Polars and evaluates them all at once. Prints the
time and peak memory; asserts nothing about time (batch = per-record agreement is a test:
tests/test_rules_batch.py).
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy as np
import polars as pl

from kechuang.rules.assess import DIRECT, FLAGS, YEAR_FIELDS
from kechuang.rules.catalog import in_force
from kechuang.rules.frame import assess_frame, fig_column
from kechuang.rules.programmes import PROGRAMMES, build

from .common import peak_mb


def _with_nulls(rng: np.random.Generator, values: np.ndarray, missing: float) -> pl.Series:
    return pl.Series(values).set(pl.Series(rng.random(len(values)) < missing), None)  # type: ignore[arg-type]


def input_frame(n: int, as_of: date, seed: int = 7, missing: float = 0.1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, pl.Series] = {"enterprise_id": pl.Series(np.arange(n))}
    employees = rng.integers(5, 800, n)
    cols["employees"] = _with_nulls(rng, employees, missing)
    cols["tech_staff"] = _with_nulls(rng, employees * rng.integers(0, 45, n) // 100, missing)
    cols["rd_staff"] = _with_nulls(rng, employees * rng.integers(0, 60, n) // 100, missing)
    for name in ("niche_years", "market_rank"):
        cols[name] = _with_nulls(rng, rng.integers(0, 10, n), missing)
    for name in ("equity_financing_2y", "equity_financing_3y", "valuation_usd"):
        cols[name] = _with_nulls(rng, rng.integers(0, 10**9, n), missing)
    for name in ("ip.class_i", "ip.class_ii", "ip.class_i_high_value", "ip.class_i_self_developed"):
        cols[name] = _with_nulls(rng, rng.integers(0, 6, n), missing)
    for name, top in (("ip", 30), ("conversion", 30), ("rd_management", 20)):
        cols[f"hnte_expert_scores.{name}"] = _with_nulls(rng, rng.integers(0, top + 1, n), missing)
    for name in FLAGS:
        cols[name] = _with_nulls(rng, rng.random(n) < 0.7, missing)
    for name in DIRECT:
        cols[f"direct.{name}"] = _with_nulls(rng, rng.random(n) < 0.05, missing)
    start = np.datetime64(as_of) - rng.integers(100, 7000, n).astype("timedelta64[D]")
    cols["registered_on"] = _with_nulls(rng, start, missing)
    revenue = np.exp(rng.normal(16.5, 1.5, n)).astype(np.int64)
    for back in range(5):
        rev = (revenue / (1.12**back) * rng.uniform(0.8, 1.2, n)).astype(np.int64)
        shares = {
            "sales_revenue": 1.0,
            "operating_revenue": 1.02,
            "main_business_revenue": 0.9,
            "rd_expense": rng.uniform(0, 0.1, n),
            "high_tech_revenue": rng.uniform(0, 1, n),
            "total_cost": 0.85,
            "total_income": 1.03,
            "total_assets": rng.uniform(0.5, 3, n),
            "profit": rng.uniform(-0.05, 0.15, n),
        }
        for name in YEAR_FIELDS:
            if name == "rd_expense_domestic":
                values = (rev * shares["rd_expense"] * rng.uniform(0.4, 1, n)).astype(np.int64)
            elif name == "total_liabilities":
                values = (rev * shares["total_assets"] * rng.uniform(0.1, 0.9, n)).astype(np.int64)
            else:
                values = (rev * shares[name]).astype(np.int64)
            cols[fig_column(name, back)] = _with_nulls(rng, values, missing)
    return pl.DataFrame(cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--as-of", default="2026-06-01")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    t0 = time.perf_counter()
    frame = input_frame(args.rows, as_of)
    t1 = time.perf_counter()
    programmes = [build(in_force(p, as_of)) for p in PROGRAMMES]
    result = assess_frame(frame, programmes, as_of)
    t2 = time.perf_counter()
    print(f"input: {args.rows:,} enterprise-years x {frame.width} columns built in {t1 - t0:.1f} s")
    print(
        f"assessed {len(programmes)} programmes ({result.width - 1} output columns) in {t2 - t1:.2f} s; "
        f"peak RSS {peak_mb():,.0f} MB"
    )
    for p in PROGRAMMES:
        counts = dict(result.group_by(f"{p}.status").len().iter_rows())
        print(f"  {p:<18} " + "  ".join(f"{k}={counts.get(k, 0):,}" for k in ("met", "not_met", "unknown")))


if __name__ == "__main__":
    main()
