"""`kechuang serve`: the web UI and the API, with the in-process job worker unless turned off."""

from __future__ import annotations

import argparse
from typing import Any

from kechuang import __version__
from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.settings import Settings


def serve(settings: Settings, engine: Any, host: str, port: int) -> int:
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
    return serve(settings, engine, args.host, args.port)


def register(sub: Any) -> None:
    cmd = sub.add_parser(
        "serve",
        help="serve the web UI and API (needs KECHUANG_SECRET_KEY)",
        description="Upgrade the database if needed and serve the web UI and the API. "
        "Refuses to start without a strong KECHUANG_SECRET_KEY.",
    )
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    cmd.set_defaults(func=cmd_serve)
