"""`kechuang serve`: the web UI and the API, with the in-process job worker unless turned off."""

from __future__ import annotations

import argparse
import os
from typing import Any

from kechuang import __version__
from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.settings import Settings

KEEP_ALIVE = 75  # seconds an idle connection stays open (uvicorn's 5 s races clients reusing it)


def default_workers() -> int:
    """One web process per core: a slow page then holds up only its own process."""
    return max(1, os.cpu_count() or 1)


def _run_web(settings: Settings, engine: Any, host: str, port: int, workers: int) -> None:
    import uvicorn

    if workers == 1:
        from kechuang.web.app import create_app

        uvicorn.run(
            create_app(settings, engine),
            host=host,
            port=port,
            log_level="warning",
            timeout_keep_alive=KEEP_ALIVE,
        )
        return
    os.environ.update(settings.as_environment())  # the worker processes read their settings from it
    uvicorn.run(
        "kechuang.web.asgi:from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE,
    )


def serve(settings: Settings, engine: Any, host: str, port: int, workers: int = 1) -> int:
    """Serve the UI and the API in ``workers`` processes; the job worker runs once, in this one."""
    worker = None
    if settings.in_process_worker:
        from kechuang.db import make_session_factory
        from kechuang.jobs.runner import Worker

        worker = Worker(make_session_factory(engine, writer=True), poll=settings.jobs_poll_seconds)
        worker.start()
    print(
        f"kechuang {__version__}: http://{host}:{port}  ({workers} 个进程 worker processes; Ctrl+C 停止 / to stop)",
        flush=True,
    )
    try:
        _run_web(settings, engine, host, port, workers)
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
    return serve(settings, engine, args.host, args.port, args.workers)


def _workers(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(
            f"{raw!r}: 应为 1 到 64 之间的整数 / expected a whole number from 1 to 64"
        )
    return value


def add_workers_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=_workers,
        default=default_workers(),
        help=f"web worker processes (default: the number of cores, here {default_workers()})",
    )


def register(sub: Any) -> None:
    cmd = sub.add_parser(
        "serve",
        help="serve the web UI and API (needs KECHUANG_SECRET_KEY)",
        description="Upgrade the database if needed and serve the web UI and the API. "
        "Refuses to start without a strong KECHUANG_SECRET_KEY.",
    )
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    add_workers_argument(cmd)
    cmd.set_defaults(func=cmd_serve)
