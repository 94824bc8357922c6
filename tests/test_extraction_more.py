"""Conventions added after probing unseen pages: percentages in words, tenths, text-structure counts,
eligibility conditions, and the publisher in the page chrome as the document's region."""

from __future__ import annotations

import pytest

from kechuang.extraction import extract
from tests.extraction_helpers import facts, values


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("全年技术合同成交额比上年增长百分之十五。", 15),
        ("研发人员数量同比增长百分之3.5。", 3.5),
        ("外资研发机构数量约占全市总数的三成。", 30),
        ("新增专利中发明专利占两成半。", 25),
    ],
)
def test_percentages_written_in_words(sentence: str, value: float) -> None:
    assert values(sentence) == [(pytest.approx(value), "%")]


@pytest.mark.parametrize("sentence", ["全市科技工作一成不变地抓紧抓实。", "新吸纳三成员单位加入联盟。"])
def test_cheng_in_ordinary_words_is_no_number(sentence: str) -> None:
    assert [f for f in facts(sentence) if f.unit == "%"] == []


@pytest.mark.parametrize("sentence", ["《办法》共3个部分15条。", "政策涵盖四个板块、21项措施。"])
def test_the_parts_of_a_text_are_not_counted(sentence: str) -> None:
    units = [u for _, u in values(sentence)]
    assert "个" not in units and len(units) == 1


def test_an_eligibility_condition_is_not_a_fact() -> None:
    found = facts("对年度研发投入超过2000万元且增幅不低于15%的企业，按新增部分的5%给予补助，最高300万元。")
    assert [(f.value, f.unit) for f in found] == [(5, "%"), (3000000, "元")]


def test_the_publisher_in_the_chrome_is_the_documents_region() -> None:
    page = (
        "某某市人民政府 > 政务动态\n我市出台科技新政\n来源：某某市科技局\n"
        "今年，我市高新技术企业达到860家，同比增长12%。\n责任编辑：张三\n"
    )
    ex = extract(page, "p.txt")
    assert ex.region == "某某市"
    assert [(f.value, f.subject) for f in ex.facts] == [(860, "某某市"), (12, "某某市")]


@pytest.mark.parametrize("sentence", ["全市汽车零部件企业127家。", "零售额增长8%。", "建成零碳园区3个。"])
def test_ling_in_words_is_not_nought(sentence: str) -> None:
    found = facts(sentence)
    assert all(f.value != 0 for f in found) and all(not f.text.startswith(("部", "售", "碳")) for f in found)
    assert len(found) == 1


def test_three_character_place_names_after_a_pause() -> None:
    found = facts("2025年，哈尔滨市高新技术企业达到3000家；推动扬州市研发投入强度达到2.9%。")
    assert [f.subject for f in found] == ["哈尔滨市", "扬州市"]
