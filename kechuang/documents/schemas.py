"""The document API's shapes: a document of the list, one document with its facts (each with the review
form's suggestion) and organisations, the review bodies (accept, link) and their answers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from kechuang.indicators.catalogue import CATALOGUE
from kechuang.units import MAX_FIGURE
from kechuang.web.api_common import MAX_ID, MIN_YEAR, THIS_YEAR, IsoDate, StrictInt, UtcDateTime

MAX_REGION = 12  # regions.code
MIN_FIGURE_YEAR, MAX_FIGURE_YEAR = 2000, 2100  # the years service.accept takes


class IndicatorCode(StrEnum):
    """The catalogue's indicators (``kechuang.indicators.catalogue.CATALOGUE``)."""

    rd_spending = "rd_spending"
    high_tech_output_share = "high_tech_output_share"
    invention_patents_per_10k = "invention_patents_per_10k"
    hnte_count = "hnte_count"
    tech_sme_count = "tech_sme_count"
    tech_contract_turnover = "tech_contract_turnover"
    iur_projects = "iur_projects"
    demand_iur_signed = "demand_iur_signed"
    demand_contract_amount = "demand_contract_amount"
    rd_platforms = "rd_platforms"
    talent_introduced = "talent_introduced"
    carriers_provincial_plus = "carriers_provincial_plus"
    talent_in_programmes = "talent_in_programmes"


assert set(IndicatorCode) == {i.code for i in CATALOGUE}, "IndicatorCode must list the catalogue's codes"


class FactStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


# ---- the upload's published date ------------------------------------------------------------


def _not_future(value: date) -> date:
    if value.year < MIN_YEAR or value > date.today():
        raise ValueError(f"发布日期应在 {MIN_YEAR}-01-01 到今天之间")
    return value


def _published_pattern() -> str:
    years = "|".join(str(y) for y in range(MIN_YEAR, THIS_YEAR + 1))
    return f"^(?:{years})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


PUBLISHED_PATTERN = _published_pattern()
PublishedOn = Annotated[IsoDate, AfterValidator(_not_future)]

# ---- answers ----------------------------------------------------------------------------------


class FactCounts(BaseModel):
    pending: int = Field(description="facts waiting for review")
    accepted: int = Field(description="facts accepted (each became an indicator figure)")
    rejected: int = Field(description="facts rejected")


class DocumentOut(BaseModel):
    """A document as the list shows it."""

    id: int
    title: str = Field(description="the page's headline (or the body's first words)")
    filename: str
    region_code: str = Field(description="the document's own region (its 我市 / 全区)")
    published_on: date | None
    uploaded_by: str
    uploaded_at: UtcDateTime
    body_start: int = Field(description="where the detected body begins in the text (character offset)")
    body_end: int = Field(description="where it ends (exclusive); the rest is page chrome")
    counts: FactCounts

    @classmethod
    def of(cls, doc: Any, counts: FactCounts, **extra: Any) -> Self:
        fields = ("id", "title", "filename", "region_code", "published_on", "uploaded_by", "uploaded_at")
        data = {k: getattr(doc, k) for k in (*fields, "body_start", "body_end")}
        return cls(**data, counts=counts, **extra)


class DocumentList(BaseModel):
    items: list[DocumentOut]
    total: int
    page: int
    page_size: int


class SuggestionOut(BaseModel):
    """What the review form proposes (post it to accept, corrected where needed)."""

    indicator: str | None = Field(
        description="the indicator's code; null: no indicator fits", examples=["hnte_count"]
    )
    region_code: str = Field(description="the subject's region, else the document's", examples=["321003"])
    year: int | None = Field(description="the fact's period, else the year published", examples=[2026])
    month: int | None = Field(description="the period's last month (12 for a whole year)", examples=[10])
    value: float | None = Field(description="the fact's value in the indicator's unit", examples=[486])


class FigureOut(BaseModel):
    """The indicator figure an accepted fact wrote (a month's flow for a cumulative indicator)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    region_code: str
    indicator: str
    year: int
    month: int
    value: float = Field(description="in the indicator's unit")
    source: str = Field(description="the document and the evidence's offsets")


class FactOut(BaseModel):
    """A fact found in a document, its review state and the review form's suggestion."""

    id: int
    document_id: int
    text: str = Field(
        description="the evidence: the text at start..end", examples=["有效高新技术企业达到486家"]
    )
    start: int = Field(description="the evidence's first character in the document's text")
    end: int = Field(description="the character after the evidence")
    sentence_start: int = Field(description="the sentence holding the evidence: its first character")
    sentence_end: int
    kind: str = Field(description="level | growth_rate | share | rank | count | target | other")
    value: float = Field(description="in the base unit (元, %, 家 …)")
    unit: str = Field(examples=["家"])
    approx: bool = Field(description="stated as approximate (约、近、超过 …)")
    subject: str | None = Field(description="whose figure it is (a region or an organisation)")
    period: str | None = Field(description="YYYY or YYYY-MM..YYYY-MM", examples=["2026-01..2026-10"])
    indicator_name: str = Field(
        description="the indicator as the text names it", examples=["有效高新技术企业"]
    )
    status: FactStatus
    reviewed_by: str | None
    reviewed_at: UtcDateTime | None
    figure_id: int | None = Field(description="the figure written on acceptance")
    figure: FigureOut | None = Field(description="that figure, when the caller may see it")
    suggestion: SuggestionOut


class CandidateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    uscc: str
    region_code: str


class OrgOut(BaseModel):
    """An organisation named in a document; an enterprise may be linked to the registry."""

    id: int
    document_id: int
    name: str
    type: str = Field(
        description="enterprise | university | research_institute | carrier | government | financial | other"
    )
    start: int
    end: int
    status: str = Field(description="pending | linked | ignored")
    enterprise_id: int | None = Field(description="the registry enterprise it is linked to")
    candidates: list[CandidateOut] = Field(
        description="for a pending enterprise: registry enterprises the caller may link it to"
    )


class DocumentDetail(DocumentOut):
    text: str = Field(description="the plain text every offset indexes into")
    facts: list[FactOut]
    orgs: list[OrgOut]


# ---- bodies -----------------------------------------------------------------------------------


class AcceptIn(BaseModel):
    """The review form's fields: which indicator, region and month the fact is a figure of, and the value
    in the indicator's unit (a year-to-date total for a cumulative indicator)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"indicator": "hnte_count", "region_code": "321003", "year": 2026, "month": 10, "value": 486}
            ]
        },
    )

    indicator: IndicatorCode = Field(description="the indicator's code", examples=["hnte_count"])
    region_code: str = Field(
        min_length=1,
        max_length=MAX_REGION,
        pattern="^[0-9]{6,12}$",
        json_schema_extra={"format": "region"},
        description="a region code from `GET /api/v1/regions` the caller may write",
        examples=["321003"],
    )
    year: StrictInt = Field(ge=MIN_FIGURE_YEAR, le=MAX_FIGURE_YEAR, description="年度", examples=[2026])
    month: StrictInt = Field(ge=1, le=12, description="截至月份 (the period's last month)", examples=[10])
    value: Annotated[float, Strict()] = Field(
        ge=-MAX_FIGURE,
        le=MAX_FIGURE,
        allow_inf_nan=False,
        description="in the indicator's unit (see `suggestion.value`)",
        examples=[486],
    )

    def form(self) -> dict[str, str]:
        """The fields as the page's form posts them to ``service.accept``."""
        return {
            "indicator": self.indicator.value,
            "region_code": self.region_code,
            "year": str(self.year),
            "month": str(self.month),
            "value": repr(float(self.value)),
        }


class LinkIn(BaseModel):
    """The registry enterprise the organisation is (null: it is none, mark it ignored)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"enterprise_id": 12}, {"enterprise_id": None}]}
    )

    enterprise_id: Annotated[int, Strict(), Field(ge=1, le=MAX_ID)] | None = Field(
        description="an enterprise's id; null unlinks (ignored)", examples=[12]
    )
