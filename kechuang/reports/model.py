"""The neutral report model: what a report says, independent of the file it is written to.

A ``Report`` is a title, its meta (kind, area, period, as-of date, who generated it from which data
revision) and sections. A section holds blocks in order: paragraphs (text with ``Fig`` figures inline),
placeholders (the parts only people write, shown marked), tables with typed columns and charts. Every
``Fig`` and every table and chart carries a ``Source`` (what the figure comes from and its as-of date);
the writers number the distinct sources as footnotes (``footnotes``), so every figure in every format
names its source. The model is plain data: ``to_data`` / ``from_data`` turn it into JSON and back, which
is how a generated report is stored and written again byte for byte the same.

The writers (``docx``, ``xlsx``, ``pdf``) read only this model. The kinds (``annual``, ``bulletin``,
``scorecard``, ``chain_brief``) build it from the features' services.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from kechuang.units import format_cn_number, format_percent

ColumnKind = Literal["text", "count", "number", "money_wan", "ratio", "rank", "light"]
COLUMN_KINDS: tuple[str, ...] = ("text", "count", "number", "money_wan", "ratio", "rank", "light")
CN_DIGITS = "零一二三四五六七八九"
META_LABELS = (
    ("generated_at", "生成时间"),
    ("generated_by", "生成人"),
    ("revision", "数据版本"),
    ("as_of", "数据截至"),
)
LIGHT_TEXT = {"green": "绿", "yellow": "黄", "red": "红", None: "—", "": "—"}


@dataclass(frozen=True)
class Source:
    """Where a figure comes from — an import file and row, a document and sentence, a user's entry, a
    rule document and version, or a computation over named data — and the date it holds for."""

    text: str
    as_of: str = ""  # ISO date or period ("2026-10", "2026-12-07")

    def label(self) -> str:
        return f"{self.text}（截至 {self.as_of}）" if self.as_of else self.text


@dataclass(frozen=True)
class Fig:
    """One figure in running text: a stable ``key`` (to compare two reports), the value, its unit and the
    text shown ("712家", "1.23亿元", "3.1%"), and its source."""

    key: str
    value: float | int | None
    unit: str
    text: str
    source: Source


Inline = str | Fig


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]

    def plain(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)


@dataclass(frozen=True)
class Placeholder:
    """A part only people write (next year's plan, a judgement): shown as 【待填写：…】."""

    prompt: str

    def plain(self) -> str:
        return f"【待填写：{self.prompt}】"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # one of COLUMN_KINDS
    unit: str = ""  # stated in the header: "研发投入（万元）"

    def header(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


@dataclass(frozen=True)
class Table:
    """Rows of plain values typed by their column; ``key`` names the table for comparisons (a row is
    identified by its first cell)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    source: Source
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A bar (or horizontal bar, or line) chart over categories; readable in black and white."""

    key: str
    title: str
    kind: str  # bar | barh | line
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    source: Source


Block = Paragraph | Placeholder | Table | Chart


@dataclass(frozen=True)
class Section:
    heading: str  # without its number: the writers number 一、 / （一） / 1.
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    subtitle: str  # issuing body and date line
    meta: dict[str, Any] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()


# -- formatting figures -----------------------------------------------------------------------------------


def count_fig(key: str, value: int | None, unit: str, source: Source) -> Fig:
    text = "—" if value is None else f"{value:,}{unit}".replace(",", "")
    return Fig(key, value, unit, text, source)


def wan_fig(key: str, value_wan: float | None, source: Source, places: int = 2) -> Fig:
    """An amount in 万元 shown as 万元 or 亿元 (1 亿 = 10,000 万)."""
    if value_wan is None:
        return Fig(key, None, "万元", "—", source)
    shown = format_cn_number(value_wan * 10_000, places)
    text = shown + "元" if shown.endswith(("万", "亿")) else f"{value_wan:.{places}f}万元"
    return Fig(key, round(value_wan, 6), "万元", text, source)


def ratio_fig(key: str, ratio: float | None, source: Source, places: int = 1) -> Fig:
    return Fig(key, None if ratio is None else round(ratio, 6), "%", format_percent(ratio, places), source)


def number_fig(key: str, value: float | None, unit: str, source: Source, places: int = 2) -> Fig:
    text = "—" if value is None else f"{value:,.{places}f}".rstrip("0").rstrip(".") + unit
    return Fig(key, None if value is None else round(value, 6), unit, text, source)


def cell_text(column: Column, value: Any) -> str:
    """A table cell as written in Word and PDF (Excel writes the typed value)."""
    if value is None or value == "":
        return "—"
    if column.kind == "light":
        return LIGHT_TEXT.get(value, str(value))
    if column.kind == "ratio":
        return format_percent(float(value))
    if column.kind == "money_wan":
        return f"{float(value):,.2f}"
    if column.kind == "number":
        return f"{float(value):,.2f}".rstrip("0").rstrip(".")
    if column.kind in ("count", "rank"):
        return f"{int(value):,}"
    return str(value)


# -- walking a report ---------------------------------------------------------------------------------------


def walk(sections: Sequence[Section], depth: int = 1) -> Iterator[tuple[int, Section]]:
    """(depth, section) in reading order: depth 1 is 一、, 2 is （一）, 3 is 1."""
    for s in sections:
        yield depth, s
        yield from walk(s.subsections, depth + 1)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九, 101 → 一百零一, 110 → 一百一十 (1 … 999)."""
    if not 1 <= n <= 999:
        raise ValueError(f"标题序号超出范围（1–999）：{n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (CN_DIGITS[ones] if ones else "")


def heading_number(depth: int, index: int) -> str:
    """The number written before a heading (GB/T 9704-2012 7.3.3): 一、 / （一） / 1.␣ / （1）."""
    if depth == 1:
        return f"{chinese_numeral(index)}、"
    if depth == 2:
        return f"（{chinese_numeral(index)}）"
    if depth == 3:
        return f"{index}. "
    return f"（{index}）"


def numbered(sections: Sequence[Section]) -> Iterator[tuple[int, str, Section]]:
    """(depth, number, section) in reading order; each level counts from 1 again under a new parent.
    Every writer numbers headings through this."""
    counters: list[int] = []
    for depth, section in walk(sections):
        del counters[depth:]
        counters.extend([0] * (depth - len(counters)))
        counters[depth - 1] += 1
        yield depth, heading_number(depth, counters[depth - 1]), section


def meta_items(meta: dict[str, Any]) -> list[str]:
    """生成时间 / 生成人 / 数据版本 / 数据截至, those the report's meta has (a time as 2026-12-07 10:30)."""

    def shown(value: Any) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)

    return [f"{label}：{shown(meta[key])}" for key, label in META_LABELS if meta.get(key) not in (None, "")]


def blocks(report: Report) -> Iterator[Block]:
    for _, section in walk(report.sections):
        yield from section.blocks


def sources_of(block: Block) -> list[Source]:
    if isinstance(block, Paragraph):
        return [p.source for p in block.parts if isinstance(p, Fig)]
    if isinstance(block, Table | Chart):
        return [block.source]
    return []


def footnotes(report: Report) -> list[Source]:
    """The distinct sources in order of first appearance: footnote n is ``footnotes(report)[n - 1]``."""
    seen: dict[Source, None] = {}
    for block in blocks(report):
        for s in sources_of(block):
            seen.setdefault(s, None)
    return list(seen)


def note_numbers(report: Report) -> dict[Source, int]:
    return {s: i for i, s in enumerate(footnotes(report), start=1)}


def figures(report: Report) -> dict[str, tuple[str, Any, str]]:
    """Every figure by key → (label, value, text): the inline figures, and every table cell as
    ``table key / first cell / column``. What a comparison of two reports compares."""
    out: dict[str, tuple[str, Any, str]] = {}
    for block in blocks(report):
        if isinstance(block, Paragraph):
            for p in block.parts:
                if isinstance(p, Fig):
                    out[p.key] = (p.key, p.value, p.text)
        elif isinstance(block, Table):
            for row in block.rows:
                for col, value in zip(block.columns[1:], row[1:], strict=False):
                    key = f"{block.key}/{row[0]}/{col.name}"
                    out[key] = (f"{block.title}：{row[0]} · {col.name}", value, cell_text(col, value))
    return out


# -- JSON -----------------------------------------------------------------------------------------------------


def _source(d: dict[str, Any]) -> Source:
    return Source(d["text"], d.get("as_of", ""))


def _inline(p: Any) -> Inline:
    if isinstance(p, str):
        return p
    return Fig(p["key"], p["value"], p["unit"], p["text"], _source(p["source"]))


def _block(d: dict[str, Any]) -> Block:
    t = d["type"]
    if t == "paragraph":
        return Paragraph(tuple(_inline(p) for p in d["parts"]))
    if t == "placeholder":
        return Placeholder(d["prompt"])
    if t == "table":
        return Table(
            d["key"],
            d["title"],
            tuple(Column(**c) for c in d["columns"]),
            tuple(tuple(r) for r in d["rows"]),
            _source(d["source"]),
            d.get("note", ""),
        )
    if t == "chart":
        return Chart(
            d["key"],
            d["title"],
            d["kind"],
            tuple(d["categories"]),
            tuple(Series(s["name"], tuple(s["values"])) for s in d["series"]),
            d["unit"],
            _source(d["source"]),
        )
    raise ValueError(f"未知的报告内容类型：{t!r}")


def _block_data(b: Block) -> dict[str, Any]:
    def src(s: Source) -> dict[str, str]:
        return {"text": s.text, "as_of": s.as_of}

    if isinstance(b, Paragraph):
        parts = [
            p
            if isinstance(p, str)
            else {"key": p.key, "value": p.value, "unit": p.unit, "text": p.text, "source": src(p.source)}
            for p in b.parts
        ]
        return {"type": "paragraph", "parts": parts}
    if isinstance(b, Placeholder):
        return {"type": "placeholder", "prompt": b.prompt}
    if isinstance(b, Table):
        return {
            "type": "table",
            "key": b.key,
            "title": b.title,
            "columns": [{"name": c.name, "kind": c.kind, "unit": c.unit} for c in b.columns],
            "rows": [list(r) for r in b.rows],
            "source": src(b.source),
            "note": b.note,
        }
    return {
        "type": "chart",
        "key": b.key,
        "title": b.title,
        "kind": b.kind,
        "categories": list(b.categories),
        "series": [{"name": s.name, "values": list(s.values)} for s in b.series],
        "unit": b.unit,
        "source": src(b.source),
    }


def _section_data(s: Section) -> dict[str, Any]:
    return {
        "heading": s.heading,
        "blocks": [_block_data(b) for b in s.blocks],
        "subsections": [_section_data(x) for x in s.subsections],
    }


def _section(d: dict[str, Any]) -> Section:
    return Section(
        d["heading"],
        tuple(_block(b) for b in d["blocks"]),
        tuple(_section(x) for x in d["subsections"]),
    )


def to_data(report: Report) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "title": report.title,
        "subtitle": report.subtitle,
        "meta": report.meta,
        "sections": [_section_data(s) for s in report.sections],
    }


def from_data(d: dict[str, Any]) -> Report:
    return Report(
        d["kind"],
        d["title"],
        d["subtitle"],
        dict(d.get("meta", {})),
        tuple(_section(s) for s in d["sections"]),
    )
