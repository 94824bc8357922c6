"""Benchmark: innovation points for 100,000 enterprises with 200 Monte-Carlo weight runs.

    python -m bench.bench_points [--enterprises 100000] [--runs 200]

Builds a synthetic input frame (the columns ``points.service.input_frame`` reads from the registry,
about 10% of figures missing) with numpy, then runs the pipeline phase by phase with the default
methodology. Prints the time of each phase and the peak memory; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from kechuang.points import DEFAULT
from kechuang.points.core import (
    aggregate,
    classify_stage,
    indicator_values,
    normalise,
    rank,
    sensitivity,
    strengths_weaknesses,
)

from .common import peak_mb


def _nulls(rng: np.random.Generator, values: np.ndarray, missing: float) -> pl.Series:
    return pl.Series(values).set(pl.Series(rng.random(len(values)) < missing), None)  # type: ignore[arg-type]


def input_frame(n: int, seed: int = 11, missing: float = 0.1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    revenue = np.exp(rng.normal(16.5, 1.6, n)).astype(np.int64)
    employees = rng.integers(5, 900, n)
    cols = {
        "enterprise_id": pl.Series(np.arange(n)),
        "age_years": _nulls(rng, rng.uniform(0.2, 30, n), missing),
        "revenue": _nulls(rng, revenue, missing),
        "revenue_prev": _nulls(rng, (revenue / rng.uniform(0.7, 1.5, n)).astype(np.int64), missing),
        "rd_expense": _nulls(rng, (revenue * rng.uniform(0, 0.1, n)).astype(np.int64), missing),
        "high_tech_revenue": _nulls(rng, (revenue * rng.uniform(0, 1, n)).astype(np.int64), missing),
        "profit": _nulls(rng, (revenue * rng.uniform(-0.1, 0.2, n)).astype(np.int64), missing),
        "tax_paid": _nulls(rng, (revenue * rng.uniform(0, 0.06, n)).astype(np.int64), missing),
        "exports": _nulls(rng, (revenue * rng.uniform(0, 0.3, n)).astype(np.int64), missing),
        "tech_contract_turnover": _nulls(rng, (revenue * rng.uniform(0, 0.05, n)).astype(np.int64), missing),
        "employees": _nulls(rng, employees, missing),
        "tech_staff": _nulls(rng, employees * rng.integers(0, 50, n) // 100, missing),
        "ip_class_i": pl.Series(rng.poisson(0.8, n)),
        "ip_class_ii": pl.Series(rng.poisson(4, n)),
        "titles": pl.Series(rng.integers(0, 4, n)),
        "rd_institution": pl.Series(rng.random(n) < 0.05),
        "sci_projects": _nulls(rng, rng.poisson(0.3, n), 0.5),
    }
    return pl.DataFrame(cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    m = DEFAULT
    clock = [time.perf_counter()]

    def lap(label: str) -> None:
        clock.append(time.perf_counter())
        print(f"  {label:<34} {clock[-1] - clock[-2]:7.2f} s")

    print(
        f"innovation points: {args.enterprises:,} enterprises, {len(m.indicators)} indicators, "
        f"{args.runs} Monte-Carlo runs, methodology {m.stamp}"
    )
    frame = input_frame(args.enterprises)
    lap("synthetic input")
    staged = classify_stage(frame, m.stage_rule)
    lap("stage")
    normed = normalise(indicator_values(staged, m), m)
    lap("indicator values + normalisation")
    scored = rank(aggregate(normed, m))
    lap("weighted totals + ranks")
    strengths = strengths_weaknesses(scored, m)
    lap("strengths and weaknesses")
    intervals = sensitivity(scored, m, runs=args.runs)
    lap(f"sensitivity ({args.runs} runs)")
    total = clock[-1] - clock[1]
    width = (intervals["rank_p95"] - intervals["rank_p05"]).to_numpy()
    print(f"total (without input) {total:.2f} s; peak RSS {peak_mb():,.0f} MB")
    print(
        f"stages: {dict(scored.group_by('stage').len().sort('stage').iter_rows())}; "
        f"{strengths.height:,} strength/weakness rows; median rank interval width {np.median(width):,.0f}, "
        f"top-50 max width {int(width[np.argsort(scored['rank'].to_numpy())[:50]].max())}"
    )


if __name__ == "__main__":
    main()
