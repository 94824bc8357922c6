"""Ladder pages: rungs per district, year-over-year transitions, the next-rung list (小升高), exports,
and the enterprise's own self-check with edited figures ("what if", nothing saved)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kechuang.auth.policy import Permission, allowed, require, visible_region
from kechuang.ladder import service, store
from kechuang.ladder.jobs import YEARS_KEPT
from kechuang.ladder.transitions import summary, transitions
from kechuang.ladder.what_if import WHAT_IF_FIELDS, consistency
from kechuang.ladder.xlsx import next_rung_xlsx, transitions_xlsx
from kechuang.regions.service import all_regions
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)
RUNGS = service.RUNGS
SHOWN_MOVES = 200


def _year(text: str) -> int:
    this = date.today().year
    try:
        year = int(text) if text else this
    except ValueError:
        return this
    return year if this - 20 <= year <= this else this


def _check(ctx: Ctx) -> None:
    require(
        ctx.actor,
        Permission.see_ladder,
        "梯度培育总览面向科技局、区县和查看人员；企业请在“本企业”查看资质评估",
    )


def _labels(as_of: date) -> tuple[dict[str, str], dict[str, str]]:
    programmes = service.programmes_on(as_of)
    return (
        {p.doc.programme: p.doc.name for p in programmes},
        {f"{p.doc.programme}.{c.key}": c.label for p in programmes for c in p.criteria},
    )


def _moves(ctx: Ctx, year: int, region: str | None) -> tuple[pl.DataFrame, date]:
    as_of = store.stored(ctx.session, year).as_of
    now = store.results_frame(ctx.session, actor=ctx.actor, year=year, region_code=region, programmes=RUNGS)
    prev = store.results_frame(
        ctx.session, actor=ctx.actor, year=year - 1, region_code=region, programmes=RUNGS
    )
    return transitions(prev, now, _labels(as_of)[1]), as_of


@router.get("/ladder", response_class=HTMLResponse)
def ladder(region: str = "", year: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    _check(ctx)
    y = _year(year)
    moved, as_of = _moves(ctx, y, region or None)
    held = store.stored(ctx.session, y)
    names = {r.code: r.name for r in all_regions(ctx.session)}
    counts = store.rung_counts(ctx.session, actor=ctx.actor, year=y, region_code=region or None)
    now = store.results_frame(
        ctx.session, actor=ctx.actor, year=y, region_code=region or None, programmes=("tech_sme", "hnte")
    )
    pool = service.nearest_to_hnte(now)
    nearest = service.explain_hnte_gaps(ctx.session, actor=ctx.actor, pool=pool.head(50), as_of=as_of)
    shown = moved.head(SHOWN_MOVES)
    who = service.enterprise_names(ctx.session, shown["enterprise_id"].to_list())
    labels = _labels(as_of)[0]
    return render(
        ctx.request,
        "ladder.html",
        counts=counts,
        names=names,
        rungs=RUNGS,
        year=y,
        as_of=as_of,
        region=region,
        run=held.run,
        stale=held.stale,
        can_run=allowed(ctx.actor, Permission.run_jobs),
        years=[date.today().year - i for i in range(YEARS_KEPT)],
        nearest=nearest,
        pool_size=pool.height,
        total=int(counts["enterprises"].sum() or 0),
        labels=labels,
        moves=shown.to_dicts(),
        moved_total=moved.height,
        who=who,
        move_summary=summary(moved).to_dicts(),
        regions=[r for r in all_regions(ctx.session) if r.parent_code and visible_region(ctx.actor, r.code)],
        chart={
            "names": [names.get(c, c) for c in counts["region_code"].to_list()],
            "series": [{"name": p, "data": counts[f"held.{p}"].to_list()} for p in RUNGS],
        },
    )


@router.get("/ladder/next-rung.xlsx")
def next_rung_export(region: str = "", year: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    _check(ctx)
    y = _year(year)
    as_of = store.stored(ctx.session, y).as_of
    now = store.results_frame(
        ctx.session, actor=ctx.actor, year=y, region_code=region or None, programmes=("tech_sme", "hnte")
    )
    rows = service.explain_hnte_gaps(
        ctx.session, actor=ctx.actor, pool=service.nearest_to_hnte(now), as_of=as_of
    )
    return attachment(next_rung_xlsx(rows, as_of), f"小升高名单-{y}.xlsx")


@router.get("/ladder/transitions.xlsx")
def transitions_export(region: str = "", year: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    _check(ctx)
    y = _year(year)
    moved, as_of = _moves(ctx, y, region or None)
    who = service.enterprise_names(ctx.session, moved["enterprise_id"].to_list())
    names = {r.code: r.name for r in all_regions(ctx.session)}
    return attachment(
        transitions_xlsx(moved, who=who, regions=names, programmes=_labels(as_of)[0], year=y),
        f"梯度变化-{y - 1}至{y}.xlsx",
    )


# -- the enterprise's own self-check ("what if"): edited figures, evaluated, never saved -------------


def _what_if_values(form: Any) -> tuple[dict[str, int], list[str]]:
    values: dict[str, int] = {}
    problems: list[str] = []
    for key, label, unit in WHAT_IF_FIELDS:
        raw = str(form.get(key, "") or "").strip().replace(",", "").replace("，", "")
        if not raw:
            continue
        try:
            number = int(raw)
        except ValueError:
            problems.append(f"“{label}”：值“{raw}”不是整数（单位：{unit}）")
            continue
        if number < 0:
            problems.append(f"“{label}”：值 {number} 不能为负数")
            continue
        values[key] = number
    return values, problems


def _self_check_page(
    ctx: Ctx, enterprise_id: int, edited: dict[str, int] | None, problems: list[str], status: int = 200
) -> Response:
    today = date.today()
    ent = service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    current = service.input_frame(ctx.session, actor=ctx.actor, as_of=today, enterprise_ids=[ent.id])
    row = current.row(0, named=True)
    if edited and not problems:
        problems = consistency(edited, row)
        status = 422 if problems else status
    base = service.profile_cards(ctx.session, actor=ctx.actor, enterprise_id=ent.id, as_of=today)
    after = (
        service.profile_cards(
            ctx.session, actor=ctx.actor, enterprise_id=ent.id, as_of=today, overrides=edited
        )
        if edited and not problems
        else None
    )
    return render(
        ctx.request,
        "self_check.html",
        status_code=status,
        ent=ent,
        fields=WHAT_IF_FIELDS,
        current={k: row.get(k) for k, _, _ in WHAT_IF_FIELDS},
        edited=edited or {},
        problems=problems,
        base=base,
        after=after,
        as_of=today,
        figures_year=today.year - 1,
    )


@router.get("/enterprises/{enterprise_id}/self-check", response_class=HTMLResponse)
def self_check(enterprise_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    return _self_check_page(ctx, enterprise_id, None, [])


@router.post("/enterprises/{enterprise_id}/self-check", response_class=HTMLResponse)
async def self_check_run(enterprise_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await request.form()
    values, problems = _what_if_values(form)
    return _self_check_page(ctx, enterprise_id, values, problems, status=422 if problems else 200)
