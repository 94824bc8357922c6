"""A challenge's stages, what each step needs and who may take it. Pure.

    草稿 draft ─→ 揭榜申报 published ─→ 形式审查 screening ─→ 专家评审 reviewing ─→ 公示 publicity ─→ 已立项 awarded
       └──────────────┴───────────────────┴────────────────────┴──→ 撤榜 cancelled   └─→ reviewing (异议成立，重新评审)

- published: the bid deadline lies ahead; the challenge becomes visible to every role;
- screening: only after the bid deadline, and with at least one bid;
- reviewing: every bid screened (形式审查通过 / 未通过), at least one eligible;
- publicity: every eligible bid has a reviewer and every reviewer has scored; a winner is chosen;
- awarded: the public notice is over (the day after ``publicity_until``) and no objection is open;
- cancelled and publicity → reviewing need a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kechuang.choices import ChallengeStatus as S

NEXT: dict[S, tuple[S, ...]] = {
    S.draft: (S.published, S.cancelled),
    S.published: (S.screening, S.cancelled),
    S.screening: (S.reviewing, S.cancelled),
    S.reviewing: (S.publicity, S.cancelled),
    S.publicity: (S.awarded, S.reviewing, S.cancelled),
    S.awarded: (),
    S.cancelled: (),
}
PUBLIC = frozenset({S.published, S.screening, S.reviewing, S.publicity, S.awarded})
BIDDING = S.published
NEEDS_REASON = frozenset({S.cancelled})


@dataclass(frozen=True)
class Facts:
    """What the step's checks read, gathered by the service."""

    now: datetime
    deadline: datetime
    bids: int = 0  # bids not withdrawn
    undecided: int = 0  # bids not yet screened
    eligible: int = 0
    unassigned: int = 0  # eligible bids without a reviewer
    unscored: int = 0  # assignments without scores
    winner: bool = False
    publicity_until: date | None = None
    open_objections: int = 0
    note: str = ""


def _published(f: Facts) -> str | None:
    if f.deadline <= f.now:
        return f"揭榜截止时间（{f.deadline:%Y-%m-%d %H:%M}）应晚于现在，请先修改截止时间"
    return None


def _screening(f: Facts) -> str | None:
    if f.now < f.deadline:
        return f"揭榜申报 {f.deadline:%Y-%m-%d %H:%M} 截止后才能开始形式审查"
    if f.bids == 0:
        return "没有揭榜申报，无法进入形式审查；可以撤榜"
    return None


def _reviewing(f: Facts) -> str | None:
    if f.undecided:
        return f"还有 {f.undecided} 份申报未完成形式审查"
    if f.eligible == 0:
        return "没有通过形式审查的申报，无法进入专家评审；可以撤榜"
    return None


def _publicity(f: Facts) -> str | None:
    if f.unassigned:
        return f"还有 {f.unassigned} 份通过形式审查的申报没有分配评审专家"
    if f.unscored:
        return f"还有 {f.unscored} 份评审未提交评分"
    if not f.winner:
        return "请选择拟立项的申报（揭榜方）"
    return None


def _awarded(f: Facts) -> str | None:
    if f.publicity_until is None or f.now.date() <= f.publicity_until:
        until = f.publicity_until.isoformat() if f.publicity_until else "—"
        return f"公示期至 {until} 止，公示期满后才能立项"
    if f.open_objections:
        return f"还有 {f.open_objections} 条异议未处理，处理后才能立项"
    return None


CHECKS = {S.published: _published, S.screening: _screening, S.reviewing: _reviewing}
CHECKS |= {S.publicity: _publicity, S.awarded: _awarded}


def refusal(current: S, target: S, facts: Facts) -> str | None:
    """Why the step from ``current`` to ``target`` is refused, or None when it may be taken."""
    if target not in NEXT[current]:
        allowed = "、".join(s.zh for s in NEXT[current]) or "（无：已结束）"
        return f"榜单当前为“{current.zh}”，不能改为“{target.zh}”；可改为：{allowed}"
    if (
        target in NEEDS_REASON or (current is S.publicity and target is S.reviewing)
    ) and not facts.note.strip():
        return f"改为“{target.zh}”须填写原因"
    check = CHECKS.get(target)
    return check(facts) if check and not (current is S.publicity and target is S.reviewing) else None
