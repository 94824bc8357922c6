"""A technology demand's lifecycle: which status may follow which, who may move it and what a step
needs. Pure.

    征集 collected ─→ 已受理 accepted ─→ 已对接 matched ─→ 已签约 signed ─→ 已解决 solved
          │                 │                 │ ↘ accepted (对接未成)  └──→ 未解决 unsolved
          └──→ 撤回 withdrawn ←┴─────────────────┘ ──→ 未解决 unsolved ──→ accepted (重新受理)

已对接 names the capability it was matched with; 已签约 may carry the technology contract's amount;
未解决 and 撤回 need a reason. The bureau and the district operators move any demand they can see;
the enterprise withdraws its own demand and reports it signed or solved.
"""

from __future__ import annotations

from kechuang.choices import DemandStatus as S

NEXT: dict[S, tuple[S, ...]] = {
    S.collected: (S.accepted, S.withdrawn),
    S.accepted: (S.matched, S.unsolved, S.withdrawn),
    S.matched: (S.signed, S.accepted, S.unsolved, S.withdrawn),
    S.signed: (S.solved, S.unsolved),
    S.solved: (),
    S.unsolved: (S.accepted,),
    S.withdrawn: (),
}
ENTERPRISE_MAY = frozenset({S.withdrawn, S.signed, S.solved})
NEEDS_REASON = frozenset({S.unsolved, S.withdrawn})
OPEN = frozenset({S.collected, S.accepted, S.matched, S.signed})


def steps(current: S, *, handler: bool) -> list[S]:
    """The statuses that may follow ``current`` for a handler (the bureau, a district) or the enterprise."""
    return [s for s in NEXT[current] if handler or s in ENTERPRISE_MAY]


def refusal(current: S, target: S, *, handler: bool, note: str, partner: bool) -> str | None:
    """Why the step from ``current`` to ``target`` is refused, or None when it may be taken (``handler``:
    the bureau or the demand's district; otherwise the demand's enterprise)."""
    if target not in NEXT[current]:
        allowed = "、".join(s.zh for s in NEXT[current]) or "（无：已结束）"
        return f"需求当前为“{current.zh}”，不能改为“{target.zh}”；可改为：{allowed}"
    if not handler and target not in ENTERPRISE_MAY:
        return f"企业用户只能将需求改为：{'、'.join(s.zh for s in S if s in ENTERPRISE_MAY)}"
    if target in NEEDS_REASON and not note.strip():
        return f"改为“{target.zh}”须填写原因"
    if target is S.matched and not partner:
        return "改为“已对接”须选择对接的能力档案（与谁对接）"
    return None
