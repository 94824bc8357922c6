from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from kechuang.regions.service import all_regions
from kechuang.web.api_common import COMMON, GUARDS
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["regions"], responses=COMMON, dependencies=GUARDS)


class RegionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_en: str
    kind: str
    parent_code: str | None


@router.get(
    "/regions", summary="The city's regions (districts, parks, towns)", response_model=list[RegionOut]
)
def list_regions(ctx: Ctx = Depends(api_ctx)) -> list[RegionOut]:
    """The city's regions (reference data, visible to every logged-in user)."""
    return [RegionOut.model_validate(r) for r in all_regions(ctx.session)]
