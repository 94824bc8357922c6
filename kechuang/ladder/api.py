from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from kechuang.errors import InvalidInput, Problem
from kechuang.rules.io import AssessInputError, assess_records, parse_as_of
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["assessment"])

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


@router.post(
    "/assess", summary="Assess enterprise records against every qualification rule (contracts/ASSESS.md)"
)
def assess(body: Any = Body(..., examples=[EXAMPLE]), ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
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
    try:
        day = parse_as_of(body.get("as_of"))
        return {"results": assess_records(body["enterprises"], day)}
    except AssessInputError as exc:
        raise InvalidInput(exc.problems or [Problem("as_of", line) for line in exc.lines]) from None
