"""The demand hall, posting a demand through the form (money in 万元, every problem at once), the demand
page with its matches and reasons, status steps and 推荐给, capability profiles, the inbox, and the
demands API — on both databases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kechuang.auth.scope import SYSTEM
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.matching import service
from kechuang.matching.models import Demand
from kechuang.matching.service import CapabilityValues
from tests.conftest import bearer, login


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, path
    return found.group(1)


@pytest.fixture
def setup(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)
    ent = made.enterprise("扬州储能安全科技有限公司", "321003")
    other = made.enterprise("广陵食品有限公司", "321002")
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("firm", "enterprise", enterprise_id=ent)
    made.user("rival", "enterprise", enterprise_id=other)
    expert = made.user("prof", "expert")
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        cap = service.save_capability(
            s,
            actor=SYSTEM,
            values=CapabilityValues(
                name="南京工业大学储能安全团队",
                kind="team",
                organisation="南京工业大学",
                description="研究锂离子电池热失控与热扩散抑制，开发气凝胶隔热片和阻燃结构，热蔓延时间延长到30分钟以上。",
                results=["一种储能电池模组热扩散阻隔结构（ZL202210000002.2）"],
                user_id=expert.id,
            ),
        )
    return {"ent": ent, "cap": cap.id}


DEMAND_FORM = {
    "title": "储能舱电芯热蔓延抑制",
    "description": "储能舱内一个电芯起火后很快烧到一片，想找团队做隔热阻燃方案，让相邻电芯30分钟内不起火。",
    "indicators": "热扩散时间 30 分钟\n导热系数 0.05 W/(m·K)",
    "budget_min": "50",
    "budget_max": "80",
    "confidentiality": "public",
}


def test_enterprise_posts_and_sees_matches_with_reasons(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "firm")
    assert "发布需求" in client.get("/demands").text
    form = {**DEMAND_FORM, "csrf_token": _csrf(client, "/demands/new")}
    resp = client.post("/demands", data=form, follow_redirects=False)
    assert resp.status_code == 303
    page = client.get(resp.headers["location"])
    assert page.status_code == 200
    assert "南京工业大学储能安全团队" in page.text and "热失控" in page.text or "热蔓延" in page.text
    assert "500,000" in page.text or "50万" in page.text
    with transaction(factory) as s:
        demand = s.scalars(select(Demand)).one()
        assert demand.budget_min == 500_000 and demand.budget_max == 800_000
        assert demand.indicators[0] == {"name": "热扩散时间", "value": 30.0, "unit": "分钟"}
        assert demand.chain_code == "energy_storage"
    hall = client.get("/demands").text
    assert "储能舱电芯热蔓延抑制" in hall and "南京工业大学储能安全团队" in hall


def test_form_reports_every_problem_and_writes_nothing(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "firm")
    form = {
        **DEMAND_FORM,
        "title": "",
        "budget_min": "五十万",
        "deadline": "2020-01-01",
        "indicators": "没有数字的一行",
        "csrf_token": _csrf(client, "/demands/new"),
    }
    resp = client.post("/demands", data=form)
    assert resp.status_code == 422
    for words in ("预算下限（万元）", "五十万", "技术指标", "没有数字的一行"):
        assert words in resp.text, words
    form["budget_min"], form["indicators"] = "50", ""
    resp = client.post("/demands", data=form)
    assert resp.status_code == 422 and "需求名称" in resp.text and "截止日期" in resp.text
    with transaction(factory) as s:
        assert s.scalars(select(Demand)).all() == []


def test_district_moves_and_recommends_and_the_expert_is_told(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "firm")
    client.post("/demands", data={**DEMAND_FORM, "csrf_token": _csrf(client, "/demands/new")})
    with transaction(factory) as s:
        demand_id = s.scalars(select(Demand.id)).one()
    client.cookies.clear()
    login(client, "hj")
    page = client.get(f"/demands/{demand_id}").text
    assert "推荐给" in page and 'id="status-form"' in page
    token = _csrf(client, f"/demands/{demand_id}")
    early = client.post(f"/demands/{demand_id}/status", data={"csrf_token": token, "status": "matched"})
    assert early.status_code == 422 and "可改为：已受理、撤回" in early.text
    accept = {"csrf_token": token, "status": "accepted"}
    assert client.post(f"/demands/{demand_id}/status", data=accept, follow_redirects=False).status_code == 303
    bad = client.post(f"/demands/{demand_id}/status", data={"csrf_token": token, "status": "matched"})
    assert bad.status_code == 422 and "与谁对接" in bad.text
    match = {"csrf_token": token, "status": "matched", "capability_id": str(setup["cap"])}
    assert client.post(f"/demands/{demand_id}/status", data=match, follow_redirects=False).status_code == 303
    told = client.post(
        f"/demands/{demand_id}/recommend",
        data={"csrf_token": token, "capability_id": str(setup["cap"])},
        follow_redirects=False,
    )
    assert told.status_code == 303 and "told=1" in told.headers["location"]
    assert "已对接" in client.get(f"/demands/{demand_id}").text
    client.cookies.clear()
    login(client, "prof")
    inbox = client.get("/inbox").text
    assert "为您推荐技术需求：储能舱电芯热蔓延抑制" in inbox
    cap_page = client.get(f"/capabilities/{setup['cap']}").text
    assert "修改" in cap_page and "储能舱电芯热蔓延抑制" in cap_page


def test_other_enterprise_cannot_move_or_see_bureau_only(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "firm")
    client.post(
        "/demands",
        data={**DEMAND_FORM, "confidentiality": "bureau", "csrf_token": _csrf(client, "/demands/new")},
    )
    with transaction(factory) as s:
        demand_id = s.scalars(select(Demand.id)).one()
    client.cookies.clear()
    login(client, "rival")
    assert client.get(f"/demands/{demand_id}").status_code == 404
    assert "储能舱电芯热蔓延抑制" not in client.get("/demands").text
    assert client.get(f"/capabilities/{setup['cap']}/edit").status_code == 403


def test_api_post_list_matches_status(client, setup) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(client, "firm")
    body = {
        "title": DEMAND_FORM["title"],
        "description": DEMAND_FORM["description"],
        "budget_min": 500000,
        "budget_max": 800000,
    }
    resp = client.post("/api/v1/demands", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    detail = resp.json()
    assert detail["status"] == "collected" and detail["history"][0]["status"] == "collected"
    assert detail["matches"][0]["capability"] == "南京工业大学储能安全团队"
    assert all(m["reasons"] for m in detail["matches"])
    listed = client.get("/api/v1/demands", params={"chain_code": "energy_storage"}, headers=headers).json()
    assert listed["total"] == 1
    matches = client.get(f"/api/v1/demands/{detail['id']}/matches", headers=headers).json()
    assert matches[0]["capability_id"] == setup["cap"]
    refused = client.post(
        f"/api/v1/demands/{detail['id']}/status", json={"status": "accepted"}, headers=headers
    )
    assert refused.status_code == 422
    bad = client.post("/api/v1/demands", json={**body, "budget_min": "50万"}, headers=headers)
    assert bad.status_code == 422
    admin = bearer(client, "boss")
    cap = client.post(
        "/api/v1/capabilities",
        json={
            "name": "东南大学热安全课题组",
            "kind": "team",
            "description": "电池包热失控预警与热扩散抑制研究，十余年积累。",
        },
        headers=admin,
    )
    assert cap.status_code == 201, cap.text
    got = client.get(f"/api/v1/capabilities/{setup['cap']}", headers=admin).json()
    assert got["demands"][0]["demand_id"] == detail["id"]
    assert client.get("/api/v1/inbox", headers=admin).json() == []


def test_funnel_page_counts_the_years_demands_in_scope(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    login(client, "firm")
    client.post("/demands", data={**DEMAND_FORM, "csrf_token": _csrf(client, "/demands/new")})
    client.cookies.clear()
    login(client, "boss")
    page = client.get("/demands/funnel").text
    assert re.search(
        r'data-status="collected"><div class="tile-label">征集</div><div class="tile-value">1<', page
    )
    client.cookies.clear()
    login(client, "rival")
    page = client.get("/demands/funnel").text
    assert re.search(
        r'data-status="collected"><div class="tile-label">征集</div><div class="tile-value">0<', page
    )
