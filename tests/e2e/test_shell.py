"""Each demo role logs in through the browser, sees its navigation, no console errors, Chinese in a CJK font."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"

EXPECTED_NAV = {
    "admin": [
        "首页",
        "企业库",
        "产业图谱",
        "项目监测",
        "目标考核",
        "需求对接",
        "揭榜挂帅",
        "载体人才",
        "科创地图",
        "资讯抽取",
        "梯度培育",
        "创新积分",
        "数据导入",
        "地区",
        "用户管理",
        "审计日志",
        "后台任务",
        "API 文档",
    ],
    "hanjiang": [
        "首页",
        "企业库",
        "产业图谱",
        "项目监测",
        "目标考核",
        "需求对接",
        "揭榜挂帅",
        "载体人才",
        "科创地图",
        "资讯抽取",
        "梯度培育",
        "创新积分",
        "数据导入",
        "地区",
        "API 文档",
    ],
    "enterprise": [
        "首页",
        "本企业",
        "项目监测",
        "需求对接",
        "揭榜挂帅",
        "创新积分",
        "数据导入",
        "地区",
        "API 文档",
    ],
    "expert": ["首页", "需求对接", "揭榜挂帅", "地区", "API 文档"],
    "viewer": [
        "首页",
        "企业库",
        "产业图谱",
        "项目监测",
        "目标考核",
        "需求对接",
        "揭榜挂帅",
        "载体人才",
        "科创地图",
        "资讯抽取",
        "梯度培育",
        "创新积分",
        "地区",
        "API 文档",
    ],
}


def _platform_fonts(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The fonts Chromium really used to draw the element's text (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in fonts if f["glyphCount"] > 0]


@pytest.mark.parametrize("username", list(EXPECTED_NAV))
def test_role_logs_in_and_sees_its_navigation(live_server, page, username: str) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, username)
    nav = page.locator("nav.mainnav a").all_inner_texts()
    assert nav == EXPECTED_NAV[username]
    assert page.locator("h1").inner_text() == "首页"
    fonts = _platform_fonts(page, "h1")
    assert any("CJK" in f or "Noto Sans SC" in f or "Source Han" in f for f in fonts), fonts
    for link in nav:
        if link == "API 文档":
            continue
        page.click(f"nav.mainnav a:text-is('{link}')")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(ARTIFACTS / f"home-{username}.png"), full_page=True)
    assert page.console_errors == []


def test_home_chart_is_drawn_with_vendored_echarts(live_server, page) -> None:  # type: ignore[no-untyped-def]
    live_server.login(page, "admin")
    page.wait_for_selector("#chart-regions canvas")
    assert page.evaluate("typeof echarts") == "object"
    assert page.console_errors == []


def test_anonymous_user_is_sent_to_login(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/admin/users")
    assert page.url.startswith(f"{live_server.url}/login")
    assert page.locator("nav.mainnav").count() == 0


def test_api_docs_work_offline(live_server, page) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in requests), requests
    assert page.console_errors == []


def test_language_switch_and_bad_login(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert.error").inner_text()
    live_server.login(page, "admin")
    page.click("text=English")
    assert page.locator("h1").inner_text() == "Home"
    assert page.locator("html").get_attribute("lang") == "en"
