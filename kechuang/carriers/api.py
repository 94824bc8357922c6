"""Carrier, talent and map API: carriers with computed tenant counts, tenants, the 零突破 list, talent
counts (names only for those who may see them), apartments and the three map views. Thin over the
services the pages call; scoped like every other read."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from kechuang.carriers import service
from kechuang.carriers.schemas import (
    ApartmentIn,
    ApartmentOut,
    CarrierDetail,
    CarrierIn,
    CarrierList,
    CarrierOut,
    MapView,
    NextLevelOut,
    TalentCount,
    TalentIn,
    TalentOut,
    TalentSummary,
    TenantIn,
    TenantOut,
)
from kechuang.choices import CarrierKind, CarrierLevel, TalentProgramme
from kechuang.maps import views
from kechuang.talent import service as talent
from kechuang.web.api_common import COMMON, GUARDS, MAX_ID, NOT_FOUND
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["carriers"], responses=COMMON, dependencies=GUARDS)

CarrierId = Annotated[int, Path(ge=1, le=MAX_ID, description="a carrier's id")]
RegionQuery = Annotated[str | None, Query(max_length=12, pattern="^[0-9]{6,12}$", description="地区及其下辖")]


def _values(body: CarrierIn) -> service.CarrierValues:
    return service.CarrierValues(
        **body.model_dump(exclude={"kind", "level"}), kind=body.kind.value, level=body.level.value
    )


def _out(ctx: Ctx, carrier_id: int) -> CarrierDetail:
    c = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    today = date.today()
    counts = service.tenant_counts(ctx.session, [c.id], today)[c.id]
    return CarrierDetail(
        **CarrierOut.of(c, counts).model_dump(), evaluation=service.evaluation(ctx.session, c, today)
    )


@router.get("/carriers", response_model=CarrierList, summary="Carriers (科创载体) the caller may see")
def list_carriers(
    kind: CarrierKind | None = None,
    level: CarrierLevel | None = None,
    region_code: RegionQuery = None,
    q: Annotated[str | None, Query(max_length=100, description="名称中的文字")] = None,
    ctx: Ctx = Depends(api_ctx),
) -> CarrierList:
    query = service.CarrierQuery(
        kind=kind.value if kind else "",
        level=level.value if level else "",
        region_code=region_code or "",
        q=q or "",
    )
    carriers = service.list_carriers(ctx.session, actor=ctx.actor, query=query)
    counts = service.tenant_counts(ctx.session, [c.id for c in carriers], date.today())
    return CarrierList(total=len(carriers), items=[CarrierOut.of(c, counts[c.id]) for c in carriers])


@router.post("/carriers", response_model=CarrierDetail, status_code=201, summary="Register a carrier")
def create_carrier(body: CarrierIn, ctx: Ctx = Depends(api_ctx)) -> CarrierDetail:
    carrier = service.save_carrier(
        ctx.session, actor=ctx.actor, values=_values(body), source=f"API {ctx.actor.username}"
    )
    return _out(ctx, carrier.id)


@router.get(
    "/incubators/next-level",
    response_model=list[NextLevelOut],
    summary="Incubators below national level, nearest to it first (零突破)",
)
def next_level(region_code: RegionQuery = None, ctx: Ctx = Depends(api_ctx)) -> list[NextLevelOut]:
    ranked = service.nearest_to_next_level(
        ctx.session, actor=ctx.actor, as_of=date.today(), region_code=region_code or ""
    )
    return [
        NextLevelOut(
            carrier_id=r["carrier"].id,
            name=r["carrier"].name,
            level=r["carrier"].level,
            region_code=r["carrier"].region_code,
            tenants=r["tenants"][0],
            graduates=r["tenants"][1],
            failing=r["failing"],
            shortfall=r["shortfall"],
            gaps=r["result"]["gaps"],
            rule=r["result"]["rule"],
        )
        for r in ranked
    ]


@router.get(
    "/carriers/{carrier_id}",
    response_model=CarrierDetail,
    responses=NOT_FOUND,
    summary="A carrier with its tenant counts and, for an incubator, the gaps to national level",
)
def get_carrier(carrier_id: CarrierId, ctx: Ctx = Depends(api_ctx)) -> CarrierDetail:
    return _out(ctx, carrier_id)


@router.put(
    "/carriers/{carrier_id}", response_model=CarrierDetail, responses=NOT_FOUND, summary="Change a carrier"
)
def update_carrier(carrier_id: CarrierId, body: CarrierIn, ctx: Ctx = Depends(api_ctx)) -> CarrierDetail:
    service.save_carrier(ctx.session, actor=ctx.actor, values=_values(body), carrier_id=carrier_id)
    return _out(ctx, carrier_id)


@router.get(
    "/carriers/{carrier_id}/tenants",
    response_model=list[TenantOut],
    responses=NOT_FOUND,
    summary="A carrier's tenants (registry enterprises in incubation, graduated or left)",
)
def list_tenants(carrier_id: CarrierId, ctx: Ctx = Depends(api_ctx)) -> list[TenantOut]:
    carrier = service.get_carrier(ctx.session, actor=ctx.actor, carrier_id=carrier_id)
    return [
        TenantOut(
            enterprise_id=e.id,
            enterprise_name=e.name,
            status=t.status,
            entered_on=t.entered_on,
            graduated_on=t.graduated_on,
            left_on=t.left_on,
        )
        for t, e in service.tenants_of(ctx.session, carrier.id)
    ]


@router.post(
    "/carriers/{carrier_id}/tenants",
    response_model=TenantOut,
    responses=NOT_FOUND,
    summary="Put a registry enterprise in a carrier, or change its status and dates",
)
def save_tenant(carrier_id: CarrierId, body: TenantIn, ctx: Ctx = Depends(api_ctx)) -> TenantOut:
    values = service.TenantValues(
        carrier_id=carrier_id, **body.model_dump(exclude={"status"}), status=body.status.value
    )
    t = service.save_tenant(ctx.session, actor=ctx.actor, values=values, source=f"API {ctx.actor.username}")
    name = next(e.name for tt, e in service.tenants_of(ctx.session, carrier_id) if tt.id == t.id)
    return TenantOut(
        enterprise_id=t.enterprise_id,
        enterprise_name=name,
        status=t.status,
        entered_on=t.entered_on,
        graduated_on=t.graduated_on,
        left_on=t.left_on,
    )


@router.get(
    "/talent",
    response_model=TalentSummary,
    summary="People in talent programmes: counts per district and programme; names only where allowed",
)
def talent_summary(
    programme: TalentProgramme | None = None,
    region_code: RegionQuery = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    ctx: Ctx = Depends(api_ctx),
) -> TalentSummary:
    query = talent.TalentQuery(
        programme=programme.value if programme else "", region_code=region_code or "", year=year
    )
    counts = talent.counts(ctx.session, actor=ctx.actor, query=query)
    return TalentSummary(
        counts=[TalentCount(region_code=r, programme=p, people=n) for (r, p), n in sorted(counts.items())],
        names_visible=talent.sees_names(ctx.actor),
        people=[TalentOut(**p) for p in talent.list_talent(ctx.session, actor=ctx.actor, query=query)],
    )


@router.post(
    "/talent", response_model=TalentOut, status_code=201, summary="Register a person in a talent programme"
)
def create_talent(body: TalentIn, ctx: Ctx = Depends(api_ctx)) -> TalentOut:
    values = talent.TalentValues(
        **body.model_dump(exclude={"programme", "status"}),
        programme=body.programme.value,
        status=body.status.value,
    )
    p = talent.save_talent(ctx.session, actor=ctx.actor, values=values, source=f"API {ctx.actor.username}")
    return TalentOut(**{k: getattr(p, k) for k in TalentOut.model_fields})


@router.get("/talent/apartments", response_model=list[ApartmentOut], summary="Talent apartments (人才公寓)")
def list_apartments(region_code: RegionQuery = None, ctx: Ctx = Depends(api_ctx)) -> list[ApartmentOut]:
    flats = talent.list_apartments(ctx.session, actor=ctx.actor, region_code=region_code or "")
    return [ApartmentOut.of(a) for a in flats]


@router.post(
    "/talent/apartments", response_model=ApartmentOut, status_code=201, summary="Register a talent apartment"
)
def create_apartment(body: ApartmentIn, ctx: Ctx = Depends(api_ctx)) -> ApartmentOut:
    flat = talent.save_apartment(
        ctx.session,
        actor=ctx.actor,
        values=talent.ApartmentValues(**body.model_dump()),
        source=f"API {ctx.actor.username}",
    )
    return ApartmentOut.of(flat)


@router.get("/maps/industry", response_model=MapView, summary="The industry map of a chain (产业地图)")
def industry_map(
    chain_code: Annotated[str | None, Query(max_length=64, description="产业链编号")] = None,
    node_code: Annotated[str | None, Query(max_length=128, description="节点编号")] = None,
    measure: Annotated[
        str, Query(pattern="^(enterprises|revenue|hnte|rd_intensity|coverage)$", description="区县底色")
    ] = "enterprises",
    ctx: Ctx = Depends(api_ctx),
) -> MapView:
    view = views.industry(
        ctx.session, actor=ctx.actor, chain_code=chain_code or "", node_code=node_code or "", measure=measure
    )
    return MapView(**{k: v for k, v in view.items() if k in MapView.model_fields})


@router.get("/maps/carriers", response_model=MapView, summary="The carrier map (科创载体地图)")
def carriers_map(
    kind: CarrierKind | None = None, level: CarrierLevel | None = None, ctx: Ctx = Depends(api_ctx)
) -> MapView:
    view = views.carriers(
        ctx.session, actor=ctx.actor, kind=kind.value if kind else "", level=level.value if level else ""
    )
    return MapView(**{k: v for k, v in view.items() if k in MapView.model_fields})


@router.get("/maps/apartments", response_model=MapView, summary="The talent apartment map (人才公寓地图)")
def apartments_map(ctx: Ctx = Depends(api_ctx)) -> MapView:
    view = views.apartments(ctx.session, actor=ctx.actor)
    return MapView(**{k: v for k, v in view.items() if k in MapView.model_fields})
