"""Challenge lists (揭榜挂帅) in the database: a challenge made from a demand, published, bid on before
(and refused after) its deadline, screened by its eligibility rules, reviewed by assigned experts with
the conflict-of-interest check, publicised with an objection, and awarded — the award becomes a key
project of type 揭榜挂帅 and signs the demand. Every step's refusals name the field; on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.auth.service import actor_for
from kechuang.chains.service import load_file
from kechuang.challenges import service
from kechuang.challenges.models import Bid, Challenge, ChallengeEvent
from kechuang.challenges.service import BidValues, ChallengeValues
from kechuang.db import transaction
from kechuang.enterprises.models import EnterpriseFigures
from kechuang.errors import Forbidden, InvalidInput, NotFound
from kechuang.matching import service as demands
from kechuang.matching.models import Demand, DemandEvent
from kechuang.matching.service import CapabilityValues, DemandValues
from kechuang.projects.models import Kpi, Milestone, Project

NOW = datetime(2026, 12, 7, 9, 0)
DEADLINE = NOW + timedelta(days=30)
AFTER = DEADLINE + timedelta(hours=1)
SCORES = {"foundation": 90, "plan": 85, "targets": 80, "finance": 70, "industry": 88}


@pytest.fixture
def world(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)
    hj = made.enterprise("扬州氢途科技有限公司", "321003")
    gl = made.enterprise("广陵精密机械有限公司", "321002")
    users = {
        "admin": made.user("admin1", "admin"),
        "hj": made.user("hj", "district", region_code="321003"),
        "ent": made.user("ent", "enterprise", enterprise_id=hj),
        "bidder_ent": made.user("gl_ent", "enterprise", enterprise_id=gl),
        "expert": made.user("yzu", "expert"),
        "reviewer": made.user("seu", "expert"),
        "colleague": made.user("yzu2", "expert"),
        "viewer": made.user("viewer", "viewer"),
    }
    with transaction(factory) as s:
        s.add(EnterpriseFigures(enterprise_id=gl, region_code="321002", year=2025, rd_staff=35))
        actors = {k: actor_for(s, s.merge(u)) for k, u in users.items()}
        profiles = {}
        for key, name, org, region in (
            ("expert", "扬州大学质子交换膜课题组", "扬州大学化学化工学院", "321003"),
            ("reviewer", "东南大学能源学院燃料电池团队", "东南大学能源与环境学院", None),
            ("colleague", "扬州大学材料学院膜材料团队", "扬州大学材料科学与工程学院", "321003"),
        ):
            s.info["actor"] = actors[key]
            profiles[key] = demands.save_capability(
                s,
                actor=actors[key],
                values=CapabilityValues(
                    name=name,
                    kind="team",
                    organisation=org,
                    description="长期从事质子交换膜燃料电池关键材料研究，开发了增强型全氟磺酸复合膜，耐久性超过一万小时。",
                    region_code=region,
                ),
            ).id
        s.info["actor"] = actors["ent"]
        demand = demands.post_demand(
            s,
            actor=actors["ent"],
            values=DemandValues(
                enterprise_id=hj,
                title="车用质子交换膜寿命提升",
                description="电堆用国产质子交换膜寿命仅3000小时，需提升化学稳定性与机械强度。",
                indicators=[{"name": "膜寿命", "value": 8000, "unit": "小时"}],
                budget_max=3_000_000,
            ),
            today=NOW.date(),
            match=False,
        )
    return {"actors": actors, "profiles": profiles, "demand": demand.id, "hj": hj, "gl": gl}


def _values(demand_id: int, **kw) -> ChallengeValues:  # type: ignore[no-untyped-def]
    base = dict(
        title="车用质子交换膜寿命提升揭榜攻关",
        problem="国产质子交换膜寿命不足，需在两年内把膜寿命提升到 8000 小时以上并实现本地中试。",
        deadline=DEADLINE,
        targets=[{"name": "膜寿命", "value": 8000, "unit": "小时"}],
        conditions=[
            {"kind": "rd_staff", "value": 10},
            {"kind": "declared", "text": "近三年无严重失信记录"},
        ],
        fiscal_budget=2_000_000,
        self_budget=1_000_000,
        duration_months=24,
        contact="市科技局高新处 张老师 0514-87000000",
        demand_ids=[demand_id],
    )
    base.update(kw)
    return ChallengeValues(**base)  # type: ignore[arg-type]


def _bid(**kw) -> BidValues:  # type: ignore[no-untyped-def]
    base = dict(
        leader="王教授",
        plan="采用增强型全氟磺酸复合膜与自由基淬灭剂掺杂两条路线并行，第一年完成配方，第二年完成中试与装堆验证。",
        milestones=[
            {"name": "完成复合膜配方与小试", "planned_on": "2027-06-30"},
            {"name": "完成中试与装堆验证", "planned_on": "2028-06-30"},
        ],
        kpis=[{"name": "膜寿命", "value": 9000, "unit": "小时"}],
        fiscal_budget=1_800_000,
        self_budget=1_200_000,
        rd_staff=12,
        declared=[1],
    )
    base.update(kw)
    return BidValues(**base)  # type: ignore[arg-type]


def _do(factory, actor, fn, **kw):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = actor
        out = fn(s, actor=actor, **kw)
        return getattr(out, "id", out)


def _problems(exc: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p.field: p.message for p in exc.value.problems}


def test_whole_lifecycle_from_demand_to_monitored_project(factory, world) -> None:  # type: ignore[no-untyped-def]
    a = world["actors"]
    admin = a["admin"]
    cid = _do(factory, admin, service.create_challenge, values=_values(world["demand"]), now=NOW)
    with transaction(factory) as s:  # drafts are the bureau's
        with pytest.raises(NotFound):
            service.get_challenge(s, actor=a["expert"], challenge_id=cid)
    _do(factory, admin, service.move_challenge, challenge_id=cid, status="published", now=NOW)
    with transaction(factory) as s:
        assert s.get(Demand, world["demand"]).status == "accepted"
        assert [c.id for c in service.challenge_list(s, actor=a["viewer"])] == [cid]

    bid_id = _do(
        factory,
        a["expert"],
        service.submit_bid,
        challenge_id=cid,
        values=_bid(capability_id=world["profiles"]["expert"]),
        now=NOW + timedelta(days=1),
    )
    other = _do(
        factory,
        a["bidder_ent"],
        service.submit_bid,
        challenge_id=cid,
        values=_bid(rd_staff=None, declared=[]),
        now=NOW + timedelta(days=2),
    )
    with transaction(factory) as s:
        bid = s.get(Bid, bid_id)
        assert bid.bidder == "扬州大学化学化工学院" and bid.region_code == "321003"
        assert [c["status"] for c in bid.checks] == ["met", "met"]
        # the enterprise bid's R&D staff comes from the registry (35), its promise is missing
        checks = s.get(Bid, other).checks
        assert checks[0]["status"] == "met" and "企业库" in checks[0]["detail"]
        assert checks[1]["status"] == "not_met"

    with pytest.raises(InvalidInput) as exc:  # a bid after the deadline
        _do(factory, a["colleague"], service.submit_bid, challenge_id=cid, values=_bid(), now=AFTER)
    assert "截止" in _problems(exc)["submitted_at"]
    with pytest.raises(InvalidInput) as exc:  # screening before the deadline
        _do(factory, admin, service.move_challenge, challenge_id=cid, status="screening", now=NOW)
    assert "截止后" in _problems(exc)["status"]

    _do(factory, admin, service.move_challenge, challenge_id=cid, status="screening", now=AFTER)
    with transaction(factory) as s:
        assert s.get(Bid, bid_id).status == "eligible" and s.get(Bid, other).status == "ineligible"
    _do(factory, admin, service.move_challenge, challenge_id=cid, status="reviewing", now=AFTER)

    with pytest.raises(InvalidInput) as exc:  # a reviewer of the bidder's own university
        _do(factory, admin, service.assign_reviewer, bid_id=bid_id, reviewer_id=a["colleague"].user_id)
    assert "回避" in _problems(exc)["reviewer_id"]
    with pytest.raises(InvalidInput) as exc:  # the ineligible bid is not reviewed
        _do(factory, admin, service.assign_reviewer, bid_id=other, reviewer_id=a["reviewer"].user_id)
    assert "bid_id" in _problems(exc)
    rid = _do(factory, admin, service.assign_reviewer, bid_id=bid_id, reviewer_id=a["reviewer"].user_id)

    with transaction(factory) as s:  # each reviewer sees only what is assigned
        assert [b.id for b in service.bids_for(s, actor=a["reviewer"], challenge_id=cid)] == [bid_id]
        assert service.bids_for(s, actor=a["colleague"], challenge_id=cid) == []
        with pytest.raises(NotFound):
            service.get_bid(s, actor=a["colleague"], bid_id=bid_id)
    with pytest.raises(InvalidInput) as exc:  # publicity before the scores are in
        _do(factory, admin, service.move_challenge, challenge_id=cid, status="publicity", now=AFTER)
    assert "评分" in _problems(exc)["status"]
    with pytest.raises(InvalidInput) as exc:
        _do(
            factory,
            a["reviewer"],
            service.submit_scores,
            review_id=rid,
            scores={**SCORES, "plan": 130},
            now=AFTER,
        )
    assert "scores.plan" in _problems(exc)
    with pytest.raises(NotFound):
        _do(factory, a["colleague"], service.submit_scores, review_id=rid, scores=SCORES, now=AFTER)
    _do(factory, a["reviewer"], service.submit_scores, review_id=rid, scores=SCORES, now=AFTER)

    _do(
        factory,
        admin,
        service.move_challenge,
        challenge_id=cid,
        status="publicity",
        now=AFTER,
        publicity_days=5,
    )
    with transaction(factory) as s:
        ch = s.get(Challenge, cid)
        assert ch.winner_bid_id == bid_id and ch.publicity_until == AFTER.date() + timedelta(days=5)
        assert s.get(Bid, bid_id).score == pytest.approx(0.2 * 90 + 0.3 * 85 + 0.2 * 80 + 0.1 * 70 + 0.2 * 88)
        assert [b.id for b in service.result(s, ch)] == [bid_id]
    objection = _do(
        factory,
        a["bidder_ent"],
        service.object_to,
        challenge_id=cid,
        text="我单位研发人员35人，承诺书已随纸质材料提交，请复核。",
    )
    later = datetime.combine(AFTER.date() + timedelta(days=6), datetime.min.time())
    with pytest.raises(InvalidInput) as exc:  # an award during the notice, and with an open objection
        _do(factory, admin, service.move_challenge, challenge_id=cid, status="awarded", now=AFTER)
    assert "公示期满" in _problems(exc)["status"]
    with pytest.raises(InvalidInput) as exc:
        _do(factory, admin, service.move_challenge, challenge_id=cid, status="awarded", now=later)
    assert "异议" in _problems(exc)["status"]
    _do(
        factory,
        admin,
        service.answer_objection,
        challenge_id=cid,
        objection_id=objection,
        note="经核实未提交承诺书，维持原审查结论。",
    )
    _do(factory, admin, service.move_challenge, challenge_id=cid, status="awarded", now=later)

    with transaction(factory) as s:
        ch = s.get(Challenge, cid)
        project = s.get(Project, ch.project_id)
        assert project.type == "open_competition" and project.code == ch.code
        assert project.owner_enterprise_id == world["hj"] and "扬州大学化学化工学院" in project.partners
        assert project.fiscal_budget == 1_800_000 and project.end_on == date(2029, 1, 12)
        assert (
            s.scalar(select(func.count()).select_from(Milestone).where(Milestone.project_id == project.id))
            == 2
        )
        assert s.scalar(select(Kpi.target).where(Kpi.project_id == project.id)) == 9000
        demand = s.get(Demand, world["demand"])
        assert demand.status == "signed" and demand.partner_id == world["profiles"]["expert"]
        assert demand.contract_amount == 3_000_000
        steps = s.scalars(
            select(DemandEvent.status).where(DemandEvent.demand_id == demand.id).order_by(DemandEvent.id)
        )
        assert list(steps) == ["collected", "accepted", "matched", "signed"]
        assert s.get(Bid, bid_id).status == "awarded"
        kinds = [e.kind for e in s.scalars(select(ChallengeEvent).where(ChallengeEvent.challenge_id == cid))]
        assert kinds.count("stage") == 6 and "objection" in kinds and "answer" in kinds
        audited = {t for (t,) in s.execute(select(AuditEntry.entity).distinct())}
        assert {"challenges", "challenge_bids", "challenge_reviews", "projects"} <= audited


def test_every_problem_of_a_challenge_at_once(factory, world) -> None:  # type: ignore[no-untyped-def]
    bad = _values(
        world["demand"],
        title="",
        problem="太短",
        deadline=NOW - timedelta(days=1),
        targets=[{"name": "", "value": "高"}],
        conditions=[{"kind": "rd_staff", "value": 0}, {"kind": "moon"}],
        fiscal_budget="两百万",
        duration_months=0,
        contact="",
        demand_ids=[999999],
        chain_code="nope",
    )
    with pytest.raises(InvalidInput) as exc:
        _do(factory, world["actors"]["admin"], service.create_challenge, values=bad, now=NOW)
    fields = set(_problems(exc))
    assert {
        "title",
        "problem",
        "deadline",
        "targets[1].name",
        "targets[1].value",
        "conditions[1].value",
        "conditions[2].kind",
        "fiscal_budget",
        "duration_months",
        "contact",
        "demand_ids",
        "chain_code",
    } <= fields
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Challenge)) == 0


def test_only_the_bureau_runs_challenges(factory, world) -> None:  # type: ignore[no-untyped-def]
    for who in ("hj", "ent", "expert", "viewer"):
        with pytest.raises(Forbidden):
            _do(
                factory,
                world["actors"][who],
                service.create_challenge,
                values=_values(world["demand"]),
                now=NOW,
            )
    cid = _do(
        factory, world["actors"]["admin"], service.create_challenge, values=_values(world["demand"]), now=NOW
    )
    with pytest.raises(Forbidden):
        _do(
            factory,
            world["actors"]["hj"],
            service.move_challenge,
            challenge_id=cid,
            status="published",
            now=NOW,
        )
    with pytest.raises(Forbidden):  # viewers and districts do not bid
        _do(factory, world["actors"]["viewer"], service.submit_bid, challenge_id=cid, values=_bid(), now=NOW)


def test_bid_problems_at_once(factory, world) -> None:  # type: ignore[no-untyped-def]
    admin = world["actors"]["admin"]
    cid = _do(factory, admin, service.create_challenge, values=_values(world["demand"]), now=NOW)
    with pytest.raises(NotFound):  # a draft is the bureau's alone
        _do(factory, world["actors"]["expert"], service.submit_bid, challenge_id=cid, values=_bid(), now=NOW)
    _do(factory, admin, service.move_challenge, challenge_id=cid, status="published", now=NOW)
    bad = _bid(
        capability_id=world["profiles"]["reviewer"],  # somebody else's profile
        leader="",
        plan="短",
        milestones=[{"name": "", "planned_on": "2030-13-01"}, {"name": "太晚", "planned_on": "2031-01-01"}],
        kpis=[{"name": "功率密度", "value": 4, "unit": "kW/L"}],
        fiscal_budget=5_000_000,
    )
    with pytest.raises(InvalidInput) as exc:
        _do(factory, world["actors"]["expert"], service.submit_bid, challenge_id=cid, values=bad, now=NOW)
    p = _problems(exc)
    assert {"capability_id", "leader", "plan", "milestones[1].name", "milestones[1].planned_on"} <= set(p)
    assert "实施周期" in p["milestones[2].planned_on"] and "膜寿命" in p["kpis"]
    assert "不超过" in p["fiscal_budget"]
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Bid)) == 0


def test_award_needs_a_passed_review(factory, world) -> None:  # type: ignore[no-untyped-def]
    admin = world["actors"]["admin"]
    cid = _do(factory, admin, service.create_challenge, values=_values(world["demand"]), now=NOW)
    for status, why in (("awarded", "不能改为"), ("reviewing", "不能改为")):
        with pytest.raises(InvalidInput) as exc:
            _do(factory, admin, service.move_challenge, challenge_id=cid, status=status, now=NOW)
        assert why in _problems(exc)["status"]
    with pytest.raises(InvalidInput) as exc:
        _do(factory, admin, service.move_challenge, challenge_id=cid, status="cancelled", now=NOW)
    assert "原因" in _problems(exc)["status"]
