"""Innovation points pages: the 创新型企业50强 list with rank intervals and score breakdowns, the full
ranked export, and the methodology as an Excel sheet (download; upload by the city bureau)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import polars as pl
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.errors import InvalidInput
from kechuang.points import Methodology, service, store
from kechuang.points.catalogue import GROUP_LABELS, GROUPS, MISSING, NORMALISATIONS, STAGE_LABELS, STAGES
from kechuang.points.core import norm, raw
from kechuang.points.jobs import years_offered
from kechuang.regions.service import region_names
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render
from kechuang.workbook import Table, write_tables

router = APIRouter(include_in_schema=False)
TOP = 50


def _year(ctx: Ctx, text: str) -> int:
    default = service.default_year(ctx.session)
    try:
        year = int(text) if text else default
    except ValueError:
        return default
    return year if default - 20 <= year <= default + 1 else default


def _rows(m: Methodology, frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Display rows with the score breakdown (indicator value, normalised score, weight, points)."""
    rows = []
    for r in frame.iter_rows(named=True):
        present = [i for i in m.indicators if r[norm(i)] is not None]
        weight_sum = sum(i.weights[r["stage"]] for i in present) or 1.0
        breakdown = [
            {
                "name": i.name,
                "group": GROUP_LABELS[i.group],
                "value": r[raw(i)],
                "formula": i.formula,
                "score": r[norm(i)],
                "weight": i.weights[r["stage"]],
                "points": (r[norm(i)] or 0) * i.weights[r["stage"]] / weight_sum * 100
                if r[norm(i)] is not None
                else None,
            }
            for i in m.indicators
            if i.weights[r["stage"]] > 0
        ]
        rows.append({**r, "breakdown": breakdown})
    return rows


def _page(ctx: Ctx, y: int, stage: str, region: str, **extra: Any) -> Response:
    board = store.ranking(ctx.session, actor=ctx.actor, year=y, stage=stage, region=region, limit=TOP)
    held = board.stored
    top = _rows(held.methodology, board.rows)
    chart = {
        "names": [r["name"] for r in top[:20]][::-1],
        "series": [
            {"name": GROUP_LABELS[g], "data": [round(r[g], 2) for r in top[:20]][::-1]} for g in GROUPS
        ],
    }
    return render(
        ctx.request,
        "points.html",
        status_code=extra.pop("status_code", 200),
        norm_labels=NORMALISATIONS,
        missing_labels=MISSING,
        year=y,
        years=years_offered(ctx.session),
        stage=stage,
        region=region,
        stages=STAGE_LABELS,
        groups=GROUP_LABELS,
        rows=top,
        total=board.total,
        names=region_names(ctx.session),
        regions=board.regions,
        m=held.methodology,
        run=held.run,
        stale=held.stale,
        as_of=held.as_of,
        chart=chart,
        versions=service.methodology_versions(ctx.session),
        problems=extra.pop("problems", []),
        uploaded=ctx.request.query_params.get("uploaded"),
    )


@router.get("/points", response_class=HTMLResponse)
def points_page(year: str = "", stage: str = "", region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    return _page(ctx, _year(ctx, year), stage if stage in STAGES else "", region)


@router.get("/points/ranking.xlsx")
def ranking_export(year: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    y = _year(ctx, year)
    board = store.ranking(ctx.session, actor=ctx.actor, year=y)
    m, run = board.stored.methodology, board.stored.run
    names = region_names(ctx.session)
    headers = [
        "排名",
        "排名区间（5%–95%）",
        "统一社会信用代码",
        "企业名称",
        "地区",
        "阶段",
        "阶段内排名",
        "总分",
        *(GROUP_LABELS[g] for g in GROUPS),
        *(f"{i.name}（标准化得分）" for i in m.indicators),
    ]
    body = (
        [
            r["rank"],
            f"{r['rank_p05']}–{r['rank_p95']}",
            r["uscc"],
            r["name"],
            names.get(r["region_code"], r["region_code"]),
            STAGE_LABELS[r["stage"]],
            r["stage_rank"],
            round(r["total"], 4),
            *(round(r[g], 4) for g in GROUPS),
            *("" if r[norm(i)] is None else round(r[norm(i)], 4) for i in m.indicators),
        ]
        for r in board.rows.iter_rows(named=True)
    )
    note = (
        f"{m.name}（{m.stamp}）；{y} 年度数据；排名按未取整总分，同分同名次；"
        f"排名区间来自 {run.runs} 次权重扰动（±{run.spread:.0%}）；计算于 {run.computed_at:%Y-%m-%d %H:%M} UTC"
        if run is not None
        else f"{y} 年度的创新积分尚未计算（后台任务“创新积分排名”完成后即可导出）"
    )
    return attachment(
        write_tables([Table("创新积分排名", headers, body, note=note)]), f"创新积分排名-{y}.xlsx"
    )


@router.get("/points/methodology.xlsx")
def methodology_download(ctx: Ctx = Depends(page_ctx)) -> Response:
    m = service.current_methodology(ctx.session)
    return attachment(service.methodology_workbook(ctx.session), f"创新积分方法-{m.id}-{m.version}.xlsx")


@router.post("/points/methodology", response_class=HTMLResponse)
async def methodology_upload(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        problems = ["请选择要上传的方法文件（.xlsx）"]
    else:
        content = await upload.read()
        try:
            m = service.upload_methodology(
                ctx.session, actor=ctx.actor, content=content, filename=upload.filename
            )
        except InvalidInput as exc:
            problems = [p.message for p in exc.problems]
        else:
            return RedirectResponse(f"/points?uploaded={quote(m.stamp)}", status_code=303)
    return _page(ctx, service.default_year(ctx.session), "", "", status_code=422, problems=problems)
