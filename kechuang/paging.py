"""One ``Page`` type for every list a service returns, and the bounds every list query accepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from kechuang.errors import InvalidInput, Problem

T = TypeVar("T")

MAX_PAGE = 100_000  # deeper pages are refused (filter or export instead)
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the total (or a lower bound when ``total_capped``) and where it is."""

    items: list[T]
    total: int
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    total_capped: bool = False  # more than ``total`` match; counting them all would cost a full scan

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.total_capped and len(self.items) == self.page_size)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def bounded(page: int, page_size: int = DEFAULT_PAGE_SIZE) -> tuple[int, int]:
    """(page, page_size) checked against the bounds; raises ``InvalidInput`` naming the field."""
    problems = []
    if not 1 <= page <= MAX_PAGE:
        problems.append(Problem("page", f"页码应在 1 到 {MAX_PAGE} 之间", page))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        problems.append(Problem("page_size", f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", page_size))
    if problems:
        raise InvalidInput(problems)
    return page, page_size


def page_of(rows: Sequence[T], page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> Page[T]:
    """A page cut from rows already in memory (small lists: regions, chains, a board's frame)."""
    page, page_size = bounded(page, page_size)
    start = (page - 1) * page_size
    return Page(items=list(rows[start : start + page_size]), total=len(rows), page=page, page_size=page_size)
