from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from kechuang.choices import SizeClass, TitleType
from kechuang.enterprises import service
from kechuang.enterprises.importer import import_file
from kechuang.enterprises.schemas import (
    Dataset,
    EnterpriseCreate,
    EnterpriseDetail,
    EnterpriseList,
    EnterpriseOut,
    EnterpriseSort,
    EnterpriseUpdate,
    FiguresIn,
    FiguresOut,
    ImportOut,
    IPOut,
    TitleIn,
    TitleOut,
)
from kechuang.web.api_common import (
    COMMON,
    CONFLICT,
    GUARDS,
    MAX_TEXT_QUERY,
    NOT_FOUND,
    EnterpriseId,
    PageNo,
    PageSize,
    Year,
    errors,
)
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["enterprises"], responses=COMMON, dependencies=GUARDS)


@router.get(
    "/enterprises",
    summary="The registry, filtered, sorted and paginated (the caller's scope)",
    response_model=EnterpriseList,
)
def list_enterprises(
    q: str | None = Query(None, max_length=MAX_TEXT_QUERY, description="name, alias or USCC"),
    region_code: str | None = Query(
        None, max_length=12, description="a region code; includes the regions under it"
    ),
    title: TitleType | None = Query(None, description="holds this title today, e.g. hnte"),
    industry: str | None = Query(
        None, pattern="^[A-Ta-t][0-9]{0,4}$", description="GB/T 4754 prefix, e.g. C38"
    ),
    size_class: SizeClass | None = None,
    sort: EnterpriseSort = Query(EnterpriseSort.name, description="name, or revenue (latest, largest first)"),
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> EnterpriseList:
    query = service.EnterpriseQuery(
        q=q,
        region_code=region_code,
        title=title.value if title else None,
        industry=industry,
        size_class=size_class.value if size_class else None,
        sort=sort.value,
        page=page,
        page_size=page_size,
    )
    result = service.list_enterprises(ctx.session, actor=ctx.actor, query=query)
    return EnterpriseList(
        items=[EnterpriseOut.of(e) for e in result.items],
        total=result.total,
        total_capped=result.total_capped,
        page=result.page,
        page_size=result.page_size,
    )


@router.get(
    "/enterprises/{enterprise_id}",
    summary="One enterprise with its yearly figures, titles and IP",
    response_model=EnterpriseDetail,
    responses=NOT_FOUND,
)
def get_enterprise(enterprise_id: EnterpriseId, ctx: Ctx = Depends(api_ctx)) -> EnterpriseDetail:
    p = service.profile(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    return EnterpriseDetail.of(  # type: ignore[return-value]
        p.enterprise,
        figures=[FiguresOut.model_validate(f) for f in p.figures],
        titles=[TitleOut.model_validate(t) for t in p.titles],
        ip=[IPOut.model_validate(h) for h in p.ip],
    )


@router.post(
    "/enterprises",
    summary="Register an enterprise",
    response_model=EnterpriseOut,
    status_code=201,
    responses=CONFLICT,
)
def create_enterprise(body: EnterpriseCreate, ctx: Ctx = Depends(api_ctx)) -> EnterpriseOut:
    return EnterpriseOut.of(service.create_enterprise(ctx.session, actor=ctx.actor, values=body.values()))


@router.patch(
    "/enterprises/{enterprise_id}",
    summary="Change an enterprise's details",
    response_model=EnterpriseOut,
    responses=NOT_FOUND,
)
def update_enterprise(
    enterprise_id: EnterpriseId, body: EnterpriseUpdate, ctx: Ctx = Depends(api_ctx)
) -> EnterpriseOut:
    ent = service.update_enterprise(
        ctx.session, actor=ctx.actor, enterprise_id=enterprise_id, values=body.values()
    )
    return EnterpriseOut.of(ent)


@router.put(
    "/enterprises/{enterprise_id}/figures/{year}",
    summary="Replace one year's figures",
    response_model=FiguresOut,
    responses=NOT_FOUND,
)
def put_figures(
    enterprise_id: EnterpriseId, year: Year, body: FiguresIn, ctx: Ctx = Depends(api_ctx)
) -> FiguresOut:
    """Replace one year's figures (absent or null fields become unknown)."""
    fig = service.save_figures(
        ctx.session, actor=ctx.actor, enterprise_id=enterprise_id, year=year, values=body.model_dump()
    )
    return FiguresOut.model_validate(fig)


@router.put(
    "/enterprises/{enterprise_id}/titles/{type}/{year_granted}",
    response_model=TitleOut,
    responses=NOT_FOUND,
    summary="Record or correct a title the enterprise holds (e.g. 高新技术企业 granted in 2024)",
)
def put_title(
    enterprise_id: EnterpriseId,
    type: TitleType,  # noqa: A002
    year_granted: Year,
    body: TitleIn,
    ctx: Ctx = Depends(api_ctx),
) -> TitleOut:
    """The same rules as the titles spreadsheet; the caller becomes the title's source; audited."""
    title = service.save_title(
        ctx.session,
        actor=ctx.actor,
        enterprise_id=enterprise_id,
        type_=type.value,
        year_granted=year_granted,
        values={k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in body.model_dump().items()},
    )
    return TitleOut.model_validate(title)


@router.delete(
    "/enterprises/{enterprise_id}/titles/{type}/{year_granted}",
    status_code=204,
    responses=NOT_FOUND,
    summary="Remove a title recorded by mistake",
)
def delete_title(
    enterprise_id: EnterpriseId,
    type: TitleType,  # noqa: A002
    year_granted: Year,
    ctx: Ctx = Depends(api_ctx),
) -> Response:
    service.delete_title(
        ctx.session, actor=ctx.actor, enterprise_id=enterprise_id, type_=type.value, year_granted=year_granted
    )
    return Response(status_code=204)


@router.post(
    "/imports/{dataset}",
    summary="Import a registry spreadsheet all or nothing (dry run available)",
    response_model=ImportOut,
    responses=errors(413),
)
async def import_spreadsheet(
    dataset: Dataset, file: UploadFile = File(...), dry_run: bool = False, ctx: Ctx = Depends(api_ctx)
) -> ImportOut:
    """Import an .xlsx or .csv file all or nothing; 422 lists every problem (row, column, value, expected)."""
    content = await file.read()
    result = await run_in_threadpool(
        import_file,
        ctx.session,
        actor=ctx.actor,
        dataset_name=dataset.value,
        content=content,
        filename=file.filename or "upload",
        dry_run=dry_run,
    )
    return ImportOut(**{k: v for k, v in result.as_dict().items() if k != "problems"})
