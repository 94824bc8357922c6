"""The audit log: every ORM write in a session that carries an actor is recorded automatically.

Services open sessions with ``session.info["actor"]`` set; the ``after_flush`` hook below writes
one audit row per inserted, updated or deleted object, with the changed values before and after.
Bulk writes that bypass the ORM (imports) call ``record`` themselves with a summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Session

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import Actor, scope_clause
from kechuang.db import utcnow
from kechuang.errors import Forbidden
from kechuang.paging import Page, bounded

REDACTED = "***"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: Any) -> list[Any]:
    return list(inspect(type(obj)).column_attrs)


def _value(attr: Any, value: Any) -> Any:
    if attr.columns[0].info.get("audit", True) is False:
        return REDACTED
    return _json_value(value)


def _full(obj: Any) -> dict[str, Any]:
    return {a.key: _value(a, getattr(obj, a.key)) for a in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in _columns(obj):
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        before[attr.key] = _value(attr, old)
        after[attr.key] = _value(attr, new)
    return before, after


def _identity(obj: Any) -> str:
    """The row's primary key; a new row's key is known once inserted (after_flush), before the
    session records it as the object's identity."""
    state = inspect(obj)
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in ident) if ident and None not in ident else ""


def _region(obj: Any) -> str | None:
    spec = getattr(type(obj), "__scope__", None)
    if spec is not None and spec.region is not None:
        return getattr(obj, spec.region, None)
    return None


def _row(actor: Actor, obj: Any, action: str, before: Any, after: Any) -> dict[str, Any]:
    return {
        "at": utcnow(),
        "actor_id": actor.user_id,
        "actor_username": actor.username,
        "entity": type(obj).__tablename__,
        "entity_id": _identity(obj),
        "action": action,
        "region_code": _region(obj),
        "summary": "",
        "before": before,
        "after": after,
    }


def _audited(obj: Any) -> bool:
    return getattr(type(obj), "__audited__", True)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    actor: Actor | None = session.info.get("actor")
    if actor is None:
        return
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if _audited(obj):
            rows.append(_row(actor, obj, "create", None, _full(obj)))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(_row(actor, obj, "update", before, after))
    for obj in session.deleted:
        if _audited(obj):
            rows.append(_row(actor, obj, "delete", _full(obj), None))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    action: str,
    entity_id: str = "",
    summary: str = "",
    region_code: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write one audit row by hand (bulk imports, logins): the ORM hook covers ordinary writes."""
    session.execute(
        insert(AuditEntry),
        [
            {
                "at": utcnow(),
                "actor_id": actor.user_id,
                "actor_username": actor.username,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "region_code": region_code,
                "summary": summary[:500],
                "before": before,
                "after": after,
            }
        ],
    )


@dataclass(frozen=True)
class AuditFilter:
    entity: str | None = None
    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None


def query(
    session: Session, *, actor: Actor, filters: AuditFilter, page: int = 1, page_size: int = 50
) -> Page[AuditEntry]:
    """Browse the audit log (admins only), newest first."""
    if not actor.is_admin:
        raise Forbidden("仅市科技局管理员可查看审计日志")
    clauses = [scope_clause(actor, AuditEntry)]
    if filters.entity:
        clauses.append(AuditEntry.entity == filters.entity)
    if filters.action:
        clauses.append(AuditEntry.action == filters.action)
    if filters.actor:
        clauses.append(AuditEntry.actor_username == filters.actor)
    if filters.since:
        clauses.append(AuditEntry.at >= datetime.combine(filters.since, time.min))
    if filters.until:
        clauses.append(AuditEntry.at < datetime.combine(filters.until + timedelta(days=1), time.min))
    total = int(session.scalar(select(func.count()).select_from(AuditEntry).where(*clauses)) or 0)
    page, page_size = bounded(max(1, page), page_size)
    stmt = (
        select(AuditEntry)
        .where(*clauses)
        .order_by(AuditEntry.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Page(items=list(session.scalars(stmt)), total=total, page=page, page_size=page_size)


def entities(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
