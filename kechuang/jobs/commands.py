"""`kechuang jobs list|run [NAME…]` and `kechuang worker`."""

from __future__ import annotations

import argparse
import time
from typing import Any

from kechuang.settings import Settings


def _factory(settings: Settings) -> Any:
    from kechuang.db import engine_and_factory

    return engine_and_factory(settings)[1]


def cmd_jobs_list(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.jobs.catalogue import all_jobs
    from kechuang.jobs.runner import STATUS_LABELS, states

    with _factory(settings)() as session:
        known = states(session)
    for job in all_jobs().values():
        state = known.get(job.name)
        last = "从未运行 never run"
        if state is not None and state.last_finished is not None:
            status = STATUS_LABELS.get(state.last_status or "", state.last_status)
            last = f"{state.last_finished:%Y-%m-%d %H:%M} {status}：{state.last_summary or ''}"
        print(f"{job.name:<24} 每 {job.every} 一次  {job.title}\n{'':<24} 上次 last: {last}")
    return 0


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.jobs.runner import FAILED, STATUS_LABELS, pick, run_job

    jobs = pick(args.names)  # every unknown name at once, before anything runs
    factory = _factory(settings)
    failed = 0
    for job in jobs:
        outcome = run_job(factory, job, today=args.today)
        failed += outcome.status == FAILED
        print(f"{job.name}: {STATUS_LABELS[outcome.status]} {outcome.summary}", flush=True)
    return 1 if failed else 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.jobs.runner import run_due

    factory = _factory(settings)
    print(
        f"kechuang worker: 每 {args.poll} 秒检查到期任务 / checking for due jobs every {args.poll} s",
        flush=True,
    )
    while True:
        for outcome in run_due(factory):
            print(f"{outcome.name}: {outcome.status} {outcome.summary}", flush=True)
        if args.once:
            return 0
        time.sleep(args.poll)


def _day(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date as YYYY-MM-DD") from None


def register(sub: Any) -> None:
    jobs = sub.add_parser(
        "jobs",
        help="list or run the background jobs (daily project lights, ladder assessment)",
        description="Background jobs do the work pages only read: stored once, shown with when they were computed.",
    )
    jobs_sub = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    listing = jobs_sub.add_parser("list", help="every job, how often it runs and its last run")
    listing.set_defaults(func=cmd_jobs_list)
    run = jobs_sub.add_parser("run", help="run jobs now (all of them when no name is given)")
    run.add_argument("names", nargs="*", metavar="NAME", help="job names (see `kechuang jobs list`)")
    run.add_argument(
        "--today", type=_day, default=None, help="the day to run for (default: today), YYYY-MM-DD"
    )
    run.set_defaults(func=cmd_jobs_run)
    worker = sub.add_parser(
        "worker",
        help="run due jobs in a loop (for deployments with KECHUANG_IN_PROCESS_WORKER=false)",
        description="Run every job when it is due. Several workers may run at once: a lease keeps each job "
        "to one worker at a time.",
    )
    worker.add_argument("--poll", type=float, default=60.0, help="seconds between checks (default 60)")
    worker.add_argument("--once", action="store_true", help="run what is due once and exit")
    worker.set_defaults(func=cmd_worker)
