"""The registry in the browser: list and filters, a profile with trend charts, the import flow."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kechuang.db import transaction
from kechuang.demo.city import load_city
from tests.registry_files import filled_template, uscc

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def city(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as session:
        load_city(session, n=400, seed=11, last_year=2025)


def test_list_filter_and_profile(city, live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('企业库')")
    assert "共 400 家" in page.inner_text("main")
    page.select_option("select[name=title]", "hnte")
    page.select_option("select[name=sort]", "revenue")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/enterprises?*title=hnte*")
    rows = page.locator("#enterprise-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 5
    expect(page.locator("#enterprise-table tbody tr .tag:text-is('高新技术企业')")).to_have_count(
        rows.count()
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "enterprise-list.png"), full_page=True)
    rows.first.locator("a").click()
    expect(page.locator("#chart-trend canvas")).to_be_attached()
    expect(page.locator("#figures table tbody tr")).to_have_count(17)
    assert "演示数据生成器" in page.locator("#figures td").first.get_attribute("title")
    page.screenshot(path=str(ARTIFACTS / "enterprise-profile.png"), full_page=True)
    assert page.console_errors == []


def test_import_flow_shows_every_error_then_accepts_a_good_file(live_server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "企业名单-有错.xlsx"
    bad.write_bytes(
        filled_template(
            "enterprises",
            [
                [uscc("A1")[:17] + "0", "校验位错", None, "邗江区"],
                [uscc("B2"), None, None, "江都区"],
                [uscc("C3"), "丙公司", None, "火星区"],
                [uscc("D4"), "丁公司", None, "广陵区", None, "2020-02-30"],
                [uscc("E5"), "戊公司", None, "广陵区", None, None, None, "巨型"],
            ],
        )
    )
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('数据导入')")
    page.wait_for_url(f"{live_server.url}/imports")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:text-is('上传并检查')")
    # expect(...) retries until the page shows it (or its timeout): no fixed waits, no reading the
    # page that is being left
    expect(page.locator("#problems tbody tr")).to_have_count(5)
    expect(page.locator("#preview td.bad")).to_have_count(5)
    page.screenshot(path=str(ARTIFACTS / "import-errors.png"), full_page=True)
    good = tmp_path / "企业名单.xlsx"
    good.write_bytes(filled_template("enterprises", [[uscc("F6"), "己公司", None, "广陵区"]]))
    page.click("a:text-is('重新上传')")
    page.wait_for_url(f"{live_server.url}/imports")
    page.set_input_files("input[type=file]", str(good))
    page.click("button:text-is('上传并检查')")
    confirm = page.locator("button:text-is('确认导入')")
    expect(confirm).to_be_enabled()
    # the preview itself has an .alert.ok ("检查通过"): the result is the one that names the count
    confirm.click()
    expect(page.locator(".alert.ok")).to_contain_text("新增 1")
    assert page.console_errors == []
