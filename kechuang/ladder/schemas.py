"""The ladder API's shapes: the rungs per district with transitions and the next-rung list, and one
enterprise's assessment cards (with a "what if")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kechuang.units import MAX_FIGURE
from kechuang.web.api_common import StrictInt, UtcDateTime


class RungOut(BaseModel):
    held: int = Field(description="enterprises holding the title")
    met: int = Field(description="enterprises the rules find met")
    unknown: int = Field(description="enterprises the rules cannot decide (data missing)")


class RegionRungs(BaseModel):
    region_code: str
    enterprises: int
    rungs: dict[str, RungOut] = Field(description="per programme: tech_sme, innovative_sme, hnte, …")


class NearestOut(BaseModel):
    enterprise_id: int
    uscc: str
    name: str
    region_code: str
    failed: int = Field(description="HNTE criteria not met")
    unknown: int = Field(description="HNTE criteria that lack data")
    gap: float | None = Field(description="how far from meeting them (smaller is nearer)")
    gaps: list[str] = Field(description="what is missing, in Chinese (e.g. 研发费用占比还差 0.6 个百分点)")
    missing: list[str] = Field(description="the criteria lacking data")


class MoveOut(BaseModel):
    enterprise_id: int
    name: str
    region_code: str
    programme: str
    movement: str = Field(description="up | down")
    reasons: str


class LadderOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2026,
                    "as_of": "2026-12-07",
                    "computed_at": None,
                    "stale": True,
                    "rules": {},
                    "regions": [],
                    "nearest_hnte": [],
                    "nearest_total": 0,
                    "moves": [],
                    "moves_total": 0,
                    "move_summary": [],
                }
            ]
        }
    )

    year: int
    as_of: date
    computed_at: UtcDateTime | None = Field(
        description="null: not computed yet (the ladder_refresh job will)"
    )
    stale: bool = Field(description="the registry or the rules changed since: the job will recompute")
    rules: dict[str, Any] = Field(description="per programme: the rule document, version and file used")
    regions: list[RegionRungs]
    nearest_hnte: list[NearestOut] = Field(description="小升高: the 50 tech SMEs nearest to HNTE, with gaps")
    nearest_total: int
    moves: list[MoveOut] = Field(description="enterprises that moved a rung since last year (first 200)")
    moves_total: int
    move_summary: list[dict[str, Any]] = Field(description="moves counted per programme and direction")


class CardOut(BaseModel):
    programme: str
    held: bool = Field(description="the enterprise holds the title today")
    result: dict[str, Any] = Field(
        description="the rule engine's result (contracts/ASSESS.md): status, criteria, gaps, rule document and version"
    )


class AssessmentOut(BaseModel):
    enterprise_id: int
    as_of: date
    cards: list[CardOut]
    what_if: list[CardOut] | None = Field(
        None, description="the same with the edited figures (nothing saved)"
    )


WhatIfKey = Annotated[
    str, StringConstraints(pattern=r"^(employees|tech_staff|y[012]\.[a-z_]+|ip\.class_ii?)$")
]


class WhatIfIn(BaseModel):
    """Figures to try instead of the registered ones (keys as on the self-check page)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"values": {"y0.rd_expense": 3200000, "ip.class_i": 2}}]},
    )

    values: dict[WhatIfKey, Annotated[StrictInt, Field(ge=0, le=MAX_FIGURE)]] = Field(
        max_length=20, description="employees, tech_staff, y0.operating_revenue, y0.rd_expense, ip.class_i …"
    )
