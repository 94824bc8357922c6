"""Demo challenges (揭榜挂帅): eight challenges made from the demo demands, each at a different point of its
life — a draft, two open for bids, one in screening, one in expert review (the demo expert has scores to
give), one under public notice with an objection, and two awarded (their key projects monitored by the
traffic lights). Everything goes through the service with the time it happened, so histories, deadlines
and the projects' timelines are real; deterministic for a seed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kechuang.auth.models import User
from kechuang.auth.passwords import generate_password, hash_password
from kechuang.auth.scope import SYSTEM, Actor
from kechuang.auth.service import actor_for
from kechuang.challenges import service
from kechuang.challenges.models import Challenge
from kechuang.challenges.service import BidValues, ChallengeValues
from kechuang.choices import CapabilityKind, Role
from kechuang.errors import InvalidInput
from kechuang.indicators.models import Figure, Target
from kechuang.indicators.service import ensure_indicators
from kechuang.matching import figures
from kechuang.matching.models import Capability, Demand, DemandMatch
from kechuang.matching.service import link_capabilities
from kechuang.projects.models import Fund, Milestone
from kechuang.regions.service import district_of

SOURCE = "demo:challenges"
# the demo's reviewers beside the demo expert: (username, name, organisation, what they work on)
REVIEWERS = (
    ("rev_seu", "周建平", "东南大学能源与环境学院", "储能系统安全、热管理与电池梯次利用"),
    ("rev_jiangnan", "陈立新", "江南大学机械工程学院", "精密制造、智能装备与工业机器人"),
    ("rev_njust", "孙晓峰", "南京理工大学材料科学与工程学院", "先进金属材料、焊接与增材制造"),
    ("rev_cas", "林海燕", "中国科学院苏州纳米技术与纳米仿生研究所", "半导体材料、微纳器件与检测"),
)
DEMO_EXPERT = ("expert", "演示专家", "扬州大学机械工程学院", "数控加工工艺、装备可靠性与产学研合作")


@dataclass(frozen=True)
class Plan:
    """One demo challenge: where its life stops and when (days before today) each step happened."""

    stop: str
    created: int  # days ago
    deadline: int  # days ago (negative: still ahead)
    bids: int


PLANS = (  # the publicity one ends its review two days ago, so its notice is running today
    Plan("draft", 3, -40, 0),
    Plan("published", 20, -25, 2),
    Plan("published", 10, -35, 1),
    Plan("screening", 60, 5, 3),
    Plan("reviewing", 70, 20, 2),
    Plan("publicity", 60, 17, 2),
    Plan("awarded", 200, 170, 3),
    Plan("awarded", 420, 390, 2),
)
STEPS = ("published", "screening", "reviewing", "publicity", "awarded")


def _ago(today: date, days: float, hour: int = 10) -> datetime:
    return datetime.combine(today, datetime.min.time()) - timedelta(days=days) + timedelta(hours=hour)


def _reviewers(session: Session) -> list[Actor]:
    """The demo expert and four reviewers, each with a profile naming their organisation."""
    out = []
    for username, name, org, field in (DEMO_EXPERT, *REVIEWERS):
        user = session.scalar(select(User).where(User.username == username))
        if user is None:  # the reviewers' passwords are not shown: the bureau resets one to use it
            user = User(
                username=username,
                display_name=name,
                role=Role.expert.value,
                password_hash=hash_password(generate_password()),
            )
            session.add(user)
            session.flush()
        if session.scalar(select(Capability.id).where(Capability.user_id == user.id)) is None:
            session.add(
                Capability(
                    name=f"{name}（{org}）",
                    kind=CapabilityKind.expert.value,
                    organisation=org,
                    user_id=user.id,
                    description=f"{org}教授，长期从事{field}方面的研究与工程应用，担任省市科技计划项目评审专家。",
                    directions=field,
                    source=SOURCE,
                )
            )
        out.append(actor_for(session, user))
    session.flush()
    return out


def _demands(session: Session, rng: random.Random) -> list[Demand]:
    """Open demo demands with budgets and numeric targets, one per chain as far as they go."""
    rows = list(
        session.scalars(
            select(Demand)
            .where(
                Demand.status.in_(("collected", "accepted")),
                Demand.budget_max.is_not(None),
                Demand.confidentiality == "public",
            )
            .order_by(Demand.id)
        )
    )
    rows = [d for d in rows if d.indicators]
    rng.shuffle(rows)
    picked: dict[str, Demand] = {}
    for d in rows:
        picked.setdefault(d.chain_code or "", d)
    return (list(picked.values()) + rows)[: len(PLANS)]


def _bidders(session: Session, demand: Demand, n: int) -> list[Capability]:
    return list(
        session.scalars(
            select(Capability)
            .join(DemandMatch, DemandMatch.capability_id == Capability.id)
            .where(DemandMatch.demand_id == demand.id, Capability.user_id.is_(None))
            .order_by(DemandMatch.rank)
            .limit(n)
        )
    )


def _values(d: Demand, created: datetime, deadline: datetime, rng: random.Random) -> ChallengeValues:
    budget = d.budget_max or 1_000_000
    fiscal = round(budget * rng.choice((0.5, 0.6, 0.7)) / 10_000) * 10_000
    return ChallengeValues(
        title=f"{d.title}揭榜攻关",
        problem=d.description,
        deadline=deadline,
        targets=list(d.indicators),
        conditions=[
            {"kind": "rd_staff", "value": rng.choice((5, 8, 10))},
            {"kind": "declared", "text": "近三年无严重失信行为记录，未承担过同类财政资助项目"},
        ],
        chain_code=d.chain_code,
        node_code=d.node_code,
        fiscal_budget=fiscal,
        self_budget=budget - fiscal,
        duration_months=rng.choice((18, 24, 24, 36)),
        contact="扬州市科技局 高新技术处 0514-87364101",
        demand_ids=[d.id],
    )


def _bid(ch: Challenge, cap: Capability, at: datetime, rng: random.Random) -> BidValues:
    months = ch.duration_months
    mid, end = at.date() + timedelta(days=months * 12), at.date() + timedelta(days=months * 28)
    kpis = [dict(t) for t in ch.targets]
    return BidValues(
        capability_id=cap.id,
        bidder=cap.organisation or cap.name,
        leader=rng.choice(("王", "李", "张", "刘", "陈", "杨", "赵", "黄"))
        + rng.choice(("教授", "研究员", "博士", "高工")),
        plan=(
            f"依托{cap.name}在{_field(cap)}方面的已有基础，围绕榜单提出的"
            + "、".join(f"{t['name']}{t['value']:g}{t.get('unit', '')}" for t in ch.targets)
            + "等指标，分三步实施：先在实验室完成关键工艺和配方验证，再到需求企业产线开展中试，"
            "最后形成工艺规范并完成第三方检测。"
        ),
        team=cap.people or "项目组由教授 2 人、副教授 3 人、工程师 4 人和研究生若干组成。",
        milestones=[
            {"name": "完成实验室验证与方案评审", "planned_on": mid.isoformat()},
            {"name": "完成企业现场中试与第三方检测", "planned_on": end.isoformat()},
        ],
        kpis=kpis,
        fiscal_budget=round(ch.fiscal_budget * rng.uniform(0.8, 1.0) / 10_000) * 10_000,
        self_budget=ch.self_budget,
        rd_staff=rng.randint(4, 30),
        declared=[1] if rng.random() < 0.85 else [],
    )


def _field(cap: Capability) -> str:
    """A profile's first research directions, as a bid's plan names them."""
    directions = [x for x in re.split(r"[；;、，,]", cap.directions) if x.strip()]
    return "、".join(directions[:2]) if directions else "相关技术"


def _scores(rng: random.Random, strength: float) -> dict[str, float]:
    return {
        c: round(min(100, max(40, rng.gauss(strength, 6))))
        for c in ("foundation", "plan", "targets", "finance", "industry")
    }


def _review(
    session: Session, ch: Challenge, reviewers: list[Actor], at: datetime, rng: random.Random, skip: str
) -> None:
    """Assign every reviewer without a conflict to every eligible bid; all but ``skip`` score."""
    bids = [b for b in service.bids_for(session, actor=SYSTEM, challenge_id=ch.id) if b.status == "eligible"]
    for n, bid in enumerate(bids):
        strength = rng.uniform(70, 88) - 4 * n
        for reviewer in reviewers:
            try:
                r = service.assign_reviewer(
                    session, actor=SYSTEM, bid_id=bid.id, reviewer_id=reviewer.user_id or 0, now=at
                )
            except InvalidInput:  # a conflict of interest: this reviewer sits this bid out
                continue
            if reviewer.username != skip:
                scores = _scores(rng, strength)
                service.submit_scores(
                    session, actor=reviewer, review_id=r.id, scores=scores, now=at + timedelta(days=2)
                )


def _bids(session: Session, ch: Challenge, d: Demand, n: int, rng: random.Random) -> None:
    for k, cap in enumerate(_bidders(session, d, n)):
        at = datetime.combine(ch.published_on or date.today(), datetime.min.time()) + timedelta(
            days=1 + 4 * k, hours=15
        )
        try:
            service.submit_bid(
                session, actor=SYSTEM, challenge_id=ch.id, values=_bid(ch, cap, at, rng), now=at
            )
        except InvalidInput:  # a profile the bid form would refuse: the demo skips it
            continue


def _move(session: Session, ch: Challenge, status: str, at: datetime) -> None:
    days = 5 if status == "publicity" else None
    service.move_challenge(
        session, actor=SYSTEM, challenge_id=ch.id, status=status, now=at, publicity_days=days
    )


def _screen(session: Session, ch: Challenge) -> None:
    """The bureau decides the bids the rules left open; if every bid failed, one sends its promise late."""
    bids = service.bids_for(session, actor=SYSTEM, challenge_id=ch.id)
    for bid in bids:
        if bid.status == "submitted":
            service.decide_bid(
                session, actor=SYSTEM, bid_id=bid.id, eligible=True, note="补充材料后核实，条件满足"
            )
    if not any(b.status == "eligible" for b in bids):
        note = "复核：揭榜方补交承诺书，条件满足"
        service.decide_bid(session, actor=SYSTEM, bid_id=bids[0].id, eligible=True, note=note)


def _story(
    session: Session, plan: Plan, d: Demand, reviewers: list[Actor], today: date, rng: random.Random
) -> None:
    """One challenge's life up to ``plan.stop``: screening the day after the deadline, review four days
    later, the public notice (5 days) ten days after that, the award the day after the notice ends."""
    created, deadline = _ago(today, plan.created), _ago(today, plan.deadline, 17)
    values = _values(d, created, deadline, rng)
    ch = service.create_challenge(session, actor=SYSTEM, values=values, now=created, source=SOURCE)
    reached = STEPS.index(plan.stop) if plan.stop in STEPS else -1
    if reached < 0:
        return
    _move(session, ch, "published", created + timedelta(days=2))
    _bids(session, ch, d, plan.bids, rng)
    if not service.bids_for(session, actor=SYSTEM, challenge_id=ch.id):
        return  # no profile could bid on it: it stays open
    if reached >= 1:
        _move(session, ch, "screening", deadline + timedelta(days=1))
    if reached >= 2:
        _screen(session, ch)
        at = deadline + timedelta(days=5)
        _move(session, ch, "reviewing", at)
        _review(session, ch, reviewers, at, rng, skip="expert" if reached == 2 else "")
    if reached >= 3:
        at = deadline + timedelta(days=15)
        _move(session, ch, "publicity", at)
        if reached == 3:
            text = "有揭榜单位反映评审中对中试条件的认定不一致，请予复核。"
            service.object_to(
                session, actor=SYSTEM, challenge_id=ch.id, text=text, now=at + timedelta(days=1)
            )
    if reached >= 4:
        ends = ch.publicity_until or today
        _move(
            session, ch, "awarded", datetime.combine(ends, datetime.min.time()) + timedelta(days=1, hours=10)
        )
        _progress(session, ch, today)


def _progress(session: Session, ch: Challenge, today: date) -> None:
    """What happened since the award: planned money paid some days late, milestones met a little late."""
    plans = list(session.scalars(select(Fund).where(Fund.project_id == ch.project_id, Fund.kind == "plan")))
    for fund in plans:
        paid = fund.on + timedelta(days=12)
        if paid <= today:
            session.add(
                Fund(
                    project_id=fund.project_id, kind="actual", source=fund.source, on=paid, amount=fund.amount
                )
            )
    for m in session.scalars(select(Milestone).where(Milestone.project_id == ch.project_id)):
        if m.planned_on + timedelta(days=9) <= today:
            m.actual_on = m.planned_on + timedelta(days=9)
            m.evidence = "阶段验收意见（演示）"
    session.flush()


def demo_challenges(session: Session, *, today: date, seed: int = 15) -> int:
    """Load the demo challenges once; the number made (0 when already there)."""
    if session.scalar(select(func.count()).select_from(Challenge)):
        return 0
    rng = random.Random(seed)
    session.info.setdefault("actor", SYSTEM)
    reviewers = _reviewers(session)
    link_capabilities(session, list(session.scalars(select(Capability).where(Capability.source == SOURCE))))
    picked = _demands(session, rng)
    for plan, demand in zip(PLANS, picked, strict=False):
        _story(session, plan, demand, reviewers, today, rng)
    figures.feed(session, today)
    _targets(session, today, rng)
    return min(len(PLANS), len(picked))


def _targets(session: Session, today: date, rng: random.Random) -> None:
    """This year's targets for the demand figures in each district, near what the year brings so the
    lights differ (the figures themselves come from the job)."""
    ensure_indicators(session)
    totals = dict(
        session.execute(
            select(Figure.region_code + "|" + Figure.indicator, func.sum(Figure.value))
            .where(Figure.indicator.in_((figures.IUR, figures.AMOUNT)), Figure.year == today.year)
            .group_by(Figure.region_code, Figure.indicator)
        ).all()
    )
    for region in sorted(set(district_of(session).values())):
        for indicator in (figures.IUR, figures.AMOUNT):
            done = float(totals.get(f"{region}|{indicator}") or 0)
            target = max(3.0 if indicator == figures.IUR else 100.0, round(done * rng.uniform(0.85, 1.3)))
            exists = select(Target.id).where(
                Target.region_code == region, Target.indicator == indicator, Target.year == today.year
            )
            if session.scalar(exists) is None:
                session.add(
                    Target(
                        region_code=region, indicator=indicator, year=today.year, target=target, source=SOURCE
                    )
                )
    session.flush()
