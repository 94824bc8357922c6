"""Which number mentions are facts, and what each measures: kind, span, indicator.

Pure functions over the text; the walk through sentences (periods, subjects, targets) is in
`pipeline`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from kechuang.extraction.numbers import Mention, mentions
from kechuang.extraction.sentences import Quotes
from kechuang.extraction.units import CAPACITY_UNITS, COUNT_UNITS, LEVEL_UNITS, MONEY

_CJK = re.compile(r"[\u4e00-\u9fff]")
_RANGE_LINK = re.compile(r"\s*(?:[-—–~～]|至|到)\s*")
_DURATION_VERB = re.compile(
    r"(?:深耕|扎根|专注|从事|耕耘|坚守|致力|历经|创办|成立|运营|经营|积累)[^，。；,;]{0,10}$"
)
_AFTER_YEAR_TIME = re.compile(r"[内来前后间度底末初中]")
_TIME_AFTER_GE = re.compile(r"月|工作日|小时|季度|星期|周|学期|年度")
_DRUG_CLASS = re.compile(r"(?:新药|创新药|化药|药品|医疗器械|疫苗|证书)")
_IDIOM = re.compile(
    r"千家万户|千方百计|百花齐放|百家争鸣|四面八方|五湖四海|三番五次|千军万马|万众一心|一五一十|十全十美|"
    r"七上八下|九牛一毛|千丝万缕|万无一失|一心一意|三令五申|千变万化|百尺竿头|两手抓|一揽子"
)
_BIG = re.compile(r"大(?=[\u4e00-\u9fff])(?![型幅力会学道厦赛概约多都家批量部小于众型关类项事])")
_RANK_BEFORE = re.compile(
    r"(?:居|列|位居|位列|排名|排|跃居|稳居|升至|跃升至|保持|名列|位于|进入|跻身)[^，。；,;]{0,8}$"
)
_RANK_CHANGE_BEFORE = re.compile(r"(?:前移|后移|上升|提升|前进|下降|后退|进位|跃升|攀升|上移|下滑)了?$")
_FIRST_PLACE = re.compile(r"首位")
_FRONT = re.compile(r"前(\d+|[一二三四五六七八九十]+)(?:名|位|强)?")
_THRESHOLD_PRE = ("超", "超过", "过", "突破", "逾")
# A count that names existing things the sentence is about (围绕12条产业链), not a new figure.
_REFERENCE_BEFORE = re.compile(r"(?:围绕|聚焦|依托|针对|对照|立足|按照|瞄准)$")

GROWTH_BEFORE = re.compile(
    r"(?:同比|环比|比上年|较上年|比去年|较去年|较上年同期|较去年同期|比上年同期|年均)?"
    r"(?:增长|增加|提高|提升|上升|下降|减少|降低|回落|增速|增幅|增长率|下滑|回升)(?:了|为|达|达到)?$"
)
_SHARE_WORDS = re.compile(r"比重|占比|占|率|比例|份额|相当于|的$")
_POLICY_CAP = re.compile(r"最高")
_POLICY_AWARD = re.compile(
    r"一次性(?:奖励|补助|资助|补贴|给予)|(?:单个|单家|单台|单项|每家|每个|每项|每台|单笔|每人)"
    r"[^，。；,;]{0,12}(?:奖励|补助|补贴|资助|支持|申领|给予|不超过|不高于|最多|限额|上限)"
)
_PER_UNIT = re.compile(r"单个|单家|单台|单项|每家|每个|每项|每台|单笔|每人")
_POLICY_RATIO = re.compile(r"按[^，。；,;]{0,20}的$")
_SUBSIDY = re.compile(r"补助|奖励|补贴|资助")
# An award written as a rule: 给予50万元奖励, 50万元项目资助.
_GRANT_BEFORE = re.compile(r"(?:给予|奖励|资助|补助|补贴)(?:一次性)?$|分别给予[^，。；,;]*$")
_GRANT_AFTER = re.compile(
    r"[、和]?[^，。；,;\d]{0,4}?(?:的)?(?:奖励|补助|资助|补贴|奖补|扶持)(?!资金|金额|总额|经费)"
)


@dataclass(slots=True)
class Candidate:
    """A mention that is a fact, with what the text says around it."""

    m: Mention
    kind_hint: str = ""  # rank | rank_change | big (N大X) | duration
    range_end: str = ""  # low | high
    each: bool = False


def _prev_char(text: str, pos: int) -> str:
    return text[pos - 1] if pos > 0 else ""


def _next_char(text: str, pos: int) -> str:
    return text[pos] if pos < len(text) else ""


def _is_ascii_word(ch: str) -> bool:
    return bool(ch) and ch.isascii() and (ch.isalpha() or ch == "+")


def _with_unit(m: Mention, unit: str, value: Decimal | None = None) -> Mention:
    return replace(m, unit=unit, surface_unit=unit, value=m.number if value is None else value)


def _special(text: str, m: Mention, clause_start: int) -> Candidate | None:
    """Mentions without a unit that are facts all the same: ranks, 前N, N大X."""
    before = text[clause_start : m.num_start]
    if before.endswith("第") and _RANK_BEFORE.search(text, clause_start, m.num_start - 1):
        return Candidate(_with_unit(m, "位"), "rank")
    if before.endswith("前") and _RANK_BEFORE.search(text, clause_start, m.num_start - 1):
        return Candidate(replace(_with_unit(m, "位"), pre="前"), "rank")
    if _BIG.match(text, m.end) and m.number >= 2 and not before.endswith("第"):
        return Candidate(_with_unit(m, "个"), "big")
    return None


# "N个方面 / 部分 / 板块": the structure of a text or plan, not a measurable count
STRUCTURE_WORDS = ("方面", "部分", "板块", "篇章", "维度")


def _excluded(text: str, m: Mention, quotes: Quotes, clause_start: int) -> bool:
    raw = text[m.num_start : m.num_end]
    if quotes.in_name(m.num_start):
        return True
    if m.chinese and raw == "一" and m.surface_unit != "%":  # 一批, 一个缩影 … but 一成 is 10%
        return True
    if _is_ascii_word(_prev_char(text, m.num_start)) or (
        m.unit is None and _is_ascii_word(_next_char(text, m.end))
    ):
        return True
    if m.chinese and _IDIOM.search(text, max(0, m.num_start - 3), min(len(text), m.end + 3)):
        return True
    if text[clause_start : m.num_start].endswith("第"):
        return True
    unit = m.surface_unit
    after = text[m.end : m.end + 4]
    if unit == "个" and (_TIME_AFTER_GE.match(after) or after.startswith(STRUCTURE_WORDS)):
        return True
    if unit == "类" and _DRUG_CLASS.match(after):
        return True
    if unit == "次" and after.startswith("性"):
        return True
    return False


def _duration(text: str, m: Mention, clause_start: int) -> bool:
    """N年 as a duration that belongs to the subject (专注…二十余年), not a date or a time span."""
    if not m.chinese and len(text[m.num_start : m.num_end]) == 4:
        return False
    if _AFTER_YEAR_TIME.match(_next_char(text, m.end)):
        return False
    return bool(_DURATION_VERB.search(text, clause_start, m.start))


_QUALIFIER_PRE = (*_THRESHOLD_PRE, "不低于", "不少于", "不超过")
_QUALIFIED = re.compile(r"[^，。；：、“”]{0,12}?的(?:企业|项目|单位|机构|团队|人才|产品|平台|高校|院所)")


def _threshold(text: str, m: Mention, later: list[Mention], clause_end: int) -> bool:
    """A category bound inside another fact's indicator: 10亿元以上项目6个, 超百亿元的龙头企业4家."""
    nxt = _next_char(text, m.end)
    if m.post in ("以上", "及以上") and _CJK.match(nxt):
        return True
    if (m.pre in _QUALIFIER_PRE or m.post in ("以上", "及以上")) and _QUALIFIED.match(
        text, m.end, clause_end
    ):
        return True  # a condition on whom a measure applies to: 对研发投入超过1000万元且…的企业
    if m.pre in _THRESHOLD_PRE and _CJK.match(nxt) and nxt not in "，。；、":
        if nxt == "的" and _CJK.match(_next_char(text, m.end + 1)):
            return True
        return any(o.num_start < clause_end and o.unit in COUNT_UNITS for o in later)
    return False


def candidates(text: str, start: int, end: int, quotes: Quotes, clause_of) -> list[Candidate]:
    """Fact candidates in text[start:end]; clause_of(pos) gives the clause (start, end) around pos."""
    found = _link_ranges(text, mentions(text, start, end))
    out: list[Candidate] = []
    for i, (m, range_end) in enumerate(found):
        cs, ce = clause_of(m.num_start)
        if _excluded(text, m, quotes, cs) and not _rank_ordinal(text, m, cs):
            continue
        before = text[cs : m.num_start]
        if (
            m.surface_unit in (None, "名", "位")
            and before.endswith(("第", "前"))
            and not m.chinese
            or m.surface_unit is None
            and before.endswith("前")
        ):
            if _RANK_BEFORE.search(text, cs, m.num_start - 1):
                pre = "前" if before.endswith("前") else ""
                out.append(Candidate(replace(_with_unit(m, "位"), pre=pre or m.pre), "rank"))
                continue
        if m.unit is None:
            special = _special(text, m, cs)
            if special:
                out.append(special)
            continue
        if m.unit == "年":
            if _duration(text, m, cs):
                out.append(Candidate(m, "duration"))
            continue
        if _threshold(text, m, [f[0] for f in found[i + 1 :]], ce):
            continue
        hint = ""
        if m.unit == "位":
            hint = _rank_hint(text, m, cs)
        elif m.unit == "件" and re.search(r"万人[^，。；,;]{0,8}拥有量", text[cs : m.start]):
            m = replace(m, unit="件/万人")
        elif _REFERENCE_BEFORE.search(text, cs, m.start):
            hint = "reference"
        out.append(Candidate(m, hint, range_end, text[cs : m.start].endswith("各")))
    out += _first_places(text, start, end, quotes, clause_of)
    return sorted(out, key=lambda c: c.m.num_start)


def _rank_ordinal(text: str, m: Mention, cs: int) -> bool:
    """第3位 / 第1名, and 第二 standing alone after 居/列 (位列全市第二)."""
    if not text[cs : m.num_start].endswith("第"):
        return False
    if m.surface_unit in ("位", "名") and not m.chinese:
        return True
    return (
        m.unit is None
        and bool(re.match(r"[，。；,;、]|$", text[m.end : m.end + 1]))
        and bool(_RANK_BEFORE.search(text, cs, m.num_start - 1))
    )


def _rank_hint(text: str, m: Mention, cs: int) -> str:
    before = text[cs : m.start]
    if before.endswith("第"):
        return "rank"
    if m.surface_unit in ("位次", "个位次") or _RANK_CHANGE_BEFORE.search(before):
        return "rank_change"
    return ""


def _first_places(text: str, start: int, end: int, quotes: Quotes, clause_of) -> list[Candidate]:
    out = []
    for m in _FIRST_PLACE.finditer(text, start, end):
        cs, _ = clause_of(m.start())
        if quotes.in_name(m.start()) or not _RANK_BEFORE.search(text, cs, m.start()):
            continue
        mention = Mention(
            m.start(), m.end(), m.start(), m.end(), Decimal(1), Decimal(1), "位", "位", "", "", "", True
        )
        out.append(Candidate(mention, "rank"))
    return out


def _link_ranges(text: str, found: list[Mention]) -> list[tuple[Mention, str]]:
    """Ranges 5%至10% / 50万元到80万元: both ends are facts; a bare lower end takes the upper's unit."""
    out: list[tuple[Mention, str]] = [(m, "") for m in found]
    for i in range(len(found) - 1):
        low, high = found[i], found[i + 1]
        link = _RANGE_LINK.fullmatch(text, low.end, high.start)
        if not link or high.unit is None or high.pre:
            continue
        if low.unit is None:
            if low.chinese != high.chinese:
                continue
            number = low.number * (high.scale if low.scale == 1 else 1)
            factor = high.value / high.number if high.number else Decimal(1)
            low = replace(
                low, unit=high.unit, surface_unit=high.surface_unit, number=number, value=number * factor
            )
        elif low.unit != high.unit:
            continue
        out[i] = (low, "low")
        out[i + 1] = (high, "high")
    return out


def kind_of(text: str, c: Candidate, clause_start: int) -> str:
    """The measure type of a candidate before target/policy overrides."""
    m = c.m
    before = text[clause_start : m.start]
    if c.kind_hint == "rank":
        return "rank"
    if c.kind_hint == "rank_change":
        return "other"
    if c.kind_hint == "duration":
        return "other"
    if c.kind_hint == "big":
        return "count"
    if m.unit == "百分点":
        return "growth_rate"
    if m.unit in ("%", "‰"):
        return "growth_rate" if GROWTH_BEFORE.search(before) else "share"
    if m.unit == "倍":
        return "growth_rate"
    if m.unit in MONEY or m.unit in LEVEL_UNITS:
        return "level"
    if m.unit in CAPACITY_UNITS and re.search(r"年产|产能|产量", before):
        return "level"
    if m.unit in COUNT_UNITS:
        return "count"
    return "level"


def policy_parameter(text: str, c: Candidate, clause_start: int, sentence_start: int) -> bool:
    """Subsidy caps, per-unit awards, subsidy ratios and their range ends."""
    before = text[clause_start : c.m.start]
    if _POLICY_CAP.search(before) or _POLICY_AWARD.search(before):
        return True
    if c.m.pre in ("不超过", "不高于") and _PER_UNIT.search(before):
        return True
    if c.m.unit in ("%", "元") and _POLICY_RATIO.search(before):
        return True
    if c.m.unit in MONEY and (_GRANT_BEFORE.search(before) or _GRANT_AFTER.match(text, c.m.end)):
        return True
    return bool(c.range_end) and bool(_SUBSIDY.search(text, sentence_start, c.m.end + 12))
