"""`kechuang db upgrade|current|downgrade`: the database schema (Alembic migrations);
`kechuang backup OUT` / `kechuang restore IN`: the whole database as one portable file."""

from __future__ import annotations

import argparse
from typing import Any

from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.settings import Settings


def _table_summary(tables: dict[str, int]) -> str:
    busy = sorted(((n, r) for n, r in tables.items() if r), key=lambda t: -t[1])[:6]
    return "，".join(f"{name} {rows:,}" for name, rows in busy)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.bootstrap import prepare_database
    from kechuang.db import transaction

    engine, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        password = prepare_database(engine, session, settings)
    from kechuang.migrate import current_revision

    print(f"数据库已升级到 / database at revision {current_revision(engine)}")
    if password is not None and not settings.admin_password:
        print(f"已创建管理员 admin，初始密码（只显示这一次）/ admin created, password shown once: {password}")
    return 0


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.migrate import current_revision

    engine, _ = _engine_and_factory(settings)
    print(current_revision(engine) or "(empty database)")
    return 0


def cmd_db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.migrate import downgrade

    engine, _ = _engine_and_factory(settings)
    downgrade(engine, args.revision)
    print(f"downgraded to {args.revision}")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kechuang.backup import backup

    engine, _ = _engine_and_factory(settings)
    summary = backup(engine, Path(args.out))
    print(
        f"已备份 {len(summary.tables)} 张表、{summary.rows:,} 行（修订版 {summary.revision}）到 / backed up to "
        f"{summary.path}\n  {_table_summary(summary.tables)}"
    )
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kechuang.backup import restore

    engine, _ = _engine_and_factory(settings)
    summary = restore(engine, Path(args.backup), replace=args.replace)
    print(
        f"已恢复 {len(summary.tables)} 张表、{summary.rows:,} 行（备份修订版 {summary.revision}，已升级到当前版本）"
        f" / restored from {summary.path}\n  {_table_summary(summary.tables)}"
    )
    return 0


def register(sub: Any) -> None:
    bk = sub.add_parser(
        "backup",
        help="write the whole database to one file",
        description="Write every table of the database (KECHUANG_DATABASE_URL) to OUT, a zip of Parquet "
        "tables with a manifest, read in one consistent snapshot. The file restores into SQLite or "
        "PostgreSQL alike (see docs/operations.md).",
    )
    bk.add_argument("out", metavar="OUT", help="the backup file to write, e.g. kechuang-2026-12-07.zip")
    bk.set_defaults(func=cmd_backup)
    rs = sub.add_parser(
        "restore",
        help="load a backup file into an empty database",
        description="Build the schema up to the backup's revision, load every table in one transaction, "
        "check the row counts and upgrade to this version. The target must be empty unless --replace.",
    )
    rs.add_argument("backup", metavar="IN", help="a file written by `kechuang backup`")
    rs.add_argument(
        "--replace",
        action="store_true",
        help="drop every table of the target database first (its data is lost)",
    )
    rs.set_defaults(func=cmd_restore)
    db = sub.add_parser(
        "db",
        help="database schema: upgrade, current, downgrade",
        description="Manage the database schema (Alembic migrations).",
    )
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser(
        "upgrade",
        help="bring the schema up to date, load regions, create the admin",
        description="Apply every migration, load the regions file and create the admin "
        "account if there is none (its password is printed once).",
    )
    up.set_defaults(func=cmd_db_upgrade)
    cur = dbsub.add_parser(
        "current",
        help="print the schema revision",
        description="Print the schema revision the database is at (nothing: an empty database).",
    )
    cur.set_defaults(func=cmd_db_current)
    down = dbsub.add_parser(
        "downgrade",
        help="roll the schema back to a revision",
        description="Roll the schema back to REVISION (e.g. base). Data in dropped tables is lost.",
    )
    down.add_argument("revision", help="target revision, e.g. 0001 or base")
    down.set_defaults(func=cmd_db_downgrade)
