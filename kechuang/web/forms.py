"""Reading HTML forms: money in 万元, dates, ids and "名称 目标值 单位" lines, each problem collected (not
raised) so a form reports all of them at once; problems as sentences naming the form's label."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from fastapi import Request

from kechuang.errors import InvalidInput, Problem
from kechuang.matching.service import parse_indicator

WAN = 10_000


async def form_of(request: Request) -> dict[str, str]:
    """The posted form's text values (a repeated field keeps its last value; files are left out)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def messages(exc: InvalidInput, labels: Mapping[str, str]) -> list[str]:
    """Each problem as 「label」：值“…”，message — the label from the field's first part."""
    out = []
    for p in exc.problems:
        label = labels.get(p.field.split("[")[0].split(".")[0], p.field)
        shown = "" if p.value in (None, "") else f"：值“{p.value}”"
        out.append(f"「{label}」{shown}，{p.message}")
    return out


def raise_all(problems: list[Problem], check: Callable[[], object]) -> None:
    """Raise the form's own problems together with the service's ``check`` of the same values (a field
    the form already refused is not reported twice); nothing when both are clean."""
    if not problems:
        return
    try:
        check()
    except InvalidInput as exc:
        seen = {p.field.split("[")[0] for p in problems}
        problems = problems + [p for p in exc.problems if p.field.split("[")[0] not in seen]
    raise InvalidInput(problems)


def wan(form: Mapping[str, str], key: str, problems: list[Problem]) -> int | None:
    """An amount typed in 万元 as whole yuan; None when empty."""
    raw = form.get(key, "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e11:
        problems.append(Problem(key, "应为不小于 0 的金额（单位：万元，如 50 或 12.5）", raw))
        return None
    return round(value * WAN)


def day(raw: str, key: str, problems: list[Problem]) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        problems.append(Problem(key, "应为日期 YYYY-MM-DD", raw))
        return None


def moment(raw: str, key: str, problems: list[Problem]) -> datetime | None:
    """A date and time from a datetime-local input (YYYY-MM-DDTHH:MM) or a bare date (end of day)."""
    text = raw.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text) if len(text) > 10 else datetime.fromisoformat(f"{text}T23:59")
    except ValueError:
        problems.append(Problem(key, "应为日期与时间 YYYY-MM-DD HH:MM", raw))
        return None


def whole(raw: str, key: str, problems: list[Problem], what: str = "整数") -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit():
        problems.append(Problem(key, f"应为不小于 0 的{what}", raw))
        return None
    return int(text)


def int_id(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() and len(raw.strip()) < 16 else None


def indicators(text: str, key: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """One indicator per line, "名称 目标值 单位" (≤ / < before the number: at most the target)."""
    out = []
    for n, line in enumerate((x for x in text.splitlines() if x.strip()), start=1):
        indicator = parse_indicator(line)
        if indicator is None:
            problems.append(Problem(key, f"第 {n} 行应为“名称 目标值 单位”，如“导热系数 5 W/(m·K)”", line))
            continue
        if any(sign in line for sign in ("≤", "<", "＜")):
            indicator["direction"] = -1
        out.append(indicator)
    return out
