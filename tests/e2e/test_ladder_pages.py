"""The ladder, the profile's programme cards and the enterprise self-check, in the browser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.ladder.jobs import refresh_ladder
from kechuang.points.store import refresh as refresh_points

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def city(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as session:
        load_city(session, n=400, seed=12, last_year=2025)
        refresh_ladder(session, date.today())  # the jobs the worker runs: pages only read their results
        refresh_points(session, 2025, runs=20)


def test_ladder_page_and_profile_cards(city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('梯度培育')")
    page.wait_for_selector("#chart-ladder canvas")
    assert page.locator("#rung-table tbody tr").count() >= 6
    assert "规则" in page.inner_text("#run-info")
    assert page.locator("#move-summary tbody tr").count() >= 1
    page.click("#transitions summary")
    assert page.locator("#move-list tbody tr").first.is_visible()
    nearest = page.locator("#next-rung tbody tr a")
    assert nearest.count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ladder.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#transitions a.button")
    assert download.value.suggested_filename.endswith(".xlsx")
    nearest.first.click()
    page.wait_for_selector("#programmes article.programme")
    cards = page.locator("#programmes article.programme")
    assert cards.count() == 8
    hnte = page.locator("#programmes article[data-programme=hnte]")
    assert "国科发火〔2016〕32号" in hnte.inner_text()
    hnte.locator("summary").click()
    assert hnte.locator("tbody tr").count() == 9
    page.screenshot(path=str(ARTIFACTS / "profile-cards.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_enterprise_self_check(city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "enterprise")
    page.click("nav.mainnav a:text-is('本企业')")
    page.click("#self-check-link")
    page.wait_for_selector("#self-check-form")
    page.fill("input[name='tech_staff']", "十个")
    page.click("#self-check-form button[type=submit]")
    assert "“科技人员数”：值“十个”不是整数" in page.inner_text("#self-check-errors")
    page.fill("input[name='tech_staff']", "")
    for field in ("y0.rd_expense", "y0.rd_expense_domestic", "y1.rd_expense", "y2.rd_expense"):
        page.fill(f"input[name='{field}']", "800000000")
    page.click("#self-check-form button[type=submit]")
    page.wait_for_selector("#self-check-results article.programme")
    assert page.locator("#self-check-errors").count() == 0
    assert page.locator("#self-check-results article.programme").count() == 8
    assert "登记数据 → 假设情景" in page.inner_text("#self-check-results h2")
    page.screenshot(path=str(ARTIFACTS / "self-check.png"), full_page=True)


def test_top50_page_with_breakdown(city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('创新积分')")
    page.wait_for_selector("#chart-points canvas")
    rows = page.locator("#points-table > tbody > tr")
    assert rows.count() == 50
    first = rows.first
    assert first.locator("td").first.inner_text() == "1"
    first.locator("summary").click()
    assert first.locator("table.breakdown tbody tr").count() >= 10
    assert "本地默认值" in page.inner_text("#methodology")
    page.select_option("select[name=stage]", "startup")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert (
        page.locator("#points-table > tbody > tr > td:nth-child(5)").all_inner_texts()[:5] == ["初创期"] * 5
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "points-top50.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
