"""The public entry point: text → body, facts and organisations."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kechuang.extraction import facts as F
from kechuang.extraction.boilerplate import find_layout
from kechuang.extraction.indicators import indicator
from kechuang.extraction.numbers import as_json_number
from kechuang.extraction.orgs import Org, index_orgs
from kechuang.extraction.periods import TimeExpr, time_expressions
from kechuang.extraction.places import find_places
from kechuang.extraction.sentences import Quotes, Span, clauses, paragraphs, quotes, sentences
from kechuang.extraction.subjects import SubjectFinder, doc_regions, reported_speech

_HEADER_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_PLAN_HEADING = re.compile(r"计划|打算|安排|思路|重点任务|工作要点|下一步|目标任务|主要目标")
_TOP_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章部分])")
_ANY_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．])"
)
_TARGET = re.compile(
    r"力争|确保|目标是|目标为|目标：|预期目标|(?<![即必])将(?![近其之以来军领士])|拟(?=[投新建实在于对向])|规划到|"
    r"计划(?!新?入选|支持|资助|项目|人才|专项|单列|内)(?=[投新实提建完达引开于到在用今明全年总再将培组安举出上落筹募融三两五十])|要(?=达到|实现|培育|突破|新增|建成)"
)
_GOAL_QUOTE = re.compile(r"目标是|目标为|目标：")
_ESTIMATE = re.compile(r"预计")
_AFTER_PRODUCTION = re.compile(r"达产后|建成后|投产后|全部达产|满产后")
_TECHNICAL = re.compile(r"良率|转换效率|效率|直径|精度|纯度|厚度|功率密度|寿命|分辨率|线宽|制程")
_NUMERAL = re.compile(r"[\d二两三四五六七八九十百千万亿首第]")
_LIST_LINK = re.compile(r"[和与及、]")
_BUILT = re.compile(r"共建|联建|联合|合作|组建|成立|创办|打造|设立|发起")
_CAP = re.compile(r"最高[^，。；,;]{0,3}$")
_PLAN_PART = re.compile(r"(?:具体|重点|主要)?(?:任务|行动|举措|措施|工程)|[，。；,;]|$")


@dataclass(frozen=True, slots=True)
class Fact:
    text: str
    start: int
    end: int
    subject: str | None
    indicator: str
    value: int | float
    unit: str
    kind: str
    approx: bool
    period: str | None
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class Extraction:
    doc: str
    body: tuple[int, int]
    facts: list[Fact]
    orgs: list[Org]
    region: str | None
    year: int | None


def _published(text: str, body_start: int) -> date | None:
    m = _HEADER_DATE.search(text, 0, body_start)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@dataclass
class _SentenceState:
    """What the facts of one sentence share while it is walked."""

    sent: Span
    para: Span
    parts: list[Span]
    times: list[TimeExpr]
    in_speech: bool
    speaker: str | None
    speech_time: TimeExpr | None
    previous: str = ""
    heads: dict[tuple[int, str | None], list] = field(default_factory=dict)
    targets: dict[int, bool] = field(default_factory=dict)


class _Walk:
    """One pass over the body, paragraph by paragraph, keeping the year and the plan section in view."""

    def __init__(
        self,
        text: str,
        body: tuple[int, int],
        title: tuple[int, int] | None,
        pub_year: int | None,
        subjects: SubjectFinder,
        quotes_: Quotes,
        region: str | None,
    ) -> None:
        self.text, self.body, self.pub_year = text, body, pub_year
        self.subjects, self.quotes, self.region = subjects, quotes_, region
        first = _YEAR.search(text, title[0], title[1]) if title else None
        first = first or _YEAR.search(text, body[0], body[1])
        self.context = pub_year or (int(first.group(1)) if first else None)
        self.plan = False
        self.quote_time: dict[int, TimeExpr | None] = {}
        self.quote_target: dict[int, bool] = {}
        self.speakers: dict[int, str | None] = {}
        self.facts: list[Fact] = []

    def run(self) -> list[Fact]:
        for para in paragraphs(self.text, *self.body):
            self._heading(para)
            speech = reported_speech(self.text, para.start, para.end)
            speaker = self.subjects.unit_in(speech[0], speech[1]) if speech else None
            speech_from = speech[2] if speech else para.end
            speech_time: TimeExpr | None = None
            for sent in sentences(self.text, para.start, para.end):
                in_speech = sent.start >= speech_from or (speech is not None and speech[2] <= sent.end)
                speech_time = self._sentence(sent, para, in_speech, speaker, speech_time)
        return self.facts

    def _heading(self, para: Span) -> None:
        line = self.text[para.start : para.end]
        if not _ANY_HEADING.match(line) and "。" in line:
            return
        if len(line) > 40:
            return
        if _PLAN_HEADING.search(line):
            self.plan = True
        elif _TOP_HEADING.match(line):
            self.plan = False

    def _times(self, sent: Span) -> list[TimeExpr]:
        found = time_expressions(self.text, sent.start, sent.end, self.pub_year, self.context)
        return [t for t in found if not self.quotes.in_name(t.start)]

    def _sentence(
        self, sent: Span, para: Span, in_speech: bool, speaker: str | None, speech_time: TimeExpr | None
    ) -> TimeExpr | None:
        text = self.text
        times = self._times(sent)
        if not _NUMERAL.search(text, sent.start, sent.end):
            return self._after_sentence(times, in_speech, speech_time)
        parts = clauses(text, sent.start, sent.end)
        starts = [p.start for p in parts]

        def clause_of(pos: int) -> tuple[int, int]:
            i = max(0, bisect.bisect_right(starts, pos) - 1)
            return parts[i].start, parts[i].end

        cands = F.candidates(text, sent.start, sent.end, self.quotes, clause_of)
        state = _SentenceState(sent, para, parts, times, in_speech, speaker, speech_time)
        for c in cands:
            self.facts.append(self._fact(c, clause_of(c.m.num_start), state))
        return self._after_sentence(times, in_speech, speech_time)

    def _fact(self, c: F.Candidate, clause: tuple[int, int], st: _SentenceState) -> Fact:
        text, pos = self.text, c.m.num_start
        cs, ce = clause
        quote = self.quotes.speech_at(pos)
        subject, drop = self._subject(c, cs, ce, quote, st)
        target = self._target(st.parts, cs, pos, quote, st.targets, st.times)
        policy = F.policy_parameter(text, c, cs, st.sent.start)
        kind = self._kind(c, cs, target, policy)
        period = self._period(c, kind, policy, cs, pos, st.times, quote, st.in_speech, st.speech_time)
        last = self.facts[-1] if self.facts else None
        before = text[last.end if last and cs <= last.end <= c.m.start else cs : c.m.start]
        name = indicator(
            before,
            text[c.m.end : ce],
            kind,
            c.m.unit,
            st.previous,
            c.each,
            c.range_end,
            bool(_ESTIMATE.search(text, st.sent.start, pos)),
            "每年" in before,
            drop,
        )
        if kind != "growth_rate" and c.m.unit != "百分点":
            st.previous = name.split("(")[0]
        start, end = self._span(c, cs, ce)
        approx = c.m.approx and not (policy and _CAP.search(before) and not c.m.post)
        return Fact(
            text=text[start:end],
            start=start,
            end=end,
            subject=subject,
            indicator=name,
            value=as_json_number(c.m.value),
            unit=c.m.unit or "",
            kind=kind,
            approx=approx,
            period=period,
            sentence_start=st.sent.start,
            sentence_end=st.sent.end,
        )

    def _subject(
        self, c: F.Candidate, cs: int, ce: int, quote: Span | None, st: _SentenceState
    ) -> tuple[str | None, tuple[str, ...]]:
        """The entity opening the fact's clause, else the one handed on by earlier clauses of the sentence
        (a semicolon ends that unless it was 公司/集团), else the speaker's unit, else the document's region.
        Also the entity names to drop from the indicator."""
        text = self.text
        who = (self._speaker(quote, st.para) if quote else None) or (st.speaker if st.in_speech else None)
        carry, from_anaphora = None, False
        drop: tuple[str, ...] = ()
        for clause in st.parts:
            if clause.start > cs:
                break
            if text[clause.start - 1 : clause.start] in ("；", ";") and not from_anaphora:
                carry = None
            if clause.start == cs:
                found = self.subjects.entities(clause.start, min(clause.end, c.m.start), who)
                drop = tuple(text[x.start : x.end] for x in found)
                found = self.subjects.prefer_head(clause.start, found)
            else:
                key = (clause.start, who)
                if key not in st.heads:
                    st.heads[key] = self._heads(clause, who)
                found = st.heads[key]
            if found:
                carry, from_anaphora = found[0].subject, found[0].anaphora
        carry = self.subjects.named_after(c.m.end, ce) or carry
        return carry or who or self.region, drop

    def _kind(self, c: F.Candidate, cs: int, target: bool, policy: bool) -> str:
        kind = F.kind_of(self.text, c, cs)
        last = self.facts[-1] if self.facts else None
        if (
            last
            and last.unit == c.m.unit
            and last.end <= c.m.start
            and _LIST_LINK.fullmatch(self.text, last.end, c.m.start)
        ):  # 分别增长12%和15%
            kind = last.kind
        if policy:
            return "other"
        if target and c.kind_hint not in ("big", "reference") and not self._plan_part(c):
            return "target"
        return kind

    def _after_sentence(
        self, times: list[TimeExpr], in_speech: bool, speech_time: TimeExpr | None
    ) -> TimeExpr | None:
        for t in times:
            quote = self.quotes.speech_at(t.start)
            if quote:
                self.quote_time[quote.start] = t
            elif in_speech:
                speech_time = t
        self._update_context(times, in_speech)
        return speech_time

    def _heads(self, clause: Span, who: str | None) -> list:
        """The subject a whole earlier clause hands on to the clauses after it."""
        found = self.subjects.entities(clause.start, clause.end, who)
        if _BUILT.search(self.text, clause.start, clause.end):
            return self.subjects.prefer_head(clause.start, found)[:1]
        return [x for x in found if self.subjects.subject_position(clause.start, x)]

    def _speaker(self, quote: Span, para: Span) -> str | None:
        if quote.start not in self.speakers:
            self.speakers[quote.start] = self.subjects.quote_speaker(
                quote.start, quote.end, para.start, para.end
            )
        return self.speakers[quote.start]

    def _target(
        self,
        parts: list[Span],
        cs: int,
        pos: int,
        quote: Span | None,
        memo: dict[int, bool],
        times: list[TimeExpr],
    ) -> bool:
        """Plan sections, quoted goals, 到2026年 and markers (力争, 确保, 将, 计划…) earlier in the sentence;
        预计 ends a marker's reach."""
        text = self.text
        if self.plan:
            return True
        if quote and (self.quote_target.get(quote.start) or _GOAL_QUOTE.search(text, quote.start, pos)):
            self.quote_target[quote.start] = True
            return True
        if any(t.kind == "target" and t.start < pos for t in times):
            return True
        state = False
        for i, clause in enumerate(parts):
            if clause.start > cs:
                break
            if clause.start < cs and i in memo:
                state = memo[i] if memo[i] is not None else state
                continue
            stop = pos if clause.start == cs else clause.end
            marks = self._marks(clause.start, stop, state)
            if clause.start < cs:
                memo[i] = marks
            state = marks
        return state

    def _marks(self, start: int, stop: int, state: bool) -> bool:
        if _ESTIMATE.search(self.text, start, stop):
            state = False
        if any(not self.quotes.in_name(m.start()) for m in _TARGET.finditer(self.text, start, stop)):
            state = True
        return state

    def _plan_part(self, c: F.Candidate) -> bool:
        after = self.text[c.m.end : c.m.end + 6]
        if c.m.unit == "条":
            return bool(re.match(r"[，。；,;]|$", after))
        return c.m.unit in ("项", "个") and bool(re.match(r"(?:具体|重点|主要)?(?:任务|行动|举措)", after))

    def _period(
        self,
        c: F.Candidate,
        kind: str,
        policy: bool,
        cs: int,
        pos: int,
        times: list[TimeExpr],
        quote: Span | None,
        in_speech: bool,
        speech_time: TimeExpr | None,
    ) -> str | None:
        text = self.text
        if policy or c.kind_hint in ("duration", "big", "reference") or self._plan_part(c):
            return None
        if _TECHNICAL.search(text, cs, pos):
            return None
        if kind == "target" and _AFTER_PRODUCTION.search(text, cs, pos):
            return None
        governing = [
            t
            for t in times
            if t.start < pos and (quote is None or t.start >= quote.start or t.kind != "vague")
        ]
        if governing:
            t = governing[-1]
            return str(t.year) if kind == "target" and t.year else t.period()
        if quote:
            said = self.quote_time.get(quote.start)
            return said.period() if said else None
        if in_speech:
            return speech_time.period() if speech_time else None
        return str(self.context) if self.context else None

    def _update_context(self, times: list[TimeExpr], in_speech: bool) -> None:
        if in_speech:
            return
        usable = [
            t
            for t in times
            if t.kind in ("year", "range", "day", "meeting")
            and t.year
            and not t.estimate
            and not self.quotes.speech_at(t.start)
        ]
        if usable:
            self.context = usable[-1].year

    def _span(self, c: F.Candidate, cs: int, ce: int) -> tuple[int, int]:
        """The evidence: the words before the number in its clause (at most 24 characters), the number and
        its unit; when nothing names the measure before it, the words after it."""
        text, m = self.text, c.m
        start = max(cs, m.start - 24)
        if start > cs:
            cut = re.search(r"[的与和、]", text[start : m.start])
            start += cut.end() if cut else 0
        last = self.facts[-1] if self.facts else None
        if last and cs <= last.end <= m.start:
            start = max(start, last.end)
        while start < m.start and text[start] in ' ，,；;：:、“”"（(至到-—～~和与及':
            start += 1
        end = m.end
        if m.start - start <= 1:
            tail = re.match(r"[^和与及、，,。；;\d]{1,10}", text[end:ce])
            if tail:
                end += tail.end()
        return start, end


def extract(
    text: str, doc: str = "", published: date | None = None, gazetteer: Iterable[str] = ()
) -> Extraction:
    """Body, quantitative facts and organisations of one document (plain text as read from the file)."""
    layout = find_layout(text)
    body = layout.body
    spans = [s for s in (layout.title, body) if s]
    pub = published or _published(text, body[0])
    places = find_places(text, spans)
    index = index_orgs(text, spans, places.bare, gazetteer)
    regions = doc_regions(text, layout.title, body, places)
    subjects = SubjectFinder(text, regions, index, places)
    subjects.prepare(*body)
    subjects.learn_persons(*body)
    walk = _Walk(
        text, body, layout.title, pub.year if pub else None, subjects, quotes(text, *body), regions.doc
    )
    found = walk.run()
    return Extraction(
        doc=doc,
        body=body,
        facts=found,
        orgs=index.orgs(text),
        region=regions.doc,
        year=pub.year if pub else walk.context,
    )


def to_lines(ex: Extraction) -> list[dict]:
    """The contract's JSON lines: one body line, then fact lines, then organisation lines."""
    lines: list[dict] = [{"record": "body", "doc": ex.doc, "start": ex.body[0], "end": ex.body[1]}]
    for f in ex.facts:
        lines.append(
            {
                "record": "fact",
                "doc": ex.doc,
                "text": f.text,
                "start": f.start,
                "end": f.end,
                "subject": f.subject,
                "indicator": f.indicator,
                "value": f.value,
                "unit": f.unit,
                "kind": f.kind,
                "approx": f.approx,
                "period": f.period,
            }
        )
    for o in ex.orgs:
        lines.append(
            {"record": "org", "doc": ex.doc, "name": o.name, "type": o.type, "start": o.start, "end": o.end}
        )
    return lines
