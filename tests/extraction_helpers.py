"""Small helpers shared by the extraction tests."""

from __future__ import annotations

from datetime import date

from kechuang.extraction import extract

PUBLISHED = date(2024, 3, 20)


def facts(text: str, published: date | None = PUBLISHED, gazetteer: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return extract(text, "t.txt", published=published, gazetteer=gazetteer).facts


def one(text: str, published: date | None = PUBLISHED):  # type: ignore[no-untyped-def]
    found = facts(text, published)
    assert len(found) == 1, [(f.text, f.value, f.unit) for f in found]
    return found[0]


def values(text: str, published: date | None = PUBLISHED) -> list[tuple[float, str]]:
    return [(f.value, f.unit) for f in facts(text, published)]
