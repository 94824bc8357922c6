"""Atlas API: the chains with coverage, one chain's structure, one chain's analysis (scoped)."""

from __future__ import annotations

from typing import Any

import polars as pl
from fastapi import APIRouter, Depends, Path, Query

from kechuang.auth.policy import Permission, require, require_region
from kechuang.chains import links, service
from kechuang.chains.analysis import STAGES, Analysis
from kechuang.chains.schemas import (
    ChainAnalysis,
    ChainList,
    ChainStructure,
    EnterpriseRef,
    LinkOut,
    LinkPage,
    SnapshotDetail,
    SnapshotIn,
    SnapshotOut,
)
from kechuang.errors import NotFound
from kechuang.web.api_common import COMMON, GUARDS, MAX_ID, NOT_FOUND, THIS_YEAR, PageNo, PageSize, api_number
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["atlas"], responses=COMMON, dependencies=GUARDS)
REGION = Query(
    "",
    max_length=12,
    description="a region code: only links in that region and below (default: all the caller may see)",
)
STRENGTH_PARTS = ("s_coverage", "s_scale", "s_innovation", "s_leadership")
CHAIN = Path(min_length=1, max_length=64, description="a chain's id (code), e.g. integrated_circuits")


def _region(ctx: Ctx, region: str) -> str | None:
    require_region(ctx.actor, region)
    return region or None


def _records(frame: pl.DataFrame, drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{k: api_number(v) for k, v in r.items() if k not in drop} for r in frame.iter_rows(named=True)]


@router.get(
    "/chains",
    summary="Every chain with its cluster, node count per stage, coverage and strength (the comparison)",
    response_model=ChainList,
)
def list_chains(region: str = REGION, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    result = service.analyse(ctx.session, actor=ctx.actor, region_code=_region(ctx, region))
    rows = {r["chain_id"]: r for r in result.chains.iter_rows(named=True)}
    items = []
    for chain, cluster in service.chains(ctx.session):
        r = rows.get(chain.id, {})
        items.append(
            {
                "id": chain.code,
                "name": chain.name,
                "name_en": chain.name_en,
                "aliases": service.split_codes(chain.aliases),
                "cluster": {"id": cluster.code, "name": cluster.name},
                "nodes": {s: int(r.get(f"nodes_{s}") or 0) for s in STAGES},
                "coverage": api_number(r.get("coverage") or 0.0),
                "light": r.get("light", "red"),
                "enterprises": int(r.get("enterprises") or 0),
                "strength": api_number(r.get("strength") or 0.0),
                "strength_components": {k[2:]: api_number(r.get(k) or 0.0) for k in STRENGTH_PARTS},
            }
        )
    return {"items": items, "total": len(items), "region": region or None}


@router.get(
    "/chains/{chain_id}",
    summary="One chain's structure: nodes (with stage and key items) and edges",
    response_model=ChainStructure,
    responses=NOT_FOUND,
)
def get_chain(chain_id: str = CHAIN, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    chain = service.get_chain(ctx.session, chain_id)
    s = service.chain_structure(ctx.session, chain)
    code = {n.id: n.code for n in s["nodes"]}
    cluster = s["cluster"]
    return {
        "id": chain.code,
        "name": chain.name,
        "name_en": chain.name_en,
        "aliases": service.split_codes(chain.aliases),
        "cluster": {"id": cluster.code, "name": cluster.name},
        "nodes": [
            {
                "id": n.code,
                "name": n.name,
                "name_en": n.name_en,
                "stage": n.stage,
                "parent": code.get(n.parent_id) if n.parent_id else None,
                "industry_codes": service.split_codes(n.industry_codes),
                "keywords": service.split_codes(n.keywords),
                "items": [
                    {"kind": i.kind, "name": i.name, "chokepoint": i.chokepoint, "supply": i.supply}
                    for i in s["items"].get(n.id, [])
                ],
            }
            for n in s["nodes"]
        ],
        "edges": [{"from": code[e.src_id], "to": code[e.dst_id], "weight": e.weight} for e in s["edges"]],
    }


def analysis_body(result: Analysis, codes: dict[int, str]) -> dict[str, Any]:
    chain = result.chains.row(0, named=True) if result.chains.height else {}
    node_code = pl.col("node_id").replace_strict(codes, default=None, return_dtype=pl.String).alias("node")
    metrics = result.metrics.with_columns(node_code)
    return {
        "coverage": api_number(chain.get("coverage", 0.0)),
        "light": chain.get("light", "red"),
        "strength": {
            "score": api_number(chain.get("strength", 0.0)),
            "components": {k[2:]: api_number(chain.get(k, 0.0)) for k in STRENGTH_PARTS},
        },
        "concentration": {"hhi": api_number(chain.get("hhi")), "cr3": api_number(chain.get("cr3"))},
        "enterprises": int(chain.get("enterprises", 0)),
        "hnte": int(chain.get("hnte", 0)),
        "leaders": int(chain.get("leaders", 0)),
        "revenue": api_number(chain.get("revenue", 0.0)),
        "rd_intensity": api_number(chain.get("rd_intensity", 0.0)),
        "nodes": _records(metrics.drop("parent_id", "chain_id"), ("node_id",)),
        "gaps": _records(
            result.fill.with_columns(node_code).select(
                "rank", "node", "name", "stage", "level", "enterprises", "hnte", "demand"
            )
        ),
        "chokepoints": _records(
            result.chokepoints.with_columns(node_code).select(
                "node", "node_name", "kind", "name", "chokepoint", "supply", "projects", "open"
            )
        ),
        "extend": _records(
            result.extend.with_columns(node_code).select("node", "name", "stage", "from", "weight")
        ),
        "params": {
            "weak_enterprises": result.params.weak_enterprises,
            "strong_enterprises": result.params.strong_enterprises,
        },
    }


@router.get(
    "/chains/{chain_id}/analysis",
    summary="One chain's analysis: coverage, strength, gaps, chokepoints",
    response_model=ChainAnalysis,
    responses=NOT_FOUND,
)
def chain_analysis(
    chain_id: str = CHAIN, region: str = REGION, ctx: Ctx = Depends(api_ctx)
) -> dict[str, Any]:
    chain = service.get_chain(ctx.session, chain_id)
    result = service.analyse(
        ctx.session, actor=ctx.actor, region_code=_region(ctx, region), chain_id=chain.id
    )
    codes = {n.id: n.code for n in service.chain_structure(ctx.session, chain)["nodes"]}
    return {"id": chain.code, "name": chain.name, "region": region or None, **analysis_body(result, codes)}


@router.get(
    "/atlas/links",
    summary="The enterprises placed on chain nodes (the caller's scope), filtered and paginated",
    response_model=LinkPage,
)
def list_links(
    chain: str = Query("", max_length=64, description="a chain's id (code)"),
    enterprise_id: int | None = Query(None, ge=1, le=MAX_ID, description="one enterprise's links"),
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> LinkPage:
    """Links are written by the links workbook (`POST /api/v1/workbooks/links`), as on the page."""
    result = links.links_page(
        ctx.session, actor=ctx.actor, chain=chain, enterprise_id=enterprise_id, page=page, page_size=page_size
    )
    items = [
        LinkOut(
            id=link.id,
            enterprise=EnterpriseRef(id=ent.id, name=ent.name),
            chain=chain_.code,
            node=node.code,
            node_name=node.name,
            role=link.role,
            main_product=link.main_product,
            revenue_share=link.revenue_share,
            region_code=link.region_code,
            valid_from=link.valid_from,
            valid_until=link.valid_until,
            source=link.source,
        )
        for link, ent, node, chain_ in result.items
    ]
    return LinkPage(items=items, total=result.total, page=result.page, page_size=result.page_size)


def _snapshot_reader(ctx: Ctx) -> None:
    require(
        ctx.actor, Permission.download_atlas_snapshot, "图谱快照含全市汇总数据，仅市科技局和只读账号可下载"
    )


@router.get("/atlas/snapshots", summary="The yearly atlas snapshots kept", response_model=list[SnapshotOut])
def list_snapshots(ctx: Ctx = Depends(api_ctx)) -> list[SnapshotOut]:
    _snapshot_reader(ctx)
    return [
        SnapshotOut(year=s.year, taken_by=s.taken_by, taken_at=s.taken_at)
        for s in service.snapshots(ctx.session)
    ]


@router.post(
    "/atlas/snapshots",
    summary="Keep the atlas as it stands now as the snapshot of a year (replacing that year's)",
    response_model=SnapshotOut,
    status_code=201,
)
def take_snapshot(body: SnapshotIn, ctx: Ctx = Depends(api_ctx)) -> SnapshotOut:
    snap = service.take_snapshot(ctx.session, actor=ctx.actor, year=body.year)
    return SnapshotOut(year=snap.year, taken_by=snap.taken_by, taken_at=snap.taken_at)


@router.get(
    "/atlas/snapshots/{year}",
    summary="One year's atlas snapshot: structure, links and analysis as they stood",
    response_model=SnapshotDetail,
    responses=NOT_FOUND,
)
def get_snapshot(
    year: int = Path(ge=2000, le=THIS_YEAR + 1, description="the snapshot's year"),
    ctx: Ctx = Depends(api_ctx),
) -> SnapshotDetail:
    _snapshot_reader(ctx)
    snap = next((s for s in service.snapshots(ctx.session) if s.year == year), None)
    if snap is None:
        raise NotFound(f"{year} 年没有图谱快照")
    return SnapshotDetail(
        year=snap.year, taken_by=snap.taken_by, taken_at=snap.taken_at, content=snap.content
    )
