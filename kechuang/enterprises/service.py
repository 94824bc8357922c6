"""Enterprise registry use cases; every read and write goes through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kechuang.auth.scope import Actor, scope_clause
from kechuang.enterprises.models import Enterprise
from kechuang.errors import NotFound


@dataclass(frozen=True)
class EnterpriseQuery:
    q: str | None = None
    region_code: str | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class EnterprisePage:
    items: list[Enterprise]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def list_enterprises(session: Session, *, actor: Actor, query: EnterpriseQuery) -> EnterprisePage:
    clauses = [scope_clause(actor, Enterprise)]
    if query.q:
        like = f"%{query.q.strip()}%"
        clauses.append(or_(Enterprise.name.like(like), Enterprise.uscc.like(like)))
    if query.region_code:
        clauses.append(Enterprise.region_code == query.region_code)
    total = int(session.scalar(select(func.count()).select_from(Enterprise).where(*clauses)) or 0)
    page = max(1, query.page)
    stmt = (
        select(Enterprise)
        .where(*clauses)
        .order_by(Enterprise.name, Enterprise.id)
        .offset((page - 1) * query.page_size)
        .limit(query.page_size)
    )
    return EnterprisePage(list(session.scalars(stmt)), total, page, query.page_size)


def get_enterprise(session: Session, *, actor: Actor, enterprise_id: int) -> Enterprise:
    """One enterprise the actor may see; anything else is reported as not found (no existence leak)."""
    ent = session.scalar(
        select(Enterprise).where(Enterprise.id == enterprise_id, scope_clause(actor, Enterprise))
    )
    if ent is None:
        raise NotFound(f"企业 {enterprise_id} 不存在或无权查看")
    return ent


def count_by_region(session: Session, *, actor: Actor) -> dict[str, int]:
    stmt = (
        select(Enterprise.region_code, func.count())
        .where(scope_clause(actor, Enterprise))
        .group_by(Enterprise.region_code)
    )
    return {code: int(n) for code, n in session.execute(stmt)}
