"""Engine and session factory: SQLite (WAL) by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

import polars as pl
from sqlalchemy import MetaData, Table, bindparam, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: the pragmas below may wait for a lock too
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # switching needs the file alone
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


WRITER = "kechuang_writer"  # execution option: this connection's transactions will write
WRITE_WAIT_SECONDS = 60.0  # how long a writer waits for this process's other writers
_HELD = "kechuang_write_turn"


class WriteTurns:
    """One writer at a time per process and SQLite file, first come first served.

    SQLite's own busy handler polls, so under many waiting writers one can starve past the busy timeout;
    queueing a process's writers on a lock leaves SQLite to arbitrate only between processes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def take(self, info: dict[str, Any]) -> None:
        if not self._lock.acquire(timeout=WRITE_WAIT_SECONDS):
            raise OperationalError(
                "BEGIN IMMEDIATE",
                {},
                sqlite3.OperationalError("database is locked (by this process's writers)"),
            )
        info[_HELD] = self

    @staticmethod
    def give_back(info: dict[str, Any]) -> None:
        turns = info.pop(_HELD, None)
        if turns is not None:
            turns._lock.release()


def _sqlite_begin(conn) -> None:
    """SQLite: a writer's transaction takes the write lock when it begins (``BEGIN IMMEDIATE``), after its
    turn among this process's writers, waiting up to the busy timeout for other processes' writers; one
    that began as a reader and wrote later could instead fail at once with "database is locked" when
    another process wrote meanwhile. Readers begin deferred and never wait for writers (WAL)."""
    if not conn.get_execution_options().get(WRITER):
        conn.exec_driver_sql("BEGIN")
        return
    conn.engine.dialect._kechuang_turns.take(conn.info)
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        WriteTurns.give_back(conn.info)
        raise


def _sqlite_end(conn) -> None:
    WriteTurns.give_back(conn.info)


def _sqlite_checkin(_dbapi_connection, record) -> None:  # a connection returned mid-transaction
    WriteTurns.give_back(record.info)


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; SQLite connections get WAL mode, enforced foreign keys and real transactions
    (the driver's own transaction handling is switched off, so DDL is transactional too)."""
    if url.startswith("sqlite"):
        # a connection per request thread (FastAPI's pool has 40): SQLite connections are cheap, and
        # writers queue on the database's lock rather than on the pool
        if ":memory:" not in url and url.rstrip("/") != "sqlite:":
            kwargs = {"pool_size": 20, "max_overflow": 40, **kwargs}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "isolation_level": None}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        engine.dialect._kechuang_turns = WriteTurns()  # type: ignore[attr-defined]
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "commit", _sqlite_end)
        event.listen(engine, "rollback", _sqlite_end)
        event.listen(engine.pool, "checkin", _sqlite_checkin)
        return engine
    # PostgreSQL: 30 connections per process at most (4 workers stay within the default max_connections)
    kwargs = {"pool_size": 10, "max_overflow": 20, **kwargs}
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine, *, writer: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``writer`` sessions take SQLite's write lock as they begin (one writer
    at a time across every process, each waiting its turn), which PostgreSQL does not need."""
    bind = engine.execution_options(**{WRITER: True}) if writer else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


def engine_and_factory(settings: Any) -> tuple[Engine, sessionmaker[Session]]:
    """The engine and a writer session factory for a ``Settings``' database (commands and jobs)."""
    engine = make_engine(settings.effective_database_url)
    return engine, make_session_factory(engine, writer=True)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, typed as the ``Table`` it is (SQLAlchemy types ``__table__`` loosely)."""
    return cast(Table, model.__table__)


def bulk_insert(session: Session, table: Table, frame: pl.DataFrame, chunk: int = 5000) -> None:
    """Insert a frame's rows: PostgreSQL COPY (fastest), elsewhere batched executemany."""
    if frame.height == 0:
        return
    if session.get_bind().dialect.name == "postgresql":
        nested = [c for c, t in frame.schema.items() if isinstance(t, pl.List | pl.Struct)]
        if nested:  # JSON columns travel through COPY as JSON text
            frame = frame.with_columns(
                pl.col(c).map_elements(
                    lambda v: json.dumps(list(v) if isinstance(v, pl.Series) else v, ensure_ascii=False),
                    return_dtype=pl.String,
                )
                for c in nested
            )
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
        return
    for start in range(0, frame.height, chunk):
        session.execute(table.insert(), frame.slice(start, chunk).to_dicts())


def analyze(session: Session, *tables: Table) -> None:
    """Refresh the planner statistics after a bulk write (else the planner may pick full scans).

    Both databases sample (SQLite through ``analysis_limit``), so this stays quick on large tables."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA analysis_limit=2000"))
    for table in tables:
        session.execute(text(f'ANALYZE "{table.name}"'))


def bulk_update(session: Session, table: Table, frame: pl.DataFrame, key: str = "id") -> None:
    """Update rows by primary key from a frame (its columns: the key and the columns to set).

    PostgreSQL: COPY into a temporary table, then one UPDATE … FROM; elsewhere batched executemany."""
    if frame.height == 0:
        return
    columns = [c for c in frame.columns if c != key]
    if session.get_bind().dialect.name == "postgresql":
        temp = f"_kc_update_{table.name}"
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        session.execute(
            text(
                f'CREATE TEMP TABLE "{temp}" ON COMMIT DROP AS SELECT {cols} FROM "{table.name}" WITH NO DATA'
            )
        )
        bulk_insert(session, Table(temp, MetaData()), frame)
        assignments = ", ".join(f'"{c}" = u."{c}"' for c in columns)
        session.execute(
            text(
                f'UPDATE "{table.name}" AS t SET {assignments} FROM "{temp}" AS u WHERE t."{key}" = u."{key}"'
            )
        )
        session.execute(text(f'DROP TABLE "{temp}"'))
        return
    stmt = table.update().where(table.c[key] == bindparam("_key")).values({c: bindparam(c) for c in columns})
    rows = frame.rename({key: "_key"}).to_dicts()
    for start in range(0, len(rows), 5000):
        session.execute(stmt, rows[start : start + 5000])


# One PostgreSQL advisory lock serialises every stored recomputation (ladder, points): with one lock
# each, a transaction refreshing both could deadlock with another taking them in the other order
# (advisory locks are database-wide, across schemas and processes). It is re-entrant in a transaction.
RECOMPUTE_LOCK = 4_052_017
