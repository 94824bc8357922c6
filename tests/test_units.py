from decimal import Decimal
from fractions import Fraction

import pytest

from kechuang.units import format_cn_number, format_percent, format_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (9999, "9,999"),
        (10000, "1万"),
        (12345, "1.23万"),
        (640000, "64万"),
        (99_995_000, "9,999.5万"),
        (100_000_000, "1亿"),
        (19_840_000_000, "198.4亿"),
        (-2_500_000, "-250万"),
        (Decimal("12.345"), "12.35"),
        (None, "—"),
    ],
)
def test_cn_number(value, expected) -> None:
    assert format_cn_number(value) == expected


def test_yuan_and_percent() -> None:
    assert format_yuan(640000) == "64万元"
    assert format_percent(0.043) == "4.3%"
    assert format_percent(Fraction(1, 3)) == "33.3%"
    assert format_percent(0.04) == "4%"
