"""Progress against yearly targets and the traffic light: every threshold edge, both modes, both directions,
year-on-year change and rank, checked against hand-computed numbers."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

from kechuang.indicators.catalogue import CATALOGUE, Indicator, by_code
from kechuang.indicators.progress import COLUMNS, LightRule, light_expr, light_for, progress

YEAR = 2025
PREV = YEAR - 1
RD = "rd_spending"  # cumulative, +1
HNTE = "hnte_count"  # point, +1
# Test-only lower-is-better indicators (the city's catalogue has none).
FLOW_DOWN = Indicator(
    "energy_use", "综合能耗", "Energy use", "吨标准煤", "测试用指标。", -1, "cumulative", "测试"
)
LEVEL_DOWN = Indicator(
    "approval_days", "审批天数", "Approval days", "天", "测试用指标。", -1, "point", "测试"
)
INDICATORS = (*CATALOGUE, FLOW_DOWN, LEVEL_DOWN)

Target = tuple[str, str, int, float | None]  # region_code, indicator, year, target
Figure = tuple[str, str, int, int, float | None]  # region_code, indicator, year, month, value


def run(
    targets: list[Target], figures: list[Figure], month: int, rule: LightRule = LightRule()
) -> pl.DataFrame:
    t = pl.DataFrame(
        targets,
        orient="row",
        schema={"region_code": pl.Utf8, "indicator": pl.Utf8, "year": pl.Int64, "target": pl.Float64},
    )
    f = pl.DataFrame(
        figures,
        orient="row",
        schema={
            "region_code": pl.Utf8,
            "indicator": pl.Utf8,
            "year": pl.Int64,
            "month": pl.Int64,
            "value": pl.Float64,
        },
    )
    return progress(t, f, INDICATORS, year=YEAR, month=month, rule=rule)


def one(
    targets: list[Target], figures: list[Figure], month: int, rule: LightRule = LightRule()
) -> dict[str, Any]:
    out = run(targets, figures, month, rule)
    assert out.height == 1
    return out.row(0, named=True)


def flows(region: str, indicator: str, year: int, values: dict[int, float | None]) -> list[Figure]:
    return [(region, indicator, year, m, v) for m, v in values.items()]


def check(row: dict[str, Any], **expected: Any) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert row[key] == pytest.approx(value, abs=1e-12), key
        else:
            assert row[key] == value, key


# ---- LightRule and the scalar light --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "light"),
    [
        (None, "grey"),
        (math.nan, "grey"),
        (2.0, "green"),
        (1.0, "green"),
        (0.9999, "yellow"),
        (0.9, "yellow"),
        (0.8999, "red"),
        (0.0, "red"),
        (-0.5, "red"),
    ],
)
def test_light_for_default_edges(index: float | None, light: str) -> None:
    assert light_for(index) == light


@pytest.mark.parametrize(
    ("index", "light"),
    [
        (1.2, "green"),
        (1.1999, "yellow"),
        (1.0, "yellow"),
        (0.9999, "red"),
        (None, "grey"),
    ],
)
def test_light_for_custom_rule(index: float | None, light: str) -> None:
    assert light_for(index, LightRule(green=1.2, yellow=1.0)) == light


@pytest.mark.parametrize(
    "rule", [LightRule(), LightRule(green=1.2, yellow=1.0), LightRule(green=1.0, yellow=1.0)]
)
def test_light_expr_agrees_with_light_for(rule: LightRule) -> None:
    values = [None, math.nan, -1.0, 0.0, 0.5, 0.8999, 0.9, 0.95, 0.9999, 1.0, 1.1999, 1.2, 3.0]
    frame = pl.DataFrame({"i": values}, schema={"i": pl.Float64})
    assert frame.select(light_expr(pl.col("i"), rule)).to_series().to_list() == [
        light_for(v, rule) for v in values
    ]


@pytest.mark.parametrize(("green", "yellow"), [(1.0, 1.1), (1.0, 0.0), (1.0, -0.1), (math.nan, 0.9)])
def test_light_rule_rejects_bad_thresholds(green: float, yellow: float) -> None:
    with pytest.raises(ValueError, match="灯色阈值"):
        LightRule(green=green, yellow=yellow)


def test_light_rule_equal_thresholds_leave_no_yellow() -> None:
    rule = LightRule(green=1.0, yellow=1.0)
    assert (light_for(1.0, rule), light_for(0.9999, rule)) == ("green", "red")


# ---- threshold edges through the frame -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "actual", "index", "light"),
    [
        # cumulative, target 1200: expected = 1200 × month / 12
        (6, 600.0, 1.0, "green"),
        (6, 599.4, 0.999, "yellow"),
        (6, 540.0, 0.9, "yellow"),
        (6, 539.4, 0.899, "red"),
        # month 7: elapsed 7/12 is not a binary fraction; exactly on schedule must still be exactly 1.0 / 0.9
        (7, 700.0, 1.0, "green"),
        (7, 630.0, 0.9, "yellow"),
        (7, 629.3, 0.899, "red"),
    ],
)
def test_cumulative_threshold_edges(month: int, actual: float, index: float, light: str) -> None:
    row = one([("a", RD, YEAR, 1200.0)], [("a", RD, YEAR, 1, actual)], month)
    assert (row["schedule_index"], row["light"]) == (pytest.approx(index, abs=1e-12), light)


def test_float_noise_does_not_cross_a_threshold() -> None:
    # 3.75 / 10 / (5/12) is 0.8999999999999999 in floats; rounded to 9 decimals it is exactly 0.9
    assert 3.75 / 10 / (5 / 12) < 0.9
    row = one([("a", RD, YEAR, 10.0)], [("a", RD, YEAR, 1, 3.75)], 5)
    assert (row["schedule_index"], row["light"]) == (0.9, "yellow")


@pytest.mark.parametrize(
    ("actual", "index", "light"),
    [
        # point, base 200 (last December), target 320, month 9: expected 290; completion = (actual − 200) / 120
        (290.0, 1.0, "green"),
        (289.91, 0.999, "yellow"),
        (281.0, 0.9, "yellow"),
        (280.91, 0.899, "red"),
    ],
)
def test_point_threshold_edges(actual: float, index: float, light: str) -> None:
    row = one([("a", HNTE, YEAR, 320.0)], [("a", HNTE, PREV, 12, 200.0), ("a", HNTE, YEAR, 9, actual)], 9)
    assert row["schedule_index"] == index  # exact, after rounding to 9 decimals
    assert row["light"] == light


@pytest.mark.parametrize(
    ("actual", "light"), [(600.0, "yellow"), (720.0, "green"), (719.4, "yellow"), (599.4, "red")]
)
def test_custom_rule_through_the_frame(actual: float, light: str) -> None:
    # target 1200, month 6: expected 600; green ≥ 1.2 (720), yellow ≥ 1.0 (600)
    row = one([("a", RD, YEAR, 1200.0)], [("a", RD, YEAR, 3, actual)], 6, LightRule(green=1.2, yellow=1.0))
    assert row["light"] == light


# ---- grey and the reason -------------------------------------------------------------------------------


def test_month_zero_is_grey() -> None:
    row = one([("a", HNTE, YEAR, 320.0)], [("a", HNTE, PREV, 12, 200.0)], 0)
    check(
        row,
        elapsed=0.0,
        actual=None,
        base=200.0,
        expected=200.0,
        completion=None,
        schedule_index=None,
        rank=None,
        light="grey",
        reason="年初序时进度为 0，暂不评价",
    )


def test_no_figures_is_grey() -> None:
    row = one([("a", RD, YEAR, 1200.0)], [("a", RD, PREV, 3, 100.0)], 6)
    check(
        row,
        actual=None,
        expected=600.0,
        completion=None,
        schedule_index=None,
        gap_to_schedule=None,
        yoy=None,
        rank=None,
        light="grey",
        reason="尚无数据",
    )


def test_null_target_is_grey() -> None:
    row = one([("a", RD, YEAR, None)], [("a", RD, YEAR, 1, 100.0)], 6)
    check(row, actual=100.0, expected=None, completion=None, light="grey", reason="尚无目标")


def test_zero_target_is_grey() -> None:
    row = one([("a", RD, YEAR, 0.0)], [("a", RD, YEAR, 1, 100.0)], 6)
    check(row, completion=None, schedule_index=None, light="grey", reason="目标值为 0，无法计算完成率")


@pytest.mark.parametrize(
    ("month", "actual", "reason"),
    [
        (9, 680.0, "序时进度 75.0%，完成 68.0%，落后序时 7.0 个百分点"),
        (6, 600.0, "序时进度 50.0%，完成 60.0%，超前序时 10.0 个百分点"),
        (6, 500.0, "序时进度 50.0%，完成 50.0%，与序时持平"),
        (4, 200.0, "序时进度 33.3%，完成 20.0%，落后序时 13.3 个百分点"),
        (12, 1000.0, "序时进度 100.0%，完成 100.0%，与序时持平"),
    ],
)
def test_reason(month: int, actual: float, reason: str) -> None:
    assert one([("a", RD, YEAR, 1000.0)], [("a", RD, YEAR, 1, actual)], month)["reason"] == reason


# ---- the maths, hand-computed --------------------------------------------------------------------------


def test_cumulative_sums_months_up_to_month() -> None:
    figures = flows("a", RD, YEAR, {1: 100.0, 2: 150.0, 3: 200.0, 4: 250.0, 5: 999.0}) + flows(
        "a", RD, PREV, {1: 100.0, 2: 100.0, 3: 100.0, 4: 200.0, 5: 1000.0, 12: 5000.0}
    )
    row = one([("a", RD, YEAR, 1200.0), ("a", RD, PREV, 9999.0)], figures, 4)
    # actual 700; expected 1200 × 4/12 = 400; completion 700/1200; index (7/12) / (1/3) = 1.75
    check(
        row,
        target=1200.0,
        actual=700.0,
        base=0.0,
        expected=400.0,
        completion=700 / 1200,
        elapsed=1 / 3,
        schedule_index=1.75,
        gap_to_schedule=300.0,
        yoy=0.4,
        rank=1,
        light="green",
    )


def test_point_with_base_takes_latest_level() -> None:
    figures = [
        ("a", HNTE, PREV, 12, 200.0),
        ("a", HNTE, YEAR, 1, 210.0),
        ("a", HNTE, YEAR, 3, 236.0),
        ("a", HNTE, YEAR, 5, 300.0),
        ("a", HNTE, PREV, 2, 180.0),
        ("a", HNTE, PREV, 4, 190.0),
    ]
    row = one([("a", HNTE, YEAR, 320.0)], figures, 4)
    # actual 236 (month 3); expected 200 + 120/3 = 240; completion 36/120 = 0.3; index 0.3 / (1/3) = 0.9
    check(
        row,
        actual=236.0,
        base=200.0,
        expected=240.0,
        completion=0.3,
        schedule_index=0.9,
        gap_to_schedule=-4.0,
        yoy=236 / 190 - 1,
        light="yellow",
        reason="序时进度 33.3%，完成 30.0%，落后序时 3.3 个百分点",
    )


def test_point_without_base_measures_from_zero() -> None:
    row = one([("a", HNTE, YEAR, 320.0)], [("a", HNTE, YEAR, 6, 200.0)], 6)
    # expected 320 × 0.5 = 160; completion 200/320 = 0.625; index 1.25
    check(
        row,
        actual=200.0,
        base=None,
        expected=160.0,
        completion=0.625,
        schedule_index=1.25,
        gap_to_schedule=40.0,
        yoy=None,
        light="green",
    )


def test_point_with_target_equal_to_base() -> None:
    row = one([("a", HNTE, YEAR, 200.0)], [("a", HNTE, PREV, 12, 200.0), ("a", HNTE, YEAR, 6, 210.0)], 6)
    # target = base: completion falls back to actual / target = 1.05; expected stays 200
    check(row, base=200.0, expected=200.0, completion=1.05, schedule_index=2.1, gap_to_schedule=10.0)


def test_point_ignores_missing_values() -> None:
    figures = [("a", HNTE, YEAR, 2, 150.0), ("a", HNTE, YEAR, 3, math.nan), ("a", HNTE, YEAR, 4, None)]
    assert one([("a", HNTE, YEAR, 320.0)], figures, 6)["actual"] == 150.0


@pytest.mark.parametrize(
    ("indicator", "month", "figures", "completion", "index", "gap", "light"),
    [
        # cumulative, target 1200, month 6, expected 600: completion = max(0, (2 × 600 − actual) / 1200)
        (FLOW_DOWN.code, 6, [(YEAR, 6, 600.0)], 0.5, 1.0, 0.0, "green"),
        (FLOW_DOWN.code, 6, [(YEAR, 6, 480.0)], 0.6, 1.2, 120.0, "green"),
        (FLOW_DOWN.code, 6, [(YEAR, 6, 660.0)], 0.45, 0.9, -60.0, "yellow"),
        (FLOW_DOWN.code, 6, [(YEAR, 6, 720.0)], 0.4, 0.8, -120.0, "red"),
        (FLOW_DOWN.code, 6, [(YEAR, 6, 1500.0)], 0.0, 0.0, -900.0, "red"),  # floored at 0
        # at year end that is 2 − actual / target (the index is rounded to 9 decimals)
        (FLOW_DOWN.code, 12, [(YEAR, 6, 1100.0)], 2 - 1100 / 1200, 1.083333333, 100.0, "green"),
        # point, base 30, target 20, month 6, expected 25: completion = (30 − actual) / (30 − 20)
        (LEVEL_DOWN.code, 6, [(PREV, 12, 30.0), (YEAR, 6, 24.0)], 0.6, 1.2, 1.0, "green"),
        (LEVEL_DOWN.code, 6, [(PREV, 12, 30.0), (YEAR, 6, 25.0)], 0.5, 1.0, 0.0, "green"),
        (LEVEL_DOWN.code, 6, [(PREV, 12, 30.0), (YEAR, 6, 26.0)], 0.4, 0.8, -1.0, "red"),
        # point without base, target 20, month 6, expected 10: mirrored like a flow, (2 × 10 − actual) / 20
        (LEVEL_DOWN.code, 6, [(YEAR, 6, 10.0)], 0.5, 1.0, 0.0, "green"),
        (LEVEL_DOWN.code, 6, [(YEAR, 6, 12.0)], 0.4, 0.8, -2.0, "red"),
    ],
)
def test_lower_is_better(
    indicator: str,
    month: int,
    figures: list[tuple[int, int, float]],
    completion: float,
    index: float,
    gap: float,
    light: str,
) -> None:
    target = 1200.0 if indicator == FLOW_DOWN.code else 20.0
    row = one([("a", indicator, YEAR, target)], [("a", indicator, y, m, v) for y, m, v in figures], month)
    check(row, completion=completion, schedule_index=index, gap_to_schedule=gap, light=light)


# ---- year on year --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "figures", "yoy"),
    [
        (RD, [(YEAR, 1, 300.0), (YEAR, 2, 300.0), (PREV, 1, 200.0), (PREV, 2, 300.0), (PREV, 5, 900.0)], 0.2),
        (RD, [(YEAR, 1, 300.0), (PREV, 5, 900.0)], None),  # nothing in the same period last year
        (RD, [(YEAR, 1, 300.0), (PREV, 1, 0.0), (PREV, 2, 0.0)], None),  # previous sum 0
        (RD, [(PREV, 1, 300.0)], None),  # no figure this year
        (HNTE, [(YEAR, 3, 250.0), (PREV, 2, 180.0), (PREV, 3, 200.0), (PREV, 4, 400.0)], 0.25),
        (HNTE, [(YEAR, 3, 250.0), (PREV, 2, 200.0)], 0.25),  # the latest previous level ≤ month
        (HNTE, [(YEAR, 3, 250.0), (PREV, 4, 200.0)], None),  # only after the month last year
        (HNTE, [(YEAR, 3, 250.0), (PREV, 3, 0.0)], None),  # previous level 0
    ],
)
def test_yoy(indicator: str, figures: list[tuple[int, int, float]], yoy: float | None) -> None:
    row = one([("a", indicator, YEAR, 1000.0)], [("a", indicator, y, m, v) for y, m, v in figures], 3)
    assert row["yoy"] == (None if yoy is None else pytest.approx(yoy, abs=1e-12))


# ---- rank ----------------------------------------------------------------------------------------------


def test_rank_is_competition_rank_with_nulls_unranked() -> None:
    targets: list[Target] = [(r, RD, YEAR, 1200.0) for r in "abcde"] + [("a", HNTE, YEAR, 100.0)]
    figures: list[Figure] = [
        ("a", RD, YEAR, 1, 600.0),
        ("b", RD, YEAR, 1, 720.0),
        ("c", RD, YEAR, 1, 600.0),
        ("d", RD, YEAR, 1, 480.0),
        ("a", HNTE, YEAR, 6, 10.0),
    ]
    out = run(targets, figures, 6)
    ranks = dict(out.filter(pl.col("indicator") == RD).select("region_code", "rank").iter_rows())
    assert ranks == {"a": 2, "b": 1, "c": 2, "d": 4, "e": None}
    assert out.filter(pl.col("indicator") == HNTE)["rank"].to_list() == [1]


# ---- shape and bad input -------------------------------------------------------------------------------


def test_one_row_per_target_of_the_year() -> None:
    targets: list[Target] = [
        ("b", RD, YEAR, 1.0),
        ("a", HNTE, YEAR, 1.0),
        ("a", RD, YEAR, 1.0),
        ("c", RD, PREV, 1.0),
    ]
    out = run(targets, [("z", RD, YEAR, 1, 5.0)], 6)
    assert out.columns == COLUMNS
    assert out.select("region_code", "indicator").rows() == [("a", HNTE), ("a", RD), ("b", RD)]


def test_empty_targets_give_an_empty_frame() -> None:
    out = run([], [], 6)
    assert (out.height, out.columns) == (0, COLUMNS)


@pytest.mark.parametrize("month", [-1, 13])
def test_month_out_of_range(month: int) -> None:
    with pytest.raises(ValueError, match="月份应在 0 到 12 之间"):
        run([("a", RD, YEAR, 1.0)], [], month)


@pytest.mark.parametrize(
    ("targets", "figures", "message"),
    [
        ([("a", "no_such", YEAR, 1.0)], [], "未知指标：no_such"),
        ([("a", RD, YEAR, 1.0), ("a", RD, YEAR, 2.0)], [], "目标重复"),
        ([("a", RD, YEAR, 1.0)], [("a", RD, YEAR, 1, 1.0), ("a", RD, YEAR, 1, 2.0)], "月度数据重复"),
    ],
)
def test_bad_input(targets: list[Target], figures: list[Figure], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(targets, figures, 6)


def test_missing_column() -> None:
    targets = pl.DataFrame({"region_code": ["a"], "indicator": [RD], "year": [YEAR]})
    with pytest.raises(ValueError, match="目标表缺少列：target"):
        progress(targets, pl.DataFrame(), CATALOGUE, year=YEAR, month=6)


def test_duplicate_indicator_codes() -> None:
    with pytest.raises(ValueError, match="指标代码重复"):
        progress(pl.DataFrame(), pl.DataFrame(), (*CATALOGUE, CATALOGUE[0]), year=YEAR, month=6)


# ---- the catalogue -------------------------------------------------------------------------------------


def test_catalogue() -> None:
    expected = {
        "rd_spending": ("全社会研发投入", "万元", "cumulative"),
        "high_tech_output_share": ("高新技术产业产值占规上工业产值比重", "%", "point"),
        "invention_patents_per_10k": ("万人发明专利拥有量", "件", "point"),
        "hnte_count": ("高新技术企业数", "家", "point"),
        "tech_sme_count": ("科技型中小企业入库数", "家", "point"),
        "tech_contract_turnover": ("技术合同成交额", "万元", "cumulative"),
        "iur_projects": ("产学研合作项目数", "项", "cumulative"),
        "demand_iur_signed": ("需求对接产学研合作签约数", "项", "cumulative"),
        "demand_contract_amount": ("需求对接技术合同金额", "万元", "cumulative"),
        "rd_platforms": ("省级及以上研发平台数", "个", "point"),
        "talent_introduced": ("引进高层次人才数", "人", "cumulative"),
        "carriers_provincial_plus": ("省级及以上孵化器和众创空间数", "家", "point"),
        "talent_in_programmes": ("人才计划在岗人数", "人", "point"),
    }
    assert {i.code: (i.name, i.unit, i.mode) for i in CATALOGUE} == expected
    assert len(by_code()) == len(CATALOGUE) and by_code()["hnte_count"].direction == 1
    assert all(i.definition.endswith("。") and i.source and i.name_en for i in CATALOGUE)


@pytest.mark.parametrize(("direction", "mode"), [(0, "point"), (1, "flow")])
def test_indicator_validates(direction: int, mode: str) -> None:
    with pytest.raises(ValueError, match="指标 x"):
        Indicator("x", "x", "x", "个", "x。", direction, mode, "x")
