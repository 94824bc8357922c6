"""Every band boundary: a figure exactly on a threshold lands on the side the document says (含 / 以上 /
不含), checked in both the exact per-record evaluator and the column-wise batch."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kechuang.rules.assess import evaluate, parse_records
from kechuang.rules.catalog import in_force, load
from kechuang.rules.frame import assess_frame, records_frame
from kechuang.rules.programmes import build

AS_OF = date(2025, 6, 1)  # last year = 2024
WAN = 10_000


def run(programme: str, record: dict[str, Any], as_of: date = AS_OF) -> dict[str, Any]:
    parsed, problems = parse_records([record])
    assert not problems
    prog = build(in_force(programme, as_of))
    one = evaluate(prog, parsed[0], as_of)
    row = assess_frame(records_frame(parsed, as_of), [prog], as_of).row(0, named=True)
    assert row[f"{programme}.status"] == one["status"]
    for c in one["criteria"]:
        assert row[f"{programme}.{c['key']}"] == c["status"], c["key"]
    return one


def crit(result: dict[str, Any], key: str) -> str:
    return next(c["status"] for c in result["criteria"] if c["key"] == key)


def y(**figures: int) -> dict[str, Any]:
    return {"years": {"2024": figures}}


# ---- 科技型中小企业: parts by band, lower bounds inclusive (含) -----------------------------


@pytest.mark.parametrize(
    ("tech", "points"),
    [(30, 20), (29, 16), (25, 16), (24, 12), (20, 12), (19, 8), (15, 8), (14, 4), (10, 4), (9, 0), (0, 0)],
)
def test_tech_sme_tech_staff_bands(tech: int, points: int) -> None:
    r = run("tech_sme", {"employees": 100, "tech_staff": tech})
    assert r["parts"]["tech_staff"] == points
    assert crit(r, "tech_staff_score") == ("met" if points else "not_met")


@pytest.mark.parametrize(
    ("rd", "points"), [(600, 50), (599, 40), (500, 40), (499, 30), (400, 30), (300, 20), (200, 10), (199, 0)]
)
def test_tech_sme_rd_sales_bands(rd: int, points: int) -> None:
    r = run("tech_sme", y(sales_revenue=10_000 * WAN, rd_expense=rd * WAN, total_cost=10**12))
    assert r["parts"]["rd"] == points


@pytest.mark.parametrize(
    ("rd", "points"), [(3000, 50), (2999, 40), (2500, 40), (2000, 30), (1500, 20), (1000, 10), (999, 0)]
)
def test_tech_sme_rd_cost_bands_and_best_basis(rd: int, points: int) -> None:
    r = run("tech_sme", y(sales_revenue=10**12, rd_expense=rd * WAN, total_cost=10_000 * WAN))
    assert r["parts"]["rd"] == points


def test_tech_sme_rd_part_unknown_basis_gives_a_range_not_a_guess() -> None:
    r = run("tech_sme", y(sales_revenue=10_000 * WAN, rd_expense=300 * WAN))  # cost basis missing
    assert r["parts"]["rd"] is None and r["parts_range"]["rd"] == [20, 50]
    r = run("tech_sme", y(sales_revenue=10_000 * WAN, rd_expense=600 * WAN))  # already the maximum
    assert r["parts"]["rd"] == 50


@pytest.mark.parametrize(
    ("class_i", "class_ii", "points"),
    [(1, 0, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_tech_sme_ip_bands(class_i: int, class_ii: int, points: int) -> None:
    assert run("tech_sme", {"ip": {"class_i": class_i, "class_ii": class_ii}})["parts"]["ip"] == points


@pytest.mark.parametrize(
    ("key", "record", "status"),
    [
        ("employees_max", {"employees": 500}, "met"),
        ("employees_max", {"employees": 501}, "not_met"),
        ("revenue_max", y(sales_revenue=20_000 * WAN), "met"),
        ("revenue_max", y(sales_revenue=20_000 * WAN + 1), "not_met"),
        ("assets_max", y(total_assets=20_000 * WAN), "met"),
        ("assets_max", y(total_assets=20_000 * WAN + 1), "not_met"),
    ],
)
def test_tech_sme_size_limits_inclusive(key: str, record: dict[str, Any], status: str) -> None:
    assert crit(run("tech_sme", record), key) == status


def full_tech_sme(**over: Any) -> dict[str, Any]:
    rec = {
        "employees": 100,
        "tech_staff": 20,
        "clean_record": True,
        "ip": {"class_i": 0, "class_ii": 3},
        "hnte_valid": False,
        "direct": {
            "national_award_top3_5y": False,
            "ministerial_rd_institution": False,
            "led_standard_5y": False,
        },
        **y(sales_revenue=10_000 * WAN, rd_expense=300 * WAN, total_cost=10_000 * WAN, total_assets=WAN),
    }
    rec.update(over)
    return rec


def test_tech_sme_score_60_inclusive_and_direct_route() -> None:
    assert run("tech_sme", full_tech_sme())["score"] == 12 + 20 + 18 == 50
    r = run("tech_sme", full_tech_sme(tech_staff=30))  # 20 + 20 + 18 = 58
    assert (r["score"], r["status"]) == (58, "not_met")
    r = run("tech_sme", full_tech_sme(tech_staff=30, hnte_valid=None))  # a direct route might still apply
    assert (r["score"], r["status"]) == (58, "unknown")
    r = run("tech_sme", full_tech_sme(ip={"class_i": 0, "class_ii": 4}, tech_staff=25))  # 16 + 20 + 24 = 60
    assert (r["score"], r["status"], r["route"]) == (60, "met", "score")
    r = run("tech_sme", full_tech_sme(hnte_valid=True))
    assert (r["status"], r["route"]) == ("met", "direct:hnte_valid")
    r = run(
        "tech_sme", full_tech_sme(hnte_valid=True, employees=501)
    )  # direct still needs 第六条（一）–（四）
    assert r["status"] == "not_met"


# ---- 高新技术企业 --------------------------------------------------------------------------


def three_years(sales: int, rd: int) -> dict[str, Any]:
    return {"years": {str(year): {"sales_revenue": sales, "rd_expense": rd} for year in (2022, 2023, 2024)}}


@pytest.mark.parametrize(
    ("sales", "rd", "status"),
    [
        (5_000 * WAN, 250 * WAN, "met"),  # ≤5000万 (含) needs 5%: exactly 5%
        (5_000 * WAN, 250 * WAN - 1, "not_met"),
        (
            5_000 * WAN + 1,
            200 * WAN,
            "met",
        ),  # above 5000万 needs 4%: 200万/5000万 is just under 4% … of sales+1
        (20_000 * WAN, 800 * WAN, "met"),  # ≤2亿 (含) needs 4%
        (20_000 * WAN, 800 * WAN - 1, "not_met"),
        (20_000 * WAN + 1, 600 * WAN + 1, "met"),  # above 2亿 needs 3%
        (30_000 * WAN, 900 * WAN - 1, "not_met"),
    ],
)
def test_hnte_rd_ratio_tiers(sales: int, rd: int, status: str) -> None:
    if status == "met" and sales == 5_000 * WAN + 1:
        rd = (sales * 4 + 99) // 100
    assert crit(run("hnte", three_years(sales, rd)), "rd_ratio_3y") == status


@pytest.mark.parametrize(
    ("key", "record", "status"),
    [
        ("tech_staff_ratio", {"employees": 100, "tech_staff": 10}, "met"),
        ("tech_staff_ratio", {"employees": 100, "tech_staff": 9}, "not_met"),
        ("high_tech_revenue_share", y(high_tech_revenue=60, total_income=100), "met"),
        ("high_tech_revenue_share", y(high_tech_revenue=59, total_income=100), "not_met"),
        (
            "high_tech_revenue_share",
            y(high_tech_revenue=60, operating_revenue=100),
            "met",
        ),  # 总收入 falls back
        ("ip_owned", {"ip": {"class_i": 0, "class_ii": 1}}, "met"),
        ("ip_owned", {"ip": {"class_i": 0, "class_ii": 0}}, "not_met"),
        ("registered_1y", {"registered_on": "2024-06-01"}, "met"),
        ("registered_1y", {"registered_on": "2024-06-02"}, "not_met"),
    ],
)
def test_hnte_thresholds(key: str, record: dict[str, Any], status: str) -> None:
    assert crit(run("hnte", record), key) == status


def test_hnte_domestic_share_60_inclusive() -> None:
    rec = {"years": {str(yr): {"rd_expense": 100, "rd_expense_domestic": 60} for yr in (2022, 2023, 2024)}}
    assert crit(run("hnte", rec), "rd_domestic_share") == "met"
    rec["years"]["2024"]["rd_expense_domestic"] = 59
    assert crit(run("hnte", rec), "rd_domestic_share") == "not_met"


def growth_years(a: int, b: int, c: int) -> dict[str, Any]:
    return {
        "years": {
            "2022": {"sales_revenue": a, "total_assets": a, "total_liabilities": 0},
            "2023": {"sales_revenue": b, "total_assets": b, "total_liabilities": 0},
            "2024": {"sales_revenue": c, "total_assets": c, "total_liabilities": 0},
        },
        "hnte_expert_scores": {"ip": 30, "conversion": 30, "rd_management": 20},
    }


@pytest.mark.parametrize(
    ("a", "b", "c", "band"),
    [
        (100, 135, 182, (9, 10)),  # ½(1.35 + 182/135) − 1 = 0.349… → B
        (100, 100, 170, (9, 10)),  # ½(1 + 1.7) − 1 = 0.35 exactly → A (≥35%)
        (100, 100, 150, (7, 8)),  # 0.25 exactly → B
        (100, 100, 130, (5, 6)),  # 0.15 → C
        (100, 100, 110, (3, 4)),  # 0.05 → D
        (100, 100, 101, (1, 2)),  # 0.005 > 0 → E
        (100, 100, 100, (0, 0)),  # 0 → F
        (0, 100, 170, (9, 10)),  # first year 0: last two years, 0.7
        (100, 0, 170, (0, 0)),  # second year 0: 0 points
    ],
)
def test_hnte_growth_bands(a: int, b: int, c: int, band: tuple[int, int]) -> None:
    r = run("hnte", growth_years(a, b, c))
    if (a, b, c) == (100, 135, 182):
        band = (7, 8)
    got = r["parts"]["growth_sales"]
    assert (got, got) == band if band[0] == band[1] else r["parts_range"]["growth_sales"] == list(band)


def test_hnte_innovation_score_over_70_exclusive() -> None:
    base = growth_years(100, 100, 100)  # growth 0 + 0
    base["hnte_expert_scores"] = {"ip": 30, "conversion": 30, "rd_management": 10}  # 70: not over 70
    assert crit(run("hnte", base), "innovation_score") == "not_met"
    base["hnte_expert_scores"]["rd_management"] = 11
    assert crit(run("hnte", base), "innovation_score") == "met"
    del base["hnte_expert_scores"]
    assert crit(run("hnte", base), "innovation_score") == "unknown"


# ---- 创新型中小企业 (2022 bands) -----------------------------------------------------------


@pytest.mark.parametrize(("liabilities", "points"), [(55, 10), (56, 5), (75, 5), (76, 0)])
def test_innovative_sme_debt_ratio_upper_bounds_inclusive(liabilities: int, points: int) -> None:
    r = run("innovative_sme", y(total_liabilities=liabilities, total_assets=100))
    assert r["parts"]["debt_ratio"] == points


@pytest.mark.parametrize(("rd", "points"), [(5, 20), (4, 15), (3, 15), (2, 10), (1, 5), (0, 0)])
def test_innovative_sme_rd_bands(rd: int, points: int) -> None:
    assert run("innovative_sme", y(rd_expense=rd, operating_revenue=100))["parts"]["rd_ratio"] == points


@pytest.mark.parametrize(("cur", "points"), [(115, 20), (114, 15), (110, 15), (105, 10), (100, 5), (99, 0)])
def test_innovative_sme_growth_bands(cur: int, points: int) -> None:
    rec = {"years": {"2023": {"main_business_revenue": 100}, "2024": {"main_business_revenue": cur}}}
    assert run("innovative_sme", rec)["parts"]["growth"] == points


@pytest.mark.parametrize(("main", "points"), [(70, 20), (69, 15), (60, 15), (55, 10), (50, 5), (49, 0)])
def test_innovative_sme_main_business_bands(main: int, points: int) -> None:
    r = run("innovative_sme", y(main_business_revenue=main, operating_revenue=100))
    assert r["parts"]["main_business"] == points


# ---- 专精特新 / 小巨人 -------------------------------------------------------------------------


def test_specialized_2026_each_year_rd_and_thresholds() -> None:
    as_of = date(2026, 6, 1)
    rec = {
        "years": {
            "2024": {"rd_expense": 100 * WAN, "operating_revenue": 3_000 * WAN},
            "2025": {"rd_expense": 100 * WAN, "operating_revenue": 3_334 * WAN},
        }
    }
    r = run("specialized_sme", rec, as_of)
    assert crit(r, "rd_expense_min") == "met"
    assert crit(r, "rd_ratio_min") == "not_met"  # 100/3334 < 3%
    assert any("研发费用占营业收入比重" in g for g in r["gaps"])
    assert next(c for c in r["criteria"] if c["key"] == "market_position")["review"] is True


@pytest.mark.parametrize(
    ("share", "rank", "status"), [("0.1", 9, "met"), ("0.0999", 4, "not_met"), ("0.05", 3, "met")]
)
def test_little_giant_2026_market_position(share: str, rank: int, status: str) -> None:
    r = run("little_giant", {"market_share": share, "market_rank": rank}, date(2026, 6, 1))
    assert crit(r, "market_position") == status


def test_every_rule_file_names_document_version_dates_source_and_articles() -> None:
    for doc in load():
        assert doc.document and doc.version and doc.effective_from and doc.source.startswith("http"), doc.file
        for t in doc.thresholds.values():
            assert t.article and t.text, (doc.file, t.key)
        for b in doc.bands.values():
            assert b.article and b.text and b.rows, (doc.file, b.key)
