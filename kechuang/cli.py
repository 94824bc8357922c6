"""The command line: `kechuang <command>`. Every command has --help in plain words."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from kechuang import __version__
from kechuang.errors import InvalidInput, KechuangError
from kechuang.settings import Settings, SettingsError, load_settings


def _engine_and_factory(settings: Settings):  # type: ignore[no-untyped-def]
    from kechuang.db import make_engine, make_session_factory

    engine = make_engine(settings.effective_database_url)
    return engine, make_session_factory(engine)


def _print_credentials(creds) -> None:  # type: ignore[no-untyped-def]
    print("演示账号 / demo accounts (passwords are new at every start):")
    for c in creds:
        print(f"  {c.username:<12} {c.role.label('zh')}（{c.role.value}）  密码 password: {c.password}")


def _demo_atlas(session, *, start_year: int) -> str:  # type: ignore[no-untyped-def]
    """The built-in atlas (unless an atlas is there) and the demo links (once)."""
    from kechuang.chains.demo import demo_links
    from kechuang.chains.service import BUILTIN, has_atlas

    summary = "" if has_atlas(session) else _load_atlas(session, BUILTIN)
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
    _refresh_years(factory, [date.today().year - 1, date.today().year], force=False)
    with transaction(factory) as session:
        creds = load_demo_users(session, settings)
    _print_credentials(creds)
    if args.no_serve:
        return 0
    return _serve(settings, engine, args.host, args.port)


def _refresh_years(factory, years: list[int], *, force: bool) -> None:  # type: ignore[no-untyped-def]
    from kechuang.db import transaction
    from kechuang.ladder.store import refresh

    for year in years:
        with transaction(factory) as session:
            done = refresh(session, year, force=force)
        state = f"重新计算 recomputed in {done.seconds:.1f} s" if done.recomputed else "已是最新 up to date"
        print(
            f"{year} 年度资质评估 assessment (as of {done.as_of}): {done.enterprises:,} 家企业 enterprises, {state}"
        )


def cmd_ladder_refresh(args: argparse.Namespace, settings: Settings) -> int:
    _engine, factory = _engine_and_factory(settings)
    this = date.today().year
    years = args.year or [this - 1, this]
    bad = [y for y in years if not this - 20 <= y <= this]
    if bad:
        print(f"年度 year {bad[0]} 超出范围 out of range: expected {this - 20}…{this}", file=sys.stderr)
        return 2
    _refresh_years(factory, sorted(set(years)), force=args.force)
    return 0


def _load_atlas(session, path) -> str:  # type: ignore[no-untyped-def]
    from kechuang.auth.scope import SYSTEM
    from kechuang.chains.service import load_file

    session.info["actor"] = SYSTEM
    r = load_file(session, actor=SYSTEM, path=path)
    return (
        f"新增 created {r.created}, 修改 updated {r.updated}, 删除 deleted {r.deleted}, "
        f"未变 unchanged {r.unchanged}"
    )


def cmd_atlas_load(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kechuang.chains.service import BUILTIN
    from kechuang.db import transaction

    path = Path(args.file) if args.file else BUILTIN
    if not path.is_file():
        raise KechuangError(f"无法读取文件 {path}：文件不存在")
    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        summary = _load_atlas(session, path)
    print(f"产业科创图谱已载入 atlas loaded from {path.name}: {summary}")
    return 0


def cmd_atlas_export(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kechuang.chains.document import to_json, to_xlsx
    from kechuang.chains.service import export_document
    from kechuang.db import transaction

    out = Path(args.out)
    if out.suffix.lower() not in (".json", ".xlsx"):
        raise KechuangError(f"{out.name}：请以 .json 或 .xlsx 结尾 (expected a .json or .xlsx file name)")
    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        doc = export_document(session)
    out.write_bytes(to_json(doc) if out.suffix.lower() == ".json" else to_xlsx(doc))
    nodes = sum(len(c["nodes"]) for c in doc["chains"])
    print(f"已导出 exported {len(doc['chains'])} 条产业链 chains, {nodes} 个节点 nodes → {out}")
    return 0


def cmd_atlas_snapshot(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.chains.service import take_snapshot
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        snap = take_snapshot(session, actor=SYSTEM, year=args.year)
        chains = len(snap.content["chains"])
    print(f"{args.year} 年图谱快照已保存 snapshot saved: {chains} 条产业链 chains")
    return 0


def cmd_demo_data(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

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


def _password_arg(args: argparse.Namespace) -> str:
    if args.password:
        return args.password
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再输入一次 again: ") != first:
        raise KechuangError("两次输入的密码不一致 / the passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.auth.service import UserInput, create_user
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        user = create_user(
            session,
            actor=SYSTEM,
            data=UserInput(
                username=args.username,
                password=_password_arg(args),
                role=args.role,
                display_name=args.name or "",
                region_code=args.region,
                enterprise_uscc=args.enterprise,
            ),
        )
        print(f"已创建用户 created: {user.username} ({user.role})")
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.auth.service import list_users
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        for u in list_users(session, actor=SYSTEM):
            state = "active" if u.is_active else "disabled"
            print(f"{u.username:<20} {u.role:<10} {u.region_code or '-':<10} {state:<8} {u.display_name}")
    return 0


def cmd_user_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.auth.service import set_password
    from kechuang.db import transaction

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        set_password(session, actor=SYSTEM, username=args.username, password=_password_arg(args))
    print(f"已修改密码 password changed: {args.username}")
    return 0


def _region_names(session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from kechuang.regions.service import all_regions

    return {r.code: r.name for r in all_regions(session) if r.parent_code is not None}


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.db import transaction
    from kechuang.enterprises.columns import dataset
    from kechuang.enterprises.excel import write_workbook

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        names = _region_names(session)
    write_workbook(args.out, dataset(args.dataset), None, names)
    print(f"已写出模板 template written: {args.out}")
    return 0


class ProgressBar:
    """A plain progress bar on stderr: 校验 [##########----------] 50%."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from kechuang.enterprises.importer import STAGES

        share = 1.0 if total <= 0 else min(1.0, done / total)
        filled = int(share * 30)
        line = f"\r{STAGES.get(stage, stage)} [{'#' * filled}{'-' * (30 - filled)}] {share:4.0%} {done:,}/{total:,}"
        if line != self.last:
            sys.stderr.write(line)
            sys.stderr.flush()
            self.last = line
        if share >= 1.0:
            sys.stderr.write("\n")
            self.last = ""


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kechuang.auth.scope import SYSTEM
    from kechuang.db import transaction
    from kechuang.enterprises.importer import import_file

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise KechuangError(f"无法读取文件 {path}：{exc.strerror}") from None
    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        result = import_file(
            session,
            actor=SYSTEM,
            dataset_name=args.dataset,
            content=content,
            filename=path.name,
            progress=ProgressBar(sys.stderr.isatty() or args.progress),
            dry_run=args.dry_run,
        )
    verb = "校验通过（未写入）/ checked, not written" if args.dry_run else "导入完成 / imported"
    print(
        f"{verb}: {path.name} — {result.rows} 行 rows; 新增 created {result.created}, "
        f"修改 updated {result.updated}, 未变 unchanged {result.unchanged}"
    )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.db import transaction
    from kechuang.enterprises.columns import dataset
    from kechuang.enterprises.excel import write_workbook
    from kechuang.enterprises.service import export_frame

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        frame = export_frame(session, actor=SYSTEM, dataset_name=args.dataset)
        names = _region_names(session)
    rows = write_workbook(args.out, dataset(args.dataset), frame, names)
    print(f"已导出 exported {rows} 行 rows → {args.out}")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kechuang",
        description="科创 kechuang: the platform for a city's industrial science-and-technology innovation work. "
        "Settings come from KECHUANG_* environment variables (see docs/configuration.md).",
    )
    parser.add_argument("--version", action="version", version=f"kechuang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from kechuang.jobs import commands as jobs_commands

    jobs_commands.register(sub)

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

    user = sub.add_parser(
        "user", help="user accounts: add, list, set-password", description="Manage user accounts."
    )
    usub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = usub.add_parser(
        "add",
        help="create an account",
        description="Create an account. Without --password "
        "the password is asked for (or read from standard input).",
    )
    add.add_argument("username", help="login name")
    add.add_argument(
        "--role",
        required=True,
        choices=["admin", "district", "enterprise", "expert", "viewer"],
        help="admin: city bureau; district: one region and all under it; enterprise: one enterprise; "
        "expert; viewer: read-only",
    )
    add.add_argument("--region", help="region code for a district operator, e.g. 321003")
    add.add_argument(
        "--enterprise", help="unified social credit code of the enterprise, for an enterprise user"
    )
    add.add_argument("--name", help="display name")
    add.add_argument("--password", help="the password (avoid: it lands in your shell history)")
    add.set_defaults(func=cmd_user_add)
    ls = usub.add_parser(
        "list",
        help="list accounts",
        description="List every account with its role, region and whether it is active.",
    )
    ls.set_defaults(func=cmd_user_list)
    sp = usub.add_parser(
        "set-password",
        help="set an account's password",
        description="Set an account's password; its open sessions and tokens stop working.",
    )
    sp.add_argument("username", help="login name")
    sp.add_argument("--password", help="the new password (otherwise asked for)")
    sp.set_defaults(func=cmd_user_set_password)
    datasets = ["enterprises", "figures", "titles", "ip"]
    ds_help = "enterprises (企业名单), figures (年度经营数据), titles (资质称号), ip (知识产权)"
    tpl = sub.add_parser(
        "template",
        help="write an empty Excel template to fill in",
        description="Write an Excel template with Chinese headers, a help row and drop-down lists.",
    )
    tpl.add_argument("dataset", choices=datasets, help=ds_help)
    tpl.add_argument("out", help="the .xlsx file to write")
    tpl.set_defaults(func=cmd_template)
    imp = sub.add_parser(
        "import",
        help="import an Excel or CSV file (all or nothing)",
        description="Check every row of FILE (.xlsx or .csv, UTF-8 or GBK) and list every problem "
        "(row, column, value, what was expected). One problem refuses the whole file and nothing is "
        "written; a clean file is added or updated by unified social credit code (and year/type).",
    )
    imp.add_argument("dataset", choices=datasets, help=ds_help)
    imp.add_argument("file", help="the .xlsx or .csv file")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not on a terminal"
    )
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser(
        "export",
        help="export to Excel (imports back unchanged)",
        description="Export every record to an .xlsx file in the template's layout; importing it "
        "back reports zero changes.",
    )
    exp.add_argument("dataset", choices=datasets, help=ds_help)
    exp.add_argument("out", help="the .xlsx file to write")
    exp.set_defaults(func=cmd_export)
    atl = sub.add_parser("atlas", help="the industry-chain atlas: load, export, snapshot")
    atlsub = atl.add_subparsers(dest="atlas_command", required=True, metavar="COMMAND")
    al = atlsub.add_parser(
        "load",
        help="load an atlas file (.json or .xlsx); without FILE, the built-in Yangzhou 613 atlas",
        description="Make the stored atlas (clusters, chains, nodes, supply edges, key items) equal to the file: "
        "entries are matched by code, new ones added, changed ones updated, missing ones removed. The "
        "whole file is checked first; any problem (listed all at once) leaves the atlas unchanged. A "
        "node that still has links cannot be removed.",
    )
    al.add_argument(
        "file", nargs="?", help="the .json or .xlsx file (default: the built-in Yangzhou 613 atlas)"
    )
    al.set_defaults(func=cmd_atlas_load)
    ae = atlsub.add_parser(
        "export", help="write the stored atlas to a .json or .xlsx file (loads back unchanged)"
    )
    ae.add_argument("out", help="the .json or .xlsx file to write")
    ae.set_defaults(func=cmd_atlas_export)
    asn = atlsub.add_parser(
        "snapshot",
        help="save the atlas and its analysis as the snapshot of a year",
        description="Store the structure, every chain's and node's figures and the 补链 / "
        "chokepoint / 延链 lists as they stand today as the year's snapshot "
        "(replacing an earlier one of the same year).",
    )
    asn.add_argument("--year", type=int, required=True, help="the year the snapshot stands for")
    asn.set_defaults(func=cmd_atlas_snapshot)
    lad = sub.add_parser("ladder", help="the cultivation ladder: stored yearly assessments of the registry")
    ladsub = lad.add_subparsers(dest="ladder_command", required=True, metavar="COMMAND")
    ref = ladsub.add_parser(
        "refresh",
        help="assess every enterprise for the given years and store the results",
        description="Assess every enterprise in the database against every programme for each year "
        "(as of 31 December, or today for the current year) and store the results with the rule "
        "versions used. A year whose stored results are still fresh (same rules, no registry change "
        "since) is skipped unless --force. Pages recompute stale years on their own; run this after "
        "large imports so the first page view is fast.",
    )
    ref.add_argument(
        "--year", type=int, action="append", help="a year to assess (repeatable; default: last and this)"
    )
    ref.add_argument("--force", action="store_true", help="recompute even when the stored results are fresh")
    ref.set_defaults(func=cmd_ladder_refresh)
    ass = sub.add_parser(
        "assess",
        help="assess enterprise records against every qualification rule (JSON in, JSON out)",
        description="Read a JSON array (or JSON Lines) of enterprise records (see contracts/ASSESS.md) and write "
        "one result per record to stdout, in the same order: each programme's status (met / not_met / unknown), "
        "score, criteria with actual vs required, gaps in plain Chinese and the rule document and version used. "
        "Exit 0 when every record was assessed; exit 2 listing every problem when the input is not valid.",
    )
    ass.add_argument("--input", required=True, help="the .json or .jsonl file ('-' reads stdin)")
    ass.add_argument(
        "--as-of",
        help="assess as on this day, YYYY-MM-DD (default today); the rules in force "
        "that day apply and 'last year' is the year before it",
    )
    ass.set_defaults(func=cmd_assess)
    ext = sub.add_parser(
        "extract",
        help="extract quantitative facts and organisations from plain-text documents (JSON Lines)",
        description="Read each FILE (UTF-8 plain text: a scraped page, a report, news) and write JSON Lines to "
        "stdout (see contracts/EXTRACT.md): one body line, one line per quantitative fact and one per distinct "
        "organisation. Uses no database and no network. Exit 1 when a file cannot be read or decoded (the others "
        "are still processed).",
    )
    ext.add_argument("files", nargs="+", metavar="FILE", help="plain-text documents (UTF-8)")
    ext.add_argument(
        "--published",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="publication date, for 今年/去年 when the page header carries none",
    )
    ext.set_defaults(func=cmd_extract)
    return parser


def cmd_assess(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.rules.io import AssessInputError, assess_text

    try:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"错误 error: 无法读取 cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        results = assess_text(text, args.as_of, source=args.input)
    except AssessInputError as exc:
        print(
            f"错误 error: {args.input}: {len(exc.lines)} 处问题，未评估 / {len(exc.lines)} problem(s), nothing "
            "assessed",
            file=sys.stderr,
        )
        for line in exc.lines:
            print(f"  - {line}", file=sys.stderr)
        return 2
    try:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    except BrokenPipeError:  # e.g. piped into head
        pass
    return 0


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.extraction import extract, to_lines

    status = 0
    for name in args.files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            print(f"错误 error: {name}: 不是 UTF-8 文本 / not UTF-8 text (byte {exc.start})", file=sys.stderr)
            status = 1
            continue
        except OSError as exc:
            print(f"错误 error: 无法读取 cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            status = 1
            continue
        lines = to_lines(extract(text, doc=Path(name).name, published=args.published))
        try:
            sys.stdout.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        except BrokenPipeError:  # e.g. piped into head
            return status
    return status


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
