"""Numbers as written in Chinese text: Arabic and Chinese numerals, 万/亿 scales, units and markers.

`mentions` finds every number followed by what it counts or measures and reads its value in base
units. Deciding whether a mention is a fact is the job of `facts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kechuang.extraction.units import SCALES, SURFACES, base_unit

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_CHARS = "零〇一二两三四五六七八九十百千"

_UNIT_ALT = "|".join(re.escape(u) for u in SURFACES)
MENTION_RE = re.compile(
    r"(?P<pre>(?:约为|约合|大约|约|将近|接近|(?<![最附邻靠亲以])近|超过|超出|超|突破|逾|多达|不少于|不低于|不下于|不超过|不足|"
    r"(?<![通经不度跨越错])过|(?<![以马线之向加])上)(?=[\d" + CN_CHARS + r"万亿]))?"
    r"(?P<num>\d+(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?|["
    + CN_CHARS
    + r"]+|(?<=[超上近过逾])(?=[万亿]))"
    r"(?P<more1>余(?!额)|多)?"
    r"(?P<scale>万亿|千亿|百亿|十亿|千万|百万|十万|亿|万)?"
    r"(?P<more2>余(?!额)|多)?"
    r"(?P<unit>" + _UNIT_ALT + r")?"
    r"(?P<post>及以上|以上|左右|以内|上下|之多|有余)?"
)
# 百分之十五 / 百分之3.5 → 15 / 3.5 %; 三成 / 两成半 → 30 / 25 % (not in words such as 一成不变, 成员, 成果)
PERCENT_WORDS_RE = re.compile(
    r"(?P<pre>约|近|超过|超|逾|不到)?百分之(?P<num>\d+(?:\.\d+)?|[" + CN_CHARS + r"]+)"
)
TENTHS_RE = re.compile(
    r"(?P<pre>约|近|超过|超|逾|不到|占)?(?<!["
    + CN_CHARS
    + r"\d])(?P<num>[一二两三四五六七八九])成(?P<half>半)?"
    r"(?![员立为功果交本绩就熟效长型品不分色])"
)


@dataclass(slots=True)
class Mention:
    """One number with its unit: [start, end) covers the markers around it."""

    start: int  # first character of the pre-marker, or of the number
    end: int  # after the unit and post-marker
    num_start: int
    num_end: int  # after the number itself (before 余/多, scale and unit)
    number: Decimal  # the number as written, scale applied, before unit conversion
    value: Decimal  # in base units
    unit: str | None  # base unit
    surface_unit: str | None
    pre: str  # approximation marker before the number
    more: str  # 余 / 多 after the number
    post: str  # 以上 / 左右 / 以内 … after the unit
    chinese: bool
    scale: Decimal = Decimal(1)

    @property
    def approx(self) -> bool:
        return bool(self.pre or self.more or self.post)


def cn_to_int(s: str) -> int | None:
    """Chinese numeral → integer: 三十 → 30, 两千 → 2000, 一万二千 → 12000; None if not a numeral."""
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            if digit is not None:
                return None
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL:
            section += (1 if digit is None else digit) * CN_SMALL[ch]
            digit = None
        elif ch == "万":
            section += digit or 0
            total += (section or 1) * 10_000
            section, digit = 0, None
        elif ch == "亿":
            section += digit or 0
            total = (total + (section or (0 if total else 1))) * 100_000_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(raw: str) -> Decimal | None:
    if not raw:
        return Decimal(1)
    if raw[0] in CN_CHARS:
        n = cn_to_int(raw)
        return None if n is None else Decimal(n)
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None


def _may_stand_alone(text: str, start: int, end: int) -> bool:
    """A number without a unit matters only as a rank (第6, 前十), an N大X count or a range's lower end."""
    return text[start - 1 : start] in ("第", "前") or text[end : end + 1] in _ALONE_NEXT


_ALONE_NEXT = frozenset("大-—–~～至到")
_ONE = Decimal(1)


def mentions(text: str, start: int, end: int) -> list[Mention]:
    """Every number in text[start:end] with what follows it."""
    out = []
    for m in MENTION_RE.finditer(text, start, end):
        pre, raw, more1, scale_word, more2, surface, post = m.groups()
        num_start = m.start("num")
        if not surface and not _may_stand_alone(text, num_start, m.end()):
            continue
        if not raw and not scale_word or surface == "年" and len(raw) == 4:
            continue
        if raw[:1] in ("零", "〇"):  # 零部件, 零售, 零碳: a word, not the number nought
            continue
        number = parse_number(raw)
        if number is None:
            continue
        scale = SCALES[scale_word] if scale_word else _ONE
        number *= scale
        unit, factor = base_unit(surface) if surface else (None, _ONE)
        pre = pre or ""
        if pre == "上" and raw not in ("", "百", "千", "万"):
            pre = ""
        out.append(
            Mention(
                start=num_start - len(pre),
                end=m.end(),
                num_start=num_start,
                num_end=num_start + len(raw),
                number=number,
                value=number * factor,
                unit=unit,
                surface_unit=surface,
                pre=pre,
                more=more1 or more2 or "",
                post=post or "",
                chinese=bool(raw) and raw[0] in CN_CHARS,
                scale=scale,
            )
        )
    out.extend(_percent_words(text, start, end))
    return sorted(out, key=lambda m: m.start)


def _percent_words(text: str, start: int, end: int) -> list[Mention]:
    found = []
    for rx, tenths in ((PERCENT_WORDS_RE, False), (TENTHS_RE, True)):
        for m in rx.finditer(text, start, end):
            number = parse_number(m.group("num"))
            if number is None:
                continue
            if tenths:
                number = number * 10 + (5 if m.group("half") else 0)
            pre = m.group("pre") or ""
            pre = "" if pre == "占" else pre
            num_start = m.start("num") if not tenths else m.start("num")
            found.append(
                Mention(
                    start=m.start() + (0 if pre else len(m.group("pre") or "")),
                    end=m.end(),
                    num_start=num_start,
                    num_end=m.end("num"),
                    number=number,
                    value=number,
                    unit="%",
                    surface_unit="%",
                    pre=pre,
                    more="",
                    post="",
                    chinese=True,
                )
            )
    return found


def as_json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: an int when integral."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
