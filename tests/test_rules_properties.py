"""Hypothesis properties of the rule engine."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.rules.assess import evaluate, parse_records
from kechuang.rules.catalog import in_force
from kechuang.rules.programmes import PROGRAMMES, build

AS_OF = date(2025, 6, 1)
money = st.integers(min_value=0, max_value=5 * 10**9)
staff = st.integers(min_value=0, max_value=2000)


def _run(programme: str, record: dict) -> dict:  # type: ignore[type-arg]
    parsed, problems = parse_records([record])
    assert not problems
    return evaluate(build(in_force(programme, AS_OF)), parsed[0], AS_OF)


@st.composite
def records(draw) -> dict:  # type: ignore[no-untyped-def, type-arg]
    years = {
        str(y): {
            k: draw(st.none() | money)
            for k in (
                "sales_revenue",
                "operating_revenue",
                "rd_expense",
                "total_cost",
                "main_business_revenue",
                "total_assets",
                "total_liabilities",
                "rd_expense_domestic",
            )
        }
        for y in (2022, 2023, 2024)
    }
    return {
        "employees": draw(st.none() | staff),
        "tech_staff": draw(st.none() | staff),
        "ip": {
            "class_i": draw(st.none() | st.integers(0, 20)),
            "class_ii": draw(st.none() | st.integers(0, 20)),
        },
        "years": {y: {k: v for k, v in f.items() if v is not None} for y, f in years.items()},
        "strategic_emerging": draw(st.none() | st.booleans()),
    }


MAXIMA = {"tech_sme": 100, "innovative_sme": 100, "hnte": 100}


@settings(max_examples=150, deadline=None)
@given(records())
def test_scores_stay_within_their_maximum(record: dict) -> None:  # type: ignore[type-arg]
    for programme, top in MAXIMA.items():
        r = _run(programme, record)
        lo, hi = r.get("score_range") or [r["score"], r["score"]]
        assert 0 <= lo <= hi <= top


@settings(max_examples=150, deadline=None)
@given(records(), money)
def test_more_rd_never_lowers_the_rd_part(record: dict, extra: int) -> None:  # type: ignore[type-arg]
    before = _run("tech_sme", record)
    more = {**record, "years": {y: dict(f) for y, f in record["years"].items()}}
    if "rd_expense" in more["years"]["2024"]:
        more["years"]["2024"]["rd_expense"] += extra
    after = _run("tech_sme", more)
    b_lo, b_hi = before.get("parts_range", {}).get("rd") or [before["parts"]["rd"]] * 2
    a_lo, a_hi = after.get("parts_range", {}).get("rd") or [after["parts"]["rd"]] * 2
    assert a_lo >= b_lo and a_hi >= b_hi
    i_before, i_after = _run("innovative_sme", record), _run("innovative_sme", more)
    assert (i_after["parts"]["rd_ratio"] or 0) >= (i_before["parts"]["rd_ratio"] or 0)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["employees", "tech_staff"]), st.sampled_from(PROGRAMMES[:2]))
def test_missing_needed_field_gives_unknown_never_a_guess(field: str, programme: str) -> None:
    record = {
        "employees": 100,
        "tech_staff": 50,
        "clean_record": True,
        "in_priority_field": True,
        "registered_on": "2015-01-01",
        "ip": {"class_i": 1, "class_ii": 0},
        "hnte_expert_scores": {"ip": 30, "conversion": 30, "rd_management": 20},
        "years": {
            str(y): {
                "sales_revenue": 10**7,
                "rd_expense": 10**6,
                "rd_expense_domestic": 10**6,
                "high_tech_revenue": 9 * 10**6,
                "total_income": 10**7,
                "total_cost": 10**7,
                "total_assets": 10**7,
                "total_liabilities": 0,
            }
            for y in (2022, 2023, 2024)
        },
    }
    assert _run(programme, record)["status"] == "met"
    del record[field]
    result = _run(programme, record)
    assert result["status"] == "unknown"
    notes = " ".join(c.get("note", "") for c in result["criteria"] if c["status"] == "unknown")
    assert field in notes
