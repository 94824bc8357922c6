"""The demo-city generator: schemas, invariants the importer relies on, determinism, calibration."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from kechuang.choices import IPKind, TitleLevel, TitleType
from kechuang.demo.generator import DemoCity, generate
from kechuang.enterprises.uscc import is_valid

LAST = 2025
MONEY_AND_COUNTS = (
    "employees",
    "tech_staff",
    "rd_staff",
    "sales_revenue",
    "operating_revenue",
    "main_business_revenue",
    "rd_expense",
    "rd_expense_domestic",
    "high_tech_revenue",
    "total_cost",
    "total_income",
    "total_assets",
    "total_liabilities",
    "profit",
    "tax_paid",
    "exports",
    "tech_contract_turnover",
)
SCHEMAS = {
    "enterprises": {
        "uscc": pl.String,
        "name": pl.String,
        "aliases": pl.String,
        "region_code": pl.String,
        "address": pl.String,
        "founded_on": pl.Date,
        "industry_code": pl.String,
        "size_class": pl.String,
        "listed": pl.Boolean,
    },
    "figures": {"uscc": pl.String, "year": pl.Int64} | dict.fromkeys(MONEY_AND_COUNTS, pl.Int64),
    "titles": {
        "uscc": pl.String,
        "type": pl.String,
        "level": pl.String,
        "year_granted": pl.Int64,
        "certificate_no": pl.String,
        "valid_until": pl.Date,
        "document": pl.String,
    },
    "ip": {"uscc": pl.String, "year": pl.Int64, "kind": pl.String, "ip_class": pl.String, "count": pl.Int64},
}
REGION_FILE = Path(__file__).resolve().parents[1] / "kechuang" / "regions" / "data" / "yangzhou.json"


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return generate(3000, seed=7, last_year=LAST)


@pytest.fixture(scope="module")
def default_city() -> DemoCity:
    return generate()


def _frames(c: DemoCity) -> dict[str, pl.DataFrame]:
    return {"enterprises": c.enterprises, "figures": c.figures, "titles": c.titles, "ip": c.ip}


def _rd_band(c: DemoCity) -> pl.DataFrame:
    """Per firm: the 3-year R&D ratio (Y-2..Y) and its HNTE threshold (by Y sales)."""
    last = c.figures.filter(pl.col("year") == LAST).select(
        "uscc", pl.col("sales_revenue").alias("sales_last")
    )
    sums = (
        c.figures.filter(pl.col("year") >= LAST - 2)
        .group_by("uscc")
        .agg(pl.col("rd_expense").sum(), pl.col("sales_revenue").sum())
    )
    return (
        sums.join(last, on="uscc")
        .filter(pl.col("sales_last").is_not_null() & (pl.col("sales_revenue") > 0))
        .with_columns(
            ratio=pl.col("rd_expense") / pl.col("sales_revenue"),
            threshold=pl.when(pl.col("sales_last") > 200_000_000)
            .then(0.03)
            .when(pl.col("sales_last") > 50_000_000)
            .then(0.04)
            .otherwise(0.05),
        )
    )


def test_same_arguments_give_identical_frames(city: DemoCity) -> None:
    again = generate(3000, seed=7, last_year=LAST)
    for name, frame in _frames(city).items():
        assert frame.equals(_frames(again)[name]), name
    other = generate(3000, seed=8, last_year=LAST)
    assert not other.enterprises.equals(city.enterprises)


def test_column_names_and_dtypes(city: DemoCity) -> None:
    for name, frame in _frames(city).items():
        assert dict(frame.schema) == SCHEMAS[name], name


def test_usccs_are_valid_unique_and_carry_the_region(city: DemoCity) -> None:
    e = city.enterprises
    assert e["uscc"].n_unique() == e.height
    assert e.select((pl.col("uscc").str.len_chars() == 18).all()).item()
    assert all(is_valid(code) for code in e["uscc"].to_list())
    assert e.select(pl.col("uscc").str.starts_with("91").all()).item()
    assert e.select((pl.col("uscc").str.slice(2, 6) == pl.col("region_code").str.slice(0, 6)).all()).item()
    # firms registered after the 2015 reform have "MA…" organisation codes
    assert e.filter(pl.col("founded_on") >= pl.date(2016, 1, 1))["uscc"].str.slice(8, 2).eq("MA").all()


def test_enterprise_fields(city: DemoCity) -> None:
    e = city.enterprises
    assert e["name"].n_unique() == e.height
    assert e["name"].str.ends_with("有限公司").all()
    assert e["name"].str.contains(r"^(扬州|邗江|江都|广陵|仪征|高邮|宝应)").all()
    regions = {r["code"] for r in json.loads(REGION_FILE.read_text(encoding="utf-8"))["regions"]} - {"321000"}
    assert set(e["region_code"].unique()) == regions
    shares = e["region_code"].value_counts(normalize=True).sort("proportion", descending=True)
    assert shares["region_code"][0] == "321003"  # 邗江区 is the largest
    zone_share = dict(zip(shares["region_code"], shares["proportion"], strict=True))
    assert 0.05 < zone_share["32100302"] < 0.12 and 0.05 < zone_share["32100301"] < 0.12
    assert (
        e["address"].str.contains(r"^(邗江区|江都区|广陵区|仪征市|高邮市|宝应县).+(路|街|大道)\d+号$").all()
    )
    assert e.select(pl.col("founded_on").is_between(pl.date(1995, 1, 1), pl.date(LAST, 12, 31)).all()).item()
    recent = e.filter(pl.col("founded_on").dt.year() >= LAST - 9).height
    assert recent > e.height / 2  # skewed towards recent years
    assert e["industry_code"].str.contains(r"^[A-Z]\d{4}$").all()
    assert set(e["size_class"].unique()) <= {"large", "medium", "small", "micro"}
    assert 0.001 <= e["listed"].mean() <= 0.01
    aliased = e.filter(pl.col("aliases") != "")
    assert 0.03 <= aliased.height / e.height <= 0.08
    assert aliased["aliases"].str.contains("|", literal=True).any()


def test_size_class_follows_the_statistical_rule(city: DemoCity) -> None:
    last = city.figures.filter(pl.col("year") == LAST).select("uscc", "employees", "operating_revenue")
    e = city.enterprises.filter(pl.col("industry_code").str.starts_with("C")).join(last, on="uscc")
    emp, rev = pl.col("employees"), pl.col("operating_revenue")
    expected = (
        pl.when((emp >= 1000) & (rev >= 400_000_000))
        .then(pl.lit("large"))
        .when((emp >= 300) & (rev >= 20_000_000))
        .then(pl.lit("medium"))
        .when((emp >= 20) & (rev >= 3_000_000))
        .then(pl.lit("small"))
        .otherwise(pl.lit("micro"))
    )
    assert e.select((pl.col("size_class") == expected).all()).item()


def test_every_figure_constraint_holds_on_every_row(city: DemoCity) -> None:
    f = city.figures
    for column in ("uscc", "year", "employees", "operating_revenue"):
        assert f[column].null_count() == 0, column
    rules = {
        "non_negative": pl.all_horizontal(
            [(pl.col(c) >= 0).fill_null(True) for c in MONEY_AND_COUNTS if c != "profit"]
        ),
        "employees": pl.col("employees") >= 1,
        "tech_staff": pl.col("tech_staff") <= pl.col("employees"),
        "rd_staff": pl.col("rd_staff") <= pl.col("tech_staff"),
        "rd_domestic": pl.col("rd_expense_domestic") <= pl.col("rd_expense"),
        "main_business": pl.col("main_business_revenue") <= pl.col("operating_revenue"),
        "sales": pl.col("sales_revenue") <= pl.col("operating_revenue"),
        "high_tech": pl.col("high_tech_revenue") <= pl.col("total_income"),
        "total_income": pl.col("total_income") >= pl.col("operating_revenue"),
    }
    broken = f.select(**{name: (~rule.fill_null(True)).sum() for name, rule in rules.items()}).row(
        0, named=True
    )
    assert broken == dict.fromkeys(rules, 0)
    assert f["profit"].min() < 0  # losses exist
    null_share = sum(f[c].null_count() for c in MONEY_AND_COUNTS) / (f.height * len(MONEY_AND_COUNTS))
    assert 0.005 <= null_share <= 0.03


def test_figure_years(city: DemoCity) -> None:
    f = city.figures
    assert f.select(pl.struct("uscc", "year").is_unique().all()).item()
    per_firm = f.group_by("uscc").agg(
        first=pl.col("year").min(), last=pl.col("year").max(), n=pl.len(), span=pl.col("year").n_unique()
    )
    per_firm = per_firm.join(
        city.enterprises.select("uscc", founded=pl.col("founded_on").dt.year()), on="uscc", how="full"
    )
    assert per_firm.height == city.enterprises.height  # every enterprise has figures and vice versa
    assert (per_firm["last"] == LAST).all()
    assert (per_firm["n"] == per_firm["last"] - per_firm["first"] + 1).all()  # consecutive
    assert per_firm["n"].is_between(1, 5).all()
    assert (per_firm["first"] >= per_firm["founded"]).all()
    settled = per_firm.filter(pl.col("founded") <= LAST - 2)
    assert (settled["n"] >= 3).all()


def test_figures_look_like_a_real_city(default_city: DemoCity) -> None:
    f = default_city.figures
    last = f.filter(pl.col("year") == LAST)
    assert 15_000_000 <= last["operating_revenue"].median() <= 40_000_000
    assert last["operating_revenue"].max() >= 2_000_000_000  # a few big firms
    per_head = (last["operating_revenue"] / last["employees"]).median()
    assert 500_000 <= per_head <= 1_500_000
    tech_ratio = (last["tech_staff"] / last["employees"]).median()
    assert 0.05 <= tech_ratio <= 0.4
    growth = (
        f.sort("uscc", "year")
        .with_columns(prev=pl.col("operating_revenue").shift(1).over("uscc"))
        .filter(pl.col("year") < LAST, pl.col("year") > LAST - 4)
        .select((pl.col("operating_revenue") / pl.col("prev")).median())
        .item()
    )
    assert 1.03 <= growth <= 1.15
    domestic = (last["rd_expense_domestic"] / last["rd_expense"]).drop_nans().drop_nulls()
    assert domestic.median() >= 0.85 and (domestic < 0.6).mean() > 0.01


def test_real_mass_around_the_hnte_rd_thresholds(city: DemoCity, default_city: DemoCity) -> None:
    for c in (city, default_city):
        band = _rd_band(c)
        near = band.select(((pl.col("ratio") - pl.col("threshold")).abs() <= 0.01).mean()).item()
        assert near >= 0.15
        above = band.filter(
            (pl.col("ratio") >= pl.col("threshold")) & (pl.col("ratio") < pl.col("threshold") + 0.01)
        )
        below = band.filter(
            (pl.col("ratio") < pl.col("threshold")) & (pl.col("ratio") >= pl.col("threshold") - 0.01)
        )
        assert above.height > 0.05 * band.height and below.height > 0.05 * band.height


def test_title_counts_with_the_default_city(default_city: DemoCity) -> None:
    t = default_city.titles
    valid = t.filter(pl.col("valid_until").is_null() | (pl.col("valid_until") >= pl.date(LAST + 1, 12, 31)))
    counts = dict(valid.group_by("type").len().iter_rows())
    assert 1600 <= counts["hnte"] <= 2000
    tech_sme = t.filter((pl.col("type") == "tech_sme") & (pl.col("year_granted") == LAST + 1)).height
    assert 2700 <= tech_sme <= 3300
    assert 1000 <= counts["innovative_sme"] <= 1400
    assert 400 <= counts["specialized_sme"] <= 600
    assert 30 <= counts["little_giant"] <= 50
    assert 80 <= counts["gazelle"] <= 120
    assert 5 <= counts["potential_unicorn"] <= 11
    assert counts["unicorn"] == 1
    assert 280 <= counts["provincial_rd_institution"] <= 420
    # some expired HNTE certificates and earlier tech-SME years exist too
    assert (
        t.filter((pl.col("type") == "hnte") & (pl.col("valid_until") < pl.date(LAST + 1, 12, 31))).height
        > 200
    )
    assert t.filter((pl.col("type") == "tech_sme") & (pl.col("year_granted") < LAST + 1)).height > 2000


def test_title_fields(city: DemoCity) -> None:
    t = city.titles
    assert set(t["type"].unique()) <= set(TitleType.values())
    assert set(t["level"].unique()) <= set(TitleLevel.values())
    assert t.select(pl.struct("uscc", "type", "year_granted").is_unique().all()).item()
    assert t["uscc"].is_in(city.enterprises["uscc"].implode()).all()
    hnte = t.filter(pl.col("type") == "hnte")
    assert (hnte["level"] == "national").all()
    assert hnte["certificate_no"].str.contains(r"^GR\d{4}320\d{5}$").all()
    assert (hnte["certificate_no"].str.slice(2, 4).cast(pl.Int64) == hnte["year_granted"]).all()
    assert hnte["certificate_no"].n_unique() == hnte.height
    three_years = t.filter(
        pl.col("type").is_in(["hnte", "innovative_sme", "specialized_sme", "little_giant"])
    )
    assert three_years["valid_until"].null_count() == 0
    assert (
        three_years.select(pl.col("valid_until") == pl.date(pl.col("year_granted") + 2, 12, 31))
        .to_series()
        .all()
    )
    yearly = t.filter(pl.col("type").is_in(["tech_sme", "gazelle", "potential_unicorn", "unicorn"]))
    assert yearly.select(pl.col("valid_until") == pl.date(pl.col("year_granted"), 12, 31)).to_series().all()
    assert t.filter(pl.col("type") == "provincial_rd_institution")["valid_until"].is_null().all()
    tech = t.filter(pl.col("type") == "tech_sme")
    assert tech["certificate_no"].str.contains(r"^\d{16}$").all()
    assert tech["certificate_no"].n_unique() == tech.height
    assert t.select(
        (
            pl.col("document").str.contains(pl.col("year_granted").cast(pl.String))
            | (pl.col("type") == "little_giant")
        ).all()
    ).item()
    assert t["document"].str.ends_with("（演示）").all()
    with_founding = t.join(city.enterprises.select("uscc", "founded_on"), on="uscc")
    assert (with_founding["year_granted"] >= with_founding["founded_on"].dt.year()).all()
    hnte_founding = with_founding.filter(pl.col("type") == "hnte")
    assert (
        hnte_founding["year_granted"] > hnte_founding["founded_on"].dt.year()
    ).all()  # registered ≥ 1 year


def test_titles_go_mostly_to_plausible_firms(default_city: DemoCity) -> None:
    c = default_city
    last = c.figures.filter(pl.col("year") == LAST)
    holders = c.titles.filter(
        (pl.col("type") == "hnte") & (pl.col("valid_until") >= pl.date(LAST + 1, 12, 31))
    )
    h = holders.join(_rd_band(c), on="uscc").join(last, on="uscc")
    assert (h["ratio"] >= h["threshold"]).mean() >= 0.8
    assert ((h["tech_staff"] * 10 >= h["employees"]).fill_null(True)).mean() >= 0.8
    assert ((h["high_tech_revenue"] * 10 >= h["total_income"] * 6).fill_null(True)).mean() >= 0.8
    tech = c.titles.filter((pl.col("type") == "tech_sme") & (pl.col("year_granted") == LAST + 1)).join(
        last, on="uscc"
    )
    small = (tech["employees"] <= 500) & (tech["sales_revenue"] <= 200_000_000).fill_null(True)
    assert small.mean() >= 0.9


def test_ip_holdings(city: DemoCity) -> None:
    ip = city.ip
    assert set(ip["kind"].unique()) <= set(IPKind.values())
    expected_class = ip["kind"].replace_strict({k.value: k.ip_class for k in IPKind})
    assert (ip["ip_class"] == expected_class).all()
    assert (ip["count"] >= 1).all()
    assert ip.select(pl.struct("uscc", "year", "kind").is_unique().all()).item()
    in_figures = ip.join(city.figures.select("uscc", "year"), on=["uscc", "year"], how="anti")
    assert in_figures.height == 0  # IP only for figure years
    share = ip["uscc"].n_unique() / city.enterprises.height
    assert 0.45 <= share <= 0.75
    kinds = dict(ip.group_by("kind").len().iter_rows())
    assert kinds["invention"] < kinds["utility_model"] and kinds["invention"] < kinds["software"]
    hnte = city.titles.filter(pl.col("type") == "hnte")["uscc"].unique().implode()
    totals = ip.filter(pl.col("year") == LAST).group_by("uscc").agg(pl.col("count").sum())
    with_title = totals.filter(pl.col("uscc").is_in(hnte))["count"].mean()
    without = totals.filter(~pl.col("uscc").is_in(hnte))["count"].mean()
    assert with_title > without


def test_scales_up_and_down() -> None:
    big = generate(100_000)
    assert big.enterprises.height == 100_000
    assert big.enterprises["uscc"].n_unique() == 100_000
    assert big.enterprises["name"].n_unique() == 100_000
    assert 300_000 <= big.figures.height <= 500_000
    assert big.figures.select(pl.struct("uscc", "year").is_unique().all()).item()
    hnte = big.titles.filter(
        (pl.col("type") == "hnte") & (pl.col("valid_until") >= pl.date(LAST + 1, 12, 31))
    )
    assert 13_000 <= hnte.height <= 17_000
    assert big.ip.height > 100_000
    for n in (1, 10):
        tiny = generate(n)
        assert tiny.enterprises.height == n and tiny.figures.height >= n
        for name, frame in _frames(tiny).items():
            assert dict(frame.schema) == SCHEMAS[name], name
