"""Workbooks for the all-or-nothing imports that are not column-wise registries (atlas, links,
projects, targets): every cell read as text with the sheet and the row number Excel shows, and
declared workbooks (``Book``: sheets of typed fields) from which the template, the export and the
import's cell checks all come."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import fastexcel
import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from kechuang.errors import InvalidInput, Problem

AT = "_at"  # where a record came from (a JSON path, or sheet and row)
LINES = "_lines"  # a form sheet's record: the Excel row of each item
DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(
    reader: fastexcel.ExcelReader,
    sheet: str,
    cols: tuple[tuple[str, str], ...],
    file: str,
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """A sheet's non-blank rows as {field: text} with their location; missing sheet or headers are problems."""
    if sheet not in reader.sheet_names:
        problems.append(Problem("工作表", f"{file}：缺少工作表“{sheet}”", sheet, file=file))
        return []
    grid = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    if grid.height == 0:
        problems.append(Problem("工作表", f"{file} 工作表“{sheet}”是空的，应有表头行", sheet, file=file))
        return []
    header = [text(v) for v in grid.row(0)]
    index = {}
    for key, h in cols:
        if h in header:
            index[key] = header.index(h)
        else:
            problems.append(Problem(h, f"{file} 工作表“{sheet}”缺少列“{h}”", h, row=1, file=file))
    out = []
    for r in range(1, grid.height):
        values = grid.row(r)
        rec: dict[str, Any] = {key: text(values[i]) if i < len(values) else "" for key, i in index.items()}
        if any(rec.values()):
            rec[AT] = (sheet, r + 1)
            out.append(rec)
    return out


def read_form(
    reader: fastexcel.ExcelReader,
    sheet: str,
    cols: tuple[tuple[str, str], ...],
    file: str,
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """A form sheet (one item per row: its label in column A, its value in column B) as one record,
    with the Excel row of each item under ``LINES``; a missing sheet or item is a problem."""
    if sheet not in reader.sheet_names:
        problems.append(Problem("工作表", f"{file}：缺少工作表“{sheet}”", sheet, file=file))
        return []
    grid = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    found = {}
    for r in range(grid.height):
        values = [text(v) for v in grid.row(r)]
        if values and values[0] and values[0] not in found:
            found[values[0]] = (r + 1, values[1] if len(values) > 1 else "")
    rec: dict[str, Any] = {AT: (sheet, 1), LINES: {}}
    for key, label in cols:
        if label not in found:
            problems.append(
                Problem(label, f"{file} 工作表“{sheet}”缺少项“{label}”（A 列）", label, file=file)
            )
            continue
        rec[LINES][key], rec[key] = found[label]
    return [rec]


def parse_date(value: str) -> date:
    """2024-01-01, 2024/1/1, 2024年1月1日, or an Excel date cell read as text ("2024-01-01 00:00:00")."""
    m = DATE_PATTERN.match(value.strip())
    if not m:
        raise ValueError(value)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


MAX_UNPACKED = 1024**3  # bytes an xlsx may unpack to (1 GiB: about a million rows of 20 columns)


def unpacked_problem(content: bytes, limit: int | None = None) -> str | None:
    """Why an xlsx must not be opened, or None. An xlsx is a zip: a small file can unpack to many
    gigabytes (a decompression bomb). Every member is inflated in 1 MB steps, counting, and reading stops
    at ``limit``, so neither a bomb nor a zip that understates its sizes reaches the Excel reader."""
    if not content.startswith(b"PK"):
        return None  # not a zip (the reader reports what it is)
    limit = MAX_UNPACKED if limit is None else limit
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if total + info.file_size > limit:
                    total += info.file_size
                    break
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            break
                if total > limit:
                    break
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return "文件已损坏，无法作为 Excel 文件解压"
    if total > limit:
        return f"解压后超过 {limit // 1024**2} MB，疑似压缩炸弹，已拒绝读取"
    return None


def open_book(content: bytes, filename: str, error: type[InvalidInput]) -> fastexcel.ExcelReader:
    """The workbook's reader; an unreadable or oversized file raises ``error`` as one plain problem."""
    refused = unpacked_problem(content)
    if refused:
        raise error([Problem("文件", f"{filename}：{refused}", filename, file=filename)])
    try:
        return fastexcel.read_excel(content)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one plain problem
        raise error(
            [
                Problem(
                    "文件",
                    f"{filename}：无法读取为 Excel 文件（{type(exc).__name__}）",
                    filename,
                    file=filename,
                )
            ]
        ) from None


def read_sheets(
    content: bytes, filename: str, sheets: dict[str, tuple[tuple[str, str], ...]], error: type[InvalidInput]
) -> dict[str, list[dict[str, Any]]]:
    """Every named sheet's rows; an unreadable file, a missing sheet or column raises ``error`` with them all."""
    reader = open_book(content, filename, error)
    problems: list[Problem] = []
    rows = {sheet: read_rows(reader, sheet, cols, filename, problems) for sheet, cols in sheets.items()}
    if problems:
        raise error(problems)
    return rows


def cell_problem(
    filename: str, rec: dict[str, Any], cols: tuple[tuple[str, str], ...], field: str, expected: str
) -> Problem:
    """A cell's problem, named as the user sees it: file, sheet, Excel row, column header, value, expectation."""
    sheet, row = rec[AT]
    header = dict(cols)[field]
    return Problem(
        header,
        f"{filename} 工作表“{sheet}”第 {row} 行「{header}」：值“{rec[field]}”，应为{expected}",
        rec[field],
        row=row,
        file=filename,
    )


# -- declared workbooks -----------------------------------------------------------------------------
# A workbook is declared once (sheets of typed fields, keys, references between sheets); the template,
# the export and the import's cell checks all come from the declaration. Importers add only the checks
# that need the database (a region, an enterprise, a node), through ``Parsed.problem``.

TEXT, MONEY, NUMBER, RATIO, DATE, CHOICE = "text", "money", "number", "ratio", "date", "choice"
YEAR, MONTH, FIGURE, WHOLE = "year", "month", "figure", "whole"
DATE_HINT = "日期，如 2025-03-31"


@dataclass(frozen=True)
class Field:
    """One column: its key, the header users see, and how its cells are read and written.

    ``kind``: text; money (a whole number of 元, ≥ 0); number (≥ 0, or > 0 with ``positive``); ratio
    (0 < r ≤ 1, written 0.6 or 60%); figure (any number, 48.5% read as 0.485); year (2000–2100);
    month (1–12, "3月" too); whole (an integer ≥ 0); date; choice (one of ``choices``' labels, stored as its value).
    ``default`` fills a blank optional cell; ``expected`` words what a blank required text cell should
    hold; ``pick_from`` names a written-only sheet whose first column the template offers as a
    drop-down (values the database knows, e.g. indicator names)."""

    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: Mapping[str, Any] | None = None
    aliases: Mapping[str, Any] | None = None  # also accepted on import (e.g. codes), never offered
    default: Any = None
    positive: bool = False
    expected: str = ""
    width: int = 16
    pick_from: str = ""
    offer: tuple[str, ...] = ()  # a text cell's drop-down; its values are checked by the importer
    help: str = ""  # what to fill in: a registry's help row and its 填写说明 sheet


@dataclass(frozen=True)
class Sheet:
    """One sheet: its fields, the help shown on its header, an optional unique ``key`` field, and an
    optional reference ``parent`` = (field, sheet): every value must be a key listed on that sheet."""

    name: str
    fields: tuple[Field, ...]
    help: str = ""
    key: str | None = None
    parent: tuple[str, str] | None = None
    read: bool = True  # False: a reference list written for the user (e.g. valid codes), not imported
    form: bool = False  # one item per row (label in column A, value in B) instead of a table

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return tuple((f.key, f.header) for f in self.fields)


@dataclass(frozen=True)
class Book:
    sheets: tuple[Sheet, ...]

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)


@dataclass
class Row:
    """One non-blank row as read: typed ``values`` by field key, the cell ``text`` and where it was
    (a form sheet's single row: each item's own Excel row in ``lines``)."""

    sheet: str
    row: int
    values: dict[str, Any]
    text: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict)


_HINTS = {
    DATE: DATE_HINT,
    YEAR: "四位年份",
    MONTH: "1 到 12 的月份",
    FIGURE: "数值（百分比可写 48.5% 或 0.485）",
    WHOLE: "不小于 0 的整数",
}


def _expected(f: Field) -> str:
    if f.kind == MONEY:
        return "不小于 0 的整数（单位：元）"
    if f.kind == NUMBER:
        return "大于 0 的数" if f.positive else "不小于 0 的数"
    if f.kind == RATIO:
        return "大于 0、不超过 1 的比例（如 0.6 或 60%）"
    if f.kind in _HINTS:
        return _HINTS[f.kind]
    if f.kind == CHOICE:
        return "、".join(f.choices or {}) + " 之一"
    return f.expected or f.header


def _number(f: Field, value: str) -> int | float:
    number = float(value.replace(",", "").replace("，", ""))
    if not math.isfinite(number) or number < 0 or (f.positive and number == 0):
        raise ValueError(value)
    if f.kind == MONEY and not number.is_integer():
        raise ValueError(value)
    return int(number) if f.kind == MONEY else number


def _ratio(value: str) -> float:
    share = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    if not 0 < share <= 1:
        raise ValueError(value)
    return share


def _figure(value: str) -> float:
    number = value.replace(",", "").replace("，", "")
    figure = float(number.rstrip("%")) / (100 if number.endswith("%") else 1)
    if not math.isfinite(figure):
        raise ValueError(value)
    return figure


def _whole(value: str, low: int, high: int) -> int:
    number = float(value.rstrip("年月"))
    if not number.is_integer() or not low <= number <= high:
        raise ValueError(value)
    return int(number)


_READERS = {
    RATIO: _ratio,
    FIGURE: _figure,
    YEAR: lambda value: _whole(value, 2000, 2100),
    WHOLE: lambda value: _whole(value.replace(",", ""), 0, 10**12),
    MONTH: lambda value: _whole(value, 1, 12),
    DATE: lambda value: parse_date(value),
}


def _choice(f: Field, value: str) -> Any:
    accepted = {**(f.aliases or {}), **(f.choices or {})}
    if value not in accepted:
        raise ValueError(value)
    return accepted[value]


def parse_cell(f: Field, value: str) -> Any:
    """A cell's text as the field's value; ValueError when it is not one."""
    if f.kind in _READERS:
        return _READERS[f.kind](value)
    if f.kind == CHOICE:
        return _choice(f, value)
    if f.kind in (MONEY, NUMBER):
        return _number(f, value)
    return value


@dataclass
class Parsed:
    """A read workbook: rows by sheet, and the problems found so far (cell checks done)."""

    book: Book
    filename: str
    rows: dict[str, list[Row]]
    problems: list[Problem]

    def problem(self, row: Row, key: str, expected: str) -> None:
        """Report a cell as the user sees it: file, sheet, Excel row, header, value, expectation."""
        header = self.book.sheet(row.sheet).field(key).header
        value = row.text.get(key, "")
        line = row.lines.get(key, row.row)
        self.problems.append(
            Problem(
                header,
                f"{self.filename} 工作表“{row.sheet}”第 {line} 行「{header}」：值“{value}”，应为{expected}",
                value,
                row=line,
                file=self.filename,
            )
        )

    def keys(self, sheet: str) -> set[Any]:
        key = self.book.sheet(sheet).key
        return {r.values[key] for r in self.rows[sheet]} if key else set()

    def check(self, error: type[InvalidInput]) -> None:
        if self.problems:
            raise error(self.problems)


def _typed(parsed: Parsed, sheet: Sheet, rec: dict[str, Any]) -> Row:
    at_sheet, at_row = rec.pop(AT)
    row = Row(at_sheet, at_row, {}, rec, rec.pop(LINES, {}))
    for f in sheet.fields:
        text_value = rec.get(f.key, "")
        if not text_value:
            if f.required:
                parsed.problem(row, f.key, _expected(f))
            row.values[f.key] = f.default
            continue
        try:
            row.values[f.key] = parse_cell(f, text_value)
        except ValueError:
            parsed.problem(row, f.key, _expected(f))
            row.values[f.key] = None
    return row


def _check_keys(parsed: Parsed, sheet: Sheet) -> None:
    seen: set[Any] = set()
    for row in parsed.rows[sheet.name]:
        value = row.values.get(sheet.key or "")
        if value in seen:
            parsed.problem(row, sheet.key or "", f"不重复的{sheet.field(sheet.key or '').header}")
        seen.add(value)


def read_book(book: Book, content: bytes, filename: str, error: type[InvalidInput]) -> Parsed:
    """Every sheet's rows with every cell checked (type, required, choice, unique key, references to
    another sheet). A missing sheet or column, or an unreadable file, raises ``error`` at once; cell
    problems are collected in the result for the importer to add its own and raise them all."""
    read = [s for s in book.sheets if s.read]
    reader = open_book(content, filename, error)
    problems: list[Problem] = []
    raw = {
        s.name: (read_form if s.form else read_rows)(reader, s.name, s.columns, filename, problems)
        for s in read
    }
    if problems:
        raise error(problems)
    parsed = Parsed(book, filename, {}, [])
    for sheet in read:
        parsed.rows[sheet.name] = [_typed(parsed, sheet, rec) for rec in raw[sheet.name]]
        if sheet.key:
            _check_keys(parsed, sheet)
    for sheet in read:
        if sheet.parent:
            _check_parent(parsed, sheet)
    return parsed


def _check_parent(parsed: Parsed, sheet: Sheet) -> None:
    """Each row's reference to the parent sheet names a key listed there."""
    assert sheet.parent
    field, target = sheet.parent
    known = parsed.keys(target)
    parent = parsed.book.sheet(target)
    header = parent.field(parent.key or "").header
    for row in parsed.rows[sheet.name]:
        if row.values[field] is not None and row.values[field] not in known:
            parsed.problem(row, field, f"“{target}”工作表中列出的{header}")


def _cell_text(f: Field, value: Any) -> Any:
    if value is None:
        return ""
    if f.kind == DATE:
        return value.isoformat()
    if f.kind == CHOICE:
        return next((label for label, v in (f.choices or {}).items() if v == value), value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _workbook(target: Any, *, streamed: bool = True) -> Any:
    """Every workbook kechuang writes: streamed row by row (``streamed``), and a cell's text stays text:
    a value that starts with = + - @ is never a formula (no formula injection from imported data),
    "0012" never a number, a URL never a link."""
    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": streamed,
            "in_memory": not streamed,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )


def write_book(book: Book, rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> bytes:
    """The workbook with these rows (by sheet, each a mapping by field key; none: the empty template):
    bold frozen headers with the sheet's help as a comment, drop-down lists for choices. What it writes
    reads back unchanged."""
    buf = io.BytesIO()
    out = _workbook(buf)
    bold = out.add_format({"bold": True, "bg_color": "#F2F4F7"})
    for sheet in book.sheets:
        ws = out.add_worksheet(sheet.name)
        if sheet.form:
            _write_form(ws, bold, sheet, next(iter(rows.get(sheet.name, ())), {}))
        else:
            _write_table(ws, bold, sheet, rows.get(sheet.name, ()))
    out.close()
    return buf.getvalue()


def _picks(f: Field) -> dict[str, Any] | None:
    """The drop-down a field's cells offer, if any."""
    if f.kind == CHOICE and f.choices:
        return {"validate": "list", "source": list(f.choices)}
    if f.pick_from:
        return {"validate": "list", "source": f"='{f.pick_from}'!$A$2:$A$5000"}
    if f.offer:
        return {"validate": "list", "source": list(f.offer)}
    return None


def _write_table(ws: Any, bold: Any, sheet: Sheet, rows: Iterable[Mapping[str, Any]]) -> None:
    for c, f in enumerate(sheet.fields):
        ws.set_column(c, c, f.width)
    ws.freeze_panes(1, 1)
    ws.write_row(0, 0, [f.header for f in sheet.fields], bold)
    if sheet.help:
        ws.write_comment(0, 0, sheet.help)
    n = 0
    for n, values in enumerate(rows, start=1):
        ws.write_row(n, 0, [_cell_text(f, values.get(f.key)) for f in sheet.fields])
    for c, f in enumerate(sheet.fields):
        if picks := _picks(f):
            ws.data_validation(1, c, n + 2000, c, picks)


def _write_form(ws: Any, bold: Any, sheet: Sheet, values: Mapping[str, Any]) -> None:
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 80)
    for r, f in enumerate(sheet.fields):
        ws.write(r, 0, f.header, bold)
        ws.write(r, 1, _cell_text(f, values.get(f.key)))
        if picks := _picks(f):
            ws.data_validation(r, 1, r, 1, picks)
    if sheet.help:
        ws.write_comment(0, 0, sheet.help)


# -- exports: plain tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One exported sheet: a bold frozen header row, the rows as given, an optional note two rows below
    them (the figures' source: rule or methodology version, 计算于 …), and optional background tints per
    column by cell value (e.g. a light's colour)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    note: str = ""
    width: int = 16
    freeze: tuple[int, int] = (1, 0)
    tint: Mapping[int, Mapping[Any, str]] = field(default_factory=dict)


def write_tables(tables: Iterable[Table]) -> bytes:
    """The one way to write an exported table: every table as a sheet of one workbook (streamed)."""
    buf = io.BytesIO()
    out = _workbook(buf)
    formats = SheetFormats(out)
    for table in tables:
        write_table_sheet(
            out,
            formats,
            table.title,
            table.headers,
            table.rows,
            notes=(table.note,),
            width=table.width,
            freeze=table.freeze,
            tint=table.tint,
        )
    out.close()
    return buf.getvalue()


def charting_workbook(target: Any) -> Any:
    """A workbook for sheets with native charts: held in memory rather than streamed (a chart caches the
    values of the cells it plots, which a streamed sheet no longer holds); text stays text as in every
    workbook kechuang writes."""
    return _workbook(target, streamed=False)


class SheetFormats:
    """A workbook's cell formats, each made once (xlsxwriter keeps every format it is given): the bold
    shaded header, and a cell's number format and fill."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._made: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.header = self.get(bold=True, bg_color="#F2F4F7")

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format(props)
        return self._made[key]


class _CellFormats:
    """The format of each cell of a table: its column's number format, with its tint by value."""

    def __init__(
        self, formats: SheetFormats, num_formats: Sequence[str | None], tint: Mapping[int, Mapping[Any, str]]
    ):
        self.formats = formats
        self.num_formats = {c: f for c, f in enumerate(num_formats) if f}
        self.tint = tint
        self.plain = not self.num_formats and not tint
        self.column = {c: formats.get(num_format=f) for c, f in self.num_formats.items()}

    def of(self, col: int, value: Any) -> Any:
        colours = self.tint.get(col)
        colour = colours.get(value) if colours else None
        if not colour:
            return None if value is None else self.column.get(col)
        if col in self.num_formats:
            return self.formats.get(bg_color=colour, num_format=self.num_formats[col])
        return self.formats.get(bg_color=colour)


def _set_widths(ws: Any, columns: int, width: int | Sequence[int]) -> None:
    if isinstance(width, int):
        ws.set_column(0, max(columns - 1, 0), width)
        return
    for c, w in enumerate(width):
        ws.set_column(c, c, w)


def write_table_sheet(
    book: Any,
    formats: SheetFormats,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    notes: Sequence[str] = (),
    width: int | Sequence[int] = 16,
    freeze: tuple[int, int] = (1, 0),
    tint: Mapping[int, Mapping[Any, str]] | None = None,
    num_formats: Sequence[str | None] = (),
    autofilter: bool = False,
) -> int:
    """A sheet ``title`` holding one table, written row by row (so streamed workbooks take it): the bold
    frozen header row, the rows as given (typed values stay typed; text stays text in kechuang's
    workbooks), each column's number format if any, a cell's background by its value per ``tint``
    column (e.g. a light's colour), an optional autofilter over the table, and the non-empty ``notes``
    (the figures' source: rule or methodology version, 计算于 …) from two rows below it. Returns the
    number of rows written."""
    ws = book.add_worksheet(title)
    _set_widths(ws, len(headers), width)
    ws.freeze_panes(*freeze)
    ws.write_row(0, 0, list(headers), formats.header)
    cells = _CellFormats(formats, num_formats, tint or {})
    n = 0
    for n, values in enumerate(rows, start=1):
        if cells.plain:
            ws.write_row(n, 0, list(values))
            continue
        for col, value in enumerate(values):
            ws.write(n, col, value, cells.of(col, value))
    if autofilter and headers:
        ws.autofilter(0, 0, n, len(headers) - 1)
    for i, line in enumerate(line for line in notes if line):
        ws.write(n + 2 + i, 0, line)
    return n


# -- registries: one large sheet, column-wise -------------------------------------------------------

NUMERIC = frozenset({MONEY, NUMBER, YEAR, FIGURE, WHOLE})
VALIDATED_ROWS = 20000  # drop-downs cover this many data rows in a blank template


def write_register(
    target: Any,
    sheet: str,
    fields: Sequence[Field],
    frame: pl.DataFrame | None,
    *,
    help_mark: str,
    notes: Sequence[tuple[str, str]],
) -> int:
    """A registry sheet in the layout its column-wise importer reads back; returns the data row count.

    Row 1: the headers (required ones darker); row 2: the help row (starts with ``help_mark``, skipped
    on import); data from row 3, ``frame`` holding what a person types (one column per field, in
    order; numbers for the numeric kinds). A field's ``offer`` becomes a drop-down (its values on a
    hidden sheet ``_lists``, as region lists are long); a sheet 填写说明 holds ``notes`` and every
    column's help."""
    wb = _workbook(target)
    base = {"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter"}
    head = wb.add_format({**base, "bg_color": "#FDECEA"})
    required = wb.add_format({**base, "bg_color": "#F8C8C4"})
    helpf = wb.add_format(
        {"italic": True, "font_color": "#667085", "text_wrap": True, "valign": "top", "font_size": 9}
    )
    ws = wb.add_worksheet(sheet)
    ws.freeze_panes(2, 1)
    ws.set_row(0, 32)
    ws.set_row(1, 42)
    for i, f in enumerate(fields):  # constant-memory mode: strictly row by row
        ws.set_column(i, i, f.width)
        ws.write_string(0, i, f.header, required if f.required else head)
    for i, f in enumerate(fields):
        ws.write_string(1, i, (help_mark if i == 0 else "") + f.help, helpf)
    rows = _write_frame(ws, fields, frame)
    _offer_lists(wb, ws, fields, max(rows + 2, VALIDATED_ROWS))
    _notes(wb, fields, notes)
    wb.close()
    return rows


def _write_frame(ws: Any, fields: Sequence[Field], frame: pl.DataFrame | None) -> int:
    if frame is None:
        return 0
    numeric = [f.kind in NUMERIC for f in fields]
    for r, values in enumerate(frame.iter_rows(), start=2):
        for i, value in enumerate(values):
            if value is None:
                continue
            if numeric[i]:
                ws.write_number(r, i, value)
            else:
                ws.write_string(r, i, str(value))
    return frame.height


def _offer_lists(wb: Any, ws: Any, fields: Sequence[Field], last_row: int) -> None:
    offered = [(i, f.offer) for i, f in enumerate(fields) if f.offer]
    lists = wb.add_worksheet("_lists")
    for r in range(max((len(values) for _, values in offered), default=0)):  # row by row
        for j, (_, values) in enumerate(offered):
            if r < len(values):
                lists.write_string(r, j, values[r])
    for j, (i, values) in enumerate(offered):
        letter = xl_col_to_name(j)
        ws.data_validation(
            2,
            i,
            last_row,
            i,
            {
                "validate": "list",
                "source": f"=_lists!${letter}$1:${letter}${len(values)}",
                "error_title": "请从下拉列表选择",
                "error_message": "请从下拉列表中选择一个值",
                "error_type": "warning",
            },
        )
    lists.hide()


def _notes(wb: Any, fields: Sequence[Field], notes: Sequence[tuple[str, str]]) -> None:
    ws = wb.add_worksheet("填写说明")
    bold = wb.add_format({"bold": True})
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 80)
    for r, (k, v) in enumerate(notes):
        ws.write_string(r, 0, k, bold)
        ws.write_string(r, 1, v)
    ws.write_string(len(notes) + 1, 0, "列", bold)
    ws.write_string(len(notes) + 1, 1, "说明", bold)
    for r, f in enumerate(fields, start=len(notes) + 2):
        ws.write_string(r, 0, f.header + ("（必填）" if f.required else ""))
        ws.write_string(r, 1, f.help)
