"""Ladder exports as Excel: the next-rung list and the year's transitions, each naming its rules."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import polars as pl
import xlsxwriter

from kechuang.rules.catalog import in_force


def _book(sheet_name: str, headers: tuple[str, ...]) -> tuple[io.BytesIO, Any, Any]:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True})
    sheet = book.add_worksheet(sheet_name)
    bold = book.add_format({"bold": True})
    for col, header in enumerate(headers):
        sheet.write(0, col, header, bold)
    return buf, book, sheet


def next_rung_xlsx(rows: list[dict[str, Any]], as_of: date) -> bytes:
    buf, book, sheet = _book(
        "小升高",
        ("统一社会信用代码", "企业名称", "地区代码", "未满足条件数", "待定条件数", "差距", "缺少的数据"),
    )
    for i, r in enumerate(rows, start=1):
        for col, key in enumerate(("uscc", "name", "region_code", "failed", "unknown")):
            sheet.write(i, col, r[key])
        sheet.write(i, 5, "；".join(r["gaps"]))
        sheet.write(i, 6, "；".join(r["missing"]))
    sheet.write(len(rows) + 2, 0, f"评估日 {as_of.isoformat()}；规则：{in_force('hnte', as_of).document}")
    book.close()
    return buf.getvalue()


def transitions_xlsx(
    moved: pl.DataFrame,
    *,
    who: dict[int, tuple[str, str]],
    regions: dict[str, str],
    programmes: dict[str, str],
    year: int,
) -> bytes:
    buf, book, sheet = _book("梯度变化", ("统一社会信用代码", "企业名称", "地区", "资质", "变化", "原因"))
    for i, r in enumerate(moved.iter_rows(named=True), start=1):
        name, uscc = who.get(r["enterprise_id"], ("", ""))
        sheet.write_row(
            i,
            0,
            (
                uscc,
                name,
                regions.get(r["region_code"], r["region_code"]),
                programmes.get(r["programme"], r["programme"]),
                "升级" if r["movement"] == "up" else "退出",
                r["reasons"],
            ),
        )
    sheet.write(
        moved.height + 2,
        0,
        f"{year - 1} 年度与 {year} 年度的评估结果对比（持有称号或按规则评估符合即视为在该梯度）",
    )
    book.close()
    return buf.getvalue()
