"""Ladder page, next-rung export and profile cards on a small demo city, scoped by role."""

from __future__ import annotations

import io

import polars as pl

from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises.models import Enterprise
from kechuang.ladder import service
from tests.conftest import login


def test_ladder_pages_are_scoped(client, factory, made) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=400, seed=3, last_year=2025)
        other = s.query(Enterprise).filter(Enterprise.region_code != "321003").first()
        own = s.query(Enterprise).filter(Enterprise.region_code == "321003").first()
        assert other is not None and own is not None
        other_name, other_id, own_id = other.name, other.id, own.id
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("firm", "enterprise", enterprise_id=own_id)
    login(client, "boss")
    page = client.get("/ladder")
    assert page.status_code == 200 and "rung-table" in page.text and "小升高" in page.text
    export = client.get("/ladder/next-rung.xlsx")
    assert export.status_code == 200
    frame = pl.read_excel(io.BytesIO(export.content))
    assert frame.columns[:2] == ["统一社会信用代码", "企业名称"]
    profile = client.get(f"/enterprises/{own_id}")
    assert 'data-programme="hnte"' in profile.text and "国科发火〔2016〕32号" in profile.text
    client.cookies.clear()
    login(client, "hj")
    page = client.get("/ladder")
    assert page.status_code == 200 and other_name not in page.text
    exported = pl.read_excel(io.BytesIO(client.get("/ladder/next-rung.xlsx").content))
    assert other_name not in exported["企业名称"].to_list()
    assert client.get(f"/enterprises/{other_id}").status_code == 404
    client.cookies.clear()
    login(client, "firm")
    assert client.get("/ladder").status_code == 403


def test_registry_batch_matches_profile_cards(factory) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    day = date(2026, 11, 24)
    with transaction(factory) as s:
        load_city(s, n=150, seed=4, last_year=2025)
        assessed = service.assess_registry(s, actor=SYSTEM, as_of=day)
        for row in assessed.head(40).iter_rows(named=True):
            cards = service.profile_cards(s, actor=SYSTEM, enterprise_id=row["enterprise_id"], as_of=day)
            for card in cards:
                assert card.result["status"] == row[f"{card.programme}.status"], card.programme
    assert assessed.height == 150
