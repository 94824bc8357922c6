from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from kechuang.enterprises import service
from kechuang.enterprises.schemas import EnterpriseList, EnterpriseOut
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["enterprises"])


@router.get("/enterprises", response_model=EnterpriseList)
def list_enterprises(
    q: str | None = None,
    region_code: str | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=500),
    ctx: Ctx = Depends(api_ctx),
) -> EnterpriseList:
    result = service.list_enterprises(
        ctx.session,
        actor=ctx.actor,
        query=service.EnterpriseQuery(q=q, region_code=region_code, page=page, page_size=page_size),
    )
    return EnterpriseList(
        items=[EnterpriseOut.model_validate(e) for e in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseOut)
def get_enterprise(enterprise_id: int, ctx: Ctx = Depends(api_ctx)) -> EnterpriseOut:
    return EnterpriseOut.model_validate(
        service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    )
