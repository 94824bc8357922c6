"""Demand and capability API: the 需求大厅 list, posting a demand, its history and its matches with
reasons, status steps, 推荐给, capability profiles and the matched demands, the inbox. Thin over
``kechuang.matching.service`` (the pages call the same functions); scoped like every other read."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kechuang.choices import CapabilityKind, DemandStatus
from kechuang.matching import service
from kechuang.matching.schemas import (
    CapabilityDetail,
    CapabilityIn,
    CapabilityList,
    CapabilityOut,
    DemandDetail,
    DemandIn,
    DemandList,
    DemandOut,
    EventOut,
    MatchedDemandOut,
    MatchOut,
    MessageOut,
    ReasonOut,
    Recommended,
    RecommendIn,
    StatusIn,
)
from kechuang.matching.service import CapabilityValues, DemandFilter, DemandValues
from kechuang.web.api_common import COMMON, GUARDS, MAX_ID, NOT_FOUND, PageNo, PageSize
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["demands"], responses=COMMON, dependencies=GUARDS)

DemandId = Annotated[int, Path(ge=1, le=MAX_ID, description="a demand's id")]
CapabilityId = Annotated[int, Path(ge=1, le=MAX_ID, description="a capability profile's id")]
MessageId = Annotated[int, Path(ge=1, le=MAX_ID, description="an inbox message's id")]


def _values(body: DemandIn) -> DemandValues:
    return DemandValues(
        enterprise_id=body.enterprise_id,
        title=body.title,
        description=body.description,
        indicators=[i.model_dump() for i in body.indicators],
        budget_min=body.budget_min,
        budget_max=body.budget_max,
        deadline=body.deadline,
        chain_code=body.chain_code,
        node_code=body.node_code,
        item_name=body.item_name,
        confidentiality=body.confidentiality.value,
    )


def _detail(ctx: Ctx, demand_id: int) -> DemandDetail:
    demand = service.get_demand(ctx.session, actor=ctx.actor, demand_id=demand_id)
    name = service.enterprise_name(ctx.session, demand.enterprise_id)
    return DemandDetail(
        **DemandOut.of(demand, name).model_dump(),
        history=[EventOut.of(e) for e in service.history(ctx.session, actor=ctx.actor, demand_id=demand_id)],
        matches=[
            MatchOut.of(m, c)
            for m, c in service.matches_for(ctx.session, actor=ctx.actor, demand_id=demand_id)
        ],
    )


@router.get(
    "/demands",
    response_model=DemandList,
    summary="Technology demands the caller may see (需求大厅), newest first",
)
def list_demands(
    chain_code: Annotated[str | None, Query(max_length=40, description="产业链编号")] = None,
    region_code: Annotated[
        str | None, Query(max_length=12, pattern="^[0-9]{6,12}$", description="地区及其下辖")
    ] = None,
    status: DemandStatus | None = None,
    budget_at_least: Annotated[int | None, Query(ge=0, le=10**15, description="预算不低于（元）")] = None,
    q: Annotated[str | None, Query(max_length=100, description="名称或描述中的文字")] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> DemandList:
    """Public demands are listed for every role; bureau-only ones for the bureau, the district and the
    enterprise."""
    f = DemandFilter(chain_code, region_code, status.value if status else None, budget_at_least, q)
    result = service.demand_list(ctx.session, actor=ctx.actor, filters=f, page=page, page_size=page_size)
    return DemandList(
        items=[DemandOut.of(d, name) for d, name in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


@router.post(
    "/demands",
    response_model=DemandDetail,
    status_code=201,
    summary="Post a technology demand (征集); its matches are computed",
)
def post_demand(body: DemandIn, ctx: Ctx = Depends(api_ctx)) -> DemandDetail:
    demand = service.post_demand(ctx.session, actor=ctx.actor, values=_values(body), today=date.today())
    return _detail(ctx, demand.id)


@router.get(
    "/demands/{demand_id}",
    response_model=DemandDetail,
    responses=NOT_FOUND,
    summary="One demand with its status history and matches",
)
def get_demand(demand_id: DemandId, ctx: Ctx = Depends(api_ctx)) -> DemandDetail:
    return _detail(ctx, demand_id)


@router.put(
    "/demands/{demand_id}",
    response_model=DemandDetail,
    responses=NOT_FOUND,
    summary="Change a demand's text, budget, deadline or atlas node",
)
def update_demand(demand_id: DemandId, body: DemandIn, ctx: Ctx = Depends(api_ctx)) -> DemandDetail:
    service.update_demand(
        ctx.session, actor=ctx.actor, demand_id=demand_id, values=_values(body), today=date.today()
    )
    return _detail(ctx, demand_id)


@router.get(
    "/demands/{demand_id}/matches",
    response_model=list[MatchOut],
    responses=NOT_FOUND,
    summary="A demand's best capabilities, each with the reasons for the match",
)
def demand_matches(demand_id: DemandId, ctx: Ctx = Depends(api_ctx)) -> list[MatchOut]:
    return [
        MatchOut.of(m, c) for m, c in service.matches_for(ctx.session, actor=ctx.actor, demand_id=demand_id)
    ]


@router.post(
    "/demands/{demand_id}/status",
    response_model=DemandDetail,
    responses=NOT_FOUND,
    summary="Move a demand to its next status (受理、对接、签约、解决、未解决、撤回)",
)
def move_demand(demand_id: DemandId, body: StatusIn, ctx: Ctx = Depends(api_ctx)) -> DemandDetail:
    service.move_demand(
        ctx.session,
        actor=ctx.actor,
        demand_id=demand_id,
        status=body.status.value,
        note=body.note,
        capability_id=body.capability_id,
        contract_amount=body.contract_amount,
    )
    return _detail(ctx, demand_id)


@router.post(
    "/demands/{demand_id}/recommendations",
    response_model=Recommended,
    status_code=201,
    responses=NOT_FOUND,
    summary="推荐给: tell a capability's owners about the demand in their inbox",
)
def recommend(demand_id: DemandId, body: RecommendIn, ctx: Ctx = Depends(api_ctx)) -> Recommended:
    told = service.recommend(
        ctx.session, actor=ctx.actor, demand_id=demand_id, capability_id=body.capability_id
    )
    return Recommended(told=told)


def _cap_values(body: CapabilityIn) -> CapabilityValues:
    return CapabilityValues(**{**body.model_dump(), "kind": body.kind.value})


@router.get(
    "/capabilities",
    response_model=CapabilityList,
    summary="Capability profiles (universities, institutes, experts, teams, enterprises)",
)
def list_capabilities(
    kind: CapabilityKind | None = None,
    node_code: Annotated[str | None, Query(max_length=80, description="图谱节点编号")] = None,
    q: Annotated[str | None, Query(max_length=100, description="名称、单位或介绍中的文字")] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> CapabilityList:
    result = service.capability_list(
        ctx.session,
        actor=ctx.actor,
        kind=kind.value if kind else None,
        node_code=node_code,
        q=q,
        page=page,
        page_size=page_size,
    )
    return CapabilityList(
        items=[CapabilityOut.of(c) for c in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


@router.post(
    "/capabilities", response_model=CapabilityOut, status_code=201, summary="Add a capability profile"
)
def add_capability(body: CapabilityIn, ctx: Ctx = Depends(api_ctx)) -> CapabilityOut:
    return CapabilityOut.of(service.save_capability(ctx.session, actor=ctx.actor, values=_cap_values(body)))


@router.get(
    "/capabilities/{capability_id}",
    response_model=CapabilityDetail,
    responses=NOT_FOUND,
    summary="One capability profile with the open demands it matches",
)
def get_capability(capability_id: CapabilityId, ctx: Ctx = Depends(api_ctx)) -> CapabilityDetail:
    cap = service.get_capability(ctx.session, actor=ctx.actor, capability_id=capability_id)
    demands = [
        MatchedDemandOut(
            demand_id=d.id,
            title=d.title,
            status=d.status,
            score=m.score,
            reasons=[ReasonOut(**r) for r in m.reasons],
        )
        for m, d in service.demands_for(ctx.session, actor=ctx.actor, capability_id=capability_id)
    ]
    return CapabilityDetail(**CapabilityOut.of(cap).model_dump(), demands=demands)


@router.put(
    "/capabilities/{capability_id}",
    response_model=CapabilityOut,
    responses=NOT_FOUND,
    summary="Change a capability profile",
)
def update_capability(
    capability_id: CapabilityId, body: CapabilityIn, ctx: Ctx = Depends(api_ctx)
) -> CapabilityOut:
    cap = service.save_capability(
        ctx.session, actor=ctx.actor, values=_cap_values(body), capability_id=capability_id
    )
    return CapabilityOut.of(cap)


@router.get("/inbox", response_model=list[MessageOut], summary="The caller's inbox (站内消息), newest first")
def inbox(ctx: Ctx = Depends(api_ctx)) -> list[MessageOut]:
    return [MessageOut.of(m) for m in service.inbox(ctx.session, actor=ctx.actor)]


@router.post(
    "/inbox/{message_id}/read",
    response_model=MessageOut,
    responses=NOT_FOUND,
    summary="Mark one of the caller's messages read",
)
def read_message(message_id: MessageId, ctx: Ctx = Depends(api_ctx)) -> MessageOut:
    return MessageOut.of(service.mark_read(ctx.session, actor=ctx.actor, message_id=message_id))
