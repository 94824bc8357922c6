"""The report as one HTML document: the PDF's source (WeasyPrint) and the web preview of a report.

The print style follows GB/T 9704-2012 (党政机关公文格式):

* paper A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm, which
  leaves the text block (版心) of 156 × 225 mm;
* body text 3号 (16 pt) 仿宋, 22 lines per page (225 mm / 22 ≈ 28.95 pt line pitch) and 28 characters
  per line (156 mm / 28 ≈ 15.79 pt per character: 16 pt with −0.23 pt letter spacing, which also fits
  26 characters after the 2-character first-line indent); justified;
* the title 2号 (22 pt) 小标宋, bold and centred;
* headings numbered 一、 (黑体), （一） (楷体), 1. (仿宋 bold), （1） (仿宋);
* the page number 4号 (14 pt) 宋体 between em dashes, "— 1 —", centred under the text block, its line
  7 mm below the text block.

The official fonts are named first and the open Noto CJK fonts stand in for them (Noto Serif CJK SC
for 仿宋, 楷体, 宋体 and 小标宋; Noto Sans CJK SC for 黑体). Every figure is followed by its footnote
number ``[n]`` (``model.note_numbers``); the sources are listed at the end under 附：数据来源.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from kechuang.reports.model import (
    Block,
    Chart,
    Column,
    Paragraph,
    Placeholder,
    Report,
    Source,
    Table,
    cell_text,
    footnotes,
    meta_items,
    note_numbers,
    numbered,
)

NUMERIC_KINDS = frozenset({"count", "number", "money_wan", "ratio", "rank"})
CHART_SIZE_MM = (150.0, 80.0)  # inside the 156 mm wide text block (the template shows it 150 mm wide)
CHART_DPI = 200

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


# -- the view the template renders -------------------------------------------------------------------------


def _paragraph(block: Paragraph, notes: dict[Source, int]) -> dict[str, Any]:
    parts = [(p, None) if isinstance(p, str) else (p.text, notes[p.source]) for p in block.parts]
    return {"type": "paragraph", "parts": parts}


def _cell(column: Column, value: Any) -> dict[str, str]:
    css = "num" if column.kind in NUMERIC_KINDS else ("light" if column.kind == "light" else "")
    return {"text": cell_text(column, value), "css": css}


def _note(text: str) -> str:
    return text if not text or text.startswith("注") else f"注：{text}"


def _table(block: Table, notes: dict[Source, int]) -> dict[str, Any]:
    return {
        "type": "table",
        "title": block.title,
        "n": notes[block.source],
        "headers": [c.header() for c in block.columns],
        "rows": [[_cell(c, v) for c, v in zip(block.columns, row, strict=False)] for row in block.rows],
        "note": _note(block.note),
        "source": block.source.label(),
    }


def chart_png(chart: Chart) -> bytes:
    """The chart as the PNG the PDF and the preview show (drawn by ``charts.render_png``)."""
    from kechuang.reports import charts  # matplotlib: loaded only when a chart is drawn

    width, height = CHART_SIZE_MM
    return charts.render_png(chart, width_mm=width, height_mm=height, dpi=CHART_DPI)


def chart_caption(number: int, chart: Chart) -> str:
    """图 k　title（单位：…）, without its footnote number."""
    unit = f"（单位：{chart.unit}）" if chart.unit else ""
    return f"图 {number}\u3000{chart.title}{unit}"


def _chart(block: Chart, number: int, notes: dict[Source, int]) -> dict[str, Any]:
    png = base64.b64encode(chart_png(block)).decode("ascii")
    return {
        "type": "chart",
        "caption": chart_caption(number, block),
        "n": notes[block.source],
        "src": f"data:image/png;base64,{png}",
    }


def _block(block: Block, notes: dict[Source, int], charts: list[Chart]) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return _paragraph(block, notes)
    if isinstance(block, Placeholder):
        return {"type": "placeholder", "text": block.plain()}
    if isinstance(block, Table):
        return _table(block, notes)
    charts.append(block)
    return _chart(block, len(charts), notes)


def _items(report: Report) -> list[dict[str, Any]]:
    notes = note_numbers(report)
    charts: list[Chart] = []
    items: list[dict[str, Any]] = []
    for depth, number, section in numbered(report.sections):
        items.append({"type": "heading", "depth": min(depth, 4), "number": number, "text": section.heading})
        items.extend(_block(b, notes, charts) for b in section.blocks)
    return items


def meta_line(meta: dict[str, Any]) -> list[str]:
    """生成时间 / 生成人 / 数据版本 / 数据截至, those the report's meta has."""
    return meta_items(meta)


def w3c_date(value: Any) -> str:
    """A date or time in the W3C form the PDF metadata takes ("2026-12-07T10:00:00Z"); a time without
    a zone is UTC (as kechuang stores times); "" for none or what is not a date."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat(timespec="seconds")
    return value.isoformat() if isinstance(value, date) else ""


def report_css(*, for_print: bool) -> str:
    """The report's stylesheet (``templates/report.css``): embedded in the document WeasyPrint prints;
    a web page showing the preview links it instead (the site's CSP allows no inline style)."""
    return _ENV.get_template("report.css").render(for_print=for_print)


def report_html(report: Report, *, for_print: bool) -> str:
    """The report as one HTML document. ``for_print``: with the GB/T 9704 page rules (A4, margins,
    page numbers) for WeasyPrint; otherwise for the web preview: no page rules and every style scoped
    to ``.gbt-report``, so the ``<article>`` can be placed in a page. Charts are inline PNG (data URI)."""
    return _ENV.get_template("report.html").render(
        for_print=for_print,
        stylesheet=markupsafe.Markup(f"<style>\n{report_css(for_print=for_print)}</style>"),
        title=report.title,
        subtitle=report.subtitle,
        created=w3c_date(report.meta.get("generated_at")),
        items=_items(report),
        sources=[(n, s.label()) for n, s in enumerate(footnotes(report), start=1)],
        meta=meta_line(report.meta),
    )
