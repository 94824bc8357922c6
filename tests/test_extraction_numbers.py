"""Numerals, scales, units and approximation markers (table tests on sentences written for them)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kechuang.extraction.numbers import as_json_number, cn_to_int, mentions
from tests.extraction_helpers import one, values


@pytest.mark.parametrize(
    "numeral, expected",
    [
        ("三", 3),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十五", 35),
        ("一百二十", 120),
        ("两千", 2000),
        ("一万二千", 12000),
        ("三万", 30000),
        ("十亿", 1_000_000_000),
        ("万亿", 10**12),
        ("三五", None),
        ("abc", None),
    ],
)
def test_chinese_numerals(numeral: str, expected: int | None) -> None:
    assert cn_to_int(numeral) == expected


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("全县规上企业营业收入达到452.3亿元。", 45_230_000_000, "元"),
        ("争取省级专项资金3580万元。", 35_800_000, "元"),
        ("全省数字经济规模达4.2万亿元。", 4_200_000_000_000, "元"),
        ("实现出口交货值1.6亿美元。", 160_000_000, "美元"),
        ("落实减税降费2000多万元。", 20_000_000, "元"),
        ("全区市场主体总量达到3.4万家。", 34_000, "家"),
        ("常住人口增加1.5万人。", 15_000, "人"),
        ("研发人员占比为17.6%。", 17.6, "%"),
        ("研发人员占比为17.6％。", 17.6, "%"),
        ("研发投入强度较上年提高0.35个百分点。", 0.35, "百分点"),
        ("新建厂房8.6万平方米。", 86_000, "平方米"),
        ("园区规划面积12平方公里。", 12_000_000, "平方米"),
        ("新建城市快速路36公里。", 36_000, "米"),
        ("芯片制程达到7纳米。", 7e-9, "米"),
        ("光伏装机容量达到520万千瓦。", 5_200_000, "千瓦"),
        ("储能电站容量达到2.4GWh。", 2.4, "GWh"),
        ("新增风电装机1.8GW。", 1.8, "GW"),
        ("年产锂电隔膜6亿平方米的项目开工。", 600_000_000, "平方米"),
        ("万人高价值发明专利拥有量达到12.4件。", 12.4, "件/万人"),
        ("组建产业技术创新联盟9个。", 9, "个"),
        ("组建青年科技服务队15支。", 15, "支"),
        ("全年举办技术对接会42场。", 42, "场"),
        ("接待参观交流260余批次。", 260, "批次"),
    ],
)
def test_values_are_in_base_units(sentence: str, value: float, unit: str) -> None:
    fact = one(sentence)
    assert fact.unit == unit
    assert fact.value == pytest.approx(value)


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("两家单位获评省级示范。", 2, "家"),
        ("新建三个概念验证中心。", 3, "个"),
        ("开展二十余场路演活动。", 20, "场"),
        ("培育四十余家瞪羚企业。", 40, "家"),
        ("实施五大工程。", 5, "个"),
        ("聚焦六大未来产业。", 6, "个"),
    ],
)
def test_chinese_numeral_counts(sentence: str, value: int, unit: str) -> None:
    fact = one(sentence)
    assert (fact.value, fact.unit, fact.kind) == (value, unit, "count")


@pytest.mark.parametrize(
    "sentence, approx",
    [
        ("引进高端人才约350人。", True),
        ("服务企业近900家。", True),
        ("带动就业超2000人。", True),
        ("带动就业超过2000人。", True),
        ("年销售收入突破50亿元。", True),
        ("培训技术骨干600余人。", True),
        ("培训技术骨干600多人。", True),
        ("技术合同登记额达到80亿元以上。", True),
        ("研发投入增长15%左右。", True),
        ("物流半径缩短至30公里以内。", True),
        ("每年安排不少于2亿元。", True),
        ("新增孵化面积5万平方米。", False),
        ("科技贷款余额达到96.5亿元。", False),
        ("单个项目最高资助300万元。", False),
        ("预计全年营业收入达到18亿元。", False),
        ("博士以上人才达到260名。", False),
        ("省级以上研发平台累计达到155家。", False),
    ],
)
def test_approx_markers(sentence: str, approx: bool) -> None:
    assert one(sentence).approx is approx


def test_ranges_give_two_facts_with_the_upper_unit() -> None:
    assert values("按合同金额的5%至10%给予补助。") == [(5, "%"), (10, "%")]
    assert values("每家奖励50万元到80万元不等。") == [(500_000, "元"), (800_000, "元")]
    assert values("每项资助20至50万元。") == [(200_000, "元"), (500_000, "元")]
    low, high = [f.indicator for f in one.__globals__["facts"]("按合同金额的5%至10%给予补助。")]
    assert low.endswith("(区间下端)") and high.endswith("(区间上端)")


def test_thousands_separators_and_ascii_commas() -> None:
    assert values("全年服务企业1,260家,同比增长8%。") == [(1260, "家"), (8, "%")]


def test_mentions_read_scale_and_markers() -> None:
    text = "近58亿元、超万亿元、上亿元、300余家"
    found = mentions(text, 0, len(text))
    assert [(m.value, m.unit, m.approx) for m in found] == [
        (Decimal("5800000000"), "元", True),
        (Decimal(10) ** 12, "元", True),
        (Decimal(10) ** 8, "元", True),
        (Decimal(300), "家", True),
    ]


@pytest.mark.parametrize(
    "value, expected", [(Decimal("3.10"), 3.1), (Decimal("310000000.0"), 310000000), (Decimal(7), 7)]
)
def test_json_numbers(value: Decimal, expected: float) -> None:
    out = as_json_number(value)
    assert out == expected and type(out) is type(expected)
