"""The three maps in the browser on a small demo city (registry, atlas links, carriers, talent and
apartments, indicators): each draws a non-blank ECharts map from kechuang's own files only, a carrier
click opens its panel, the table view and the xlsx export agree with the map, a district operator sees
only its district, and the targets page draws its district map."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kechuang.auth.scope import SYSTEM
from kechuang.carriers.demo import demo_carriers
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.indicators.demo import demo_indicators

pytestmark = pytest.mark.e2e
TODAY = date.today()
MAPS = ("industry", "carriers", "apartments")

# Every layer's canvas (the scatter series sit on their own zlevel): pixels that are neither transparent
# nor white, and how many distinct colours they use.
CANVAS_INK = """(sel) => {
  const canvases = Array.from(document.querySelectorAll(sel + ' canvas'));
  let ink = 0; const colours = new Set();
  for (const c of canvases) {
    if (!c.width || !c.height) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      if (d[i] > 250 && d[i + 1] > 250 && d[i + 2] > 250) continue;
      ink++;
      if (colours.size < 5000) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
  }
  return {canvases: canvases.length, ink: ink, colours: colours.size};
}"""

OPTION_SUMMARY = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const o = chart.getOption();
  const map = echarts.getMap('kc-' + id);
  return {
    geo: (o.geo || []).length,
    regions: map ? map.geoJson.features.map(f => f.properties.name) : null,
    areas: o.series[0].type === 'map' ? o.series[0].data.length : -1,
    scatter: o.series.filter(s => s.type === 'scatter').map(s => s.data.length),
  };
}"""


@pytest.fixture
def map_city(factory) -> None:  # type: ignore[no-untyped-def]
    """A 300-enterprise demo city with the atlas and its demo links, the demo carriers (with tenants,
    talent and apartments) and the demo indicators, as load_demo would load them."""
    with transaction(factory) as session:
        load_city(session, n=300, seed=11, last_year=TODAY.year - 1)
        session.info["actor"] = SYSTEM
        load_file(session, actor=SYSTEM)
        demo_links(session, start_year=TODAY.year - 3)
        demo_carriers(session, today=TODAY)
        assert demo_indicators(session, today=TODAY) > 0


def _record_requests(page) -> list[str]:  # type: ignore[no-untyped-def]
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def _drawn(page, map_id: str = "map") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f'#{map_id}[data-ready="1"]', state="attached", timeout=15000)
    page.wait_for_function(f"() => ({CANVAS_INK})('#{map_id}').ink > 500", timeout=10000)
    ink: dict[str, Any] = page.evaluate(CANVAS_INK, f"#{map_id}")
    summary: dict[str, Any] = page.evaluate(OPTION_SUMMARY, map_id)
    return {**ink, **summary}


def _map_json(page, map_id: str = "map") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(page.locator(f"#{map_id}-data").text_content() or "{}")


def _points(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for s in view["series"] for p in s["points"]]


@pytest.mark.parametrize("kind", MAPS)
def test_each_map_draws_from_the_server_alone(map_city, live_server, page, kind: str) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    urls = _record_requests(page)
    page.goto(f"{live_server.url}/maps/{kind}")
    drawn = _drawn(page)
    view = _map_json(page)
    page.screenshot(path=f"/tmp/e2e_map_{kind}.png", full_page=True)
    assert drawn["ink"] > 500 and drawn["colours"] > 10, drawn
    assert drawn["geo"] == 1
    assert drawn["regions"] is not None and len(drawn["regions"]) == len(view["areas"]) == 6
    assert drawn["areas"] == 6
    assert drawn["scatter"] and max(drawn["scatter"]) >= 1, drawn
    assert sum(drawn["scatter"]) == len(_points(view))
    assert urls, "no request recorded"
    outside = [u for u in urls if not u.startswith(live_server.url + "/")]
    assert outside == [], outside
    assert page.console_errors == []  # type: ignore[attr-defined]


def _isolated(points: list[dict[str, Any]], pixels: list[list[float]], box: dict[str, float]) -> int:
    """The index of the point farthest from every other point (in pixels), well inside the map."""
    best, best_gap = -1, -1.0
    for i, (x, y) in enumerate(pixels):
        if not (40 < x < box["width"] - 40 and 60 < y < box["height"] - 80):
            continue  # clear of the legend, the visual map and the edges
        gap = min((math.dist((x, y), q) for j, q in enumerate(pixels) if j != i), default=1e9)
        if gap > best_gap:
            best, best_gap = i, gap
    assert best >= 0, "no carrier point inside the map"
    return best


def _click_an_isolated_carrier(page) -> tuple[Any, dict[str, Any], set[str]]:  # type: ignore[no-untyped-def]
    """Click the carrier point farthest from the others, as a user would (mouse on the canvas); the
    panel it opens, the point, and the names of the points under the click."""
    _drawn(page)
    points = [p for p in _points(_map_json(page)) if p.get("panel")]
    assert points
    pixels = page.evaluate(
        """(pts) => {
          const chart = echarts.getInstanceByDom(document.getElementById('map'));
          return pts.map(p => chart.convertToPixel({geoIndex: 0}, [p[0], p[1]]));
        }""",
        [[p["lng"], p["lat"]] for p in points],
    )
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    assert box is not None
    chosen = _isolated(points, pixels, box)
    x, y = pixels[chosen]
    radius = max(points[chosen]["size"], 6) / 2 + 2
    nearby = {p["name"] for p, q in zip(points, pixels, strict=True) if math.dist((x, y), q) <= radius + 12}
    assert page.locator("#map-panel").is_hidden()
    page.mouse.click(box["x"] + x, box["y"] + y)
    panel = page.locator("#map-panel .carrier-panel")
    panel.wait_for(state="visible", timeout=10000)
    return panel, points[chosen], nearby


def test_clicking_a_carrier_opens_its_panel(map_city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.goto(f"{live_server.url}/maps/carriers")
    panel, point, nearby = _click_an_isolated_carrier(page)
    name = panel.locator("h3").inner_text().strip()
    assert name == point["name"] or name in nearby, (name, point["name"])
    assert panel.get_attribute("data-carrier") == str(point["id"]) or name in nearby
    page.screenshot(path="/tmp/e2e_map_carriers_panel.png")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_opened_panel_is_usable(map_city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.goto(f"{live_server.url}/maps/carriers")
    panel, _, _ = _click_an_isolated_carrier(page)
    page.wait_for_timeout(300)
    widths = page.evaluate(
        """() => [document.getElementById('map').getBoundingClientRect().right,
                  Math.max(...Array.from(document.querySelectorAll('#map canvas'))
                    .map(c => c.getBoundingClientRect().right))]"""
    )
    hit = page.evaluate(
        """() => {
          const a = document.querySelector('#map-panel .carrier-panel h3 a');
          const b = a.getBoundingClientRect();
          const e = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
          return a.contains(e) ? 'link' : e.tagName;
        }"""
    )
    assert widths[1] <= widths[0] + 1, f"the chart's canvas ends at {widths[1]} px, the map at {widths[0]} px"
    assert hit == "link", f"a click on the carrier's name lands on {hit}"
    carrier = panel.get_attribute("data-carrier")
    panel.locator("h3 a").click(timeout=5000)
    page.wait_for_url(f"**/carriers/{carrier}")


def test_table_view_and_export_agree_with_the_map(map_city, live_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.goto(f"{live_server.url}/maps/carriers")
    _drawn(page)
    count = len(_points(_map_json(page)))
    assert count > 0
    page.click("#toggle-view")
    page.wait_for_url("**/maps/carriers?*view=table*")
    assert page.locator("#map").count() == 0
    table = page.locator('#map-tables table[data-title="载体"]')
    assert table.is_visible()
    assert table.locator("tbody tr").count() == count
    with page.expect_download() as download:
        page.click("#map-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    target = tmp_path / "carriers.xlsx"
    download.value.save_as(target)
    sheet = load_workbook(target, read_only=True)["载体"]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rows[0][0] == "名称"
    assert len(rows) - 1 == count
    shown = {t.strip() for t in table.locator("tbody tr td:first-child").all_inner_texts()}
    assert {r[0] for r in rows[1:]} == shown
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_district_operator_sees_only_its_district(map_city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "hanjiang")
    urls = _record_requests(page)
    page.goto(f"{live_server.url}/maps/carriers")
    drawn = _drawn(page)
    view = _map_json(page)
    assert [a["name"] for a in view["areas"]] == ["邗江区"]
    assert drawn["regions"] == ["邗江区"]
    assert drawn["areas"] == 1
    assert drawn["ink"] > 500 and drawn["colours"] > 10, drawn
    assert {p["region"] for p in _points(view)} <= {"321003"}
    page.screenshot(path="/tmp/e2e_map_hanjiang.png", full_page=True)
    assert [u for u in urls if not u.startswith(live_server.url + "/")] == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_targets_page_draws_the_district_map(map_city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.goto(f"{live_server.url}/targets")
    assert page.locator("#target-map select[name=map_indicator] option").count() >= 2
    drawn = _drawn(page, "target-choropleth")
    view = _map_json(page, "target-choropleth")
    assert view["kind"] == "indicator" and len(view["areas"]) == 6
    assert drawn["geo"] == 1 and drawn["areas"] == 6 and drawn["scatter"] == []
    assert drawn["ink"] > 500, drawn
    page.locator("#target-map").screenshot(path="/tmp/e2e_map_targets.png")
    assert page.console_errors == []  # type: ignore[attr-defined]
