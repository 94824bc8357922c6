"""The project API's shapes: one project with its status and measures, its detail, a page of them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kechuang.choices import Light
from kechuang.projects.models import PROJECT_TYPES
from kechuang.web.api_common import IsoDate


class ProjectType(StrEnum):
    """The kinds of key project (``PROJECT_TYPES`` names them in Chinese)."""

    key_core_tech = "key_core_tech"
    achievement_transfer = "achievement_transfer"
    open_competition = "open_competition"
    forward_tech = "forward_tech"
    agri_rd = "agri_rd"
    innovative_product = "innovative_product"


assert set(ProjectType) == set(PROJECT_TYPES), "ProjectType and PROJECT_TYPES must list the same types"


class Owner(BaseModel):
    enterprise_id: int | None
    name: str


class Status(BaseModel):
    light: Light = Field(description="the effective light: an active override wins")
    reasons: list[str]
    overridden: bool
    computed_light: Light | None = Field(description="the light the figures give")


class Measures(BaseModel):
    schedule_index: float | None
    spend_index: float | None
    kpi_index: float | None
    milestone_overdue_days: int | None
    report_overdue_days: int | None


class ProjectOut(BaseModel):
    id: int
    code: str
    name: str
    type: str = Field(description="one of ProjectType")
    type_name: str
    region_code: str
    owner: Owner
    chain: str | None = Field(description="the chain's id (code) the project serves")
    node_id: int | None
    fiscal_budget: int | None = Field(description="yuan")
    self_budget: int | None = Field(description="yuan")
    start_on: date
    end_on: date
    status: Status
    measures: Measures


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int
    page: int
    page_size: int
    as_of: date = Field(description="the day the status was computed for")


class MilestoneOut(BaseModel):
    name: str
    planned_on: date
    actual_on: date | None
    weight: float | None


class FundOut(BaseModel):
    kind: str = Field(description="plan | actual")
    source: str = Field(description="fiscal | self")
    on: date
    amount: int = Field(description="yuan")


class KpiOut(BaseModel):
    name: str
    unit: str
    target: float
    actual: float | None
    due_on: date
    direction: int = Field(description="+1: at least the target; -1: at most")


class ReportOut(BaseModel):
    name: str
    due_on: date
    submitted_on: date | None


class HistoryOut(BaseModel):
    on: date
    light: Light
    overridden: bool
    reasons: list[str] | None


class ProjectDetail(ProjectOut):
    milestones: list[MilestoneOut]
    funds: list[FundOut]
    kpis: list[KpiOut]
    reports: list[ReportOut]
    history: list[HistoryOut]


class OverrideLight(StrEnum):
    """The lights an operator may set by hand (grey, "not judged yet", is only computed)."""

    green = "green"
    yellow = "yellow"
    red = "red"


class OverrideIn(BaseModel):
    """An operator's light for a project, with the reason and the day it lapses (at most a year)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"light": "yellow", "note": "设备到货延迟，已协调供应商", "expires_on": "2027-03-31"}
            ]
        },
    )

    light: OverrideLight = Field(description="green | yellow | red")
    note: str = Field(min_length=4, max_length=1000, description="the reason (at least 4 characters)")
    expires_on: IsoDate = Field(description="after today and within 366 days, YYYY-MM-DD")
