"""Reading workbooks row by row for the all-or-nothing imports that are not column-wise registries
(atlas, links, projects): every cell as text, every row with the sheet and the row number Excel shows."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import fastexcel

from kechuang.errors import InvalidInput, Problem

AT = "_at"  # where a record came from (a JSON path, or sheet and row)
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


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
    for field, h in cols:
        if h in header:
            index[field] = header.index(h)
        else:
            problems.append(Problem(h, f"{file} 工作表“{sheet}”缺少列“{h}”", h, row=1, file=file))
    out = []
    for r in range(1, grid.height):
        values = grid.row(r)
        rec = {field: text(values[i]) if i < len(values) else "" for field, i in index.items()}
        if any(rec.values()):
            rec[AT] = (sheet, r + 1)
            out.append(rec)
    return out


def parse_date(value: str) -> date:
    """2024-01-01, 2024/1/1, 2024年1月1日, or an Excel date cell read as text ("2024-01-01 00:00:00")."""
    m = DATE.match(value.strip())
    if not m:
        raise ValueError(value)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def read_sheets(
    content: bytes, filename: str, sheets: dict[str, tuple[tuple[str, str], ...]], error: type[InvalidInput]
) -> dict[str, list[dict[str, Any]]]:
    """Every named sheet's rows; an unreadable file, a missing sheet or column raises ``error`` with them all."""
    try:
        reader = fastexcel.read_excel(content)
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
