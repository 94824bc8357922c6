from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from fastapi import APIRouter, Body, Depends, Query

from kechuang.auth.policy import Permission, require
from kechuang.errors import InvalidInput, Problem
from kechuang.ladder import service, store
from kechuang.ladder.schemas import (
    AssessmentOut,
    CardOut,
    LadderOut,
    MoveOut,
    NearestOut,
    RegionRungs,
    RungOut,
    WhatIfIn,
)
from kechuang.ladder.transitions import summary, transitions
from kechuang.ladder.what_if import consistency
from kechuang.rules.assess import (
    COUNTS,
    DIRECT,
    EXPERT_MAX,
    FLAGS,
    IP_FIELDS,
    MONEY,
    SIGNED_YEAR_FIELDS,
    YEAR_FIELDS,
)
from kechuang.rules.io import AssessInputError, assess_records, parse_as_of
from kechuang.units import MAX_FIGURE
from kechuang.web.api_common import (
    COMMON,
    GUARDS,
    MIN_YEAR,
    NOT_FOUND,
    THIS_YEAR,
    EnterpriseId,
    api_number,
    iso_date_or_none,
)
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["assessment"], responses=COMMON, dependencies=GUARDS)

EXAMPLE = {
    "as_of": "2025-06-01",
    "enterprises": [
        {
            "id": "e1",
            "employees": 120,
            "tech_staff": 25,
            "years": {"2024": {"sales_revenue": 48000000, "rd_expense": 2600000}},
        }
    ],
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return _nullable({"type": "object", "properties": properties})


def request_schema() -> dict[str, Any]:
    """The JSON Schema of the body, from the fields ``parse_records`` checks (unknown fields are ignored)."""
    count = _nullable({"type": "integer", "minimum": 0, "maximum": MAX_FIGURE})
    amount = _nullable({"type": "number", "minimum": 0, "maximum": MAX_FIGURE})
    signed = _nullable({"type": "number", "minimum": -MAX_FIGURE, "maximum": MAX_FIGURE})
    flag = _nullable({"type": "boolean"})
    year = {name: signed if name in SIGNED_YEAR_FIELDS else amount for name in YEAR_FIELDS}
    record = {
        "type": "object",
        "description": "one enterprise (contracts/ASSESS.md); every field but `id` may be absent",
        "properties": {
            "registered_on": _nullable({"type": "string", "format": "date"}),
            **{name: count for name in COUNTS},
            **{name: amount for name in MONEY},
            "market_share": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
            "specialized_score": _nullable({"type": "number", "minimum": 0, "maximum": 100}),
            **{name: flag for name in FLAGS},
            "ip": _object({name: count for name in IP_FIELDS}),
            "hnte_expert_scores": _object(
                {
                    k: _nullable({"type": "integer", "minimum": 0, "maximum": top})
                    for k, top in EXPERT_MAX.items()
                }
            ),
            "direct": _object({name: flag for name in DIRECT}),
            "years": _nullable(
                {
                    "type": "object",
                    "propertyNames": {"pattern": "^(19|20)[0-9]{2}$"},
                    "additionalProperties": _object(year),
                }
            ),
        },
    }
    return {
        "type": "object",
        "required": ["enterprises"],
        "properties": {
            "as_of": _nullable({"type": "string", "format": "date", "description": "default: today"}),
            "enterprises": {"type": "array", "items": record},
        },
    }


@router.post(
    "/assess",
    summary="Assess enterprise records against every qualification rule (contracts/ASSESS.md)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": request_schema(), "examples": {"one": {"value": EXAMPLE}}}
            },
        }
    },
)
def assess(body: Any = Body(...), ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    """Body ``{"as_of": "YYYY-MM-DD" (optional), "enterprises": [record, …]}``; answers ``{"results": […]}``,
    one result per record in order. Invalid input: 422 listing every problem (record index and field)."""
    if not isinstance(body, dict) or not isinstance(body.get("enterprises"), list):
        raise InvalidInput(
            [
                Problem(
                    "enterprises",
                    '请求体应为 {"as_of": …, "enterprises": [记录, …]}',
                    type(body.get("enterprises") if isinstance(body, dict) else body).__name__,
                )
            ]
        )
    as_of = iso_date_or_none(body.get("as_of"), "as_of")  # the API takes YYYY-MM-DD or nothing
    try:
        day = parse_as_of(as_of.isoformat() if as_of else None)
        return {"results": assess_records(body["enterprises"], day)}
    except AssessInputError as exc:
        raise InvalidInput(exc.problems or [Problem("as_of", line) for line in exc.lines]) from None


def _year(year: int | None) -> int:
    return year or date.today().year


@router.get(
    "/ladder", response_model=LadderOut, summary="The cultivation ladder: rungs per district, moves, 小升高"
)
def ladder(
    year: int | None = Query(None, ge=MIN_YEAR, le=THIS_YEAR, description="default: this year"),
    region: str = Query("", max_length=12, description="one region and the regions under it"),
    ctx: Ctx = Depends(api_ctx),
) -> LadderOut:
    """What the /ladder page shows, from the stored assessments (GET never recomputes)."""
    require(ctx.actor, Permission.see_ladder, "梯度培育总览面向科技局、区县和查看人员")
    y, where = _year(year), region or None
    held = store.stored(ctx.session, y)
    counts = store.rung_counts(ctx.session, actor=ctx.actor, year=y, region_code=where)
    now = store.results_frame(
        ctx.session, actor=ctx.actor, year=y, region_code=where, programmes=service.RUNGS
    )
    prev = store.results_frame(
        ctx.session, actor=ctx.actor, year=y - 1, region_code=where, programmes=service.RUNGS
    )
    labels = {
        f"{p.doc.programme}.{c.key}": c.label for p in service.programmes_on(held.as_of) for c in p.criteria
    }
    moved = transitions(prev, now, labels)
    pool = service.nearest_to_hnte(now.filter(pl.col("programme").is_in(["tech_sme", "hnte"])))
    nearest = service.explain_hnte_gaps(ctx.session, actor=ctx.actor, pool=pool.head(50), as_of=held.as_of)
    shown = moved.head(200)
    who = service.enterprise_names(ctx.session, shown["enterprise_id"].to_list())
    return LadderOut(
        year=y,
        as_of=held.as_of,
        computed_at=held.run.computed_at if held.run else None,
        stale=held.stale,
        rules=held.run.rules if held.run else {},
        regions=[
            RegionRungs(
                region_code=r["region_code"],
                enterprises=r["enterprises"],
                rungs={
                    p: RungOut(held=r[f"held.{p}"], met=r[f"met.{p}"], unknown=r[f"unknown.{p}"])
                    for p in service.RUNGS
                    if f"held.{p}" in r
                },
            )
            for r in counts.iter_rows(named=True)
        ],
        nearest_hnte=[NearestOut(**{**n, "gap": api_number(n["gap"])}) for n in nearest],
        nearest_total=pool.height,
        moves=[
            MoveOut(
                enterprise_id=m["enterprise_id"],
                name=who.get(m["enterprise_id"], ("", ""))[0],
                region_code=m["region_code"],
                programme=m["programme"],
                movement=m["movement"],
                reasons=m["reasons"] or "",
            )
            for m in shown.iter_rows(named=True)
        ],
        moves_total=moved.height,
        move_summary=summary(moved).to_dicts(),
    )


@router.get(
    "/enterprises/{enterprise_id}/assessment",
    response_model=AssessmentOut,
    responses=NOT_FOUND,
    summary="One enterprise against every qualification programme today (the self-check page)",
)
def enterprise_assessment(enterprise_id: EnterpriseId, ctx: Ctx = Depends(api_ctx)) -> AssessmentOut:
    today = date.today()
    cards = service.profile_cards(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id, as_of=today)
    return AssessmentOut(
        enterprise_id=enterprise_id, as_of=today, cards=[_card(c) for c in cards], what_if=None
    )


@router.post(
    "/enterprises/{enterprise_id}/self-check",
    response_model=AssessmentOut,
    responses=NOT_FOUND,
    summary="What if: the enterprise's assessment with some figures changed (nothing is saved)",
)
def self_check(enterprise_id: EnterpriseId, body: WhatIfIn, ctx: Ctx = Depends(api_ctx)) -> AssessmentOut:
    """Keys as on the self-check page; edited figures must stay coherent (e.g. tech staff ≤ employees)."""
    today = date.today()
    edited = body.values.edited()
    ent = service.get_enterprise(ctx.session, actor=ctx.actor, enterprise_id=enterprise_id)
    current = service.input_frame(ctx.session, actor=ctx.actor, as_of=today, enterprise_ids=[ent.id])
    incoherent = consistency(edited, current.row(0, named=True))
    if incoherent:
        raise InvalidInput([Problem("values", text) for text in incoherent])
    base = service.profile_cards(ctx.session, actor=ctx.actor, enterprise_id=ent.id, as_of=today)
    after = service.profile_cards(
        ctx.session, actor=ctx.actor, enterprise_id=ent.id, as_of=today, overrides=edited
    )
    return AssessmentOut(
        enterprise_id=ent.id, as_of=today, cards=[_card(c) for c in base], what_if=[_card(c) for c in after]
    )


def _card(card: service.Card) -> CardOut:
    return CardOut(programme=card.programme, held=card.held, result=card.result)
