"""Signed demands as the targets page's monthly figures (pure: ``figures.monthly``) and in the database:
the job writes every month once, counts 产学研 only for academic partners, rolls a park up to its
district, and a second run writes nothing; a local profile's nodes become 人才/载体 links in the atlas."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import select

from kechuang.auth.scope import SYSTEM
from kechuang.chains.models import ChainNode, NodeLink
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.indicators.models import Figure
from kechuang.matching import figures, service
from kechuang.matching.service import CapabilityValues, DemandValues

TODAY = date(2026, 12, 7)
DISTRICTS = {"321003": "321003", "32100302": "321003", "321002": "321002"}


def _signed(rows):  # type: ignore[no-untyped-def]
    return pl.DataFrame(rows, schema=figures.SIGNED_SCHEMA, orient="row")


def test_monthly_counts_academic_partners_and_sums_amounts_in_wan() -> None:
    frame = figures.monthly(
        _signed(
            [
                (1, "321003", datetime(2026, 3, 5), 500_000, "team"),
                (2, "32100302", datetime(2026, 3, 20), 300_000, "enterprise"),  # a park: its district
                (3, "321002", datetime(2025, 11, 1), None, "university"),
                (4, "321002", datetime(2024, 6, 1), 900_000, "expert"),  # before last year: left out
                (1, "321003", datetime(2026, 1, 5), 500_000, "team"),  # signed earlier, then again: latest
            ]
        ),
        DISTRICTS,
        TODAY,
    )
    at = {(r["region_code"], r["indicator"], r["year"], r["month"]): r for r in frame.iter_rows(named=True)}
    assert at[("321003", figures.IUR, 2026, 3)]["value"] == 1  # the enterprise partner is not 产学研
    assert at[("321003", figures.AMOUNT, 2026, 3)]["value"] == 80.0
    assert at[("321003", figures.IUR, 2026, 1)]["value"] == 0
    assert at[("321002", figures.IUR, 2025, 11)]["value"] == 1
    assert at[("321002", figures.AMOUNT, 2025, 11)]["value"] == 0.0
    assert "需求编号 1、2" in at[("321003", figures.AMOUNT, 2026, 3)]["source"]
    assert "当月签约需求 0 项" == at[("321003", figures.IUR, 2026, 2)]["source"].split("：")[1]
    # every month of last year and this year so far, for each district and indicator
    assert frame.height == 2 * 2 * (12 + 12)
    assert not any(k[2] == 2024 for k in at)


def test_monthly_of_nothing_is_all_zero() -> None:
    frame = figures.monthly(_signed([]), DISTRICTS, date(2026, 2, 1))
    assert frame.height == 2 * 2 * (12 + 2) and frame["value"].sum() == 0


@pytest.fixture
def world(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)
    return {"ent": made.enterprise("扬州氢途科技有限公司", "321003")}


def test_job_writes_each_figure_once_and_links_local_profiles(factory, world) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        node = s.scalars(select(ChainNode.code).order_by(ChainNode.id)).first()
        cap = service.save_capability(
            s,
            actor=SYSTEM,
            values=CapabilityValues(
                name="扬州大学质子交换膜课题组",
                kind="team",
                organisation="扬州大学",
                description="长期从事质子交换膜燃料电池关键材料研究，开发了增强型全氟磺酸复合膜。",
                node_codes=[node],
                region_code="321003",
            ),
        )
        links = list(s.scalars(select(NodeLink).where(NodeLink.source == f"能力档案 {cap.id}")))
        assert [(link.kind, link.name, link.region_code) for link in links] == [
            ("talent", "扬州大学质子交换膜课题组", "321003")
        ]
        demand = service.post_demand(
            s,
            actor=SYSTEM,
            values=DemandValues(
                world["ent"], "质子膜寿命提升", "电堆用国产质子交换膜寿命仅3000小时，需提升。"
            ),
            today=TODAY,
            match=False,
        )
        for status in ("accepted", "matched", "signed"):
            service.move_demand(
                s,
                actor=SYSTEM,
                demand_id=demand.id,
                status=status,
                capability_id=cap.id,
                contract_amount=1_200_000,
            )
        first = figures.feed(s, date.today())
        assert figures.feed(s, date.today()) == 0
        month = date.today()
        row = s.scalar(
            select(Figure).where(
                Figure.region_code == "321003",
                Figure.indicator == figures.AMOUNT,
                Figure.year == month.year,
                Figure.month == month.month,
            )
        )
        assert row is not None and row.value == 120.0 and f"需求编号 {demand.id}" in row.source
        assert first >= 2 * (12 + month.month)
        # the profile moves out of the city: its links go
        service.save_capability(
            s,
            actor=SYSTEM,
            capability_id=cap.id,
            values=CapabilityValues(
                name="扬州大学质子交换膜课题组",
                kind="team",
                organisation="扬州大学",
                description="长期从事质子交换膜燃料电池关键材料研究，开发了增强型全氟磺酸复合膜。",
                node_codes=[node],
            ),
        )
        assert s.scalars(select(NodeLink).where(NodeLink.source == f"能力档案 {cap.id}")).all() == []
