"""Points API: one page of the stored points ranking (as the points page, scoped) and the methodology
in force. GET only reads: the ranking is computed by the points job; a new methodology is uploaded
as a workbook (``/api/v1/workbooks/methodology``)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query

from kechuang.choices import GrowthStage
from kechuang.points import service, store
from kechuang.points.catalogue import GROUPS
from kechuang.points.core import norm
from kechuang.points.schemas import MethodologyOut, PointsIndicatorOut, RankedOut, RankingPage, VersionOut
from kechuang.web.api_common import COMMON, GUARDS, MIN_YEAR, THIS_YEAR, PageNo, PageSize, api_number
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["points"], responses=COMMON, dependencies=GUARDS)


@router.get("/points/ranking", response_model=RankingPage, summary="The innovation points ranking, one page")
def points_ranking(
    year: int | None = Query(None, ge=MIN_YEAR, le=THIS_YEAR + 1, description="default: the latest year"),
    stage: GrowthStage | None = Query(None, description="rank within one growth stage"),
    region: str = Query("", max_length=12, description="one region's enterprises"),
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> RankingPage:
    y = year or service.default_year(ctx.session)
    board = store.ranking(
        ctx.session,
        actor=ctx.actor,
        year=y,
        stage=stage.value if stage else "",
        region=region,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    held, m = board.stored, board.stored.methodology
    items = [
        RankedOut(
            **{k: r[k] for k in RankedOut.model_fields if k in r and k not in ("groups", "scores")},
            groups={g: api_number(r[g]) for g in GROUPS},
            scores={i.id: api_number(r[norm(i)]) for i in m.indicators},
        )
        for r in board.rows.iter_rows(named=True)
    ]
    return RankingPage(
        year=y,
        methodology=held.run.methodology_id + "@" + held.run.methodology_version if held.run else m.stamp,
        as_of=held.as_of,
        computed_at=held.run.computed_at if held.run else None,
        stale=held.stale,
        items=items,
        total=board.total,
        page=page,
        page_size=page_size,
    )


@router.get("/points/methodology", response_model=MethodologyOut, summary="The points methodology in force")
def points_methodology(ctx: Ctx = Depends(api_ctx)) -> MethodologyOut:
    """Its indicators with weights per stage, normalisations and bands, the stage rule, and every
    uploaded version (the workbook downloads at `/api/v1/workbooks/methodology.xlsx`)."""
    m = service.current_methodology(ctx.session)
    return MethodologyOut(
        id=m.id,
        version=m.version,
        stamp=m.stamp,
        name=m.name,
        note=m.note,
        aggregation=m.aggregation,
        stage_rule={k: float(v) for k, v in asdict(m.stage_rule).items()},
        indicators=[
            PointsIndicatorOut(**{**asdict(i), "bands": [list(b) for b in i.bands]}) for i in m.indicators
        ],
        versions=[
            VersionOut.model_validate(v, from_attributes=True)
            for v in service.methodology_versions(ctx.session)
        ],
    )
