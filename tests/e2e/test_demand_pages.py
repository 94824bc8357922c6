"""Technology demands in the browser: an enterprise posts a demand and sees its recommended teams with
reasons; the district accepts it, matches it with a team and recommends it; the team's expert finds
the message in the inbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kechuang.auth.models import User
from kechuang.auth.scope import SYSTEM
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.matching import service
from kechuang.matching.service import CapabilityValues

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def registry(factory, made):  # type: ignore[no-untyped-def]
    made.enterprise("扬州储能安全科技有限公司", "321003")
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)


def _team(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        expert = s.scalar(select(User.id).where(User.username == "expert"))
        s.info["actor"] = SYSTEM
        service.save_capability(
            s,
            actor=SYSTEM,
            values=CapabilityValues(
                name="南京工业大学储能安全团队",
                kind="team",
                organisation="南京工业大学",
                description="研究锂离子电池热失控与热扩散抑制，开发气凝胶隔热片和阻燃结构，热蔓延时间延长到30分钟以上。",
                user_id=expert,
            ),
        )


def test_post_match_recommend_inbox(registry, live_server, page, factory) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    _team(factory)
    live_server.login(page, "enterprise")
    page.click("nav.mainnav a:text-is('需求对接')")
    page.click("#post-demand")
    page.fill("input[name=title]", "储能舱电芯热蔓延抑制")
    page.fill(
        "textarea[name=description]",
        "储能舱内一个电芯起火后很快烧到一片，想找团队做隔热阻燃方案，让相邻电芯30分钟内不起火。",
    )
    page.fill("textarea[name=indicators]", "热扩散时间 30 分钟")
    page.fill("input[name=budget_min]", "五十")
    page.click("#demand-form button[type=submit]")
    assert "预算下限（万元）" in page.inner_text(".alert.error")
    page.fill("input[name=budget_min]", "50")
    page.fill("input[name=budget_max]", "80")
    page.click("#demand-form button[type=submit]")
    page.wait_for_selector("#matches")
    assert page.inner_text("#demand-status") == "征集"
    first = page.locator("#matches tr.match-row").first
    assert "南京工业大学储能安全团队" in first.inner_text()
    assert first.locator(".reasons .tag").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "demand-page.png"), full_page=True)
    url = page.url
    page.context.clear_cookies()
    live_server.login(page, "hanjiang")
    page.goto(url)
    page.select_option("#status-form select[name=status]", "accepted")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("#demand-status:text-is('已受理')")
    page.select_option("#status-form select[name=status]", "matched")
    page.select_option("#status-form select[name=capability_id]", label="南京工业大学储能安全团队")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("#demand-status:text-is('已对接')")
    page.locator("#matches tr.match-row").first.locator("button:text-is('推荐给')").click()
    assert "通知账号数：1" in page.inner_text("#matches .alert.ok")
    assert [r.inner_text().split("\t")[1] for r in page.locator("#history tbody tr").all()] == [
        "征集",
        "已受理",
        "已对接",
    ]
    page.context.clear_cookies()
    live_server.login(page, "expert")
    page.click("#inbox-link")
    assert "为您推荐技术需求：储能舱电芯热蔓延抑制" in page.inner_text("#inbox")
    page.click("#inbox button")
    page.wait_for_selector("#matches")
    page.screenshot(path=str(ARTIFACTS / "demand-hall-expert.png"), full_page=True)
    # the one 422 is the refused budget above
    assert [e for e in page.console_errors if "422" not in e] == []  # type: ignore[attr-defined]
