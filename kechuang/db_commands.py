"""`kechuang db upgrade|current|downgrade`: the database schema (Alembic migrations)."""

from __future__ import annotations

import argparse
from typing import Any

from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.settings import Settings


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


def register(sub: Any) -> None:
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
