"""Demand and capability pages: 需求大厅 (filters, each demand's best matches), posting a demand, a
demand with its history, matches and reasons, status steps and 推荐给; capability profiles with the
demands they match; the inbox. Thin over ``service``; forms take money in 万元."""

from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, require, visible_region
from kechuang.chains.service import chains as atlas_chains
from kechuang.choices import CapabilityKind, Confidentiality, DemandStatus
from kechuang.errors import Forbidden, InvalidInput, Problem
from kechuang.matching import service, sheet
from kechuang.matching.service import CapabilityValues, DemandFilter, DemandValues
from kechuang.regions.service import all_regions, region_names
from kechuang.web import forms
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render
from kechuang.web.uploads import WorkbookPages

router = APIRouter(include_in_schema=False)
FORM_LABELS = {
    "title": "需求名称",
    "description": "需求描述",
    "budget_min": "预算下限（万元）",
    "budget_max": "预算上限（万元）",
    "deadline": "期望解决日期",
    "indicators": "技术指标",
    "enterprise_id": "需求企业",
    "chain_code": "产业链",
    "node_code": "图谱节点",
    "confidentiality": "公开范围",
    "status": "状态",
    "capability_id": "对接能力",
    "contract_amount": "合同金额（万元）",
    "name": "名称",
    "kind": "类型",
}


def _messages(exc: InvalidInput) -> list[str]:
    return forms.messages(exc, FORM_LABELS)


def demand_values(form: dict[str, str]) -> DemandValues:
    """The posting form as demand values; its own problems (money, dates, indicator lines) raised at once."""
    problems: list[Problem] = []
    values = DemandValues(
        enterprise_id=forms.int_id(form.get("enterprise_id", "")),
        title=form.get("title", ""),
        description=form.get("description", ""),
        indicators=forms.indicators(form.get("indicators", ""), "indicators", problems),
        budget_min=forms.wan(form, "budget_min", problems),
        budget_max=forms.wan(form, "budget_max", problems),
        deadline=forms.day(form.get("deadline", ""), "deadline", problems),
        chain_code=form.get("chain_code") or None,
        node_code=form.get("node_code") or None,
        confidentiality=form.get("confidentiality", Confidentiality.public.value),
    )
    if problems:
        raise InvalidInput(problems)
    return values


@router.get("/demands", response_class=HTMLResponse)
def demand_hall(
    chain_code: str = "",
    region_code: str = "",
    status: str = "",
    budget: str = "",
    q: str = "",
    page: int = 1,
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    budget_at_least = (
        round(float(budget) * forms.WAN) if re.fullmatch(r"\d+(\.\d+)?", budget.strip()) else None
    )
    f = DemandFilter(chain_code or None, region_code or None, status or None, budget_at_least, q or None)
    result = service.demand_list(ctx.session, actor=ctx.actor, filters=f, page=page)
    return render(
        ctx.request,
        "matching/hall.html",
        result=result,
        matches=service.top_matches(ctx.session, [d.id for d, _ in result.items]),
        chains=[c for c, _ in atlas_chains(ctx.session)],
        chain_names={c.code: c.name for c, _ in atlas_chains(ctx.session)},
        regions=[r for r in all_regions(ctx.session) if r.kind in service.DISTRICT_KINDS],
        names=region_names(ctx.session),
        statuses=DemandStatus,
        filters={
            "chain_code": chain_code,
            "region_code": region_code,
            "status": status,
            "budget": budget,
            "q": q,
        },
    )


def _form(ctx: Ctx, form: dict[str, str], problems: list[str], code: int) -> Response:
    return render(
        ctx.request,
        "matching/demand_form.html",
        status_code=code,
        form=form,
        problems=problems,
        enterprises=service.postable_enterprises(ctx.session, actor=ctx.actor),
        chains=[c for c, _ in atlas_chains(ctx.session)],
        secrecy=Confidentiality,
    )


@router.get("/demands/funnel", response_class=HTMLResponse)
def funnel_page(year: int = 0, ctx: Ctx = Depends(page_ctx)) -> Response:
    year = year or date.today().year
    regions = [
        r
        for r in all_regions(ctx.session)
        if r.kind in service.DISTRICT_KINDS and visible_region(ctx.actor, r.code)
    ]
    figures = service.demand_funnel(
        ctx.session, actor=ctx.actor, year=year, regions=[r.code for r in regions]
    )
    return render(
        ctx.request,
        "matching/funnel.html",
        year=year,
        years=list(range(date.today().year, date.today().year - 5, -1)),
        figures=figures,
        regions=regions,
        labels={s.value: s for s in DemandStatus},
    )


@router.get("/demands/new", response_class=HTMLResponse)
def new_demand(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.post_demand)
    return _form(ctx, {"confidentiality": "public"}, [], 200)


@router.post("/demands", response_class=HTMLResponse)
async def post_demand(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.post_demand)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        demand = service.post_demand(
            ctx.session, actor=ctx.actor, values=demand_values(form), today=date.today()
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _form(ctx, form, _messages(exc), 422)
    return RedirectResponse(f"/demands/{demand.id}", status_code=303)


def _demand(ctx: Ctx, demand_id: int, problems: list[str], code: int) -> Response:
    demand = service.get_demand(ctx.session, actor=ctx.actor, demand_id=demand_id)
    matches = service.matches_for(ctx.session, actor=ctx.actor, demand_id=demand_id)
    return render(
        ctx.request,
        "matching/demand.html",
        status_code=code,
        demand=demand,
        enterprise=service.enterprise_name(ctx.session, demand.enterprise_id),
        chain_name=service.chain_name(ctx.session, demand.chain_code),
        node_name=service.node_name(ctx.session, demand.node_code),
        history=service.history(ctx.session, actor=ctx.actor, demand_id=demand_id),
        matches=matches,
        partner=next((c for _, c in matches if c.id == demand.partner_id), None),
        status=DemandStatus(demand.status),
        steps=service.next_steps(ctx.actor, demand),
        can_recommend=service.may_handle(ctx.actor, demand),
        names=region_names(ctx.session),
        statuses={s.value: s for s in DemandStatus},
        problems=problems,
    )


@router.get("/demands/{demand_id}", response_class=HTMLResponse)
def demand_page(demand_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    return _demand(ctx, demand_id, [], 200)


@router.post("/demands/{demand_id}/status", response_class=HTMLResponse)
async def demand_status(demand_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    problems: list[Problem] = []
    amount = forms.wan(form, "contract_amount", problems)
    try:
        if problems:
            raise InvalidInput(problems)
        service.move_demand(
            ctx.session,
            actor=ctx.actor,
            demand_id=demand_id,
            status=form.get("status", ""),
            note=form.get("note", ""),
            capability_id=forms.int_id(form.get("capability_id", "")),
            contract_amount=amount,
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _demand(ctx, demand_id, _messages(exc), 422)
    return RedirectResponse(f"/demands/{demand_id}", status_code=303)


@router.post("/demands/{demand_id}/recommend", response_class=HTMLResponse)
async def demand_recommend(demand_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    capability_id = forms.int_id(form.get("capability_id", ""))
    if capability_id is None:
        return _demand(ctx, demand_id, ["请选择要推荐的能力档案"], 422)
    told = service.recommend(ctx.session, actor=ctx.actor, demand_id=demand_id, capability_id=capability_id)
    return RedirectResponse(f"/demands/{demand_id}?told={told}#matches", status_code=303)


@router.get("/capabilities", response_class=HTMLResponse)
def capabilities_page(kind: str = "", q: str = "", page: int = 1, ctx: Ctx = Depends(page_ctx)) -> Response:
    result = service.capability_list(ctx.session, actor=ctx.actor, kind=kind or None, q=q or None, page=page)
    return render(
        ctx.request,
        "matching/capabilities.html",
        result=result,
        kinds=CapabilityKind,
        filters={"kind": kind, "q": q},
        names=region_names(ctx.session),
    )


def capability_values(form: dict[str, str]) -> CapabilityValues:
    def lines(key: str) -> list[str]:
        return [x.strip() for x in form.get(key, "").splitlines() if x.strip()]

    return CapabilityValues(
        name=form.get("name", ""),
        kind=form.get("kind", ""),
        description=form.get("description", ""),
        organisation=form.get("organisation", ""),
        directions=form.get("directions", ""),
        results=lines("results"),
        equipment=form.get("equipment", ""),
        people=form.get("people", ""),
        contact=form.get("contact", ""),
        keywords=[k for k in re.split(r"[，,、\s]+", form.get("keywords", "")) if k],
        node_codes=[k for k in re.split(r"[，,、\s]+", form.get("node_codes", "")) if k],
        region_code=form.get("region_code") or None,
    )


def _cap_form(
    ctx: Ctx, form: dict[str, str], problems: list[str], code: int, capability_id: int | None
) -> Response:
    return render(
        ctx.request,
        "matching/capability_form.html",
        status_code=code,
        form=form,
        problems=problems,
        kinds=CapabilityKind,
        capability_id=capability_id,
        regions=[r for r in all_regions(ctx.session)],
    )


@router.get("/capabilities/new", response_class=HTMLResponse)
def new_capability(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.edit_capability)
    return _cap_form(ctx, {"kind": "team", "region_code": ctx.actor.region_code or ""}, [], 200, None)


@router.get("/capabilities/{capability_id}/edit", response_class=HTMLResponse)
def edit_capability(capability_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    cap = service.get_capability(ctx.session, actor=ctx.actor, capability_id=capability_id)
    if not service.may_edit_capability(ctx.actor, cap):
        raise Forbidden("只能修改本人、本企业或本辖区的能力档案")
    form = {
        "name": cap.name,
        "kind": cap.kind,
        "description": cap.description,
        "organisation": cap.organisation,
        "directions": cap.directions,
        "results": "\n".join(cap.results or []),
        "equipment": cap.equipment,
        "people": cap.people,
        "contact": cap.contact,
        "keywords": "、".join(k for k in cap.keywords.split("|") if k),
        "node_codes": " ".join(k for k in cap.node_codes.split("|") if k),
        "region_code": cap.region_code or "",
    }
    return _cap_form(ctx, form, [], 200, capability_id)


@router.post("/capabilities", response_class=HTMLResponse)
@router.post("/capabilities/{capability_id}", response_class=HTMLResponse)
async def save_capability(
    request: Request, capability_id: int | None = None, ctx: Ctx = Depends(page_ctx)
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        cap = service.save_capability(
            ctx.session, actor=ctx.actor, values=capability_values(form), capability_id=capability_id
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _cap_form(ctx, form, _messages(exc), 422, capability_id)
    return RedirectResponse(f"/capabilities/{cap.id}", status_code=303)


@router.get("/capabilities/{capability_id}", response_class=HTMLResponse)
def capability_page(capability_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    cap = service.get_capability(ctx.session, actor=ctx.actor, capability_id=capability_id)
    return render(
        ctx.request,
        "matching/capability.html",
        cap=cap,
        kinds=CapabilityKind,
        demands=service.demands_for(ctx.session, actor=ctx.actor, capability_id=capability_id),
        can_edit=service.may_edit_capability(ctx.actor, cap),
        names=region_names(ctx.session),
        statuses={s.value: s for s in DemandStatus},
    )


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    return render(ctx.request, "matching/inbox.html", messages=service.inbox(ctx.session, actor=ctx.actor))


@router.post("/inbox/{message_id}/read", response_class=HTMLResponse)
def inbox_read(message_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    msg = service.mark_read(ctx.session, actor=ctx.actor, message_id=message_id)
    return RedirectResponse(msg.link or "/inbox", status_code=303)


DEMANDS_WORKBOOK = WorkbookPages(
    path="/demands-import",
    permission=Permission.post_demand,
    refused="技术需求由企业、区县和市科技局填报",
    template="matching/demands_import.html",
    workbook=sheet.demands_workbook,
    import_workbook=sheet.import_demands,
    template_name="技术需求征集模板.xlsx",
    data_name="技术需求.xlsx",
    missing="请选择要上传的技术需求文件（.xlsx）",
)
DEMANDS_WORKBOOK.register(router)
CAPABILITIES_WORKBOOK = WorkbookPages(
    path="/capabilities-import",
    permission=Permission.import_capabilities,
    refused="能力档案由市科技局统一导入导出",
    template="matching/capabilities_import.html",
    workbook=sheet.capabilities_workbook,
    import_workbook=sheet.import_capabilities,
    template_name="能力档案导入模板.xlsx",
    data_name="能力档案.xlsx",
    missing="请选择要上传的能力档案文件（.xlsx）",
)
CAPABILITIES_WORKBOOK.register(router)
