"""The atlas API's shapes: the chains with coverage, one chain's structure, one chain's analysis."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kechuang.choices import Light


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
