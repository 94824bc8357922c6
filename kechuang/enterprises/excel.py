"""Write registry spreadsheets (templates and exports) in the layout the importer reads back.

Row 1: the Chinese headers; row 2: the help row (starts with 【填写说明】, skipped on import);
data from row 3. Enumerations and regions get drop-down lists; a sheet 填写说明 explains it all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import IO

import polars as pl

from kechuang.enterprises.columns import HELP_MARK, Column, Dataset, Kind
from kechuang.workbook import NUMBER, TEXT, Field, write_register


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
                labels = {m.value: m.zh for m in col.choices}
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


def _field(col: Column, region_names: Sequence[str]) -> Field:
    """The registry column as a workbook field: numbers written as numbers, a drop-down for enums,
    regions and yes/no."""
    offer: tuple[str, ...] = ()
    if col.kind is Kind.enum and col.choices is not None:
        offer = tuple(m.zh for m in col.choices)
    elif col.kind is Kind.region:
        offer = tuple(region_names)
    elif col.kind is Kind.boolean:
        offer = ("是", "否")
    kind = NUMBER if col.kind in (Kind.count, Kind.money, Kind.signed_money, Kind.year) else TEXT
    return Field(
        col.field, col.header, kind, required=col.required, width=col.width, offer=offer, help=col.help
    )


def _notes(ds: Dataset) -> list[tuple[str, str]]:
    return [
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


def write_workbook(
    target: str | Path | IO[bytes], ds: Dataset, frame: pl.DataFrame | None, region_names: Mapping[str, str]
) -> int:
    """Write ``frame`` (stored values, may be None for a blank template); returns the data row count."""
    fields = [_field(col, list(region_names.values())) for col in ds.columns]
    shown = _display(frame, ds, region_names) if frame is not None and frame.height else None
    return write_register(target, ds.sheet, fields, shown, help_mark=HELP_MARK, notes=_notes(ds))


def workbook_bytes(ds: Dataset, frame: pl.DataFrame | None, region_names: Mapping[str, str]) -> bytes:
    buffer = BytesIO()
    write_workbook(buffer, ds, frame, region_names)
    return buffer.getvalue()


def export_filename(ds: Dataset, today: date | None = None) -> str:
    return f"{ds.label}_{(today or date.today()).isoformat()}.xlsx"
