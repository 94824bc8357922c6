"""Periods: explicit years, cumulative month spans, relative years, governing time expressions, targets."""

from __future__ import annotations

from datetime import date

import pytest

from kechuang.extraction.periods import time_expressions
from tests.extraction_helpers import facts, one


@pytest.mark.parametrize(
    "phrase, kind, period",
    [
        ("2022年", "year", "2022"),
        ("2022年底", "year", "2022"),
        ("截至2022年末", "year", "2022"),
        ("1-8月", "range", "2023-01..2023-08"),
        ("1—8月", "range", "2023-01..2023-08"),
        ("截至9月底", "range", "2023-01..2023-09"),
        ("上半年", "range", "2023-01..2023-06"),
        ("前三季度", "range", "2023-01..2023-09"),
        ("今年一季度", "range", "2024-01..2024-03"),
        ("截至今年2月底", "range", "2024-01..2024-02"),
        ("去年", "year", "2023"),
        ("今年", "year", "2024"),
        ("全年", "year", "2023"),
        ("力争到2027年", "target", "2027"),
        ("近年来", "vague", None),
        ("三年内", "vague", None),
        ("每年", "vague", None),
    ],
)
def test_time_expressions(phrase: str, kind: str, period: str | None) -> None:
    found = time_expressions(phrase, 0, len(phrase), published=2024, context=2023)
    assert len(found) == 1
    assert (found[0].kind, found[0].period()) == (kind, period)


def test_comparison_bases_are_not_time_expressions() -> None:
    text = "较去年同期提高2个百分点，比上年增长5%"
    assert time_expressions(text, 0, len(text), published=2024, context=2023) == []


def test_a_leading_span_governs_the_whole_list() -> None:
    found = facts(
        "1-10月，全县规上工业产值达到385亿元，同比增长6.1%；工业用电量增长8.2%。全年新增企业90家。",
        published=date(2023, 11, 25),
    )
    assert [f.period for f in found] == ["2023-01..2023-10"] * 3 + ["2023"]


def test_relative_years_resolve_from_the_publication_date() -> None:
    found = facts("去年，公司营业收入达到8.2亿元。今年一季度，订单增长35%。", published=date(2025, 4, 2))
    assert [f.period for f in found] == ["2024", "2025-01..2025-03"]


def test_the_header_date_is_the_publication_date() -> None:
    page = (
        "首页 > 新闻\n某区召开大会\n发布时间：2022-02-10 来源：区科技局\n"
        "去年，全区技术合同成交额达到21.5亿元，同比增长16%，较上年提高3个百分点，主要指标保持全市前列。\n"
        "Copyright © 2022 版权所有\n"
    )
    assert [f.period for f in facts(page, published=None)] == ["2021"] * 3


def test_a_year_stated_once_carries_to_later_paragraphs() -> None:
    text = "2022年，全市科技工作成效明显。\n新增国家级孵化器3家。\n省级众创空间达到41家。"
    assert [f.period for f in facts(text)] == ["2022", "2022"]


def test_targets_take_their_target_year() -> None:
    found = facts("会议提出，到2026年，全市高新技术企业数量突破5000家，研发投入强度达到3.2%。")
    assert [(f.kind, f.period) for f in found] == [("target", "2026"), ("target", "2026")]
    assert one("今年，全区将新建中试基地4个。").period == "2024"
    assert one("力争全年新增企业50家。", published=date(2024, 1, 5)).period == "2024"


@pytest.mark.parametrize(
    "sentence",
    [
        "近年来，全市累计建成省级平台62个。",  # vague time
        "近5年累计投入研发资金86亿元。",
        "对新认定的企业给予最高100万元奖励。",  # policy parameter
        "每年安排专项资金5000万元。",  # yearly quota
        "部署实施六大行动。",  # plan components
        "电池转换效率达到25.8%。",  # technical parameter
        "项目全部达产后将新增产能30万吨。",  # plan value without a year
        "专注新材料研发十余年的企业。",  # years in the industry
    ],
)
def test_periods_that_stay_null(sentence: str) -> None:
    assert one(sentence).period is None


def test_plan_sections_are_targets_of_the_plan_year() -> None:
    text = (
        "一、2023年工作情况\n全年新增高新技术企业88家。\n二、2024年工作计划\n"
        "1、培育创新主体。全年新增高新技术企业100家，研发投入增长10%。"
    )
    found = facts(text, published=date(2023, 12, 20))
    assert [(f.value, f.kind, f.period) for f in found] == [
        (88, "count", "2023"),
        (100, "target", "2024"),
        (10, "target", "2024"),
    ]


def test_a_quote_without_a_date_leaves_stocks_undated() -> None:
    found = facts("“我们累计申请发明专利120件。”公司总经理王强说。")
    assert found[0].period is None
