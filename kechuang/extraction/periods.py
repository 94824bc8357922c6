"""Time expressions and the period they give a fact: "YYYY", "YYYY-MM..YYYY-MM" or None.

Relative words resolve against the publication year (今年 = that year, 去年 = the one before);
全年 and bare month ranges resolve against the year the text is currently talking about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
TIME_RE = re.compile(
    r"(?=[截至到今去明前当全本上下近多每年会大力争预计规“未第\d一二三四五六七八九十两])"
    r"(?:(?P<target>(?:力争|争取|预计|计划|明确)?(?:到|至)(?P<ty>(?:19|20)\d{2})年(?:底|末)?前?)"
    r"|(?P<vague>近年来|近年|近些年|近几年|多年来|近[一二三四五六七八九十两\d]+年来?|[一二三四五六七八九十两\d]+年来|今后(?:[一二三四五六七八九十两\d]+年|[一二三四五六七八九十两\d]+个月|一段时期|一个时期)"
    r"|未来[一二三四五六七八九十两\d]+年|[一二三四五六七八九十两\d]+年内|每年|年均|“?十[一二三四五]五”?(?:期间|时期|末)?)"
    r"|(?P<meeting>会上|会议上|大会上|会议期间)"
    r"|(?P<day>(?:(?P<dy>(?:19|20)\d{2})年)?" + _M + r"月\d{1,2}日)"
    r"|(?=(?:截至|截止到|截止|到)?(?:(?:19|20)\d{2}年|今年|去年|明年|前年|当年|全年|本年|上半年|下半年|前三季度|"
    r"第?[一二三四1-4]季度|" + _M + r"(?:[-—–~至到]" + _M + r")?月|年底|年末))"
    r"(?P<expr>(?P<upto>截至|截止到|截止|到)?"
    r"(?P<year>(?P<y4>(?:19|20)\d{2})年|今年|去年|明年|前年|当年|全年|本年度?)?"
    r"(?P<part>上半年|下半年|前三季度|第?[一二三四1-4]季度|(?P<m1>"
    + _M
    + r")[-—–~至到](?P<m2>"
    + _M
    + r")月份?"
    r"|(?P<m>" + _M + r")月(?P<mend>底|末|份)?(?!\d{1,2}日)|年?底前?|年?末|度|以来)?))"
)
_QUARTER = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}
_COMPARISON_BEFORE = re.compile(r"(?:较|比|与|同|相比|高于|低于)$")


@dataclass(slots=True)
class TimeExpr:
    start: int
    end: int
    kind: str  # year | range | vague | target | meeting | day
    year: int | None
    months: tuple[int, int] | None = None
    estimate: bool = False  # 预计… : does not set the year the text talks about

    def period(self) -> str | None:
        if self.kind == "vague" or self.year is None:
            return None
        if self.months and self.months != (1, 12):
            return f"{self.year}-{self.months[0]:02d}..{self.year}-{self.months[1]:02d}"
        return str(self.year)


def _month(s: str) -> int:
    return int(s) if s.isdigit() else _CN_MONTH[s]


def _year(m: re.Match[str], published: int | None, context: int | None) -> int | None:
    word = m.group("year")
    if m.group("y4"):
        return int(m.group("y4"))
    if word in ("今年", "本年", "本年度", "当年"):
        return published if word != "当年" else context
    if word == "去年":
        return None if published is None else published - 1
    if word == "明年":
        return None if published is None else published + 1
    if word == "前年":
        return None if published is None else published - 2
    return context


def _months(m: re.Match[str]) -> tuple[int, int] | None:
    part = m.group("part") or ""
    if m.group("m1"):
        return (_month(m.group("m1")), _month(m.group("m2")))
    if m.group("m"):
        end = _month(m.group("m"))
        if m.group("upto") or m.group("mend") in ("底", "末"):
            return (1, end)
        return (end, end)
    if part == "上半年":
        return (1, 6)
    if part == "下半年":
        return (7, 12)
    if part == "前三季度":
        return (1, 9)
    if "季度" in part:
        q = _QUARTER[part.lstrip("第")[0]]
        return (q - 2, q)
    return None


def time_expressions(
    text: str, start: int, end: int, published: int | None, context: int | None
) -> list[TimeExpr]:
    """Time expressions in text[start:end]; comparison bases (较去年同期) are left out."""
    out: list[TimeExpr] = []
    for m in TIME_RE.finditer(text, start, end):
        local = next(
            (t.year for t in reversed(out) if t.year and t.kind in ("year", "range", "day")), context
        )
        if not m.group():
            continue
        s, e = m.start(), m.end()
        if m.group("target"):
            out.append(TimeExpr(s, e, "target", int(m.group("ty"))))
        elif m.group("vague"):
            out.append(TimeExpr(s, e, "vague", None))
        elif m.group("meeting"):
            out.append(TimeExpr(s, e, "meeting", published))
        elif m.group("day"):
            out.append(TimeExpr(s, e, "day", int(m.group("dy")) if m.group("dy") else published))
        else:
            if not (m.group("year") or m.group("part")) or m.group("part") == "以来" and not m.group("year"):
                continue
            if m.group("part") in ("度",) and not m.group("y4"):
                continue
            if _COMPARISON_BEFORE.search(text, max(0, s - 2), s) or text.startswith("同期", e):
                continue
            months = _months(m)
            year = _year(m, published, local)
            kind = "range" if months else "year"
            estimate = text[max(0, s - 2) : s] == "预计"
            out.append(TimeExpr(s, e, kind, year, months, estimate))
    return out
