"""The challenge API's shapes: a challenge with its history, a bid with its eligibility checks, a review
assignment with its scores, and the bodies that create, move, bid, screen, assign, score and object."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from kechuang.challenges.models import Bid, Challenge, ChallengeEvent, ReviewAssignment
from kechuang.choices import BidStatus, ChallengeStatus
from kechuang.matching.schemas import Id, IndicatorIn, Money
from kechuang.units import MAX_FIGURE
from kechuang.web.api_common import IsoDate, StrictInt, UtcDateTime


class TargetIn(IndicatorIn):
    direction: Literal[1, -1] = Field(1, description="1: at least the value; -1: at most (≤)")


class ConditionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["local", "rd_staff", "hnte", "declared"] = Field(
        description="local 在本市注册 | rd_staff 研发人员不少于 value 人 | hnte 高新技术企业 | declared 承诺事项"
    )
    value: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = Field(None, description="for rd_staff")
    text: str = Field("", max_length=200, description="the condition as published (required for declared)")


class ChallengeIn(BaseModel):
    """A challenge (榜单) as the bureau writes it; it starts as a draft."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "车用质子交换膜寿命提升揭榜攻关",
                    "problem": "国产质子交换膜寿命不足3000小时，需在两年内提升到8000小时以上并实现本地中试。",
                    "targets": [{"name": "膜寿命", "value": 8000, "unit": "小时"}],
                    "conditions": [{"kind": "rd_staff", "value": 10}, {"kind": "local"}],
                    "fiscal_budget": 2000000,
                    "self_budget": 1000000,
                    "duration_months": 24,
                    "deadline": "2027-03-31T17:00:00",
                    "contact": "市科技局高新处 0514-87000000",
                    "demand_ids": [1],
                }
            ]
        },
    )

    title: str = Field(min_length=1, max_length=200, description="榜单名称")
    problem: str = Field(min_length=1, max_length=8000, description="攻关问题")
    targets: list[TargetIn] = Field(min_length=1, max_length=20, description="技术指标")
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=20, description="揭榜条件")
    chain_code: str | None = Field(None, max_length=40, description="产业链编号")
    node_code: str | None = Field(None, max_length=80, description="图谱节点编号")
    fiscal_budget: Money = Field(0, description="财政资金（元）")
    self_budget: Money = Field(0, description="自筹资金（元）")
    duration_months: Annotated[StrictInt, Field(ge=1, le=120)] = Field(24, description="实施周期（月）")
    deadline: datetime = Field(
        description="揭榜截止时间, in the future: the city's local time (an offset, if given, is converted)"
    )
    contact: str = Field(min_length=1, max_length=200, description="联系人与联系方式")
    demand_ids: list[Id] = Field(default_factory=list, max_length=50, description="来源需求")


class EventOut(BaseModel):
    kind: str = Field(description="stage | objection | answer")
    status: str
    note: str
    objection_id: int | None
    at: UtcDateTime
    by: str

    @classmethod
    def of(cls, e: ChallengeEvent) -> EventOut:
        return cls(kind=e.kind, status=e.status, note=e.note, objection_id=e.objection_id, at=e.at, by=e.by)


class ChallengeOut(BaseModel):
    id: int
    code: str
    title: str
    status: ChallengeStatus
    status_zh: str
    chain_code: str | None
    node_code: str | None
    problem: str
    targets: list[dict[str, Any]]
    conditions: list[dict[str, Any]]
    fiscal_budget: int
    self_budget: int
    duration_months: int
    deadline: str = Field(description="揭榜截止时间, the city's local time (YYYY-MM-DDTHH:MM)")
    contact: str
    published_on: IsoDate | None
    publicity_until: IsoDate | None
    winner_bid_id: int | None = Field(description="set from 公示 on")
    project_id: int | None = Field(description="the key project the award created")
    criteria: dict[str, Any] = Field(description="the review criteria with weights, as published")

    @classmethod
    def of(cls, c: Challenge, public_result: bool) -> ChallengeOut:
        status = ChallengeStatus(c.status)
        return cls(
            id=c.id,
            code=c.code,
            title=c.title,
            status=status,
            status_zh=status.zh,
            chain_code=c.chain_code,
            node_code=c.node_code,
            problem=c.problem,
            targets=c.targets,
            conditions=c.conditions,
            fiscal_budget=c.fiscal_budget,
            self_budget=c.self_budget,
            duration_months=c.duration_months,
            deadline=c.deadline.isoformat(timespec="minutes"),
            contact=c.contact,
            published_on=c.published_on,
            publicity_until=c.publicity_until,
            winner_bid_id=c.winner_bid_id if public_result else None,
            project_id=c.project_id,
            criteria=c.criteria,
        )


class ChallengeDetail(ChallengeOut):
    demand_ids: list[int] = Field(description="the source demands the caller may see")
    history: list[EventOut]


class StageIn(BaseModel):
    """The next stage of a challenge (发布、形式审查、专家评审、公示、立项、撤榜)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "publicity", "publicity_days": 5, "note": "评审结束"}]},
    )

    status: ChallengeStatus = Field(
        description="published | screening | reviewing | publicity | awarded | cancelled"
    )
    note: str = Field("", max_length=500, description="说明或原因 (needed to cancel)")
    publicity_days: Annotated[StrictInt, Field(ge=0, le=365)] | None = Field(
        None, description="公示天数, for publicity (at least the criteria's minimum)"
    )
    winner_bid_id: Id | None = Field(None, description="拟立项申报, for publicity (default: the best score)")


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    planned_on: IsoDate = Field(description="计划完成日期, within the challenge's duration")


class BidIn(BaseModel):
    """A bid (揭榜申报). An enterprise bids as itself, an expert with their capability profile; the bureau
    records a paper bid by naming the ``bidder``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "capability_id": 3,
                    "leader": "王教授",
                    "plan": "增强型全氟磺酸复合膜与自由基淬灭剂掺杂两条路线并行，第一年完成配方，第二年中试。",
                    "milestones": [{"name": "完成复合膜配方与小试", "planned_on": "2027-09-30"}],
                    "kpis": [{"name": "膜寿命", "value": 9000, "unit": "小时"}],
                    "fiscal_budget": 1800000,
                    "self_budget": 1200000,
                    "rd_staff": 12,
                    "declared": [1],
                }
            ]
        },
    )

    capability_id: Id | None = Field(None, description="the bidder's capability profile")
    bidder: str = Field("", max_length=200, description="揭榜单位 (the bureau's paper bids)")
    partners: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=10)
    leader: str = Field(min_length=1, max_length=100, description="项目负责人")
    plan: str = Field(min_length=1, max_length=8000, description="技术方案")
    team: str = Field("", max_length=4000, description="团队")
    fiscal_budget: Money = Field(0, description="申请财政资金（元）, at most the challenge's")
    self_budget: Money = Field(0, description="自筹资金（元）")
    rd_staff: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = Field(None, description="研发人员数")
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=30)
    kpis: list[TargetIn] = Field(
        min_length=1, max_length=30, description="考核指标, covering the challenge's"
    )
    attachments: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=20)
    declared: list[Annotated[StrictInt, Field(ge=0, le=100)]] = Field(
        default_factory=list, max_length=20, description="indexes of the 承诺 conditions the bidder signs"
    )


class BidOut(BaseModel):
    id: int
    challenge_id: int
    bidder: str
    partners: list[str]
    capability_id: int | None
    enterprise_id: int | None
    leader: str
    plan: str
    team: str
    fiscal_budget: int
    self_budget: int
    rd_staff: int | None
    milestones: list[dict[str, Any]]
    kpis: list[dict[str, Any]]
    attachments: list[str]
    status: BidStatus
    status_zh: str
    checks: list[dict[str, Any]] = Field(description="形式审查: each condition met / not_met / unknown")
    screening_note: str
    score: float | None
    rank: int | None
    submitted_at: UtcDateTime

    @classmethod
    def of(cls, b: Bid) -> BidOut:
        status = BidStatus(b.status)
        return cls(
            **{
                k: getattr(b, k)
                for k in (
                    "id challenge_id bidder capability_id enterprise_id leader plan team fiscal_budget "
                    "self_budget rd_staff milestones kpis attachments checks screening_note score rank "
                    "submitted_at"
                ).split()
            },
            partners=[p for p in b.partners.split("|") if p],
            status=status,
            status_zh=status.zh,
        )


class ScreenIn(BaseModel):
    """形式审查 of one bid by the bureau."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"eligible": True, "note": "材料齐全，条件满足"}]}
    )

    eligible: Annotated[bool, Strict()]
    note: str = Field(min_length=1, max_length=500, description="审查意见")


class AssignIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"bid_id": 1, "reviewer_id": 5}]}
    )

    bid_id: Id
    reviewer_id: Id = Field(description="an expert account; refused when of the bidder's organisation")


class ReviewOut(BaseModel):
    id: int
    bid_id: int
    reviewer_id: int
    reviewer_organisation: str
    scores: dict[str, float] | None
    total: float | None = Field(description="weighted total, 0–100")
    comment: str
    assigned_at: UtcDateTime
    submitted_at: UtcDateTime | None

    @classmethod
    def of(cls, r: ReviewAssignment) -> ReviewOut:
        return cls(
            id=r.id,
            bid_id=r.bid_id,
            reviewer_id=r.reviewer_id,
            reviewer_organisation=r.reviewer_organisation,
            scores=r.scores,
            total=r.total,
            comment=r.comment,
            assigned_at=r.assigned_at,
            submitted_at=r.submitted_at,
        )


Score = Annotated[float, Strict(), Field(ge=-MAX_FIGURE, le=MAX_FIGURE, allow_inf_nan=False)]


class ScoresIn(BaseModel):
    """One reviewer's scores on the challenge's criteria (each 0 to the criterion's max)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scores": {"foundation": 90, "plan": 85, "targets": 80, "finance": 70, "industry": 88},
                    "comment": "技术路线清晰，中试条件具备",
                }
            ]
        },
    )

    scores: dict[Annotated[str, Field(max_length=40)], Score] = Field(max_length=20)
    comment: str = Field("", max_length=4000)


class ObjectionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "我单位研发人员35人，承诺书已随纸质材料提交，请复核。"}]},
    )

    text: str = Field(min_length=1, max_length=2000, description="异议的事实与理由")


class AwardOut(BaseModel):
    challenge: ChallengeOut
    project_id: int = Field(description="the key project (type 揭榜挂帅) now monitored by the traffic lights")
    signed_demands: list[int]
