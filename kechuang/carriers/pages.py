"""Carrier pages: the list, a carrier with its tenants, figures and the gaps to the next level, the map's
panel, the form, tenants, the 零突破 list and the Excel workbook. Thin: the service decides."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, allowed, require, visible_regions, writable_region
from kechuang.auth.scope import can_write, check_write
from kechuang.carriers import service, sheet
from kechuang.carriers.models import Carrier
from kechuang.choices import CarrierKind, CarrierLevel, TalentProgramme, TenantStatus
from kechuang.errors import InvalidInput, Problem
from kechuang.regions.service import all_regions, region_names
from kechuang.talent import service as talent
from kechuang.web import forms
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render
from kechuang.web.uploads import WorkbookPages

router = APIRouter(include_in_schema=False)
NAMES: dict[str, Any] = {
    "kind_labels": CarrierKind.labels(),
    "level_labels": CarrierLevel.labels(),
    "programme_labels": TalentProgramme.labels(),
}
LABELS = {
    "name": "载体名称",
    "kind": "类型",
    "level": "级别",
    "region_code": "所在地区",
    "recognised_year": "认定年份",
    "operator_enterprise_id": "运营主体",
    "lng": "经纬度",
    "lat": "纬度",
    "area_m2": "场地面积",
    "opened_on": "运营起始日期",
    "node_codes": "服务产业链节点",
    "enterprise_id": "企业",
    "entered_on": "入驻日期",
    "graduated_on": "毕业日期",
    "left_on": "迁出日期",
    "status": "状态",
}


def _number(form: dict[str, str], key: str, problems: list[Problem]) -> float | None:
    raw = form.get(key, "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(key, "应为数字", raw))
        return None
    return value


def _operator(ctx: Ctx, uscc: str, problems: list[Problem]) -> int | None:
    if not uscc.strip():
        return None
    found = service.enterprise_id(ctx.session, uscc)
    if found is None:
        problems.append(Problem("operator_enterprise_id", "企业库中企业的统一社会信用代码，或留空", uscc))
    return found


def carrier_values(ctx: Ctx, form: dict[str, str], problems: list[Problem]) -> service.CarrierValues:
    year = forms.whole(form.get("recognised_year", ""), "recognised_year", problems, "四位年份")
    legal = {"yes": True, "no": False}.get(form.get("legal_person", ""))
    return service.CarrierValues(
        name=form.get("name", ""),
        kind=form.get("kind", ""),
        level=form.get("level", ""),
        region_code=form.get("region_code", ""),
        recognised_year=year,
        recognition_document=form.get("recognition_document", ""),
        operator_enterprise_id=_operator(ctx, form.get("operator_uscc", ""), problems),
        operator_name=form.get("operator_name", ""),
        address=form.get("address", ""),
        lng=_number(form, "lng", problems),
        lat=_number(form, "lat", problems),
        system=form.get("system", "WGS-84"),
        area_m2=_number(form, "area_m2", problems),
        opened_on=forms.day(form.get("opened_on", ""), "opened_on", problems),
        legal_person=legal,
        node_codes=[
            c
            for c in form.get("node_codes", "").replace("，", "、").replace(",", "、").split("、")
            if c.strip()
        ],
    )


def _may_change(ctx: Ctx, carrier: Carrier) -> None:
    """Refuse before reading the form: who may not change the carrier gets 403, whatever it posted."""
    require(ctx.actor, Permission.edit_carriers, "科创载体由市科技局和区县维护")
    check_write(ctx.actor, carrier)


def _regions(ctx: Ctx) -> list[Any]:
    return [r for r in all_regions(ctx.session) if r.kind != "city" and writable_region(ctx.actor, r.code)]


@router.get("/carriers", response_class=HTMLResponse)
def carrier_list(
    kind: str = "", level: str = "", region: str = "", q: str = "", ctx: Ctx = Depends(page_ctx)
) -> Response:
    query = service.CarrierQuery(kind=kind, level=level, region_code=region, q=q)
    carriers = service.list_carriers(ctx.session, actor=ctx.actor, query=query)
    counts = service.tenant_counts(ctx.session, [c.id for c in carriers], date.today())
    regions = [r for r in visible_regions(ctx.actor, all_regions(ctx.session)) if r.kind != "city"]
    return render(
        ctx.request,
        "carriers/list.html",
        **NAMES,
        carriers=carriers,
        counts=counts,
        names=region_names(ctx.session),
        filters=query,
        kinds=list(CarrierKind),
        levels=list(CarrierLevel),
        regions=regions,
        by_kind={k.value: sum(c.kind == k.value for c in carriers) for k in CarrierKind},
    )


@router.get("/carriers/next-level", response_class=HTMLResponse)
def next_level(region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    ranked = service.nearest_to_next_level(
        ctx.session, actor=ctx.actor, as_of=date.today(), region_code=region
    )
    return render(
        ctx.request, "carriers/next_level.html", ranked=ranked, names=region_names(ctx.session), **NAMES
    )


def _form(
    ctx: Ctx, form: dict[str, str], problems: list[str], code: int, carrier: Carrier | None = None
) -> Response:
    return render(
        ctx.request,
        "carriers/form.html",
        status_code=code,
        form=form,
        problems=problems,
        carrier=carrier,
        kinds=list(CarrierKind),
        levels=list(CarrierLevel),
        regions=_regions(ctx),
    )


@router.get("/carriers/new", response_class=HTMLResponse)
def new_carrier(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.edit_carriers, "科创载体由市科技局和区县维护")
    return _form(ctx, {"system": "WGS-84", "level": "municipal", "kind": "incubator"}, [], 200)


def _save(ctx: Ctx, form: dict[str, str], carrier_id: int | None) -> Carrier:
    problems: list[Problem] = []
    values = carrier_values(ctx, form, problems)
    if problems:
        areas = service.area_names(ctx.session)
        forms.raise_all(problems, lambda: _check(ctx, values, carrier_id, areas))
    return service.save_carrier(ctx.session, actor=ctx.actor, values=values, carrier_id=carrier_id)


def _check(ctx: Ctx, values: service.CarrierValues, carrier_id: int | None, areas: dict[str, str]) -> None:
    _, problems = service.carrier_problems(ctx.session, values, carrier_id, areas)
    if problems:
        raise InvalidInput(problems)


@router.post("/carriers", response_class=HTMLResponse)
async def create_carrier(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.edit_carriers, "科创载体由市科技局和区县维护")
    form = await forms.form_of(request)
    try:
        carrier = _save(ctx, form, None)
    except InvalidInput as exc:
        ctx.session.rollback()
        return _form(ctx, form, forms.messages(exc, LABELS), 422)
    return RedirectResponse(f"/carriers/{carrier.id}", status_code=303)


def _form_of(carrier: Carrier, uscc: str) -> dict[str, str]:
    def text(v: Any) -> str:
        return "" if v is None else str(v)

    return {
        "name": carrier.name,
        "kind": carrier.kind,
        "level": carrier.level,
        "region_code": carrier.region_code,
        "recognised_year": text(carrier.recognised_year),
        "recognition_document": carrier.recognition_document,
        "operator_uscc": uscc,
        "operator_name": carrier.operator_name,
        "address": carrier.address,
        "lng": "" if carrier.approximate else text(carrier.lng),
        "lat": "" if carrier.approximate else text(carrier.lat),
        "system": "WGS-84",
        "area_m2": text(carrier.area_m2),
        "opened_on": text(carrier.opened_on),
        "legal_person": {True: "yes", False: "no"}.get(carrier.legal_person, ""),  # type: ignore[arg-type]
        "node_codes": carrier.node_codes.replace("|", "、"),
    }


@router.get("/carriers/{carrier_id}/edit", response_class=HTMLResponse)
def edit_carrier(carrier_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    carrier = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    require(ctx.actor, Permission.edit_carriers, "科创载体由市科技局和区县维护")
    uscc = service.operator_of(ctx.session, carrier)
    return _form(ctx, _form_of(carrier, uscc.uscc if uscc else ""), [], 200, carrier)


@router.post("/carriers/{carrier_id}", response_class=HTMLResponse)
async def update_carrier(carrier_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    carrier = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    _may_change(ctx, carrier)
    form = await forms.form_of(request)
    try:
        _save(ctx, form, carrier.id)
    except InvalidInput as exc:
        ctx.session.rollback()
        return _form(ctx, form, forms.messages(exc, LABELS), 422, carrier)
    return RedirectResponse(f"/carriers/{carrier_id}", status_code=303)


def _detail(
    ctx: Ctx, carrier: Carrier, problems: list[str], code: int, template: str = "carriers/detail.html"
) -> Response:
    today = date.today()
    tenants = service.tenants_of(ctx.session, carrier.id)
    operator = service.operator_of(ctx.session, carrier)
    return render(
        ctx.request,
        template,
        status_code=code,
        carrier=carrier,
        **NAMES,
        operator=operator,
        counts=service.tenant_counts(ctx.session, [carrier.id], today)[carrier.id],
        tenants=tenants,
        years=service.years_of(ctx.session, [carrier.id])[carrier.id],
        year_fields=sheet.YEAR_HEADERS,
        evaluation=service.evaluation(ctx.session, carrier, today),
        names=region_names(ctx.session),
        statuses=TenantStatus,
        can_edit=allowed(ctx.actor, Permission.edit_carriers) and can_write(ctx.actor, carrier),
        problems=problems,
        hosted=talent.host_counts(ctx.session, carrier_id=carrier.id),
        nodes=service.nodes_of(ctx.session, carrier),
    )


@router.get("/carriers/{carrier_id}", response_class=HTMLResponse)
def carrier_page(carrier_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    carrier = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    return _detail(ctx, carrier, [], 200)


@router.get("/carriers/{carrier_id}/panel", response_class=HTMLResponse)
def carrier_panel(carrier_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    """The map's side panel: the carrier, its tenants in incubation and its chain nodes."""
    carrier = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    return _detail(ctx, carrier, [], 200, "carriers/panel.html")


@router.post("/carriers/{carrier_id}/tenants", response_class=HTMLResponse)
async def add_tenant(carrier_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    carrier = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    _may_change(ctx, carrier)
    form = await forms.form_of(request)
    problems: list[Problem] = []
    uscc = form.get("uscc", "").strip().upper()
    ent = service.enterprise_id(ctx.session, uscc)
    if ent is None:
        problems.append(Problem("enterprise_id", "企业库中企业的统一社会信用代码", uscc))
    values = service.TenantValues(
        carrier_id=carrier.id,
        enterprise_id=ent,
        entered_on=forms.day(form.get("entered_on", ""), "entered_on", problems),
        status=form.get("status", "incubating"),
        graduated_on=forms.day(form.get("graduated_on", ""), "graduated_on", problems),
        left_on=forms.day(form.get("left_on", ""), "left_on", problems),
    )
    try:
        if problems:
            problems += [
                p
                for p in service.tenant_problems(values, date.today())
                if p.field not in {q.field for q in problems}
            ]
            raise InvalidInput(problems)
        service.save_tenant(ctx.session, actor=ctx.actor, values=values)
    except InvalidInput as exc:
        ctx.session.rollback()
        return _detail(ctx, carrier, forms.messages(exc, LABELS), 422)
    return RedirectResponse(f"/carriers/{carrier_id}#tenants", status_code=303)


CARRIERS_WORKBOOK = WorkbookPages(
    path="/carriers-import",
    permission=Permission.edit_carriers,
    refused="科创载体由市科技局和区县维护",
    template="carriers/import.html",
    workbook=sheet.carriers_workbook,
    import_workbook=sheet.import_carriers,
    template_name="科创载体导入模板.xlsx",
    data_name="科创载体.xlsx",
    missing="请选择要上传的科创载体文件（.xlsx）",
)
CARRIERS_WORKBOOK.register(router)
