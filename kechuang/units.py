"""Units and Chinese number formatting (万 / 亿): the one place the UI formats figures."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

# The largest figure any input takes (yuan, persons …): far above any real enterprise, inside a BIGINT
# and below 2**53, so a float read from a spreadsheet is exact.
MAX_FIGURE = 10**15

WAN = 10_000
YI = 100_000_000


def _trim(d: Decimal) -> str:
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _round(value: Decimal, places: int) -> Decimal:
    """Rounded half up; the precision grows with the number, so no magnitude can overflow it."""
    if not value.is_finite():
        return value
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_cn_number(value: int | float | Decimal | Fraction | None, places: int = 2) -> str:
    """12345 → '1.23万'; 198_4000_0000 → '198.4亿'; below 1万 the plain number with separators."""
    if value is None:
        return "—"
    d = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(str(value))
    )
    sign = "-" if d < 0 else ""
    d = abs(d)
    if d >= YI:
        return f"{sign}{_trim(_round(d / YI, places))}亿"
    if d >= WAN:
        return f"{sign}{_trim(_round(d / WAN, places))}万"
    return f"{sign}{_trim(_round(d, places))}"


def format_yuan(value: int | float | Decimal | Fraction | None, places: int = 2) -> str:
    """Money in yuan, shown as 元 / 万元 / 亿元."""
    if value is None:
        return "—"
    return f"{format_cn_number(value, places)}元"


def format_percent(ratio: float | Decimal | Fraction | None, places: int = 1) -> str:
    """A ratio kept as a fraction (0.043) shown as percent ('4.3%')."""
    if ratio is None:
        return "—"
    d = (
        Decimal(ratio.numerator) / Decimal(ratio.denominator)
        if isinstance(ratio, Fraction)
        else Decimal(str(ratio))
    )
    return f"{_trim(_round(d * 100, places))}%"


def format_count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"
