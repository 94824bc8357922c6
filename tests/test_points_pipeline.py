"""Innovation points, the pure pipeline: hand-computed normalisations, missing policies, stages at their
boundaries, aggregation, competition ranking, strengths, rank intervals, and Hypothesis properties."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.points import DEFAULT, Indicator, Methodology, StageRule, compute_points
from kechuang.points.catalogue import STAGES
from kechuang.points.core import (
    aggregate,
    classify_stage,
    competition_ranks,
    indicator_values,
    normalise,
    rank,
    sensitivity,
    strengths_weaknesses,
)

COLUMNS = {
    "enterprise_id": pl.Int64,
    "name": pl.String,
    "region_code": pl.String,
    "age_years": pl.Float64,
    "revenue": pl.Int64,
    "revenue_prev": pl.Int64,
    "rd_expense": pl.Int64,
    "employees": pl.Int64,
    "tech_staff": pl.Int64,
    "high_tech_revenue": pl.Int64,
    "tech_contract_turnover": pl.Int64,
    "profit": pl.Int64,
    "tax_paid": pl.Int64,
    "exports": pl.Int64,
    "ip_class_i": pl.Int64,
    "ip_class_ii": pl.Int64,
    "titles": pl.Int64,
    "rd_institution": pl.Boolean,
    "sci_projects": pl.Int64,
}


def frame(**columns: list) -> pl.DataFrame:  # type: ignore[type-arg]
    n = len(next(iter(columns.values())))
    data = {k: columns.get(k, [None] * n) for k in COLUMNS}
    data["enterprise_id"] = columns.get("enterprise_id", list(range(1, n + 1)))
    data["age_years"] = columns.get("age_years", [5.0] * n)  # growth stage unless said otherwise
    data["revenue"] = columns.get("revenue", [50_000_000] * n)
    return pl.DataFrame(data, schema=COLUMNS)


def one(normalisation: str, missing: str = "zero", bands: tuple = (), direction: int = 1) -> Methodology:  # type: ignore[type-arg]
    ind = Indicator(
        "x",
        "研发费用",
        "R&D",
        "tech_innovation",
        {s: 100.0 for s in STAGES},
        "rd_expense",
        normalisation,
        direction,
        bands,
        missing,
    )
    return Methodology("t", "1", "test", "", (ind,))


def scores(m: Methodology, f: pl.DataFrame) -> list:  # type: ignore[type-arg]
    out = normalise(indicator_values(classify_stage(f, m.stage_rule), m), m)
    return out["s.x"].to_list()


def test_minmax_percentile_zscore_and_bands_by_hand() -> None:
    f = frame(rd_expense=[10, 20, 20, 50])
    assert scores(one("minmax"), f) == pytest.approx([0, 0.25, 0.25, 1])
    assert scores(one("percentile"), f) == pytest.approx([0, 0.5, 0.5, 1])  # ties share the average rank
    std = float(np.std([10, 20, 20, 50], ddof=1))
    assert scores(one("zscore"), f) == pytest.approx([((v - 25) / std + 3) / 6 for v in (10, 20, 20, 50)])
    banded = one("bands", bands=((0, 0), (20, 0.5), (50, 1)))
    assert scores(banded, f) == [0, 0.5, 0.5, 1]  # lower bounds are inclusive
    assert scores(one("minmax", direction=-1), f) == pytest.approx([1, 0.75, 0.75, 0])
    assert scores(one("minmax"), frame(rd_expense=[7, 7])) == [1, 1]  # all equal: everyone at the top


def test_normalisation_is_among_peers_of_the_same_stage() -> None:
    f = frame(rd_expense=[10, 20, 1000, 2000], age_years=[1.0, 1.0, 5.0, 5.0])  # two startups, two growth
    assert scores(one("minmax"), f) == pytest.approx([0, 1, 0, 1])


def test_missing_policies() -> None:
    f = frame(rd_expense=[10, None, 30, 50])
    assert scores(one("minmax", "zero"), f) == pytest.approx([0, 0, 0.5, 1])
    assert scores(one("minmax", "median"), f) == pytest.approx([0, 0.5, 0.5, 1])
    assert scores(one("minmax", "exclude"), f)[1] is None
    two = Methodology(
        "t",
        "1",
        "t",
        "",
        (
            Indicator(
                "a",
                "a",
                "a",
                "tech_innovation",
                {s: 50.0 for s in STAGES},
                "rd_expense",
                "minmax",
                1,
                (),
                "exclude",
            ),
            Indicator("b", "b", "b", "auxiliary", {s: 50.0 for s in STAGES}, "titles", "minmax"),
        ),
    )
    f = frame(rd_expense=[0, None, 10], titles=[0, 4, 4])
    out = aggregate(normalise(indicator_values(classify_stage(f, two.stage_rule), two), two), two)
    # the enterprise without R&D data is scored on the remaining indicator alone (its weight renormalised)
    assert out["total"].to_list() == pytest.approx([0, 100, 100])


@pytest.mark.parametrize(
    ("age", "revenue", "stage"),
    [
        (2.99, 90_000_000, "startup"),
        (3.0, 20_000_000, "growth"),
        (3.0, 19_999_999, "startup"),
        (9.99, 200_000_000, "growth"),
        (10.0, 100_000_000, "mature"),
        (10.0, 99_999_999, "growth"),
        (None, None, "growth"),
        (None, 10_000_000, "startup"),
        (None, 500_000_000, "growth"),
    ],
)
def test_stage_boundaries(age: float | None, revenue: int | None, stage: str) -> None:
    out = classify_stage(
        pl.DataFrame(
            {"age_years": [age], "revenue": [revenue]}, schema={"age_years": pl.Float64, "revenue": pl.Int64}
        ),
        StageRule(),
    )
    assert out["stage"][0] == stage and out["stage_reason"][0]


def test_group_points_sum_to_the_total_and_ranking_shares_ties() -> None:
    f = frame(
        rd_expense=[5, 9, 9, 1, 7],
        titles=[0, 2, 2, 3, 1],
        revenue=[60_000_000] * 5,
        revenue_prev=[50_000_000] * 5,
        tech_staff=[5, 9, 9, 1, 4],
        employees=[10] * 5,
    )
    r = compute_points(f, DEFAULT, runs=20)
    out = r.frame.sort("enterprise_id")
    parts = out["tech_innovation"] + out["growth_operation"] + out["auxiliary"]
    assert (parts - out["total"]).abs().max() < 1e-9
    assert out.filter(pl.col("enterprise_id").is_in([2, 3]))["rank"].to_list() == [1, 1]  # identical figures
    assert sorted(out["rank"].to_list()) == [1, 1, 3, 4, 5]
    assert out["methodology"][0] == "yz-default@2026.1"
    assert competition_ranks(np.array([[3.0, 5.0, 5.0, 1.0]]))[0].tolist() == [3, 1, 1, 4]


def test_rank_intervals() -> None:
    rng = np.random.default_rng(3)
    n = 300
    f = frame(
        rd_expense=rng.integers(0, 10_000_000, n).tolist(),
        titles=rng.integers(0, 4, n).tolist(),
        tech_staff=rng.integers(0, 50, n).tolist(),
        employees=[60] * n,
        ip_class_i=rng.integers(0, 9, n).tolist(),
        revenue=rng.integers(10_000_000, 300_000_000, n).tolist(),
        age_years=rng.uniform(0, 20, n).tolist(),
    )
    base = compute_points(f, DEFAULT, runs=0).frame.select("enterprise_id", "total")
    ranked = rank(
        aggregate(
            normalise(indicator_values(classify_stage(f, DEFAULT.stage_rule), DEFAULT), DEFAULT), DEFAULT
        ).with_columns(base["total"])
    )
    fixed = sensitivity(ranked, DEFAULT, runs=10, spread=0.0).join(
        ranked.select("enterprise_id", "rank"), on="enterprise_id"
    )
    assert (fixed["rank_p05"] == fixed["rank"]).all() and (fixed["rank_p95"] == fixed["rank"]).all()
    wide = sensitivity(ranked, DEFAULT, runs=100, spread=0.3, seed=1)
    assert (wide["rank_p05"] <= wide["rank_p95"]).all() and (wide["rank_p95"] - wide["rank_p05"]).max() > 0
    again = sensitivity(ranked, DEFAULT, runs=100, spread=0.3, seed=1)
    assert wide.equals(again)  # deterministic for a seed


def test_strengths_and_weaknesses_are_against_stage_peers() -> None:
    f = frame(rd_expense=[100, 1, 1, 1], titles=[0, 3, 3, 3], employees=[10] * 4, tech_staff=[1] * 4)
    staged = normalise(indicator_values(classify_stage(f, DEFAULT.stage_rule), DEFAULT), DEFAULT)
    sw = strengths_weaknesses(staged, DEFAULT).filter(pl.col("enterprise_id") == 1)
    assert "rd_expense" in sw.filter(pl.col("kind") == "strength")["indicator"].to_list()
    assert "titles" in sw.filter(pl.col("kind") == "weakness")["indicator"].to_list()


def test_weights_that_do_not_sum_to_100_are_refused() -> None:
    bad = Methodology(
        "t",
        "1",
        "t",
        "",
        (Indicator("x", "x", "x", "auxiliary", {"startup": 100, "growth": 95, "mature": 100}, "titles"),),
    )
    assert bad.problems() == ["成长期权重合计为 95，应为 100"]
    with pytest.raises(ValueError, match="成长期权重合计为 95"):
        compute_points(frame(titles=[1]), bad)
    assert DEFAULT.problems() == []


money = st.one_of(st.none(), st.integers(0, 10**9))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(money, money, st.integers(0, 5), st.floats(0, 30)), min_size=2, max_size=25),
    st.sampled_from(["arithmetic", "geometric"]),
)
def test_totals_stay_within_0_and_100(rows: list, aggregation: str) -> None:  # type: ignore[type-arg]
    f = frame(
        rd_expense=[r[0] for r in rows],
        revenue=[r[1] for r in rows],
        titles=[r[2] for r in rows],
        age_years=[r[3] for r in rows],
    )
    m = Methodology(
        DEFAULT.id,
        DEFAULT.version,
        DEFAULT.name,
        DEFAULT.note,
        DEFAULT.indicators,
        DEFAULT.stage_rule,
        aggregation,
    )
    totals = compute_points(f, m, runs=5).frame["total"]
    assert totals.min() >= 0 and totals.max() <= 100


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 10**8), min_size=3, max_size=20),
    st.integers(0, 19),
    st.integers(1, 10**8),
    st.sampled_from(["minmax", "percentile", "bands"]),
)
def test_more_of_a_good_indicator_never_lowers_the_score(
    values: list,
    which: int,
    extra: int,  # type: ignore[type-arg]
    normalisation: str,
) -> None:
    which %= len(values)
    m = one(normalisation, bands=((0, 0), (10**6, 0.5), (5 * 10**7, 1)))
    before = scores(m, frame(rd_expense=values))[which]
    raised = list(values)
    raised[which] += extra
    after = scores(m, frame(rd_expense=raised))[which]
    assert after >= before - 1e-12
