"""Registry pages: list with filters and export, profile with trend charts, forms, import flow."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, allowed, require, visible_region
from kechuang.auth.scope import can_write
from kechuang.choices import IPKind, SizeClass, TitleLevel, TitleType
from kechuang.enterprises import imports, service
from kechuang.enterprises.columns import DATASETS, ENTERPRISES, FIGURES, INDUSTRY_SECTIONS, dataset
from kechuang.enterprises.excel import export_filename, workbook_bytes
from kechuang.enterprises.models import FIGURE_FIELDS
from kechuang.errors import Forbidden, InvalidInput, NotFound
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


def _query(
    q: str, region: str, title: str, industry: str, size: str, sort: str, page: int
) -> service.EnterpriseQuery:
    return service.EnterpriseQuery(
        q=q or None,
        region_code=region or None,
        title=title or None,
        industry=industry or None,
        size_class=size or None,
        sort=sort or "name",
        page=max(1, page),
    )


def _regions(ctx: Ctx) -> list:
    return [
        r for r in all_regions(ctx.session) if r.parent_code is not None and visible_region(ctx.actor, r.code)
    ]


def _region_names(ctx: Ctx) -> dict[str, str]:
    return {r.code: r.name for r in all_regions(ctx.session) if r.parent_code is not None}


def _can_create(ctx: Ctx) -> bool:
    return allowed(ctx.actor, Permission.create_enterprise)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(
    q: str = "",
    region: str = "",
    title: str = "",
    industry: str = "",
    size: str = "",
    sort: str = "name",
    page: int = 1,
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    if allowed(ctx.actor, Permission.see_own_enterprise):
        raise Forbidden("企业用户请查看“本企业”")
    query = _query(q, region, title, industry, size, sort, page)
    result = service.list_enterprises(ctx.session, actor=ctx.actor, query=query)
    held = service.titles_held(ctx.session, [e.id for e in result.items])
    params = {"q": q, "region": region, "title": title, "industry": industry, "size": size, "sort": sort}
    return render(
        ctx.request,
        "enterprises/list.html",
        result=result,
        params=params,
        base_query=urlencode(params),
        regions=_regions(ctx),
        names=_region_names(ctx),
        held=held,
        titles=list(TitleType),
        sizes=list(SizeClass),
        sections=sorted(INDUSTRY_SECTIONS),
        can_create=_can_create(ctx),
    )


@router.get("/enterprises/export")
def enterprise_export(
    dataset_name: str = "enterprises",
    q: str = "",
    region: str = "",
    title: str = "",
    industry: str = "",
    size: str = "",
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    ds = dataset(dataset_name)
    query = _query(q, region, title, industry, size, "name", 1)
    frame = service.export_frame(ctx.session, actor=ctx.actor, dataset_name=ds.name, query=query)
    return attachment(workbook_bytes(ds, frame, _region_names(ctx)), export_filename(ds))


@router.get("/templates/{dataset_name}.xlsx")
def template_download(dataset_name: str, ctx: Ctx = Depends(page_ctx)) -> Response:
    try:
        ds = dataset(dataset_name)
    except ValueError:
        raise NotFound("没有这个模板") from None
    return attachment(workbook_bytes(ds, None, _region_names(ctx)), f"{ds.label}_导入模板.xlsx")


@router.get("/my-enterprise")
def my_enterprise(ctx: Ctx = Depends(page_ctx)) -> Response:
    if ctx.actor.enterprise_id is None:
        raise NotFound("当前账号没有关联企业")
    return RedirectResponse(f"/enterprises/{ctx.actor.enterprise_id}", status_code=303)


def _form_page(
    ctx: Ctx, *, ent=None, values: dict | None = None, problems=None, status: int = 200
) -> Response:
    values = values or {}
    if ent is not None and not values:
        values = {c.field: getattr(ent, c.field) for c in ENTERPRISES.columns}
        values["aliases"] = (ent.aliases or "").replace("|", "；")
        values["listed"] = "是" if ent.listed else "否"
    return render(
        ctx.request,
        "enterprises/form.html",
        status_code=status,
        ent=ent,
        values=values,
        problems=problems or [],
        columns=ENTERPRISES.columns,
        regions=_regions(ctx),
        sizes=list(SizeClass),
    )


@router.get("/enterprises/new", response_class=HTMLResponse)
def enterprise_new(ctx: Ctx = Depends(page_ctx)) -> Response:
    if not _can_create(ctx):
        raise Forbidden("只有管理员和区县操作员可以新增企业")
    return _form_page(ctx)


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {c.field: str(form.get(c.field, "")) for c in ENTERPRISES.columns if c.field in form}


@router.post("/enterprises/new")
async def enterprise_create(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    values = await _form_values(request)
    try:
        ent = service.create_enterprise(ctx.session, actor=ctx.actor, values=values)
    except InvalidInput as exc:
        ctx.session.rollback()
        return _form_page(ctx, values=values, problems=exc.problems, status=422)
    return RedirectResponse(f"/enterprises/{ent.id}", status_code=303)


@router.get("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def enterprise_edit(enterprise_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    ent = service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    if not ctx.actor.can_write_any:
        raise Forbidden("没有修改此数据的权限")
    return _form_page(ctx, ent=ent)


@router.post("/enterprises/{enterprise_id}/edit")
async def enterprise_update(enterprise_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    values = await _form_values(request)
    try:
        service.update_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id, values=values)
    except InvalidInput as exc:
        ctx.session.rollback()
        ent = service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
        return _form_page(ctx, ent=ent, values=values, problems=exc.problems, status=422)
    return RedirectResponse(f"/enterprises/{enterprise_id}", status_code=303)


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_detail(enterprise_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    prof = service.profile(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    years = [f.year for f in prof.figures]
    series = {
        f: [getattr(x, f) for x in prof.figures]
        for f in ("operating_revenue", "rd_expense", "profit", "employees", "tech_staff")
    }
    ip_years = sorted({h.year for h in prof.ip})
    ip_table = {(h.year, h.kind): h.count for h in prof.ip}
    writable = can_write(ctx.actor, prof.enterprise)
    from kechuang.chains.service import enterprise_nodes
    from kechuang.ladder.service import profile_cards

    cards = profile_cards(ctx.session, actor=ctx.actor, enterprise_id=prof.enterprise.id, as_of=date.today())
    chain_links = enterprise_nodes(ctx.session, actor=ctx.actor, enterprise_id=prof.enterprise.id)
    from kechuang.carriers.service import carriers_of_enterprise
    from kechuang.choices import TalentProgramme, TenantStatus
    from kechuang.talent.service import host_counts

    return render(
        ctx.request,
        "enterprises/detail.html",
        incubation=carriers_of_enterprise(ctx.session, prof.enterprise.id),
        talent_counts=host_counts(ctx.session, enterprise_id=prof.enterprise.id),
        tenant_labels=TenantStatus.labels(),
        programme_labels=TalentProgramme.labels(),
        p=prof,
        ent=prof.enterprise,
        names=_region_names(ctx),
        cards=cards,
        chain_links=chain_links,
        figure_fields=FIGURE_FIELDS,
        years=years,
        series=series,
        ip_years=ip_years,
        ip_table=ip_table,
        ip_kinds=[k for k in IPKind if any(kind == k.value for _, kind in ip_table)],
        title_types={t.value: t for t in TitleType},
        levels={lv.value: lv for lv in TitleLevel},
        sizes={s.value: s for s in SizeClass},
        figure_source=service.figure_source,
        writable=writable,
        today=date.today(),
        next_year=(max(years) + 1 if years else date.today().year - 1),
    )


@router.get("/enterprises/{enterprise_id}/figures/{year}", response_class=HTMLResponse)
def figures_edit(enterprise_id: int, year: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    prof = service.profile(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    if not can_write(ctx.actor, prof.enterprise):
        raise Forbidden("没有修改此数据的权限")
    current = next((f for f in prof.figures if f.year == year), None)
    values = {f: (getattr(current, f) if current else None) for f, _, _ in FIGURE_FIELDS}
    return render(
        ctx.request,
        "enterprises/figures_form.html",
        ent=prof.enterprise,
        year=year,
        values=values,
        columns=[c for c in FIGURES.columns if c.field in values],
        problems=[],
    )


@router.post("/enterprises/{enterprise_id}/figures/{year}")
async def figures_save(
    enterprise_id: int, year: int, request: Request, ctx: Ctx = Depends(page_ctx)
) -> Response:
    form = await request.form()
    values = {f: str(form.get(f, "")) for f, _, _ in FIGURE_FIELDS}
    try:
        service.save_figures(
            ctx.session, actor=ctx.actor, enterprise_id=enterprise_id, year=year, values=values
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        ent = service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
        return render(
            ctx.request,
            "enterprises/figures_form.html",
            status_code=422,
            ent=ent,
            year=year,
            values=values,
            columns=[c for c in FIGURES.columns if c.field in values],
            problems=exc.problems,
        )
    return RedirectResponse(f"/enterprises/{enterprise_id}#figures", status_code=303)


# ---- import ------------------------------------------------------------------------------


@router.get("/imports", response_class=HTMLResponse)
def import_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.import_data, "当前角色不能导入数据")
    return render(ctx.request, "enterprises/import.html", datasets=list(DATASETS.values()), problems=[])


@router.post("/imports")
async def import_upload(
    dataset_name: str = Form("enterprises"), file: UploadFile = File(...), ctx: Ctx = Depends(page_ctx)
) -> Response:
    content = await file.read()
    try:
        batch = imports.stage_upload(
            ctx.session,
            actor=ctx.actor,
            dataset_name=dataset_name,
            filename=file.filename or "upload.xlsx",
            content=content,
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return render(
            ctx.request,
            "enterprises/import.html",
            status_code=422,
            datasets=list(DATASETS.values()),
            problems=exc.problems,
        )
    return RedirectResponse(f"/imports/{batch.id}", status_code=303)


@router.get("/imports/{batch_id}", response_class=HTMLResponse)
def import_preview(batch_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    pv = imports.preview(ctx.session, actor=ctx.actor, batch_id=batch_id)
    return render(ctx.request, "enterprises/import_preview.html", pv=pv)


@router.post("/imports/{batch_id}/confirm")
def import_confirm(batch_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    try:
        result = imports.confirm(ctx.session, actor=ctx.actor, batch_id=batch_id)
    except InvalidInput:
        ctx.session.rollback()
        return RedirectResponse(f"/imports/{batch_id}", status_code=303)
    return render(ctx.request, "enterprises/import_done.html", result=result, ds=dataset(result.dataset))
