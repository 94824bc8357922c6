"""Write registry spreadsheets (templates and exports) in the layout the importer reads back.

Row 1: the Chinese headers; row 2: the help row (starts with 【填写说明】, skipped on import);
data from row 3. Enumerations and regions get drop-down lists; a sheet 填写说明 explains it all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from kechuang.enterprises.columns import HELP_MARK, Dataset, Kind

VALIDATED_ROWS = 20000  # drop-downs cover this many data rows in a blank template


def _display(frame: pl.DataFrame, ds: Dataset, region_names: Mapping[str, str]) -> pl.DataFrame:
    """Stored values → what a person types: labels for enums, names for regions, 是/否, dates as text."""
    exprs: list[pl.Expr] = []
    for col in ds.columns:
        if col.field not in frame.columns:
            exprs.append(pl.lit(None, dtype=pl.String).alias(col.field))
            continue
        c = pl.col(col.field)
        match col.kind:
            case Kind.enum:
                assert col.choices is not None
                labels = {m.value: m.zh for m in col.choices}  # type: ignore[attr-defined]
                exprs.append(c.replace_strict(labels, default=None, return_dtype=pl.String).alias(col.field))
            case Kind.region:
                exprs.append(
                    c.replace_strict(dict(region_names), default=c, return_dtype=pl.String).alias(col.field)
                )
            case Kind.boolean:
                exprs.append(pl.when(c).then(pl.lit("是")).otherwise(pl.lit("否")).alias(col.field))
            case Kind.date:
                exprs.append(c.cast(pl.Date).dt.strftime("%Y-%m-%d").alias(col.field))
            case Kind.aliases:
                exprs.append(c.str.replace_all(r"\|", "；").alias(col.field))
            case _:
                exprs.append(c.alias(col.field))
    return frame.select(exprs)


def _choices(ds: Dataset, region_names: Sequence[str]) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for col in ds.columns:
        if col.kind is Kind.enum and col.choices is not None:
            lists[col.field] = [m.zh for m in col.choices]  # type: ignore[attr-defined]
        elif col.kind is Kind.region:
            lists[col.field] = list(region_names)
        elif col.kind is Kind.boolean:
            lists[col.field] = ["是", "否"]
    return lists


def write_workbook(
    target: str | Path | IO[bytes], ds: Dataset, frame: pl.DataFrame | None, region_names: Mapping[str, str]
) -> int:
    """Write ``frame`` (stored values, may be None for a blank template); returns the data row count."""
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    head = wb.add_format(
        {"bold": True, "bg_color": "#FDECEA", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    required = wb.add_format(
        {"bold": True, "bg_color": "#F8C8C4", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    helpf = wb.add_format(
        {"italic": True, "font_color": "#667085", "text_wrap": True, "valign": "top", "font_size": 9}
    )
    ws = wb.add_worksheet(ds.sheet)
    lists_ws = wb.add_worksheet("_lists")
    ws.freeze_panes(2, 1)
    ws.set_row(0, 32)
    ws.set_row(1, 42)
    for i, col in enumerate(ds.columns):  # constant-memory mode: strictly row by row
        ws.set_column(i, i, col.width)
        ws.write_string(0, i, col.header, required if col.required else head)
    for i, col in enumerate(ds.columns):
        ws.write_string(1, i, (HELP_MARK if i == 0 else "") + col.help, helpf)
    rows = 0
    if frame is not None and frame.height:
        shown = _display(frame, ds, region_names)
        kinds = [c.kind for c in ds.columns]
        for r, values in enumerate(shown.iter_rows(), start=2):
            for i, value in enumerate(values):
                if value is None:
                    continue
                if kinds[i] in (Kind.count, Kind.money, Kind.signed_money, Kind.year):
                    ws.write_number(r, i, value)
                else:
                    ws.write_string(r, i, str(value))
        rows = shown.height
    last_row = max(rows + 2, VALIDATED_ROWS)
    choices = _choices(ds, list(region_names.values()))
    for r in range(max((len(v) for v in choices.values()), default=0)):  # row by row: constant-memory mode
        for j, values in enumerate(choices.values()):
            if r < len(values):
                lists_ws.write_string(r, j, values[r])
    for j, (fld, values) in enumerate(choices.items()):
        i = next(k for k, c in enumerate(ds.columns) if c.field == fld)
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
    lists_ws.hide()
    _instructions(wb, ds)
    wb.close()
    return rows


def _instructions(wb: Any, ds: Dataset) -> None:
    ws = wb.add_worksheet("填写说明")
    bold = wb.add_format({"bold": True})
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 80)
    lines = [
        (
            "用途",
            f"{ds.label}导入模板（kechuang 科创平台）。第 1 行是列名，第 2 行是填写说明，从第 3 行开始填写数据。",
        ),
        (
            "唯一标识",
            "、".join(ds.column(k).header for k in ds.key) + "：相同标识的行会更新已有记录，其余新增。",
        ),
        (
            "整体导入",
            "只要有一处错误，整个文件都不会写入；页面和命令行会一次列出所有错误（行号、列名、值、应填什么）。",
        ),
        ("空白单元格", "表示该项未知（不会当作 0）。"),
        ("导出再导入", "从平台导出的文件可以直接修改后再导入。"),
    ]
    for r, (k, v) in enumerate(lines):
        ws.write_string(r, 0, k, bold)
        ws.write_string(r, 1, v)
    ws.write_string(len(lines) + 1, 0, "列", bold)
    ws.write_string(len(lines) + 1, 1, "说明", bold)
    for r, col in enumerate(ds.columns, start=len(lines) + 2):
        ws.write_string(r, 0, col.header + ("（必填）" if col.required else ""))
        ws.write_string(r, 1, col.help)


def workbook_bytes(ds: Dataset, frame: pl.DataFrame | None, region_names: Mapping[str, str]) -> bytes:
    buffer = BytesIO()
    write_workbook(buffer, ds, frame, region_names)
    return buffer.getvalue()


def export_filename(ds: Dataset, today: date | None = None) -> str:
    return f"{ds.label}_{(today or date.today()).isoformat()}.xlsx"
