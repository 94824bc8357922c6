"""Atlas pages: the overview (clusters × chains with coverage lights), a chain's graph in three stage
lanes with its 补链 / chokepoint / 延链 lists, a node's panel, the chain comparison, and the bureau's
maintenance page (download and upload the atlas, yearly snapshots). Thin: the work is in ``service``."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, require, require_region, visible_region
from kechuang.chains import document, links, service
from kechuang.chains.analysis import LEVEL_LABELS, STAGES, Analysis
from kechuang.chains.document import KIND_LABELS, STAGE_LABELS, SUPPLY_LABELS
from kechuang.choices import Coverage, LinkRole
from kechuang.errors import NotFound
from kechuang.regions.service import all_regions, region_names
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render
from kechuang.web.uploads import import_upload
from kechuang.workbook import Table, write_tables

router = APIRouter(include_in_schema=False)
ROLE_LABELS = LinkRole.labels()
LINK_LABELS = {"carrier": "创新载体", "project": "项目", "talent": "人才"}
LIGHT_LABELS = Coverage.labels()
LANE_X = {"upstream": 0, "midstream": 360, "downstream": 720}


def _region(ctx: Ctx, region: str) -> str | None:
    if not region:
        return None
    require_region(ctx.actor, region)
    return region


def _regions(ctx: Ctx) -> list[Any]:
    return [r for r in all_regions(ctx.session) if r.parent_code and visible_region(ctx.actor, r.code)]


def _chain_rows(result: Analysis, ctx: Ctx) -> dict[int, dict[str, Any]]:
    return {r["chain_id"]: r for r in result.chains.iter_rows(named=True)}


@router.get("/atlas", response_class=HTMLResponse)
def overview(region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_reader(ctx.actor)
    code = _region(ctx, region)
    pairs = service.chains(ctx.session)
    if not pairs:
        return render(ctx.request, "atlas/empty.html")
    result = service.analyse(ctx.session, actor=ctx.actor, region_code=code)
    rows = _chain_rows(result, ctx)
    clusters: dict[int, dict[str, Any]] = {}
    for chain, cluster in pairs:
        entry = clusters.setdefault(cluster.id, {"cluster": cluster, "chains": []})
        entry["chains"].append({"chain": chain, **rows.get(chain.id, {})})
    totals = {
        "chains": len(pairs),
        "nodes": int(result.chains["nodes"].sum()),
        "present": int(result.chains["present_nodes"].sum()),
        "fill": result.fill.height,
        "open_chokepoints": int(result.chokepoints["open"].sum()),
    }
    return render(
        ctx.request,
        "atlas/overview.html",
        clusters=list(clusters.values()),
        region=region,
        regions=_regions(ctx),
        totals=totals,
        lights=LIGHT_LABELS,
        params=result.params,
    )


def _graph(structure: dict[str, Any], metrics: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Cytoscape elements with preset positions: one lane per stage, sub-nodes indented under parents."""
    nodes = structure["nodes"]
    children: dict[int, list[Any]] = {}
    for n in nodes:
        if n.parent_id:
            children.setdefault(n.parent_id, []).append(n)
    elements: list[dict[str, Any]] = [
        {
            "data": {"id": f"lane-{s}", "label": STAGE_LABELS[s], "lane": 1},
            "position": {"x": LANE_X[s], "y": 0},
            "classes": "lane",
            "selectable": False,
            "grabbable": False,
        }
        for s in STAGES
    ]
    for stage in STAGES:
        y = 80
        for n in (n for n in nodes if n.stage == stage and not n.parent_id):
            for k, node in enumerate([n, *children.get(n.id, [])]):
                m = metrics.get(node.id, {})
                elements.append(
                    {
                        "data": {
                            "id": str(node.id),
                            "label": node.name,
                            "level": m.get("level", "missing"),
                            "enterprises": m.get("enterprises", 0),
                            "sub": 1 if k else 0,
                        },
                        "position": {"x": LANE_X[stage] + (40 if k else 0), "y": y},
                    }
                )
                y += 56 if k else 64
    for e in structure["edges"]:
        elements.append(
            {"data": {"id": f"e{e.id}", "source": str(e.src_id), "target": str(e.dst_id), "weight": e.weight}}
        )
    return {"elements": elements}


@router.get("/atlas/chains/{code}", response_class=HTMLResponse)
def chain_view(code: str, region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_reader(ctx.actor)
    region_code = _region(ctx, region)
    chain = service.get_chain(ctx.session, code)
    structure = service.chain_structure(ctx.session, chain)
    result = service.analyse(ctx.session, actor=ctx.actor, region_code=region_code, chain_id=chain.id)
    metrics = {r["node_id"]: r for r in result.metrics.iter_rows(named=True)}
    summary = result.chains.row(0, named=True) if result.chains.height else {}
    names = {n.id: n.name for n in structure["nodes"]}
    stage_counts = {s: sum(1 for n in structure["nodes"] if n.stage == s and not n.parent_id) for s in STAGES}
    return render(
        ctx.request,
        "atlas/chain.html",
        chain=chain,
        cluster=structure["cluster"],
        region=region,
        regions=_regions(ctx),
        summary=summary,
        graph=_graph(structure, metrics),
        metrics=metrics,
        nodes=structure["nodes"],
        items=structure["items"],
        names=names,
        stage_counts=stage_counts,
        fill=result.fill.to_dicts(),
        chokepoints=result.chokepoints.to_dicts(),
        extend=result.extend.to_dicts(),
        stages=STAGE_LABELS,
        levels=LEVEL_LABELS,
        kinds=KIND_LABELS,
        supplies=SUPPLY_LABELS,
        lights=LIGHT_LABELS,
        params=result.params,
    )


@router.get("/atlas/nodes/{node_id}", response_class=HTMLResponse)
def node_panel(node_id: int, region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    detail = service.node_detail(
        ctx.session, actor=ctx.actor, node_id=node_id, region_code=_region(ctx, region)
    )
    partial = ctx.request.headers.get("HX-Request") == "true"
    return render(
        ctx.request,
        "atlas/node_panel.html" if partial else "atlas/node.html",
        d=detail,
        roles=ROLE_LABELS,
        links=LINK_LABELS,
        kinds=KIND_LABELS,
        supplies=SUPPLY_LABELS,
        stages=STAGE_LABELS,
        names=region_names(ctx.session),
    )


def _write(book: list[Table], title: str, headers: list[str], rows: list[list[Any]]) -> None:
    book.append(Table(title, headers, rows))


@router.get("/atlas/chains/{code}/gaps.xlsx")
def gaps_export(code: str, region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_reader(ctx.actor)
    region_code = _region(ctx, region)
    chain = service.get_chain(ctx.session, code)
    result = service.analyse(ctx.session, actor=ctx.actor, region_code=region_code, chain_id=chain.id)
    book: list[Table] = []
    _write(
        book,
        "补链清单",
        ["排序", "节点", "环节", "状态", "本地企业", "高企", "依赖该环节的本地下游需求（元）"],
        [
            [
                r["rank"],
                r["name"],
                STAGE_LABELS[r["stage"]],
                LEVEL_LABELS[r["level"]],
                r["enterprises"],
                r["hnte"],
                round(r["demand"]),
            ]
            for r in result.fill.iter_rows(named=True)
        ],
    )
    _write(
        book,
        "卡脖子清单",
        ["节点", "类型", "名称", "卡脖子", "供应来源", "本地攻关项目数", "状态"],
        [
            [
                r["node_name"],
                KIND_LABELS[r["kind"]],
                r["name"],
                "是" if r["chokepoint"] else "否",
                SUPPLY_LABELS[r["supply"]],
                r["projects"],
                "无本地项目" if r["open"] else "已有项目",
            ]
            for r in result.chokepoints.iter_rows(named=True)
        ],
    )
    _write(
        book,
        "延链建议",
        ["节点", "环节", "上游优势环节", "上游优势环节本地营收（元）"],
        [
            [r["name"], STAGE_LABELS[r["stage"]], "、".join(r["from"]), round(r["from_revenue"])]
            for r in result.extend.iter_rows(named=True)
        ],
    )
    where = region_names(ctx.session).get(region_code or "", "全市")
    note = f"{chain.name}产业链 · {where} · {date.today().isoformat()} · kechuang 计算，依据登记库中的企业与节点关联"
    book.append(Table("说明", [note], [], width=90))
    return attachment(write_tables(book), f"{chain.name}-补链卡脖子延链-{where}.xlsx")


COMPARE_COLUMNS = (
    ("nodes", "节点数"),
    ("coverage", "覆盖率"),
    ("enterprises", "本地企业"),
    ("hnte", "高企"),
    ("leaders", "链主"),
    ("revenue", "本地营收（元）"),
    ("rd_intensity", "研发强度"),
    ("hhi", "集中度 HHI"),
    ("cr3", "前三企业营收占比"),
    ("missing_nodes", "缺失节点"),
    ("weak_nodes", "薄弱节点"),
    ("strength", "强链指数"),
)
COMPONENTS = (
    ("s_coverage", "覆盖"),
    ("s_scale", "规模"),
    ("s_innovation", "创新"),
    ("s_leadership", "链主引领"),
)


def _comparison(ctx: Ctx, region_code: str | None) -> list[dict[str, Any]]:
    result = service.analyse(ctx.session, actor=ctx.actor, region_code=region_code)
    rows = _chain_rows(result, ctx)
    out = []
    for chain, cluster in service.chains(ctx.session):
        out.append({"chain": chain, "cluster": cluster, **rows.get(chain.id, {})})
    return sorted(out, key=lambda r: -(r.get("strength") or 0))


@router.get("/atlas/compare", response_class=HTMLResponse)
def compare(region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_reader(ctx.actor)
    rows = _comparison(ctx, _region(ctx, region))
    chart = {
        "names": [r["chain"].name for r in reversed(rows)],
        "series": [
            {"name": label, "data": [round(r.get(k) or 0, 1) for r in reversed(rows)]}
            for k, label in COMPONENTS
        ],
    }
    return render(
        ctx.request,
        "atlas/compare.html",
        rows=rows,
        chart=chart,
        region=region,
        regions=_regions(ctx),
        components=COMPONENTS,
        lights=LIGHT_LABELS,
        params=service.analysis.DEFAULT_PARAMS,
    )


@router.get("/atlas/compare.xlsx")
def compare_export(region: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_reader(ctx.actor)
    rows = _comparison(ctx, _region(ctx, region))
    book: list[Table] = []
    _write(
        book,
        "产业链对比",
        ["产业链", "所属集群", *(h for _, h in COMPARE_COLUMNS), *(f"强链指数-{h}" for _, h in COMPONENTS)],
        [
            [
                r["chain"].name,
                r["cluster"].name,
                *(r.get(k) for k, _ in COMPARE_COLUMNS),
                *(r.get(k) for k, _ in COMPONENTS),
            ]
            for r in rows
        ],
    )
    return attachment(write_tables(book), "产业链对比.xlsx")


# -- maintenance (the city bureau) ---------------------------------------------------------------------


def _admin(ctx: Ctx) -> None:
    require(ctx.actor, Permission.edit_atlas, "只有市科技局管理员可以维护产业科创图谱")


@router.get("/atlas/manage", response_class=HTMLResponse)
def manage(ctx: Ctx = Depends(page_ctx)) -> Response:
    _admin(ctx)
    return render(
        ctx.request,
        "atlas/manage.html",
        snapshots=service.snapshots(ctx.session),
        year=date.today().year,
        problems=[],
        loaded=ctx.request.query_params.get("loaded", ""),
    )


@router.get("/atlas/atlas.{fmt}")
def atlas_download(fmt: str, ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_reader(ctx.actor)
    doc = service.export_document(ctx.session)
    if fmt == "json":
        return attachment(document.to_json(doc), "产业科创图谱.json", "application/json")
    if fmt == "xlsx":
        return attachment(document.to_xlsx(doc), "产业科创图谱.xlsx")
    raise NotFound("只支持 .json 或 .xlsx")


@router.post("/atlas/upload", response_class=HTMLResponse)
async def atlas_upload(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    _admin(ctx)

    def run(content: bytes, filename: str) -> service.LoadResult:
        doc = document.read_document(content, filename)
        return service.load_document(ctx.session, actor=ctx.actor, doc=doc, file=filename)

    return await import_upload(
        request,
        ctx,
        run=run,
        done="/atlas/manage",
        missing="请选择要上传的图谱文件（.xlsx 或 .json）",
        page=lambda problems: render(
            ctx.request,
            "atlas/manage.html",
            status_code=422,
            snapshots=service.snapshots(ctx.session),
            year=date.today().year,
            problems=problems,
            loaded="",
        ),
    )


@router.post("/atlas/snapshots", response_class=HTMLResponse)
async def snapshot_take(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    _admin(ctx)
    form = await request.form()
    try:
        year = int(str(form.get("year", "")))
    except ValueError:
        year = 0
    if not 2000 <= year <= date.today().year + 1:
        return render(
            ctx.request,
            "atlas/manage.html",
            status_code=422,
            snapshots=service.snapshots(ctx.session),
            year=date.today().year,
            loaded="",
            problems=[f"年度“{form.get('year', '')}”无效，应为 2000 至 {date.today().year + 1} 之间的年份"],
        )
    service.take_snapshot(ctx.session, actor=ctx.actor, year=year)
    return RedirectResponse("/atlas/manage", status_code=303)


@router.get("/atlas/snapshots/{year}.json")
def snapshot_download(year: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    require(
        ctx.actor, Permission.download_atlas_snapshot, "图谱快照含全市汇总数据，仅市科技局和只读账号可下载"
    )
    snap = next((s for s in service.snapshots(ctx.session) if s.year == year), None)
    if snap is None:
        raise NotFound(f"{year} 年没有图谱快照")
    return attachment(
        json.dumps(snap.content, ensure_ascii=False, indent=1, default=str).encode(),
        f"产业科创图谱快照-{year}.json",
        "application/json",
    )


@router.get("/atlas/links", response_class=HTMLResponse)
def links_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    _link_editor(ctx)
    return render(
        ctx.request,
        "atlas/links.html",
        problems=[],
        loaded=ctx.request.query_params.get("loaded", ""),
        count=len(links.visible_links(ctx.session, ctx.actor)),
    )


def _link_editor(ctx: Ctx) -> None:
    require(ctx.actor, Permission.edit_links, "企业与产业链节点的关联由市科技局和区县维护")


@router.get("/atlas/links.xlsx")
def links_download(ctx: Ctx = Depends(page_ctx)) -> Response:
    _link_editor(ctx)
    return attachment(links.links_xlsx(ctx.session, actor=ctx.actor), "企业与产业链节点关联.xlsx")


@router.post("/atlas/links", response_class=HTMLResponse)
async def links_upload(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    _link_editor(ctx)
    return await import_upload(
        request,
        ctx,
        run=lambda content, filename: links.import_links(
            ctx.session, actor=ctx.actor, content=content, filename=filename
        ),
        done="/atlas/links",
        missing="请选择要上传的关联文件（.xlsx）",
        page=lambda problems: render(
            ctx.request,
            "atlas/links.html",
            status_code=422,
            problems=problems,
            loaded="",
            count=len(links.visible_links(ctx.session, ctx.actor)),
        ),
    )
