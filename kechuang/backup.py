"""Backup and restore: one portable file for SQLite and PostgreSQL (``kechuang backup`` / ``restore``).

A backup is a zip archive holding ``manifest.json`` (format, kechuang version, schema revision, source
database, each table's columns and row count) and every table as Parquet parts of at most
``BATCH_ROWS`` rows, written column-wise by Polars and read back the same way. Because the format is
logical, a backup restores into either database: SQLite → PostgreSQL is the way to move from the
embedded database to production.

Consistency: the backup reads every table inside one transaction (SQLite's WAL snapshot; PostgreSQL
REPEATABLE READ), so imports running meanwhile are either wholly in it or wholly absent.

Restore goes into an empty database (``replace=True`` drops every table first): the schema is built by
the migrations up to the backup's revision, every table is loaded inside one transaction (self
references — a region's parent, an atlas node's parent — are set after all rows are in), row counts
are checked against the manifest, PostgreSQL sequences are moved past the largest id, and the schema is
then upgraded to this version's head. A failure writes no rows.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import JSON, Column, MetaData, Table, Text, cast, inspect, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from kechuang import __version__, migrate
from kechuang.db import bulk_insert, bulk_update
from kechuang.errors import KechuangError

FORMAT = "kechuang-backup"
FORMAT_VERSION = 1
BATCH_ROWS = 50_000
SKIPPED = frozenset({"alembic_version"})  # written by the migrations themselves


class BackupError(KechuangError):
    """A backup file that cannot be restored, or a target that cannot take it."""


@dataclass(frozen=True)
class Summary:
    """What a backup or restore did: the revision and each table's row count."""

    path: Path
    revision: str
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def polars_type(column_type: sqltypes.TypeEngine[Any]) -> pl.DataType:
    """The Polars dtype that carries a column without loss (JSON travels as its text)."""
    if isinstance(column_type, JSON):
        return pl.String()
    if isinstance(column_type, sqltypes.Boolean):
        return pl.Boolean()
    if isinstance(column_type, sqltypes.Integer):
        return pl.Int64()
    if isinstance(column_type, sqltypes.Float | sqltypes.Numeric):
        return pl.Float64()
    if isinstance(column_type, sqltypes.DateTime):
        return pl.Datetime("us")
    if isinstance(column_type, sqltypes.Date):
        return pl.Date()
    if isinstance(column_type, sqltypes.LargeBinary | sqltypes._Binary):
        return pl.Binary()
    return pl.String()


def _tables(conn: Connection) -> list[Table]:
    """The database's own tables (reflected, so a backup holds what is there), parents first."""
    meta = MetaData()
    meta.reflect(bind=conn)
    return [t for t in meta.sorted_tables if t.name not in SKIPPED]


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _read_batches(conn: Connection, table: Table) -> Any:
    """The table's rows in primary-key order as frames of at most BATCH_ROWS rows."""
    columns = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.columns]
    schema = {c.name: polars_type(c.type) for c in table.columns}
    query = select(*columns).order_by(*_order(table))
    return pl.read_database(
        query,
        conn,
        iter_batches=True,
        batch_size=BATCH_ROWS,
        schema_overrides=schema,
        infer_schema_length=None,
    )


def _snapshot(engine: Engine) -> Connection:
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="REPEATABLE READ")
    return engine.connect()


def backup(engine: Engine, path: Path) -> Summary:
    """Write every table of ``engine``'s database to the zip file at ``path`` (replaced if present)."""
    revision = migrate.current_revision(engine)
    if revision is None:
        raise BackupError("数据库为空，无可备份 / the database is empty: nothing to back up")
    partial = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    described: list[dict[str, Any]] = []
    with _snapshot(engine) as conn, conn.begin(), zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
        for table in _tables(conn):
            rows = 0
            for part, frame in enumerate(_read_batches(conn, table)):
                if frame.height == 0:
                    continue
                buffer = io.BytesIO()
                frame.write_parquet(buffer, compression="zstd")
                zf.writestr(f"tables/{table.name}/{part:05d}.parquet", buffer.getvalue())
                rows += frame.height
            counts[table.name] = rows
            described.append({"name": table.name, "rows": rows, "columns": [c.name for c in table.columns]})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kechuang_version": __version__,
            "revision": revision,
            "source_dialect": engine.dialect.name,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": described,
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    partial.replace(path)
    return Summary(path, revision, counts)


def read_manifest(path: Path) -> dict[str, Any]:
    """The backup's manifest, checked; a clear error for anything that is not a kechuang backup."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
    except FileNotFoundError:
        raise BackupError(f"{path}：文件不存在 / no such file") from None
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise BackupError(
            f"{path}：不是 kechuang 备份文件 / not a kechuang backup (no readable manifest.json)"
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}：不是 kechuang 备份文件 / not a kechuang backup")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"{path}：备份格式版本 {manifest.get('format_version')} 高于本程序支持的 {FORMAT_VERSION}，"
            "请用更新的 kechuang 恢复 / made by a newer kechuang: restore it with that version"
        )
    return manifest


def _existing_tables(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(bind=conn)
        meta.drop_all(bind=conn)


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]


def _plain(table: Table) -> Table:
    """A copy of the table typing JSON columns as Text: JSON goes in as its text, not re-encoded."""
    return Table(
        table.name,
        MetaData(),
        *(Column(c.name, Text if isinstance(c.type, JSON) else c.type) for c in table.columns),
    )


def _insert_part(session: Session, table: Table, plain: Table, frame: pl.DataFrame, part: str) -> None:
    missing = [c for c in frame.columns if c not in table.columns]
    if missing:
        raise BackupError(f"{part}：数据库表 {table.name} 没有列 {', '.join(missing)} / unknown columns")
    deferred = _self_references(table)
    key = [c.name for c in table.primary_key.columns]
    if not deferred or len(key) != 1:
        bulk_insert(session, plain, frame)
        return
    later = frame.select(key + deferred).filter(pl.any_horizontal(pl.col(deferred).is_not_null()))
    bulk_insert(
        session, plain, frame.with_columns(pl.lit(None, dtype=frame.schema[c]).alias(c) for c in deferred)
    )
    bulk_update(session, table, later, key=key[0])


def _load_tables(
    session: Session, zf: zipfile.ZipFile, expected: dict[str, int], label: Path
) -> dict[str, int]:
    """Load every table's parts (parents first) and check each count against the manifest."""
    names = zf.namelist()
    tables = _tables(session.connection())
    unknown = sorted(set(expected) - {t.name for t in tables})
    if unknown:
        raise BackupError(
            f"{label}：备份中的表 {', '.join(unknown)} 在此修订版的数据库中不存在 / unknown tables"
        )
    counts: dict[str, int] = {}
    for table in tables:
        plain = _plain(table)
        rows = 0
        for part in sorted(n for n in names if n.startswith(f"tables/{table.name}/")):
            frame = pl.read_parquet(io.BytesIO(zf.read(part)))
            _insert_part(session, table, plain, frame, part)
            rows += frame.height
        if rows != expected.get(table.name, 0):
            raise BackupError(
                f"{label}：表 {table.name} 读入 {rows} 行，清单记载 {expected.get(table.name, 0)} 行 "
                "/ row count differs from the manifest: the file is damaged"
            )
        counts[table.name] = rows
    if session.get_bind().dialect.name == "postgresql":
        _reset_sequences(session, tables)
    return counts


def _reset_sequences(session: Session, tables: list[Table]) -> None:
    """PostgreSQL: move each id sequence past the largest restored id (SQLite needs nothing)."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer):
                continue
            sequence = session.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": column.name}
            ).scalar()
            if sequence:
                session.execute(
                    text(
                        f'SELECT setval(:s, COALESCE(MAX("{column.name}"), 1), MAX("{column.name}") IS NOT NULL) '
                        f'FROM "{table.name}"'
                    ),
                    {"s": sequence},
                )


def _prepare_target(engine: Engine, revision: str, *, replace: bool) -> None:
    existing = _existing_tables(engine)
    if existing and not replace:
        raise BackupError(
            f"目标数据库不是空的（已有 {len(existing)} 张表，如 {', '.join(existing[:3])}）：请恢复到空数据库，"
            "或加 --replace 先删除其全部数据 / the target database is not empty: restore into an empty one, "
            "or pass --replace to drop everything in it first"
        )
    if existing:
        _drop_everything(engine)
    migrate.upgrade(engine, revision)


def restore(engine: Engine, path: Path, *, replace: bool = False) -> Summary:
    """Restore the backup at ``path`` into ``engine``'s database, which must be empty unless ``replace``."""
    manifest = read_manifest(path)
    _prepare_target(engine, manifest["revision"], replace=replace)
    expected = {t["name"]: int(t["rows"]) for t in manifest["tables"]}
    with zipfile.ZipFile(path) as zf, Session(engine) as session, session.begin():
        if engine.dialect.name == "sqlite":
            session.execute(text("PRAGMA defer_foreign_keys=ON"))
        counts = _load_tables(session, zf, expected, path)
    migrate.upgrade(engine)
    return Summary(path, manifest["revision"], counts)
