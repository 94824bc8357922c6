"""The challenge pages and API: the bureau makes a challenge from a demand (form problems named), publishes
it; an expert bids through the form; after the deadline the bureau screens, assigns a reviewer (a
conflicting one refused), the reviewer scores on their own page (others get 404), the result is
publicised, objected to and answered, and the award shows the project — then the same through the API,
with district, enterprise and viewer kept to what they may do. On both databases."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from kechuang.auth.scope import SYSTEM
from kechuang.chains.service import load_file
from kechuang.challenges.models import Bid, Challenge, ReviewAssignment
from kechuang.db import transaction
from kechuang.matching import service as demands
from kechuang.matching.models import Demand
from kechuang.matching.service import CapabilityValues, DemandValues
from kechuang.projects.models import Project
from tests.conftest import bearer, login


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, (path, page.status_code)
    return found.group(1)


@pytest.fixture
def setup(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)
    ent = made.enterprise("扬州储能安全科技有限公司", "321003")
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("firm", "enterprise", enterprise_id=ent)
    made.user("watch", "viewer")
    experts = {k: made.user(k, "expert") for k in ("prof", "judge", "peer")}
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        caps = {}
        for key, name, org in (
            ("prof", "南京工业大学储能安全团队", "南京工业大学材料科学与工程学院"),
            ("judge", "东南大学储能评审专家", "东南大学"),
            ("peer", "南京工业大学化工学院", "南京工业大学"),
        ):
            caps[key] = demands.save_capability(
                s,
                actor=SYSTEM,
                values=CapabilityValues(
                    name=name,
                    kind="team",
                    organisation=org,
                    description="研究锂离子电池热失控与热扩散抑制，开发气凝胶隔热片和阻燃结构。",
                    user_id=experts[key].id,
                ),
            ).id
        demand = demands.post_demand(
            s,
            actor=SYSTEM,
            values=DemandValues(
                enterprise_id=ent,
                title="储能舱电芯热蔓延抑制",
                description="储能舱内一个电芯起火后很快烧到一片，想找团队做隔热阻燃方案。",
                indicators=[{"name": "热扩散时间", "value": 30, "unit": "分钟"}],
                budget_max=800_000,
            ),
            today=date.today(),
            match=False,
        ).id
    return {"demand": demand, "caps": caps, "experts": {k: u.id for k, u in experts.items()}}


def _as(client, username: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    login(client, username)


def _pass_deadline(factory, cid: int) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.execute(
            update(Challenge)
            .where(Challenge.id == cid)
            .values(deadline=datetime.now() - timedelta(minutes=1))
        )


def _end_publicity(factory, cid: int) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.execute(
            update(Challenge)
            .where(Challenge.id == cid)
            .values(publicity_until=date.today() - timedelta(days=1))
        )


CHALLENGE_FORM = {
    "title": "储能舱热蔓延抑制揭榜攻关",
    "problem": "储能舱单体电芯热失控后迅速蔓延，需开发隔热阻燃材料与结构，把热扩散时间延长到30分钟以上。",
    "targets": "热扩散时间 30 分钟",
    "rd_staff_min": "5",
    "declared": "近三年无严重失信行为记录",
    "fiscal_budget": "80",
    "self_budget": "40",
    "duration_months": "18",
    "contact": "市科技局 张老师 0514-87000000",
}
BID_FORM = {
    "leader": "李教授",
    "rd_staff": "8",
    "plan": "以气凝胶复合隔热片加相变吸热层为主线，先做模组级热扩散试验，再做整舱验证，形成设计规范。",
    "fiscal_budget": "60",
    "self_budget": "40",
    "milestones": f"{date.today() + timedelta(days=180)} 完成模组级热扩散试验\n{date.today() + timedelta(days=400)} 完成整舱验证",
    "kpis": "热扩散时间 35 分钟",
    "declared_1": "1",  # the second condition: the promise
}


def test_lifecycle_through_the_pages(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    _as(client, "boss")
    page = client.get(f"/challenges/new?demand={setup['demand']}")
    assert "储能舱电芯热蔓延抑制" in page.text and "热扩散时间 30 分钟" in page.text
    token = _csrf(client, "/challenges/new")
    bad = client.post(
        "/challenges",
        data={**CHALLENGE_FORM, "targets": "又快又好", "fiscal_budget": "八十", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert (
        "「技术指标」" in bad.text and "「财政资金（万元）」" in bad.text and "「揭榜截止时间」" in bad.text
    )
    deadline = (datetime.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    form = {**CHALLENGE_FORM, "deadline": deadline, "demand_ids": str(setup["demand"]), "csrf_token": token}
    resp = client.post("/challenges", data=form, follow_redirects=False)
    assert resp.status_code == 303
    cid = int(resp.headers["location"].rsplit("/", 1)[1])
    assert "草稿" in client.get(f"/challenges/{cid}").text
    resp = client.post(f"/challenges/{cid}/status", data={"status": "published", "csrf_token": token})
    assert resp.status_code == 303

    _as(client, "prof")
    assert "我要揭榜" in client.get(f"/challenges/{cid}").text
    token = _csrf(client, f"/challenges/{cid}/bid")
    bad = client.post(
        f"/challenges/{cid}/bids",
        data={**BID_FORM, "kpis": "", "milestones": "明年 做完", "csrf_token": token},
    )
    assert bad.status_code == 422 and "「里程碑」" in bad.text and "「考核指标」" in bad.text
    data = {**BID_FORM, "capability_id": str(setup["caps"]["prof"]), "csrf_token": token}
    virus = [("files", ("setup.exe", b"MZ", "application/octet-stream"))]
    bad = client.post(f"/challenges/{cid}/bids", data=data, files=virus)
    assert bad.status_code == 422 and "「附件」" in bad.text and "setup.exe" in bad.text
    pdf = [("files", ("揭榜申报书.pdf", b"%PDF-1.4 demo", "application/pdf"))]
    resp = client.post(f"/challenges/{cid}/bids", data=data, files=pdf, follow_redirects=False)
    assert resp.status_code == 303
    bid_id = int(resp.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/bids/{bid_id}").text
    assert "研发人员 8 人" in page and "揭榜申报书.pdf" in page
    file_url = re.search(rf'href="(/bids/{bid_id}/files/\d+)"', page).group(1)  # type: ignore[union-attr]
    download = client.get(file_url)
    assert download.status_code == 200 and download.content == b"%PDF-1.4 demo"

    _pass_deadline(factory, cid)
    _as(client, "peer")
    token = _csrf(client, "/challenges")
    late = client.post(f"/challenges/{cid}/bids", data={**BID_FORM, "csrf_token": token})
    assert late.status_code == 422 and "截止" in late.text
    assert client.get(f"/bids/{bid_id}").status_code == 404
    assert client.get(file_url).status_code == 404

    _as(client, "boss")
    token = _csrf(client, "/challenges")
    for stage in ("screening", "reviewing"):
        resp = client.post(f"/challenges/{cid}/status", data={"status": stage, "csrf_token": token})
        assert resp.status_code == 303, re.findall("<li>(.*?)</li>", resp.text)
    clash = client.post(
        f"/bids/{bid_id}/reviewers", data={"reviewer_id": str(setup["experts"]["peer"]), "csrf_token": token}
    )
    assert clash.status_code == 422 and "回避" in clash.text
    ok = client.post(
        f"/bids/{bid_id}/reviewers",
        data={"reviewer_id": str(setup["experts"]["judge"]), "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303

    _as(client, "judge")
    assert "储能舱热蔓延抑制揭榜攻关" in client.get("/reviews").text
    with transaction(factory) as s:
        rid = s.scalars(select(ReviewAssignment.id)).one()
    token = _csrf(client, f"/bids/{bid_id}")
    scores = {"score_foundation": "90", "score_plan": "80", "score_targets": "85", "score_finance": "75"}
    bad = client.post(f"/reviews/{rid}", data={**scores, "score_industry": "120", "csrf_token": token})
    assert bad.status_code == 422 and "产业带动" in bad.text
    resp = client.post(
        f"/reviews/{rid}",
        data={**scores, "score_industry": "88", "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303

    _as(client, "boss")
    token = _csrf(client, "/challenges")
    resp = client.post(
        f"/challenges/{cid}/status", data={"status": "publicity", "publicity_days": "5", "csrf_token": token}
    )
    assert resp.status_code == 303
    assert "评审结果" in client.get(f"/challenges/{cid}").text

    _as(client, "firm")
    token = _csrf(client, f"/challenges/{cid}")
    assert (
        client.post(f"/challenges/{cid}/objections", data={"text": "短", "csrf_token": token}).status_code
        == 422
    )
    resp = client.post(
        f"/challenges/{cid}/objections",
        data={"text": "请复核揭榜团队的研发人员人数与承诺书。", "csrf_token": token},
    )
    assert resp.status_code == 303
    assert (
        client.post(f"/challenges/{cid}/status", data={"status": "awarded", "csrf_token": token}).status_code
        == 403
    )

    _as(client, "boss")
    _end_publicity(factory, cid)
    token = _csrf(client, "/challenges")
    refused = client.post(f"/challenges/{cid}/status", data={"status": "awarded", "csrf_token": token})
    assert refused.status_code == 422 and "异议" in refused.text
    page = client.get(f"/challenges/{cid}").text
    objection = re.search(r"/objections/(\d+)/answer", page).group(1)  # type: ignore[union-attr]
    client.post(
        f"/challenges/{cid}/objections/{objection}/answer",
        data={"note": "经核实属实，维持", "csrf_token": token},
    )
    assert (
        client.post(f"/challenges/{cid}/status", data={"status": "awarded", "csrf_token": token}).status_code
        == 303
    )
    with transaction(factory) as s:
        project_id = s.get(Challenge, cid).project_id
        assert s.get(Project, project_id).type == "open_competition"
        assert s.get(Demand, setup["demand"]).status == "signed"
    page = client.get(f"/challenges/{cid}").text
    assert f"/projects/{project_id}" in page and "揭榜成功" in page
    assert client.get(f"/projects/{project_id}").status_code == 200
    assert "已签约" in client.get(f"/demands/{setup['demand']}").text


def test_api_lifecycle_and_scoping(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    admin = bearer(client, "boss")
    body = {
        "title": "储能舱热蔓延抑制揭榜攻关",
        "problem": "储能舱单体电芯热失控后迅速蔓延，需开发隔热阻燃材料与结构。",
        "targets": [{"name": "热扩散时间", "value": 30, "unit": "分钟"}],
        "conditions": [{"kind": "rd_staff", "value": 5}],
        "fiscal_budget": 800_000,
        "deadline": (datetime.now() + timedelta(days=10)).isoformat(timespec="seconds"),
        "contact": "市科技局 0514-87000000",
        "demand_ids": [setup["demand"]],
    }
    for who in ("hj", "firm", "prof", "watch"):
        assert client.post("/api/v1/challenges", json=body, headers=bearer(client, who)).status_code == 403
    resp = client.post("/api/v1/challenges", json={**body, "deadline": "2020-01-01T00:00:00"}, headers=admin)
    assert resp.status_code == 422 and "deadline" in resp.text
    resp = client.post("/api/v1/challenges", json=body, headers=admin)
    assert resp.status_code == 201, resp.text
    cid = resp.json()["id"]
    assert (
        client.get(f"/api/v1/challenges/{cid}", headers=bearer(client, "watch")).status_code == 404
    )  # a draft
    assert (
        client.post(
            f"/api/v1/challenges/{cid}/status", json={"status": "published"}, headers=admin
        ).status_code
        == 200
    )
    for who in ("hj", "firm", "watch"):
        listed = client.get("/api/v1/challenges", headers=bearer(client, who)).json()
        assert [c["id"] for c in listed] == [cid]

    prof = bearer(client, "prof")
    bid = {
        "capability_id": setup["caps"]["prof"],
        "leader": "李教授",
        "plan": "以气凝胶复合隔热片加相变吸热层为主线，先做模组级试验，再做整舱验证。",
        "milestones": [{"name": "模组级试验", "planned_on": (date.today() + timedelta(days=90)).isoformat()}],
        "kpis": [{"name": "热扩散时间", "value": 35, "unit": "分钟"}],
        "fiscal_budget": 600_000,
        "rd_staff": 8,
    }
    assert (
        client.post(f"/api/v1/challenges/{cid}/bids", json=bid, headers=bearer(client, "watch")).status_code
        == 403
    )
    resp = client.post(f"/api/v1/challenges/{cid}/bids", json=bid, headers=prof)
    assert resp.status_code == 201, resp.text
    bid_id = resp.json()["id"]
    assert resp.json()["checks"][0]["status"] == "met"
    assert client.get(f"/api/v1/challenges/{cid}/bids", headers=bearer(client, "firm")).json() == []
    assert len(client.get(f"/api/v1/challenges/{cid}/bids", headers=admin).json()) == 1

    _pass_deadline(factory, cid)
    for stage in ("screening", "reviewing"):
        assert (
            client.post(f"/api/v1/challenges/{cid}/status", json={"status": stage}, headers=admin).status_code
            == 200
        )
    clash = client.post(
        f"/api/v1/challenges/{cid}/reviews",
        json={"bid_id": bid_id, "reviewer_id": setup["experts"]["peer"]},
        headers=admin,
    )
    assert clash.status_code == 422 and "回避" in clash.text
    resp = client.post(
        f"/api/v1/challenges/{cid}/reviews",
        json={"bid_id": bid_id, "reviewer_id": setup["experts"]["judge"]},
        headers=admin,
    )
    assert resp.status_code == 201
    rid = resp.json()["id"]
    judge = bearer(client, "judge")
    assert [r["id"] for r in client.get(f"/api/v1/challenges/{cid}/reviews", headers=judge).json()] == [rid]
    assert client.get(f"/api/v1/challenges/{cid}/reviews", headers=prof).json() == []
    scores = {"scores": {"foundation": 90, "plan": 85, "targets": 80, "finance": 70, "industry": 88}}
    assert client.put(f"/api/v1/reviews/{rid}", json=scores, headers=prof).status_code == 404
    resp = client.put(f"/api/v1/reviews/{rid}", json=scores, headers=judge)
    assert resp.status_code == 200 and resp.json()["total"] == pytest.approx(84.1)

    refused = client.post(f"/api/v1/challenges/{cid}/award", headers=admin)
    assert refused.status_code == 422 and "不能改为" in refused.text
    resp = client.post(
        f"/api/v1/challenges/{cid}/status", json={"status": "publicity", "publicity_days": 5}, headers=admin
    )
    assert resp.status_code == 200 and resp.json()["winner_bid_id"] == bid_id
    assert (
        client.post(f"/api/v1/challenges/{cid}/award", headers=admin).status_code == 422
    )  # during the notice
    _end_publicity(factory, cid)
    assert client.post(f"/api/v1/challenges/{cid}/award", headers=bearer(client, "hj")).status_code == 403
    resp = client.post(f"/api/v1/challenges/{cid}/award", headers=admin)
    assert resp.status_code == 200, resp.text
    award = resp.json()
    assert award["signed_demands"] == [setup["demand"]]
    project = client.get(f"/api/v1/projects/{award['project_id']}", headers=bearer(client, "hj"))
    assert project.status_code == 200
    with transaction(factory) as s:
        assert s.get(Bid, bid_id).status == "awarded"


def test_every_challenge_page_and_endpoint_by_every_role(client, setup, factory) -> None:  # type: ignore[no-untyped-def]
    from kechuang.auth.models import User
    from kechuang.auth.service import actor_for
    from kechuang.challenges import service
    from kechuang.challenges.service import BidValues, ChallengeValues

    now = datetime.now()
    with transaction(factory) as s:
        actors = {u.username: actor_for(s, u) for u in s.scalars(select(User))}
        s.info["actor"] = actors["boss"]
        values = ChallengeValues(
            title="储能舱热蔓延抑制揭榜攻关",
            problem="储能舱单体电芯热失控后迅速蔓延，需开发隔热阻燃材料与结构。",
            deadline=now + timedelta(days=5),
            targets=[{"name": "热扩散时间", "value": 30, "unit": "分钟"}],
            contact="市科技局",
        )
        draft = service.create_challenge(s, actor=actors["boss"], values=values, now=now).id
        cid = service.create_challenge(s, actor=actors["boss"], values=values, now=now).id
        service.move_challenge(s, actor=actors["boss"], challenge_id=cid, status="published", now=now)
        s.info["actor"] = actors["prof"]
        bid = service.submit_bid(
            s,
            actor=actors["prof"],
            challenge_id=cid,
            values=BidValues(
                leader="李教授",
                plan="以气凝胶复合隔热片加相变吸热层为主线，先做模组级试验，再做整舱验证。",
                milestones=[
                    {"name": "模组级试验", "planned_on": (now.date() + timedelta(days=90)).isoformat()}
                ],
                kpis=[{"name": "热扩散时间", "value": 35, "unit": "分钟"}],
                capability_id=setup["caps"]["prof"],
            ),
            now=now,
        ).id
        s.execute(update(Challenge).where(Challenge.id == cid).values(deadline=now - timedelta(minutes=1)))
        s.info["actor"] = actors["boss"]
        for stage in ("screening", "reviewing"):
            service.move_challenge(s, actor=actors["boss"], challenge_id=cid, status=stage, now=now)
        service.assign_reviewer(s, actor=actors["boss"], bid_id=bid, reviewer_id=setup["experts"]["judge"])
    pages = {  # path → the users that get 200 (the others: 403 for forms they may not use, else 404)
        f"/challenges/{cid}": {"boss", "hj", "firm", "watch", "prof", "judge", "peer"},
        f"/challenges/{draft}": {"boss"},
        f"/challenges/{draft}/edit": {"boss"},
        f"/bids/{bid}": {"boss", "prof", "judge"},
        "/reviews": {"boss", "prof", "judge", "peer"},
        f"/api/v1/challenges/{cid}": {"boss", "hj", "firm", "watch", "prof", "judge", "peer"},
        f"/api/v1/challenges/{draft}": {"boss"},
    }
    counts = {  # list endpoint → how many items each user sees
        f"/api/v1/challenges/{cid}/bids": {"boss": 1, "prof": 1, "judge": 1},
        f"/api/v1/challenges/{cid}/reviews": {"boss": 1, "judge": 1},
        "/api/v1/challenges": {"boss": 2},
    }
    wrong = []
    for user in ("boss", "hj", "firm", "watch", "prof", "judge", "peer"):
        _as(client, user)
        for path, ok in pages.items():
            code = client.get(path).status_code
            if (code == 200) != (user in ok) or code >= 500:
                wrong.append((user, path, code))
        for path, seen in counts.items():
            got = len(client.get(path).json())
            if got != seen.get(user, 1 if path == "/api/v1/challenges" else 0):
                wrong.append((user, path, got))
    assert wrong == []
