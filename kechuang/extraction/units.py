"""Units as written → base unit and factor, and what kind of quantity each unit measures."""

from __future__ import annotations

from decimal import Decimal

SCALES: dict[str, Decimal] = {
    "万亿": Decimal(10) ** 12,
    "千亿": Decimal(10) ** 11,
    "百亿": Decimal(10) ** 10,
    "十亿": Decimal(10) ** 9,
    "亿": Decimal(10) ** 8,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "十万": Decimal(10) ** 5,
    "万": Decimal(10) ** 4,
}

# surface → (base unit, factor)
CONVERT: dict[str, tuple[str, Decimal]] = {
    "个百分点": ("百分点", Decimal(1)),
    "百分点": ("百分点", Decimal(1)),
    "个位次": ("位", Decimal(1)),
    "位次": ("位", Decimal(1)),
    "％": ("%", Decimal(1)),
    "公里": ("米", Decimal(1000)),
    "千米": ("米", Decimal(1000)),
    "厘米": ("米", Decimal("0.01")),
    "毫米": ("米", Decimal("0.001")),
    "微米": ("米", Decimal("1e-6")),
    "纳米": ("米", Decimal("1e-9")),
    "平方公里": ("平方米", Decimal(10) ** 6),
    "平方千米": ("平方米", Decimal(10) ** 6),
    "公斤": ("千克", Decimal(1)),
    "KW": ("kW", Decimal(1)),
}

MONEY = frozenset({"元", "美元", "欧元", "港元", "日元", "英镑"})
PERCENT = frozenset({"%"})
POINTS = frozenset({"百分点"})
RANK = frozenset({"位"})
LEVEL_UNITS = frozenset(
    {
        "米",
        "平方米",
        "立方米",
        "亩",
        "公顷",
        "GW",
        "GWh",
        "MW",
        "MWh",
        "kW",
        "kWh",
        "TWh",
        "千瓦",
        "千瓦时",
        "兆瓦",
        "兆瓦时",
        "吉瓦",
        "吉瓦时",
        "吨",
        "千克",
        "件/万人",
    }
)
# Classifiers of discrete things (counts).
COUNT_UNITS = frozenset(
    {
        "家",
        "个",
        "项",
        "件",
        "人次",
        "人",
        "名",
        "条",
        "类",
        "只",
        "本",
        "款",
        "批次",
        "批",
        "场次",
        "场",
        "支",
        "片",
        "台套",
        "台",
        "套",
        "所",
        "座",
        "次",
        "例",
        "篇",
        "部",
        "户",
        "株",
        "种",
        "辆",
        "架",
        "艘",
        "张",
        "份",
        "栋",
        "处",
        "块",
        "门",
        "节",
        "层",
        "间",
        "届",
        "位",
    }
)
# Product classifiers that measure a production capacity after 年产 / 产能.
CAPACITY_UNITS = frozenset({"片", "台", "套", "辆", "吨", "件", "只", "块", "台套", "架", "艘"})

# Every unit the number pattern recognises, longest first.
SURFACES: tuple[str, ...] = tuple(
    sorted(
        set(CONVERT) | MONEY | PERCENT | LEVEL_UNITS | COUNT_UNITS | {"‰", "倍", "年"},
        key=len,
        reverse=True,
    )
)


def base_unit(surface: str) -> tuple[str, Decimal]:
    """(base unit, factor) for a unit as written."""
    return CONVERT.get(surface, (surface, Decimal(1)))
