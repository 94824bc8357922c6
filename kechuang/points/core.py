"""Innovation points, the pure pipeline: stage → indicator values → normalisation among stage peers →
missing policy → weighted aggregation → competition ranking → strengths and weaknesses → Monte-Carlo
rank intervals. Column-wise (Polars, NumPy); no loop over enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from kechuang.points.catalogue import DEFAULT, FORMULAS, GROUPS, STAGES, Indicator, Methodology, StageRule
from kechuang.units import format_yuan

GEOMETRIC_FLOOR = 0.01  # a zero score counts as 1% in a geometric mean (log of zero is undefined)


def raw(ind: Indicator) -> str:
    return f"v.{ind.id}"


def norm(ind: Indicator) -> str:
    return f"s.{ind.id}"


def classify_stage(frame: pl.DataFrame, rule: StageRule) -> pl.DataFrame:
    """Adds ``stage`` (startup | growth | mature) and ``stage_reason`` (Chinese)."""
    age, rev = pl.col("age_years"), pl.col("revenue")
    young = (age < rule.startup_age).fill_null(False)
    small = (rev < rule.startup_revenue).fill_null(False)
    mature = ((age >= rule.mature_age) & (rev >= rule.mature_revenue)).fill_null(False)
    unknown = age.is_null() & rev.is_null()
    start_money = format_yuan(rule.startup_revenue)
    mature_money = format_yuan(rule.mature_revenue)
    reason = (
        pl.when(unknown)
        .then(pl.lit("成立时间和营业收入均未知，按成长期"))
        .when(young)
        .then(pl.lit(f"成立不满 {rule.startup_age:g} 年"))
        .when(small)
        .then(pl.lit(f"营业收入低于 {start_money}"))
        .when(mature)
        .then(pl.lit(f"成立满 {rule.mature_age:g} 年且营业收入不低于 {mature_money}"))
        .otherwise(pl.lit("介于初创期与稳定期之间"))
    )
    stage = (
        pl.when(unknown)
        .then(pl.lit("growth"))
        .when(young | small)
        .then(pl.lit("startup"))
        .when(mature)
        .then(pl.lit("mature"))
        .otherwise(pl.lit("growth"))
    )
    return frame.with_columns(stage.alias("stage"), reason.alias("stage_reason"))


def indicator_values(frame: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    return frame.with_columns([FORMULAS[i.formula].alias(raw(i)) for i in methodology.indicators])


def _normalised(ind: Indicator) -> pl.Expr:
    x = pl.col(raw(ind))
    by = "stage"
    if ind.normalisation == "minmax":
        lo, hi = x.min().over(by), x.max().over(by)
        s = pl.when(hi > lo).then((x - lo) / (hi - lo)).otherwise(pl.when(x.is_not_null()).then(1.0))
    elif ind.normalisation == "zscore":
        mean, std = x.mean().over(by), x.std().over(by)
        z = pl.when(std > 0).then((x - mean) / std).otherwise(pl.when(x.is_not_null()).then(0.0))
        s = (z.clip(-3, 3) + 3) / 6
    elif ind.normalisation == "percentile":
        n = x.count().over(by)
        r = x.rank("average").over(by)
        s = pl.when(n > 1).then((r - 1) / (n - 1)).otherwise(pl.when(x.is_not_null()).then(1.0))
    elif ind.normalisation == "bands":
        s = pl.lit(None, dtype=pl.Float64)
        for low, score in sorted(ind.bands):
            s = pl.when(x >= low).then(pl.lit(float(score))).otherwise(s)
        s = pl.when(x.is_null()).then(None).otherwise(s.fill_null(0.0))
    else:
        raise ValueError(f"unknown normalisation {ind.normalisation!r}")
    s = s.cast(pl.Float64)
    return (1 - s) if ind.direction < 0 else s


def normalise(frame: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """Normalised 0..1 score per indicator among enterprises of the same stage, then the missing policy."""
    out = frame.with_columns([_normalised(i).alias(norm(i)) for i in methodology.indicators])
    fills = []
    for i in methodology.indicators:
        s = pl.col(norm(i))
        if i.missing == "zero":
            fills.append(s.fill_null(0.0).alias(norm(i)))
        elif i.missing == "median":
            fills.append(s.fill_null(s.median().over("stage")).fill_null(0.0).alias(norm(i)))
    return out.with_columns(fills) if fills else out


def weight_matrix(methodology: Methodology) -> np.ndarray:
    """Stage × indicator weights (rows in ``STAGES`` order)."""
    return np.array(
        [[i.weights.get(s, 0.0) for i in methodology.indicators] for s in STAGES], dtype=np.float64
    )


def _matrices(frame: pl.DataFrame, methodology: Methodology) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scores = np.ascontiguousarray(
        frame.select([norm(i) for i in methodology.indicators]).to_numpy(), np.float64
    )
    stage_index = frame["stage"].replace_strict({s: k for k, s in enumerate(STAGES)}).to_numpy()
    weights = weight_matrix(methodology)[stage_index]  # n × k: each enterprise's stage weights
    present = ~np.isnan(scores)
    return np.nan_to_num(scores), present, weights


def totals(
    scores: np.ndarray, present: np.ndarray, weights: np.ndarray, factors: np.ndarray, aggregation: str
) -> np.ndarray:
    """runs × n totals (0..100) for weight factors ``factors`` (runs × k), one contiguous row per run."""
    w = weights * present

    def mix(a: np.ndarray) -> np.ndarray:
        # einsum (not BLAS matmul): each total is summed in the same order whatever the number of runs,
        # so unperturbed runs reproduce the point ranks exactly
        return np.einsum("rk,nk->rn", factors, a, optimize=False)

    den = mix(w)
    if aggregation == "geometric":
        logs = np.log(np.maximum(scores, GEOMETRIC_FLOOR)) * w
        value = np.exp(np.divide(mix(logs), den, out=np.zeros_like(den), where=den > 0))
        value[den <= 0] = 0.0
    else:
        value = np.divide(mix(scores * w), den, out=np.zeros_like(den), where=den > 0)
    return np.clip(value * 100, 0, 100, out=value)


def competition_ranks(values: np.ndarray) -> np.ndarray:
    """Rank each row (a run) descending, ties sharing the best rank ("1224"), on unrounded values."""
    runs, n = values.shape
    ranks = np.empty((runs, n), dtype=np.int64)
    positions = np.arange(n)
    for r in range(runs):  # per run, not per enterprise
        neg = -values[r]
        order = np.argsort(neg)
        ordered = neg[order]
        # each position's rank is the position of the first equal value in sorted order, plus one
        first = np.where(np.r_[True, ordered[1:] != ordered[:-1]], positions, 0)
        np.maximum.accumulate(first, out=first)
        ranks[r, order] = first + 1
    return ranks


def aggregate(frame: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """``total`` 0..100 and the points each group contributes (arithmetic: they sum to the total)."""
    scores, present, weights = _matrices(frame, methodology)
    one = np.ones((1, len(methodology.indicators)))
    total = totals(scores, present, weights, one, methodology.aggregation)[0]
    den = (weights * present).sum(axis=1)
    cols = {"total": total}
    contrib = np.divide(
        scores * weights * present, den[:, None], out=np.zeros_like(scores), where=den[:, None] > 0
    )
    arithmetic = contrib.sum(axis=1)
    for g in GROUPS:
        mask = np.array([i.group == g for i in methodology.indicators])
        part = contrib[:, mask].sum(axis=1)
        # geometric totals are split between groups in proportion to their arithmetic contribution
        cols[g] = (
            part * 100
            if methodology.aggregation == "arithmetic"
            else np.divide(part, arithmetic, out=np.zeros_like(part), where=arithmetic > 0) * total
        )
    return frame.with_columns([pl.Series(name, values) for name, values in cols.items()])


def rank(frame: pl.DataFrame) -> pl.DataFrame:
    """City-wide and within-stage competition ranks on the unrounded total."""
    return frame.with_columns(
        pl.col("total").rank("min", descending=True).cast(pl.Int64).alias("rank"),
        pl.col("total").rank("min", descending=True).over("stage").cast(pl.Int64).alias("stage_rank"),
    )


def strengths_weaknesses(frame: pl.DataFrame, methodology: Methodology, top: int = 3) -> pl.DataFrame:
    """Per enterprise, the weighted indicators furthest above (strength) and below (weakness) the median
    of its stage peers. Long format: enterprise_id, kind, indicator, name, score, peer_median, delta."""
    names = {i.id: i.name for i in methodology.indicators}
    weighted = pl.DataFrame(
        {
            "indicator": [i.id for i in methodology.indicators] * len(STAGES),
            "stage": [s for s in STAGES for _ in methodology.indicators],
            "weight": [i.weights.get(s, 0.0) for s in STAGES for i in methodology.indicators],
        }
    )
    long = (
        frame.select("enterprise_id", "stage", *[pl.col(norm(i)).alias(i.id) for i in methodology.indicators])
        .unpivot(index=["enterprise_id", "stage"], variable_name="indicator", value_name="score")
        .join(weighted, on=["indicator", "stage"])
        .filter((pl.col("weight") > 0) & pl.col("score").is_not_null())
        .with_columns(pl.col("score").median().over(["stage", "indicator"]).alias("peer_median"))
        .with_columns((pl.col("score") - pl.col("peer_median")).alias("delta"))
    )
    strong = (
        long.filter(pl.col("delta") > 0)
        .sort(["delta", "weight"], descending=True)
        .group_by("enterprise_id", maintain_order=True)
        .head(top)
        .with_columns(pl.lit("strength").alias("kind"))
    )
    weak = (
        long.filter(pl.col("delta") < 0)
        .sort(["delta", "weight"], descending=[False, True])
        .group_by("enterprise_id", maintain_order=True)
        .head(top)
        .with_columns(pl.lit("weakness").alias("kind"))
    )
    return (
        pl.concat([strong, weak])
        .with_columns(pl.col("indicator").replace_strict(names).alias("name"))
        .select("enterprise_id", "kind", "indicator", "name", "score", "peer_median", "delta")
    )


def sensitivity(
    frame: pl.DataFrame,
    methodology: Methodology,
    runs: int = 200,
    spread: float = 0.2,
    seed: int = 0,
    chunk: int = 50,
) -> pl.DataFrame:
    """Rank intervals: every weight scaled by an independent uniform factor in [1-spread, 1+spread] per
    run (each stage's weights renormalised by the division in ``totals``); the 5th and 95th percentile of
    each enterprise's city-wide rank over the runs."""
    scores, present, weights = _matrices(frame, methodology)
    n, k = scores.shape
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(runs, k)) if spread > 0 else np.ones((runs, k))
    ranks = np.empty((runs, n), dtype=np.int32)
    for start in range(0, runs, chunk):
        part = factors[start : start + chunk]
        ranks[start : start + len(part)] = competition_ranks(
            totals(scores, present, weights, part, methodology.aggregation)
        )
    if runs:
        lo, hi = int(np.floor(0.05 * (runs - 1))), int(np.ceil(0.95 * (runs - 1)))  # "lower" / "higher"
        ranks.partition((lo, hi) if lo != hi else (lo,), axis=0)
        p05, p95 = ranks[lo], ranks[hi]
    else:
        p05 = p95 = np.zeros(n, dtype=np.int32)
    return frame.select("enterprise_id").with_columns(
        pl.Series("rank_p05", p05.astype(np.int64)), pl.Series("rank_p95", p95.astype(np.int64))
    )


@dataclass(frozen=True)
class PointsResult:
    methodology: Methodology
    frame: pl.DataFrame  # one row per enterprise
    strengths: pl.DataFrame  # long: see strengths_weaknesses
    runs: int
    spread: float


def compute_points(
    frame: pl.DataFrame,
    methodology: Methodology = DEFAULT,
    runs: int = 200,
    spread: float = 0.2,
    seed: int = 0,
) -> PointsResult:
    problems = methodology.problems()
    if problems:
        raise ValueError("；".join(problems))
    staged = classify_stage(frame, methodology.stage_rule)
    scored = rank(aggregate(normalise(indicator_values(staged, methodology), methodology), methodology))
    intervals = sensitivity(scored, methodology, runs=runs, spread=spread, seed=seed)
    out = scored.join(intervals, on="enterprise_id", how="left").with_columns(
        pl.lit(methodology.stamp).alias("methodology"),
        (pl.col("rank_p95") - pl.col("rank_p05") <= 2).alias("rank_stable"),
    )
    return PointsResult(methodology, out, strengths_weaknesses(scored, methodology), runs, spread)
