"""Where a figure or a row came from: one ``Source`` value type with one text format.

Every writer stores ``Source(...).format()`` in its ``source`` column and every page shows
``parse(text).describe()``; nothing else builds or reads these strings.

Formats (the text stored, at most 255 characters)::

    import:<file>#<row>                 an Excel/CSV import, the row Excel shows
    import:<file>#<sheet>!<row>         the same for a workbook with several sheets
    doc:<document id>@<start>-<end>:<file>   a document and the character offsets of the sentence
    user:<username>                     typed in by a user
    rule:<rule id>@<version>            computed by a rule or a methodology
    demo:<what>                         the demo city generator

A text in none of these forms (older rows) parses to ``Source(kind="text", name=text)`` and
describes itself as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["import", "doc", "user", "rule", "demo", "text"]
MAX_LENGTH = 255

_IMPORT = re.compile(r"^import:(?P<file>.*)#(?:(?P<sheet>[^#!]*)!)?(?P<row>\d+)$")
_DOC = re.compile(r"^doc:(?P<id>\d+)@(?P<start>\d+)-(?P<end>\d+)(?::(?P<file>.*))?$")
_RULE = re.compile(r"^rule:(?P<id>[^@]+)@(?P<version>.+)$")


@dataclass(frozen=True)
class Source:
    kind: Kind
    name: str = ""  # file, username, rule id, demo part, or the raw text
    row: int | None = None  # Excel row (1-based, as Excel shows it)
    sheet: str | None = None
    document_id: int | None = None
    start: int | None = None  # character offsets in the document's text
    end: int | None = None
    version: str | None = None  # the rule's or methodology's version

    # ---- constructors -------------------------------------------------------------------
    @classmethod
    def imported(cls, file: str, row: int, sheet: str | None = None) -> Source:
        return cls("import", name=file, row=row, sheet=sheet or None)

    @classmethod
    def document(cls, document_id: int, start: int, end: int, file: str = "") -> Source:
        return cls("doc", name=file, document_id=document_id, start=start, end=end)

    @classmethod
    def user(cls, username: str) -> Source:
        return cls("user", name=username)

    @classmethod
    def rule(cls, rule_id: str, version: str) -> Source:
        return cls("rule", name=rule_id, version=version)

    @classmethod
    def demo(cls, what: str = "city") -> Source:
        return cls("demo", name=what)

    # ---- text ---------------------------------------------------------------------------
    def format(self) -> str:
        """The stored text; a long file name is shortened from the left so the row survives."""
        if self.kind == "import":
            where = f"{self.sheet}!{self.row}" if self.sheet else f"{self.row}"
            return _fit("import:", self.name, f"#{where}")
        if self.kind == "doc":
            head = f"doc:{self.document_id}@{self.start}-{self.end}"
            return _fit(f"{head}:", self.name, "") if self.name else head
        if self.kind == "text":
            return self.name[:MAX_LENGTH]
        if self.kind == "rule":
            return _fit("rule:", self.name, f"@{self.version}")
        return _fit(f"{self.kind}:", self.name, "")

    def describe(self, lang: str = "zh") -> str:
        """The source as a person reads it."""
        template = _DESCRIPTIONS[self.kind][1 if lang == "en" else 0]
        sheet = ""
        if self.sheet:
            sheet = f", sheet {self.sheet}" if lang == "en" else f" 工作表“{self.sheet}”"
        return template.format(
            name=self.name or (f"#{self.document_id}" if self.kind == "doc" else "—"),
            sheet=sheet,
            row=self.row,
            start=self.start,
            end=self.end,
            version=self.version,
        )


_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "import": ("导入 {name}{sheet} 第 {row} 行", "imported {name}{sheet}, row {row}"),
    "doc": ("资讯 {name}（第{start}–{end}字）", "document {name} (characters {start}–{end})"),
    "user": ("用户 {name} 录入", "entered by {name}"),
    "rule": ("规则 {name}（{version}）计算", "computed by {name} ({version})"),
    "demo": ("演示数据生成器", "demo data generator"),
    "text": ("{name}", "{name}"),
}


def _fit(prefix: str, name: str, suffix: str) -> str:
    room = MAX_LENGTH - len(prefix) - len(suffix)
    if len(name) > room:
        name = "…" + name[-(room - 1) :]
    return f"{prefix}{name}{suffix}"


def parse(text: str | None) -> Source:
    """The ``Source`` a stored text stands for (the inverse of ``Source.format``)."""
    text = text or ""
    if m := _IMPORT.match(text):
        return Source.imported(m["file"], int(m["row"]), m["sheet"])
    if m := _DOC.match(text):
        return Source.document(int(m["id"]), int(m["start"]), int(m["end"]), m["file"] or "")
    if m := _RULE.match(text):
        return Source.rule(m["id"], m["version"])
    for kind in ("user", "demo"):
        if text.startswith(f"{kind}:"):
            return Source(kind, name=text.removeprefix(f"{kind}:"))
    return Source("text", name=text)


def describe(text: str | None, lang: str = "zh") -> str:
    """Shorthand for ``parse(text).describe(lang)``, for templates."""
    return parse(text).describe(lang)
