"""Targets and monthly figures as an Excel workbook: download (template or current), import all or
nothing with every problem at once. Targets are the city bureau's; a district may import its own
region's monthly figures. Rows upsert by (region, indicator, year[, month]); every figure keeps the
file and row it came from (or the source its row names)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, allowed, require, writable_region
from kechuang.auth.scope import Actor, scope_clause
from kechuang.errors import InvalidInput
from kechuang.indicators.models import Figure, IndicatorDef, Target
from kechuang.provenance import Source, parse
from kechuang.regions.models import Region
from kechuang.workbook import FIGURE, MONTH, YEAR, Book, Field, Parsed, Row, Sheet, read_book, write_book

INFO = "指标说明"
_REGION = Field("region", "地区", required=True, expected="本市的地区名称或代码")
_INDICATOR = Field(
    "indicator",
    "指标",
    required=True,
    expected=f"指标名称或编号（见“{INFO}”工作表）",
    width=28,
    pick_from=INFO,
)
_YEAR = Field("year", "年度", YEAR, required=True)
TARGETS = Sheet(
    "目标",
    (_REGION, _INDICATOR, _YEAR, Field("value", "目标值", FIGURE, required=True)),
    help="年度目标由市科技局下达；每行一个地区、指标和年度；百分比可写 48.5% 或 0.485",
)
FIGURES = Sheet(
    "月度数据",
    (
        _REGION,
        _INDICATOR,
        _YEAR,
        Field("month", "月份", MONTH, required=True),
        Field("value", "数值", FIGURE, required=True),
        Field("source", "来源", default="", width=24),
    ),
    help="每行一个地区、指标和月份（累计指标填年初至该月的累计值）；来源留空时记为本文件及行号",
)
INDICATORS = Sheet(
    INFO,
    (
        Field("name", "指标", width=20),
        Field("code", "编号", width=20),
        Field("unit", "单位", width=20),
        Field("mode", "口径", width=20),
        Field("direction", "方向", width=20),
        Field("definition", "定义", width=20),
        Field("source", "来源", width=20),
    ),
    read=False,
)
BOOK = Book((TARGETS, FIGURES, INDICATORS))


class TargetSheetError(InvalidInput):
    """Every problem of a targets workbook."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def workbook(session: Session, *, actor: Actor, empty: bool = False) -> bytes:
    """The targets and monthly figures the actor may see (none: the template), with the indicator list."""
    regions = {r.code: r.name for r in session.scalars(select(Region))}
    inds = {i.code: i for i in session.scalars(select(IndicatorDef).order_by(IndicatorDef.position))}

    def where(code: str, indicator: str) -> dict[str, str]:
        return {
            "region": regions.get(code, code),
            "indicator": inds[indicator].name if indicator in inds else indicator,
        }

    targets: Iterable[Target] = (
        []
        if empty
        else session.scalars(
            select(Target)
            .where(scope_clause(actor, Target))
            .order_by(Target.year, Target.region_code, Target.indicator)
        )
    )
    figures: Iterable[Figure] = (
        []
        if empty
        else session.scalars(
            select(Figure)
            .where(scope_clause(actor, Figure))
            .order_by(Figure.year, Figure.month, Figure.region_code, Figure.indicator)
        )
    )
    info = (
        {
            "name": i.name,
            "code": i.code,
            "unit": i.unit,
            "mode": "累计（月度发生额）" if i.mode == "cumulative" else "时点（月末值）",
            "direction": "越高越好" if i.direction > 0 else "越低越好",
            "definition": i.definition,
            "source": i.source,
        }
        for i in inds.values()
    )
    return write_book(
        BOOK,
        {
            TARGETS.name: (
                {**where(t.region_code, t.indicator), "year": t.year, "value": t.target} for t in targets
            ),
            FIGURES.name: (
                {**where(f.region_code, f.indicator), "year": f.year, "month": f.month, "value": f.value}
                | {"source": _typed_source(f.source)}
                for f in figures
            ),
            INFO: info,
        },
    )


def _typed_source(text: str) -> str:
    """The 来源 cell of an exported figure: the source a row named (统计局快报 …); blank when it was
    recorded by the system (a file and row, the demo), so an edited copy records its own file and row."""
    return text if parse(text).kind == "text" else ""


@dataclass(frozen=True)
class _Lookups:
    regions: dict[str, str]  # name or code -> code
    indicators: dict[str, str]  # name or code -> code


def _lookups(session: Session) -> _Lookups:
    regions = {r.code: r.code for r in session.scalars(select(Region))}
    regions |= {r.name: r.code for r in session.scalars(select(Region))}
    inds = {i.code: i.code for i in session.scalars(select(IndicatorDef))}
    inds |= {i.name: i.code for i in session.scalars(select(IndicatorDef))}
    return _Lookups(regions, inds)


def _key(parsed: Parsed, row: Row, actor: Actor, look: _Lookups) -> tuple[Any, ...] | None:
    """The row's (region, indicator, year, month) with the checks that need the database."""
    v = row.values
    region = look.regions.get(v["region"] or "")
    if v["region"] and region is None:
        parsed.problem(row, "region", _REGION.expected)
    elif region is not None and not writable_region(actor, region):
        parsed.problem(row, "region", "本辖区的地区")
    indicator = look.indicators.get(v["indicator"] or "")
    if v["indicator"] and indicator is None:
        parsed.problem(row, "indicator", _INDICATOR.expected)
    key = (region, indicator, v["year"], v.get("month"))
    needed = key if row.sheet == FIGURES.name else key[:3]
    return None if None in needed or v["value"] is None else key


def _wanted(
    session: Session, parsed: Parsed, actor: Actor
) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every row as the target or figure it sets, by sheet and key; duplicates are problems."""
    look = _lookups(session)
    targets = parsed.rows[TARGETS.name]
    if targets and not allowed(actor, Permission.set_targets):
        parsed.problem(targets[0], "region", "空（年度目标由市科技局下达，区县只填报月度数据）")
    wanted: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {TARGETS.name: {}, FIGURES.name: {}}
    for sheet, rows in wanted.items():
        for row in parsed.rows[sheet]:
            key = _key(parsed, row, actor, look)
            if key is None:
                continue
            if key in rows:
                parsed.problem(row, "indicator", "同一地区、指标和期间只出现一次")
            source = row.values.get("source") or Source.imported(parsed.filename, row.row, sheet).format()
            rows[key] = {"value": row.values["value"], "source": source}
    return wanted


def import_workbook(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    require(actor, Permission.edit_targets, "目标由市科技局下达，月度数据由市科技局和区县填报")
    parsed = read_book(BOOK, content, filename, TargetSheetError)
    wanted = _wanted(session, parsed, actor)
    parsed.check(TargetSheetError)
    result = ImportResult()
    existing_t = {(t.region_code, t.indicator, t.year, None): t for t in session.scalars(select(Target))}
    for key, v in wanted[TARGETS.name].items():
        keys = {"region_code": key[0], "indicator": key[1], "year": key[2]}
        values = {"target": v["value"], "source": v["source"]}
        _upsert(session, existing_t.get(key), Target, keys, values, "target", result)
    existing_f = {(f.region_code, f.indicator, f.year, f.month): f for f in session.scalars(select(Figure))}
    for key, v in wanted[FIGURES.name].items():
        keys = {"region_code": key[0], "indicator": key[1], "year": key[2], "month": key[3]}
        _upsert(session, existing_f.get(key), Figure, keys, v, "value", result)
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
