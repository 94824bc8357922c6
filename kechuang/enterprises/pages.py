from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.enterprises import service
from kechuang.errors import NotFound
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(q: str = "", region: str = "", page: int = 1, ctx: Ctx = Depends(page_ctx)) -> Response:
    result = service.list_enterprises(
        ctx.session,
        actor=ctx.actor,
        query=service.EnterpriseQuery(q=q or None, region_code=region or None, page=page),
    )
    regions = all_regions(ctx.session)
    return render(
        ctx.request,
        "enterprises/list.html",
        result=result,
        q=q,
        region=region,
        regions=regions,
        names={r.code: r.name for r in regions},
    )


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_detail(enterprise_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    ent = service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    names = {r.code: r.name for r in all_regions(ctx.session)}
    return render(ctx.request, "enterprises/detail.html", ent=ent, names=names)


@router.get("/my-enterprise")
def my_enterprise(ctx: Ctx = Depends(page_ctx)) -> Response:
    if ctx.actor.enterprise_id is None:
        raise NotFound("当前账号没有关联企业")
    return RedirectResponse(f"/enterprises/{ctx.actor.enterprise_id}", status_code=303)
