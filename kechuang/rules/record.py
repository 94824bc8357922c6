"""Evaluate rule expressions for one enterprise, exactly (``Fraction``), with Kleene logic.

``None`` is *unknown*. Every unknown remembers which record fields were missing, so a criterion can
name them in its note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from kechuang.rules import expr as E


@dataclass
class Facts:
    """One enterprise's inputs, flattened: ``values['employees']``, ``values['ip.class_i']``,
    ``years[2024]['rd_expense']``; ``y`` is last year (the calendar year before ``as_of``)."""

    as_of: date
    values: dict[str, Any]
    years: dict[int, dict[str, Any]]
    missing: set[str] = field(default_factory=set)

    @property
    def y(self) -> int:
        return self.as_of.year - 1

    def fig(self, name: str, back: int) -> Fraction | None:
        year = self.y - back
        value = self.years.get(year, {}).get(name)
        if value is None:
            self.missing.add(f"years.{year}.{name}")
            return None
        return Fraction(value)

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        if value is None:
            self.missing.add(name)
        return value


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def num(node: E.Num, f: Facts) -> Fraction | None:
    if isinstance(node, E.Field):
        value = f.get(node.name)
        return None if value is None else Fraction(value)
    if isinstance(node, E.Fig):
        if node.name == "net_assets":
            assets, debts = f.fig("total_assets", node.back), f.fig("total_liabilities", node.back)
            return None if assets is None or debts is None else assets - debts
        return f.fig(node.name, node.back)
    if isinstance(node, E.Coalesce):
        seen = set(f.missing)
        for item in node.items:
            value = num(item, f)
            if value is not None:
                f.missing.clear()
                f.missing.update(seen)
                return value
        return None
    if isinstance(node, E.Sum):
        values = [num(i, f) for i in node.items]
        known = [v for v in values if v is not None]
        return None if len(known) < len(values) else sum(known, Fraction(0))
    if isinstance(node, E.Diff):
        left, right = num(node.left, f), num(node.right, f)
        return None if left is None or right is None else left - right
    if isinstance(node, E.AgeYears):
        registered = f.get("registered_on")
        if registered is None:
            return None
        years = f.as_of.year - registered.year
        if (f.as_of.month, f.as_of.day) < (registered.month, registered.day):
            years -= 1
        return Fraction(years)
    raise TypeError(node)


def quantity(node: E.Quantity, f: Facts) -> Fraction | None:
    """The value of a number, ratio or growth rate (None when unknown or undefined)."""
    if isinstance(node, E.Ratio):
        n, d = num(node.num, f), num(node.den, f)
        if n is None or d is None or d <= 0:
            return None
        return n / d
    if isinstance(node, E.Growth):
        cur, base = num(node.cur, f), num(node.base, f)
        if cur is None or base is None or base <= 0:
            return None
        if node.years == 1:
            return cur / base - 1
        return None  # compound rates are only compared (see compare), never shown as a number
    if isinstance(node, E.AvgGrowth):
        a, b, c = (num(E.Fig(node.name, back), f) for back in (2, 1, 0))
        if b is None or c is None:
            return None
        if b <= 0:
            return Fraction(0)
        if a is None:
            return None
        if a <= 0:
            return c / b - 1
        return (b / a + c / b) / 2 - 1
    return num(node, f)


def _op(left: Fraction, op: str, right: Fraction) -> bool:
    return {
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
        "==": left == right,
    }[op]


def compare(node: E.Cmp, f: Facts) -> bool | None:
    if isinstance(node.left, E.Growth) and node.left.years > 1:
        cur, base = num(node.left.cur, f), num(node.left.base, f)
        if cur is None or base is None or base <= 0:
            return None
        return _op(cur / base, node.op, (1 + node.right) ** node.left.years)
    value = quantity(node.left, f)
    return None if value is None else _op(value, node.op, node.right)


def truth(node: E.Cond, f: Facts, parts: dict[str, tuple[int, int]]) -> bool | None:
    if isinstance(node, E.Cmp):
        return compare(node, f)
    if isinstance(node, E.Flag):
        value = f.get(node.name)
        return None if value is None else bool(value)
    if isinstance(node, E.Registered):
        registered = f.get("registered_on")
        return None if registered is None else _add_years(registered, node.years) <= f.as_of
    if isinstance(node, E.Const):
        return node.value
    if isinstance(node, E.Not):
        value = truth(node.item, f, parts)
        return None if value is None else not value
    if isinstance(node, E.All):
        values = [truth(i, f, parts) for i in node.items]
        return False if False in values else (None if None in values else True)
    if isinstance(node, E.Any_):
        values = [truth(i, f, parts) for i in node.items]
        return True if True in values else (None if None in values else False)
    if isinstance(node, E.ScoreAtLeast):
        lo = sum(parts[p][0] for p in node.parts)
        hi = sum(parts[p][1] for p in node.parts)
        passes = (lambda s: s > node.minimum) if node.strict else (lambda s: s >= node.minimum)
        return True if passes(lo) else (False if not passes(hi) else None)
    if isinstance(node, E.PartPositive):
        lo, hi = parts[node.part]
        return True if lo > 0 else (False if hi == 0 else None)
    raise TypeError(node)


def part(node: E.Part, f: Facts) -> tuple[int, int]:
    """The lowest and highest score the part can have given what is known (equal when known)."""
    if isinstance(node, E.Given):
        value = f.get(node.name)
        return (0, node.maximum) if value is None else (int(value), int(value))
    if isinstance(node, E.Best):
        bounds = [part(i, f) for i in node.items]
        return max(b[0] for b in bounds), max(b[1] for b in bounds)
    possible: list[tuple[int, int]] = []
    for cond, lo, hi in node.cases:
        value = truth(cond, f, {})
        if value is not False:
            possible.append((lo, hi))
        if value is True:
            return min(p[0] for p in possible), max(p[1] for p in possible)
    possible.append((node.default, node.default))
    return min(p[0] for p in possible), max(p[1] for p in possible)
