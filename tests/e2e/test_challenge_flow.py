"""揭榜挂帅 end to end in the browser: an enterprise posts a demand → the bureau makes it a challenge and
publishes it → an expert bids → after the deadline the bureau screens and assigns a reviewer → the
reviewer scores → the result is publicised → the bureau awards → the project is on the project board
with its light, and the demand shows 已签约."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from kechuang.auth.models import User
from kechuang.auth.scope import SYSTEM
from kechuang.chains.service import load_file
from kechuang.challenges.models import Challenge
from kechuang.db import transaction
from kechuang.matching import service
from kechuang.matching.service import CapabilityValues
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def people(factory, made, live_server):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)
    reviewer = made.user("reviewer", "expert")
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        expert = s.scalar(select(User.id).where(User.username == "expert"))
        for user, name, org in (
            (expert, "南京工业大学储能安全团队", "南京工业大学材料科学与工程学院"),
            (reviewer.id, "东南大学储能评审专家", "东南大学能源与环境学院"),
        ):
            service.save_capability(
                s,
                actor=SYSTEM,
                values=CapabilityValues(
                    name=name,
                    kind="team",
                    organisation=org,
                    description="研究锂离子电池热失控与热扩散抑制，开发气凝胶隔热片和阻燃结构。",
                    user_id=user,
                ),
            )


def _as(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    if username == "reviewer":
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
    else:
        live_server.login(page, username)


def _stage(page, status: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#stage-form select[name=status]", status)
    page.click("#stage-form button[type=submit]")


def test_demand_to_challenge_to_monitored_project(people, live_server, page, factory) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    _as(page, live_server, "enterprise")
    page.goto(f"{live_server.url}/demands/new")
    page.fill("input[name=title]", "储能舱电芯热蔓延抑制")
    page.fill("textarea[name=description]", "储能舱内一个电芯起火后很快烧到一片，想找团队做隔热阻燃方案。")
    page.fill("textarea[name=indicators]", "热扩散时间 30 分钟")
    page.fill("input[name=budget_max]", "120")
    page.click("#demand-form button[type=submit]")
    page.wait_for_selector("#demand-status:text-is('征集')")
    demand_url = page.url

    _as(page, live_server, "admin")
    page.goto(demand_url)
    page.click("#make-challenge")
    assert page.input_value("input[name=title]") == "储能舱电芯热蔓延抑制"
    page.fill("input[name=deadline]", (datetime.now() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    page.uncheck("input[name=local]")  # teams from outside the city may bid
    page.fill("input[name=rd_staff_min]", "5")
    page.fill("input[name=fiscal_budget]", "80")
    page.fill("input[name=self_budget]", "40")
    page.click("#challenge-form button[type=submit]")
    assert "「联系人」" in page.inner_text(".alert.error")  # the contact is missing; nothing saved
    page.fill("input[name=contact]", "市科技局高新处 0514-87000000")
    page.click("#challenge-form button[type=submit]")
    page.wait_for_selector("#challenge-status:text-is('草稿')")
    _stage(page, "published")
    page.wait_for_selector("#challenge-status:text-is('揭榜申报')")
    challenge_url = page.url

    _as(page, live_server, "expert")
    page.click("nav.mainnav a:text-is('揭榜挂帅')")
    page.click("#challenge-list a")
    page.click("#bid-link")
    page.select_option(
        "select[name=capability_id]", label="南京工业大学储能安全团队（南京工业大学材料科学与工程学院）"
    )
    page.fill("input[name=leader]", "李教授")
    page.fill("input[name=rd_staff]", "9")
    page.fill(
        "textarea[name=plan]",
        "以气凝胶复合隔热片加相变吸热层为主线，先做模组级热扩散试验，再做整舱验证，形成设计规范。",
    )
    page.fill("input[name=fiscal_budget]", "70")
    page.fill("input[name=self_budget]", "40")
    soon, later = date.today() + timedelta(days=120), date.today() + timedelta(days=400)
    page.fill("textarea[name=milestones]", f"{soon} 完成模组级热扩散试验\n{later} 完成整舱验证")
    page.check("#bid-form input[name^=declared_]")
    pdf = {"name": "揭榜申报书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 e2e"}
    page.set_input_files("input[name=files]", files=[pdf])
    page.click("#bid-form button[type=submit]")
    page.wait_for_selector("#bid-status:text-is('已申报')")
    assert "揭榜申报书.pdf" in page.inner_text("#bid-files")

    with transaction(factory) as s:  # the bid deadline passes
        s.execute(update(Challenge).values(deadline=datetime.now() - timedelta(minutes=1)))
    _as(page, live_server, "admin")
    page.goto(challenge_url)
    _stage(page, "screening")
    page.wait_for_selector("#challenge-status:text-is('形式审查')")
    assert page.locator("#bid-list .bid-row .badge").inner_text() == "形式审查通过"
    _stage(page, "reviewing")
    page.wait_for_selector("#challenge-status:text-is('专家评审')")
    page.select_option(".assign-form select[name=reviewer_id]", label="reviewer（东南大学能源与环境学院）")
    page.click(".assign-form button[type=submit]")
    page.wait_for_selector("#bid-list .bid-row:has-text('reviewer')")

    _as(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/reviews")
    page.click("#review-tasks a.button")
    for code, value in (
        ("foundation", "88"),
        ("plan", "85"),
        ("targets", "90"),
        ("finance", "75"),
        ("industry", "80"),
    ):
        page.fill(f"input[name=score_{code}]", value)
    page.click("#score-form button[type=submit]")
    page.wait_for_selector(".alert.ok")
    assert "84.60" in page.inner_text("#review-list")  # (20·88 + 30·85 + 20·90 + 10·75 + 20·80) / 100

    _as(page, live_server, "admin")
    page.goto(challenge_url)
    _stage(page, "publicity")
    page.wait_for_selector("#challenge-status:text-is('公示')")
    assert "南京工业大学材料科学与工程学院" in page.inner_text("#result")
    with transaction(factory) as s:  # the public notice ends
        s.execute(update(Challenge).values(publicity_until=date.today() - timedelta(days=1)))
    page.reload()
    _stage(page, "awarded")
    page.wait_for_selector("#challenge-status:text-is('已立项')")
    page.screenshot(path=str(ARTIFACTS / "challenge-awarded.png"), full_page=True)
    page.click("#project-link")
    assert "揭榜挂帅" in page.inner_text("main")
    assert page.locator(".light, [class*=light-]").count() >= 1
    with transaction(factory) as s:
        code = s.scalar(select(Challenge.code))
    page.goto(f"{live_server.url}/projects")
    assert code in page.inner_text("main")
    page.goto(demand_url)
    assert page.inner_text("#demand-status") == "已签约"
    # the refused form above answers 422 (the browser logs it); nothing else may fail
    assert [e for e in page.console_errors if "422" not in e] == []  # type: ignore[attr-defined]
