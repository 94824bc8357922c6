"""The API's reads of targets, points and the ladder, and an enterprise's assessment with a "what if":
the same figures as the pages' services, scoped, validated, and GETs that write nothing — on both
databases."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises.models import Enterprise
from kechuang.indicators import service as targets
from kechuang.indicators.demo import demo_indicators
from kechuang.ladder.jobs import refresh_ladder
from kechuang.points import store as points
from tests.conftest import bearer

TODAY = date.today()
HANJIANG, GUANGLING = "321003", "321002"


@pytest.fixture
def heads(factory, made, client):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=250, seed=6, last_year=TODAY.year - 1)
        demo_indicators(s, today=TODAY)
        points.refresh(s, TODAY.year - 1, runs=10)  # the jobs' work: the API only reads it
        refresh_ladder(s, TODAY)
    made.user("boss", "admin")
    made.user("hj", "district", region_code=HANJIANG)
    made.user("exp", "expert")
    return {name: bearer(client, name) for name in ("boss", "hj", "exp")}


def _writes(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_target_board_is_the_dashboard_scoped_and_validated(heads, client, factory) -> None:  # type: ignore[no-untyped-def]
    before = _writes(factory)
    board = client.get("/api/v1/targets", headers=heads["boss"])
    assert board.status_code == 200, board.text
    body = board.json()
    with factory() as s:
        y, m = targets.latest_period(s)
        d = targets.dashboard(s, actor=SYSTEM, year=y, month=m)
    assert (body["year"], body["month"]) == (y, m) and len(body["cells"]) == d.frame.height
    cell = body["cells"][0]
    row = d.frame.filter(
        (pl.col("region_code") == cell["region_code"]) & (pl.col("indicator") == cell["indicator"])
    ).row(0, named=True)
    assert cell["completion"] == pytest.approx(row["completion"]) and cell["light"] == row["light"]
    assert sum(body["lights"].values()) == d.frame.height
    mine = client.get("/api/v1/targets", headers=heads["hj"]).json()
    assert mine["cells"] and {c["region_code"] for c in mine["cells"]} == {HANJIANG}
    bad = client.get("/api/v1/targets", params={"month": 13}, headers=heads["boss"])
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "month"
    assert _writes(factory) == before


def test_district_targets_carry_series_and_figure_sources(heads, client) -> None:  # type: ignore[no-untyped-def]
    view = client.get(f"/api/v1/targets/regions/{HANJIANG}", headers=heads["hj"])
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["region_name"] == "邗江区" and body["cells"]
    assert body["series"]["indicator"] == body["cells"][0]["indicator"] and len(body["series"]["now"]) == 12
    assert body["figures"] and all(f["source"] for f in body["figures"])
    chosen = body["cells"][-1]["indicator"]
    other = client.get(
        f"/api/v1/targets/regions/{HANJIANG}", params={"indicator": chosen}, headers=heads["hj"]
    ).json()
    assert other["series"]["indicator"] == chosen
    assert client.get(f"/api/v1/targets/regions/{GUANGLING}", headers=heads["hj"]).status_code in (403, 404)
    assert client.get("/api/v1/targets/regions/999999", headers=heads["boss"]).status_code == 404
    assert client.get("/api/v1/targets/regions/abc", headers=heads["boss"]).status_code == 422


def test_points_ranking_pages_and_methodology(heads, client, factory) -> None:  # type: ignore[no-untyped-def]
    year = TODAY.year - 1
    first = client.get(
        "/api/v1/points/ranking", params={"year": year, "page_size": 10}, headers=heads["boss"]
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["total"] == 250 and [i["rank"] for i in body["items"]] == sorted(
        i["rank"] for i in body["items"]
    )
    second = client.get(
        "/api/v1/points/ranking", params={"year": year, "page": 2, "page_size": 10}, headers=heads["boss"]
    ).json()
    assert {i["enterprise_id"] for i in second["items"]}.isdisjoint(i["enterprise_id"] for i in body["items"])
    assert second["items"][0]["rank"] >= body["items"][-1]["rank"]
    with factory() as s:
        board = points.ranking(s, actor=SYSTEM, year=year, limit=1)
    top = board.rows.row(0, named=True)
    assert body["items"][0]["total"] == pytest.approx(top["total"]) and body["computed_at"]
    mine = client.get("/api/v1/points/ranking", params={"year": year}, headers=heads["hj"]).json()
    assert mine["items"] and all(i["region_code"].startswith(HANJIANG) for i in mine["items"])
    stage = client.get(
        "/api/v1/points/ranking", params={"year": year, "stage": "growth"}, headers=heads["boss"]
    ).json()
    assert {i["stage"] for i in stage["items"]} == {"growth"}
    assert client.get("/api/v1/points/ranking", headers=heads["exp"]).status_code == 403
    m = client.get("/api/v1/points/methodology", headers=heads["boss"]).json()
    assert m["stamp"] == body["methodology"] and m["indicators"]
    for stage_name in ("startup", "growth", "mature"):
        assert sum(i["weights"][stage_name] for i in m["indicators"]) == pytest.approx(100)


def test_ladder_summary_is_the_pages_and_scoped(heads, client, factory) -> None:  # type: ignore[no-untyped-def]
    before = _writes(factory)
    whole = client.get("/api/v1/ladder", headers=heads["boss"])
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert body["computed_at"] and not body["stale"] and body["rules"]["hnte"]
    assert sum(r["enterprises"] for r in body["regions"]) == 250
    assert body["nearest_hnte"] and all(n["gaps"] or n["missing"] for n in body["nearest_hnte"])
    mine = client.get("/api/v1/ladder", headers=heads["hj"]).json()
    assert mine["regions"] and all(r["region_code"].startswith(HANJIANG) for r in mine["regions"])
    assert all(n["region_code"].startswith(HANJIANG) for n in mine["nearest_hnte"])
    assert (
        client.get("/api/v1/ladder", params={"year": TODAY.year + 1}, headers=heads["boss"]).status_code
        == 422
    )
    assert _writes(factory) == before


def test_enterprise_assessment_and_what_if(heads, client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as s:
        own = s.scalar(select(Enterprise.id).where(Enterprise.region_code == HANJIANG).limit(1))
        other = s.scalar(select(Enterprise.id).where(Enterprise.region_code == GUANGLING).limit(1))
    cards = client.get(f"/api/v1/enterprises/{own}/assessment", headers=heads["hj"])
    assert cards.status_code == 200, cards.text
    hnte = next(c for c in cards.json()["cards"] if c["programme"] == "hnte")
    assert hnte["result"]["status"] in ("met", "not_met", "unknown") and "国科发火" in str(hnte["result"])
    tried = client.post(
        f"/api/v1/enterprises/{own}/self-check",
        json={"values": {"y0.rd_expense": 90_000_000, "ip.class_i": 5}},
        headers=heads["hj"],
    )
    assert tried.status_code == 200 and tried.json()["what_if"], tried.text
    incoherent = client.post(
        f"/api/v1/enterprises/{own}/self-check",
        json={"values": {"employees": 5, "tech_staff": 50}},
        headers=heads["hj"],
    )
    assert incoherent.status_code == 422 and "不能大于" in incoherent.json()["problems"][0]["message"]
    unknown = client.post(
        f"/api/v1/enterprises/{own}/self-check", json={"values": {"y0.magic": 1}}, headers=heads["hj"]
    )
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["field"] == "values.y0.magic"
    assert client.get(f"/api/v1/enterprises/{other}/assessment", headers=heads["hj"]).status_code == 404


def test_overview_is_the_home_pages_figures_in_scope(heads, client, factory) -> None:  # type: ignore[no-untyped-def]
    whole = client.get("/api/v1/overview", headers=heads["boss"]).json()
    mine = client.get("/api/v1/overview", headers=heads["hj"]).json()
    with factory() as s:
        own = s.scalar(
            select(func.count()).select_from(Enterprise).where(Enterprise.region_code.startswith(HANJIANG))
        )
    assert whole["enterprises"] == 250 and mine["enterprises"] == own < 250
    assert mine["regions"] and all(r["region_code"].startswith(HANJIANG) for r in mine["regions"])
    assert len(whole["regions"]) > len(mine["regions"])


def test_the_what_if_schema_offers_exactly_the_self_check_fields() -> None:
    from kechuang.ladder.schemas import WhatIfValues
    from kechuang.ladder.what_if import WHAT_IF_FIELDS

    aliases = [f.alias or name for name, f in WhatIfValues.model_fields.items()]
    assert aliases == [key for key, _, _ in WHAT_IF_FIELDS]
