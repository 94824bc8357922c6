"""A short normalised Chinese name for what a fact measures, built from the words before it."""

from __future__ import annotations

import re

from kechuang.extraction.facts import GROWTH_BEFORE

_LEAD = re.compile(
    r"^(?:[“”\"和与及]|(?:全|我|本|该)[市区省县]|对|其中|同时|另有|另外|此外|并且?|还|共有?|总计|合计|全年|今年|去年|当年|目前|已经?|均|分别|累计|仅|就|"
    r"我们的?|力争|确保|预计|计划|要|将|新一年|年内)+"
)
_TRAIL = re.compile(
    r"(?:达到了?|达|为|是|实现了?|超过|突破|提升至|提升到|提高到|提高至|扩大至|扩大到|增至|增加到|增长到|升至|降至|缩短到了?|"
    r"缩短至|稳定在|保持在|约为|约|近|超|共|累计|总计|合计|分别为|有|占|的|在|了|将|可|至|到|已|预计|力争|确保|给予|按|"
    r"每年|最高|可申领|支持|已经|还|再|首次|全部|合计|达产后|将达到|以上|之间|额度|金额在)+$"
)
_ACTION = re.compile(
    r"^(新认定|认定|新增|新建|新引进|引进|入库|新入选|入选|培育|组建|举办|促成|获批|签订|达成|新招引|招引|孵化|走访|邀请|"
    r"培训|申报|设立|遴选|集聚|带动|新开工|开工|组织实施|实施|发放|落实|争取|拥有|建成|新落户|落户)"
)
_NOUN_AFTER = re.compile(
    r"[\u4e00-\u9fff“”]{1,10}?(?=入选|获|提交|发放|与|签署|协同|投入|正式|参与|[，。；、,;]|$)"
)
_RANK_VERB = re.compile(r"(?:位列|位居|居于|居|列|排名|排在|排|升至|跃居|跃升至|稳居|保持|名列|进入|跻身)+$")
_COMPARE = re.compile(r"^(?:较上年|比上年|较去年|比去年|同比|环比|较上年同期|较去年同期|比上年同期)")
_NET = re.compile(r"^(?:净增|新增|增加|减少|净减)$")
_SCOPE = re.compile(r"(全国|全省|全市|全区|全县)[\u4e00-\u9fff]{0,4}?$")
_GROWTH_WORD = re.compile(r"同比增长|同比|增长|增加|提高|提升|上升|下降|减少|降低|回落|增速|增幅")


def _clean(s: str, drop: tuple[str, ...] = ()) -> str:
    s = s.replace("规模以上", "规上").strip(" ，,。；;：:、")
    while True:
        before = s
        for name in drop:
            if name and s.startswith(name):
                s = s[len(name) :]
        s = _TRAIL.sub("", _LEAD.sub("", s))
        if s == before:
            return s


def _growth(text: str, before: str, growth: re.Match[str] | None, previous: str) -> str:
    word = _GROWTH_WORD.search(growth.group() if growth else before)
    name = word.group() if word else "增长"
    if name == "同比":
        name = "同比增长"
    stem = text[: text.rfind(name)] if name in text else text
    stem = _COMPARE.sub("", _TRAIL.sub("", stem))
    return (stem or previous) + name


def _rank(text: str, before: str, after: str, kind: str, previous: str) -> str:
    scope = _SCOPE.search(before)
    base = _RANK_VERB.sub("", _SCOPE.sub("", text) if scope else text)
    base = base[:-2] if base.endswith("排名") else base
    if scope:
        return (base or previous) + scope.group(1) + "排名"
    if kind == "other" or "位次" in after or "位次" in before:
        return (base or previous) + "排名提升位次"
    return (base or previous) + "排名"


def indicator(
    before: str,
    after: str,
    kind: str,
    unit: str | None,
    previous: str,
    each: bool = False,
    range_end: str = "",
    estimate: bool = False,
    yearly: bool = False,
    drop: tuple[str, ...] = (),
) -> str:
    """Name the measure from the clause text before the number (`before`) and right after it."""
    text = _clean(before, drop)
    growth = GROWTH_BEFORE.search(before)
    if unit == "百分点" or (growth and unit in ("%", "倍")):
        text = _growth(text, before, growth, previous)
    elif unit == "位" and kind in ("rank", "target", "other"):
        text = _rank(text, before, after, kind, previous)
    else:
        compared = _COMPARE.sub("", text)
        action = _ACTION.match(compared)
        if _NET.match(compared):
            text = previous + compared + "数"
        elif action and len(compared) > len(action.group()):
            obj = compared[len(action.group()) :]
            suffix = "数" if kind == "count" or unit in ("家", "个", "项", "人", "名") else ""
            text = obj + action.group() + suffix
        elif not text:
            noun = _NOUN_AFTER.match(after)
            text = noun.group() if noun else previous
            text += "数" if kind == "count" and not text.endswith("数") else ""
    text = text[-30:]
    marks = [
        m
        for flag, m in (
            (estimate, "(预计)"),
            (each, "(各)"),
            (range_end == "low", "(区间下端)"),
            (range_end == "high", "(区间上端)"),
            (yearly, "(每年)"),
        )
        if flag
    ]
    return text + "".join(marks)
