"""`kechuang ladder refresh`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.settings import Settings


def refresh_years(factory: Any, years: list[int], *, force: bool) -> None:
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
    refresh_years(factory, sorted(set(years)), force=args.force)
    return 0


def register(sub: Any) -> None:
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
