"""The home dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from kechuang.auth import audit
from kechuang.auth.policy import Permission, allowed, visible_region
from kechuang.enterprises.service import count_by_region, count_titles, hnte_by_region
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(ctx: Ctx = Depends(page_ctx)) -> Response:
    regions = all_regions(ctx.session)
    counts = count_by_region(ctx.session, actor=ctx.actor)
    top_level = [r for r in regions if r.kind != "city" and visible_region(ctx.actor, r.code)]
    recent = (
        audit.query(ctx.session, actor=ctx.actor, filters=audit.AuditFilter(), page_size=8).items
        if allowed(ctx.actor, Permission.see_audit)
        else []
    )
    hnte = hnte_by_region(ctx.session, actor=ctx.actor)
    lights: dict[str, int] = {}
    if allowed(ctx.actor, Permission.see_projects):
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
        can_list=allowed(ctx.actor, Permission.see_registry),
        lights=lights,
    )
