"""The report as an Excel workbook: the text on sheet 报告, a sheet per table with typed values, a sheet
per chart with its data and a native Excel chart over it, and the numbered sources on 数据来源.

Tables are written by ``kechuang.workbook.write_table_sheet``, the one way kechuang writes a table
(every export goes through it; only ``kechuang.workbook`` writes workbooks): bold frozen header with the units, typed values with a number format
per column kind, the note and the source two rows below. Headings are numbered as in the PDF and Word
reports (GB/T 9704-2012 7.3.3: 一、 / （一） / 1. / （1）); every figure keeps its footnote number.
Charts read in black and white: grey and patterned fills, black or grey lines with distinct dashes
and markers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from kechuang.choices import Light
from kechuang.reports.html import chart_caption, meta_line
from kechuang.reports.model import (
    LIGHT_TEXT,
    Chart,
    Column,
    Paragraph,
    Placeholder,
    Report,
    Source,
    Table,
    footnotes,
    note_numbers,
    numbered,
)
from kechuang.workbook import SheetFormats, charting_workbook, write_table_sheet

REPORT_SHEET = "报告"
SOURCES_SHEET = "数据来源"
NUM_FORMATS = {
    "count": "#,##0",
    "rank": "#,##0",
    "money_wan": "#,##0.00",
    "ratio": "0.0%",
    "number": "#,##0.00",
}
# A light's cell on its pale fill, as in every export (``Light.tint``).
LIGHT_FILLS = {LIGHT_TEXT[light.value]: light.tint for light in Light if light.value in LIGHT_TEXT}
CHART_TYPES = {"bar": "column", "barh": "bar", "line": "line"}
FIXED_CREATED = datetime(2000, 1, 1)
SHEET_NAME_MAX = 31
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Series styles that differ in black and white: fills by grey and pattern, lines by dash and marker.
BAR_FILLS: tuple[dict[str, Any], ...] = (
    {"fill": {"color": "#595959"}},
    {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#000000", "bg_color": "#FFFFFF"}},
    {"fill": {"color": "#D9D9D9"}},
    {"pattern": {"pattern": "small_check", "fg_color": "#000000", "bg_color": "#FFFFFF"}},
    {"fill": {"color": "#FFFFFF"}},
    {"pattern": {"pattern": "dark_horizontal", "fg_color": "#7F7F7F", "bg_color": "#FFFFFF"}},
)
LINE_STYLES: tuple[tuple[str, str, str], ...] = (
    ("#000000", "solid", "circle"),
    ("#595959", "dash", "square"),
    ("#000000", "dash_dot", "triangle"),
    ("#7F7F7F", "round_dot", "diamond"),
)


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name from ``title`` that Excel takes: none of []:*?/\\, at most 31 characters, not
    starting or ending with an apostrophe, and unique (case-insensitively) among ``taken``, which it
    joins."""
    base = FORBIDDEN_IN_SHEET_NAME.sub("_", title).strip().strip("'")[:SHEET_NAME_MAX] or "表"
    name, k = base, 1
    while name.casefold() in taken or name.casefold() == "history":
        k += 1
        suffix = f"({k})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


# -- tables ------------------------------------------------------------------------------------------------


def typed(column: Column, value: Any) -> Any:
    """A table cell as Excel holds it: a number for the numeric kinds, 绿 / 黄 / 红 for a light."""
    if value is None or value == "":
        return None
    if column.kind == "light":
        return LIGHT_TEXT.get(value, str(value))
    if column.kind in ("count", "rank"):
        return int(value)
    if column.kind in NUM_FORMATS:
        return float(value)
    return value if isinstance(value, str | int | float) else str(value)


def _text_width(text: str) -> int:
    """Excel column width units: a CJK character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> list[int]:
    widths = []
    for c, column in enumerate(columns):
        shown = [column.header()] + [str(typed(column, r[c]) or "") for r in rows[:500] if c < len(r)]
        widths.append(min(max(max(_text_width(s) for s in shown) + 2, 8), 60))
    return widths


def source_note(source: Source, n: int) -> str:
    return f"资料来源：[{n}] {source.label()}"


def write_table(book: Any, formats: SheetFormats, name: str, table: Table, n: int) -> None:
    """The table on its own sheet, by ``write_table_sheet``: typed values, number formats by column
    kind, lights 绿 / 黄 / 红 on their colour, autofilter; the note and the source below."""
    lights = {c: LIGHT_FILLS for c, col in enumerate(table.columns) if col.kind == "light"}
    write_table_sheet(
        book,
        formats,
        name,
        [c.header() for c in table.columns],
        [[typed(c, v) for c, v in zip(table.columns, row, strict=False)] for row in table.rows],
        notes=(table.note, source_note(table.source, n)),
        width=column_widths(table.columns, table.rows),
        freeze=(1, 1),
        tint=lights,
        num_formats=[NUM_FORMATS.get(c.kind) for c in table.columns],
        autofilter=True,
    )


# -- charts ------------------------------------------------------------------------------------------------


def _series_style(kind: str, i: int) -> dict[str, Any]:
    if kind == "line":
        colour, dash, marker = LINE_STYLES[i % len(LINE_STYLES)]
        return {
            "line": {"color": colour, "dash_type": dash, "width": 2},
            "marker": {"type": marker, "size": 6, "border": {"color": colour}, "fill": {"color": colour}},
        }
    return {**BAR_FILLS[i % len(BAR_FILLS)], "border": {"color": "#000000", "width": 0.75}}


def _chart_rows(chart: Chart) -> list[list[Any]]:
    return [
        [category] + [s.values[r] if r < len(s.values) else None for s in chart.series]
        for r, category in enumerate(chart.categories)
    ]


def _native_chart(book: Any, name: str, chart: Chart) -> Any:
    """An Excel chart over the data table on sheet ``name`` (categories in A2:A…, a series a column)."""
    out = book.add_chart({"type": CHART_TYPES.get(chart.kind, "column")})
    last = len(chart.categories)
    for i, _ in enumerate(chart.series):
        out.add_series(
            {
                "name": [name, 0, i + 1],
                "categories": [name, 1, 0, last, 0],
                "values": [name, 1, i + 1, last, i + 1],
                **_series_style(chart.kind, i),
            }
        )
    out.set_title({"name": chart.title})
    value_axis = {"name": f"单位：{chart.unit}" if chart.unit else "", "major_gridlines": {"visible": True}}
    if chart.kind == "barh":  # Excel's bar chart: the values run along x, the categories top down
        out.set_x_axis(value_axis)
        out.set_y_axis({"reverse": True})
    else:
        out.set_y_axis(value_axis)
    out.set_legend({"position": "bottom"} if len(chart.series) > 1 else {"none": True})
    out.show_blanks_as("gap")
    return out


def write_chart(book: Any, formats: SheetFormats, name: str, chart: Chart, number: int, n: int) -> None:
    """The chart's data on its own sheet (categories down, a column per series) and a native Excel
    chart beside it referring to those cells."""
    whole = all(v is None or float(v).is_integer() for s in chart.series for v in s.values)
    rows = write_table_sheet(
        book,
        formats,
        name,
        ["类别"] + [f"{s.name}（{chart.unit}）" if chart.unit else s.name for s in chart.series],
        _chart_rows(chart),
        notes=(f"{chart_caption(number, chart)}[{n}]", source_note(chart.source, n)),
        width=[max(12, max((_text_width(c) + 2 for c in chart.categories), default=0))]
        + [16] * len(chart.series),
        num_formats=[None] + ["#,##0" if whole else "#,##0.00"] * len(chart.series),
    )
    ws = book.get_worksheet_by_name(name)
    ws.insert_chart(rows + 5, 0, _native_chart(book, name, chart), {"x_scale": 1.6, "y_scale": 1.4})


# -- the text and the sources ------------------------------------------------------------------------------


class _TextSheet:
    """Sheet 报告: one line a row in column A, wrapped."""

    def __init__(self, book: Any, formats: SheetFormats) -> None:
        self.ws = book.add_worksheet(REPORT_SHEET)
        self.ws.set_column(0, 0, 100)
        self.formats = formats
        self.row = 0
        self.wrap = formats.get(text_wrap=True, valign="top")

    def write(self, text: str, fmt: Any = None) -> None:
        self.ws.write_string(self.row, 0, text, fmt or self.wrap)
        self.row += 1

    def link(self, sheet: str, text: str) -> None:
        link = self.formats.get(font_color="#1F4E79", underline=1)
        self.ws.write_url(self.row, 0, f"internal:'{sheet}'!A1", link, string=f"{text}（见工作表“{sheet}”）")
        self.row += 1


def _paragraph(block: Paragraph, notes: dict[Source, int]) -> str:
    return "".join(p if isinstance(p, str) else f"{p.text}[{notes[p.source]}]" for p in block.parts)


class _Writer:
    """Writes the blocks of a report: the text on 报告, the tables and charts each on a sheet."""

    def __init__(self, book: Any, report: Report) -> None:
        self.book = book
        self.formats = SheetFormats(book)
        self.notes = note_numbers(report)
        self.taken = {REPORT_SHEET.casefold(), SOURCES_SHEET.casefold()}
        self.text = _TextSheet(book, self.formats)
        self.charts = 0

    def block(self, block: Paragraph | Placeholder | Table | Chart) -> None:
        if isinstance(block, Paragraph):
            self.text.write(_paragraph(block, self.notes))
        elif isinstance(block, Placeholder):
            self.text.write(block.plain(), self.formats.get(italic=True, bg_color="#EEEEEE", border=3))
        elif isinstance(block, Table):
            name = sheet_name(block.title, self.taken)
            self.text.link(name, f"表：{block.title}[{self.notes[block.source]}]")
            write_table(self.book, self.formats, name, block, self.notes[block.source])
        else:
            self.charts += 1
            name = sheet_name(block.title, self.taken)
            caption = f"{chart_caption(self.charts, block)}[{self.notes[block.source]}]"
            self.text.link(name, caption)
            write_chart(self.book, self.formats, name, block, self.charts, self.notes[block.source])

    def report(self, report: Report) -> None:
        self.text.write(report.title, self.formats.get(bold=True, font_size=16, align="center"))
        if report.subtitle:
            self.text.write(report.subtitle, self.formats.get(align="center"))
        self.text.row += 1
        for _, number, section in numbered(report.sections):
            self.text.write(f"{number}{section.heading}", self.formats.get(bold=True))
            for block in section.blocks:
                self.block(block)


def write_sources(book: Any, formats: SheetFormats, report: Report) -> None:
    """Sheet 数据来源: every footnote [n] with its source and as-of date, and the report's meta below."""
    write_table_sheet(
        book,
        formats,
        SOURCES_SHEET,
        ["序号", "数据来源", "截至"],
        [[f"[{n}]", s.text, s.as_of] for n, s in enumerate(footnotes(report), start=1)],
        notes=meta_line(report.meta),
        width=[8, 80, 14],
    )


def created(meta: dict[str, Any]) -> datetime:
    """The workbook's creation time: the report's ``generated_at`` (else its as-of date, else a fixed
    date), so the same report gives the same bytes."""
    for key in ("generated_at", "as_of"):
        value = meta.get(key)
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            continue
    return FIXED_CREATED


def write_xlsx(report: Report) -> bytes:
    """The report as an .xlsx workbook (see the module's docstring)."""
    buf = io.BytesIO()
    book = charting_workbook(buf)
    writer = _Writer(book, report)
    writer.report(report)
    write_sources(book, writer.formats, report)
    book.set_properties({"title": report.title, "author": "kechuang", "created": created(report.meta)})
    book.close()
    return buf.getvalue()
