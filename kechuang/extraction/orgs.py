"""Organisation names in the headline and body: found by their suffix, their start checked.

A name ends in a suffix that says what it is (有限公司, 大学, 研究院, 实验室, 科技局, 银行, 基金 …) and starts
with something proper: a place named in the document (扬州理工大学), a level character for a
government department (区科技局, 市财政, 省委), a company's own words after a boundary (…有限公司), or a
name the caller knows (the gazetteer). Names that start with a mere class (省级重点实验室, 国家高新区,
合作银行) are not organisations. The maximal name is kept; a name nested in it counts only where it
also occurs alone. Aliases come from 以下简称 and from a company's full name without its place and
legal form (扬州亿晶光电科技有限公司 → 亿晶光电).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kechuang.extraction.places import PROVINCES

ENTERPRISE, UNIVERSITY, INSTITUTE = "enterprise", "university", "research_institute"
CARRIER, GOVERNMENT, FINANCIAL, OTHER = "carrier", "government", "financial", "other"

# suffix → type; longest first when compiled.
SUFFIXES: dict[str, str] = {
    "股份有限公司": ENTERPRISE,
    "有限责任公司": ENTERPRISE,
    "有限公司": ENTERPRISE,
    "集团": ENTERPRISE,
    "大学": UNIVERSITY,
    "职业技术学院": UNIVERSITY,
    "学院": UNIVERSITY,
    "研究院": INSTITUTE,
    "科学院": INSTITUTE,
    "研究所": INSTITUTE,
    "设计院": INSTITUTE,
    "工程院": INSTITUTE,
    "实验室": CARRIER,
    "中心": CARRIER,
    "产业园": CARRIER,
    "科技园": CARRIER,
    "工业园": CARRIER,
    "软件园": CARRIER,
    "经济开发区": CARRIER,
    "经济技术开发区": CARRIER,
    "高新技术产业开发区": CARRIER,
    "创业园": CARRIER,
    "园区": CARRIER,
    "科技园区": CARRIER,
    "产业园区": CARRIER,
    "工业园区": CARRIER,
    "高新区": CARRIER,
    "开发区": CARRIER,
    "经开区": CARRIER,
    "科创港": CARRIER,
    "创新港": CARRIER,
    "科学城": CARRIER,
    "科技城": CARRIER,
    "孵化器": CARRIER,
    "加速器": CARRIER,
    "众创空间": CARRIER,
    "基地": CARRIER,
    "平台": CARRIER,
    "工作站": CARRIER,
    "科创园": CARRIER,
    "创新谷": CARRIER,
    "银行": FINANCIAL,
    "农商行": FINANCIAL,
    "分行": FINANCIAL,
    "支行": FINANCIAL,
    "基金": FINANCIAL,
    "信用社": FINANCIAL,
    "证券": FINANCIAL,
    "协会": OTHER,
    "学会": OTHER,
    "商会": OTHER,
    "联合会": OTHER,
    "促进会": OTHER,
    "研究会": OTHER,
    "联盟": OTHER,
}
_SUFFIX_RE = re.compile("|".join(sorted(SUFFIXES, key=len, reverse=True)))
# Government departments (the words between a level or place and 局/厅/委/办).
DEPTS = (
    "科技",
    "科学技术",
    "财政",
    "工业和信息化",
    "工信",
    "经济和信息化",
    "经信",
    "发展和改革",
    "发展改革",
    "发改",
    "商务",
    "教育",
    "统计",
    "税务",
    "审计",
    "公安",
    "民政",
    "司法",
    "人力资源和社会保障",
    "人社",
    "自然资源",
    "自然资源和规划",
    "生态环境",
    "住房和城乡建设",
    "住建",
    "交通运输",
    "交通",
    "水利",
    "农业农村",
    "农业",
    "文化和旅游",
    "文旅",
    "文化广电旅游",
    "卫生健康",
    "卫健",
    "应急管理",
    "市场监督管理",
    "市场监管",
    "知识产权",
    "数据",
    "大数据",
    "大数据管理",
    "行政审批",
    "金融",
    "地方金融监督管理",
    "金融工作",
    "医疗保障",
    "医保",
    "体育",
    "林业",
    "气象",
    "国资",
    "国有资产监督管理",
    "投资促进",
    "招商",
    "外事",
    "退役军人事务",
    "科技和工业信息化",
    "工业和科技",
    "科技和信息化",
    "教育和体育",
    "网信",
    "改革",
    "信访",
    "粮食和物资储备",
    "科学技术和信息化",
    "商务和投资促进",
    "政府新闻",
    "政府",
)
_DEPT_ALT = "|".join(sorted(DEPTS, key=len, reverse=True))
MINISTRIES = (
    "科技",
    "科学技术",
    "工业和信息化",
    "工信",
    "财政",
    "教育",
    "商务",
    "人力资源和社会保障",
    "人社",
    "自然资源",
    "生态环境",
    "农业农村",
    "交通运输",
    "水利",
    "住房和城乡建设",
    "文化和旅游",
    "应急管理",
    "司法",
    "民政",
    "公安",
)
_MINISTRY_RE = re.compile(
    r"(?=[国中"
    + "".join(sorted({m[0] for m in MINISTRIES}))
    + r"])(?:国家|中华人民共和国)?(?:"
    + "|".join(sorted(MINISTRIES, key=len, reverse=True))
    + r")部(?![门分署长])"
)
_NOT_LEVEL_BEFORE = "全本我该各城地级乡镇村省市区县"
_GOV_SHORT_RE = re.compile(
    r"(?=[省市区县])(?<!["
    + _NOT_LEVEL_BEFORE
    + r"])[省市区县](?:委(?![员会托])|人民政府|政府(?!投资|采购|引导|性|部门|工作报告)|"
    r"财政(?!局|厅|部|资金|收入|支出|预算|投入|专项|科技|补助|奖补|资助|性))"
)
_GOV_DEPT_RE = re.compile(
    r"(?=[省市区县])(?<!["
    + _NOT_LEVEL_BEFORE
    + r"])[省市区县](?:"
    + _DEPT_ALT
    + r")(?:局|厅|委员会|委|办公室|办)(?![长])"
)
_DEPT_FIRST = "".join(sorted({d[0] for d in DEPTS}))
_GOV_SUFFIX_RE = re.compile(
    r"(?=["
    + _DEPT_FIRST
    + r"管新])(?:"
    + _DEPT_ALT
    + r")(?:局|厅|委员会|委|办公室|办)(?![长])|管委会|管理委员会|新闻办"
)
_PARTY = re.compile(r"党组|党委|党工委")
_ALIAS_RE = re.compile(
    r"[（(]\s*(?:以下简称|下称|简称)[：:]?\s*[“\"「]?([^”\"」）)，,]{2,12})[”\"」]?\s*[）)]"
)
# Characters and words that end a name when scanning left from its suffix.
_STOP_CHARS = set("，。；：、！？,.;:!?“”‘’\"'（）()《》【】[] \t\n的与和及在由对向把被将是了等或")
# Function characters that may open a boundary-started name by accident (以扬州大学为依托).
_WEAK_LEAD = "以于至从为同也都还并其该已"
_STOP_WORDS = re.compile(
    r"遴选|入选|共建|联合|组建|牵头|依托|推动|支持|获批|设立|成立|揭牌|落户|位于|引进|签约|携手|包括|以及|其中|培育|"
    r"走访|对接|邀请|授予|认定|推荐|成为|作为|属于|来自|参与|收购|并购|旗下|新建|打造|创建|"
    r"创成|获评|评为|列入|纳入|加入|入驻|进驻|吸引|招引|拥有|建成|投用|发布|举办|主办|承办|表示|介绍|认为|指出"
)
_NATIONAL = ("中国", "国家", "中华", "全国")
_GENERIC_START = re.compile(
    r"^(?:国家级|省级|市级|区级|县级|国家|省|市|区|县|各类|各级|新型|重点|首批|相关|有关|高校)"
)
_GENERIC_UNIVERSITY = re.compile(
    r"^(?:知名|著名|一流|双一流|高水平|国内|国外|海外|境外|重点|本地|省内|市内|合作|在校|\d)"
)
_TIME_WORDS = re.compile(r"[年月日]|今|去|明")
_LEGAL_FORM = re.compile(
    r"(?:集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|股份公司|公司)$"
)
_TRADE_WORDS = re.compile(r"(?:科技|技术|实业|控股|发展|投资|集团|股份)$")
# Words that make a short company name: brand + trade (恒瑞精密, 汇川生物).
_TRADE = (
    "半导体",
    "新能源",
    "新材料",
    "重工",
    "精密",
    "生物",
    "医药",
    "药业",
    "制药",
    "电子",
    "电气",
    "光电",
    "微电子",
    "机械",
    "汽车",
    "化工",
    "能源",
    "软件",
    "装备",
    "电器",
    "通信",
    "环保",
    "动力",
    "电池",
    "芯片",
    "机器人",
    "航空",
    "航天",
    "材料",
    "食品",
    "纺织",
    "钢铁",
    "光伏",
    "智造",
    "数控",
    "仪器",
    "电力",
    "物流",
    "传媒",
    "建工",
    "重机",
    "船舶",
    "家电",
    "光学",
    "激光",
    "储能",
    "锂电",
    "股份",
    "控股",
    "集团",
    "科技",
)
_TRADE_END = re.compile(
    "(?:"
    + "|".join(
        sorted(set(_TRADE) | {"技术", "实业", "发展", "投资", "智能", "制造", "工程"}, key=len, reverse=True)
    )
    + ")$"
)
_SHORT_COMPANY_RE = re.compile(
    r"(?:(?<=[，。；：、,;:“由和与及同])|^)([\u4e00-\u9fff]{2})("
    + "|".join(sorted(_TRADE, key=len, reverse=True))
    + r")(?=研制|牵头|自主|研发|推出|生产|量产|实现|获得|入选|成功|和|与|、|等|[A-Za-z])",
    re.MULTILINE,
)
_COMMON_WORDS = set(
    "发展 聚焦 重点 新型 先进 战略 推动 加快 培育 打造 支持 大力 现代 高端 绿色 数字 集成 优势 主导 未来 传统 特色 前沿 关键 "
    "核心 龙头 领军 骨干 配套 上下 下游 上游 中游 高新 园区 产业 行业 企业 领域 方向 板块 生物 医药 信息 电子 智能 光伏 新能 "
    "能源 材料 装备 汽车 电力 航空 人工 工业 制造 科技 技术 创新 研发 国家 全省 全市 全区 省级 市级 区级 国际 国内 全球 世界 "
    "中国 我国 相关 主要 重要 新兴 高技 化学 海洋 节能 清洁 再生 精细 生命 健康 医疗 农业 文化 金融 服务 网络 通信 软件 集团 "
    "公司 有限 股份 以及 包括 涵盖 涉及 围绕 面向 覆盖 布局 引进 招引 落地 建设 实施 开展 一代 第三 第二 精密 工程 机械 化工 "
    "电气 特种 基础 合成 分子 细胞 基因 光电 微电 新一 储能 锂电 动力 电池 芯片 新材 半导 智慧 低碳 零碳 氢能 风电 核电".split()
)


@dataclass(frozen=True, slots=True)
class Org:
    name: str
    type: str
    start: int
    end: int


def _scan_left(text: str, pos: int, floor: int, limit: int) -> int:
    """How far left of pos a name can reach: stop characters and verbs end it."""
    i = pos
    while i > floor and pos - i < limit and text[i - 1] not in _STOP_CHARS:
        i -= 1
    last = None
    for m in _STOP_WORDS.finditer(text, i, pos):
        last = m
    return last.end() if last else i


@lru_cache(maxsize=4)
def gazetteer_index(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Known names by their first two characters, longest first (built once per gazetteer)."""
    index: dict[str, list[str]] = {}
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        index.setdefault(name[:2], []).append(name)
    return {k: tuple(v) for k, v in index.items()}


class _Finder:
    def __init__(self, text: str, bare_places: Iterable[str], gazetteer: Iterable[str]) -> None:
        self.text = text
        self.places = sorted({p for p in bare_places if len(p) >= 2} | set(PROVINCES), key=len, reverse=True)
        self.gazetteer = gazetteer_index(tuple(gazetteer))
        self.spans: list[tuple[int, int, str]] = []
        self.by_first: dict[str, list[str]] = {}
        for name in self.places:
            self.by_first.setdefault(name[0], []).append(name)

    def _known_at(self, pos: int, end: int) -> str | None:
        """The longest gazetteer name starting at pos (and ending by end), if any."""
        for name in self.gazetteer.get(self.text[pos : pos + 2], ()):
            if self.text.startswith(name, pos, end):
                return name
        return None

    def _proper_start(self, pos: int, end: int) -> bool:
        """Whether a known place or gazetteer name starts at pos."""
        names = self.by_first.get(self.text[pos : pos + 1])
        if names and any(self.text.startswith(n, pos, end) for n in names):
            return True
        return self._known_at(pos, end) is not None

    def by_suffix(self, start: int, end: int) -> None:
        text = self.text
        for m in _SUFFIX_RE.finditer(text, start, end):
            kind = SUFFIXES[m.group()]
            if m.group() in ("集团", "中心", "基地", "平台") and text[m.end() : m.end() + 1] in ("有", "股"):
                continue
            left = _scan_left(text, m.start(), start, 30)
            name_start = next((i for i in range(left, m.start()) if self._proper_start(i, m.end())), None)
            if text[left : left + 1] in _WEAK_LEAD and m.start() - left > 3:
                left += 1
            if name_start is None and kind == ENTERPRISE and m.group() != "集团":
                core = text[left : m.start()]
                if len(core) >= 2 and not _GENERIC_START.match(core):
                    name_start = left
            if name_start is None and m.group() == "集团" and 2 <= m.start() - left <= 8:
                core = text[left : m.start()]
                if (
                    core not in _COMMON_WORDS
                    and not _GENERIC_START.match(core)
                    and not _TIME_WORDS.search(core)
                ):
                    name_start = left
            if name_start is None and kind == UNIVERSITY and 2 <= m.start() - left <= 12:
                core = text[left : m.start()]
                if not _GENERIC_START.match(core) and not _GENERIC_UNIVERSITY.match(core):
                    name_start = left
            if name_start is None and kind in (CARRIER, FINANCIAL):
                name_start = self._zone_start(left, m.start(), m.group())
            if name_start is None and kind == FINANCIAL:
                name_start = self._financial_start(left, m.start())
            if name_start is None and kind == CARRIER and m.group() in _LONG_ZONES:
                core = text[left : m.start()]
                if len(core) == 2 and core not in _COMMON_WORDS and not _GENERIC_START.match(core):
                    name_start = left
            if name_start is None and kind in (UNIVERSITY, INSTITUTE):
                name_start = next(
                    (
                        i
                        for i in range(left, m.start())
                        if text.startswith(_NATIONAL, i) and not text.startswith("国家级", i)
                    ),
                    None,
                )
            if name_start is not None and m.end() - name_start > len(m.group()):
                self.spans.append((name_start, m.end(), kind))
            elif m.group() == "高新区" and self._bare_zone(m.start()):
                self.spans.append((m.start(), m.end(), CARRIER))

    def _financial_start(self, left: int, pos: int) -> int | None:
        """中国银行…, or a level-owned fund: 市天使投资引导基金."""
        text = self.text
        if text.startswith(("中国", "国家"), left) and not text.startswith("国家级", left):
            return left
        if (
            text[left : left + 1] in "省市区县"
            and pos - left >= 5
            and text[left + 1] != "级"
            and text[left - 1 : left] not in _NOT_LEVEL_BEFORE
        ):
            return left
        return None

    def _zone_start(self, left: int, pos: int, suffix: str) -> int | None:
        for i in range(left, pos):
            if self.text.startswith(("高新区", "开发区", "经开区"), i) and self._bare_zone(i):
                return i
        return None

    def _bare_zone(self, pos: int) -> bool:
        """高新区 written alone: this document's zone, not 国家高新区 or 省级高新区."""
        before = self.text[max(0, pos - 3) : pos]
        return not before.endswith(("国家", "省级", "国家级", "各", "全国", "级")) and not (
            pos > 0 and before and any(before.endswith(p) for p in self.places)
        )

    def government(self, start: int, end: int) -> None:
        text = self.text
        for rx in (_GOV_SHORT_RE, _GOV_DEPT_RE, _MINISTRY_RE):
            for m in rx.finditer(text, start, end):
                self._add_gov(m.start(), m.end())
        for m in _GOV_SUFFIX_RE.finditer(text, start, end):
            left = _scan_left(text, m.start(), start, 20)
            for i in range(left, m.start()):
                if self._proper_start(i, m.end()) or text.startswith(_NATIONAL, i):
                    self._add_gov(i, m.end())
                    break

    def _add_gov(self, s: int, e: int) -> None:
        place = next((p for p in self.places if self.text.startswith(p, s - len(p))), None)
        if place and self.text[s] in "省市区县":
            s -= len(place)
        party = _PARTY.match(self.text, e)
        if party and not self.text.startswith("党委员", e):
            self.spans.append((s, party.end(), GOVERNMENT))
        self.spans.append((s, e, GOVERNMENT))

    def short_companies(self, start: int, end: int) -> None:
        for m in _SHORT_COMPANY_RE.finditer(self.text, start, end):
            brand = m.group(1)
            if brand in _COMMON_WORDS and brand not in self.places:
                continue
            self.spans.append((m.start(1), m.end(2), ENTERPRISE))

    def gazetteer_names(self, start: int, end: int) -> None:
        """Known names, leftmost-longest and non-overlapping (a dictionary lookup per position)."""
        if not self.gazetteer:
            return
        pos = start
        while pos < end - 1:
            name = self._known_at(pos, end)
            if name is None:
                pos += 1
                continue
            self.spans.append((pos, pos + len(name), ENTERPRISE))
            pos += len(name)


_LONG_ZONES = ("经济开发区", "经济技术开发区", "高新技术产业开发区")
_HOSTS = (UNIVERSITY, INSTITUTE, ENTERPRISE, CARRIER, FINANCIAL)
_UNITS = (CARRIER, INSTITUTE)


def _merge_units(spans: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """A unit named right after its host is one name: 扬州大学 + 江都技术转移中心, 中国银行 + 扬州分行."""

    def text_of(span: tuple[int, int, str]) -> str:
        return text[span[0] : span[1]]

    ends = {(s[1], s[2]) for s in spans if s[2] in _HOSTS}
    starts = {s[0]: s for s in spans}
    merged = list(spans)
    for e, _ in ends:
        unit = starts.get(e)
        if unit and (unit[2] in _UNITS or text_of(unit).endswith(("分行", "支行"))):
            host_start = min(s[0] for s in spans if s[1] == e and s[2] in _HOSTS)
            merged.append((host_start, unit[1], unit[2]))
    return merged


def _maximal(spans: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    spans = sorted(set(_merge_units(spans, text)), key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int, str]] = []
    for s in spans:
        if any(o[0] <= s[0] and s[1] <= o[1] and (o[0], o[1]) != (s[0], s[1]) for o in out):
            continue
        if any((o[0], o[1]) == (s[0], s[1]) for o in out):
            continue
        out = [o for o in out if not (s[0] <= o[0] and o[1] <= s[1])]
        out.append(s)
    return sorted(out)


def _strip_trade(stem: str) -> str:
    """Drop the longest trade word ending the stem (星途新能源 → 星途)."""
    m = _TRADE_END.search(stem)
    return stem[: m.start()] if m else stem


def _brand(stem: str) -> str:
    """What is left of a name without its trade words (亿晶光电科技 → 亿晶)."""
    while True:
        trimmed = _strip_trade(stem)
        if trimmed == stem:
            return stem
        stem = trimmed


def company_aliases(full: str, bare_places: Iterable[str]) -> list[str]:
    """Short forms of a company's full name: without its place and legal form, then without trade words
    (扬州亿晶光电科技有限公司 → 亿晶光电科技, 亿晶光电); longest first, at least three characters, and
    keeping at least two characters of the brand."""
    core = _LEGAL_FORM.sub("", full)
    cores = [core]
    for place in sorted(bare_places, key=len, reverse=True):
        if core.startswith(place) and len(core) > len(place) + 2:
            cores = [core[len(place) :].lstrip("省市区县")]
            break
    else:
        if len(core) >= 6:  # an unknown two-character place may open the name
            cores.append(core[2:])
    out: list[str] = []
    for stem in cores:
        if len(_brand(stem)) < 2:
            continue
        while len(stem) >= 3:
            if stem != full and stem not in out:
                out.append(stem)
            trimmed = _strip_trade(stem)
            if trimmed == stem or len(_brand(trimmed)) < 2:
                break
            stem = trimmed
    return out


@dataclass(frozen=True, slots=True)
class OrgIndex:
    """Every occurrence of an organisation (maximal spans) and the full name behind each alias."""

    mentions: tuple[tuple[int, int, str], ...]
    full_names: dict[str, str]

    def orgs(self, text: str) -> list[Org]:
        out: dict[str, Org] = {}
        for s, e, kind in self.mentions:
            out.setdefault(text[s:e], Org(text[s:e], kind, s, e))
        return sorted(out.values(), key=lambda o: o.start)


def index_orgs(
    text: str,
    spans: Iterable[tuple[int, int]],
    bare_places: Iterable[str] = (),
    gazetteer: Iterable[str] = (),
) -> OrgIndex:
    """Organisation occurrences in the given spans (headline, body)."""
    spans = list(spans)
    bare_places = list(bare_places)
    finder = _Finder(text, bare_places, gazetteer)
    for start, end in spans:
        finder.by_suffix(start, end)
        finder.government(start, end)
        finder.short_companies(start, end)
        finder.gazetteer_names(start, end)
    found = _maximal(finder.spans, text)
    aliases = _alias_names(text, spans, found, bare_places)
    found = _maximal(found + _occurrences(text, spans, aliases), text)
    full_names = {alias: full for alias, (full, _) in aliases.items()}
    full_names.update(_short_forms(text, found))
    return OrgIndex(tuple(found), full_names)


def _short_forms(text: str, found: list[tuple[int, int, str]]) -> dict[str, str]:
    """A short company name whose brand (its first two characters) appears in exactly one full name."""
    companies = {text[s:e] for s, e, k in found if k == ENTERPRISE}
    full = [c for c in companies if _LEGAL_FORM.search(c)]
    out = {}
    for short in companies - set(full):
        owners = [f for f in full if short[:2] in f]
        if len(owners) == 1:
            out[short] = owners[0]
    return out


def find_orgs(
    text: str,
    spans: Iterable[tuple[int, int]],
    bare_places: Iterable[str] = (),
    gazetteer: Iterable[str] = (),
) -> list[Org]:
    """Distinct organisation names (first occurrence) in the given spans (headline, body)."""
    return index_orgs(text, spans, bare_places, gazetteer).orgs(text)


def _alias_names(
    text: str, spans: list[tuple[int, int]], found: list[tuple[int, int, str]], bare_places: list[str]
) -> dict[str, tuple[str, str]]:
    """alias → (full name, type): 以下简称 aliases and companies' short forms."""
    names: dict[str, tuple[str, str]] = {}
    for start, end in spans:
        for m in _ALIAS_RE.finditer(text, start, end):
            before = [f for f in found if f[1] <= m.start() and m.start() - f[1] <= 2]
            if before:
                s, e, kind = before[-1]
                names[m.group(1)] = (text[s:e], kind)
    for full in dict.fromkeys(text[s:e] for s, e, kind in found if kind == ENTERPRISE):
        for alias in company_aliases(full, bare_places):
            names.setdefault(alias, (full, ENTERPRISE))
    return names


def _occurrences(
    text: str, spans: list[tuple[int, int]], names: dict[str, tuple[str, str]]
) -> list[tuple[int, int, str]]:
    out = []
    for alias, (_, kind) in names.items():
        for start, end in spans:
            pos = text.find(alias, start, end)
            while pos >= 0:
                out.append((pos, pos + len(alias), kind))
                pos = text.find(alias, pos + 1, end)
    return out
