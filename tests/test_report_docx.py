"""The Word writer: the sample report written, reopened with python-docx and checked against GB/T 9704
(page, grid, fonts, heading numbers) and the report model (figures with source markers, tables,
placeholders, charts, the source list), and written twice to the same bytes."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from kechuang.reports import docx as writer
from kechuang.reports.model import Fig, Paragraph, Report, Section, Table, blocks, footnotes, note_numbers
from tests.report_sample import sample_report

TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def data(report: Report) -> bytes:
    return writer.write_docx(report)


@pytest.fixture(scope="module")
def doc(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def _east_asia(run: Run) -> str | None:
    rpr = run._r.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _headings(doc: DocumentObject) -> list[DocxParagraph]:
    return [p for p in doc.paragraphs if p.style is not None and (p.style.name or "").startswith("Heading")]


def _after(doc: DocumentObject, heading: str) -> list[DocxParagraph]:
    texts = [p.text for p in doc.paragraphs]
    return doc.paragraphs[texts.index(heading) + 1 :]


def test_page_is_a4_with_the_gbt9704_margins(doc: DocumentObject) -> None:
    section = doc.sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28}
    expected |= {"right_margin": 26, "bottom_margin": 35}
    for name, mm in expected.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.5), name
    text_width = section.page_width.mm - section.left_margin.mm - section.right_margin.mm
    text_height = section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm
    assert (round(text_width), round(text_height)) == (156, 225)


def test_document_grid_is_22_lines_of_28_characters(doc: DocumentObject) -> None:
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch = int(grid.get(qn("w:linePitch")))
    assert pitch == 579
    text_height = 225 * TWIPS_PER_MM
    assert 22 * pitch <= text_height < 23 * pitch  # exactly 22 lines fit
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 156 / 25.4 * 72 / char_pitch_pt == pytest.approx(28, abs=0.01)


def test_headings_are_numbered_in_order(doc: DocumentObject) -> None:
    assert [p.text for p in _headings(doc)] == [
        "一、核心指标",
        "（一）创新主体培育",
        "1. 小升高",
        "二、2027年工作计划",
        "附：数据来源",
    ]
    fonts = {p.text: (_east_asia(p.runs[0]), p.runs[0].font.bold) for p in _headings(doc)}
    assert fonts["一、核心指标"][0] == "黑体"
    assert fonts["（一）创新主体培育"][0] == "楷体_GB2312"
    assert fonts["1. 小升高"] == ("仿宋_GB2312", True)
    assert fonts["附：数据来源"][0] == "黑体"


def test_title_is_2hao_xiaobiaosong_centred_and_subtitle_below(doc: DocumentObject, report: Report) -> None:
    title, subtitle = doc.paragraphs[0], doc.paragraphs[1]
    assert title.text == report.title
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [(r.font.size, _east_asia(r)) for r in title.runs] == [(Pt(22), "方正小标宋简体")]
    assert subtitle.text == report.subtitle
    assert subtitle.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert subtitle.runs[0].font.size == Pt(16)


def test_body_is_3hao_fangsong_on_the_grid_indented_and_justified(doc: DocumentObject) -> None:
    body = [p for p in doc.paragraphs if p.text.startswith(("全年新增", "全社会研发投入", "依据", "培育库"))]
    assert len(body) == 4
    for p in body:
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert p.paragraph_format.first_line_indent == Pt(32)
        assert p.paragraph_format.line_spacing.twips == 579
        assert p._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
        for run in p.runs:
            assert run.font.size == Pt(16)
            assert _east_asia(run) == "仿宋_GB2312"
            assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"


def test_every_figure_is_followed_by_its_source_marker(doc: DocumentObject, report: Report) -> None:
    numbers = note_numbers(report)
    runs = [r for p in doc.paragraphs for r in p.runs]
    figs = [
        part for b in blocks(report) if isinstance(b, Paragraph) for part in b.parts if isinstance(part, Fig)
    ]
    assert len(figs) == 5
    for fig in figs:
        at = next(i for i, r in enumerate(runs) if r.text == fig.text)
        marker = runs[at + 1]
        assert marker.text == f"[{numbers[fig.source]}]"
        assert marker.font.superscript is True
    assert "全年新增国家高新技术企业712家[1]、累计达1774家[1]" in "".join(p.text for p in doc.paragraphs)


def test_every_marker_has_an_entry_in_the_source_list(doc: DocumentObject, report: Report) -> None:
    entries = [p.text for p in _after(doc, "附：数据来源")]
    notes = footnotes(report)
    assert len(notes) == 3
    assert entries[: len(notes)] == [f"[{n}] {s.label()}" for n, s in enumerate(notes, start=1)]
    assert entries[len(notes)] == "数据截至：2026-12-07"
    used = {int(r.text.strip("[]")) for p in doc.paragraphs for r in p.runs if r.font.superscript}
    assert used == set(range(1, len(notes) + 1))


def test_placeholder_is_bold_on_yellow(doc: DocumentObject) -> None:
    (p,) = [p for p in doc.paragraphs if "待填写" in p.text]
    assert p.text == "【待填写：明年工作思路和重点任务】"
    (run,) = p.runs
    assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert run.font.bold is True


def test_table_has_caption_repeating_header_and_all_rows(doc: DocumentObject, report: Report) -> None:
    (model,) = [b for b in blocks(report) if isinstance(b, Table)]
    (table,) = doc.tables
    assert table.style is not None and table.style.name == "Table Grid"
    assert len(table.rows) == 1 + len(model.rows) == 61
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert [c.text for c in header.cells] == [
        "地区",
        "研发投入（万元）",
        "高新技术企业（家）",
        "占比",
        "排名",
        "灯",
    ]
    assert all(r.font.bold for c in header.cells for r in c.paragraphs[0].runs)
    first = table.rows[1].cells
    assert [c.text for c in first] == ["广陵区", "12,345.60", "100", "30%", "1", "绿"]
    assert first[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert first[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    size = first[1].paragraphs[0].runs[0].font.size
    assert size is not None and Pt(10.5) <= size <= Pt(12)
    assert _east_asia(first[1].paragraphs[0].runs[0]) == "仿宋_GB2312"
    texts = [p.text for p in doc.paragraphs]
    caption = texts.index("表 1　各地区主要指标[2]")
    assert doc.paragraphs[caption].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(doc.paragraphs[caption].runs[0]) == "黑体"
    note, source = doc.paragraphs[caption + 1], doc.paragraphs[caption + 2]
    assert note.text == "注：研发投入为年初至 10 月累计。"
    assert source.text == f"资料来源：[2] {model.source.label()}"
    assert source.runs[0].font.size < Pt(16)


def test_charts_are_inline_pictures_150mm_wide_with_captions(doc: DocumentObject, data: bytes) -> None:
    assert len(doc.inline_shapes) == 2
    for shape in doc.inline_shapes:
        assert shape.width.mm == pytest.approx(150, abs=0.1)
    media = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media/")]
    assert len(media) == 2
    texts = [p.text for p in doc.paragraphs]
    assert "图 1　各地区高新技术企业数（单位：家）[1]" in texts
    assert "图 2　全社会研发投入累计（单位：万元）[2]" in texts
    picture = doc.paragraphs[texts.index("图 1　各地区高新技术企业数（单位：家）[1]") - 1]
    assert picture.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert picture._p.xpath(".//pic:pic")


def test_footer_has_a_page_field_between_dashes(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer
    assert not footer.is_linked_to_previous
    (p,) = footer.paragraphs
    field = [el.get(qn("w:fldCharType")) or el.text for el in p._p.iter(qn("w:fldChar"), qn("w:instrText"))]
    assert field == ["begin", " PAGE ", "separate", "end"]
    assert p.text.startswith("— ") and p.text.endswith(" —")
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for run in p.runs:
        assert run.font.size == Pt(14)
        assert _east_asia(run) == "宋体"


def test_core_properties_come_from_the_report(doc: DocumentObject, report: Report) -> None:
    props = doc.core_properties
    assert props.title == report.title
    assert props.author == "kechuang"
    assert props.created is not None and props.created.replace(tzinfo=None) == writer.FIXED_DATE
    stamped = dataclasses.replace(report, meta={**report.meta, "generated_at": "2026-12-07T18:30:00+08:00"})
    created = Document(io.BytesIO(writer.write_docx(stamped))).core_properties.created
    assert created is not None and created.replace(tzinfo=None).isoformat() == "2026-12-07T10:30:00"


def test_same_report_same_bytes(data: bytes, report: Report) -> None:
    again = writer.write_docx(report)
    with zipfile.ZipFile(io.BytesIO(data)) as a, zipfile.ZipFile(io.BytesIO(again)) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")
    assert again == data


def test_meta_line_lists_the_present_keys() -> None:
    meta = {"generated_at": "2026-12-07 18:30", "generated_by": "张三", "revision": 7, "as_of": "2026-12-07"}
    assert (
        writer.meta_line(meta)
        == "生成时间：2026-12-07 18:30　生成人：张三　数据版本：7　数据截至：2026-12-07"
    )
    assert writer.meta_line({"revision": "", "x": 1}) == ""


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九")]
    + [(100, "一百"), (101, "一百零一"), (110, "一百一十"), (999, "九百九十九")],
)
def test_chinese_numerals(n: int, text: str) -> None:
    assert writer.chinese_numeral(n) == text


def test_heading_counters_restart_under_each_parent() -> None:
    sub = (Section("甲"), Section("乙", subsections=(Section("子"),)))
    report = Report(
        "annual", "t", "s", sections=(Section("一", subsections=sub), Section("二", subsections=sub))
    )
    assert [h for _, h, _ in writer.numbered_headings(report)] == [
        "一、一",
        "（一）甲",
        "（二）乙",
        "1. 子",
        "二、二",
        "（一）甲",
        "（二）乙",
        "1. 子",
    ]
    assert writer.heading_number(4, 3) == "（3）"
    assert writer.heading_number(1, 12) == "十二、"
