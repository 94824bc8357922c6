"""A report as a Word document (python-docx), laid out after GB/T 9704-2012 《党政机关公文格式》.

The figures of the standard this writer uses:

* paper A4, 210 mm × 297 mm; 版心 156 mm × 225 mm: top margin 37 mm, left 28 mm,
  hence right 210 − 28 − 156 = 26 mm and bottom 297 − 37 − 225 = 35 mm;
* body text 3号仿宋 (16 pt), 22 lines per page of 28 characters each: the section's
  document grid is ``linesAndChars`` with line pitch ⌊225 mm / 22⌋ = 579 twips (28.95 pt; 580 would
  give 22 × 580 = 12,760 twips, more than the 12,756 of the 版心, and Word would fit only 21 lines)
  and character spacing (156 mm / 28 − 16 pt) × 4096 = −848 (1/4096 pt units added to the 16 pt
  default pitch); body paragraphs have exactly that line spacing, a first-line indent of 2
  characters and are justified;
* the title in 2号小标宋 (22 pt), centred; the headings numbered by the writer —
  level 1 "一、" in 黑体, level 2 "（一）" in 楷体, level 3 "1." in 仿宋 (bold here), level 4 "（1）"
  in 仿宋 — the numbers follow the model's nesting (``model.walk`` depth), a section heading in the
  model has none;
* the page number in 4号 (14 pt) 半角宋体 Arabic digits with a dash each side, "— 1 —",
  about 7 mm below the 版心 (footer distance 35 − 7 mm less one 14 pt line), centred here.

Fonts: runs name the official fonts in ``w:eastAsia`` — 仿宋_GB2312, 方正小标宋简体, 黑体,
楷体_GB2312, 宋体 — and Times New Roman for Latin letters and digits (``w:ascii`` / ``w:hAnsi``).
Where a font is missing Word substitutes one itself. The PDF writer, which cannot rely on that, uses
the open Noto CJK fonts from Debian's fonts-noto-cjk instead: Noto Serif CJK SC for 仿宋, 楷体, 宋体
and 小标宋, Noto Sans CJK SC for 黑体 (the charts use Noto Sans CJK SC).

What goes where: Fig figures in running text are followed by a superscript footnote marker "[n]"
(n from ``model.note_numbers``); placeholders read 【待填写：…】 in bold on yellow highlight; a table
has a 黑体 caption above ("表 k　title[n]"), a header row that repeats on every page, rows that do not
break across pages, numeric columns right-aligned, and its note and source in small type below; a
chart is a 150 mm wide picture (``charts.render_png``) with the caption "图 k　title（单位：…）[n]"
below. The document ends with "附：数据来源" listing every footnote and a line of the report's meta.

The output is deterministic: core properties come from the report (created / modified from
``meta["generated_at"]``, else a fixed date) and the zip entries carry a fixed timestamp, so the same
report gives the same bytes.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.parfmt import CT_PPr
from docx.section import Section as DocxSection
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Row
from docx.text.font import Font
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from kechuang.reports import charts
from kechuang.reports.model import (
    Block,
    Chart,
    Column,
    Fig,
    Paragraph,
    Placeholder,
    Report,
    Section,
    Source,
    Table,
    cell_text,
    chinese_numeral,
    footnotes,
    heading_number,
    meta_items,
    note_numbers,
    numbered,
)

# -- GB/T 9704-2012 figures ----------------------------------------------------------------------------------

PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28
TEXT_W_MM, TEXT_H_MM = 156, 225
RIGHT_MM = PAGE_W_MM - LEFT_MM - TEXT_W_MM  # 26
BOTTOM_MM = PAGE_H_MM - TOP_MM - TEXT_H_MM  # 35
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
PAGE_NO_GAP_MM = 7  # the page number's dashes sit 7 mm below the 版心

SIZE_2, SIZE_3, SIZE_4, SIZE_S4, SIZE_5 = 22.0, 16.0, 14.0, 12.0, 10.5  # 2号 3号 4号 小四 五号, pt
TWIPS_PER_MM = 1440 / 25.4
LINE_PITCH_TWIPS = math.floor(TEXT_H_MM * TWIPS_PER_MM / LINES_PER_PAGE)  # 579
CHAR_SPACE = round((TEXT_W_MM * 72 / 25.4 / CHARS_PER_LINE - SIZE_3) * 4096)  # -848
CHART_WIDTH_MM = 150
FIXED_DATE = datetime(2000, 1, 1)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

LATIN = "Times New Roman"
NUMERIC_KINDS = frozenset({"count", "number", "money_wan", "ratio", "rank"})


@dataclass(frozen=True)
class Face:
    """A run's type: the East Asian font, the size in pt, bold, and the Latin font."""

    east_asia: str
    size: float
    bold: bool = False
    latin: str = LATIN


BODY = Face("仿宋_GB2312", SIZE_3)
TITLE = Face("方正小标宋简体", SIZE_2)
SUBTITLE = Face("楷体_GB2312", SIZE_3)
HEADINGS = {
    1: Face("黑体", SIZE_3),
    2: Face("楷体_GB2312", SIZE_3),
    3: Face("仿宋_GB2312", SIZE_3, bold=True),
    4: Face("仿宋_GB2312", SIZE_3),
}
CAPTION = Face("黑体", SIZE_4)
CELL = Face("仿宋_GB2312", SIZE_S4)
HEADER_CELL = Face("仿宋_GB2312", SIZE_S4, bold=True)
SMALL = Face("仿宋_GB2312", SIZE_5)
PAGE_NO = Face("宋体", SIZE_4, latin="宋体")


# -- numbers -------------------------------------------------------------------------------------------------


def numbered_headings(report: Report) -> list[tuple[int, str, Section]]:
    """(depth, numbered heading, section) in reading order (``model.numbered``)."""
    return [
        (depth, number + section.heading, section) for depth, number, section in numbered(report.sections)
    ]


# -- low-level formatting ------------------------------------------------------------------------------------


def _set_fonts(font: Font, rpr: Any, face: Face) -> None:
    """Size, bold and the three font slots (ascii / hAnsi Latin, eastAsia CJK); theme fonts removed."""
    font.size = Pt(face.size)
    font.bold = True if face.bold else None
    rfonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for slot, name in (("w:ascii", face.latin), ("w:hAnsi", face.latin), ("w:eastAsia", face.east_asia)):
        rfonts.set(qn(slot), name)
    rfonts.set(qn("w:cs"), face.latin)


def _run(paragraph: DocxParagraph, text: str, face: Face, superscript: bool = False) -> Run:
    run = paragraph.add_run(text)
    _set_fonts(run.font, run._r.get_or_add_rPr(), face)
    if superscript:
        run.font.superscript = True
    return run


# The children of w:pPr that come after w:snapToGrid (ECMA-376 CT_PPr sequence).
_AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _snap_off(p_pr: CT_PPr) -> None:
    """``w:snapToGrid w:val="0"``: the paragraph ignores the document grid (tables, pictures, footer)."""
    if p_pr.find(qn("w:snapToGrid")) is not None:
        return
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)


def _format(
    paragraph: DocxParagraph, align: WD_ALIGN_PARAGRAPH, indent: bool = False, grid: bool = True
) -> None:
    """On the grid: exactly one line pitch per line; off it: single spacing and no snapping. ``indent``
    is the 2-character first-line indent (``w:firstLineChars="200"``, and 32 pt for other readers)."""
    pf = paragraph.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if grid:
        pf.line_spacing = Twips(LINE_PITCH_TWIPS)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _snap_off(paragraph._p.get_or_add_pPr())
    if indent:
        pf.first_line_indent = Pt(2 * SIZE_3)
        ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
        if ind is not None:
            ind.set(qn("w:firstLineChars"), "200")


def _marker(paragraph: DocxParagraph, number: int, face: Face) -> None:
    _run(paragraph, f"[{number}]", face, superscript=True)


# -- document set-up -----------------------------------------------------------------------------------------


def _page(section: DocxSection) -> None:
    """A4, the GB/T 9704 margins and the 22 × 28 document grid."""
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.gutter = Emu(0)
    section.header_distance = Mm(15)
    section.footer_distance = Emu(Mm(BOTTOM_MM - PAGE_NO_GAP_MM) - Pt(SIZE_4))
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _defaults(doc: DocumentObject) -> None:
    """Document defaults: the body fonts at 3号, Chinese as the East Asian language (line breaking)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for slot, name in (
        ("w:ascii", LATIN),
        ("w:hAnsi", LATIN),
        ("w:eastAsia", BODY.east_asia),
        ("w:cs", LATIN),
    ):
        rfonts.set(qn(slot), name)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(SIZE_3 * 2)))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")


def _style(style: ParagraphStyle, face: Face, indent: bool) -> None:
    """A paragraph style on the grid in ``face``, black, no space around."""
    _set_fonts(style.font, style.element.get_or_add_rPr(), face)
    style.font.bold = face.bold  # Heading 1–3 are bold in python-docx's template
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing = Twips(LINE_PITCH_TWIPS)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.first_line_indent = Pt(2 * SIZE_3) if indent else None


def _styles(doc: DocumentObject) -> None:
    """Normal as the body; Heading 1–4 as the four GB/T 9704 heading levels (kept with what follows)."""
    _defaults(doc)
    normal = doc.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _style(normal, BODY, indent=False)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, face in HEADINGS.items():
        heading = doc.styles[f"Heading {level}"]
        assert isinstance(heading, ParagraphStyle)
        _style(heading, face, indent=True)
        heading.font.italic = False
        heading.paragraph_format.keep_with_next = True


def _core_time(meta: dict[str, Any]) -> datetime:
    """``meta["generated_at"]`` (a datetime or an ISO string) as naive UTC, else ``FIXED_DATE``."""
    value = meta.get("generated_at")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        return FIXED_DATE
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _core(doc: DocumentObject, report: Report) -> None:
    props = doc.core_properties
    when = _core_time(report.meta)
    props.title = report.title
    props.subject = report.subtitle
    props.author = "kechuang"
    props.last_modified_by = "kechuang"
    props.comments = ""
    props.category = report.kind
    props.revision = 1
    props.created = when
    props.modified = when


def _footer(section: DocxSection) -> None:
    """ "— PAGE —" centred, 4号宋体, with a PAGE field (its cached result "1")."""
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    _format(p, WD_ALIGN_PARAGRAPH.CENTER, grid=False)
    _run(p, "— ", PAGE_NO)
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = _run(p, "1" if kind == "result" else "", PAGE_NO)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        elif kind != "result":
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    _run(p, " —", PAGE_NO)


# -- blocks --------------------------------------------------------------------------------------------------


class _Writer:
    """Writes the blocks of one report into one document, numbering tables, charts and footnotes."""

    def __init__(self, doc: DocumentObject, report: Report) -> None:
        self.doc = doc
        self.notes: dict[Source, int] = note_numbers(report)
        self.tables = 0
        self.charts = 0

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Placeholder):
            self.placeholder(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Chart):
            self.chart(block)

    def paragraph(self, block: Paragraph) -> None:
        """Text runs; a Fig is its text followed by the superscript marker of its source."""
        p = self.doc.add_paragraph()
        _format(p, WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        for part in block.parts:
            if isinstance(part, Fig):
                _run(p, part.text, BODY)
                _marker(p, self.notes[part.source], BODY)
            else:
                _run(p, part, BODY)

    def placeholder(self, block: Placeholder) -> None:
        p = self.doc.add_paragraph()
        _format(p, WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        run = _run(p, block.plain(), Face(BODY.east_asia, BODY.size, bold=True))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def small(self, text: str) -> None:
        p = self.doc.add_paragraph()
        _format(p, WD_ALIGN_PARAGRAPH.LEFT, grid=False)
        _run(p, text, SMALL)

    def table(self, block: Table) -> None:
        """Caption above, the grid table, then note and source in small type."""
        self.tables += 1
        caption = self.doc.add_paragraph()
        _format(caption, WD_ALIGN_PARAGRAPH.CENTER)
        caption.paragraph_format.keep_with_next = True
        _run(caption, f"表 {self.tables}　{block.title}", CAPTION)
        _marker(caption, self.notes[block.source], CAPTION)
        _grid_table(self.doc, block)
        if block.note:
            self.small(f"注：{block.note}")
        self.small(f"资料来源：[{self.notes[block.source]}] {block.source.label()}")

    def chart(self, block: Chart) -> None:
        """The picture, 150 mm wide and centred, kept with its caption below."""
        self.charts += 1
        picture = self.doc.add_paragraph()
        _format(picture, WD_ALIGN_PARAGRAPH.CENTER, grid=False)
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(charts.render_png(block)), width=Mm(CHART_WIDTH_MM))
        caption = self.doc.add_paragraph()
        _format(caption, WD_ALIGN_PARAGRAPH.CENTER)
        unit = f"（单位：{block.unit}）" if block.unit else ""
        _run(caption, f"图 {self.charts}　{block.title}{unit}", CAPTION)
        _marker(caption, self.notes[block.source], CAPTION)


def _row_flags(row: _Row, header: bool) -> None:
    """``w:cantSplit`` on every row; ``w:tblHeader`` (repeat on every page) on the header row."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag, wanted in (("w:cantSplit", True), ("w:tblHeader", header)):
        if wanted:
            tr_pr.append(OxmlElement(tag))


def _cell_alignment(column: Column) -> WD_ALIGN_PARAGRAPH:
    if column.kind in NUMERIC_KINDS:
        return WD_ALIGN_PARAGRAPH.RIGHT
    return WD_ALIGN_PARAGRAPH.CENTER if column.kind == "light" else WD_ALIGN_PARAGRAPH.LEFT


def _fill_row(row: _Row, texts: list[str], aligns: list[WD_ALIGN_PARAGRAPH], face: Face) -> None:
    for cell, text, align in zip(row.cells, texts, aligns, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        _format(p, align, grid=False)
        _run(p, text, face)


def _grid_table(doc: DocumentObject, block: Table) -> DocxTable:
    """ "Table Grid", centred; header cells bold and centred (``Column.header()`` states the unit); body
    cells as ``cell_text`` writes them, missing trailing cells as "—"."""
    columns = block.columns
    table = doc.add_table(rows=1 + len(block.rows), cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = table.rows
    _row_flags(rows[0], header=True)
    _fill_row(rows[0], [c.header() for c in columns], [WD_ALIGN_PARAGRAPH.CENTER] * len(columns), HEADER_CELL)
    aligns = [_cell_alignment(c) for c in columns]
    for row, values in zip(rows[1:], block.rows, strict=True):
        _row_flags(row, header=False)
        padded = list(values[: len(columns)]) + [None] * (len(columns) - len(values))
        _fill_row(row, [cell_text(c, v) for c, v in zip(columns, padded, strict=True)], aligns, CELL)
    return table


# -- the document --------------------------------------------------------------------------------------------


def _title(doc: DocumentObject, report: Report) -> None:
    """The title (2号小标宋) and the subtitle line (3号楷体), centred, then one empty line."""
    title = doc.add_paragraph()
    _format(title, WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, report.title, TITLE)
    if report.subtitle:
        subtitle = doc.add_paragraph()
        _format(subtitle, WD_ALIGN_PARAGRAPH.CENTER)
        _run(subtitle, report.subtitle, SUBTITLE)
    _format(doc.add_paragraph(), WD_ALIGN_PARAGRAPH.CENTER)


def _heading(doc: DocumentObject, text: str, depth: int) -> None:
    level = min(depth, max(HEADINGS))
    p = doc.add_paragraph(style=f"Heading {level}")
    _format(p, WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    p.paragraph_format.keep_with_next = True
    _run(p, text, HEADINGS[level])


def meta_line(meta: dict[str, Any]) -> str:
    """ "生成时间：…　生成人：…　数据版本：…　数据截至：…" for the keys present in ``meta``."""
    return "　".join(meta_items(meta))


def _sources(doc: DocumentObject, report: Report) -> None:
    """ "附：数据来源" (unnumbered, 黑体): "[n] source" per footnote, then the meta line."""
    _heading(doc, "附：数据来源", 1)
    for n, source in enumerate(footnotes(report), start=1):
        p = doc.add_paragraph()
        _format(p, WD_ALIGN_PARAGRAPH.LEFT)
        _run(p, f"[{n}] {source.label()}", BODY)
    line = meta_line(report.meta)
    if line:
        p = doc.add_paragraph()
        _format(p, WD_ALIGN_PARAGRAPH.LEFT)
        _run(p, line, BODY)


def _fixed_zip(data: bytes) -> bytes:
    """The same entries, in the same order, with a fixed timestamp (python-docx stamps the save time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build_document(report: Report) -> DocumentObject:
    """The python-docx document for ``report`` (``write_docx`` saves it)."""
    doc = Document()
    section = doc.sections[0]
    _page(section)
    _styles(doc)
    _core(doc, report)
    _footer(section)
    _title(doc, report)
    writer = _Writer(doc, report)
    for depth, heading, sec in numbered_headings(report):
        _heading(doc, heading, depth)
        for block in sec.blocks:
            writer.block(block)
    _sources(doc, report)
    return doc


def write_docx(report: Report) -> bytes:
    """The report as .docx bytes; the same report gives the same bytes."""
    out = io.BytesIO()
    build_document(report).save(out)
    return _fixed_zip(out.getvalue())


__all__ = [
    "build_document",
    "chinese_numeral",
    "heading_number",
    "meta_line",
    "numbered_headings",
    "write_docx",
]
