from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from kechuang.errors import InvalidInput, Problem
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
from kechuang.web.api_common import COMMON, GUARDS, iso_date_or_none
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
