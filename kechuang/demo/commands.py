"""`kechuang demo` (load the demo city and serve it) and `kechuang demo-data` (write it as Excel)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from kechuang.settings import Settings


def _print_credentials(creds: list[Any]) -> None:
    print("演示账号 / demo accounts (passwords are new at every start):")
    for c in creds:
        print(f"  {c.username:<12} {c.role.label('zh')}（{c.role.value}）  密码 password: {c.password}")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.db import engine_and_factory
    from kechuang.demo.service import load_demo
    from kechuang.web.commands import serve

    settings = settings.with_generated_secret()
    engine, factory = engine_and_factory(settings)
    print(f"数据库 database: {engine.url.render_as_string(hide_password=True)}")
    creds = load_demo(
        engine, factory, settings, enterprises=args.enterprises, seed=args.seed, last_year=args.last_year
    )
    _print_credentials(creds)
    if args.no_serve:
        return 0
    return serve(settings, engine, args.host, args.port, args.workers)


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


def _size_args(parser: argparse.ArgumentParser) -> None:
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


def register(sub: Any) -> None:
    from kechuang.web.commands import add_workers_argument

    demo = sub.add_parser(
        "demo",
        help="load the demo city and serve it (embedded database by default)",
        description="Create or upgrade the database, load the demo city and its demo accounts "
        "(printed with fresh passwords), then serve the web UI. Safe to run again.",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    add_workers_argument(demo)
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and exit without serving")
    _size_args(demo)
    demo.set_defaults(func=cmd_demo)

    data = sub.add_parser(
        "demo-data",
        help="write the demo city as Excel files (to try the import)",
        description="Generate the demo city (deterministic: same seed, same data) and write it as "
        "enterprises.xlsx, figures.xlsx, titles.xlsx and ip.xlsx in the import layout.",
    )
    data.add_argument("out", help="folder to write the files into")
    _size_args(data)
    data.set_defaults(func=cmd_demo_data)
