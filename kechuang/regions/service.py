"""Regions as data: loaded from a JSON file so another city can load its own."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.choices import RegionKind
from kechuang.errors import InvalidInput, NotFound, Problem
from kechuang.regions.models import Region

BUNDLED = Path(__file__).parent / "data" / "yangzhou.json"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    aliases: tuple[str, ...]


def read_regions_file(path: Path) -> list[RegionRow]:
    """Parse and validate a regions file; every problem is reported at once."""
    label = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput([Problem(field="file", message=f"无法读取 JSON：{exc}", file=label)]) from None
    items = data.get("regions") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InvalidInput([Problem(field="regions", message="应为非空的地区列表", file=label)])
    problems: list[Problem] = []
    rows: list[RegionRow] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        code = str(item.get("code", "")).strip()
        name = str(item.get("name", "")).strip()
        kind = str(item.get("kind", "")).strip()
        parent = item.get("parent")
        if not code:
            problems.append(Problem(field="code", message="不能为空", row=i, file=label))
        elif code in seen:
            problems.append(Problem(field="code", message="重复的地区代码", value=code, row=i, file=label))
        if not name:
            problems.append(Problem(field="name", message="不能为空", row=i, file=label))
        if kind not in RegionKind.values():
            problems.append(
                Problem(
                    field="kind",
                    message=f"应为 {' / '.join(RegionKind.values())} 之一",
                    value=kind,
                    row=i,
                    file=label,
                )
            )
        if parent is not None and str(parent) not in seen:
            problems.append(
                Problem(field="parent", message="上级地区须在本文件中先出现", value=parent, row=i, file=label)
            )
        seen.add(code)
        rows.append(
            RegionRow(
                code=code,
                name=name,
                name_en=str(item.get("name_en", "")),
                kind=kind,
                parent=None if parent is None else str(parent),
                aliases=tuple(str(a) for a in item.get("aliases", [])),
            )
        )
    if problems:
        raise InvalidInput(problems)
    return rows


def load_regions(session: Session, rows: Iterable[RegionRow]) -> int:
    """Insert or update regions (by code); returns how many rows were written."""
    existing = {r.code: r for r in session.scalars(select(Region))}
    count = 0
    for order, row in enumerate(rows):
        region = existing.get(row.code) or Region(code=row.code)
        region.name = row.name
        region.name_en = row.name_en
        region.kind = row.kind
        region.parent_code = row.parent
        region.sort_order = order
        region.aliases = "|".join(row.aliases)
        if row.code not in existing:
            session.add(region)
        count += 1
        session.flush()
    return count


def all_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.sort_order)))


def descendants(regions: Iterable[Region], code: str) -> frozenset[str]:
    """``code`` and every region below it."""
    children: dict[str | None, list[str]] = {}
    for r in regions:
        children.setdefault(r.parent_code, []).append(r.code)
    out = {code}
    stack = [code]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return frozenset(out)


def region_codes_under(session: Session, code: str) -> frozenset[str]:
    return descendants(all_regions(session), code)


def get_region(session: Session, code: str) -> Region:
    region = session.get(Region, code)
    if region is None:
        raise NotFound(f"地区 {code} 不存在")
    return region


def region_names(session: Session) -> dict[str, str]:
    return {r.code: r.name for r in all_regions(session)}


def district_of(session: Session) -> dict[str, str]:
    """Every region code → the district (a child of the city) it lies in."""
    rows = session.execute(select(Region.code, Region.parent_code, Region.kind)).all()
    parent = {code: p for code, p, _ in rows}
    city = {code for code, _, kind in rows if kind == "city"}
    out = {}
    for code in parent:
        at = code
        while parent.get(at) is not None and parent[at] not in city:
            at = parent[at]  # type: ignore[assignment]
        if parent.get(at) in city:
            out[code] = at
    return out
