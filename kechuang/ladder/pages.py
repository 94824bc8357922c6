"""Ladder page: rungs per district, and the next-rung list (小升高) with gaps in plain Chinese."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from kechuang.choices import Role
from kechuang.errors import Forbidden
from kechuang.ladder import service
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)
RUNGS = ("tech_sme", "innovative_sme", "hnte", "specialized_sme", "little_giant", "gazelle")


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _check(ctx: Ctx) -> None:
    if ctx.actor.role is Role.enterprise:
        raise Forbidden("梯度培育总览面向科技局和区县；企业请在“本企业”查看资质评估")


@router.get("/ladder", response_class=HTMLResponse)
def ladder(region: str = "", as_of: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    _check(ctx)
    day = _as_of(as_of)
    frame = service.assess_registry(ctx.session, actor=ctx.actor, as_of=day, region_code=region or None)
    names = {r.code: r.name for r in all_regions(ctx.session)}
    counts = service.rung_counts(frame)
    nearest = service.next_rung(frame, day, limit=50)
    programmes = service.programmes_on(day)
    return render(ctx.request, "ladder.html", counts=counts, names=names, rungs=RUNGS, as_of=day, region=region,
                  nearest=nearest, total=frame.height, labels={p.doc.programme: p.doc.name for p in programmes},
                  regions=[r for r in all_regions(ctx.session) if r.parent_code and
                           (ctx.actor.sees_all or r.code in ctx.actor.region_codes)],
                  chart={"names": [names.get(c, c) for c in counts["region_code"].to_list()],
                         "series": [{"name": p, "data": counts[f"held.{p}"].to_list()} for p in RUNGS]})


@router.get("/ladder/next-rung.xlsx")
def next_rung_export(region: str = "", as_of: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    _check(ctx)
    day = _as_of(as_of)
    frame = service.assess_registry(ctx.session, actor=ctx.actor, as_of=day, region_code=region or None)
    content = service.next_rung_xlsx(service.next_rung(frame, day, limit=None), day)
    from urllib.parse import quote

    return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'小升高名单-{day}.xlsx')}"})

