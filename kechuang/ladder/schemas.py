"""The ladder API's shapes: the rungs per district with transitions and the next-rung list, and one
enterprise's assessment cards (with a "what if")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kechuang.units import MAX_FIGURE
from kechuang.web.api_common import Integral, StrictInt, UtcDateTime


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


Figure = Annotated[Annotated[StrictInt, Field(ge=0, le=MAX_FIGURE)] | None, Integral]


class WhatIfValues(BaseModel):
    """The figures a self-check may change (the keys of ``ladder.what_if.WHAT_IF_FIELDS``)."""

    model_config = ConfigDict(extra="forbid")

    employees: Figure = Field(None, description="职工总数（人）")
    tech_staff: Figure = Field(None, description="科技人员数（人）")
    y0_operating_revenue: Figure = Field(None, alias="y0.operating_revenue", description="上年营业收入（元）")
    y0_sales_revenue: Figure = Field(None, alias="y0.sales_revenue", description="上年销售收入（元）")
    y0_rd_expense: Figure = Field(None, alias="y0.rd_expense", description="上年研发费用（元）")
    y0_rd_expense_domestic: Figure = Field(
        None, alias="y0.rd_expense_domestic", description="上年境内研发费用（元）"
    )
    y0_high_tech_revenue: Figure = Field(
        None, alias="y0.high_tech_revenue", description="上年高新技术产品（服务）收入（元）"
    )
    y1_rd_expense: Figure = Field(None, alias="y1.rd_expense", description="前年研发费用（元）")
    y2_rd_expense: Figure = Field(None, alias="y2.rd_expense", description="大前年研发费用（元）")
    ip_class_i: Figure = Field(None, alias="ip.class_i", description="Ⅰ类知识产权（件）")
    ip_class_ii: Figure = Field(None, alias="ip.class_ii", description="Ⅱ类知识产权（件）")

    def edited(self) -> dict[str, int]:
        """The figures given, keyed as the self-check page keys them (``y0.rd_expense`` …)."""
        return {k: v for k, v in self.model_dump(by_alias=True).items() if v is not None}


class WhatIfIn(BaseModel):
    """Figures to try instead of the registered ones."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"values": {"y0.rd_expense": 3200000, "ip.class_i": 2}}]},
    )

    values: WhatIfValues
