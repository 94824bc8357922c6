"""The target dashboard, the project board and a project's timeline and override, in the browser on the
demo's projects and district figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kechuang.auth.scope import SYSTEM
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.indicators.demo import demo_indicators
from kechuang.projects.demo import demo_projects

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def project_city(factory) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    with transaction(factory) as session:
        load_city(session, n=600, seed=12, last_year=today.year - 1)
        session.info["actor"] = SYSTEM
        load_file(session, actor=SYSTEM)
        demo_links(session, start_year=today.year - 3)
        demo_indicators(session, today=today)
        demo_projects(session, today=today)


def test_dashboard_board_timeline_and_override(project_city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('目标考核')")
    page.wait_for_selector("#heat")
    assert page.locator("#heat tbody tr").count() == 6
    assert page.locator("#heat td[data-light=red]").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "targets-dashboard.png"), full_page=True)
    page.locator("#heat tbody tr th a").first.click()
    page.wait_for_selector("#chart-progress canvas")
    assert page.locator("#district-table tbody tr").count() == 9
    page.screenshot(path=str(ARTIFACTS / "targets-district.png"), full_page=True)
    page.click("nav.mainnav a:text-is('项目监测')")
    page.wait_for_selector("#project-list")
    for light in ("red", "yellow", "green", "grey"):
        assert int(page.inner_text(f"#light-counts a[data-light={light}] .tile-value")) > 0, light
    page.screenshot(path=str(ARTIFACTS / "projects-board.png"), full_page=True)
    page.click("#light-counts a[data-light=red]")
    page.wait_for_selector("#project-list tbody tr[data-light=red]")
    assert page.locator("#project-list tbody tr[data-light=green]").count() == 0
    page.locator("#project-list tbody tr a").first.click()
    page.wait_for_selector("#timeline")
    assert page.locator("#timeline li").count() >= 2
    assert "红灯" in page.inner_text("#status h2")
    page.wait_for_selector("#chart-money canvas")
    page.click("#override summary")
    page.select_option("#override select[name=light]", "yellow")
    page.fill(
        "#override input[name=expires_on]", date.today().replace(year=date.today().year + 1).isoformat()
    )
    page.fill("#override textarea[name=note]", "已约谈承担单位，整改计划已备案")
    page.wait_for_load_state("load")  # a submit clicked while the page still loads can be lost
    page.click("#override button[type=submit]")
    page.wait_for_selector("#status .badge")
    assert "黄灯" in page.inner_text("#status h2") and "已约谈承担单位" in page.inner_text("#reasons")
    assert "人工调整为黄灯" in page.inner_text("#timeline")
    page.screenshot(path=str(ARTIFACTS / "project-detail.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
