"""Who a figure is about: the document's own region, named places and organisations, speakers.

我市/全市/本市 resolve to the document's city, 全区/该区 to its district (or zone), 全省/我省 to its
province, a bare 高新区 to the document's zone; a company's short form to its full name; 公司/集团 to
the company last named; a quotation's figures to the speaker's unit.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kechuang.extraction.orgs import (
    CARRIER,
    ENTERPRISE,
    FINANCIAL,
    GOVERNMENT,
    INSTITUTE,
    UNIVERSITY,
    OrgIndex,
)
from kechuang.extraction.places import Places

_TOKEN = re.compile(r"(?:全|我|本|该)(?:市|省|区|县)|区内|市内|省内|县内")
_ANAPHORA = re.compile(r"该公司|本公司|公司|该集团|集团|该企业|这家|该家|我们")
_SKIP_BEFORE = re.compile(r"(?:由|与|和|同|对|向|为|比|在|居|列|占|给|联合|携手|及|、|帮助|服务|支持)$")
_SKIP_AFTER = re.compile(
    r"第|前列|前\d|首位|排名|之首|的比重|比重|、|等|[\d一二两三四五六七八九十]+(?:余|多)?[家个项名人所座]"
)
_NOT_NAMES = re.compile(r"^(?:表示|介绍|指出|强调|透露|认为|坦言|告诉|说明|出席|在)")
_LEAD_WORDS = re.compile(
    r"(?:其中|同时|另外|此外|而且?|并且?|今年|去年|全年|当年|目前|截至[^，,]{0,8}|[\d一二三四五六七八九十]+月|"
    r"(?:19|20)\d{2}年(?:底|末)?|[“\"])*"
)
_BUILT = re.compile(r"共建|联建|联合|合作|组建|成立|创办|打造|设立|发起")
_MODIFIER_LEAD = ("由", "总规模", "规模", "位于", "作为", "这家", "一家", "新成立", "新组建")
_TITLE = (
    r"(?:党组书记|党工委书记|常务副省长|常务副市长|常务副区长|副?(?:总经理|董事长|总裁|院长|所长|主任|局长|厅长|书记|"
    r"区长|市长|县长|省长|部长|处长|科长|经理|主席|秘书长|理事长|会长|校长|总工程师|负责人|常委))"
)
_PERSON = re.compile(
    _TITLE + r"([\u4e00-\u9fff]{2,3}?)(?=说|表示|介绍|告诉|指出|透露|坦言|强调|认为|在|出席|[，,。：:、])"
)
_SAID_AFTER = re.compile(r"[^。“”]{0,30}?(?:说|表示|介绍|告诉记者|指出|透露|坦言|强调)")
_SAID_BEFORE = re.compile(r"[^。”“，,]{0,30}?(?:说|表示|介绍|指出|强调)[：:，,]?$")
_REPORTED = re.compile(r"(?:表示|介绍|说|指出|强调|透露|提出)[，,：:]")
_SPEAKER_START = re.compile(r"[^，,。；;“”]{1,30}$")
_SPEAKER = "\0speaker"  # stands for the speaker's unit (我们) until a quotation is known
_SUBJECT_TYPES = (ENTERPRISE, CARRIER, INSTITUTE, FINANCIAL, UNIVERSITY)
_ZONE_WORD = re.compile(r"高新区|开发区|经开区")


@dataclass(frozen=True, slots=True)
class Regions:
    doc: str | None
    province: str | None
    city: str | None
    district: str | None
    county: str | None
    zone: str | None

    def token(self, word: str) -> str | None:
        level = word[-1] if word[-1] in "省市区县" else word[0]
        if level == "省":
            return self.province or self.doc
        if level == "市":
            return self.city or self.doc
        if level == "区":
            if self.doc and (self.doc == self.zone or self.doc == self.district):
                return self.doc
            return self.district or self.zone or self.doc
        return self.county or self.doc


def doc_regions(text: str, title: tuple[int, int] | None, body: tuple[int, int], places: Places) -> Regions:
    """The document's own region: a place or zone opening the headline, else what 全省/全市 points to."""
    zone = places.zones.most_common(1)[0][0] if places.zones else None
    regions = dict(
        province=places.most_common("province"),
        city=places.most_common("city"),
        district=places.most_common("district"),
        county=places.most_common("county"),
        zone=zone,
    )
    head = text[title[0] : title[1]] if title else ""
    named = [p for p in list(places.zones) + list(places.counts) if head.startswith(p)]
    doc = max(named, key=len) if named else None
    if doc is None:
        first = _TOKEN.search(head) or _TOKEN.search(text, body[0], body[1])
        if first:
            doc = Regions(None, **regions).token(first.group())
    if doc is None and places.counts:
        doc = places.counts.most_common(1)[0][0]
    if doc is None:  # the page's own chrome names the publisher: 扬州市人民政府 > …, 来源：某某区科技局
        chrome = _PUBLISHER.search(text, 0, body[0]) or _PUBLISHER.search(text, body[1])
        if chrome:
            doc = chrome.group(1)
    return Regions(doc, **regions)


_PUBLISHER = re.compile(
    r"([\u4e00-\u9fff]{2,3}?[省市县区])(?:人民政府|政府|科学技术局|科技局|委员会|发展和改革委员会|统计局|"
    r"工业和信息化局|融媒体中心|新闻网)"
)


@dataclass(slots=True)
class Entity:
    start: int
    end: int
    subject: str | None
    anaphora: bool = False


class SubjectFinder:
    """Resolves the subject of a fact from the entities written before it."""

    def __init__(self, text: str, regions: Regions, index: OrgIndex, places: Places) -> None:
        self.text = text
        self.regions = regions
        self.index = index
        self.mentions = sorted(index.mentions)
        self.mention_starts = [m[0] for m in self.mentions]
        self.all: list[Entity] = []
        self.all_starts: list[int] = []
        self.companies = [(s, e) for s, e, k in self.mentions if k == ENTERPRISE]
        self.company_starts = [s for s, _ in self.companies]
        names = sorted(places.counts, key=len, reverse=True)
        self.place_re = re.compile("|".join(map(re.escape, names))) if names else None
        self.persons: dict[str, str | None] = {}

    # -- names of things -------------------------------------------------------------------------
    def normalise(self, name: str, kind: str) -> str | None:
        full = self.index.full_names.get(name, name)
        if kind == GOVERNMENT:
            zone = _ZONE_WORD.search(full)
            if zone and full.endswith(("管委会", "管理委员会", "党工委")):
                return self.normalise(full[: zone.end()], CARRIER)
            return None
        if full in ("高新区", "开发区", "经开区"):
            return self.regions.zone or self.regions.doc
        return full

    def company_before(self, pos: int) -> str | None:
        i = bisect.bisect_right(self.company_starts, pos) - 1
        while i >= 0:
            s, e = self.companies[i]
            if e <= pos:
                return self.normalise(self.text[s:e], ENTERPRISE)
            i -= 1
        return None

    def _in_org(self, s: int, e: int) -> bool:
        i = bisect.bisect_right(self.mention_starts, s) - 1
        return i >= 0 and e <= self.mentions[i][1]

    def prepare(self, start: int, end: int) -> None:
        """Find every entity of the body once; `entities` then only slices."""
        found = self._entities(start, end)
        self.all = found
        self.all_starts = [x.start for x in found]

    def entities(self, start: int, end: int, speaker: str | None = None) -> list[Entity]:
        """Subjects written in text[start:end], in order; scope words (居全省第N位) left out."""
        lo = bisect.bisect_left(self.all_starts, start)
        hi = bisect.bisect_left(self.all_starts, end)
        out = []
        for x in self.all[lo:hi]:
            if x.end <= end:
                if x.subject is _SPEAKER:
                    if speaker:
                        out.append(Entity(x.start, x.end, speaker, True))
                else:
                    out.append(x)
        return out

    def _entities(self, start: int, end: int) -> list[Entity]:
        text, out = self.text, []
        lo = bisect.bisect_left(self.mention_starts, start)
        hi = bisect.bisect_left(self.mention_starts, end)
        for s, e, kind in self.mentions[lo:hi]:
            if e <= end and (kind in _SUBJECT_TYPES or kind == GOVERNMENT):
                subject = self.normalise(text[s:e], kind)
                if subject:
                    out.append(Entity(s, e, subject))
        if self.place_re:
            for m in self.place_re.finditer(text, start, end):
                if not self._in_org(m.start(), m.end()):
                    out.append(Entity(m.start(), m.end(), m.group()))
        for m in _TOKEN.finditer(text, start, end):
            if not self._in_org(m.start(), m.end()):
                out.append(Entity(m.start(), m.end(), self.regions.token(m.group())))
        for m in _ANAPHORA.finditer(text, start, end):
            if not self._in_org(m.start(), m.end()):
                who = _SPEAKER if m.group() == "我们" else self.company_before(m.start())
                out.append(Entity(m.start(), m.end(), who, True))
        kept = [
            x
            for x in out
            if x.subject
            and not _SKIP_BEFORE.search(text, max(0, x.start - 2), x.start)
            and not _SKIP_AFTER.match(text, x.end)
        ]
        return sorted(kept, key=lambda x: x.start)

    def subject_position(self, clause_start: int, entity: Entity) -> bool:
        """Whether an entity opens its clause (after time words), or follows 由…的 as its head."""
        lead = _LEAD_WORDS.match(self.text, clause_start, entity.start)
        if lead and lead.end() == entity.start:
            return True
        return self.text.startswith(_MODIFIER_LEAD, clause_start) and self.text[entity.start - 1] == "的"

    def prefer_head(self, clause_start: int, found: list[Entity]) -> list[Entity]:
        """A与B共建的C: C, the head of the relative clause, comes first."""
        for x in found:
            if self.text[x.start - 1 : x.start] == "的" and _BUILT.search(self.text, clause_start, x.start):
                return [x] + [y for y in found if y is not x]
        return found

    def named_after(self, pos: int, end: int) -> str | None:
        """总规模5亿元的江都科创母基金: the figure belongs to the organisation named right after it."""
        if not self.text.startswith("的", pos):
            return None
        for s, e, kind in self.mentions:
            if s == pos + 1 and e <= end:
                return self.normalise(self.text[s:e], kind)
        return None

    # -- speakers ---------------------------------------------------------------------------------
    def learn_persons(self, start: int, end: int) -> None:
        """Remember each titled person's unit: 江都高新区管委会副主任王磊 → 江都高新区."""
        for m in _PERSON.finditer(self.text, start, end):
            if _NOT_NAMES.match(m.group(1)):
                continue
            clause_start = max(self.text.rfind(ch, start, m.start()) for ch in "，。；,;“”") + 1
            unit = self.unit_in(max(clause_start, start), m.start())
            self.persons.setdefault(m.group(1), unit)

    def unit_in(self, start: int, end: int) -> str | None:
        """The unit named in an attribution such as 公司总经理张强 or 智造院院长李明."""
        found = (
            [x for x in self.all if start <= x.start and x.end <= end and x.subject is not _SPEAKER]
            if self.all
            else self._entities(start, end)
        )
        found = [x for x in found if x.subject is not _SPEAKER]
        if found:
            return found[0].subject
        for name, unit in self.persons.items():
            if name in self.text[start:end]:
                return unit
        return self.regions.doc if re.search(r"[省市区县]", self.text[start:end]) else None

    def quote_speaker(self, q_start: int, q_end: int, floor: int, ceiling: int) -> str | None:
        after = _SAID_AFTER.match(self.text, q_end, ceiling)
        if after:
            return self.unit_in(q_end, after.end())
        before = _SAID_BEFORE.search(self.text, floor, q_start)
        if before:
            return self.unit_in(before.start(), before.end())
        return None


def reported_speech(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """X表示，… / X介绍，… : (speaker start, speaker end, speech start); the speech runs to the paragraph end."""
    for m in _REPORTED.finditer(text, start, end):
        who = _SPEAKER_START.search(text, max(start, m.start() - 30), m.start())
        if who:
            return who.start(), m.start(), m.end()
    return None
