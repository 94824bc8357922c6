"""Talent pages: counts per district and programme for every reader, the names only for those who may
see them (the bureau, a district operator in its own area), the apartments and the Excel workbook."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from kechuang.auth.policy import Permission, require
from kechuang.choices import CarrierLevel, TalentProgramme, TalentStatus
from kechuang.maps.views import map_areas
from kechuang.regions.service import region_names
from kechuang.talent import service, sheet
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render
from kechuang.web.uploads import WorkbookPages

router = APIRouter(include_in_schema=False)


@router.get("/talent", response_class=HTMLResponse)
def talent_page(
    programme: str = "", region: str = "", year: int = 0, status: str = "", ctx: Ctx = Depends(page_ctx)
) -> Response:
    query = service.TalentQuery(programme=programme, region_code=region, year=year or None, status=status)
    counts = service.counts(ctx.session, actor=ctx.actor, query=query)
    areas = map_areas(ctx.session, ctx.actor)
    people = service.list_talent(ctx.session, actor=ctx.actor, query=query)
    return render(
        ctx.request,
        "talent/list.html",
        tab="talent",
        counts=counts,
        areas=areas,
        programmes=list(TalentProgramme),
        statuses=list(TalentStatus),
        levels=CarrierLevel.labels(),
        programme_labels=TalentProgramme.labels(),
        status_labels=TalentStatus.labels(),
        people=people,
        named=service.sees_names(ctx.actor),
        filters=query,
        names=region_names(ctx.session),
    )


@router.get("/talent/apartments", response_class=HTMLResponse)
def apartments_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.see_talent)
    flats = service.list_apartments(ctx.session, actor=ctx.actor)
    return render(
        ctx.request, "talent/apartments.html", tab="apartments", flats=flats, names=region_names(ctx.session)
    )


TALENT_WORKBOOK = WorkbookPages(
    path="/talent-import",
    permission=Permission.edit_talent,
    refused="人才和人才公寓由市科技局和区县维护",
    template="talent/import.html",
    workbook=sheet.talent_workbook,
    import_workbook=sheet.import_talent,
    template_name="人才与人才公寓导入模板.xlsx",
    data_name="人才与人才公寓.xlsx",
    missing="请选择要上传的人才文件（.xlsx）",
)
TALENT_WORKBOOK.register(router)
