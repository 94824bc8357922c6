"""Rule documents as versioned data: one TOML file per programme version in ``rules/data``.

Each file names its document, version, effective dates and source; every threshold and band table
names its article. A file may ``inherit`` the numbers of an earlier version (and override some), and
may declare a ``fallback`` when the newer document gives no number and the ministry keeps using the
older one. ``in_force(programme, as_of)`` picks the version whose dates cover ``as_of``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Threshold:
    key: str
    value: Fraction
    article: str
    text: str


@dataclass(frozen=True)
class BandTable:
    """Score bands, highest first: (lower bound, points low, points high)."""

    key: str
    rows: tuple[tuple[Fraction, int, int], ...]
    article: str
    text: str
    strict: bool = False  # lower bounds exclusive (">") instead of inclusive ("≥", 含)
    at_most: bool = False  # rows are upper bounds, lowest first ("≤", e.g. 资产负债率)


@dataclass(frozen=True)
class RuleDoc:
    file: str
    programme: str
    name: str
    name_en: str
    document: str
    title: str
    version: str
    effective_from: date
    effective_to: date | None
    source: str
    structure: str
    note: str = ""
    local: bool = False  # local criteria (configurable per city), not a national rule
    fallback: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    bands: dict[str, BandTable] = field(default_factory=dict)

    def t(self, key: str) -> Fraction:
        return self.thresholds[key].value

    def stamp(self) -> dict[str, object]:
        """The rule identity every result carries."""
        out: dict[str, object] = {
            "id": self.programme,
            "document": self.document,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "title": self.title,
            "source": self.source,
            "file": self.file,
        }
        if self.effective_to:
            out["effective_to"] = self.effective_to.isoformat()
        if self.fallback:
            out["fallback"] = dict(self.fallback)
        if self.local:
            out["local"] = True
        return out


class RuleFileError(ValueError):
    pass


def _fraction(value: object, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RuleFileError(f'{where}: 数值应写成整数或带引号的小数，如 "0.05"，实际为 {value!r}')
    try:
        return Fraction(value)
    except ValueError as exc:
        raise RuleFileError(f"{where}: 不是数值：{value!r}") from exc


def _parse(path: Path, raw: dict[str, object], base: RuleDoc | None) -> RuleDoc:
    where = path.name
    thresholds = dict(base.thresholds) if base else {}
    for key, spec in dict(raw.get("thresholds", {})).items():  # type: ignore[call-overload]
        thresholds[key] = Threshold(
            key,
            _fraction(spec["value"], f"{where} thresholds.{key}"),
            str(spec["article"]),
            str(spec["text"]),
        )
    bands = dict(base.bands) if base else {}
    for key, spec in dict(raw.get("bands", {})).items():  # type: ignore[call-overload]
        rows = []
        for row in spec["rows"]:
            low, *points = row
            lo, hi = (points[0], points[0]) if len(points) == 1 else (points[0], points[1])
            rows.append((_fraction(low, f"{where} bands.{key}"), int(lo), int(hi)))
        at_most = bool(spec.get("at_most", False))
        if [r[0] for r in rows] != sorted((r[0] for r in rows), reverse=not at_most):
            raise RuleFileError(f"{where} bands.{key}: 分档界限应{'从低到高' if at_most else '从高到低'}排列")
        bands[key] = BandTable(
            key,
            tuple(rows),
            str(spec["article"]),
            str(spec["text"]),
            bool(spec.get("strict", False)),
            at_most,
        )
    try:
        return RuleDoc(
            file=path.name,
            programme=str(raw["programme"]),
            name=str(raw["name"]),
            name_en=str(raw["name_en"]),
            document=str(raw["document"]),
            title=str(raw["title"]),
            version=str(raw["version"]),
            effective_from=raw["effective_from"],  # type: ignore[arg-type]
            effective_to=raw.get("effective_to"),  # type: ignore[arg-type]
            source=str(raw["source"]),
            structure=str(raw.get("structure", base.structure if base else "")),
            note=str(raw.get("note", "")),
            local=bool(raw.get("local", False)),
            fallback={k: str(v) for k, v in dict(raw.get("fallback", {})).items()},  # type: ignore[call-overload]
            thresholds=thresholds,
            bands=bands,
        )
    except KeyError as exc:
        raise RuleFileError(f"{where}: 缺少必填项 {exc.args[0]}") from exc


@cache
def load(directory: Path = DATA) -> tuple[RuleDoc, ...]:
    """Every rule document in ``directory``, parsed and checked (inherited files after their base)."""
    raws = {
        p.stem: (p, tomllib.loads(p.read_text(encoding="utf-8"))) for p in sorted(directory.glob("*.toml"))
    }
    docs: dict[str, RuleDoc] = {}

    def get(stem: str) -> RuleDoc:
        if stem not in docs:
            if stem not in raws:
                raise RuleFileError(f"找不到被继承的规则文件 {stem}.toml")
            path, raw = raws[stem]
            base = get(str(raw["inherit"])) if "inherit" in raw else None
            docs[stem] = _parse(path, raw, base)
        return docs[stem]

    return tuple(get(stem) for stem in raws)


def programmes() -> list[str]:
    seen: list[str] = []
    for doc in load():
        if doc.programme not in seen:
            seen.append(doc.programme)
    return seen


def versions(programme: str) -> list[RuleDoc]:
    return sorted((d for d in load() if d.programme == programme), key=lambda d: d.effective_from)


def in_force(programme: str, as_of: date) -> RuleDoc:
    """The version in force on ``as_of``; before the first one, the first one (its note says so)."""
    candidates = versions(programme)
    if not candidates:
        raise KeyError(programme)
    current = candidates[0]
    for doc in candidates:
        if doc.effective_from <= as_of and (doc.effective_to is None or as_of < doc.effective_to):
            current = doc
    return current
