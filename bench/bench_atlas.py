"""Benchmark: atlas analytics over 1,000,000 enterprises and 10,000 nodes.

    python -m bench.bench_atlas [--enterprises 1000000] [--nodes 10000]

Builds synthetic frames (100-node chains in three stages, supply edges from each stage to the next,
three key items per node, every enterprise on one node and a tenth on a second, a fifth of the nodes
left empty) with numpy, then runs the whole analysis (``chains.analysis.analyse``). Prints the time of
each part and the peak memory; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from kechuang.chains.analysis import AtlasFrames, analyse, chain_summary, downstream_demand, node_metrics

from .common import peak_mb

CHAIN_SIZE = 100


def frames(n_enterprises: int, n_nodes: int, seed: int = 5) -> AtlasFrames:
    rng = np.random.default_rng(seed)
    node_id = np.arange(n_nodes)
    chain_id = node_id // CHAIN_SIZE
    pos = node_id % CHAIN_SIZE
    stage_index = np.minimum(pos * 3 // CHAIN_SIZE, 2)
    stage = np.array(["upstream", "midstream", "downstream"])[stage_index]
    nodes = pl.DataFrame(
        {
            "node_id": node_id,
            "chain_id": chain_id,
            "stage": stage,
            "parent_id": pl.Series([None] * n_nodes, dtype=pl.Int64),
            "name": [f"节点{i}" for i in node_id],
        }
    )
    # edges: every node of stage s < 2 supplies three nodes of stage s + 1 in its chain
    src = np.repeat(node_id[stage_index < 2], 3)
    base = (src // CHAIN_SIZE) * CHAIN_SIZE
    lo = np.where(stage_index[src] == 0, CHAIN_SIZE // 3 + 1, 2 * CHAIN_SIZE // 3 + 1)
    hi = np.where(stage_index[src] == 0, 2 * CHAIN_SIZE // 3, CHAIN_SIZE)
    dst = base + rng.integers(lo, hi)
    edges = (
        pl.DataFrame(
            {
                "chain_id": src // CHAIN_SIZE,
                "src": src,
                "dst": dst,
                "weight": rng.uniform(0.05, 0.6, len(src)),
            }
        )
        .unique(["src", "dst"], keep="first")
        .filter(pl.col("src") != pl.col("dst"))
    )
    item_node = np.repeat(node_id, 3)
    items = pl.DataFrame(
        {
            "item_id": np.arange(len(item_node)),
            "node_id": item_node,
            "kind": rng.choice(["technology", "material", "process", "pain_point"], len(item_node)),
            "name": [f"关键环节{i}" for i in range(len(item_node))],
            "chokepoint": rng.random(len(item_node)) < 0.15,
            "supply": rng.choice(["local", "domestic", "imported"], len(item_node), p=[0.2, 0.5, 0.3]),
        }
    )
    open_nodes = node_id[rng.random(n_nodes) >= 0.2]
    ent = np.arange(n_enterprises)
    second = ent[rng.random(n_enterprises) < 0.1]
    link_ent = np.concatenate([ent, second])
    links = pl.DataFrame(
        {
            "node_id": rng.choice(open_nodes, len(link_ent)),
            "enterprise_id": link_ent,
            "role": rng.choice(["leader", "key_supporting", "member"], len(link_ent), p=[0.001, 0.05, 0.949]),
            "revenue_share": rng.uniform(0.3, 1, len(link_ent)),
        }
    )
    revenue = np.exp(rng.normal(16.5, 1.6, n_enterprises)).astype(np.int64)
    enterprises = pl.DataFrame(
        {
            "enterprise_id": ent,
            "revenue": revenue,
            "rd_expense": (revenue * rng.uniform(0, 0.08, n_enterprises)).astype(np.int64),
            "hnte": rng.random(n_enterprises) < 0.15,
        }
    )
    n_other = n_nodes * 5
    other_items = rng.integers(0, len(item_node), n_other)
    others = pl.DataFrame(
        {
            "node_id": item_node[other_items],
            "kind": rng.choice(["carrier", "project", "talent"], n_other),
            "item_id": pl.Series(other_items).set(pl.Series(rng.random(n_other) < 0.5), None),
        }
    )
    return AtlasFrames(nodes, edges, items, links, enterprises, others)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=10_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    f = frames(args.enterprises, args.nodes)
    t1 = time.perf_counter()
    print(
        f"atlas analytics: {args.enterprises:,} enterprises ({f.enterprise_links.height:,} links), "
        f"{args.nodes:,} nodes, {f.edges.height:,} edges, {f.items.height:,} items; input built in {t1 - t0:.1f} s"
    )
    metrics = node_metrics(f)
    t2 = time.perf_counter()
    downstream_demand(f.nodes, f.edges, metrics.select("node_id", "revenue"))
    t3 = time.perf_counter()
    chain_summary(f.nodes, metrics, f)
    t4 = time.perf_counter()
    print(f"  node metrics           {t2 - t1:6.2f} s")
    print(f"  downstream demand      {t3 - t2:6.2f} s")
    print(f"  chain summary          {t4 - t3:6.2f} s")
    t5 = time.perf_counter()
    result = analyse(f)
    t6 = time.perf_counter()
    print(f"whole analysis (analyse): {t6 - t5:.2f} s; peak RSS {peak_mb():,.0f} MB")
    print(
        f"  {result.chains.height} chains, mean coverage {result.chains['coverage'].mean():.1%}; "
        f"{result.fill.height:,} nodes to fill; {int(result.chokepoints['open'].sum()):,} open chokepoints; "
        f"{result.extend.height:,} extension suggestions"
    )


if __name__ == "__main__":
    main()
