"""The incubator criteria (国科发区〔2018〕300号) in the rules engine, at every threshold: exactly on it is
met, just under it is not, a missing figure is unknown; the 20% relaxation for hardship regions; the
specialised variant's own counts; the graduation test; the ranking of carriers nearest to the level."""

from __future__ import annotations

from datetime import date

import pytest

from kechuang.carriers import rules

AS_OF = date(2026, 12, 7)
PASSING = {
    "legal_person": True,
    "registered_on": date(2023, 12, 7),  # exactly three years
    "stats_years": 2,
    "area_m2": 10_000,
    "tenant_area_m2": 7_500,
    "fund": 5_000_000,
    "financed_tenants": 5,
    "fund_cases": 3,
    "staff": 10,
    "pro_staff": 8,
    "mentors": 5,
    "patent_tenants": 25,
    "ip_tenants": 0,
    "tenants": 50,
    "graduates": 20,
}


def _status(values, programme: str = "incubator_national") -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = rules.assess(programme, values, AS_OF)
    return {"all": result["status"], **{c["key"]: c["status"] for c in result["criteria"]}}


def test_exactly_on_every_threshold_is_met() -> None:
    result = rules.assess("incubator_national", PASSING, AS_OF)
    assert result["status"] == "met" and result["gaps"] == []
    assert result["rule"]["document"] == "国科发区〔2018〕300号" and result["rule"]["version"] == "2018"


# (criterion, the change that puts it just under its threshold)
JUST_UNDER = [
    ("legal_person", {"legal_person": False}),
    ("operating_years", {"registered_on": date(2023, 12, 8)}),
    ("stats_years", {"stats_years": 1}),
    ("area_min", {"area_m2": 9_999, "tenant_area_m2": 7_500}),
    ("tenant_area_share", {"tenant_area_m2": 7_499}),
    ("fund_min", {"fund": 4_999_999}),
    ("financed_share", {"financed_tenants": 4}),
    ("fund_cases", {"fund_cases": 2}),
    ("pro_staff_share", {"pro_staff": 7, "staff": 9, "mentors": 5}),  # 7/9 < 80%, 7/50 ≥ 0.1
    ("pro_staff_per_tenant", {"pro_staff": 4, "staff": 5}),  # 80% of staff, but 4 for 50 tenants
    ("mentors_per_tenant", {"mentors": 4}),
    ("ip", {"patent_tenants": 24, "ip_tenants": 14}),  # 48% and 28%
    ("tenants_min", {"tenants": 49, "financed_tenants": 5, "patent_tenants": 25}),
    ("tenant_density", {"area_m2": 16_700, "tenant_area_m2": 12_600}),  # 50 / 16,700 m² < 3 per 1,000
    ("graduates_min", {"graduates": 19}),
]


@pytest.mark.parametrize(("key", "change"), JUST_UNDER, ids=[k for k, _ in JUST_UNDER])
def test_just_under_each_threshold_is_not_met(key: str, change: dict) -> None:  # type: ignore[type-arg]
    status = _status({**PASSING, **change})
    assert status[key] == "not_met" and status["all"] == "not_met"
    assert [k for k, v in status.items() if v == "not_met" and k != "all"] == [key]


@pytest.mark.parametrize(
    "field", ["area_m2", "tenants", "graduates", "fund", "registered_on", "legal_person"]
)
def test_a_missing_figure_is_unknown_not_a_guess(field: str) -> None:
    values = {k: v for k, v in PASSING.items() if k != field}
    result = rules.assess("incubator_national", values, AS_OF)
    assert result["status"] == "unknown"
    assert any("缺少数据" in g for g in result["gaps"])


def test_valid_ip_instead_of_patents() -> None:
    assert _status({**PASSING, "patent_tenants": 0, "ip_tenants": 15})["ip"] == "met"  # 30%
    assert _status({**PASSING, "patent_tenants": 0, "ip_tenants": 14})["ip"] == "not_met"


def test_hardship_regions_get_twenty_percent_off_area_tenants_density_and_graduates() -> None:
    smaller = {
        **PASSING,
        "area_m2": 8_000,
        "tenant_area_m2": 6_000,
        "tenants": 40,
        "financed_tenants": 4,
        "patent_tenants": 20,
        "pro_staff": 8,
        "mentors": 4,
        "graduates": 16,
    }
    assert _status(smaller)["all"] == "not_met"
    assert _status({**smaller, "hardship_region": True})["all"] == "met"
    under = _status({**smaller, "graduates": 15, "hardship_region": True})
    assert under["graduates_min"] == "not_met" and under["all"] == "not_met"
    # the fund is not relaxed
    assert _status({**smaller, "fund": 4_000_000, "hardship_region": True})["fund_min"] == "not_met"


def test_specialised_incubators_need_fewer_tenants_and_graduates() -> None:
    small = {
        **PASSING,
        "area_m2": 10_000,
        "tenants": 30,
        "financed_tenants": 3,
        "patent_tenants": 15,
        "pro_staff": 8,
        "mentors": 3,
        "graduates": 15,
    }
    assert _status(small, "incubator_specialised")["all"] == "met"
    assert _status(small)["tenants_min"] == "not_met"
    assert _status({**small, "graduates": 14}, "incubator_specialised")["graduates_min"] == "not_met"
    assert (
        _status({**small, "area_m2": 15_001, "tenant_area_m2": 11_300}, "incubator_specialised")[
            "tenant_density"
        ]
        == "not_met"
    )


def test_gap_names_what_is_missing() -> None:
    result = rules.assess("incubator_national", {**PASSING, "graduates": 14}, AS_OF)
    assert result["gaps"] == ["累计毕业企业数 14，需达到 20，还差 6"]


@pytest.mark.parametrize(
    ("values", "years", "status"),
    [
        ({"hnte_valid": True}, {}, "met"),
        ({"hnte_valid": False, "investment": 5_000_001, "acquired_or_listed": False}, {}, "met"),
        (
            {"hnte_valid": False, "investment": 5_000_000, "acquired_or_listed": False},
            {2025: {"operating_revenue": 6_000_000}, 2024: {"operating_revenue": 4_000_000}},
            "not_met",
        ),
        (
            {"hnte_valid": False, "investment": 0, "acquired_or_listed": False},
            {2025: {"operating_revenue": 6_000_000}, 2024: {"operating_revenue": 4_000_001}},
            "met",
        ),
        (
            {"hnte_valid": False, "investment": 0},
            {2025: {"operating_revenue": 1}, 2024: {"operating_revenue": 1}},
            "unknown",
        ),
    ],
)
def test_graduation_is_any_one_of_four(values, years, status: str) -> None:  # type: ignore[no-untyped-def]
    assert rules.assess("incubator_graduation", values, AS_OF, years)["status"] == status


def test_nearest_to_national_level_ranks_by_criteria_missed_then_by_how_far() -> None:
    carriers = [
        {**PASSING, "id": "done"},
        {**PASSING, "id": "two-short", "graduates": 18, "fund": 4_000_000},
        {**PASSING, "id": "far", "graduates": 2},
        {**PASSING, "id": "near", "graduates": 19},
    ]
    ranked = rules.nearest(carriers, "incubator_national", AS_OF)
    assert [r["id"] for r in ranked] == ["near", "far", "two-short"]
    assert ranked[0]["shortfall"] == pytest.approx(0.05) and ranked[1]["shortfall"] == pytest.approx(0.9)


def test_tenant_density_reads_per_thousand_square_metres() -> None:
    """3 per 1,000 m² is shown as such, with the tenants still missing: 40 on 16,000 m² needs 48."""
    values = {**PASSING, "area_m2": 16_000, "tenant_area_m2": 12_000, "tenants": 40}
    gaps = rules.assess("incubator_national", values, AS_OF)["gaps"]
    assert "每千平方米在孵企业数 2.50，需达到 3.00，还差 8 家" in gaps
