"""Subjects: the document's region, named places and organisations, companies' full names, speakers."""

from __future__ import annotations

from kechuang.extraction import extract
from tests.extraction_helpers import facts

PAGE = """首页 > 工作动态
江都区2023年科技工作综述
发布时间：2024-01-12 来源：江都区科技局
2023年，全区高新技术企业总数达到356家，同比增长14.2%。
我区科技型中小企业入库986家，入库数居全市第2位。
扬州金源智能装备有限公司去年实现营业收入12.4亿元，同比增长21%。金源智能研发投入5200万元。
“今年公司将新增发明专利40件。”公司董事长刘强说。
邗江区新认定高新技术企业45家，扬州市全年新认定高新技术企业612家。
（责任编辑：张三）
"""


def test_document_region_comes_from_the_headline_and_resolves_we_and_whole() -> None:
    ex = extract(PAGE, "p.txt")
    assert ex.region == "江都区"
    subjects = [(f.value, f.subject) for f in ex.facts]
    assert subjects[:4] == [(356, "江都区"), (14.2, "江都区"), (986, "江都区"), (2, "江都区")]


def test_companies_take_their_full_name_and_quotes_their_speakers_unit() -> None:
    subjects = {f.value: f.subject for f in extract(PAGE, "p.txt").facts}
    full = "扬州金源智能装备有限公司"
    assert subjects[1_240_000_000] == full and subjects[21] == full
    assert subjects[52_000_000] == full
    assert subjects[40] == full


def test_named_places_are_their_own_subjects() -> None:
    subjects = {f.value: f.subject for f in extract(PAGE, "p.txt").facts}
    assert subjects[45] == "邗江区" and subjects[612] == "扬州市"


def test_province_tokens_resolve_to_the_province_named() -> None:
    text = "江北省科技厅发布年度报告。全省高新技术企业达到1.8万家，我省技术合同成交额增长12%。"
    assert [f.subject for f in facts(text)] == ["江北省", "江北省"]


def test_a_zone_headline_makes_the_zone_the_subject_of_bare_gaoxinqu() -> None:
    text = "南湖高新区：创新要素加速集聚\n2023年，高新区实现技工贸总收入860亿元，新增上市企业2家。"
    assert {f.subject for f in facts(text)} == {"南湖高新区"}


def test_a_figure_written_before_its_organisation_belongs_to_it() -> None:
    text = "江都区设立总规模10亿元的江都科创母基金。"
    assert facts(text)[0].subject == "江都科创母基金"


def test_rank_scopes_are_not_subjects() -> None:
    text = "江都区技术合同成交额居全省第8位。"
    assert facts(text)[0].subject == "江都区"
