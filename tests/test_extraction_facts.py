"""What is a fact and what kind it is (table tests on sentences written for them)."""

from __future__ import annotations

import pytest

from tests.extraction_helpers import facts, one, values


@pytest.mark.parametrize(
    "sentence",
    [
        "2023年9月12日，全区召开科技工作推进会。",  # dates
        "1-9月，各项工作有序推进。",  # month span alone
        "截至6月底，相关工作已全面启动。",
        "一、总体情况",  # list numbering
        "（三）强化人才支撑",
        "2、优化创新生态。",
        "一是强化统筹，二是压实责任，三是加强督查。",
        "二期工程开工建设。",  # phases, generations, grades
        "第四代核电技术取得进展。",
        "首批试点单位名单公布。",
        "项目荣获三等奖。",
        "该药已进入Ⅱ期临床。",
        "形成一批标志性成果。",  # indefinite 一
        "这是创新发展的一个缩影。",
        "一次性完成全部审批。",
        "科技是第一生产力。",
        "深入落实“创新16条”。",  # names with numbers
        "全面推行“一企一策”服务。",
        "构建“1+5+N”产业体系。",
        "印发《五年行动方案（2024—2028年）》。",
        "从四个方面提出具体要求。",  # N个方面
        "重点抓好5个方面工作。",
        "5G基站建设加快推进。",  # alphanumerics
        "取得2类医疗器械注册证后加快上市。",
        "今后三年持续加大投入。",  # time spans
        "两年内完成搬迁。",
        "千方百计稳住经济大盘。",  # idioms
        "新招引亿元以上项目。",  # bare threshold
    ],
)
def test_not_facts(sentence: str) -> None:
    assert facts(sentence) == []


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("新签约10亿元以上项目6个。", [(6, "个")]),
        ("培育产值超百亿元的龙头企业4家。", [(4, "家")]),
        ("研发投入强度超过3%的企业有126家。", [(126, "家")]),
        ("共4个方面21条具体措施。", [(21, "条")]),
        ("其中一等奖3项。", [(3, "项")]),
        ("新建研发中心和检测平台各4家。", [(4, "家")]),
    ],
)
def test_thresholds_grades_and_aspects_leave_the_count(sentence: str, expected: list) -> None:  # type: ignore[type-arg]
    assert values(sentence) == expected


def test_each_keeps_the_stated_number() -> None:
    fact = one("新建研发中心和检测平台各4家。")
    assert fact.value == 4 and fact.indicator.endswith("(各)")


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("全市工业技改投资达到215亿元。", "level"),
        ("新增孵化场地2.2万平方米。", "level"),
        ("年产高端轴承800万套。", "level"),
        ("新认定高新技术企业312家。", "count"),
        ("高新技术企业净增84家。", "count"),
        ("技术合同成交额同比增长18.6%。", "growth_rate"),
        ("研发经费较上年增长7.2%。", "growth_rate"),
        ("占比较上年提高1.4个百分点。", "growth_rate"),
        ("高新技术产业产值占比达51.2%。", "share"),
        ("产品良率提升至96%。", "share"),
        ("完成年度任务的104.5%。", "share"),
        ("综合实力居全省第3位。", "rank"),
        ("创新指数位列全国第27位。", "rank"),
        ("增速居全市首位。", "rank"),
        ("综合得分全省排名第一。", "rank"),
        ("进入全国前10名。", "rank"),
        ("位列全国第12名。", "rank"),
        ("排名较上年提升3个位次。", "other"),
        ("在全国评价中前移5位。", "other"),
        ("专注精密铸造二十余年的企业。", "other"),
        ("对新获批的国家级平台给予最高800万元支持。", "other"),
        ("对首次认定的企业一次性奖励30万元。", "other"),
        ("按研发费用的15%给予补助。", "other"),
        ("对新认定的省级企业技术中心，给予50万元奖励。", "other"),
        ("对顶尖人才团队给予800万元项目资助。", "other"),
        ("单个企业每年不超过200万元。", "other"),
        ("全年兑现各类奖补资金1.6亿元。", "level"),
        ("力争全年新增规上企业120家。", "target"),
        ("确保技术合同成交额达到90亿元。", "target"),
        ("明年将新建中试基地5个。", "target"),
        ("公司计划投资12亿元建设新工厂。", "target"),
        ("到2027年，研发投入强度达到3.5%。", "target"),
        ("力争研发投入增长10%以上。", "target"),
        ("预计全年新增专利授权3000件。", "count"),
        ("预计全年营业收入可突破60亿元。", "level"),
    ],
)
def test_kinds(sentence: str, kind: str) -> None:
    assert one(sentence).kind == kind


def test_a_figure_repeated_is_a_fact_at_every_mention() -> None:
    text = "围绕12条产业链开展招商。12条产业链各有一名链长。"
    found = facts(text)
    assert [f.value for f in found] == [12, 12]
    assert found[0].start < text.index("。") < found[1].start


def test_same_number_with_two_units_gives_two_facts() -> None:
    assert values("产值增长9.5%，塔吊高度达到9.5米。") == [(9.5, "%"), (9.5, "米")]


def test_spans_are_substrings_with_the_number() -> None:
    text = "2023年，全区规上工业企业研发费用达到42.6亿元，同比增长12.1%；新增省级研发机构18家。"
    for fact in facts(text):
        assert text[fact.start : fact.end] == fact.text
        assert str(fact.value).rstrip("0").rstrip(".").split(".")[0][:2] in fact.text.replace(".", "")
        assert text[fact.sentence_start : fact.sentence_end].startswith("2023年")


def test_policy_range_ends_are_other() -> None:
    found = facts("按设备投资额的6%至9%给予补助，单台奖励金额在20万元到50万元之间。")
    assert [(f.value, f.kind) for f in found] == [
        (6, "other"),
        (9, "other"),
        (200_000, "other"),
        (500_000, "other"),
    ]


def test_indicator_names_the_measure() -> None:
    found = facts("2023年，全市规模以上工业企业研发投入达到210亿元，同比增长9.8%。")
    assert found[0].indicator == "规上工业企业研发投入"
    assert found[1].indicator == "规上工业企业研发投入同比增长"
    assert one("全年新认定高新技术企业260家。").indicator == "高新技术企业新认定数"
    assert one("预计全年新增专利授权3000件。").indicator.endswith("(预计)")


def test_a_listed_second_figure_keeps_the_first_ones_kind() -> None:
    found = facts("产值和税收同比分别增长12%和15%。")
    assert [(f.value, f.kind) for f in found] == [(12, "growth_rate"), (15, "growth_rate")]
