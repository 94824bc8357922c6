"""The command line: `kechuang <command>`. Every command has --help in plain words."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from kechuang import __version__
from kechuang.errors import InvalidInput, KechuangError
from kechuang.settings import Settings, SettingsError, load_settings


def _engine_and_factory(settings: Settings):  # type: ignore[no-untyped-def]
    from kechuang.db import engine_and_factory

    return engine_and_factory(settings)


def _print_credentials(creds) -> None:  # type: ignore[no-untyped-def]
    print("演示账号 / demo accounts (passwords are new at every start):")
    for c in creds:
        print(f"  {c.username:<12} {c.role.label('zh')}（{c.role.value}）  密码 password: {c.password}")


def _demo_atlas(session, *, start_year: int) -> str:  # type: ignore[no-untyped-def]
    """The built-in atlas (unless an atlas is there) and the demo links (once)."""
    from kechuang.chains.commands import load_atlas
    from kechuang.chains.demo import demo_links
    from kechuang.chains.service import BUILTIN, has_atlas

    summary = "" if has_atlas(session) else load_atlas(session, BUILTIN)
    links = demo_links(session, start_year=start_year)
    return f"{summary}; {links:,} 条关联 links" if links else summary


def _demo_projects(session) -> int:  # type: ignore[no-untyped-def]
    from kechuang.documents.demo import demo_documents
    from kechuang.indicators.demo import demo_indicators
    from kechuang.projects.demo import demo_projects

    demo_indicators(session, today=date.today())
    demo_documents(session)
    return demo_projects(session, today=date.today())


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from kechuang.bootstrap import prepare_database
    from kechuang.db import transaction
    from kechuang.demo.city import load_city
    from kechuang.demo.loader import load_demo_users

    settings = settings.with_generated_secret()
    engine, factory = _engine_and_factory(settings)
    print(f"数据库 database: {engine.url.render_as_string(hide_password=True)}")
    with transaction(factory) as session:
        prepare_database(engine, session, settings)
    started = time.perf_counter()
    with transaction(factory) as session:
        loaded = load_city(session, n=args.enterprises, seed=args.seed, last_year=args.last_year)
    if loaded:
        print(
            f"已生成并载入演示城市 demo city loaded: {args.enterprises:,} 家企业 enterprises "
            f"({time.perf_counter() - started:.1f} s)"
        )
    else:
        print("演示城市已在库中 demo city already loaded")
    with transaction(factory) as session:
        atlas = _demo_atlas(session, start_year=args.last_year - 2)
    if atlas:
        print(f"已载入产业科创图谱和演示关联 atlas and demo links loaded: {atlas}")
    with transaction(factory) as session:
        projects = _demo_projects(session)
    if projects:
        print(f"已生成演示重点项目 demo key projects: {projects}")
    from kechuang.ladder.commands import refresh_years

    refresh_years(factory, [date.today().year - 1, date.today().year], force=False)
    with transaction(factory) as session:
        creds = load_demo_users(session, settings)
    _print_credentials(creds)
    if args.no_serve:
        return 0
    return _serve(settings, engine, args.host, args.port)


def cmd_demo_data(args: argparse.Namespace, settings: Settings) -> int:

    from kechuang.bootstrap import regions_file
    from kechuang.demo.generator import generate
    from kechuang.enterprises.columns import DATASETS
    from kechuang.enterprises.excel import write_workbook
    from kechuang.regions.service import read_regions_file

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = {r.code: r.name for r in read_regions_file(regions_file(settings)) if r.parent is not None}
    city = generate(args.enterprises, seed=args.seed, last_year=args.last_year)
    frames = {"enterprises": city.enterprises, "figures": city.figures, "titles": city.titles, "ip": city.ip}
    lookup = city.enterprises.select("uscc", "name")
    for name, frame in frames.items():
        if name != "enterprises":
            frame = frame.join(lookup, on="uscc", how="left")
        path = out / f"{name}.xlsx"
        rows = write_workbook(path, DATASETS[name], frame, names)
        print(f"{path}: {rows:,} 行 rows")
    return 0


def _serve(settings: Settings, engine, host: str, port: int) -> int:  # type: ignore[no-untyped-def]
    import uvicorn

    from kechuang.web.app import create_app

    app = create_app(settings, engine)
    worker = None
    if settings.in_process_worker:
        from kechuang.db import make_session_factory
        from kechuang.jobs.runner import Worker

        worker = Worker(make_session_factory(engine), poll=settings.jobs_poll_seconds)
        worker.start()
    print(f"kechuang {__version__}: http://{host}:{port}  (Ctrl+C 停止 / to stop)", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if worker is not None:
            worker.stop()
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.bootstrap import prepare_database
    from kechuang.db import transaction

    settings.require_strong_secret()
    engine, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        password = prepare_database(engine, session, settings)
    if password is not None and not settings.admin_password:
        print(f"已创建管理员 admin，初始密码（只显示这一次）/ admin created, password shown once: {password}")
    return _serve(settings, engine, args.host, args.port)


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


def _demo_size_args(parser: argparse.ArgumentParser) -> None:
    from datetime import date

    parser.add_argument(
        "--enterprises",
        type=int,
        default=12_000,
        help="how many enterprises the demo city has (default 12000; e.g. 1000000 for benchmarks)",
    )
    parser.add_argument(
        "--seed", type=int, default=2026, help="random seed (default 2026): same seed, same city"
    )
    parser.add_argument(
        "--last-year",
        type=int,
        default=date.today().year - 1,
        help="the last fiscal year with figures (default: last year)",
    )


FEATURE_COMMANDS = (
    "kechuang.jobs.commands",
    "kechuang.auth.commands",
    "kechuang.enterprises.commands",
    "kechuang.chains.commands",
    "kechuang.ladder.commands",
    "kechuang.rules.commands",
    "kechuang.extraction.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kechuang",
        description="科创 kechuang: the platform for a city's industrial science-and-technology innovation work. "
        "Settings come from KECHUANG_* environment variables (see docs/configuration.md).",
    )
    parser.add_argument("--version", action="version", version=f"kechuang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser(
        "demo",
        help="load the demo city and serve it (embedded database by default)",
        description="Create or upgrade the database, load the demo city and its demo accounts "
        "(printed with fresh passwords), then serve the web UI. Safe to run again.",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and exit without serving")
    _demo_size_args(demo)
    demo.set_defaults(func=cmd_demo)

    data = sub.add_parser(
        "demo-data",
        help="write the demo city as Excel files (to try the import)",
        description="Generate the demo city (deterministic: same seed, same data) and write it as "
        "enterprises.xlsx, figures.xlsx, titles.xlsx and ip.xlsx in the import layout.",
    )
    data.add_argument("out", help="folder to write the files into")
    _demo_size_args(data)
    data.set_defaults(func=cmd_demo_data)

    serve = sub.add_parser(
        "serve",
        help="serve the web UI and API (needs KECHUANG_SECRET_KEY)",
        description="Upgrade the database if needed and serve the web UI and the API. "
        "Refuses to start without a strong KECHUANG_SECRET_KEY.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.set_defaults(func=cmd_serve)

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

    for module in FEATURE_COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except InvalidInput as exc:
        print(f"错误 error: {exc.message}", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 2
    except (KechuangError, SettingsError) as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(
            f"数据库错误 database error: {reason}\n请检查 KECHUANG_DATABASE_URL 与数据库状态 / check the "
            "database URL and state",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
