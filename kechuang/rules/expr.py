"""The small expression language qualification rules are written in.

A rule's numbers live in its TOML file (``rules/data``); its shape is a tree of these nodes. Two
interpreters read the same tree: ``record.py`` evaluates one enterprise exactly with ``Fraction``
(the reference, used by the contract and the profile), ``frame.py`` compiles it to Polars
expressions over every enterprise at once (the batch). Both use three-valued (Kleene) logic, where
``None``/null means *unknown*, and score intervals, so a missing figure never becomes a guess: a
verdict is given only when every possible value of the missing figures leads to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

# ---- numbers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A record-level number: ``employees``, ``tech_staff``, ``ip.class_i``, ``equity_financing_2y`` …"""

    name: str


@dataclass(frozen=True)
class Fig:
    """A fiscal-year figure: ``back`` = 0 is last year (Y), 1 is Y-1, 2 is Y-2."""

    name: str
    back: int = 0


@dataclass(frozen=True)
class Coalesce:
    """The first known of several numbers (e.g. 收入总额, else 营业收入)."""

    items: tuple[Num, ...]


@dataclass(frozen=True)
class Sum:
    items: tuple[Num, ...]


@dataclass(frozen=True)
class Diff:
    left: Num
    right: Num


@dataclass(frozen=True)
class AgeYears:
    """Whole years from ``registered_on`` to ``as_of`` (birthdays counted exactly)."""


Num = Field | Fig | Coalesce | Sum | Diff | AgeYears


@dataclass(frozen=True)
class Ratio:
    """num / den, compared exactly by cross-multiplication; unknown when den ≤ 0."""

    num: Num
    den: Num


@dataclass(frozen=True)
class Growth:
    """(cur / base) − 1 over ``years`` years as a compound rate: compares cur·qⁿ with (q+p)ⁿ·base."""

    cur: Num
    base: Num
    years: int = 1


@dataclass(frozen=True)
class AvgGrowth:
    """Average yearly growth over Y-2, Y-1, Y as the HNTE 工作指引 defines it: ½·(b/a + c/b) − 1;
    (c/b − 1) when a ≤ 0; 0 when b ≤ 0. ``name`` may be ``net_assets`` (assets − liabilities)."""

    name: str


Quantity = Num | Ratio | Growth | AvgGrowth

# ---- truth values --------------------------------------------------------------------------

OPS = (">=", ">", "<=", "<", "==")


@dataclass(frozen=True)
class Cmp:
    left: Quantity
    op: str
    right: Fraction


@dataclass(frozen=True)
class Flag:
    """A yes/no fact of the record: ``clean_record``, ``hnte_valid``, ``direct.led_standard_5y`` …"""

    name: str


@dataclass(frozen=True)
class Registered:
    """``registered_on`` plus ``years`` calendar years is on or before ``as_of``."""

    years: int


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class ScoreAtLeast:
    """The sum of score parts reaches ``minimum``: met when its lowest possible value does."""

    parts: tuple[str, ...]
    minimum: int
    strict: bool = False  # HNTE: "> 70"


@dataclass(frozen=True)
class PartPositive:
    part: str


Cond = Cmp | Flag | Registered | All | Any_ | Not | Const | ScoreAtLeast | PartPositive

# ---- score parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cases:
    """The score of the first case whose condition holds, else ``default``.

    A case scores a range (lo, hi) where the document leaves the exact points to the reviewer
    (e.g. HNTE growth band A: 9–10 points)."""

    cases: tuple[tuple[Cond, int, int], ...]
    default: int = 0

    @property
    def maximum(self) -> int:
        return max([hi for _, _, hi in self.cases] + [self.default])


@dataclass(frozen=True)
class Best:
    """The better of several parts (e.g. the R&D part on the sales or the total-cost basis)."""

    items: tuple[Cases, ...]

    @property
    def maximum(self) -> int:
        return max(i.maximum for i in self.items)


@dataclass(frozen=True)
class Given:
    """A score supplied by the caller (e.g. HNTE expert scores), 0..maximum."""

    name: str
    maximum: int


Part = Cases | Best | Given


def fields_of(node: object) -> set[str]:
    """Every record field a node reads (for 'unknown' notes and the batch's input columns)."""
    if isinstance(node, Field | Flag):
        return {node.name}
    if isinstance(node, Fig):
        return {f"years.{node.name}"}
    if isinstance(node, AvgGrowth):
        names = ("total_assets", "total_liabilities") if node.name == "net_assets" else (node.name,)
        return {f"years.{n}" for n in names}
    if isinstance(node, AgeYears | Registered):
        return {"registered_on"}
    if isinstance(node, Given):
        return {node.name}
    out: set[str] = set()
    for value in vars(node).values() if hasattr(node, "__dataclass_fields__") else ():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, tuple):
                for sub in item:
                    out |= fields_of(sub)
            elif hasattr(item, "__dataclass_fields__"):
                out |= fields_of(item)
    return out
