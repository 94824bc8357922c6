"""Demands and capabilities as the matching contract writes them (JSON Lines), read and checked. Pure.

Every problem is reported at once, each naming the file, the line and what was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kechuang.errors import InvalidInput, Problem
from kechuang.matching.matcher import Doc

KINDS = ("expert", "team", "university", "institute", "enterprise")


@dataclass(frozen=True)
class Demand:
    id: str
    title: str
    text: str
    chain: str | None = None
    keywords: tuple[str, ...] = ()
    region: str | None = None

    def doc(self) -> Doc:
        """The demand as the matcher reads it: title, text and keywords."""
        return Doc(self.id, "\n".join([self.title, self.text, *self.keywords]), chain=self.chain)


@dataclass(frozen=True)
class Capability:
    id: str
    name: str
    kind: str
    text: str
    region: str | None = None
    keywords: tuple[str, ...] = ()
    results: tuple[str, ...] = ()

    def doc(self) -> Doc:
        """The capability as the matcher reads it: name, text and keywords, and its results apart."""
        return Doc(self.id, "\n".join([self.name, self.text, *self.keywords]), results=self.results)


class _Line:
    def __init__(self, file: str, number: int, problems: list[Problem]) -> None:
        self.file, self.number = file, number
        self.problems = problems

    def bad(self, field: str, value: Any, expected: str) -> None:
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        self.problems.append(Problem(field, f"应为{expected}", shown, row=self.number, file=self.file))

    def text(self, rec: dict[str, Any], key: str, *, required: bool = True) -> str | None:
        value = rec.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.bad(key, value, "非空文本 a non-empty string")
            return None
        return value

    def strings(self, rec: dict[str, Any], key: str) -> tuple[str, ...]:
        value = rec.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(key, value, "文本列表 a list of strings")
            return ()
        return tuple(value)


def _objects(content: str, file: str, problems: list[Problem]) -> list[tuple[_Line, dict[str, Any]]]:
    out = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        line = _Line(file, number, problems)
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    "(line)",
                    f"不是有效的 JSON / not valid JSON ({exc.msg}, column {exc.colno})",
                    row=number,
                    file=file,
                )
            )
            continue
        if not isinstance(rec, dict):
            line.bad("(line)", rec, "JSON 对象 an object")
            continue
        out.append((line, rec))
    return out


def _unique(line: _Line, ident: str | None, seen: set[str]) -> None:
    if ident is not None and ident in seen:
        line.bad("id", ident, "唯一的编号 an id not used on an earlier line")
    if ident is not None:
        seen.add(ident)


def read_demands(content: str, file: str) -> list[Demand]:
    """Demands from JSON Lines: ``id``, ``title``, ``text``; optional ``chain``, ``keywords``, ``region``."""
    problems: list[Problem] = []
    out, seen = [], set[str]()
    for line, rec in _objects(content, file, problems):
        ident, title, text = line.text(rec, "id"), line.text(rec, "title"), line.text(rec, "text")
        chain, region = line.text(rec, "chain", required=False), line.text(rec, "region", required=False)
        keywords = line.strings(rec, "keywords")
        _unique(line, ident, seen)
        if ident and title and text:
            out.append(Demand(ident, title, text, chain, keywords, region))
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p.row or 0))
    return out


def read_capabilities(content: str, file: str) -> list[Capability]:
    """Capabilities from JSON Lines: ``id``, ``name``, ``kind``, ``text``; optional ``region``,
    ``keywords``, ``results``."""
    problems: list[Problem] = []
    out, seen = [], set[str]()
    for line, rec in _objects(content, file, problems):
        ident, name, text = line.text(rec, "id"), line.text(rec, "name"), line.text(rec, "text")
        kind = line.text(rec, "kind")
        if kind is not None and kind not in KINDS:
            line.bad("kind", kind, "expert、team、university、institute 或 enterprise 之一")
            kind = None
        region = line.text(rec, "region", required=False)
        keywords, results = line.strings(rec, "keywords"), line.strings(rec, "results")
        _unique(line, ident, seen)
        if ident and name and text and kind:
            out.append(Capability(ident, name, kind, text, region, keywords, results))
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p.row or 0))
    return out
