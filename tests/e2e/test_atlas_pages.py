"""The atlas in the browser on a demo city with the built-in 613 atlas: every chain's graph renders in
three lanes, a node click loads its panel, the gap list exports, the comparison draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.auth.scope import SYSTEM
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def atlas_city(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as session:
        load_city(session, n=1500, seed=12, last_year=2025)
        session.info["actor"] = SYSTEM
        load_file(session, actor=SYSTEM)
        demo_links(session, start_year=2023)


def test_every_chain_is_browsable(atlas_city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('产业图谱')")
    tiles = page.locator("#atlas-grid a.chain-tile")
    assert tiles.count() == 13
    assert page.locator("#atlas-grid section.cluster").count() == 6
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "atlas-overview.png"), full_page=True)
    codes = [tiles.nth(i).get_attribute("data-chain") for i in range(13)]
    for code in codes:
        page.goto(f"{live_server.url}/atlas/chains/{code}")
        page.wait_for_function("window.kechuangChainGraph && window.kechuangChainGraph.nodes().length > 3")
        count = page.evaluate("() => window.kechuangChainGraph.nodes().filter(n => !n.data('lane')).length")
        assert count >= 10, code
        lanes = page.evaluate("() => window.kechuangChainGraph.nodes('.lane').map(n => n.data('label'))")
        assert lanes == ["上游", "中游", "下游"]
        assert page.locator("#fill-list tbody tr").count() >= 1
    page.goto(f"{live_server.url}/atlas/chains/crystalline_pv")
    page.wait_for_function("window.kechuangChainGraph && window.kechuangChainGraph.nodes().length > 3")
    node_id = page.evaluate(
        "() => window.kechuangChainGraph.nodes().filter(n => !n.data('lane') "
        "&& n.data('enterprises') > 0)[0].id()"
    )
    page.evaluate(f"() => window.kechuangChainGraph.getElementById('{node_id}').emit('tap')")
    page.wait_for_selector(f"#node-detail[data-node='{node_id}']")
    assert page.locator("#node-enterprises tbody tr a").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "atlas-chain.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#fill-list a.button")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.click("a.button:text-is('产业链对比')")
    page.wait_for_selector("#chart-compare canvas")
    assert page.locator("#compare-table tbody tr").count() == 13
    page.screenshot(path=str(ARTIFACTS / "atlas-compare.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
