"""The review of challenge bids (揭榜挂帅 专家评审): published criteria with weights as versioned data
(``data/review-criteria.json``), one reviewer's weighted score, a bid's score over its reviewers, the
conflict-of-interest test and the bid deadline. Pure.

    reviewer total = Σ_c w_c · s_c / max_c  /  Σ_c w_c · 100        (0–100; s_c in [0, max_c])
    bid score      = mean of the reviewer totals; with ``trim_from`` reviewers or more, the highest
                     and the lowest are left out first (去掉一个最高分和一个最低分)

A reviewer has a conflict with a bid when they work for the bidder's organisation or a partner's:
the names are compared without their legal suffix (有限公司, 股份有限公司, …), a department
(扬州大学机械工程学院) belongs to its university (扬州大学), and one name inside the other counts
(中国科学院 and 中国科学院苏州纳米所; two institutes of the academy are two organisations).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from kechuang.errors import Problem

CRITERIA = Path(__file__).with_name("data") / "review-criteria.json"
SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$")
UNIT = re.compile(r"^(.+?(?:大学|(?<!科)学院))(?!$)")  # 中国科学院 is not a 学院


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    weight: float
    max: float
    help: str = ""


@dataclass(frozen=True)
class Criteria:
    id: str
    version: str
    source: str
    items: tuple[Criterion, ...]
    trim_from: int = 5
    publicity_days: int = 5  # the shortest public notice of a result (公示期)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Criteria:
        items = tuple(
            Criterion(c["code"], c["name"], float(c["weight"]), float(c.get("max", 100)), c.get("help", ""))
            for c in data["criteria"]
        )
        return cls(
            data["criteria_set"],
            data["version"],
            data["source"],
            items,
            int(data.get("trim_from", 5)),
            int(data.get("publicity_days", 5)),
        )


@cache
def builtin() -> Criteria:
    return Criteria.of(json.loads(CRITERIA.read_text(encoding="utf-8")))


def score_problems(scores: Mapping[str, Any], criteria: Criteria) -> list[Problem]:
    """Every problem with one reviewer's scores: each criterion scored once, a number in [0, max]."""
    problems = []
    known = {c.code for c in criteria.items}
    for extra in sorted(set(scores) - known):
        problems.append(Problem(f"scores.{extra}", "不是本榜单的评审要素", extra))
    for c in criteria.items:
        value = scores.get(c.code)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(f"scores.{c.code}", f"“{c.name}”须打分：0 到 {c.max:g} 的数", value))
        elif not 0 <= value <= c.max:
            problems.append(Problem(f"scores.{c.code}", f"“{c.name}”的分数应在 0 到 {c.max:g} 之间", value))
    return problems


def reviewer_total(scores: Mapping[str, float], criteria: Criteria) -> float:
    """One reviewer's weighted total, 0–100 (the scores checked by ``score_problems`` first)."""
    weight = sum(c.weight for c in criteria.items)
    total = sum(c.weight * float(scores[c.code]) / c.max for c in criteria.items)
    return round(100 * total / weight, 2) if weight else 0.0


def bid_score(totals: Sequence[float], criteria: Criteria) -> float | None:
    """A bid's score over its reviewers' totals (None before any review)."""
    if not totals:
        return None
    kept = sorted(totals)
    if len(kept) >= criteria.trim_from:
        kept = kept[1:-1]
    return round(sum(kept) / len(kept), 2)


def organisation(name: str) -> str:
    """An organisation's name as compared: no spaces, no legal suffix, a department's university."""
    bare = SUFFIX.sub("", re.sub(r"\s+", "", name))
    unit = UNIT.match(bare)
    return unit.group(1) if unit else bare


def conflict(reviewer: str, bidders: Iterable[str]) -> str | None:
    """The bidder organisation the reviewer belongs to, if any."""
    mine = organisation(reviewer) if reviewer.strip() else ""
    if not mine:
        return None
    for name in bidders:
        theirs = organisation(name) if name.strip() else ""
        if theirs and (mine == theirs or mine in theirs or theirs in mine):
            return name
    return None


def late(submitted: datetime, deadline: datetime) -> str | None:
    """Why a bid is refused for its time, or None when it is in time."""
    if submitted > deadline:
        return f"揭榜申报已于 {deadline:%Y-%m-%d %H:%M} 截止，不再接受申报"
    return None
