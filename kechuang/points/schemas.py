"""The points API's shapes: one page of the stored ranking, and the methodology in force."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from kechuang.web.api_common import UtcDateTime


class RankedOut(BaseModel):
    rank: int
    rank_p05: int = Field(
        description="the rank interval's lower end under weight perturbations (5th percentile)"
    )
    rank_p95: int
    rank_stable: bool = Field(description="the rank holds under the perturbations")
    enterprise_id: int
    name: str
    uscc: str
    region_code: str
    stage: str = Field(description="startup | growth | mature (初创期 / 成长期 / 稳定期)")
    stage_reason: str
    stage_rank: int
    total: float = Field(description="the points, 0–100")
    groups: dict[str, float] = Field(
        description="points per group: tech_innovation, growth_operation, auxiliary"
    )
    scores: dict[str, float | None] = Field(
        description="normalised score per indicator id, 0–1 (null: no value)"
    )
    strengths: list[str]
    weaknesses: list[str]


class RankingPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2025,
                    "methodology": "yz-points@2025.1",
                    "as_of": "2025-12-31",
                    "computed_at": "2026-01-05T02:00:00Z",
                    "stale": False,
                    "items": [],
                    "total": 0,
                    "page": 1,
                    "page_size": 50,
                }
            ]
        }
    )

    year: int
    methodology: str = Field(description="the methodology's id@version the run used")
    as_of: date
    computed_at: UtcDateTime | None = Field(description="null: the year is not computed yet (the job will)")
    stale: bool = Field(description="the registry or methodology changed since: the job will recompute")
    items: list[RankedOut]
    total: int
    page: int
    page_size: int


class PointsIndicatorOut(BaseModel):
    id: str
    name: str
    name_en: str
    group: str
    weights: dict[str, float] = Field(description="weight per stage (each stage's weights sum to 100)")
    formula: str
    normalisation: str
    direction: int
    bands: list[list[float]] = Field(description="(lower bound, score) pairs for the bands normalisation")
    missing: str


class VersionOut(BaseModel):
    methodology_id: str
    version: str
    name: str
    filename: str
    uploaded_by: str
    uploaded_at: UtcDateTime


class MethodologyOut(BaseModel):
    id: str
    version: str
    stamp: str
    name: str
    note: str
    aggregation: str
    stage_rule: dict[str, float]
    indicators: list[PointsIndicatorOut]
    versions: list[VersionOut] = Field(
        description="every uploaded version, newest first (the workbook is its source)"
    )
