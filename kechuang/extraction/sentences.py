"""Sentences, clauses, paragraphs and quotations of a body, as character spans of the whole text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+[”’」』]*)?|[。！？!?]+[”’」』]*")
# Clause breaks: Chinese comma/semicolon/colon; ASCII comma unless it separates thousands (1,260).
_CLAUSE_BREAK = re.compile(r"[，；;：]|,(?!\d{3}(?!\d))|:(?!\d)")
_QUOTE = re.compile(r"“[^“”\n]*”|「[^「」\n]*」|『[^『』\n]*』|\"[^\"\n]*\"")
_BOOK = re.compile(r"《[^《》\n]*》")
_SPEECH_PUNCT = re.compile(r"[，。；！？,;!?]")

NAME_QUOTE_MAX = 24


@dataclass(slots=True)
class Span:
    start: int
    end: int


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentences of text[start:end], split after 。！？ (with a closing quote) and at line ends."""
    out = []
    for m in _SENTENCE.finditer(text, start, end):
        s, e = _trimmed(text, m.start(), m.end())
        if e > s:
            out.append(Span(s, e))
    return out


def clauses(text: str, start: int, end: int) -> list[Span]:
    """Clauses of a sentence: split at ，；： (and an ASCII comma that is no thousands separator)."""
    out, pos = [], start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.start() > pos:
            out.append(Span(pos, m.start()))
        pos = m.end()
    if end > pos:
        out.append(Span(pos, end))
    return out


def paragraphs(text: str, start: int, end: int) -> list[Span]:
    """Non-empty lines of text[start:end]."""
    out, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        s, e = _trimmed(text, pos, stop)
        if e > s:
            out.append(Span(s, e))
        pos = stop + 1
    return out


class Quotes:
    """Quoted stretches: names and slogans (short, no sentence punctuation), speech, book titles."""

    def __init__(self, names: list[Span], speech: list[Span], books: list[Span]) -> None:
        self.names, self.speech, self.books = names, speech, books
        self._name_ends = [s.end for s in names]
        self._speech_ends = [s.end for s in speech]
        self._book_ends = [s.end for s in books]

    def in_name(self, pos: int) -> bool:
        return (
            _inside(self.names, self._name_ends, pos) is not None
            or _inside(self.books, self._book_ends, pos) is not None
        )

    def speech_at(self, pos: int) -> Span | None:
        return _inside(self.speech, self._speech_ends, pos)


def _inside(spans: list[Span], ends: list[int], pos: int) -> Span | None:
    """The span (sorted, not overlapping) that holds pos, if any."""
    i = bisect.bisect_right(ends, pos)
    return spans[i] if i < len(spans) and spans[i].start <= pos else None


def quotes(text: str, start: int, end: int) -> Quotes:
    names, speech = [], []
    for m in _QUOTE.finditer(text, start, end):
        inner = m.group()[1:-1]
        if len(inner) <= NAME_QUOTE_MAX and not _SPEECH_PUNCT.search(inner):
            names.append(Span(m.start(), m.end()))
        else:
            speech.append(Span(m.start(), m.end()))
    books = [Span(m.start(), m.end()) for m in _BOOK.finditer(text, start, end)]
    return Quotes(names, speech, books)
