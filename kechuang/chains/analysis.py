"""Chain analytics, pure and column-wise (Polars): per node, per chain, the 补链 list, chokepoints,
延链 suggestions and the comparison of all chains.

Inputs are frames (see ``AtlasFrames``); nothing here touches the database. A node is *present* when
it or one of its sub-nodes has a local enterprise linked; its *level* is strong / present / weak /
missing by the documented thresholds in ``Params``. Local downstream demand on a node propagates
through the supply edges: ``D(n) = Σ w(n→m) · (R(m) + D(m))`` — the share ``w`` of ``m``'s inputs that
``n`` supplies, times ``m``'s local revenue and everything further downstream that depends on ``m``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import polars as pl

from kechuang.choices import Level, LinkRole, Stage

STAGES = tuple(Stage.values())
LEVELS = tuple(Level.values())
LEVEL_LABELS = Level.labels()
ROLES = tuple(LinkRole.values())
CHOKE_KINDS = ("technology", "material", "process")


@dataclass(frozen=True)
class Params:
    """Thresholds with their documented defaults (docs/atlas.md)."""

    weak_enterprises: int = 3  # fewer local enterprises than this (and no chain leader) → weak
    strong_enterprises: int = 10  # at least this many, with an HNTE or a chain leader → strong
    strong_revenue_share: float = 0.2  # or at least this share of the chain's local revenue with an HNTE
    coverage_green: float = 0.7  # coverage lights: green ≥ 70%, yellow ≥ 40%, red below
    coverage_yellow: float = 0.4
    # strength score weights (sum 100) and the reference R&D intensity for full marks
    w_coverage: float = 40
    w_scale: float = 20
    w_innovation: float = 25
    w_leadership: float = 15
    rd_reference: float = 0.05


DEFAULT_PARAMS = Params()


@dataclass(frozen=True)
class AtlasFrames:
    """nodes: node_id, chain_id, stage, parent_id (null), name
    edges: chain_id, src, dst, weight
    items: item_id, node_id, kind, name, chokepoint, supply
    enterprise_links: node_id, enterprise_id, role, revenue_share (null = 1)
    enterprises: enterprise_id, revenue, rd_expense, hnte (bool)
    other_links: node_id, kind (carrier | project | talent), item_id (null)"""

    nodes: pl.DataFrame
    edges: pl.DataFrame
    items: pl.DataFrame
    enterprise_links: pl.DataFrame
    enterprises: pl.DataFrame
    other_links: pl.DataFrame


def ancestors(nodes: pl.DataFrame) -> pl.DataFrame:
    """(node_id, ancestor_id) for every node and itself and each parent above it (column-wise, by depth)."""
    pairs = nodes.select("node_id", pl.col("node_id").alias("ancestor_id"))
    parent = nodes.select("node_id", pl.col("parent_id").alias("up")).drop_nulls("up")
    step = parent.rename({"up": "ancestor_id"})
    out = [pairs, step]
    for _ in range(len(nodes)):  # depth of the parent tree, at most the node count
        step = step.join(parent.rename({"node_id": "ancestor_id"}), on="ancestor_id").select(
            "node_id", pl.col("up").alias("ancestor_id")
        )
        if step.is_empty():
            break
        out.append(step)
    return pl.concat(out).unique()


def node_metrics(f: AtlasFrames, params: Params = DEFAULT_PARAMS) -> pl.DataFrame:
    """Per node: enterprises, hnte, leaders, revenue and R&D attributed by revenue share, projects,
    carriers, talent, present and level. A parent node counts its sub-nodes' enterprises (distinct)."""
    anc = ancestors(f.nodes)
    facts = f.enterprises.select(
        "enterprise_id",
        pl.col("revenue").cast(pl.Float64),
        pl.col("rd_expense").cast(pl.Float64),
        pl.col("hnte").fill_null(False),
    )
    links = (
        f.enterprise_links.join(anc, on="node_id")
        .join(facts, on="enterprise_id", how="left")
        .with_columns(pl.col("revenue_share").cast(pl.Float64).fill_null(1.0).alias("share"))
    )
    per = (
        links.group_by("ancestor_id", "enterprise_id")
        .agg(
            pl.col("share").max(),
            pl.col("revenue").first(),
            pl.col("rd_expense").first(),
            pl.col("hnte").first(),
            (pl.col("role") == "leader").any().alias("leader"),
        )
        .group_by("ancestor_id")
        .agg(
            pl.len().alias("enterprises"),
            pl.col("hnte").sum().alias("hnte"),
            pl.col("leader").sum().alias("leaders"),
            (pl.col("revenue") * pl.col("share")).sum().alias("revenue"),
            (pl.col("rd_expense") * pl.col("share")).sum().alias("rd_expense"),
        )
        .rename({"ancestor_id": "node_id"})
    )
    others = (
        f.other_links.join(anc, on="node_id")
        .group_by("ancestor_id")
        .agg(*((pl.col("kind") == k).sum().alias(k + "s") for k in ("carrier", "project", "talent")))
        .rename({"ancestor_id": "node_id", "talents": "talent"})
    )
    out = (
        f.nodes.select("node_id", "chain_id", "stage", "parent_id", "name")
        .join(per, on="node_id", how="left")
        .join(others, on="node_id", how="left")
        .with_columns(
            pl.col("enterprises", "hnte", "leaders", "carriers", "projects", "talent")
            .fill_null(0)
            .cast(pl.Int64),
            pl.col("revenue", "rd_expense").fill_null(0.0),
        )
    )
    chain_rev = pl.col("revenue").filter(pl.col("parent_id").is_null()).sum().over("chain_id")
    share = pl.when(chain_rev > 0).then(pl.col("revenue") / chain_rev).otherwise(0.0)
    strong = (
        (pl.col("leaders") > 0)
        | (pl.col("enterprises") >= params.strong_enterprises)
        | (share >= params.strong_revenue_share)
    ) & ((pl.col("hnte") > 0) | (pl.col("leaders") > 0))
    level = (
        pl.when(pl.col("enterprises") == 0)
        .then(pl.lit("missing"))
        .when(strong)
        .then(pl.lit("strong"))
        .when((pl.col("enterprises") < params.weak_enterprises) & (pl.col("leaders") == 0))
        .then(pl.lit("weak"))
        .otherwise(pl.lit("present"))
    )
    return out.with_columns(
        share.alias("revenue_share"), (pl.col("enterprises") > 0).alias("present"), level.alias("level")
    )


def downstream_demand(nodes: pl.DataFrame, edges: pl.DataFrame, revenue: pl.DataFrame) -> pl.DataFrame:
    """(node_id, demand): local revenue further down the chain that depends on the node, through the
    edges, ``D(n) = Σ w(n→m)·(R(m) + D(m))``; computed level by level from the sinks (the graph is a DAG)."""
    e = edges.select(pl.col("src"), pl.col("dst"), pl.col("weight").cast(pl.Float64))
    r = (
        nodes.select("node_id")
        .join(revenue.select("node_id", pl.col("revenue").cast(pl.Float64)), on="node_id", how="left")
        .with_columns(pl.col("revenue").fill_null(0.0))
    )
    # height: longest path to a sink; nodes of equal height never feed each other
    height = r.select("node_id", pl.lit(0).alias("h"))
    for _ in range(len(r) + 1):
        nxt = (
            e.join(height.rename({"node_id": "dst", "h": "hd"}), on="dst")
            .group_by("src")
            .agg((pl.col("hd").max() + 1).alias("h2"))
            .rename({"src": "node_id"})
        )
        new = height.join(nxt, on="node_id", how="left").select(
            "node_id", pl.max_horizontal("h", "h2").alias("h")
        )
        if new.sort("node_id").equals(height.sort("node_id")):
            break
        height = new
    else:
        raise ValueError("supply edges form a cycle")
    demand = r.select("node_id", pl.lit(0.0).alias("demand"))
    value = r.join(demand, on="node_id")
    for h in range(1, int(cast(int, height["h"].max() or 0)) + 1):
        level = height.filter(pl.col("h") == h).select("node_id")
        inflow = (
            e.join(level.rename({"node_id": "src"}), on="src")
            .join(value.rename({"node_id": "dst"}), on="dst")
            .group_by("src")
            .agg((pl.col("weight") * (pl.col("revenue") + pl.col("demand"))).sum().alias("d"))
            .rename({"src": "node_id"})
        )
        value = (
            value.join(inflow, on="node_id", how="left")
            .with_columns(pl.coalesce("d", "demand").alias("demand"))
            .drop("d")
        )
    return value.select("node_id", "demand")


def chain_summary(
    nodes: pl.DataFrame, metrics: pl.DataFrame, f: AtlasFrames, params: Params = DEFAULT_PARAMS
) -> pl.DataFrame:
    """Per chain: node counts per stage, coverage, enterprises, revenue, R&D, HNTE share, leaders,
    concentration (HHI and CR3 of revenue among the chain's enterprises), strength and its components."""
    counts = nodes.group_by("chain_id").agg(
        pl.len().alias("nodes"), *((pl.col("stage") == s).sum().alias(f"nodes_{s}") for s in STAGES)
    )
    cov = metrics.group_by("chain_id").agg(
        pl.col("present").mean().alias("coverage"),
        pl.col("present").sum().alias("present_nodes"),
        (pl.col("level") == "missing").sum().alias("missing_nodes"),
        (pl.col("level") == "weak").sum().alias("weak_nodes"),
        pl.col("projects").filter(pl.col("parent_id").is_null()).sum(),
        pl.col("carriers").filter(pl.col("parent_id").is_null()).sum(),
    )
    facts = f.enterprises.select(
        "enterprise_id",
        pl.col("revenue").cast(pl.Float64).fill_null(0.0),
        pl.col("rd_expense").cast(pl.Float64).fill_null(0.0),
        pl.col("hnte").fill_null(False),
    )
    firm = (
        f.enterprise_links.join(nodes.select("node_id", "chain_id"), on="node_id")
        .with_columns(pl.col("revenue_share").cast(pl.Float64).fill_null(1.0))
        .group_by("chain_id", "enterprise_id")
        .agg(
            pl.col("revenue_share").sum().clip(0, 1).alias("share"),
            (pl.col("role") == "leader").any().alias("leader"),
        )
        .join(facts, on="enterprise_id", how="left")
        .with_columns(
            (pl.col("revenue") * pl.col("share")).alias("rev"),
            (pl.col("rd_expense") * pl.col("share")).alias("rd"),
        )
    )
    total = pl.col("rev").sum()
    conc = firm.group_by("chain_id").agg(
        pl.len().alias("enterprises"),
        pl.col("hnte").sum().alias("hnte"),
        pl.col("leader").sum().alias("leaders"),
        total.alias("revenue"),
        pl.col("rd").sum().alias("rd_expense"),
        pl.when(total > 0).then(((pl.col("rev") / total) ** 2).sum()).otherwise(None).alias("hhi"),
        pl.when(total > 0).then(pl.col("rev").top_k(3).sum() / total).otherwise(None).alias("cr3"),
    )
    out = (
        counts.join(cov, on="chain_id", how="left")
        .join(conc, on="chain_id", how="left")
        .with_columns(
            pl.col("enterprises", "hnte", "leaders").fill_null(0).cast(pl.Int64),
            pl.col("revenue", "rd_expense").fill_null(0.0),
            pl.col("coverage").fill_null(0.0),
        )
    )
    max_log = out.select(pl.col("revenue").log1p().max()).item() or 0.0
    rd_intensity = (
        pl.when(pl.col("revenue") > 0).then(pl.col("rd_expense") / pl.col("revenue")).otherwise(0.0)
    )
    hnte_share = (
        pl.when(pl.col("enterprises") > 0).then(pl.col("hnte") / pl.col("enterprises")).otherwise(0.0)
    )
    comp = {
        "s_coverage": pl.col("coverage") * params.w_coverage,
        "s_scale": (pl.col("revenue").log1p() / max_log if max_log > 0 else pl.lit(0.0)) * params.w_scale,
        "s_innovation": ((rd_intensity / params.rd_reference).clip(0, 1) * 0.5 + hnte_share * 0.5)
        * params.w_innovation,
        "s_leadership": (pl.col("leaders").cast(pl.Float64) / 2).clip(0, 1) * params.w_leadership,
    }
    light = (
        pl.when(pl.col("coverage") >= params.coverage_green)
        .then(pl.lit("green"))
        .when(pl.col("coverage") >= params.coverage_yellow)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("red"))
    )
    return out.with_columns(
        rd_intensity.alias("rd_intensity"),
        hnte_share.alias("hnte_share"),
        *(e.alias(k) for k, e in comp.items()),
    ).with_columns(pl.sum_horizontal(*comp).alias("strength"), light.alias("light"))


def fill_list(metrics: pl.DataFrame, demand: pl.DataFrame) -> pl.DataFrame:
    """补链: missing or weak nodes, ranked by the local downstream demand that depends on them."""
    return (
        metrics.filter(pl.col("level").is_in(["missing", "weak"]))
        .join(demand, on="node_id", how="left")
        .with_columns(pl.col("demand").fill_null(0.0))
        .sort(["demand", "level", "node_id"], descending=[True, False, False])
        .with_columns(pl.int_range(1, pl.len() + 1).over("chain_id").alias("rank"))
    )


def chokepoints(
    items: pl.DataFrame, other_links: pl.DataFrame, nodes: pl.DataFrame, demand: pl.DataFrame
) -> pl.DataFrame:
    """Key technologies, materials and processes flagged 卡脖子 or imported, with the number of local
    projects on them; ``open`` when there is none. Open ones first, then by downstream demand."""
    projects = (
        other_links.filter((pl.col("kind") == "project") & pl.col("item_id").is_not_null())
        .group_by("item_id")
        .agg(pl.len().alias("projects"))
    )
    return (
        items.filter(
            pl.col("kind").is_in(CHOKE_KINDS) & (pl.col("chokepoint") | (pl.col("supply") == "imported"))
        )
        .join(projects, on="item_id", how="left")
        .with_columns(pl.col("projects").fill_null(0).cast(pl.Int64))
        .join(nodes.select("node_id", "chain_id", pl.col("name").alias("node_name")), on="node_id")
        .join(demand, on="node_id", how="left")
        .with_columns((pl.col("projects") == 0).alias("open"), pl.col("demand").fill_null(0.0))
        .sort(["open", "chokepoint", "demand", "item_id"], descending=[True, True, True, False])
    )


def extend_list(metrics: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """延链: nodes with no local presence directly downstream of a strong node (with those suppliers)."""
    strong = metrics.filter(pl.col("level") == "strong").select(
        pl.col("node_id").alias("src"),
        pl.col("name").alias("from_name"),
        pl.col("revenue").alias("from_revenue"),
    )
    empty = metrics.filter(pl.col("level") == "missing").select(
        pl.col("node_id").alias("dst"), "chain_id", "name", "stage"
    )
    return (
        edges.join(strong, on="src")
        .join(empty, on="dst")
        .group_by("dst", "chain_id", "name", "stage")
        .agg(pl.col("from_name").sort().alias("from"), pl.col("from_revenue").sum(), pl.col("weight").max())
        .rename({"dst": "node_id"})
        .sort(["from_revenue", "node_id"], descending=[True, False])
    )


@dataclass(frozen=True)
class Analysis:
    metrics: pl.DataFrame  # per node
    chains: pl.DataFrame  # per chain (the comparison)
    fill: pl.DataFrame  # 补链
    chokepoints: pl.DataFrame
    extend: pl.DataFrame  # 延链
    params: Params


def analyse(f: AtlasFrames, params: Params = DEFAULT_PARAMS) -> Analysis:
    metrics = node_metrics(f, params)
    top = metrics.filter(pl.col("parent_id").is_null())
    demand = downstream_demand(f.nodes, f.edges, metrics.select("node_id", "revenue"))
    metrics = metrics.join(demand, on="node_id", how="left")
    chains = chain_summary(f.nodes.filter(pl.col("parent_id").is_null()), top, f, params)
    return Analysis(
        metrics,
        chains.sort("strength", descending=True),
        fill_list(metrics.drop("demand"), demand),
        chokepoints(f.items, f.other_links, f.nodes, demand),
        extend_list(metrics, f.edges),
        params,
    )
