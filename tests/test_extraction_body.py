"""Body boundaries on a scraped page, and reading HTML and .docx uploads."""

from __future__ import annotations

import io

import pytest

from kechuang.extraction import DocumentError, docx_to_text, extract, html_to_text
from kechuang.extraction.boilerplate import find_layout

PAGE = """您的位置：首页 > 工作动态 > 部门动态
北岸区召开科技创新推进会 全年技术合同成交额突破50亿元
发布日期：2024-02-06 10:15　信息来源：北岸区科技局　浏览量：1288
【字号：大 中 小】【打印】【关闭】 分享到：微信 微博
2月5日，北岸区召开科技创新推进会，总结2023年工作，部署2024年重点任务。
一、2023年工作成效
全年技术合同成交额达到52.6亿元，同比增长18.4%；新认定高新技术企业96家，高新技术企业总数达到421家。
二、2024年重点任务
力争全年新增高新技术企业100家，技术合同成交额达到60亿元。
（责任编辑：周婷）
【打印本页】【关闭窗口】
广告 科技企业一站式服务 热线：400-800-1234
相关阅读
· 北岸区新增省级工程技术研究中心12家
· 北岸区3家企业获评省级瞪羚企业
原标题：《北岸区召开科技创新推进会》
版权所有：北岸区人民政府　苏ICP备12345678号-1
"""


def test_the_body_runs_from_the_first_to_the_last_sentence() -> None:
    start, end = extract(PAGE, "p.txt").body
    assert PAGE[start:end].startswith("2月5日，北岸区召开")
    assert PAGE[start:end].endswith("技术合同成交额达到60亿元。")


def test_the_headline_is_found_and_its_numbers_are_no_facts() -> None:
    layout = find_layout(PAGE)
    assert layout.title and PAGE[layout.title[0] : layout.title[1]].startswith("北岸区召开科技创新推进会")
    ex = extract(PAGE, "p.txt")
    assert 50 * 10**8 not in [f.value for f in ex.facts]
    assert all(ex.body[0] <= f.start and f.end <= ex.body[1] for f in ex.facts)


def test_chrome_numbers_are_no_facts() -> None:
    values = [f.value for f in extract(PAGE, "p.txt").facts]
    assert values == [5_260_000_000, 18.4, 96, 421, 100, 6_000_000_000]


def test_a_plain_document_is_all_body() -> None:
    text = "\n全区新增孵化器3家，在孵企业达到260家。\n"
    assert extract(text).body == (1, len(text) - 1)


def test_section_headings_inside_are_part_of_the_body() -> None:
    start, end = extract(PAGE, "p.txt").body
    assert "一、2023年工作成效" in PAGE[start:end] and "二、2024年重点任务" in PAGE[start:end]


def test_html_to_text_drops_markup_scripts_and_styles() -> None:
    html = (
        "<html><head><title>标题</title><style>p{color:red}</style><script>var x = '1亿元';</script></head>"
        "<body><div class='nav'>首页 &gt; 新闻</div><p>全区新增企业<b>12</b>家，&nbsp;增长5%。</p>"
        "<p>第二段<br>换行</p><!-- 注释 --></body></html>"
    )
    text = html_to_text(html)
    assert "var x" not in text and "color" not in text and "注释" not in text
    assert text.splitlines() == ["首页 > 新闻", "全区新增企业12家， 增长5%。", "第二段", "换行"]
    assert [f.value for f in extract(text).facts] == [12, 5]


def test_docx_to_text_reads_paragraphs_and_tables() -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("全区新增高新技术企业80家。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "技术合同成交额"
    table.rows[0].cells[1].text = "35亿元"
    buffer = io.BytesIO()
    document.save(buffer)
    text = docx_to_text(buffer.getvalue())
    assert text == "全区新增高新技术企业80家。\n技术合同成交额 35亿元\n"


def test_a_bad_docx_is_a_clear_error() -> None:
    pytest.importorskip("docx")
    with pytest.raises(DocumentError, match="not a readable .docx"):
        docx_to_text(b"not a zip file")
