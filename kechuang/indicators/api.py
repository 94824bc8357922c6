"""Target API: the districts × indicators progress with lights and the month's alerts, and one
district's view (its cells, one indicator's months and figures with their sources); scoped as the
pages. Targets and monthly figures are written by the targets workbook (``/api/v1/workbooks/targets``)."""

from __future__ import annotations

from typing import Any

import polars as pl
from fastapi import APIRouter, Depends, Path, Query

from kechuang.indicators import service
from kechuang.indicators.schemas import (
    AlertOut,
    CellOut,
    DistrictTargets,
    FigureOut,
    IndicatorOut,
    SeriesOut,
    TargetBoard,
)
from kechuang.web.api_common import COMMON, GUARDS, MIN_YEAR, NOT_FOUND, THIS_YEAR, api_number
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["targets"], responses=COMMON, dependencies=GUARDS)
YEAR = Query(None, ge=MIN_YEAR, le=THIS_YEAR + 1, description="default: the latest year with figures")
MONTH = Query(None, ge=1, le=12, description="default: the latest month with figures (12 for past years)")


def _rows(frame: pl.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: api_number(r[k]) for k in columns} for r in frame.select(columns).iter_rows(named=True)]


CELL = tuple(CellOut.model_fields)
ALERT = tuple(AlertOut.model_fields)


def _period(ctx: Ctx, year: int | None, month: int | None) -> tuple[int, int]:
    latest = service.latest_period(ctx.session)
    y = year or latest[0]
    return y, month or (latest[1] if y == latest[0] else 12)


@router.get(
    "/targets", response_model=TargetBoard, summary="Every district × indicator: progress, light, alerts"
)
def target_board(
    year: int | None = YEAR, month: int | None = MONTH, ctx: Ctx = Depends(api_ctx)
) -> TargetBoard:
    """The 目标考核 table at the end of a month, as the page shows it (a district operator: its own)."""
    y, m = _period(ctx, year, month)
    d = service.dashboard(ctx.session, actor=ctx.actor, year=y, month=m)
    return TargetBoard(
        year=y,
        month=m,
        indicators=[IndicatorOut.model_validate(i, from_attributes=True) for i in d.indicators],
        cells=[CellOut(**r) for r in _rows(d.frame, CELL)],
        lights={str(k): int(v) for k, v in d.frame.group_by("light").len().iter_rows()},
        alerts=[AlertOut(**r) for r in _rows(service.alerts(d), ALERT)],
    )


@router.get(
    "/targets/regions/{region_code}",
    response_model=DistrictTargets,
    responses=NOT_FOUND,
    summary="One district's targets: its cells, one indicator's months and its figures with sources",
)
def district_targets(
    region_code: str = Path(pattern="^[0-9]{6,12}$", description="a region code, e.g. 321003"),
    year: int | None = YEAR,
    month: int | None = MONTH,
    indicator: str = Query("", max_length=64, description="the indicator to chart (default: the first)"),
    ctx: Ctx = Depends(api_ctx),
) -> DistrictTargets:
    y, m = _period(ctx, year, month)
    v = service.district_view(
        ctx.session, actor=ctx.actor, region_code=region_code, year=y, month=m, indicator=indicator
    )
    series = None
    if v.series is not None and v.chosen is not None:
        lists = {k: [api_number(x) for x in v.series[k]] for k in ("now", "before", "schedule")}
        series = SeriesOut(
            indicator=v.chosen.code, months=v.series["months"], target=api_number(v.series["target"]), **lists
        )
    return DistrictTargets(
        region_code=region_code,
        region_name=v.names.get(region_code, region_code),
        year=y,
        month=m,
        cells=[CellOut(**{k: api_number(r[k]) for k in CELL}) for r in v.rows],
        series=series,
        figures=[
            FigureOut(
                id=f.id,
                year=f.year,
                month=f.month,
                value=api_number(f.value),
                source=f.source,
                document=v.sources.get(f.id),
            )
            for f in v.figures
        ],
        projects={str(k): int(n) for k, n in v.project_counts.items()},
    )
