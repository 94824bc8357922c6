"""Challenge lists (揭榜挂帅): make, publish, bid, screen, assign reviewers, score, publicise, object, award.

The bureau runs a challenge; published challenges are visible to every role. A bidder (an enterprise
user for its enterprise, an expert for their profile, the bureau for a paper bid) sees its own bids; a
reviewer sees only the bids assigned to them. Every write validates everything first and then writes
in the caller's transaction (audited). The award creates a key project of type 揭榜挂帅 with the bid's
milestones, budget and KPIs, and signs the challenge's demands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from kechuang.auth.models import User
from kechuang.auth.policy import Permission, allowed, require
from kechuang.auth.scope import Actor
from kechuang.chains.models import ChainNode
from kechuang.challenges import eligibility, lifecycle
from kechuang.challenges.models import (
    Bid,
    BidFile,
    Challenge,
    ChallengeDemand,
    ChallengeEvent,
    ReviewAssignment,
)
from kechuang.choices import BidStatus, ChallengeStatus, DemandStatus, Role
from kechuang.enterprises.models import Enterprise, EnterpriseFigures, Title
from kechuang.errors import Forbidden, InvalidInput, NotFound, Problem
from kechuang.matching import review
from kechuang.matching import service as demands
from kechuang.matching.models import Capability, Demand
from kechuang.projects.models import Fund, Kpi, Milestone, Project
from kechuang.regions.models import Region

MAX_TEXT = 8000
OPEN_DEMANDS = (DemandStatus.collected, DemandStatus.accepted, DemandStatus.matched)


# -- visibility -------------------------------------------------------------------------------------


def may_manage(actor: Actor) -> bool:
    return allowed(actor, Permission.manage_challenges)


def challenge_clause(actor: Actor) -> ColumnElement[bool]:
    """The challenges ``actor`` sees: the bureau every one; everybody else the published ones."""
    if may_manage(actor):
        return true()
    return Challenge.status.in_([s.value for s in lifecycle.PUBLIC])


def get_challenge(session: Session, *, actor: Actor, challenge_id: int) -> Challenge:
    require(actor, Permission.see_challenges)
    ch = session.get(Challenge, challenge_id)
    if ch is None or not (may_manage(actor) or ChallengeStatus(ch.status) in lifecycle.PUBLIC):
        raise NotFound(f"榜单 {challenge_id} 不存在或尚未发布")
    return ch


def challenge_list(session: Session, *, actor: Actor, status: str | None = None) -> list[Challenge]:
    require(actor, Permission.see_challenges)
    stmt = select(Challenge).where(challenge_clause(actor))
    if status:
        stmt = stmt.where(Challenge.status == status)
    return list(session.scalars(stmt.order_by(Challenge.deadline.desc(), Challenge.id.desc())))


def _managed(session: Session, actor: Actor, challenge_id: int) -> Challenge:
    require(actor, Permission.manage_challenges, "揭榜挂帅榜单由市科技局发布和管理")
    return get_challenge(session, actor=actor, challenge_id=challenge_id)


def _event(
    session: Session, ch: Challenge, actor: Actor, kind: str, at: datetime | None = None, **values: Any
) -> ChallengeEvent:
    event = ChallengeEvent(
        challenge_id=ch.id, kind=kind, by=actor.username, at=at or datetime.now(), **values
    )
    session.add(event)
    return event


def history(session: Session, *, actor: Actor, challenge_id: int) -> list[ChallengeEvent]:
    get_challenge(session, actor=actor, challenge_id=challenge_id)
    return list(
        session.scalars(
            select(ChallengeEvent)
            .where(ChallengeEvent.challenge_id == challenge_id)
            .order_by(ChallengeEvent.at, ChallengeEvent.id)
        )
    )


# -- challenges -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeValues:
    """A challenge as the bureau writes it (a form or the API), before it is checked."""

    title: str
    problem: str
    deadline: datetime | None
    targets: Sequence[Mapping[str, Any]] = ()
    conditions: Sequence[Mapping[str, Any]] = ()
    chain_code: str | None = None
    node_code: str | None = None
    fiscal_budget: int = 0
    self_budget: int = 0
    duration_months: int = 24
    contact: str = ""
    demand_ids: Sequence[int] = ()


def _is_money(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**13


def _indicator_problems(key: str, what: str, items: Sequence[Mapping[str, Any]]) -> list[Problem]:
    problems = []
    if not items:
        problems.append(Problem(key, f"至少填写一项{what}（名称、目标值与单位）", None))
    for i, item in enumerate(items, start=1):
        if not str(item.get("name", "")).strip():
            problems.append(Problem(f"{key}[{i}].name", f"{what}须有名称", item.get("name")))
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(f"{key}[{i}].value", f"{what}的目标值应为数字", value))
    return problems


def _demand_problems(session: Session, ids: Sequence[int]) -> list[Problem]:
    problems = []
    for demand_id in ids:
        d = session.get(Demand, demand_id)
        if d is None:
            problems.append(Problem("demand_ids", "没有这项技术需求", demand_id))
        elif DemandStatus(d.status) not in OPEN_DEMANDS:
            problems.append(
                Problem(
                    "demand_ids", f"需求“{d.title}”已{DemandStatus(d.status).zh}，不能再纳入榜单", demand_id
                )
            )
    return problems


def _terms_problems(v: ChallengeValues) -> list[Problem]:
    """Money and duration."""
    problems = [
        Problem(key, "金额应为不小于 0 的整数（元）", getattr(v, key))
        for key in ("fiscal_budget", "self_budget")
        if not _is_money(getattr(v, key))
    ]
    months = v.duration_months
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        problems.append(Problem("duration_months", "实施周期应为 1 到 120 个月", months))
    return problems


def check_challenge(session: Session, values: ChallengeValues, now: datetime) -> None:
    """Every problem with a challenge at once (nothing is written)."""
    v = values
    problems = []
    if not v.title.strip() or len(v.title) > 200:
        problems.append(Problem("title", "榜单名称须填写，不超过 200 字", v.title))
    if not 10 <= len(v.problem.strip()) <= MAX_TEXT:
        problems.append(
            Problem("problem", f"请用 10 到 {MAX_TEXT} 个字写明需要攻克的问题", len(v.problem.strip()))
        )
    problems += _indicator_problems("targets", "技术指标", v.targets)
    problems += eligibility.problems(v.conditions) + _terms_problems(v)
    if v.deadline is None:
        problems.append(Problem("deadline", "请填写揭榜截止时间", None))
    elif v.deadline <= now:
        problems.append(
            Problem(
                "deadline", f"揭榜截止时间应晚于现在（{now:%Y-%m-%d %H:%M}）", f"{v.deadline:%Y-%m-%d %H:%M}"
            )
        )
    if not v.contact.strip():
        problems.append(Problem("contact", "请填写联系人与联系方式", v.contact))
    problems += demands.atlas_problems(session, v.chain_code, v.node_code)
    problems += _demand_problems(session, v.demand_ids)
    if problems:
        raise InvalidInput(problems)


def _next_code(session: Session, year: int) -> str:
    prefix = f"YZJB-{year}-"
    last = session.scalar(select(func.max(Challenge.code)).where(Challenge.code.like(f"{prefix}%")))
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:03d}"


def _assign(ch: Challenge, v: ChallengeValues) -> None:
    ch.title, ch.problem = v.title.strip(), v.problem.strip()
    ch.targets = [dict(t) for t in v.targets]
    ch.conditions = [dict(c) for c in v.conditions]
    ch.chain_code, ch.node_code = v.chain_code or None, v.node_code or None
    ch.fiscal_budget, ch.self_budget, ch.duration_months = v.fiscal_budget, v.self_budget, v.duration_months
    ch.deadline, ch.contact = v.deadline, v.contact.strip()  # type: ignore[assignment]


def _link_demands(session: Session, ch: Challenge, ids: Sequence[int]) -> None:
    for old in session.scalars(select(ChallengeDemand).where(ChallengeDemand.challenge_id == ch.id)):
        session.delete(old)
    session.flush()
    for demand_id in dict.fromkeys(ids):
        session.add(ChallengeDemand(challenge_id=ch.id, demand_id=demand_id))


def create_challenge(
    session: Session, *, actor: Actor, values: ChallengeValues, now: datetime, source: str = ""
) -> Challenge:
    """A new challenge in 草稿, with the published review criteria and its demands."""
    require(actor, Permission.manage_challenges, "揭榜挂帅榜单由市科技局发布和管理")
    check_challenge(session, values, now)
    criteria = review.builtin()
    ch = Challenge(
        code=_next_code(session, now.year),
        status=ChallengeStatus.draft.value,
        criteria=criteria_data(criteria),
        created_by=actor.username,
        source=source or f"用户 {actor.username}",
    )
    _assign(ch, values)
    session.add(ch)
    session.flush()
    _link_demands(session, ch, values.demand_ids)
    _event(session, ch, actor, "stage", now, status=ChallengeStatus.draft.value, note="新建榜单")
    session.flush()
    return ch


def update_challenge(
    session: Session, *, actor: Actor, challenge_id: int, values: ChallengeValues, now: datetime
) -> Challenge:
    """Change a challenge while it is a draft."""
    ch = _managed(session, actor, challenge_id)
    if ch.status != ChallengeStatus.draft:
        raise InvalidInput(
            [Problem("status", "榜单发布后不能修改；如需调整请撤榜后重新发布", ChallengeStatus(ch.status).zh)]
        )
    check_challenge(session, values, now)
    _assign(ch, values)
    _link_demands(session, ch, values.demand_ids)
    session.flush()
    return ch


def criteria_data(c: review.Criteria) -> dict[str, Any]:
    """The review criteria as a challenge keeps them (so a later edit of the file does not change it)."""
    items = [
        {"code": i.code, "name": i.name, "weight": i.weight, "max": i.max, "help": i.help} for i in c.items
    ]
    return {
        "criteria_set": c.id,
        "version": c.version,
        "source": c.source,
        "trim_from": c.trim_from,
        "publicity_days": c.publicity_days,
        "criteria": items,
    }


def criteria_of(ch: Challenge) -> review.Criteria:
    return review.Criteria.of(ch.criteria)


def linked_demands(session: Session, *, actor: Actor, challenge_id: int) -> list[Demand]:
    """The challenge's demands that ``actor`` may see."""
    get_challenge(session, actor=actor, challenge_id=challenge_id)
    return list(
        session.scalars(
            select(Demand)
            .join(ChallengeDemand, ChallengeDemand.demand_id == Demand.id)
            .where(ChallengeDemand.challenge_id == challenge_id, demands.demand_clause(actor))
            .order_by(Demand.id)
        )
    )


def _budget(d: Demand) -> int:
    return d.budget_max or d.budget_min or 0


def draft_from_demands(session: Session, *, actor: Actor, demand_ids: Sequence[int]) -> dict[str, Any]:
    """A challenge form filled from demands: title, problem, targets, chain, node and budget."""
    found = [demands.get_demand(session, actor=actor, demand_id=i) for i in demand_ids]
    if not found:
        return {}
    first = found[0]
    return {
        "title": f"{first.title}等 {len(found)} 项需求联合攻关" if found[1:] else first.title,
        "problem": "\n\n".join(d.description for d in found),
        "targets": [t for d in found for t in d.indicators],
        "chain_code": first.chain_code or "",
        "node_code": first.node_code or "",
        "fiscal_budget": max(_budget(d) for d in found),
        "demand_ids": [d.id for d in found],
    }


# -- stages -----------------------------------------------------------------------------------------


def _bids(session: Session, challenge_id: int) -> list[Bid]:
    return list(
        session.scalars(
            select(Bid)
            .where(Bid.challenge_id == challenge_id, Bid.status != BidStatus.withdrawn.value)
            .order_by(Bid.id)
        )
    )


def _reviews(session: Session, challenge_id: int) -> list[ReviewAssignment]:
    return list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.challenge_id == challenge_id)
            .order_by(ReviewAssignment.id)
        )
    )


def open_objections(session: Session, challenge_id: int) -> list[ChallengeEvent]:
    """The objections of the challenge that have no answer yet."""
    events = list(
        session.scalars(
            select(ChallengeEvent)
            .where(
                ChallengeEvent.challenge_id == challenge_id, ChallengeEvent.kind.in_(("objection", "answer"))
            )
            .order_by(ChallengeEvent.id)
        )
    )
    answered = {e.objection_id for e in events if e.kind == "answer"}
    return [e for e in events if e.kind == "objection" and e.id not in answered]


def facts(
    session: Session, ch: Challenge, now: datetime, note: str = "", winner: int | None = None
) -> lifecycle.Facts:
    bids = _bids(session, ch.id)
    eligible = {b.id for b in bids if b.status == BidStatus.eligible}
    reviews = _reviews(session, ch.id)
    reviewed = {r.bid_id for r in reviews}
    return lifecycle.Facts(
        now=now,
        deadline=ch.deadline,
        bids=len(bids),
        undecided=sum(b.status == BidStatus.submitted for b in bids),
        eligible=len(eligible),
        unassigned=len(eligible - reviewed),
        unscored=sum(r.scores is None for r in reviews if r.bid_id in eligible),
        winner=(winner or ch.winner_bid_id) in eligible,
        publicity_until=ch.publicity_until,
        open_objections=len(open_objections(session, ch.id)),
        note=note,
    )


def next_steps(session: Session, actor: Actor, ch: Challenge) -> list[ChallengeStatus]:
    return list(lifecycle.NEXT[ChallengeStatus(ch.status)]) if may_manage(actor) else []


def move_challenge(
    session: Session,
    *,
    actor: Actor,
    challenge_id: int,
    status: str,
    now: datetime,
    note: str = "",
    publicity_days: int | None = None,
    winner_bid_id: int | None = None,
) -> Challenge:
    """Move a challenge to its next stage (see ``lifecycle``), doing what the stage needs."""
    ch = _managed(session, actor, challenge_id)
    if status not in ChallengeStatus.values():
        raise InvalidInput([Problem("status", "、".join(ChallengeStatus.values()) + " 之一", status)])
    target = ChallengeStatus(status)
    if target is ChallengeStatus.publicity and winner_bid_id is None:
        ranked = _ranked(session, ch)
        winner_bid_id = ranked[0].id if ranked else None
    problems = []
    why = lifecycle.refusal(ChallengeStatus(ch.status), target, facts(session, ch, now, note, winner_bid_id))
    if why:
        problems.append(Problem("status", why, target.zh))
    days = ch.criteria.get("publicity_days", 5) if publicity_days is None else publicity_days
    if target is ChallengeStatus.publicity:
        problems += _days_problems(ch, days)
    if problems:
        raise InvalidInput(problems)
    STAGES[target](session, actor, ch, now, days, winner_bid_id)
    ch.status = target.value
    _event(session, ch, actor, "stage", now, status=target.value, note=note.strip() or target.zh)
    session.flush()
    return ch


def _days_problems(ch: Challenge, days: Any) -> list[Problem]:
    least = int(ch.criteria.get("publicity_days", 5))
    if isinstance(days, bool) or not isinstance(days, int) or not least <= days <= 60:
        return [Problem("publicity_days", f"公示期应为 {least} 到 60 天", days)]
    return []


def _publish(session: Session, actor: Actor, ch: Challenge, now: datetime, *_: Any) -> None:
    ch.published_on = now.date()
    for d in session.scalars(
        select(Demand)
        .join(ChallengeDemand, ChallengeDemand.demand_id == Demand.id)
        .where(ChallengeDemand.challenge_id == ch.id, Demand.status == DemandStatus.collected.value)
    ):
        demands.move_demand(
            session,
            actor=actor,
            demand_id=d.id,
            status="accepted",
            note=f"纳入揭榜挂帅榜单 {ch.code}",
            at=now,
        )


def _screen(session: Session, actor: Actor, ch: Challenge, *_: Any) -> None:
    """Check every bid's eligibility again at the close of bids; decide where the data allows."""
    for bid in _bids(session, ch.id):
        bid.checks = eligibility.check(ch.conditions, bidder_facts(session, bid))
        verdict = eligibility.outcome(bid.checks)
        if verdict is not None:
            bid.status = (BidStatus.eligible if verdict else BidStatus.ineligible).value
            bid.screening_note = (
                "自动审查：全部条件满足"
                if verdict
                else "自动审查：" + "；".join(c["detail"] for c in bid.checks if c["status"] == "not_met")
            )


def _ranked(session: Session, ch: Challenge) -> list[Bid]:
    """The eligible bids by their score over their reviewers, best first (unscored last)."""
    criteria = criteria_of(ch)
    totals: dict[int, list[float]] = {}
    for r in _reviews(session, ch.id):
        if r.total is not None:
            totals.setdefault(r.bid_id, []).append(r.total)
    bids = [b for b in _bids(session, ch.id) if b.status == BidStatus.eligible]
    for b in bids:
        b.score = review.bid_score(totals.get(b.id, []), criteria)
    bids.sort(key=lambda b: (b.score is None, -(b.score or 0), b.id))
    for n, b in enumerate(bids, start=1):
        b.rank = n
    return bids


def _review(session: Session, actor: Actor, ch: Challenge, *_: Any) -> None:
    ch.winner_bid_id, ch.publicity_until = None, None


def _publicise(
    session: Session, actor: Actor, ch: Challenge, now: datetime, days: int, winner: int | None
) -> None:
    _ranked(session, ch)
    ch.winner_bid_id = winner
    ch.publicity_until = now.date() + timedelta(days=days)


def _cancel(session: Session, actor: Actor, ch: Challenge, *_: Any) -> None:
    ch.winner_bid_id = None


def _award(session: Session, actor: Actor, ch: Challenge, now: datetime, *_: Any) -> None:
    winner = session.get(Bid, ch.winner_bid_id)
    assert winner is not None  # lifecycle: a winner among the eligible bids
    for b in _bids(session, ch.id):
        if b.status == BidStatus.eligible:
            b.status = (BidStatus.awarded if b.id == winner.id else BidStatus.not_awarded).value
    project = _project(session, ch, winner, now.date())
    ch.project_id = project.id
    amount = winner.fiscal_budget + winner.self_budget
    for d in session.scalars(
        select(Demand)
        .join(ChallengeDemand, ChallengeDemand.demand_id == Demand.id)
        .where(ChallengeDemand.challenge_id == ch.id)
    ):
        demands.sign_by_award(
            session,
            actor=actor,
            demand=d,
            capability_id=winner.capability_id,
            amount=amount,
            note=f"揭榜挂帅 {ch.code} 立项：{winner.bidder} 揭榜",
            at=now,
        )


STAGES = {
    ChallengeStatus.published: _publish,
    ChallengeStatus.screening: _screen,
    ChallengeStatus.reviewing: _review,
    ChallengeStatus.publicity: _publicise,
    ChallengeStatus.awarded: _award,
    ChallengeStatus.cancelled: _cancel,
}


def _owner(session: Session, ch: Challenge, bid: Bid) -> tuple[Enterprise | None, str]:
    """Who carries the project: the bidding enterprise, else the enterprise whose demand it was."""
    if bid.enterprise_id is not None:
        return session.get(Enterprise, bid.enterprise_id), ""
    first = session.scalar(
        select(Demand)
        .join(ChallengeDemand, ChallengeDemand.demand_id == Demand.id)
        .where(ChallengeDemand.challenge_id == ch.id)
        .order_by(Demand.id)
        .limit(1)
    )
    return (session.get(Enterprise, first.enterprise_id) if first else None), bid.bidder


def _city(session: Session) -> str:
    return (
        session.scalar(select(Region.code).where(Region.kind == "city").order_by(Region.code).limit(1)) or ""
    )


def _project(session: Session, ch: Challenge, bid: Bid, start: date) -> Project:
    """The key project an award creates: the bid's milestones, budget and KPIs, monitored from today."""
    owner, partner = _owner(session, ch, bid)
    end = _months_later(start, ch.duration_months)
    node_id = (
        session.scalar(select(ChainNode.id).where(ChainNode.code == ch.node_code)) if ch.node_code else None
    )
    project = Project(
        code=ch.code,
        name=ch.title,
        type="open_competition",
        owner_enterprise_id=owner.id if owner else None,
        owner_name=owner.name if owner else bid.bidder,
        partners="|".join(p for p in [partner, *bid.partners.split("|")] if p),
        region_code=(owner.region_code if owner else bid.region_code) or _city(session),
        node_id=node_id,
        fiscal_budget=bid.fiscal_budget,
        self_budget=bid.self_budget,
        start_on=start,
        end_on=end,
        source=f"揭榜挂帅榜单 {ch.code}，揭榜方 {bid.bidder}（申报 {bid.id}）",
    )
    session.add(project)
    session.flush()
    for m in bid.milestones:
        session.add(
            Milestone(project_id=project.id, name=m["name"], planned_on=date.fromisoformat(m["planned_on"]))
        )
    for on, source, amount in fund_plan(
        start, [date.fromisoformat(m["planned_on"]) for m in bid.milestones], bid
    ):
        session.add(Fund(project_id=project.id, kind="plan", source=source, on=on, amount=amount))
    for k in bid.kpis:
        session.add(
            Kpi(
                project_id=project.id,
                name=k["name"],
                unit=k.get("unit", ""),
                target=float(k["value"]),
                due_on=end,
                direction=int(k.get("direction", 1)),
            )
        )
    session.flush()
    return project


def fund_plan(start: date, milestones: Sequence[date], bid: Bid) -> list[tuple[date, str, int]]:
    """The planned disbursements: fiscal funds 60% on the award and 40% at the first milestone (立项拨付
    与中期拨付); self-raised funds in equal parts at each milestone (the remainder on the last)."""
    out = []
    if bid.fiscal_budget:
        first = round(bid.fiscal_budget * 0.6)
        mid = min(milestones) if milestones else start
        out += [(start, "fiscal", first), (mid, "fiscal", bid.fiscal_budget - first)]
    if bid.self_budget:
        days = sorted(milestones) or [start]
        part = bid.self_budget // len(days)
        out += [(d, "self", part) for d in days[:-1]] + [
            (days[-1], "self", bid.self_budget - part * (len(days) - 1))
        ]
    return [(on, source, amount) for on, source, amount in out if amount]


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# -- bids -------------------------------------------------------------------------------------------


FILE_TYPES = frozenset(
    {"pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "zip"}
)
MAX_FILES = 10
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as uploaded with a bid."""

    name: str
    content_type: str
    data: bytes


def file_problems(files: Sequence[Upload]) -> list[Problem]:
    """Too many files, an empty or too large one, or a kind the bureau does not take."""
    problems = []
    if len(files) > MAX_FILES:
        problems.append(Problem("files", f"附件不超过 {MAX_FILES} 个", len(files)))
    for f in files:
        kind = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
        if kind not in FILE_TYPES:
            problems.append(Problem("files", "附件应为 " + "、".join(sorted(FILE_TYPES)) + " 文件", f.name))
        elif not f.data:
            problems.append(Problem("files", "附件是空文件", f.name))
        elif len(f.data) > MAX_FILE_BYTES:
            problems.append(Problem("files", f"单个附件不超过 {MAX_FILE_BYTES // 1024 // 1024} MB", f.name))
    return problems


@dataclass(frozen=True)
class BidValues:
    """A bid as submitted (a form or the API), before it is checked."""

    leader: str
    plan: str
    milestones: Sequence[Mapping[str, Any]]
    kpis: Sequence[Mapping[str, Any]]
    capability_id: int | None = None
    bidder: str = ""  # the bureau's paper bids name the organisation; others take it from the profile
    partners: Sequence[str] = ()
    team: str = ""
    fiscal_budget: int = 0
    self_budget: int = 0
    rd_staff: int | None = None
    attachments: Sequence[str] = ()  # documents sent on paper
    declared: Sequence[int] = field(default_factory=tuple)
    files: Sequence[Upload] = ()


def _profile(session: Session, actor: Actor, v: BidValues) -> tuple[Capability | None, list[Problem]]:
    """The capability profile a bid names, if the bidder may speak for it."""
    cap = session.get(Capability, v.capability_id) if v.capability_id else None
    if v.capability_id and cap is None:
        return None, [Problem("capability_id", "没有这个能力档案", v.capability_id)]
    if cap is not None and not demands.may_edit_capability(actor, cap):
        return None, [Problem("capability_id", "只能以本人、本企业的能力档案揭榜", cap.name)]
    return cap, []


def _bidder(
    session: Session, actor: Actor, v: BidValues
) -> tuple[str, Capability | None, Enterprise | None, list[Problem]]:
    """The bidding organisation, its profile and its registry enterprise, from who is bidding: an
    enterprise user bids as its enterprise, an expert as the organisation of their profile, the bureau
    (a paper bid) as the organisation it names."""
    cap, problems = _profile(session, actor, v)
    if problems:
        return "", None, None, problems
    if allowed(actor, Permission.see_own_enterprise):
        ent = session.get(Enterprise, actor.enterprise_id) if actor.enterprise_id else None
        if ent is None:
            return "", cap, None, [Problem("enterprise_id", "账号未关联企业", None)]
        return ent.name, cap, ent, []
    if cap is None:
        ent, name = None, v.bidder.strip()
    else:
        ent = session.get(Enterprise, cap.enterprise_id) if cap.enterprise_id else None
        name = v.bidder.strip() or cap.organisation or cap.name
    if not name:
        paper = may_manage(actor)
        why = "请填写揭榜单位" if paper else "请选择揭榜所用的能力档案（所属单位）"
        return "", cap, ent, [Problem("bidder" if paper else "capability_id", why, None)]
    return name, cap, ent, []


def _plan_problems(ch: Challenge, v: BidValues) -> list[Problem]:
    problems = []
    if not v.leader.strip():
        problems.append(Problem("leader", "请填写项目负责人", v.leader))
    if not 20 <= len(v.plan.strip()) <= MAX_TEXT:
        problems.append(
            Problem("plan", f"技术方案请写 20 到 {MAX_TEXT} 字（路线、分工、进度）", len(v.plan.strip()))
        )
    for key in ("fiscal_budget", "self_budget"):
        if not _is_money(getattr(v, key)):
            problems.append(Problem(key, "金额应为不小于 0 的整数（元）", getattr(v, key)))
    if _is_money(v.fiscal_budget) and v.fiscal_budget > ch.fiscal_budget:
        problems.append(
            Problem("fiscal_budget", f"申请财政资金不超过榜单的 {ch.fiscal_budget} 元", v.fiscal_budget)
        )
    if v.rd_staff is not None and (
        isinstance(v.rd_staff, bool) or not isinstance(v.rd_staff, int) or v.rd_staff < 0
    ):
        problems.append(Problem("rd_staff", "研发人员人数应为不小于 0 的整数", v.rd_staff))
    return problems


def _milestone_problems(ch: Challenge, v: BidValues, today: date) -> list[Problem]:
    problems = []
    if not v.milestones:
        problems.append(Problem("milestones", "至少填写一个里程碑（名称与计划完成日期）", None))
    end = _months_later(today, ch.duration_months)
    for i, m in enumerate(v.milestones, start=1):
        if not str(m.get("name", "")).strip():
            problems.append(Problem(f"milestones[{i}].name", "里程碑须有名称", m.get("name")))
        try:
            planned = date.fromisoformat(str(m.get("planned_on")))
        except ValueError:
            problems.append(
                Problem(f"milestones[{i}].planned_on", "计划完成日期应为 YYYY-MM-DD", m.get("planned_on"))
            )
            continue
        if not today <= planned <= end:
            problems.append(
                Problem(
                    f"milestones[{i}].planned_on", f"应在实施周期内（{today} 至 {end}）", planned.isoformat()
                )
            )
    return problems


def _kpi_problems(ch: Challenge, v: BidValues) -> list[Problem]:
    problems = _indicator_problems("kpis", "考核指标", v.kpis)
    promised = {str(k.get("name", "")).strip() for k in v.kpis}
    missing = [t["name"] for t in ch.targets if t["name"] not in promised]
    if missing:
        problems.append(
            Problem(
                "kpis", "考核指标应覆盖榜单的技术指标，缺：" + "、".join(missing), "、".join(sorted(promised))
            )
        )
    return problems


def bidder_facts(session: Session, bid: Bid) -> eligibility.Bidder:
    """What the registry knows of a bid's organisation, for its eligibility."""
    in_city = bid.region_code is not None and session.get(Region, bid.region_code) is not None
    rd, rd_source, hnte = bid.rd_staff, "申报填写", None
    if bid.enterprise_id is not None:
        figure = session.scalar(
            select(EnterpriseFigures.rd_staff)
            .where(
                EnterpriseFigures.enterprise_id == bid.enterprise_id, EnterpriseFigures.rd_staff.is_not(None)
            )
            .order_by(EnterpriseFigures.year.desc())
            .limit(1)
        )
        if figure is not None:
            rd, rd_source = figure, "企业库最新年报"
        hnte = (
            session.scalar(
                select(Title.id)
                .where(
                    Title.enterprise_id == bid.enterprise_id,
                    Title.type == "hnte",
                    (Title.valid_until.is_(None)) | (Title.valid_until >= date.today()),
                )
                .limit(1)
            )
            is not None
        )
    return eligibility.Bidder(
        local=in_city if bid.region_code is not None else None,
        rd_staff=rd,
        rd_staff_source=rd_source,
        hnte=hnte,
        declared=frozenset(int(i) for i in bid.declared or []),
    )


def bid_profiles(session: Session, *, actor: Actor) -> list[Capability]:
    """The capability profiles ``actor`` may bid with: an expert's own, an enterprise's, any for the bureau."""
    stmt = select(Capability).order_by(Capability.name)
    if may_manage(actor):
        return list(session.scalars(stmt.limit(1000)))
    mine = Capability.user_id == actor.user_id
    if actor.enterprise_id is not None:
        mine = mine | (Capability.enterprise_id == actor.enterprise_id)
    return list(session.scalars(stmt.where(mine)))


def check_bid(
    session: Session, *, actor: Actor, challenge_id: int, values: BidValues, now: datetime
) -> tuple[Challenge, str, Capability | None, Enterprise | None]:
    """Every problem with a bid at once (nothing is written); the challenge and who bids."""
    require(actor, Permission.bid_challenge, "揭榜申报由企业、专家团队提交（或由市科技局代录纸质申报）")
    ch = get_challenge(session, actor=actor, challenge_id=challenge_id)
    if ch.status != ChallengeStatus.published:
        why = f"榜单当前为“{ChallengeStatus(ch.status).zh}”，不接受揭榜申报"
        raise InvalidInput([Problem("status", why, ch.status)])
    late = review.late(now, ch.deadline)
    if late:
        raise InvalidInput([Problem("submitted_at", late, f"{now:%Y-%m-%d %H:%M}")])
    name, cap, ent, problems = _bidder(session, actor, values)
    problems += (
        _plan_problems(ch, values) + _milestone_problems(ch, values, now.date()) + _kpi_problems(ch, values)
    )
    problems += file_problems(values.files)
    if name and any(b.bidder == name for b in _bids(session, ch.id)):
        problems.append(Problem("bidder", "该单位已揭榜本榜单；如需修改请先撤回原申报", name))
    if problems:
        raise InvalidInput(problems)
    return ch, name, cap, ent


def _stored(f: Upload) -> BidFile:
    data = f.data
    return BidFile(
        name=f.name[-200:],
        content_type=f.content_type[:100] or "application/octet-stream",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def _text_of(values: BidValues) -> dict[str, Any]:
    """The bid's own words and numbers as stored."""
    return {
        "partners": "|".join(p.strip() for p in values.partners if p.strip()),
        "rd_staff": values.rd_staff,
        "leader": values.leader.strip(),
        "plan": values.plan.strip(),
        "team": values.team.strip(),
        "fiscal_budget": values.fiscal_budget,
        "self_budget": values.self_budget,
        "milestones": [
            {"name": str(m["name"]).strip(), "planned_on": str(m["planned_on"])} for m in values.milestones
        ],
        "kpis": [dict(k) for k in values.kpis],
        "attachments": [a for a in values.attachments if a.strip()],
        "declared": sorted({int(i) for i in values.declared}),
    }


def submit_bid(session: Session, *, actor: Actor, challenge_id: int, values: BidValues, now: datetime) -> Bid:
    """A bid (揭榜申报) on a published challenge before its deadline, checked for eligibility at once."""
    ch, name, cap, ent = check_bid(session, actor=actor, challenge_id=challenge_id, values=values, now=now)
    region = ent.region_code if ent else (cap.region_code if cap else None)
    bid = Bid(
        challenge_id=ch.id,
        bidder=name,
        capability_id=cap.id if cap else None,
        enterprise_id=ent.id if ent else None,
        region_code=region,
        status=BidStatus.submitted.value,
        user_id=actor.user_id,
        submitted_by=actor.username,
        submitted_at=now,
        files=[_stored(f) for f in values.files],
        **_text_of(values),
    )
    bid.checks = eligibility.check(ch.conditions, bidder_facts(session, bid))
    session.add(bid)
    session.flush()
    return bid


def may_withdraw(actor: Actor, bid: Bid, ch: Challenge, now: datetime) -> bool:
    """The bidder may take a bid back while bids are open."""
    return (
        _own(actor, bid)
        and bid.status == BidStatus.submitted
        and ch.status == ChallengeStatus.published
        and now <= ch.deadline
    )


def bid_files(session: Session, *, actor: Actor, bid_id: int) -> list[tuple[int, str, int]]:
    """A bid's files (id, name, size) for those who may open the bid."""
    get_bid(session, actor=actor, bid_id=bid_id)
    rows = session.execute(
        select(BidFile.id, BidFile.name, BidFile.size).where(BidFile.bid_id == bid_id).order_by(BidFile.id)
    ).all()
    return [(i, name, size) for i, name, size in rows]


def get_file(session: Session, *, actor: Actor, bid_id: int, file_id: int) -> BidFile:
    get_bid(session, actor=actor, bid_id=bid_id)
    f = session.get(BidFile, file_id)
    if f is None or f.bid_id != bid_id:
        raise NotFound(f"附件 {file_id} 不存在")
    return f


def withdraw_bid(session: Session, *, actor: Actor, bid_id: int, now: datetime) -> Bid:
    """The bidder takes a bid back while bids are open."""
    bid = get_bid(session, actor=actor, bid_id=bid_id)
    ch = session.get(Challenge, bid.challenge_id)
    assert ch is not None
    if not may_withdraw(actor, bid, ch, now):
        raise Forbidden("只有揭榜方可以在申报截止前撤回申报")
    bid.status = BidStatus.withdrawn.value
    session.flush()
    return bid


def _own(actor: Actor, bid: Bid) -> bool:
    return (
        bid.user_id is not None
        and bid.user_id == actor.user_id
        or (
            allowed(actor, Permission.see_own_enterprise)
            and actor.enterprise_id is not None
            and actor.enterprise_id == bid.enterprise_id
        )
    )


def _assigned(session: Session, actor: Actor, bid: Bid) -> bool:
    return (
        actor.user_id is not None
        and session.scalar(
            select(ReviewAssignment.id).where(
                ReviewAssignment.bid_id == bid.id, ReviewAssignment.reviewer_id == actor.user_id
            )
        )
        is not None
    )


def get_bid(session: Session, *, actor: Actor, bid_id: int) -> Bid:
    """A bid, for the bureau, its bidder and the reviewers assigned to it."""
    bid = session.get(Bid, bid_id)
    if bid is None or not (may_manage(actor) or _own(actor, bid) or _assigned(session, actor, bid)):
        raise NotFound(f"揭榜申报 {bid_id} 不存在或无权查看")
    return bid


def bids_for(session: Session, *, actor: Actor, challenge_id: int) -> list[Bid]:
    """The bids of a challenge ``actor`` may open: all for the bureau; own and assigned ones for others."""
    get_challenge(session, actor=actor, challenge_id=challenge_id)
    stmt = select(Bid).where(Bid.challenge_id == challenge_id).order_by(Bid.rank.is_(None), Bid.rank, Bid.id)
    if not may_manage(actor):
        mine = Bid.user_id == actor.user_id
        if allowed(actor, Permission.see_own_enterprise) and actor.enterprise_id is not None:
            mine = mine | (Bid.enterprise_id == actor.enterprise_id)
        assigned = Bid.id.in_(
            select(ReviewAssignment.bid_id).where(ReviewAssignment.reviewer_id == actor.user_id)
        )
        stmt = stmt.where(mine | assigned)
    return list(session.scalars(stmt))


def result(session: Session, ch: Challenge) -> list[Bid]:
    """The public result (公示 and after): the eligible bids in their order, with scores."""
    if ChallengeStatus(ch.status) not in (ChallengeStatus.publicity, ChallengeStatus.awarded):
        return []
    return list(
        session.scalars(
            select(Bid).where(Bid.challenge_id == ch.id, Bid.rank.is_not(None)).order_by(Bid.rank)
        )
    )


def decide_bid(session: Session, *, actor: Actor, bid_id: int, eligible: bool, note: str) -> Bid:
    """形式审查: the bureau passes or fails a bid (a reason is needed), during the screening."""
    bid = get_bid(session, actor=actor, bid_id=bid_id)
    ch = _managed(session, actor, bid.challenge_id)
    problems = []
    if ch.status != ChallengeStatus.screening:
        problems.append(Problem("status", "只能在形式审查阶段审查申报", ChallengeStatus(ch.status).zh))
    if bid.status == BidStatus.withdrawn:
        problems.append(Problem("bid_id", "申报已撤回", bid_id))
    if not note.strip():
        problems.append(Problem("note", "请写明审查意见", note))
    if problems:
        raise InvalidInput(problems)
    bid.status = (BidStatus.eligible if eligible else BidStatus.ineligible).value
    bid.screening_note = note.strip()
    session.flush()
    return bid


# -- reviews ----------------------------------------------------------------------------------------


def reviewers(session: Session) -> list[tuple[User, str]]:
    """The expert accounts a bureau may assign, with the organisation their profile names."""
    rows = session.execute(
        select(User, Capability.organisation)
        .outerjoin(Capability, Capability.user_id == User.id)
        .where(User.role == Role.expert.value, User.is_active.is_(True))
        .order_by(User.username)
    ).all()
    out: dict[int, tuple[User, str]] = {}
    for user, org in rows:
        if user.id not in out or (org and not out[user.id][1]):
            out[user.id] = (user, org or "")
    return list(out.values())


def _reviewer(session: Session, bid: Bid, reviewer_id: int) -> tuple[User | None, str, list[Problem]]:
    """The expert, their organisation, and why they may not review the bid (unknown, no organisation to
    check, a conflict of interest, already assigned)."""
    user, org = {u.id: (u, org) for u, org in reviewers(session)}.get(reviewer_id, (None, ""))
    if user is None:
        return None, "", [Problem("reviewer_id", "应为在用的专家账号", reviewer_id)]
    name = user.display_name or user.username
    if not org.strip():
        why = f"专家 {name} 的能力档案未填写所属单位，无法进行回避审查"
        return user, org, [Problem("reviewer_id", why, user.username)]
    clash = review.conflict(org, [bid.bidder, *bid.partners.split("|")])
    if clash:
        why = f"回避：专家 {name}（{org}）与揭榜单位“{clash}”属同一单位"
        return user, org, [Problem("reviewer_id", why, user.username)]
    assigned = select(ReviewAssignment.id).where(
        ReviewAssignment.bid_id == bid.id, ReviewAssignment.reviewer_id == user.id
    )
    if session.scalar(assigned) is not None:
        return user, org, [Problem("reviewer_id", "该专家已分配评审这份申报", user.username)]
    return user, org, []


def assign_reviewer(
    session: Session, *, actor: Actor, bid_id: int, reviewer_id: int, now: datetime | None = None
) -> ReviewAssignment:
    """The bureau assigns an expert to a bid, refused where the expert belongs to a bidding organisation."""
    bid = get_bid(session, actor=actor, bid_id=bid_id)
    ch = _managed(session, actor, bid.challenge_id)
    problems = []
    if ch.status != ChallengeStatus.reviewing:
        problems.append(Problem("status", "只能在专家评审阶段分配评审专家", ChallengeStatus(ch.status).zh))
    if bid.status != BidStatus.eligible:
        problems.append(Problem("bid_id", "只有通过形式审查的申报进入专家评审", BidStatus(bid.status).zh))
    user, org, more = _reviewer(session, bid, reviewer_id)
    problems += more
    if problems:
        raise InvalidInput(problems)
    assert user is not None
    assignment = ReviewAssignment(
        challenge_id=ch.id,
        bid_id=bid.id,
        reviewer_id=user.id,
        reviewer_organisation=org,
        assigned_by=actor.username,
        assigned_at=now or datetime.now(),
    )
    session.add(assignment)
    session.flush()
    return assignment


def get_review(session: Session, *, actor: Actor, review_id: int) -> ReviewAssignment:
    """A review assignment, for the bureau and its reviewer."""
    r = session.get(ReviewAssignment, review_id)
    if r is None or not (may_manage(actor) or r.reviewer_id == actor.user_id):
        raise NotFound(f"评审任务 {review_id} 不存在或未分配给您")
    return r


def reviewer_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = session.execute(
        select(User.id, User.display_name, User.username).where(User.id.in_(list(ids)))
    ).all()
    return {i: name or username for i, name, username in rows}


def my_reviews(session: Session, *, actor: Actor) -> list[tuple[ReviewAssignment, Bid, Challenge]]:
    """An expert's review tasks over every challenge, open ones first."""
    rows = session.execute(
        select(ReviewAssignment, Bid, Challenge)
        .join(Bid, Bid.id == ReviewAssignment.bid_id)
        .join(Challenge, Challenge.id == ReviewAssignment.challenge_id)
        .where(ReviewAssignment.reviewer_id == actor.user_id)
        .order_by(ReviewAssignment.submitted_at.is_not(None), ReviewAssignment.assigned_at.desc())
    ).all()
    return [(r, b, c) for r, b, c in rows]


def reviews_for(session: Session, *, actor: Actor, challenge_id: int) -> list[ReviewAssignment]:
    """The review assignments ``actor`` sees: the bureau all; a reviewer their own."""
    get_challenge(session, actor=actor, challenge_id=challenge_id)
    stmt = select(ReviewAssignment).where(ReviewAssignment.challenge_id == challenge_id)
    if not may_manage(actor):
        stmt = stmt.where(ReviewAssignment.reviewer_id == actor.user_id)
    return list(session.scalars(stmt.order_by(ReviewAssignment.bid_id, ReviewAssignment.id)))


def submit_scores(
    session: Session,
    *,
    actor: Actor,
    review_id: int,
    scores: Mapping[str, Any],
    comment: str = "",
    now: datetime,
) -> ReviewAssignment:
    """A reviewer scores an assigned bid on the challenge's criteria; they may correct it until the review closes."""
    require(actor, Permission.review_bids, "只有被分配的评审专家可以打分")
    assignment = get_review(session, actor=actor, review_id=review_id)
    if assignment.reviewer_id != actor.user_id:
        raise NotFound(f"评审任务 {review_id} 不存在或未分配给您")
    ch = session.get(Challenge, assignment.challenge_id)
    assert ch is not None
    criteria = criteria_of(ch)
    problems = review.score_problems(scores, criteria)
    if ch.status != ChallengeStatus.reviewing:
        problems.append(Problem("status", "专家评审已结束，不能再修改评分", ChallengeStatus(ch.status).zh))
    if problems:
        raise InvalidInput(problems)
    assignment.scores = {k: float(v) for k, v in scores.items()}
    assignment.total = review.reviewer_total(assignment.scores, criteria)
    assignment.comment, assignment.submitted_at = comment.strip(), now
    session.flush()
    return assignment


# -- public notice ----------------------------------------------------------------------------------


def object_to(
    session: Session, *, actor: Actor, challenge_id: int, text: str, now: datetime | None = None
) -> ChallengeEvent:
    """An objection (异议) to the publicised result, noted for the bureau to answer."""
    ch = get_challenge(session, actor=actor, challenge_id=challenge_id)
    problems = []
    if ch.status != ChallengeStatus.publicity:
        problems.append(Problem("status", "只能在公示期内提出异议", ChallengeStatus(ch.status).zh))
    if len(text.strip()) < 10:
        problems.append(Problem("text", "请用至少 10 个字写明异议的事实与理由", text))
    if problems:
        raise InvalidInput(problems)
    event = _event(session, ch, actor, "objection", now, note=text.strip())
    session.flush()
    return event


def answer_objection(
    session: Session,
    *,
    actor: Actor,
    challenge_id: int,
    objection_id: int,
    note: str,
    now: datetime | None = None,
) -> ChallengeEvent:
    """The bureau's answer to an objection; an upheld one is followed by moving back to 专家评审."""
    ch = _managed(session, actor, challenge_id)
    problems = []
    if objection_id not in {e.id for e in open_objections(session, ch.id)}:
        problems.append(Problem("objection_id", "没有这条待处理的异议", objection_id))
    if not note.strip():
        problems.append(Problem("note", "请写明处理意见", note))
    if problems:
        raise InvalidInput(problems)
    event = _event(session, ch, actor, "answer", now, note=note.strip(), objection_id=objection_id)
    session.flush()
    return event
