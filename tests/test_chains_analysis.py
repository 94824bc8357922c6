"""Chain analytics on small hand-built atlases with known answers."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.chains.analysis import AtlasFrames, analyse, ancestors, downstream_demand

U1, U2, M1, D1, D2, D1A = 1, 2, 3, 4, 5, 6


def atlas(
    links: list[tuple[int, int, str, float | None]],
    others: list[tuple[int, str, int | None]] = (),
    with_sub: bool = False,
) -> AtlasFrames:  # type: ignore[assignment]
    nodes = [
        (U1, 10, "upstream", None, "材料"),
        (U2, 10, "upstream", None, "设备"),
        (M1, 10, "midstream", None, "制造"),
        (D1, 10, "downstream", None, "整机"),
        (D2, 10, "downstream", None, "应用"),
    ]
    if with_sub:
        nodes.append((D1A, 10, "downstream", D1, "整机-细分"))
    return AtlasFrames(
        nodes=pl.DataFrame(
            nodes,
            schema={
                "node_id": pl.Int64,
                "chain_id": pl.Int64,
                "stage": pl.String,
                "parent_id": pl.Int64,
                "name": pl.String,
            },
            orient="row",
        ),
        edges=pl.DataFrame(
            [(10, U1, M1, 0.5), (10, U2, M1, 0.3), (10, M1, D1, 0.6), (10, M1, D2, 0.2)],
            schema={"chain_id": pl.Int64, "src": pl.Int64, "dst": pl.Int64, "weight": pl.Float64},
            orient="row",
        ),
        items=pl.DataFrame(
            [
                (100, M1, "technology", "X工艺", False, "imported"),
                (101, U1, "material", "Y材料", True, "domestic"),
                (102, D1, "pain_point", "Z痛点", False, "imported"),
                (103, D2, "technology", "W技术", False, "domestic"),
            ],
            schema={
                "item_id": pl.Int64,
                "node_id": pl.Int64,
                "kind": pl.String,
                "name": pl.String,
                "chokepoint": pl.Boolean,
                "supply": pl.String,
            },
            orient="row",
        ),
        enterprise_links=pl.DataFrame(
            links,
            schema={
                "node_id": pl.Int64,
                "enterprise_id": pl.Int64,
                "role": pl.String,
                "revenue_share": pl.Float64,
            },
            orient="row",
        ),
        enterprises=pl.DataFrame(
            [(1, 100, 5, False), (2, 50, 1, False), (3, 10, 1, True), (4, 20, 2, True)],
            schema={
                "enterprise_id": pl.Int64,
                "revenue": pl.Int64,
                "rd_expense": pl.Int64,
                "hnte": pl.Boolean,
            },
            orient="row",
        ),
        other_links=pl.DataFrame(
            list(others), schema={"node_id": pl.Int64, "kind": pl.String, "item_id": pl.Int64}, orient="row"
        ),
    )


BASE = [(D1, 1, "member", None), (D2, 2, "member", None), (U2, 3, "member", None)]


def by_node(frame: pl.DataFrame, column: str) -> dict[int, object]:
    return dict(zip(frame["node_id"].to_list(), frame[column].to_list(), strict=True))


def test_downstream_demand_propagates_through_the_edges() -> None:
    f = atlas(BASE)
    revenue = pl.DataFrame({"node_id": [D1, D2, U2], "revenue": [100.0, 50.0, 10.0]})
    demand = by_node(downstream_demand(f.nodes, f.edges, revenue), "demand")
    # M1 = .6·100 + .2·50; U1 = .5·(0 + 70); U2 = .3·(0 + 70)
    assert demand == pytest.approx({U1: 35.0, U2: 21.0, M1: 70.0, D1: 0.0, D2: 0.0})


def test_a_cycle_is_refused() -> None:
    f = atlas(BASE)
    edges = pl.concat([f.edges, pl.DataFrame({"chain_id": [10], "src": [D1], "dst": [U1], "weight": [0.1]})])
    with pytest.raises(ValueError, match="cycle"):
        downstream_demand(f.nodes, edges, pl.DataFrame({"node_id": [D1], "revenue": [1.0]}))


def test_coverage_levels_and_the_fill_list() -> None:
    result = analyse(atlas(BASE))
    chain = result.chains.row(0, named=True)
    assert chain["coverage"] == pytest.approx(3 / 5)
    assert chain["nodes_upstream"] == 2 and chain["nodes_midstream"] == 1 and chain["nodes_downstream"] == 2
    assert chain["light"] == "yellow"  # 40% ≤ 60% < 70%
    levels = by_node(result.metrics, "level")
    assert levels == {U1: "missing", U2: "weak", M1: "missing", D1: "weak", D2: "weak"}
    # missing or weak, by the downstream demand that depends on them; ties by node
    assert result.fill["node_id"].to_list() == [M1, U1, U2, D1, D2]
    assert result.fill["demand"].to_list() == pytest.approx([70.0, 35.0, 21.0, 0.0, 0.0])


def test_concentration_is_hhi_and_cr3_of_revenue() -> None:
    chain = analyse(atlas(BASE)).chains.row(0, named=True)
    assert chain["hhi"] == pytest.approx((100 / 160) ** 2 + (50 / 160) ** 2 + (10 / 160) ** 2)
    assert chain["cr3"] == pytest.approx(1.0)
    assert chain["revenue"] == pytest.approx(160.0) and chain["enterprises"] == 3 and chain["hnte"] == 1


def test_strength_is_the_sum_of_its_components() -> None:
    chain = analyse(atlas(BASE)).chains.row(0, named=True)
    parts = [chain[k] for k in ("s_coverage", "s_scale", "s_innovation", "s_leadership")]
    assert chain["strength"] == pytest.approx(sum(parts))
    assert chain["s_coverage"] == pytest.approx(0.6 * 40)
    assert chain["s_scale"] == pytest.approx(20.0)  # the only chain has the largest revenue
    # R&D 7 / revenue 160 against 5% (capped at 1), HNTE 1 of 3
    assert chain["s_innovation"] == pytest.approx((min((7 / 160) / 0.05, 1) * 0.5 + (1 / 3) * 0.5) * 25)
    assert chain["s_leadership"] == 0


def test_a_chain_leader_makes_a_node_strong_and_suggests_extension() -> None:
    links = [(D1, 1, "member", None), (D2, 2, "member", None), (U2, 3, "leader", None)]
    result = analyse(atlas(links))
    assert by_node(result.metrics, "level")[U2] == "strong"
    assert result.extend["node_id"].to_list() == [M1]  # downstream of the strong U2, nobody local
    assert result.extend.row(0, named=True)["from"] == ["设备"]
    assert U2 not in result.fill["node_id"].to_list()
    assert result.chains.row(0, named=True)["s_leadership"] == pytest.approx(15 / 2)


def test_chokepoints_are_imported_or_flagged_items_open_without_a_local_project() -> None:
    result = analyse(atlas(BASE, others=[(U1, "project", 101), (M1, "carrier", None)]))
    cp = result.chokepoints
    assert cp["name"].to_list() == ["X工艺", "Y材料"]  # not the pain point, not the domestic W技术
    assert cp["open"].to_list() == [True, False]
    assert cp["projects"].to_list() == [0, 1]
    m = by_node(result.metrics, "projects")
    assert m[U1] == 1 and by_node(result.metrics, "carriers")[M1] == 1


def test_a_parent_node_counts_its_sub_nodes_once() -> None:
    links = [*BASE, (D1A, 4, "member", None), (D1A, 1, "member", 0.5)]
    result = analyse(atlas(links, with_sub=True))
    d1 = result.metrics.filter(pl.col("node_id") == D1).row(0, named=True)
    assert d1["enterprises"] == 2  # e1 (on D1 and D1A) counted once, plus e4
    assert d1["revenue"] == pytest.approx(100 + 20)  # e1 at its largest share on the node
    assert d1["hnte"] == 1
    # coverage counts top-level nodes only: the sub-node does not add a node
    assert result.chains.row(0, named=True)["nodes"] == 5


def test_revenue_shares_attribute_revenue() -> None:
    links = [(D1, 1, "member", 0.25), (D2, 2, "member", None), (U2, 3, "member", None)]
    m = by_node(analyse(atlas(links)).metrics, "revenue")
    assert m[D1] == pytest.approx(25.0) and m[D2] == pytest.approx(50.0)


def test_ancestors_walk_every_level() -> None:
    nodes = pl.DataFrame(
        {"node_id": [1, 2, 3], "parent_id": [None, 1, 2]}, schema={"node_id": pl.Int64, "parent_id": pl.Int64}
    )
    pairs = set(ancestors(nodes).iter_rows())
    assert pairs == {(1, 1), (2, 2), (3, 3), (2, 1), (3, 2), (3, 1)}


def test_an_empty_region_has_zero_coverage_and_every_node_missing() -> None:
    result = analyse(atlas([]))
    assert result.chains.row(0, named=True)["coverage"] == 0
    assert result.chains.row(0, named=True)["light"] == "red"
    assert set(by_node(result.metrics, "level").values()) == {"missing"}
    assert result.extend.is_empty()
