"""Compile rule expressions to Polars: every enterprise at once, with the same exact semantics.

Input columns: record fields by their flat names (``employees``, ``ip.class_i``, ``direct.sci_award_3y``,
``registered_on`` as a date) and fiscal-year figures as ``y0.<name>`` (last year), ``y1.<name>`` …
Ratios are compared by cross-multiplication in Int128 (money stays integral yuan), so a figure exactly
on a threshold lands where the document says; null is *unknown* and Polars' ``&``/``|`` are Kleene.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import reduce

import polars as pl

from kechuang.rules import expr as E
from kechuang.rules.programmes import Programme

I128 = pl.Int128
DECIMAL = pl.Decimal(38, 12)
DECIMAL_FIELDS = {
    "market_share",
    "specialized_score",
}  # fractional record fields; everything else is integral


def fig_column(name: str, back: int) -> str:
    return f"y{back}.{name}"


def _lit(value: int) -> pl.Expr:
    return pl.lit(value, dtype=I128)


class Compiler:
    def __init__(self, as_of: date, columns: set[str]) -> None:
        self.as_of = as_of
        self.columns = columns

    def col(self, name: str, dtype: pl.DataType | type[pl.DataType] = I128) -> pl.Expr:
        if name not in self.columns:
            return pl.lit(None, dtype=dtype)
        return pl.col(name).cast(dtype)

    # -- numbers (Int128; record-level fractions such as market_share are scaled where compared)
    def num(self, node: E.Num) -> pl.Expr:
        if isinstance(node, E.Field):
            return self.col(node.name)
        if isinstance(node, E.Fig):
            if node.name == "net_assets":
                return self.col(fig_column("total_assets", node.back)) - self.col(
                    fig_column("total_liabilities", node.back)
                )
            return self.col(fig_column(node.name, node.back))
        if isinstance(node, E.Coalesce):
            return pl.coalesce([self.num(i) for i in node.items])
        if isinstance(node, E.Sum):
            return reduce(lambda a, b: a + b, (self.num(i) for i in node.items))
        if isinstance(node, E.Diff):
            return self.num(node.left) - self.num(node.right)
        if isinstance(node, E.AgeYears):
            reg = self.col("registered_on", pl.Date)
            today = self.as_of.month * 100 + self.as_of.day
            before = ((reg.dt.month().cast(pl.Int32) * 100 + reg.dt.day().cast(pl.Int32)) > today).cast(
                pl.Int32
            )
            return (pl.lit(self.as_of.year) - reg.dt.year().cast(pl.Int32) - before).cast(I128)
        raise TypeError(node)

    @staticmethod
    def _op(left: pl.Expr, op: str, right: pl.Expr) -> pl.Expr:
        return {
            ">=": left >= right,
            ">": left > right,
            "<=": left <= right,
            "<": left < right,
            "==": left == right,
        }[op]

    def compare(self, node: E.Cmp) -> pl.Expr:
        p, q = node.right.numerator, node.right.denominator
        left = node.left
        if isinstance(left, E.Ratio):
            n, d = self.num(left.num), self.num(left.den)
            return pl.when(d > 0).then(self._op(n * q, node.op, d * p))
        if isinstance(left, E.Growth):
            cur, base = self.num(left.cur), self.num(left.base)
            k = left.years
            return pl.when(base > 0).then(self._op(cur * q**k, node.op, base * (q + p) ** k))
        if isinstance(left, E.AvgGrowth):
            a, b, c = (self.num(E.Fig(left.name, back)) for back in (2, 1, 0))
            zero = Fraction(0)
            at_zero = {
                ">=": zero >= node.right,
                ">": zero > node.right,
                "<=": zero <= node.right,
                "<": zero < node.right,
                "==": zero == node.right,
            }[node.op]
            two_year = self._op(c * q, node.op, b * (q + p))
            three_year = self._op((b * b + a * c) * q, node.op, a * b * 2 * (q + p))
            return (
                pl.when(b.is_null() | c.is_null())
                .then(pl.lit(None, dtype=pl.Boolean))
                .when(b <= 0)
                .then(pl.lit(at_zero))
                .when(a.is_null())
                .then(pl.lit(None, dtype=pl.Boolean))
                .when(a <= 0)
                .then(two_year)
                .otherwise(three_year)
            )
        if isinstance(left, E.Field) and left.name in DECIMAL_FIELDS:
            return self._op(self.col(left.name, DECIMAL) * q, node.op, pl.lit(p, dtype=DECIMAL))
        return self._op(self.num(left) * q, node.op, _lit(p))

    def shortfall(self, node: E.Cmp) -> pl.Expr:
        """How far a lower bound is missed, as a share of the bound (0 when met; null when not measurable).

        Used to rank near misses ("3.2% against 4%" is a shortfall of 0.2), never to decide a verdict."""
        if node.op not in (">=", ">") or node.right <= 0:
            return pl.lit(None, dtype=pl.Float64)
        left = node.left
        if isinstance(left, E.Ratio):
            n, d = self.num(left.num).cast(pl.Float64), self.num(left.den).cast(pl.Float64)
            actual: pl.Expr = pl.when(d > 0).then(n / d)
        elif isinstance(left, E.Field | E.Fig | E.Sum | E.Diff | E.Coalesce | E.AgeYears) and not (
            isinstance(left, E.Field) and left.name in DECIMAL_FIELDS
        ):
            actual = self.num(left).cast(pl.Float64)
        else:
            return pl.lit(None, dtype=pl.Float64)
        bound = float(node.right)
        return (1 - actual / bound).clip(0, 1)

    def truth(self, node: E.Cond, parts: dict[str, tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
        if isinstance(node, E.Cmp):
            return self.compare(node)
        if isinstance(node, E.Flag):
            return self.col(node.name, pl.Boolean)
        if isinstance(node, E.Registered):
            reg = self.col("registered_on", pl.Date)
            return reg.dt.offset_by(f"{node.years}y") <= pl.lit(self.as_of)
        if isinstance(node, E.Const):
            return pl.lit(node.value)
        if isinstance(node, E.Not):
            return ~self.truth(node.item, parts)
        if isinstance(node, E.All):
            return reduce(lambda a, b: a & b, (self.truth(i, parts) for i in node.items))
        if isinstance(node, E.Any_):
            return reduce(lambda a, b: a | b, (self.truth(i, parts) for i in node.items))
        if isinstance(node, E.ScoreAtLeast):
            lo = reduce(lambda a, b: a + b, (parts[p][0] for p in node.parts))
            hi = reduce(lambda a, b: a + b, (parts[p][1] for p in node.parts))
            m = pl.lit(node.minimum)
            ok_lo, ok_hi = (lo > m, hi > m) if node.strict else (lo >= m, hi >= m)
            return (
                pl.when(ok_lo).then(True).when(~ok_hi).then(False).otherwise(pl.lit(None, dtype=pl.Boolean))
            )
        if isinstance(node, E.PartPositive):
            lo, hi = parts[node.part]
            return (
                pl.when(lo > 0).then(True).when(hi == 0).then(False).otherwise(pl.lit(None, dtype=pl.Boolean))
            )
        raise TypeError(node)

    def part(self, node: E.Part) -> tuple[pl.Expr, pl.Expr]:
        if isinstance(node, E.Given):
            value = self.col(node.name, pl.Int64)
            return value.fill_null(0), value.fill_null(node.maximum)
        if isinstance(node, E.Best):
            bounds = [self.part(i) for i in node.items]
            return pl.max_horizontal([b[0] for b in bounds]), pl.max_horizontal([b[1] for b in bounds])
        conds = [self.truth(c, {}) for c, _, _ in node.cases]
        los, his = [], []
        none_true_before = pl.lit(True)
        for cond, (_, lo, hi) in zip(conds, node.cases, strict=True):
            possible = none_true_before & cond.fill_null(True)
            los.append(pl.when(possible).then(pl.lit(lo)))
            his.append(pl.when(possible).then(pl.lit(hi)))
            none_true_before = none_true_before & ~cond.fill_null(False)
        los.append(pl.when(none_true_before).then(pl.lit(node.default)))
        his.append(pl.when(none_true_before).then(pl.lit(node.default)))
        return pl.min_horizontal(los), pl.max_horizontal(his)


def _status(expr: pl.Expr) -> pl.Expr:
    return (
        pl.when(expr.is_null())
        .then(pl.lit("unknown"))
        .when(expr)
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met"))
    )


def programme_columns(programme: Programme, as_of: date, columns: set[str]) -> list[pl.Expr]:
    """Output columns for one programme, prefixed by its id: status, route, score_lo/hi, each criterion."""
    c = Compiler(as_of, columns)
    pid = programme.doc.programme
    parts = {name: c.part(node) for name, node in programme.parts.items()}
    verdicts = {}
    for crit in programme.criteria:
        verdicts[crit.key] = pl.lit(None, dtype=pl.Boolean) if crit.review else c.truth(crit.test, parts)
    gates = reduce(lambda a, b: a & b, (verdicts[k] for k in programme.gates), pl.lit(True))
    direct = [(name, c.truth(cond, parts)) for name, cond in programme.direct]
    options = [reduce(lambda a, b: a & b, (verdicts[k] for k in programme.path))] if programme.path else []
    options += [v for _, v in direct]
    alt = reduce(lambda a, b: a | b, options) if options else pl.lit(True)
    status = gates & alt
    route: pl.Expr = pl.lit("score" if programme.score_parts else "criteria")
    for name, value in reversed(direct):
        route = pl.when(value.fill_null(False)).then(pl.lit(f"direct:{name}")).otherwise(route)
    out = [
        _status(status).alias(f"{pid}.status"),
        pl.when(status.fill_null(False)).then(route).alias(f"{pid}.route"),
    ]
    if programme.score_parts:
        lo = reduce(lambda a, b: a + b, (parts[p][0] for p in programme.score_parts))
        hi = reduce(lambda a, b: a + b, (parts[p][1] for p in programme.score_parts))
        out += [lo.cast(pl.Int32).alias(f"{pid}.score_lo"), hi.cast(pl.Int32).alias(f"{pid}.score_hi")]
    out += [_status(v).alias(f"{pid}.{k}") for k, v in verdicts.items()]
    return out


def gap_column(programme: Programme, as_of: date, columns: set[str]) -> pl.Expr:
    """``{id}.gap``: the size of the gap to the programme, for ranking near misses: over the criteria
    not met, the share by which each misses its bound (a failed yes/no criterion counts 1)."""
    c = Compiler(as_of, columns)
    terms = []
    for crit in programme.criteria:
        if crit.review:
            continue
        verdict = (
            c.truth(crit.test, {})
            if not programme.parts
            else c.truth(crit.test, {name: c.part(node) for name, node in programme.parts.items()})
        )
        measure: pl.Expr = pl.lit(None, dtype=pl.Float64)
        for when, cmp in reversed(crit.display):
            measure = pl.when(c.truth(when, {}).fill_null(False)).then(c.shortfall(cmp)).otherwise(measure)
        terms.append(pl.when(verdict == False).then(measure.fill_null(1.0)).otherwise(0.0))  # noqa: E712
    total = reduce(lambda a, b: a + b, terms) if terms else pl.lit(0.0)
    return total.alias(f"{programme.doc.programme}.gap")


def assess_frame(frame: pl.DataFrame, programmes: list[Programme], as_of: date) -> pl.DataFrame:
    """Every programme for every row of ``frame`` (keeps ``enterprise_id``/``id`` columns if present)."""
    columns = set(frame.columns)
    keep = [k for k in ("enterprise_id", "id") if k in columns]
    exprs = [e for p in programmes for e in programme_columns(p, as_of, columns)]
    return frame.lazy().select([pl.col(k) for k in keep] + exprs).collect()


def _decimal(value: object) -> Decimal:
    assert isinstance(value, Fraction)
    return Decimal(value.numerator) / Decimal(value.denominator)


def records_frame(records: list[object], as_of: date, back_years: int = 5) -> pl.DataFrame:
    """Contract records (``assess.Parsed``) as the batch's input frame; figures relative to ``as_of``."""
    y = as_of.year - 1
    rows = []
    for i, rec in enumerate(records):
        row: dict[str, object] = {"id": i}
        for key, value in rec.values.items():  # type: ignore[attr-defined]
            row[key] = (
                value if not isinstance(value, Fraction) else (value if key in DECIMAL_FIELDS else int(value))
            )
        for back in range(back_years):
            for name, value in rec.years.get(y - back, {}).items():  # type: ignore[attr-defined]
                row[fig_column(name, back)] = int(value)
        rows.append(row)
    keys = sorted({k for r in rows for k in r})
    schema: dict[str, pl.DataType | type[pl.DataType]] = {}
    for k in keys:
        sample = next((r[k] for r in rows if r.get(k) is not None), None)
        schema[k] = (
            pl.Boolean
            if isinstance(sample, bool)
            else pl.Date
            if isinstance(sample, date)
            else DECIMAL
            if k in DECIMAL_FIELDS
            else pl.Int64
        )
    data = {
        k: [(_decimal(r[k]) if k in DECIMAL_FIELDS and r.get(k) is not None else r.get(k)) for r in rows]
        for k in keys
    }
    return pl.DataFrame(data, schema=schema)
