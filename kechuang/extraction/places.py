"""Place names written in a document: provinces, cities, districts and counties (XX省/市/区/县)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# Provincial-level names whose short form is not the two characters before 省/市.
PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
)
LEVELS = {"省": "province", "市": "city", "区": "district", "县": "county"}
_SUFFIX = re.compile(r"[省市区县]")
# Characters that never belong to a place name of two characters.
_NOT_NAME = set(
    "全该本我各此其每的在和与及了是为对从向于将把被等级型个内占那这某当同原新旧大小第年月日获选完设创强入达"
)
# Characters that, written just before the suffix, make a common word rather than a place (城市, 上市, 园区…).
_BEFORE = {
    "市": set("城都超上门股夜早集黑开闹街入退"),
    "区": set("社景片城辖地矿军园校厂港湾库灾山牧林街范验能聚税贸发开新心行载市域点业产镇"),
    "县": set("郡州"),
    "省": set("反节内外自"),
}
# Characters that, written just after the suffix, make a common word (区域, 市场, 省份…).
_AFTER = {
    "市": set("场民值容区级委长"),
    "区": set("域块间分别位委长"),
    "县": set("域城级委长"),
    "省": set("份钱力时心级委长"),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# what may stand right before a place name of three characters (punctuation, a line start, a date)
_BOUNDARY = re.compile(r"^(?:|[\s，。；：、“”‘’（）()《》【】\d年月日>·|｜—-])$")
_LONG_PROVINCES = frozenset(p for p in PROVINCES if len(p) == 3)


class _NotName:
    """Characters that cannot be part of a two-character place name."""

    def __contains__(self, ch: str) -> bool:
        return not ("\u4e00" <= ch <= "\u9fff") or ch in _NOT_NAME or ch in "省市区县"


_BAD = _NotName()
_ZONE = re.compile(
    r"([\u4e00-\u9fff]{2})(?:国家)?(?:高新技术产业开发区|经济技术开发区|经济开发区|高新区|经开区|开发区)"
)
_NOT_ZONE_STEM = re.compile(r"国家|省级|市级|国家级|全国|各类|该|本|我|全|经济|技术|产业|高新")


@dataclass
class Places:
    """Place names with how often each occurs; `bare` are the names without their suffix."""

    counts: Counter[str] = field(default_factory=Counter)
    level: dict[str, str] = field(default_factory=dict)
    zones: Counter[str] = field(default_factory=Counter)

    @property
    def bare(self) -> dict[str, str]:
        out = {}
        for name in self.counts:
            stem = name[:-1]
            if len(stem) >= 2:
                out[stem] = name
        for zone in self.zones:
            out.setdefault(zone[:2], zone)
        return out

    def most_common(self, level: str) -> str | None:
        ranked = [n for n, _ in self.counts.most_common() if self.level[n] == level]
        return ranked[0] if ranked else None


def _is_name(stem: str) -> bool:
    return len(stem) >= 2 and all(_CJK.match(ch) and ch not in _NOT_NAME for ch in stem)


def find_places(text: str, spans: list[tuple[int, int]]) -> Places:
    """Place names occurring in the given spans of text."""
    places = Places()
    for start, end in spans:
        for m in _SUFFIX.finditer(text, start + 2, end):
            suffix, pos = m.group(), m.start()
            if text[pos + 1 : pos + 2] in _AFTER[suffix]:
                continue
            stem = text[pos - 2 : pos]
            if suffix in "省市" and text[pos - 3 : pos] in _LONG_PROVINCES:
                stem = text[pos - 3 : pos]
            elif stem[1] in _BEFORE[suffix] or stem[0] in _BAD or stem[1] in _BAD:
                continue
            elif (
                pos >= 3
                and text[pos - 3] not in _BAD
                and _BOUNDARY.match(text[pos - 4 : pos - 3] if pos >= 4 else "")
            ):
                stem = text[pos - 3 : pos]  # a three-character name standing after a pause: ，哈尔滨市
            name = stem + suffix
            places.counts[name] += 1
            places.level[name] = LEVELS[suffix]
        for m in _ZONE.finditer(text, start, end):
            stem = m.group(1)
            if _is_name(stem) and not _NOT_ZONE_STEM.search(stem):
                places.zones[m.group()] += 1
    return places
