"""Documents to facts in the browser: upload a scraped page, review its facts, accept one into an
indicator, and find its source sentence on the indicator's page."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.db import transaction
from kechuang.indicators.service import ensure_indicators

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
PAGE = """首页 > 新闻中心 > 工作动态
全市科技创新工作会议召开
发布时间：2026-11-25　来源：市科技局　【打印】【关闭】
会议指出，今年1-10月，我市全社会研发投入达186.5亿元，同比增长11.2%。截至10月底，全市有效高新技术企业达到2130家，较去年净增356家，总数居全省第6位。扬州大学、江苏星澜智能装备有限公司等单位的两项成果获省科学技术奖。
会议要求，力争全年技术合同成交额突破260亿元。
相关阅读：
· 扬州市召开人才工作会议
版权所有 扬州市科学技术局　苏ICP备00000000号-1
"""


@pytest.fixture
def catalogue(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as session:
        ensure_indicators(session)


def test_upload_review_accept_and_source_sentence(catalogue, live_server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    doc = tmp_path / "科技工作会议.txt"
    doc.write_text(PAGE, encoding="utf-8")
    live_server.login(page, "admin")
    page.click("nav.mainnav a:text-is('资讯抽取')")
    page.set_input_files("#upload-form input[type=file]", str(doc))
    page.select_option("#upload-form select[name=region_code]", "321000")
    page.fill("#upload-form input[name=published_on]", "2026-11-25")
    page.wait_for_load_state("load")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#review-queue article.fact-card")
    assert page.locator(".doc-body a.fact").count() >= 5
    assert (
        "相关阅读" in page.inner_text(".doc-body .boiler >> nth=-1")
        or page.locator(".doc-body .boiler").count() >= 2
    )
    card = page.locator("article.fact-card").filter(has=page.locator("p.sentence mark", has_text="2130家"))
    assert card.locator("select[name=indicator]").input_value() == "hnte_count"
    assert card.locator("input[name=year]").input_value() == "2026"
    assert card.locator("input[name=month]").input_value() == "10"
    page.screenshot(path=str(ARTIFACTS / "document-review.png"), full_page=True)
    page.wait_for_load_state("load")  # a submit clicked while the page still loads can be lost
    card.locator("button[value=accept]").click()
    page.wait_for_selector("article.fact-card.status-accepted")
    accepted = page.locator("article.fact-card.status-accepted")
    assert "已采纳" in accepted.inner_text()
    rank = page.locator("article.fact-card").filter(has=page.locator("p.sentence mark", has_text="第6位"))
    page.wait_for_load_state("load")
    rank.locator("button[value=reject]").click()
    page.wait_for_selector("article.fact-card.status-rejected")
    page.wait_for_load_state("load")
    page.locator("article.fact-card.status-accepted a:text-is('查看指标数据')").click()
    page.wait_for_selector("#figures")
    row = page.locator("#figures tr", has_text="科技工作会议.txt")
    assert "2130家" in row.locator("mark").inner_text()
    assert "截至10月底" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "indicator-source.png"), full_page=True)
    assert page.console_errors == []  # type: ignore[attr-defined]
