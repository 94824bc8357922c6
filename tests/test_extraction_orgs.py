"""Organisations: names by suffix with a proper start, types, maximal names, aliases, short references."""

from __future__ import annotations

import pytest

from kechuang.extraction import extract
from kechuang.extraction.orgs import company_aliases


def orgs(text: str, gazetteer: tuple[str, ...] = ()) -> dict[str, str]:
    return {o.name: o.type for o in extract(text, "o.txt", gazetteer=gazetteer).orgs}


@pytest.mark.parametrize(
    "sentence, name, kind",
    [
        ("由扬州大学牵头组建联合体。", "扬州大学", "university"),
        ("与江苏海工智能装备有限公司签约。", "江苏海工智能装备有限公司", "enterprise"),
        ("江都区科技局召开会议。", "江都区科技局", "government"),
        ("区科技局会同区财政局开展评审。", "区科技局", "government"),
        ("区科技局会同区财政局开展评审。", "区财政局", "government"),
        ("经市委、市政府研究决定。", "市委", "government"),
        ("经市委、市政府研究决定。", "市政府", "government"),
        ("市财政安排专项资金。", "市财政", "government"),
        ("省发展改革委印发通知。", "省发展改革委", "government"),
        ("工业和信息化部公布名单。", "工业和信息化部", "government"),
        ("江都高新区管委会负责人介绍。", "江都高新区管委会", "government"),
        ("江都高新区管委会负责人介绍，江都高新区新增企业。", "江都高新区", "carrier"),
        ("江都区人民政府批复同意。", "江都区人民政府", "government"),
        ("市发展改革委党组书记出席。", "市发展改革委党组", "government"),
        ("江都区产业技术研究院揭牌。", "江都区产业技术研究院", "research_institute"),
        ("江都实验室正式运行。", "江都实验室", "carrier"),
        ("江都智造科创园新增入驻企业。", "江都智造科创园", "carrier"),
        ("江都农商银行发放贷款。", "江都农商银行", "financial"),
        ("江都区天使投资基金完成首笔投资。", "江都区天使投资基金", "financial"),
        ("江都区软件行业协会成立。", "江都区软件行业协会", "other"),
        ("中国银行扬州分行发放贷款。", "中国银行扬州分行", "financial"),
        ("江苏银行加大投放。", "江苏银行", "financial"),
        ("市天使投资引导基金完成投资。", "市天使投资引导基金", "financial"),
        ("、仙城经济开发区新增企业。", "仙城经济开发区", "carrier"),
        ("会上签约南京大学江都创新研究院。", "南京大学江都创新研究院", "research_institute"),
        ("中国科学院相关院所参加。", "中国科学院", "research_institute"),
    ],
)
def test_names_and_types(sentence: str, name: str, kind: str) -> None:
    found = orgs("江都区工作动态。" + sentence)
    assert found.get(name) == kind, found


@pytest.mark.parametrize(
    "sentence",
    [
        "新建省级重点实验室3家。",
        "入选国家级科技企业孵化器。",
        "在国家高新区评价中进位。",
        "合作银行扩大到12家。",
        "金融机构加大信贷投放。",
        "公司加大研发投入。",
        "“江都科创贷”投放加快。",
        "建设区域科技创新中心。",
        "江都区高新技术企业数量增长。",
        "各类产业园区要发挥作用。",
        "省级开发区加快转型。",
        "做强科技创新引导基金。",
    ],
)
def test_classes_programmes_and_places_are_not_organisations(sentence: str) -> None:
    assert orgs("江都区工作动态。" + sentence) == {}


def test_the_maximal_name_is_kept_and_nested_names_only_when_alone() -> None:
    found = orgs("江都区动态。扬州大学江都技术转移中心投入运营。")
    assert "扬州大学江都技术转移中心" in found and "扬州大学" not in found
    found = orgs("江都区动态。扬州大学江都技术转移中心投入运营，扬州大学派驻专家。")
    assert "扬州大学" in found


def test_aliases_from_yixia_jiancheng_and_from_full_company_names() -> None:
    text = (
        "江都区动态。扬州江都智能制造研究院（以下简称“智造院”）成立。智造院已孵化企业。"
        "扬州亿晶光电科技有限公司投产。亿晶光电产能扩大。"
    )
    found = orgs(text)
    assert found["智造院"] == "research_institute"
    assert found["亿晶光电"] == "enterprise"


def test_company_aliases() -> None:
    assert company_aliases("扬州亿晶光电科技有限公司", ["扬州"]) == ["亿晶光电科技", "亿晶光电"]
    assert company_aliases("江苏华电集团有限公司", ["江苏"]) == ["江苏华电"]
    assert company_aliases("金源智能装备有限公司", []) == ["金源智能装备", "金源智能"]


def test_gazetteer_names_are_enterprises() -> None:
    found = orgs("江都区动态。宏达科技牵头完成攻关。", gazetteer=("宏达科技",))
    assert found["宏达科技"] == "enterprise"


def test_short_company_names_in_agent_position() -> None:
    found = orgs("江都区动态。两项成果分别由恒瑞精密和汇川生物牵头完成。")
    assert found.get("恒瑞精密") == "enterprise" and found.get("汇川生物") == "enterprise"


def test_headline_organisations_count_but_footer_ones_do_not() -> None:
    page = (
        "首页 > 动态\n江都区科技局召开年度工作会议\n发布时间：2024-01-05\n"
        "会议总结了2023年工作，部署了2024年重点任务，全区科技工作迈上新台阶。\n"
        "主办单位：江都区人民政府办公室 联系电话：0514-12345678\n"
    )
    found = orgs(page)
    assert "江都区科技局" in found and "江都区人民政府办公室" not in found
