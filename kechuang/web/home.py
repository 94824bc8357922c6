"""The home dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from kechuang.auth import audit
from kechuang.choices import Role
from kechuang.enterprises.service import count_by_region, count_titles, hnte_by_region
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(ctx: Ctx = Depends(page_ctx)) -> Response:
    regions = all_regions(ctx.session)
    counts = count_by_region(ctx.session, actor=ctx.actor)
    top_level = [
        r for r in regions if r.kind != "city" and (ctx.actor.sees_all or r.code in ctx.actor.region_codes)
    ]
    recent = (
        audit.query(ctx.session, actor=ctx.actor, filters=audit.AuditFilter(), page_size=8).items
        if ctx.actor.is_admin
        else []
    )
    hnte = hnte_by_region(ctx.session, actor=ctx.actor)
    lights: dict[str, int] = {}
    if ctx.actor.role is not Role.expert:
        from kechuang.projects.service import board

        frame = board(ctx.session, actor=ctx.actor, record=False).frame
        lights = dict(frame.group_by("light").len().iter_rows()) if frame.height else {}
    return render(
        ctx.request,
        "home.html",
        total=sum(counts.values()),
        titles=count_titles(ctx.session, actor=ctx.actor),
        chart_names=[r.name for r in top_level],
        chart_values=[counts.get(r.code, 0) for r in top_level],
        chart_hnte=[hnte.get(r.code, 0) for r in top_level],
        recent=recent,
        can_list=ctx.actor.role is not Role.enterprise,
        lights=lights,
    )
