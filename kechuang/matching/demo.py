"""Demo technology demands and capability profiles: hand-written texts (``data/demo-*.jsonl``) over the
13 chains, demands posted by demo enterprises linked to their chain, profiles placed in the city's
districts where they are local, matches computed, and a year of status history (collected → accepted →
matched → signed → solved, some unsolved or withdrawn) so the funnel has real figures. Deterministic for
a seed and a day."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.choices import DemandStatus as S
from kechuang.enterprises.models import Enterprise
from kechuang.matching import matching
from kechuang.matching.models import Capability, Demand, DemandEvent, DemandMatch
from kechuang.matching.service import DISTRICT_KINDS, link_capabilities
from kechuang.regions.models import Region

DATA = Path(__file__).with_name("data")
SOURCE = "demo:matching"
WAN = 10_000
# where a demand's story ends, and how often
ENDS = [
    (S.collected, 0.16),
    (S.accepted, 0.16),
    (S.matched, 0.17),
    (S.signed, 0.16),
    (S.solved, 0.23),
    (S.unsolved, 0.06),
    (S.withdrawn, 0.06),
]
PATHS = {
    S.collected: [],
    S.accepted: [S.accepted],
    S.matched: [S.accepted, S.matched],
    S.signed: [S.accepted, S.matched, S.signed],
    S.solved: [S.accepted, S.matched, S.signed, S.solved],
    S.unsolved: [S.accepted, S.unsolved],
    S.withdrawn: [S.withdrawn],
}
NOTES = {
    S.accepted: "区科技局已受理，转相关高校院所对接",
    S.matched: "组织供需双方现场对接",
    S.signed: "签订技术开发合同",
    S.solved: "项目验收，指标达到要求",
    S.unsolved: "暂无合适团队，需求方预算不足",
    S.withdrawn: "企业已自行解决，撤回需求",
}


def _lines(name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def _enterprises_by_chain(session: Session) -> dict[str, list[tuple[int, str]]]:
    rows = session.execute(
        select(Chain.code, Enterprise.id, Enterprise.region_code)
        .join(ChainNode, ChainNode.chain_id == Chain.id)
        .join(NodeLink, NodeLink.node_id == ChainNode.id)
        .join(Enterprise, Enterprise.id == NodeLink.enterprise_id)
        .distinct()
        .order_by(Chain.code, Enterprise.id)
    ).all()
    out: dict[str, list[tuple[int, str]]] = {}
    for chain, ent, region in rows:
        out.setdefault(chain, []).append((ent, region))
    return out


def _capabilities(session: Session, rng: random.Random) -> None:
    districts = list(
        session.scalars(select(Region.code).where(Region.kind.in_(DISTRICT_KINDS)).order_by(Region.code))
    )
    for rec in _lines("demo-capabilities.jsonl"):
        session.add(
            Capability(
                name=rec["name"],
                kind=rec["kind"],
                organisation=rec.get("organisation", ""),
                description=rec["text"],
                directions=rec.get("directions", ""),
                results=list(rec.get("results") or []),
                equipment=rec.get("equipment", ""),
                region_code=rng.choice(districts) if rec.get("local") and districts else None,
                node_codes="|".join(_nodes(session, rec)),
                source=SOURCE,
            )
        )
    session.flush()
    local = session.scalars(
        select(Capability).where(Capability.source == SOURCE, Capability.region_code.is_not(None))
    )
    link_capabilities(session, list(local))


def _nodes(session: Session, rec: dict) -> list[str]:
    """The atlas nodes a demo profile works on: the best two suggested from its text within its chain."""
    text = f"{rec['name']}\n{rec.get('directions', '')}\n{rec['text']}"
    return [s.code for s in matching.suggest_nodes(session, text, chain=rec.get("chain"), top=2)]


def _demands(session: Session, rng: random.Random, today: date) -> list[Demand]:
    by_chain = _enterprises_by_chain(session)
    anyone = list(
        session.execute(select(Enterprise.id, Enterprise.region_code).order_by(Enterprise.id).limit(2000))
    )
    made = []
    for rec in _lines("demo-demands.jsonl"):
        ent, region = rng.choice(by_chain.get(rec["chain"]) or anyone)
        budget = rec.get("budget_wan") or [None, None]
        posted = datetime.combine(
            today - timedelta(days=rng.randint(20, 360)), datetime.min.time()
        ) + timedelta(hours=9)
        demand = Demand(
            enterprise_id=ent,
            region_code=region,
            title=rec["title"],
            description=rec["text"],
            indicators=list(rec.get("indicators") or []),
            budget_min=round(budget[0] * WAN) if budget[0] is not None else None,
            budget_max=round(budget[1] * WAN) if budget[1] is not None else None,
            deadline=today + timedelta(days=rng.randint(60, 540)),
            chain_code=rec["chain"],
            confidentiality="bureau" if rng.random() < 0.15 else "public",
            status=S.collected.value,
            posted_by="demo",
            posted_at=posted,
            source=SOURCE,
        )
        session.add(demand)
        made.append(demand)
    session.flush()
    return made


def _steps(posted: datetime, end: S, rng: random.Random, today: date) -> list[tuple[S, datetime, str]]:
    """The steps to ``end``, some days apart, none after today."""
    at = posted
    steps = [(S.collected, at, "发布需求")]
    for status in PATHS[end]:
        at = at + timedelta(days=rng.randint(4, 45), hours=rng.randint(0, 7))
        if at.date() > today:
            break
        steps.append((status, at, NOTES[status]))
    return steps


def _story(session: Session, demand: Demand, rng: random.Random, today: date) -> None:
    """The demand's history, from posting to where its story ends, with days between the steps."""
    end = rng.choices([e for e, _ in ENDS], weights=[w for _, w in ENDS])[0]
    partner = session.scalar(
        select(DemandMatch.capability_id)
        .where(DemandMatch.demand_id == demand.id)
        .order_by(DemandMatch.rank)
        .limit(1)
    )
    if partner is None and end in (S.matched, S.signed, S.solved):
        end = S.accepted
    steps = _steps(demand.posted_at, end, rng, today)
    for status, when, note in steps:
        session.add(
            DemandEvent(
                demand_id=demand.id,
                region_code=demand.region_code,
                enterprise_id=demand.enterprise_id,
                status=status.value,
                note=note,
                capability_id=partner if status is S.matched else None,
                at=when,
                by="demo",
            )
        )
    last = steps[-1][0]
    demand.status = last.value
    demand.status_note = NOTES.get(last, "") if last in (S.unsolved, S.withdrawn) else ""
    if last in (S.matched, S.signed, S.solved):
        demand.partner_id = partner
    if last in (S.signed, S.solved):
        demand.contract_amount = demand.budget_max or round(rng.uniform(20, 300)) * WAN


def demo_matching(session: Session, *, today: date, seed: int = 14) -> int:
    """Load the demo demands and profiles once; the number of demands made (0 when already there)."""
    if session.scalar(select(func.count()).select_from(Demand)):
        return 0
    rng = random.Random(seed)
    _capabilities(session, rng)
    demands = _demands(session, rng, today)
    matching.store_matches(session, demands)
    for demand in demands:
        _story(session, demand, rng, today)
    session.flush()
    return len(demands)
