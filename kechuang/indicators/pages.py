"""Target pages (目标考核): the city's districts × indicators heat table with lights, the month's alerts,
a district's page with every indicator's progress and a monthly chart, and their Excel exports."""

from __future__ import annotations

from typing import Any

import polars as pl
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission
from kechuang.choices import Light
from kechuang.indicators import service, sheet
from kechuang.indicators.catalogue import MODE_LABELS
from kechuang.indicators.progress import LightRule
from kechuang.maps.views import indicator_areas
from kechuang.projects.status import LIGHT_LABELS
from kechuang.regions.service import region_names
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render
from kechuang.web.uploads import WorkbookPages
from kechuang.workbook import Table, write_tables

router = APIRouter(include_in_schema=False)


def _period(ctx: Ctx, year: str, month: str) -> tuple[int, int]:
    latest = service.latest_period(ctx.session)
    try:
        y = int(year) if year else latest[0]
        m = int(month) if month else (latest[1] if y == latest[0] else 12)
    except ValueError:
        return latest
    if not (latest[0] - 10 <= y <= latest[0] + 1 and 1 <= m <= 12):
        return latest
    return y, m


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "%":
        return f"{v * 100:.2f}%"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".")


def _cells(d: service.Dashboard) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["region_code"], r["indicator"]): r for r in d.frame.iter_rows(named=True)}


@router.get("/targets", response_class=HTMLResponse)
def targets_page(
    year: str = "", month: str = "", map_indicator: str = "", ctx: Ctx = Depends(page_ctx)
) -> Response:
    y, m = _period(ctx, year, month)
    d = service.dashboard(ctx.session, actor=ctx.actor, year=y, month=m)
    shown = next(
        (i for i in d.indicators if i.code == map_indicator), d.indicators[0] if d.indicators else None
    )
    names = region_names(ctx.session)
    regions = sorted(d.frame["region_code"].unique().to_list())
    latest = service.latest_period(ctx.session)
    return render(
        ctx.request,
        "targets/dashboard.html",
        d=d,
        cells=_cells(d),
        regions=regions,
        names=names,
        alerts=service.alerts(d).to_dicts(),
        lights=LIGHT_LABELS,
        rule=LightRule(),
        value=_value,
        years=list(range(latest[0], latest[0] - 3, -1)),
        months=list(range(1, 13)),
        counts=dict(d.frame.group_by("light").len().iter_rows()),
        shown=shown,
        map_data=_choropleth(ctx, d, shown),
    )


def _choropleth(ctx: Ctx, d: service.Dashboard, shown: Any) -> dict[str, Any] | None:
    """The districts shaded by one indicator's actual (完成值) at the dashboard's month."""
    if shown is None:
        return None
    rows = d.frame.filter(pl.col("indicator") == shown.code).select("region_code", "actual").iter_rows()
    values = {region: (None if v is None else (v * 100 if shown.unit == "%" else v)) for region, v in rows}
    return indicator_areas(ctx.session, ctx.actor, values, label=shown.name, unit=shown.unit)


@router.get("/targets/region/{region_code}", response_class=HTMLResponse)
def district_page(
    region_code: str, year: str = "", month: str = "", indicator: str = "", ctx: Ctx = Depends(page_ctx)
) -> Response:
    y, m = _period(ctx, year, month)
    v = service.district_view(
        ctx.session, actor=ctx.actor, region_code=region_code, year=y, month=m, indicator=indicator
    )
    return render(
        ctx.request,
        "targets/district.html",
        d=v.dashboard,
        rows=v.rows,
        region=region_code,
        names=v.names,
        figures=v.figures,
        sources=v.sources,
        by_code=v.by_code,
        chosen=v.chosen,
        series=v.series,
        lights=LIGHT_LABELS,
        value=_value,
        modes=MODE_LABELS,
        project_counts=v.project_counts,
        project_total=v.project_total,
    )


@router.get("/targets.xlsx")
def targets_export(year: str = "", month: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    y, m = _period(ctx, year, month)
    d = service.dashboard(ctx.session, actor=ctx.actor, year=y, month=m)
    names = region_names(ctx.session)
    by_code = {i.code: i for i in d.indicators}
    headers = [
        "地区",
        "指标",
        "单位",
        "口径",
        "年度目标",
        "实际",
        "序时进度",
        "完成率",
        "序时完成率",
        "与序时差距",
        "同比",
        "区县排名",
        "灯色",
        "说明",
    ]
    progress = (
        [
            names.get(row["region_code"], row["region_code"]),
            by_code[row["indicator"]].name,
            by_code[row["indicator"]].unit,
            MODE_LABELS[by_code[row["indicator"]].mode],
            row["target"],
            row["actual"],
            row["elapsed"],
            row["completion"],
            row["schedule_index"],
            row["gap_to_schedule"],
            row["yoy"],
            row["rank"],
            LIGHT_LABELS[row["light"]],
            row["reason"],
        ]
        for row in d.frame.iter_rows(named=True)
    )
    alerts = (
        [
            names.get(row["region_code"], row["region_code"]),
            by_code[row["indicator"]].name,
            LIGHT_LABELS.get(row["previous_light"] or "grey"),
            LIGHT_LABELS[row["light"]],
            row["reason"],
        ]
        for row in service.alerts(d).iter_rows(named=True)
    )
    tint = {light.label(): light.tint for light in Light}
    tables = [
        Table("目标进度", headers, progress, width=14, freeze=(1, 2), tint={12: tint}),
        Table("本月预警", ["地区", "指标", "上月灯色", "本月灯色", "说明"], alerts, width=18, tint={3: tint}),
    ]
    return attachment(write_tables(tables), f"目标考核-{y}年{m}月.xlsx")


WORKBOOK = WorkbookPages(
    path="/targets-import",
    permission=Permission.edit_targets,
    refused="目标由市科技局下达，月度数据由市科技局和区县填报",
    template="targets/import.html",
    workbook=sheet.workbook,
    import_workbook=sheet.import_workbook,
    template_name="目标与月度数据模板.xlsx",
    data_name="目标与月度数据.xlsx",
    missing="请选择要上传的文件（.xlsx）",
)
WORKBOOK.register(router)


@router.get("/targets/figures/{figure_id}")
def figure_link(figure_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    """A figure's place on its indicator's page (its district, indicator and year)."""
    figure = service.get_figure(ctx.session, actor=ctx.actor, figure_id=figure_id)
    return RedirectResponse(
        f"/targets/region/{figure.region_code}?year={figure.year}&month={figure.month}"
        f"&indicator={figure.indicator}#figure-{figure.id}",
        status_code=303,
    )
