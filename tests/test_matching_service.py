"""Demands and capability profiles in the database: posting with every problem at once, the lifecycle
with its history, scoping (district, enterprise, public vs bureau-only), stored matches with reasons,
recommendations into the inbox, and the audit log — on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.auth.service import actor_for
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.errors import Forbidden, InvalidInput, NotFound
from kechuang.matching import service
from kechuang.matching.models import Demand, DemandEvent, DemandMatch, Message
from kechuang.matching.service import CapabilityValues, DemandFilter, DemandValues

TODAY = date(2026, 12, 7)

PEM_DEMAND = (
    "我司燃料电池电堆用的PEM国产化后寿命只有3000小时，想找团队一起改进质子膜的化学稳定性和机械强度，"
    "目标寿命达到8000小时以上。"
)


@pytest.fixture
def world(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_file(s, actor=SYSTEM)
    hj = made.enterprise("扬州氢途科技有限公司", "321003")
    gl = made.enterprise("广陵精密机械有限公司", "321002")
    users = {
        "admin": made.user("admin1", "admin"),
        "hj": made.user("hj", "district", region_code="321003"),
        "gl": made.user("gl", "district", region_code="321002"),
        "ent": made.user("ent", "enterprise", enterprise_id=hj),
        "other": made.user("other", "enterprise", enterprise_id=gl),
        "expert": made.user("expert", "expert"),
    }
    with transaction(factory) as s:
        actors = {k: actor_for(s, s.merge(u)) for k, u in users.items()}
        admin = actors["admin"]
        service.save_capability(
            s,
            actor=admin,
            values=CapabilityValues(
                name="扬州大学质子交换膜课题组",
                kind="team",
                organisation="扬州大学",
                description="长期从事质子交换膜燃料电池关键材料研究，开发了增强型全氟磺酸复合膜，耐久性超过10000小时。",
                results=["一种增强型质子交换膜的制备方法（ZL202110000001.1）"],
                region_code="321003",
            ),
        )
        service.save_capability(
            s,
            actor=admin,
            values=CapabilityValues(
                name="广陵数控刀具研究所",
                kind="institute",
                description="专注硬质合金刀具涂层与切削工艺，服务航空零件加工企业，提升刀具寿命30%。",
                region_code="321002",
            ),
        )
    return {"hj": hj, "gl": gl, "actors": actors}


def _post(factory, actor, **kw):  # type: ignore[no-untyped-def]
    values = DemandValues(
        enterprise_id=kw.pop("enterprise_id", None),
        title=kw.pop("title", "质子交换膜寿命提升"),
        description=kw.pop("description", PEM_DEMAND),
        **kw,
    )
    with transaction(factory) as s:
        s.info["actor"] = actor  # what the web layer sets: the audit log's author
        return service.post_demand(s, actor=actor, values=values, today=TODAY).id


def test_posted_demand_is_matched_with_reasons_and_atlas_node(factory, world) -> None:  # type: ignore[no-untyped-def]
    ent = world["actors"]["ent"]
    demand_id = _post(
        factory, ent, budget_min=500_000, budget_max=800_000, deadline=TODAY + timedelta(days=90)
    )
    with transaction(factory) as s:
        demand = s.get(Demand, demand_id)
        assert demand.enterprise_id == world["hj"] and demand.region_code == "321003"
        assert demand.chain_code == "hydrogen" and demand.node_code.startswith("hydrogen.")
        matches = service.matches_for(s, actor=ent, demand_id=demand_id)
        assert matches[0][1].name == "扬州大学质子交换膜课题组"
        kinds = {r["kind"] for r in matches[0][0].reasons}
        assert {"term", "atlas"} <= kinds
        assert any("质子交换膜" in r["text"] for r in matches[0][0].reasons)
        events = s.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand_id)).all()
        assert [e.status for e in events] == ["collected"]
        assert (
            s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "demands")) >= 1
        )


def test_every_problem_at_once_and_nothing_written(factory, world) -> None:  # type: ignore[no-untyped-def]
    admin = world["actors"]["admin"]
    with pytest.raises(InvalidInput) as exc:
        _post(
            factory,
            admin,
            enterprise_id=world["hj"],
            title="",
            description="太短",
            budget_min=-5,
            budget_max=None,
            deadline=TODAY - timedelta(days=1),
            chain_code="no_such_chain",
            confidentiality="secret",
            indicators=[{"name": "寿命", "value": "很长", "unit": "h"}],
        )
    fields = {p.field for p in exc.value.problems}
    assert {
        "title",
        "description",
        "budget_min",
        "deadline",
        "chain_code",
        "confidentiality",
        "indicators[1].value",
    } <= fields
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Demand)) == 0
    with pytest.raises(InvalidInput) as exc:
        _post(factory, admin, enterprise_id=world["hj"], budget_min=900_000, budget_max=100_000)
    assert [p.field for p in exc.value.problems] == ["budget_max"]


def test_posting_is_scoped(factory, world) -> None:  # type: ignore[no-untyped-def]
    actors = world["actors"]
    with pytest.raises(InvalidInput, match="错误"):
        _post(factory, actors["ent"], enterprise_id=world["gl"])  # another enterprise
    with pytest.raises(InvalidInput):
        _post(factory, actors["hj"], enterprise_id=world["gl"])  # outside the district
    with pytest.raises(Forbidden):
        _post(factory, actors["expert"], enterprise_id=world["hj"])
    assert _post(factory, actors["hj"], enterprise_id=world["hj"])


def test_visibility_public_and_bureau_only(factory, world) -> None:  # type: ignore[no-untyped-def]
    actors = world["actors"]
    public = _post(factory, actors["ent"])
    secret = _post(factory, actors["ent"], title="保密需求：膜电极量产", confidentiality="bureau")
    with transaction(factory) as s:

        def seen(who: str) -> set[int]:
            return {d.id for d, _ in service.demand_list(s, actor=actors[who]).items}

        assert seen("admin") == seen("hj") == seen("ent") == {public, secret}
        assert seen("gl") == seen("other") == seen("expert") == {public}
        with pytest.raises(NotFound):
            service.get_demand(s, actor=actors["other"], demand_id=secret)
        with pytest.raises(NotFound):
            service.matches_for(s, actor=actors["expert"], demand_id=secret)
        assert {
            d.id
            for d, _ in service.demand_list(
                s, actor=actors["admin"], filters=DemandFilter(region_code="321002")
            ).items
        } == set()
        assert {
            d.id
            for d, _ in service.demand_list(s, actor=actors["admin"], filters=DemandFilter(q="膜电极")).items
        } == {secret}


def test_lifecycle_with_history_and_refusals(factory, world) -> None:  # type: ignore[no-untyped-def]
    actors = world["actors"]
    demand_id = _post(factory, actors["ent"])
    with transaction(factory) as s:
        cap_id = service.matches_for(s, actor=actors["admin"], demand_id=demand_id)[0][1].id
    with transaction(factory) as s:
        with pytest.raises(InvalidInput, match="错误") as exc:
            service.move_demand(s, actor=actors["hj"], demand_id=demand_id, status="signed")
        assert "不能改为" in exc.value.problems[0].message
        with pytest.raises(Forbidden):
            service.move_demand(s, actor=actors["gl"], demand_id=demand_id, status="accepted")
        with pytest.raises(InvalidInput):
            service.move_demand(s, actor=actors["ent"], demand_id=demand_id, status="accepted")
    steps = [
        ("hj", "accepted", {}),
        ("hj", "matched", {"capability_id": cap_id}),
        ("ent", "signed", {"contract_amount": 650_000}),
        ("ent", "solved", {}),
    ]
    for who, status, extra in steps:
        with transaction(factory) as s:
            service.move_demand(s, actor=actors[who], demand_id=demand_id, status=status, **extra)
    with transaction(factory) as s:
        demand = s.get(Demand, demand_id)
        assert demand.status == "solved" and demand.partner_id == cap_id and demand.contract_amount == 650_000
        history = service.history(s, actor=actors["ent"], demand_id=demand_id)
        assert [e.status for e in history] == ["collected", "accepted", "matched", "signed", "solved"]
        assert history[2].capability_id == cap_id


def test_unsolved_and_withdrawn_need_a_reason(factory, world) -> None:  # type: ignore[no-untyped-def]
    actors = world["actors"]
    demand_id = _post(factory, actors["ent"])
    with transaction(factory) as s:
        with pytest.raises(InvalidInput) as exc:
            service.move_demand(s, actor=actors["ent"], demand_id=demand_id, status="withdrawn")
        assert "原因" in exc.value.problems[0].message
    with transaction(factory) as s:
        service.move_demand(
            s, actor=actors["ent"], demand_id=demand_id, status="withdrawn", note="已自行解决"
        )
        assert s.get(Demand, demand_id).status_note == "已自行解决"


def test_recommend_notifies_the_capability_owner(factory, world, made) -> None:  # type: ignore[no-untyped-def]
    actors = world["actors"]
    with transaction(factory) as s:
        cap = service.save_capability(
            s,
            actor=actors["expert"],
            values=CapabilityValues(
                name="张教授",
                kind="expert",
                description="研究燃料电池膜电极与催化剂二十年，主持国家重点研发计划。",
            ),
        )
        cap_id = cap.id
        assert cap.user_id == actors["expert"].user_id
    demand_id = _post(factory, actors["ent"])
    with transaction(factory) as s:
        with pytest.raises(Forbidden):
            service.recommend(s, actor=actors["ent"], demand_id=demand_id, capability_id=cap_id)
        assert service.recommend(s, actor=actors["hj"], demand_id=demand_id, capability_id=cap_id) == 1
    with transaction(factory) as s:
        inbox = service.inbox(s, actor=actors["expert"])
        assert len(inbox) == 1 and inbox[0].link == f"/demands/{demand_id}"
        assert service.unread(s, actor=actors["expert"]) == 1
        with pytest.raises(NotFound):
            service.mark_read(s, actor=actors["ent"], message_id=inbox[0].id)
        service.mark_read(s, actor=actors["expert"], message_id=inbox[0].id)
        assert service.unread(s, actor=actors["expert"]) == 0
        assert s.scalar(select(func.count()).select_from(Message)) == 1


def test_capability_edits_are_scoped(factory, world) -> None:  # type: ignore[no-untyped-def]
    actors = world["actors"]
    with transaction(factory) as s:
        caps = service.capability_list(s, actor=actors["expert"]).items
        gl_cap = next(c for c in caps if c.region_code == "321002")
        with pytest.raises(Forbidden):
            service.save_capability(
                s,
                actor=actors["hj"],
                capability_id=gl_cap.id,
                values=CapabilityValues(
                    name="x", kind="team", description="在邗江区之外的档案不能改", region_code="321003"
                ),
            )
        with pytest.raises(Forbidden):
            service.save_capability(
                s,
                actor=actors["expert"],
                capability_id=gl_cap.id,
                values=CapabilityValues(name="x", kind="expert", description="不是本人的档案不能改的"),
            )
        with pytest.raises(InvalidInput) as exc:
            service.save_capability(
                s,
                actor=actors["admin"],
                values=CapabilityValues(name="", kind="wizard", description="短", node_codes=["nope.node"]),
            )
        assert {p.field for p in exc.value.problems} == {"name", "kind", "description", "node_codes"}


def test_matching_job_refreshes_open_demands(factory, world) -> None:  # type: ignore[no-untyped-def]
    from kechuang.matching import matching

    actors = world["actors"]
    demand_id = _post(factory, actors["ent"])
    with transaction(factory) as s:
        s.execute(DemandMatch.__table__.delete())
    with transaction(factory) as s:
        assert matching.refresh(s) >= 1
        assert (
            s.scalar(select(func.count()).select_from(DemandMatch).where(DemandMatch.demand_id == demand_id))
            >= 1
        )
