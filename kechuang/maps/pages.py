"""The map pages: 产业地图, 科创载体地图 and 人才公寓地图, each with its table view and its xlsx export of
exactly what the map shows (both come from one view)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.choices import CarrierKind, CarrierLevel
from kechuang.maps import views
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render
from kechuang.workbook import write_tables

router = APIRouter(include_in_schema=False)
TITLES = {"industry": "产业地图", "carriers": "科创载体地图", "apartments": "人才公寓地图"}


def payload(view: dict[str, Any]) -> dict[str, Any]:
    """The view as the browser gets it (the tables stay on the server: the page prints them)."""
    return {k: v for k, v in view.items() if k != "tables"}


def build(ctx: Ctx, kind: str, params: dict[str, str]) -> dict[str, Any]:
    if kind == "industry":
        return views.industry(
            ctx.session,
            actor=ctx.actor,
            chain_code=params.get("chain", ""),
            node_code=params.get("node", ""),
            measure=params.get("measure", "enterprises"),
        )
    if kind == "carriers":
        return views.carriers(
            ctx.session, actor=ctx.actor, kind=params.get("kind", ""), level=params.get("level", "")
        )
    return views.apartments(ctx.session, actor=ctx.actor)


def _nodes(ctx: Ctx, chain_code: str) -> list[tuple[str, str]]:
    return views.chain_nodes(ctx.session, chain_code)


@router.get("/maps", response_class=HTMLResponse)
def maps_home(ctx: Ctx = Depends(page_ctx)) -> Response:
    return RedirectResponse("/maps/industry", status_code=303)


def _page(ctx: Ctx, kind: str) -> Response:
    params = dict(ctx.request.query_params)
    view = build(ctx, kind, params)
    query = "&".join(f"{k}={v}" for k, v in params.items() if k != "view")
    return render(
        ctx.request,
        "maps/map.html",
        kind=kind,
        title=TITLES[kind],
        view=view,
        data=payload(view),
        params=params,
        query=query,
        table=params.get("view") == "table",
        nodes=_nodes(ctx, view.get("chain", "")) if kind == "industry" else [],
        measures=views.INDUSTRY_MEASURES,
        carrier_kinds=list(CarrierKind),
        carrier_levels=list(CarrierLevel),
    )


@router.get("/maps/industry", response_class=HTMLResponse)
def industry_map(ctx: Ctx = Depends(page_ctx)) -> Response:
    return _page(ctx, "industry")


@router.get("/maps/carriers", response_class=HTMLResponse)
def carriers_map(ctx: Ctx = Depends(page_ctx)) -> Response:
    return _page(ctx, "carriers")


@router.get("/maps/apartments", response_class=HTMLResponse)
def apartments_map(ctx: Ctx = Depends(page_ctx)) -> Response:
    return _page(ctx, "apartments")


@router.get("/maps/{kind}.xlsx")
def map_export(kind: str, ctx: Ctx = Depends(page_ctx)) -> Response:
    if kind not in TITLES:
        return Response(status_code=404)
    view = build(ctx, kind, dict(ctx.request.query_params))
    return attachment(write_tables(view["tables"]), f"{TITLES[kind]}-{date.today().isoformat()}.xlsx")
