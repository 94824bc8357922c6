"""The home dashboard, and the same figures as ``GET /api/v1/overview``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, allowed, visible_region
from kechuang.auth.scope import Actor
from kechuang.enterprises.service import count_by_region, count_titles, hnte_by_region
from kechuang.regions.service import all_regions
from kechuang.web.api_common import COMMON, GUARDS
from kechuang.web.context import Ctx, api_ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["overview"], responses=COMMON, dependencies=GUARDS)


@dataclass(frozen=True)
class Overview:
    """What the home page counts, in the actor's scope."""

    total: int
    titles: dict[str, int]
    by_region: list[tuple[str, str, int, int]]  # code, name, enterprises, HNTE
    lights: dict[str, int]


def overview(session: Session, actor: Actor) -> Overview:
    counts = count_by_region(session, actor=actor)
    hnte = hnte_by_region(session, actor=actor)
    top_level = [r for r in all_regions(session) if r.kind != "city" and visible_region(actor, r.code)]
    lights: dict[str, int] = {}
    if allowed(actor, Permission.see_projects):
        from kechuang.projects.service import board

        frame = board(session, actor=actor, record=False).frame
        lights = dict(frame.group_by("light").len().iter_rows()) if frame.height else {}
    return Overview(
        total=sum(counts.values()),
        titles=count_titles(session, actor=actor),
        by_region=[(r.code, r.name, counts.get(r.code, 0), hnte.get(r.code, 0)) for r in top_level],
        lights=lights,
    )


@router.get("/", response_class=HTMLResponse)
def home(ctx: Ctx = Depends(page_ctx)) -> Response:
    o = overview(ctx.session, ctx.actor)
    recent = (
        audit.query(ctx.session, actor=ctx.actor, filters=audit.AuditFilter(), page_size=8).items
        if allowed(ctx.actor, Permission.see_audit)
        else []
    )
    return render(
        ctx.request,
        "home.html",
        total=o.total,
        titles=o.titles,
        chart_names=[name for _, name, _, _ in o.by_region],
        chart_values=[n for _, _, n, _ in o.by_region],
        chart_hnte=[h for _, _, _, h in o.by_region],
        recent=recent,
        can_list=allowed(ctx.actor, Permission.see_registry),
        lights=o.lights,
    )


class RegionCount(BaseModel):
    region_code: str
    name: str
    enterprises: int
    hnte: int = Field(description="high and new technology enterprises holding the title today")


class OverviewOut(BaseModel):
    enterprises: int = Field(description="enterprises in the caller's scope")
    titles: dict[str, int] = Field(description="enterprises holding each title today")
    regions: list[RegionCount]
    project_lights: dict[str, int] = Field(description="key projects per light (empty if not allowed)")


@api.get(
    "/overview", response_model=OverviewOut, summary="The home page's figures: enterprises, titles, lights"
)
def overview_api(ctx: Ctx = Depends(api_ctx)) -> OverviewOut:
    o = overview(ctx.session, ctx.actor)
    return OverviewOut(
        enterprises=o.total,
        titles=o.titles,
        regions=[RegionCount(region_code=c, name=n, enterprises=e, hnte=h) for c, n, e, h in o.by_region],
        project_lights={str(k): int(v) for k, v in o.lights.items()},
    )
