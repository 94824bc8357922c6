"""Technology demands and capability profiles: post, list, move through the lifecycle, match, recommend.

Every write validates everything first and then writes in the caller's transaction (audited). A demand
belongs to one registry enterprise and is scoped by its district; a public demand is also visible to
every signed-in role (the 需求大厅), a bureau-only one to the bureau, its district and the enterprise.
Capability profiles are a directory every role reads; who may change one: the bureau, the district
for profiles in its area, an enterprise for its own, an expert for the profile linked to the account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from kechuang.auth.models import User
from kechuang.auth.policy import Permission, allowed, require, writable_region
from kechuang.auth.scope import Actor, can_see, scope_clause
from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.choices import CapabilityKind, Confidentiality, DemandStatus
from kechuang.db import utcnow
from kechuang.enterprises.models import Enterprise
from kechuang.errors import Forbidden, InvalidInput, NotFound, Problem
from kechuang.matching import funnel, lifecycle, matching
from kechuang.matching.models import Capability, Demand, DemandEvent, DemandMatch, Message, Recommendation
from kechuang.paging import DEFAULT_PAGE_SIZE, Page, bounded

MAX_TEXT = 5000
DISTRICT_KINDS = ("district", "county", "county_city", "zone")  # the regions a demand or profile sits in
INDICATOR = re.compile(
    r"^\s*(?P<name>[^0-9≥≤<>=＞＜]+?)\s*[≥≤<>=＞＜]*\s*(?P<value>-?\d+(?:\.\d+)?)\s*(?P<unit>.*)$"
)


def parse_indicator(text: str) -> dict[str, Any] | None:
    """ "导热系数 ≥5 W/(m·K)" as {name, value, unit}; None when it has no name or no number."""
    m = INDICATOR.match(text)
    return {"name": m["name"].strip(), "value": float(m["value"]), "unit": m["unit"].strip()} if m else None


def indicator_text(indicators: Sequence[Mapping[str, Any]]) -> str:
    """Indicators written back as the forms and the workbook take them ("名称 目标值 单位；…")."""
    return "；".join(f"{i['name']} {i['value']:g} {i.get('unit', '')}".strip() for i in indicators)


# -- visibility -------------------------------------------------------------------------------------


def demand_clause(actor: Actor) -> ColumnElement[bool]:
    """The demands ``actor`` may see: its scope, and every public demand."""
    return or_(scope_clause(actor, Demand), Demand.confidentiality == Confidentiality.public.value)


def get_demand(session: Session, *, actor: Actor, demand_id: int) -> Demand:
    require(actor, Permission.see_demands)
    demand = session.get(Demand, demand_id)
    if demand is None or not (demand.confidentiality == Confidentiality.public or can_see(actor, demand)):
        raise NotFound(f"技术需求 {demand_id} 不存在或无权查看")
    return demand


def may_handle(actor: Actor, demand: Demand) -> bool:
    """The bureau and the demand's district accept and match it."""
    return writable_region(actor, demand.region_code)


def may_edit(actor: Actor, demand: Demand) -> bool:
    """The bureau, the demand's district and its enterprise change its text."""
    return may_handle(actor, demand) or (
        actor.enterprise_id is not None and actor.enterprise_id == demand.enterprise_id
    )


def next_steps(actor: Actor, demand: Demand) -> list[DemandStatus]:
    """The statuses ``actor`` may move the demand to."""
    if not may_edit(actor, demand):
        return []
    return lifecycle.steps(DemandStatus(demand.status), handler=may_handle(actor, demand))


# -- demands ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemandValues:
    """A demand as posted (a form, the API or a workbook row), before it is checked."""

    enterprise_id: int | None
    title: str
    description: str
    indicators: Sequence[Mapping[str, Any]] = ()
    budget_min: int | None = None
    budget_max: int | None = None
    deadline: date | None = None
    chain_code: str | None = None
    node_code: str | None = None
    item_name: str | None = None
    confidentiality: str = Confidentiality.public.value


def _text_problems(v: DemandValues) -> list[Problem]:
    problems = []
    if not v.title.strip():
        problems.append(Problem("title", "需求名称不能为空", v.title))
    elif len(v.title) > 200:
        problems.append(Problem("title", "需求名称不超过 200 字", len(v.title)))
    if len(v.description.strip()) < 10:
        problems.append(
            Problem("description", "请用至少 10 个字描述需求（背景、要解决的问题、技术指标）", v.description)
        )
    elif len(v.description) > MAX_TEXT:
        problems.append(Problem("description", f"需求描述不超过 {MAX_TEXT} 字", len(v.description)))
    if v.confidentiality not in Confidentiality.values():
        problems.append(
            Problem("confidentiality", "应为 public（公开）或 bureau（仅科技局可见）", v.confidentiality)
        )
    return problems


def _is_money(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _money_problems(v: DemandValues, today: date) -> list[Problem]:
    problems = [
        Problem(key, "预算应为不小于 0 的整数金额（单位：元）", getattr(v, key))
        for key in ("budget_min", "budget_max")
        if getattr(v, key) is not None and not _is_money(getattr(v, key))
    ]
    if _is_money(v.budget_min) and _is_money(v.budget_max) and v.budget_min > v.budget_max:  # type: ignore[operator]
        problems.append(Problem("budget_max", f"预算上限应不小于下限 {v.budget_min} 元", v.budget_max))
    if v.deadline is not None and v.deadline < today:
        problems.append(
            Problem("deadline", f"截止日期应不早于今天（{today.isoformat()}）", v.deadline.isoformat())
        )
    return problems


def _indicator_problems(v: DemandValues) -> list[Problem]:
    problems = []
    for i, ind in enumerate(v.indicators, start=1):
        name, value = str(ind.get("name", "")).strip(), ind.get("value")
        if not name:
            problems.append(Problem(f"indicators[{i}].name", "技术指标须有名称（如 导热系数）", name))
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(Problem(f"indicators[{i}].value", "技术指标的目标值应为数字", value))
    return problems


def atlas_problems(session: Session, chain_code: str | None, node_code: str | None) -> list[Problem]:
    """A chain code and a node code that the atlas does not hold, or a node of another chain."""
    problems = []
    if chain_code and session.scalar(select(Chain.id).where(Chain.code == chain_code)) is None:
        problems.append(Problem("chain_code", "图谱中没有这条产业链", chain_code))
    if node_code:
        node = session.execute(
            select(ChainNode.code, Chain.code)
            .join(Chain, Chain.id == ChainNode.chain_id)
            .where(ChainNode.code == node_code)
        ).first()
        if node is None:
            problems.append(Problem("node_code", "图谱中没有这个节点", node_code))
        elif chain_code and node[1] != chain_code:
            problems.append(Problem("node_code", f"节点不属于产业链 {chain_code}", node_code))
    return problems


def _enterprise(
    session: Session, actor: Actor, enterprise_id: int | None
) -> tuple[Enterprise | None, list[Problem]]:
    handler = allowed(actor, Permission.handle_demands)
    if not handler:
        if enterprise_id not in (None, actor.enterprise_id):
            return None, [Problem("enterprise_id", "企业用户只能为本企业发布需求", enterprise_id)]
        enterprise_id = actor.enterprise_id
    if enterprise_id is None:
        return None, [Problem("enterprise_id", "请选择提出需求的企业（企业库中的企业）", None)]
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        return None, [Problem("enterprise_id", "企业库中没有这家企业", enterprise_id)]
    if handler and not writable_region(actor, ent.region_code):
        return None, [Problem("enterprise_id", "只能为本辖区的企业发布需求", ent.name)]
    return ent, []


def check_demand(
    session: Session, *, actor: Actor, values: DemandValues, today: date
) -> tuple[Enterprise, list[Problem]]:
    """Every problem with a demand at once (nothing is written)."""
    ent, problems = _enterprise(session, actor, values.enterprise_id)
    problems += _text_problems(values) + _money_problems(values, today) + _indicator_problems(values)
    problems += atlas_problems(session, values.chain_code, values.node_code)
    if problems or ent is None:
        raise InvalidInput(problems)
    return ent, problems


def _fill_atlas(session: Session, values: DemandValues) -> dict[str, Any]:
    """The demand's chain and node: as given, else the atlas's best suggestion from its text."""
    chain, node = values.chain_code, values.node_code
    if not node and session.scalar(select(ChainNode.id).limit(1)) is not None:
        suggested = matching.suggest_nodes(session, f"{values.title}\n{values.description}", chain=chain)
        if suggested:
            node = suggested[0].code
            chain = chain or suggested[0].chain
    return {"chain_code": chain or None, "node_code": node or None}


def post_demand(
    session: Session, *, actor: Actor, values: DemandValues, today: date, source: str = "", match: bool = True
) -> Demand:
    """A new demand (征集), its first history step, and its matches."""
    require(actor, Permission.post_demand)
    ent, _ = check_demand(session, actor=actor, values=values, today=today)
    demand = Demand(
        enterprise_id=ent.id,
        region_code=ent.region_code,
        title=values.title.strip(),
        description=values.description.strip(),
        indicators=[dict(i) for i in values.indicators],
        budget_min=values.budget_min,
        budget_max=values.budget_max,
        deadline=values.deadline,
        item_name=values.item_name or None,
        confidentiality=values.confidentiality,
        status=DemandStatus.collected.value,
        posted_by=actor.username,
        source=source or f"用户 {actor.username}",
        **_fill_atlas(session, values),
    )
    session.add(demand)
    session.flush()
    _event(session, demand, DemandStatus.collected, actor, note="发布需求")
    if match:
        matching.store_matches(session, [demand])
    return demand


def update_demand(
    session: Session, *, actor: Actor, demand_id: int, values: DemandValues, today: date, match: bool = True
) -> Demand:
    """Change a demand's text, budget, deadline, node or visibility (its enterprise stays)."""
    demand = get_demand(session, actor=actor, demand_id=demand_id)
    if not may_edit(actor, demand):
        raise Forbidden("只有科技局、需求所在辖区和提出需求的企业可以修改需求")
    values = replace(values, enterprise_id=demand.enterprise_id)
    check_demand(session, actor=actor, values=values, today=today)
    for key in (
        "title",
        "description",
        "budget_min",
        "budget_max",
        "deadline",
        "item_name",
        "confidentiality",
    ):
        setattr(demand, key, getattr(values, key))
    demand.indicators = [dict(i) for i in values.indicators]
    demand.chain_code, demand.node_code = values.chain_code or None, values.node_code or None
    session.flush()
    if match:
        matching.store_matches(session, [demand])
    return demand


def _event(
    session: Session,
    demand: Demand,
    status: DemandStatus,
    actor: Actor,
    *,
    note: str = "",
    capability_id: int | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        DemandEvent(
            demand_id=demand.id,
            region_code=demand.region_code,
            enterprise_id=demand.enterprise_id,
            status=status.value,
            note=note,
            capability_id=capability_id,
            at=at or utcnow(),
            by=actor.username,
        )
    )


def _check_step(
    session: Session,
    actor: Actor,
    demand: Demand,
    target: DemandStatus,
    note: str,
    capability_id: int | None,
    contract_amount: int | None,
) -> Capability | None:
    """The step's problems raised at once; the capability it names, if any."""
    partner = session.get(Capability, capability_id) if capability_id else None
    problems = []
    if capability_id and partner is None:
        problems.append(Problem("capability_id", "没有这个能力档案", capability_id))
    if contract_amount is not None and not _is_money(contract_amount):
        problems.append(Problem("contract_amount", "合同金额应为不小于 0 的整数（元）", contract_amount))
    why = lifecycle.refusal(
        DemandStatus(demand.status),
        target,
        handler=may_handle(actor, demand),
        note=note,
        partner=partner is not None,
    )
    if why:
        problems.append(Problem("status", why, target.zh))
    if problems:
        raise InvalidInput(problems)
    return partner


def move_demand(
    session: Session,
    *,
    actor: Actor,
    demand_id: int,
    status: str,
    note: str = "",
    capability_id: int | None = None,
    contract_amount: int | None = None,
    at: datetime | None = None,
) -> Demand:
    """Move a demand to its next status (see ``lifecycle``), recording the step (at ``at``, else now)."""
    demand = get_demand(session, actor=actor, demand_id=demand_id)
    if not may_edit(actor, demand):
        raise Forbidden("只有科技局、需求所在辖区和提出需求的企业可以变更需求状态")
    if status not in DemandStatus.values():
        raise InvalidInput([Problem("status", "、".join(DemandStatus.values()) + " 之一", status)])
    target = DemandStatus(status)
    partner = _check_step(session, actor, demand, target, note, capability_id, contract_amount)
    demand.status, demand.status_note = target.value, note.strip()
    if partner is not None:
        demand.partner_id = partner.id
    if target is DemandStatus.signed and contract_amount is not None:
        demand.contract_amount = contract_amount
    _event(
        session,
        demand,
        target,
        actor,
        note=note.strip(),
        capability_id=partner.id if partner else None,
        at=at,
    )
    session.flush()
    return demand


def sign_by_award(
    session: Session,
    *,
    actor: Actor,
    demand: Demand,
    capability_id: int | None,
    amount: int,
    note: str,
    at: datetime | None = None,
) -> None:
    """An awarded challenge signs its demands: each open demand walks its lifecycle to 已签约 (已受理 →
    已对接 → 已签约 as needed), every step recorded with ``note``, the winner as its partner."""
    path = {
        DemandStatus.collected: (DemandStatus.accepted, DemandStatus.matched, DemandStatus.signed),
        DemandStatus.accepted: (DemandStatus.matched, DemandStatus.signed),
        DemandStatus.matched: (DemandStatus.signed,),
    }.get(DemandStatus(demand.status), ())
    for step in path:
        _event(session, demand, step, actor, note=note, capability_id=capability_id, at=at)
    if path:
        demand.status, demand.status_note = DemandStatus.signed.value, note
        demand.partner_id = capability_id or demand.partner_id
        demand.contract_amount = amount
    session.flush()


def history(session: Session, *, actor: Actor, demand_id: int) -> list[DemandEvent]:
    get_demand(session, actor=actor, demand_id=demand_id)
    return list(
        session.scalars(
            select(DemandEvent)
            .where(DemandEvent.demand_id == demand_id)
            .order_by(DemandEvent.at, DemandEvent.id)
        )
    )


@dataclass(frozen=True)
class DemandFilter:
    chain_code: str | None = None
    region_code: str | None = None
    status: str | None = None
    budget_at_least: int | None = None
    q: str | None = None


def _filtered(stmt: Any, f: DemandFilter) -> Any:
    if f.chain_code:
        stmt = stmt.where(Demand.chain_code == f.chain_code)
    if f.region_code:
        stmt = stmt.where(Demand.region_code.like(f"{f.region_code}%"))
    if f.status:
        stmt = stmt.where(Demand.status == f.status)
    if f.budget_at_least is not None:
        stmt = stmt.where(func.coalesce(Demand.budget_max, Demand.budget_min, 0) >= f.budget_at_least)
    if f.q:
        like = f"%{f.q.strip()}%"
        stmt = stmt.where(or_(Demand.title.like(like), Demand.description.like(like)))
    return stmt


def demand_list(
    session: Session,
    *,
    actor: Actor,
    filters: DemandFilter | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Page[tuple[Demand, str]]:
    """The demands ``actor`` sees, newest first, with their enterprise's name."""
    require(actor, Permission.see_demands)
    page, page_size = bounded(page, page_size)
    f = filters or DemandFilter()
    base = _filtered(select(Demand.id).where(demand_clause(actor)), f)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        _filtered(select(Demand, Enterprise.name).join(Enterprise, Enterprise.id == Demand.enterprise_id), f)
        .where(demand_clause(actor))
        .order_by(Demand.posted_at.desc(), Demand.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return Page(items=[(d, name) for d, name in rows], total=total, page=page, page_size=page_size)


# -- capabilities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapabilityValues:
    name: str
    kind: str
    description: str
    organisation: str = ""
    directions: str = ""
    results: Sequence[str] = ()
    equipment: str = ""
    people: str = ""
    contact: str = ""
    keywords: Sequence[str] = ()
    node_codes: Sequence[str] = ()
    region_code: str | None = None
    enterprise_id: int | None = None
    user_id: int | None = None


def capability_problems(
    session: Session, v: CapabilityValues, nodes: set[str] | None = None
) -> list[Problem]:
    """Every problem with a profile (``nodes``: the atlas's node codes, looked up when not given)."""
    problems = []
    if not v.name.strip() or len(v.name) > 200:
        problems.append(Problem("name", "名称不能为空、不超过 200 字", v.name))
    if v.kind not in CapabilityKind.values():
        problems.append(Problem("kind", "、".join(CapabilityKind.labels().values()) + " 之一", v.kind))
    if len(v.description.strip()) < 10:
        problems.append(
            Problem("description", "请用至少 10 个字介绍能力（研究方向、成果、设备）", v.description)
        )
    known = nodes if nodes is not None else set(session.scalars(select(ChainNode.code)))
    unknown = [c for c in v.node_codes if c not in known]
    if unknown:
        problems.append(Problem("node_codes", "图谱中没有这些节点", "、".join(unknown)))
    if v.enterprise_id is not None and session.get(Enterprise, v.enterprise_id) is None:
        problems.append(Problem("enterprise_id", "企业库中没有这家企业", v.enterprise_id))
    return problems


def may_edit_capability(actor: Actor, cap: Capability) -> bool:
    """The bureau; a district for profiles in its area; an enterprise its own; an expert the profile linked
    to the account."""
    if allowed(actor, Permission.handle_demands) and writable_region(actor, cap.region_code):
        return True
    if actor.enterprise_id is not None and cap.enterprise_id == actor.enterprise_id:
        return True
    return actor.user_id is not None and cap.user_id == actor.user_id


def _owned(session: Session, actor: Actor, v: CapabilityValues) -> CapabilityValues:
    """What only the bureau and the districts choose (where, which enterprise, which account): anybody
    else's profile is its enterprise's (in the enterprise's district) or its own account's."""
    if allowed(actor, Permission.handle_demands):
        if not writable_region(actor, v.region_code):
            raise Forbidden("区县操作员只能维护本辖区的能力档案")
        return v
    if actor.enterprise_id is not None:
        ent = session.get(Enterprise, actor.enterprise_id)
        region = v.region_code or (ent.region_code if ent else None)
        return replace(v, enterprise_id=actor.enterprise_id, user_id=None, region_code=region)
    return replace(v, user_id=actor.user_id, enterprise_id=None)


def save_capability(
    session: Session,
    *,
    actor: Actor,
    values: CapabilityValues,
    capability_id: int | None = None,
    source: str = "",
) -> Capability:
    """Create or change a profile; its atlas nodes become 人才/载体 links where it is local."""
    require(actor, Permission.edit_capability)
    values = _owned(session, actor, values)
    cap = session.get(Capability, capability_id) if capability_id else None
    if capability_id and cap is None:
        raise NotFound(f"能力档案 {capability_id} 不存在")
    if cap is not None and not may_edit_capability(actor, cap):
        raise Forbidden("只能修改本人、本企业或本辖区的能力档案")
    problems = capability_problems(session, values)
    if problems:
        raise InvalidInput(problems)
    cap = cap or Capability(source=source or f"用户 {actor.username}")
    _assign(cap, values)
    if cap.id is None:
        session.add(cap)
    session.flush()
    link_capabilities(session, [cap])
    matching.forget_index()
    return cap


TALENT_KINDS = frozenset({CapabilityKind.expert.value, CapabilityKind.team.value})


def link_capabilities(session: Session, caps: Sequence[Capability]) -> None:
    """A local profile's atlas nodes as the atlas's links: experts and teams as 人才 (talent), universities,
    institutes and enterprises as 载体 (carrier); a profile outside the city (no region) links nowhere.
    The links are the profile's own (source "能力档案 N"), replaced when it changes."""
    sources = {cap.id: f"能力档案 {cap.id}" for cap in caps}
    for old in session.scalars(select(NodeLink).where(NodeLink.source.in_(list(sources.values())))):
        session.delete(old)
    session.flush()
    codes = {c for cap in caps if cap.region_code for c in cap.node_codes.split("|") if c}
    nodes = dict(session.execute(select(ChainNode.code, ChainNode.id).where(ChainNode.code.in_(codes))).all())
    for cap in caps:
        session.add_all(_links_of(cap, nodes, sources[cap.id]))
    session.flush()


def _links_of(cap: Capability, nodes: Mapping[str, int], source: str) -> list[NodeLink]:
    if not cap.region_code:
        return []
    kind = "talent" if cap.kind in TALENT_KINDS else "carrier"
    return [
        NodeLink(node_id=nodes[code], kind=kind, name=cap.name, region_code=cap.region_code, source=source)
        for code in cap.node_codes.split("|")
        if code in nodes
    ]


def same_capability(cap: Capability, v: CapabilityValues) -> bool:
    """Whether saving ``v`` would change nothing (an exported row imported back)."""
    probe = Capability()
    _assign(probe, v)
    keys = (
        "name",
        "kind",
        "description",
        "organisation",
        "directions",
        "equipment",
        "people",
        "contact",
        "region_code",
        "keywords",
        "node_codes",
        "enterprise_id",
    )
    return all(getattr(probe, k) == getattr(cap, k) for k in keys) and list(probe.results) == list(
        cap.results or []
    )


def _assign(cap: Capability, v: CapabilityValues) -> None:
    cap.name, cap.kind, cap.description = v.name.strip(), v.kind, v.description.strip()
    cap.organisation, cap.directions, cap.equipment = v.organisation, v.directions, v.equipment
    cap.people, cap.contact, cap.region_code = v.people, v.contact, v.region_code or None
    cap.results = [r for r in v.results if r.strip()]
    cap.keywords = "|".join(k.strip() for k in v.keywords if k.strip())
    cap.node_codes = "|".join(v.node_codes)
    cap.enterprise_id = v.enterprise_id
    cap.user_id = (
        v.user_id if v.user_id is not None else cap.user_id
    )  # an expert's link survives the bureau's edits


def get_capability(session: Session, *, actor: Actor, capability_id: int) -> Capability:
    require(actor, Permission.see_capabilities)
    cap = session.get(Capability, capability_id)
    if cap is None:
        raise NotFound(f"能力档案 {capability_id} 不存在")
    return cap


def capability_list(
    session: Session,
    *,
    actor: Actor,
    kind: str | None = None,
    node_code: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Page[Capability]:
    require(actor, Permission.see_capabilities)
    page, page_size = bounded(page, page_size)
    stmt = select(Capability)
    if kind:
        stmt = stmt.where(Capability.kind == kind)
    if node_code:
        stmt = stmt.where(("|" + Capability.node_codes + "|").like(f"%|{node_code}|%"))
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                Capability.name.like(like),
                Capability.description.like(like),
                Capability.organisation.like(like),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(
        session.scalars(
            stmt.order_by(Capability.name, Capability.id).offset((page - 1) * page_size).limit(page_size)
        )
    )
    return Page(items=items, total=total, page=page, page_size=page_size)


# -- matches, recommendations, inbox ----------------------------------------------------------------


def matches_for(session: Session, *, actor: Actor, demand_id: int) -> list[tuple[DemandMatch, Capability]]:
    """A demand's stored matches, best first (the matching job and every save keep them current)."""
    get_demand(session, actor=actor, demand_id=demand_id)
    rows = session.execute(
        select(DemandMatch, Capability)
        .join(Capability, Capability.id == DemandMatch.capability_id)
        .where(DemandMatch.demand_id == demand_id)
        .order_by(DemandMatch.rank)
    ).all()
    return [(m, c) for m, c in rows]


def demands_for(
    session: Session, *, actor: Actor, capability_id: int, limit: int = 20
) -> list[tuple[DemandMatch, Demand]]:
    """The visible demands a capability matches, best score first."""
    get_capability(session, actor=actor, capability_id=capability_id)
    rows = session.execute(
        select(DemandMatch, Demand)
        .join(Demand, Demand.id == DemandMatch.demand_id)
        .where(DemandMatch.capability_id == capability_id, demand_clause(actor))
        .where(Demand.status.in_([s.value for s in lifecycle.OPEN]))
        .order_by(DemandMatch.score.desc())
        .limit(limit)
    ).all()
    return [(m, d) for m, d in rows]


def owners(session: Session, cap: Capability) -> list[User]:
    """The accounts that speak for a profile: its expert, or the users of its enterprise."""
    stmt = select(User).where(User.is_active.is_(True))
    if cap.user_id is not None:
        return list(session.scalars(stmt.where(User.id == cap.user_id)))
    if cap.enterprise_id is not None:
        return list(session.scalars(stmt.where(User.enterprise_id == cap.enterprise_id)))
    return []


def recommend(session: Session, *, actor: Actor, demand_id: int, capability_id: int) -> int:
    """推荐给: tell a capability's owners about a demand in their inbox; returns how many were told."""
    demand = get_demand(session, actor=actor, demand_id=demand_id)
    if not may_handle(actor, demand):
        raise Forbidden("只有科技局和需求所在辖区可以推荐需求")
    cap = get_capability(session, actor=actor, capability_id=capability_id)
    people = owners(session, cap)
    session.add(Recommendation(demand_id=demand.id, capability_id=cap.id, by=actor.username, at=utcnow()))
    for user in people:
        session.add(
            Message(
                user_id=user.id,
                title=f"为您推荐技术需求：{demand.title}",
                body=f"{actor.username} 认为“{cap.name}”可以解决这项需求，请查看并联系需求方。",
                link=f"/demands/{demand.id}",
                created_at=utcnow(),
            )
        )
    session.flush()
    return len(people)


def inbox(session: Session, *, actor: Actor, limit: int = 100) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.user_id == actor.user_id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(limit)
        )
    )


def unread(session: Session, *, actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return (
        session.scalar(
            select(func.count()).where(Message.user_id == actor.user_id, Message.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, *, actor: Actor, message_id: int) -> Message:
    msg = session.get(Message, message_id)
    if msg is None or msg.user_id != actor.user_id:
        raise NotFound(f"消息 {message_id} 不存在")
    msg.read_at = msg.read_at or datetime.now()
    session.flush()
    return msg


def enterprise_name(session: Session, enterprise_id: int) -> str:
    return session.scalar(select(Enterprise.name).where(Enterprise.id == enterprise_id)) or ""


def postable_enterprises(session: Session, *, actor: Actor, limit: int = 500) -> list[Enterprise]:
    """The enterprises ``actor`` may post a demand for: an enterprise user its own; a district its area's."""
    stmt = select(Enterprise).order_by(Enterprise.name).limit(limit)
    if not allowed(actor, Permission.handle_demands):
        return list(session.scalars(stmt.where(Enterprise.id == actor.enterprise_id)))
    return list(session.scalars(stmt.where(scope_clause(actor, Enterprise))))


def top_matches(
    session: Session, demand_ids: Sequence[int], per: int = 3
) -> dict[int, list[tuple[DemandMatch, str]]]:
    """The best ``per`` stored matches of each demand (the hall's column), with the capability's name."""
    rows = session.execute(
        select(DemandMatch, Capability.name)
        .join(Capability, Capability.id == DemandMatch.capability_id)
        .where(DemandMatch.demand_id.in_(list(demand_ids)), DemandMatch.rank <= per)
        .order_by(DemandMatch.demand_id, DemandMatch.rank)
    ).all()
    out: dict[int, list[tuple[DemandMatch, str]]] = {}
    for m, name in rows:
        out.setdefault(m.demand_id, []).append((m, name))
    return out


def funnel_events(session: Session, *, actor: Actor) -> pl.DataFrame:
    """Every status step of the demands ``actor``'s scope holds, as the funnel reads them."""
    require(actor, Permission.see_demands)
    rows = session.execute(
        select(DemandEvent.demand_id, DemandEvent.region_code, DemandEvent.status, DemandEvent.at).where(
            scope_clause(actor, DemandEvent)
        )
    ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=funnel.EVENTS_SCHEMA, orient="row")


def demand_funnel(session: Session, *, actor: Actor, year: int, regions: Sequence[str]) -> dict[str, Any]:
    """The year's funnel for the actor's whole scope and for each of ``regions``."""
    events = funnel_events(session, actor=actor)
    return {"all": funnel.funnel(events, year), "regions": funnel.by_region(events, year, list(regions))}


def chain_name(session: Session, code: str | None) -> str:
    return (session.scalar(select(Chain.name).where(Chain.code == code)) or "") if code else ""


def node_name(session: Session, code: str | None) -> str:
    return (session.scalar(select(ChainNode.name).where(ChainNode.code == code)) or "") if code else ""
