"""揭榜条件 — a challenge's eligibility conditions as data, checked for one bid where the data allows.
Pure, three-valued like the qualification rules: ``met``, ``not_met`` or ``unknown`` (the bureau decides).

A condition is ``{"kind": …, "value": …, "text": …}``:

- ``local``     the bidder is registered in the city (its registry enterprise's or profile's district);
- ``rd_staff``  the bidder has at least ``value`` R&D staff: the registry's latest figure for an
                enterprise, else the number the bid declares;
- ``hnte``      the bidder is a high and new technology enterprise with a valid title (registry);
- ``declared``  a statement the bidder signs (e.g. 近三年无严重失信记录): met when the bid declares it.

The screening outcome: every condition met → 通过; any not met → 未通过; otherwise the bureau decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kechuang.errors import Problem

KINDS = {
    "local": "在本市注册",
    "rd_staff": "研发人员不少于",
    "hnte": "高新技术企业",
    "declared": "承诺事项",
}


@dataclass(frozen=True)
class Bidder:
    """What is known of a bidder: ``None`` where it is not known."""

    local: bool | None = None
    rd_staff: int | None = None
    rd_staff_source: str = ""
    hnte: bool | None = None
    declared: frozenset[int] = field(default_factory=frozenset)  # indexes of the declared conditions


def describe(condition: Mapping[str, Any]) -> str:
    """The condition as the challenge shows it."""
    kind = condition.get("kind", "")
    if condition.get("text"):
        return str(condition["text"])
    if kind == "rd_staff":
        return f"研发人员不少于 {condition.get('value')} 人"
    return KINDS.get(kind, kind)


def problems(conditions: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Every problem with a challenge's conditions."""
    out = []
    for i, c in enumerate(conditions, start=1):
        kind, value = c.get("kind"), c.get("value")
        if kind not in KINDS:
            out.append(Problem(f"conditions[{i}].kind", "应为 " + "、".join(KINDS) + " 之一", kind))
        elif kind == "rd_staff" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            out.append(Problem(f"conditions[{i}].value", "研发人员人数应为正整数", value))
        elif kind == "declared" and not str(c.get("text", "")).strip():
            out.append(Problem(f"conditions[{i}].text", "承诺事项须写明内容", c.get("text")))
    return out


def _one(i: int, c: Mapping[str, Any], b: Bidder) -> tuple[str, str]:
    kind = c["kind"]
    if kind == "local":
        if b.local is None:
            return "unknown", "揭榜单位不在企业库或能力档案中，注册地待核实"
        return ("met", "注册地在本市") if b.local else ("not_met", "注册地不在本市")
    if kind == "rd_staff":
        need = int(c["value"])
        if b.rd_staff is None:
            return "unknown", "未知研发人员人数"
        status = "met" if b.rd_staff >= need else "not_met"
        return status, f"研发人员 {b.rd_staff} 人（{b.rd_staff_source}），要求不少于 {need} 人"
    if kind == "hnte":
        if b.hnte is None:
            return "unknown", "揭榜单位不是企业库中的企业，待核实"
        return ("met", "有效期内的高新技术企业") if b.hnte else ("not_met", "不是有效期内的高新技术企业")
    return ("met", "揭榜方已承诺") if i in b.declared else ("not_met", "揭榜方未承诺")


def check(conditions: Sequence[Mapping[str, Any]], bidder: Bidder) -> list[dict[str, str]]:
    """Each condition's status and the fact it rests on, in the conditions' order."""
    out = []
    for i, c in enumerate(conditions):
        status, detail = _one(i, c, bidder)
        out.append({"condition": describe(c), "status": status, "detail": detail})
    return out


def outcome(checks: Sequence[Mapping[str, str]]) -> bool | None:
    """True: every condition met; False: one not met; None: the bureau decides."""
    statuses = {c["status"] for c in checks}
    if "not_met" in statuses:
        return False
    return None if "unknown" in statuses else True
