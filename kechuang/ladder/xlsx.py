"""Ladder exports as Excel: the next-rung list and the year's transitions, each naming its rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from kechuang.rules.catalog import in_force
from kechuang.workbook import Table, write_tables


def next_rung_xlsx(rows: list[dict[str, Any]], as_of: date) -> bytes:
    headers = ("统一社会信用代码", "企业名称", "地区代码", "未满足条件数", "待定条件数", "差距", "缺少的数据")
    body = (
        [
            r["uscc"],
            r["name"],
            r["region_code"],
            r["failed"],
            r["unknown"],
            "；".join(r["gaps"]),
            "；".join(r["missing"]),
        ]
        for r in rows
    )
    note = f"评估日 {as_of.isoformat()}；规则：{in_force('hnte', as_of).document}"
    return write_tables([Table("小升高", headers, body, note=note)])


def transitions_xlsx(
    moved: pl.DataFrame,
    *,
    who: dict[int, tuple[str, str]],
    regions: dict[str, str],
    programmes: dict[str, str],
    year: int,
) -> bytes:
    def row(r: dict[str, Any]) -> list[Any]:
        name, uscc = who.get(r["enterprise_id"], ("", ""))
        return [
            uscc,
            name,
            regions.get(r["region_code"], r["region_code"]),
            programmes.get(r["programme"], r["programme"]),
            "升级" if r["movement"] == "up" else "退出",
            r["reasons"],
        ]

    headers = ("统一社会信用代码", "企业名称", "地区", "资质", "变化", "原因")
    note = f"{year - 1} 年度与 {year} 年度的评估结果对比（持有称号或按规则评估符合即视为在该梯度）"
    return write_tables(
        [Table("梯度变化", headers, (row(r) for r in moved.iter_rows(named=True)), note=note)]
    )
