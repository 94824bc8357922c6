"""Project pages: the board (counts by light, roll-ups by district, type and chain, the list, the alert
list, Excel export) and a project's page (status with reasons, measures, override, timeline, details)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, allowed, require, require_region, visible_region
from kechuang.chains.service import chains as all_chains
from kechuang.errors import InvalidInput
from kechuang.projects import service, sheet
from kechuang.projects.models import PROJECT_TYPES
from kechuang.projects.status import DEFAULT, LIGHT_LABELS
from kechuang.regions.service import all_regions, region_codes_under, region_names
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render
from kechuang.web.uploads import WorkbookPages
from kechuang.workbook import Table, write_tables

router = APIRouter(include_in_schema=False)
ROLLUPS = (("region_code", "按地区"), ("type", "按类型"), ("chain_name", "按产业链"))


def _check(ctx: Ctx) -> None:
    require(ctx.actor, Permission.see_projects, "专家账号不查看项目监测")


def _filters(ctx: Ctx, light: str, type_: str, region: str, chain: str) -> dict[str, Any]:
    require_region(ctx.actor, region)
    return {
        "light": light if light in LIGHT_LABELS else "",
        "type_": type_ if type_ in PROJECT_TYPES else "",
        "region_codes": region_codes_under(ctx.session, region) if region else None,
        "chain": chain,
    }


def month_start(day: date) -> date:
    return day.replace(day=1)


@router.get("/projects", response_class=HTMLResponse)
def board_page(
    light: str = "",
    type: str = "",
    region: str = "",
    chain: str = "",
    page: int = 1,  # noqa: A002
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    _check(ctx)
    b = service.board(ctx.session, actor=ctx.actor)
    f = _filters(ctx, light, type, region, chain)
    without_light = service.filtered(b, **{**f, "light": ""})
    counts = dict(without_light.group_by("light").len().iter_rows())
    names = region_names(ctx.session)
    wanted = service.ProjectQuery(
        light=f["light"], type_=f["type_"], region=region, chain=chain, order="severity", page=max(page, 1)
    )
    result = service.list_projects(ctx.session, actor=ctx.actor, query=wanted, b=b)
    rollups = {
        key: service.rollups(service.Board(b.today, without_light), key).to_dicts() for key, _ in ROLLUPS
    }
    alerts = service.alerts(
        ctx.session, actor=ctx.actor, b=service.Board(b.today, without_light), since=month_start(b.today)
    )
    query = {"light": light, "type": type, "region": region, "chain": chain}
    return render(
        ctx.request,
        "projects/board.html",
        rows=result.items,
        total=result.total,
        page=result.page,
        pages=result.pages,
        counts=counts,
        all=without_light.height,
        query=query,
        qs=urlencode({k: v for k, v in query.items() if v}),
        names=names,
        types=PROJECT_TYPES,
        lights=LIGHT_LABELS,
        rollups=rollups,
        rollup_titles=ROLLUPS,
        alerts=alerts.to_dicts(),
        today=b.today,
        thresholds=DEFAULT,
        regions=[r for r in all_regions(ctx.session) if r.parent_code and visible_region(ctx.actor, r.code)],
        chains=[c for c, _ in all_chains(ctx.session)],
    )


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


@router.get("/projects.xlsx")
def board_export(
    light: str = "",
    type: str = "",
    region: str = "",
    chain: str = "",  # noqa: A002
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    _check(ctx)
    b = service.board(ctx.session, actor=ctx.actor)
    f = _filters(ctx, light, type, region, chain)
    rows = service.filtered(b, **f).sort("code")
    names = region_names(ctx.session)
    tables = [
        Table(
            "项目清单",
            [
                "项目编号",
                "项目名称",
                "类型",
                "承担单位",
                "地区",
                "产业链",
                "灯色",
                "人工调整",
                "原因",
                "里程碑进度",
                "资金支出/计划",
                "绩效完成度",
                "财政资金（元）",
                "自筹资金（元）",
                "开始",
                "结束",
            ],
            [
                [
                    r["code"],
                    r["name"],
                    PROJECT_TYPES.get(r["type"], r["type"]),
                    r["owner_name"],
                    names.get(r["region_code"], r["region_code"]),
                    r["chain_name"] or "",
                    LIGHT_LABELS[r["light"]],
                    "是" if r["overridden"] else "",
                    "；".join(r["reasons"] or []),
                    _pct(r["schedule_index"]),
                    _pct(r["spend_index"]),
                    _pct(r["kpi_index"]),
                    r["fiscal_budget"],
                    r["self_budget"],
                    str(r["start_on"]),
                    str(r["end_on"]),
                ]
                for r in rows.iter_rows(named=True)
            ],
        )
    ]
    for key, title in ROLLUPS:
        roll = service.rollups(service.Board(b.today, service.filtered(b, **{**f, "light": ""})), key)
        tables.append(
            Table(
                title,
                [
                    title[1:],
                    "项目数",
                    "绿灯",
                    "黄灯",
                    "红灯",
                    "灰灯",
                    "里程碑进度（合计）",
                    "资金支出/计划（合计）",
                    "绩效完成度（合计）",
                    "汇总灯色",
                ],
                [
                    [
                        names.get(r[key], r[key])
                        if key == "region_code"
                        else PROJECT_TYPES.get(r[key], r[key]),
                        r["projects"],
                        r["n_green"],
                        r["n_yellow"],
                        r["n_red"],
                        r["n_grey"],
                        _pct(r["schedule_index"]),
                        _pct(r["spend_index"]),
                        _pct(r["kpi_index"]),
                        LIGHT_LABELS[r["light"]],
                    ]
                    for r in roll.iter_rows(named=True)
                ],
            )
        )
    alerts = service.alerts(
        ctx.session, actor=ctx.actor, b=service.Board(b.today, rows), since=month_start(b.today)
    )
    tables.append(
        Table(
            "本月预警",
            ["日期", "项目编号", "项目名称", "地区", "灯色", "原因"],
            [
                [
                    str(r["on"]),
                    r["code"],
                    r["name"],
                    names.get(r["region_code"], r["region_code"]),
                    LIGHT_LABELS[r["light"]],
                    "；".join(r["reasons"] or []),
                ]
                for r in alerts.iter_rows(named=True)
            ],
        )
    )
    return attachment(write_tables(tables), f"重点项目-{b.today}.xlsx")


def _detail_page(ctx: Ctx, project_id: int, problems: list[str] | None = None, status: int = 200) -> Response:
    d = service.detail(ctx.session, actor=ctx.actor, project_id=project_id)
    plan = sorted((f.on, f.amount) for f in d["funds"] if f.kind == "plan")
    spent = sorted((f.on, f.amount) for f in d["funds"] if f.kind == "actual")

    def cumulative(pairs: list[tuple[date, int]]) -> list[list[Any]]:
        total, out = 0, []
        for on, amount in pairs:
            total += amount
            out.append([on.isoformat(), total])
        return out

    can_override = allowed(ctx.actor, Permission.override_light)
    return render(
        ctx.request,
        "projects/detail.html",
        status_code=status,
        d=d,
        p=d["project"],
        s=d["status"],
        timeline=service.timeline(d),
        lights=LIGHT_LABELS,
        types=PROJECT_TYPES,
        names=region_names(ctx.session),
        thresholds=DEFAULT,
        can_override=can_override,
        problems=problems or [],
        money={"plan": cumulative(plan), "spent": cumulative(spent), "today": d["today"].isoformat()},
    )


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(project_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    _check(ctx)
    return _detail_page(ctx, project_id)


@router.post("/projects/{project_id}/override", response_class=HTMLResponse)
async def override_post(project_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await request.form()
    try:
        if form.get("action") == "revoke":
            service.revoke_override(ctx.session, actor=ctx.actor, project_id=project_id)
        else:
            service.set_override(
                ctx.session,
                actor=ctx.actor,
                project_id=project_id,
                light=str(form.get("light", "")),
                note=str(form.get("note", "")),
                expires_on=str(form.get("expires_on", "")),
            )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _detail_page(ctx, project_id, [p.message for p in exc.problems], status=422)
    return RedirectResponse(f"/projects/{project_id}", status_code=303)


WORKBOOK = WorkbookPages(
    path="/projects-import",
    permission=Permission.edit_projects,
    refused="重点项目由市科技局和区县维护",
    template="projects/import.html",
    workbook=sheet.workbook,
    import_workbook=sheet.import_workbook,
    template_name="重点项目导入模板.xlsx",
    data_name="重点项目.xlsx",
    missing="请选择要上传的项目文件（.xlsx）",
)
WORKBOOK.register(router)
