"""The atlas API's shapes: the chains with coverage, one chain's structure, one chain's analysis."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kechuang.choices import Light
from kechuang.web.api_common import THIS_YEAR, Integral, StrictInt, UtcDateTime


class ClusterRef(BaseModel):
    id: str
    name: str


class ChainSummary(BaseModel):
    id: str = Field(description="the chain's code, e.g. integrated_circuits")
    name: str
    name_en: str
    aliases: list[str]
    cluster: ClusterRef
    nodes: dict[str, int] = Field(description="node count per stage: upstream, midstream, downstream")
    coverage: float = Field(description="share of the chain's nodes with enterprises present, 0–1")
    light: Light
    enterprises: int
    strength: float = Field(description="0–100")
    strength_components: dict[str, float] = Field(
        description="the strength's parts (coverage, scale, innovation, leadership), as /atlas/compare shows"
    )


class ChainList(BaseModel):
    items: list[ChainSummary]
    total: int
    region: str | None


class ItemOut(BaseModel):
    kind: str
    name: str
    chokepoint: bool
    supply: str | None


class NodeOut(BaseModel):
    id: str
    name: str
    name_en: str
    stage: str
    parent: str | None
    industry_codes: list[str]
    keywords: list[str]
    items: list[ItemOut]


class EdgeOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    weight: float | None


class ChainStructure(BaseModel):
    id: str
    name: str
    name_en: str
    aliases: list[str]
    cluster: ClusterRef
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class Strength(BaseModel):
    score: float
    components: dict[str, float]


class Concentration(BaseModel):
    hhi: float | None
    cr3: float | None


class ChainAnalysis(BaseModel):
    id: str
    name: str
    region: str | None
    coverage: float
    light: Light
    strength: Strength
    concentration: Concentration
    enterprises: int
    hnte: int
    leaders: int
    revenue: float
    rd_intensity: float
    nodes: list[dict[str, Any]] = Field(description="per node: enterprises, revenue, level, demand …")
    gaps: list[dict[str, Any]] = Field(description="the nodes to fill first, ranked")
    chokepoints: list[dict[str, Any]]
    extend: list[dict[str, Any]] = Field(description="nodes of neighbouring chains to extend into")
    params: dict[str, Any]


class EnterpriseRef(BaseModel):
    id: int
    name: str


class LinkOut(BaseModel):
    """One enterprise placed on a chain node, with its role and where the link came from."""

    id: int
    enterprise: EnterpriseRef
    chain: str = Field(description="the chain's id (code)")
    node: str = Field(description="the node's id (code)")
    node_name: str
    role: str = Field(description="leader | member | supplier … (the link roles)")
    main_product: str
    revenue_share: float | None = Field(description="share of the enterprise's revenue on this node, 0–1")
    region_code: str
    valid_from: date | None
    valid_until: date | None
    source: str = Field(description="where the link came from (file and row, or user)")


class LinkPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": 7,
                            "enterprise": {"id": 12, "name": "扬州晶芯微电子有限公司"},
                            "chain": "integrated_circuits",
                            "node": "ic_packaging",
                            "node_name": "封装测试",
                            "role": "leader",
                            "main_product": "功率器件封装",
                            "revenue_share": 0.6,
                            "region_code": "321003",
                            "valid_from": "2023-01-01",
                            "valid_until": None,
                            "source": "import:企业与产业链节点关联.xlsx#3",
                        }
                    ],
                    "total": 1,
                    "page": 1,
                    "page_size": 50,
                }
            ]
        }
    )

    items: list[LinkOut]
    total: int
    page: int
    page_size: int


class SnapshotOut(BaseModel):
    year: int
    taken_by: str
    taken_at: UtcDateTime


class SnapshotIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"year": 2026}]})

    year: Annotated[Annotated[StrictInt, Field(ge=2000, le=THIS_YEAR + 1)], Integral] = Field(
        description="the year the snapshot stands for"
    )


class SnapshotDetail(SnapshotOut):
    content: dict[str, Any] = Field(description="structure, links and analysis as they stood")
