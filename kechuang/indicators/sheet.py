"""Targets and monthly figures as an Excel workbook: download (template or current), import all or
nothing with every problem at once. Targets are the city bureau's; a district may import its own
region's monthly figures. Rows upsert by (region, indicator, year[, month]); every figure keeps the
file and row it came from."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, scope_clause
from kechuang.errors import InvalidInput, Problem
from kechuang.indicators.models import Figure, IndicatorDef, Target
from kechuang.regions.models import Region
from kechuang.workbook import AT, cell_problem, read_sheets

SHEETS: dict[str, tuple[tuple[str, str], ...]] = {
    "目标": (("region", "地区"), ("indicator", "指标"), ("year", "年度"), ("value", "目标值")),
    "月度数据": (
        ("region", "地区"),
        ("indicator", "指标"),
        ("year", "年度"),
        ("month", "月份"),
        ("value", "数值"),
        ("source", "来源"),
    ),
}


class TargetSheetError(InvalidInput):
    """Every problem of a targets workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    regions = {r.code: r.name for r in session.scalars(select(Region))}
    inds = {i.code: i for i in session.scalars(select(IndicatorDef).order_by(IndicatorDef.position))}
    targets = (
        []
        if empty
        else list(
            session.scalars(
                select(Target)
                .where(scope_clause(actor, Target))
                .order_by(Target.year, Target.region_code, Target.indicator)
            )
        )
    )
    figures = (
        []
        if empty
        else list(
            session.scalars(
                select(Figure)
                .where(scope_clause(actor, Figure))
                .order_by(Figure.year, Figure.month, Figure.region_code, Figure.indicator)
            )
        )
    )
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2F4F7"})

    def name(code: str) -> str:
        return inds[code].name if code in inds else code

    rows = {
        "目标": [
            [regions.get(t.region_code, t.region_code), name(t.indicator), t.year, t.target] for t in targets
        ],
        "月度数据": [
            [regions.get(f.region_code, f.region_code), name(f.indicator), f.year, f.month, f.value, f.source]
            for f in figures
        ],
    }
    for sheet, cols in SHEETS.items():
        ws = book.add_worksheet(sheet)
        ws.write_row(0, 0, [h for _, h in cols], bold)
        for r, values in enumerate(rows[sheet], start=1):
            ws.write_row(r, 0, values)
        ws.data_validation(
            1, 1, len(rows[sheet]) + 5000, 1, {"validate": "list", "source": "='指标说明'!$A$2:$A$100"}
        )
        ws.set_column(0, len(cols) - 1, 16)
        ws.set_column(1, 1, 28)
        ws.freeze_panes(1, 0)
    info = book.add_worksheet("指标说明")
    info.write_row(0, 0, ["指标", "编号", "单位", "口径", "方向", "定义", "来源"], bold)
    for r, i in enumerate(inds.values(), start=1):
        info.write_row(
            r,
            0,
            [
                i.name,
                i.code,
                i.unit,
                "累计（月度发生额）" if i.mode == "cumulative" else "时点（月末值）",
                "越高越好" if i.direction > 0 else "越低越好",
                i.definition,
                i.source,
            ],
        )
    info.set_column(0, 6, 20)
    book.close()
    return buf.getvalue()


def import_workbook(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    require(actor, Permission.edit_targets, "目标由市科技局下达，月度数据由市科技局和区县填报")
    problems: list[Problem] = []

    def bad(rec: dict[str, Any], sheet: str, field: str, expected: str) -> None:
        problems.append(cell_problem(filename, rec, SHEETS[sheet], field, expected))

    sheets = read_sheets(content, filename, SHEETS, TargetSheetError)
    regions = {r.code: r.code for r in session.scalars(select(Region))} | {
        r.name: r.code for r in session.scalars(select(Region))
    }
    inds = {i.code: i.code for i in session.scalars(select(IndicatorDef))} | {
        i.name: i.code for i in session.scalars(select(IndicatorDef))
    }
    parsed: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {"目标": {}, "月度数据": {}}
    if sheets["目标"] and not actor.is_admin:
        bad(sheets["目标"][0], "目标", "region", "空（年度目标由市科技局下达，区县只填报月度数据）")
    for sheet, rows in sheets.items():
        for r in rows:
            region = regions.get(r["region"])
            if region is None:
                bad(r, sheet, "region", "本市的地区名称或代码")
            elif not actor.is_admin and region not in actor.region_codes:
                bad(r, sheet, "region", "本辖区的地区")
            indicator = inds.get(r["indicator"])
            if indicator is None:
                bad(r, sheet, "indicator", "指标名称或编号（见“指标说明”工作表）")
            try:
                year = int(r["year"])
                if not 2000 <= year <= 2100:
                    raise ValueError
            except ValueError:
                bad(r, sheet, "year", "四位年份")
                year = None
            month = None
            if sheet == "月度数据":
                try:
                    month = int(r["month"].rstrip("月"))
                    if not 1 <= month <= 12:
                        raise ValueError
                except ValueError:
                    bad(r, sheet, "month", "1 到 12 的月份")
            try:
                value = float(r["value"].replace(",", "").rstrip("%")) / (
                    100 if r["value"].endswith("%") else 1
                )
            except ValueError:
                bad(r, sheet, "value", "数值（百分比可写 48.5% 或 0.485）")
                value = None
            key = (region, indicator, year, month)
            if None not in (region, indicator, year, value) and (sheet == "目标" or month is not None):
                if key in parsed[sheet]:
                    bad(r, sheet, "indicator", "同一地区、指标和期间只出现一次")
                parsed[sheet][key] = {"value": value, "row": r[AT][1], "source": r.get("source", "")}
    if problems:
        raise TargetSheetError(problems)
    result = ImportResult()
    existing_t = {(t.region_code, t.indicator, t.year, None): t for t in session.scalars(select(Target))}
    for key, v in parsed["目标"].items():
        _upsert(
            session,
            existing_t.get(key),
            Target,
            {"region_code": key[0], "indicator": key[1], "year": key[2]},
            {"target": v["value"], "source": f"{filename} 第{v['row']}行"},
            "target",
            result,
        )
    existing_f = {(f.region_code, f.indicator, f.year, f.month): f for f in session.scalars(select(Figure))}
    for key, v in parsed["月度数据"].items():
        source = v["source"] or f"{filename} 第{v['row']}行"
        _upsert(
            session,
            existing_f.get(key),
            Figure,
            {"region_code": key[0], "indicator": key[1], "year": key[2], "month": key[3]},
            {"value": v["value"], "source": source},
            "value",
            result,
        )
    session.flush()
    audit.record(
        session,
        actor,
        entity="indicator_figures",
        action="import",
        entity_id=filename,
        summary=f"导入目标与月度数据 {filename}：新增 {result.created}、修改 {result.updated}、未变 {result.unchanged}",
    )
    return result


def _upsert(
    session: Session,
    obj: Any,
    model: Any,
    keys: dict[str, Any],
    values: dict[str, Any],
    compare: str,
    result: ImportResult,
) -> None:
    if obj is None:
        session.add(model(**keys, **values))
        result.created += 1
    elif not math.isclose(getattr(obj, compare), values[compare], rel_tol=1e-12, abs_tol=1e-12):
        # Excel keeps 15 significant digits: a figure read back from an exported file is the same figure
        for k, v in values.items():
            setattr(obj, k, v)
        result.updated += 1
    else:
        result.unchanged += 1
