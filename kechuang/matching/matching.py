"""The platform's matcher: the pure matcher over the stored capability profiles, with the platform's
atlas as its vocabulary, and the stored matches pages read.

The lexicon and the index are built once per process and rebuilt when the atlas or a profile changes
(a fingerprint of the tables is checked; a saved profile also forgets the index). Matches are written
when a demand is saved and by the ``matching`` job for every open demand, never while a page is read.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kechuang.chains.models import Chain, ChainNode, NodeItem
from kechuang.db import utcnow
from kechuang.matching import lexicon as lexicons
from kechuang.matching import lifecycle
from kechuang.matching.matcher import Doc, Matcher, Suggestion
from kechuang.matching.matcher import suggest_nodes as _suggest
from kechuang.matching.models import Capability, Demand, DemandMatch
from kechuang.matching.text import Analyzer

TOP = 10
_lock = threading.Lock()
_cache: dict[str, Any] = {}


def _atlas_key(session: Session) -> tuple[Any, ...]:
    return (
        session.scalar(select(func.count(Chain.id))),
        session.scalar(select(func.count(ChainNode.id))),
        session.scalar(select(func.max(NodeItem.id))),
    )


def analyzer(session: Session) -> Analyzer:
    """The analyser over the platform's atlas (the built-in one when none is loaded) and the synonyms."""
    key = _atlas_key(session)
    with _lock:
        if _cache.get("atlas_key") != key:
            from kechuang.chains.service import export_document, has_atlas

            synonyms = lexicons.read_json(lexicons.SYNONYMS)
            atlas = export_document(session) if has_atlas(session) else lexicons.read_json(lexicons.ATLAS)
            _cache.clear()
            _cache["atlas_key"] = key
            _cache["analyzer"] = Analyzer(lexicons.build(atlas, synonyms))
        result: Analyzer = _cache["analyzer"]
        return result


def capability_doc(cap: Capability) -> Doc:
    """A profile as the matcher reads it: name, organisation, directions, text, equipment, keywords."""
    text = "\n".join(
        part
        for part in (
            cap.name,
            cap.organisation,
            cap.directions,
            cap.description,
            cap.equipment,
            cap.keywords.replace("|", " "),
        )
        if part
    )
    return Doc(str(cap.id), text, results=tuple(cap.results or ()))


def demand_doc(demand: Demand) -> Doc:
    indicators = " ".join(
        f"{i.get('name', '')}{i.get('value', '')}{i.get('unit', '')}" for i in demand.indicators or ()
    )
    text = "\n".join(p for p in (demand.title, demand.description, demand.item_name or "", indicators) if p)
    return Doc(str(demand.id), text, chain=demand.chain_code)


def _index_key(session: Session) -> tuple[Any, ...]:
    return (
        session.scalar(select(func.count(Capability.id))),
        session.scalar(select(func.max(Capability.updated_at))),
    )


def index(session: Session) -> Matcher:
    """The matcher over every stored profile (built once, rebuilt when profiles change)."""
    lex_analyzer = analyzer(session)
    key = _index_key(session)
    with _lock:
        if _cache.get("index_key") != key or "index" not in _cache:
            caps = list(session.scalars(select(Capability).order_by(Capability.id)))
            _cache["index"] = Matcher(
                [capability_doc(c) for c in caps], lexicon=lex_analyzer.lexicon, analyzer=lex_analyzer
            )
            _cache["index_key"] = key
        matcher: Matcher = _cache["index"]
        return matcher


def forget_index() -> None:
    with _lock:
        _cache.pop("index", None)
        _cache.pop("index_key", None)


def describe(matcher: Matcher) -> str:
    """What produced a match: the lexicon's sources and the model, if any."""
    model = f"；文本模型 {matcher.encoder.name}" if matcher.encoder else "；未配置文本模型"
    return "、".join(matcher.lexicon.source) + model


def store_matches(session: Session, demands: Sequence[Demand], top: int = TOP) -> int:
    """Compute and store the best capabilities of each demand (replacing its earlier matches)."""
    if not demands:
        return 0
    matcher = index(session)
    session.execute(delete(DemandMatch).where(DemandMatch.demand_id.in_([d.id for d in demands])))
    if not matcher.docs:
        return 0
    now, made, how = utcnow(), 0, describe(matcher)
    for ranking in matcher.search([demand_doc(d) for d in demands], top=top):
        for rank, m in enumerate(ranking.matches, start=1):
            session.add(
                DemandMatch(
                    demand_id=int(ranking.id),
                    capability_id=int(m.id),
                    rank=rank,
                    score=m.score,
                    reasons=[{"kind": r.kind, "text": r.text, "weight": r.weight} for r in m.reasons],
                    matcher=how[:200],
                    computed_at=now,
                )
            )
            made += 1
    session.flush()
    return made


def refresh(session: Session) -> int:
    """The ``matching`` job: recompute the matches of every open demand."""
    demands = list(
        session.scalars(select(Demand).where(Demand.status.in_([s.value for s in lifecycle.OPEN])))
    )
    return store_matches(session, demands)


def suggest_nodes(session: Session, text: str, *, chain: str | None = None, top: int = 3) -> list[Suggestion]:
    return _suggest(analyzer(session), text, chain=chain, top=top)
