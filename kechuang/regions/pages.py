from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from kechuang.choices import RegionKind
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/regions", response_class=HTMLResponse)
def regions_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    regions = all_regions(ctx.session)
    kinds = {k.value: k.label(ctx.lang) for k in RegionKind}
    names = {r.code: r.name for r in regions}
    return render(ctx.request, "regions.html", regions=regions, kinds=kinds, names=names)
