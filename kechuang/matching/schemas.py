"""The demand and capability API's shapes: a demand with its history and matches, a profile, the post
and status bodies, an inbox message."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict

from kechuang.choices import CapabilityKind, Confidentiality, DemandStatus
from kechuang.matching.models import Capability, Demand, DemandEvent, DemandMatch, Message
from kechuang.units import MAX_FIGURE
from kechuang.web.api_common import MAX_ID, IsoDate, StrictInt, UtcDateTime

MAX_MONEY = 10**15  # yuan; BIGINT with room

Money = Annotated[StrictInt, Field(ge=0, le=MAX_MONEY)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


class IndicatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="技术指标名称", examples=["导热系数"])
    value: Annotated[float, Strict()] = Field(
        ge=-MAX_FIGURE, le=MAX_FIGURE, allow_inf_nan=False, description="目标值", examples=[5]
    )
    unit: str = Field("", max_length=20, description="单位", examples=["W/(m·K)"])


class DemandIn(BaseModel):
    """A demand to post: an enterprise user posts for its own enterprise (``enterprise_id`` may be left
    out), a district operator for an enterprise in its area, the bureau for any."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": 1,
                    "title": "动力电池包热扩散抑制",
                    "description": "储能舱内单体电芯热失控后5分钟内蔓延至相邻电芯，需开发隔热阻燃材料与结构，"
                    "使热扩散时间延长至30分钟以上。",
                    "indicators": [{"name": "热扩散时间", "value": 30, "unit": "分钟"}],
                    "budget_min": 500000,
                    "budget_max": 800000,
                    "deadline": "2027-06-30",
                    "confidentiality": "public",
                }
            ]
        },
    )

    enterprise_id: Id | None = Field(None, description="the registry enterprise that has the demand")
    title: str = Field(min_length=1, max_length=200, description="需求名称")
    description: str = Field(min_length=1, max_length=5000, description="需求描述：背景、问题、技术指标")
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=20, description="目标技术指标")
    budget_min: Money | None = Field(None, description="预算下限（元）")
    budget_max: Money | None = Field(None, description="预算上限（元）")
    deadline: IsoDate | None = Field(None, description="期望解决日期 YYYY-MM-DD, not in the past")
    chain_code: str | None = Field(
        None, max_length=40, description="产业链编号 (suggested from the text when left out)"
    )
    node_code: str | None = Field(None, max_length=80, description="图谱节点编号 (suggested when left out)")
    item_name: str | None = Field(None, max_length=200, description="关键技术条目")
    confidentiality: Confidentiality = Field(
        Confidentiality.public, description="public 公开 | bureau 仅科技局可见"
    )


class StatusIn(BaseModel):
    """The next step of a demand: 已对接 names the capability; 未解决 and 撤回 need a reason."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"status": "matched", "capability_id": 3, "note": "已与课题组面谈"}]},
    )

    status: DemandStatus = Field(
        description="collected | accepted | matched | signed | solved | unsolved | withdrawn"
    )
    note: str = Field("", max_length=500, description="说明或原因")
    capability_id: Id | None = Field(None, description="with whom (for matched)")
    contract_amount: Money | None = Field(None, description="技术合同金额（元）, for signed")


class RecommendIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"capability_id": 3}]})

    capability_id: Id = Field(description="the capability whose owners are told")


class CapabilityIn(BaseModel):
    """A capability profile. An enterprise's profile is its own, an expert's is linked to the account."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "扬州大学新能源材料课题组",
                    "kind": "team",
                    "organisation": "扬州大学",
                    "description": "研究锂离子电池热管理与阻燃隔热材料，承担省重点研发计划2项。",
                    "results": ["一种气凝胶复合隔热片及其制备方法（ZL202110000001.1）"],
                    "node_codes": ["energy_storage.thermal_safety"],
                    "region_code": "321003",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    kind: CapabilityKind = Field(description="expert | team | university | institute | enterprise")
    description: str = Field(min_length=1, max_length=5000, description="能力介绍")
    organisation: str = Field("", max_length=200, description="所属单位 (used for conflicts of interest)")
    directions: str = Field("", max_length=2000, description="研究方向")
    results: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50, description="成果"
    )
    equipment: str = Field("", max_length=2000)
    people: str = Field("", max_length=2000)
    contact: str = Field("", max_length=200)
    keywords: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)
    node_codes: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=20)
    region_code: str | None = Field(
        None, max_length=12, pattern="^[0-9]{6,12}$", description="set when it is local"
    )
    enterprise_id: Id | None = Field(None, description="the registry enterprise it is (bureau and districts)")


class ReasonOut(BaseModel):
    kind: str = Field(description="term | result | ngram | atlas | model")
    text: str
    weight: float


class MatchOut(BaseModel):
    capability_id: int
    capability: str
    kind: str
    organisation: str
    rank: int
    score: float
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, m: DemandMatch, c: Capability) -> MatchOut:
        return cls(
            capability_id=c.id,
            capability=c.name,
            kind=c.kind,
            organisation=c.organisation,
            rank=m.rank,
            score=m.score,
            reasons=[ReasonOut(**r) for r in m.reasons],
        )


class EventOut(BaseModel):
    status: str
    note: str
    capability_id: int | None
    at: UtcDateTime
    by: str

    @classmethod
    def of(cls, e: DemandEvent) -> EventOut:
        return cls(status=e.status, note=e.note, capability_id=e.capability_id, at=e.at, by=e.by)


class DemandOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise: str
    region_code: str
    title: str
    description: str
    indicators: list[dict[str, Any]]
    budget_min: int | None
    budget_max: int | None
    deadline: date | None
    chain_code: str | None
    node_code: str | None
    item_name: str | None
    confidentiality: str
    status: str
    status_label: str
    status_note: str
    partner_id: int | None
    contract_amount: int | None
    posted_by: str
    posted_at: UtcDateTime

    @classmethod
    def of(cls, d: Demand, enterprise: str) -> DemandOut:
        fields = {k: getattr(d, k) for k in cls.model_fields if hasattr(d, k)}
        return cls(**fields, enterprise=enterprise, status_label=DemandStatus(d.status).zh)


class DemandDetail(DemandOut):
    history: list[EventOut]
    matches: list[MatchOut]


class DemandList(BaseModel):
    items: list[DemandOut]
    total: int
    page: int
    page_size: int


class CapabilityOut(BaseModel):
    id: int
    name: str
    kind: str
    organisation: str
    description: str
    directions: str
    results: list[str]
    equipment: str
    people: str
    contact: str
    keywords: list[str]
    node_codes: list[str]
    region_code: str | None
    enterprise_id: int | None
    user_id: int | None

    @classmethod
    def of(cls, c: Capability) -> CapabilityOut:
        fields = {
            k: getattr(c, k) for k in cls.model_fields if k not in ("keywords", "node_codes", "results")
        }
        return cls(
            **fields,
            results=list(c.results or []),
            keywords=[k for k in c.keywords.split("|") if k],
            node_codes=[k for k in c.node_codes.split("|") if k],
        )


class CapabilityList(BaseModel):
    items: list[CapabilityOut]
    total: int
    page: int
    page_size: int


class MatchedDemandOut(BaseModel):
    demand_id: int
    title: str
    status: str
    score: float
    reasons: list[ReasonOut]


class CapabilityDetail(CapabilityOut):
    demands: list[MatchedDemandOut] = Field(description="open demands it matches, best first")


class MessageOut(BaseModel):
    id: int
    title: str
    body: str
    link: str
    created_at: UtcDateTime
    read_at: UtcDateTime | None

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(
            id=m.id, title=m.title, body=m.body, link=m.link, created_at=m.created_at, read_at=m.read_at
        )


class Recommended(BaseModel):
    told: int = Field(description="how many of the capability's accounts got the message")
