"""The registry's revision: a token that changes with every write to enterprises, figures, titles or IP.

Stored results computed from the registry (e.g. assessments) record the revision they were computed
from and are recomputed when it differs. ORM writes bump it automatically (after each flush); bulk
writers that bypass the ORM call ``bump`` themselves.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

KEY = "registry_revision"
TABLES = frozenset({"enterprises", "enterprise_figures", "enterprise_titles", "enterprise_ip"})


def current(session: Session) -> str:
    from kechuang.enterprises.models import AppMeta

    return session.scalar(select(AppMeta.value).where(AppMeta.key == KEY)) or "0"


def bump(session: Session) -> str:
    """Give the registry a new revision token (call after a bulk write that bypasses the ORM)."""
    from kechuang.enterprises.models import AppMeta

    token = uuid4().hex
    conn = session.connection()
    if conn.execute(update(AppMeta).where(AppMeta.key == KEY).values(value=token)).rowcount == 0:
        conn.execute(insert(AppMeta).values(key=KEY, value=token))
    return token


def _touches_registry(session: Session) -> bool:
    return any(
        getattr(type(obj), "__tablename__", None) in TABLES
        for objs in (session.new, session.dirty, session.deleted)
        for obj in objs
    )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    if _touches_registry(session):
        bump(session)
