"""Several workers: SQLite writers take turns instead of failing, the settings reach worker processes,
`kechuang serve --workers N` runs N processes, and a lock held too long answers 503, not 500."""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from kechuang.db import make_session_factory, transaction
from kechuang.enterprises.models import Enterprise
from kechuang.settings import Settings, load_settings
from kechuang.web.commands import _workers, default_workers
from tests.conftest import SECRET, Made, free_port

ROOT = Path(__file__).resolve().parents[1]


def sqlite_path(engine: Engine) -> str:
    assert engine.url.database
    return engine.url.database


def test_a_writer_session_takes_the_sqlite_write_lock_when_it_begins(engine: Engine, factory) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "sqlite":
        # PostgreSQL needs no up-front lock: two writer sessions run side by side
        a, b = make_session_factory(engine, writer=True)(), make_session_factory(engine, writer=True)()
        assert a.execute(text("SELECT 1")).scalar() == b.execute(text("SELECT 1")).scalar() == 1
        a.close(), b.close()
        return
    for writer, locked in ((False, False), (True, True)):
        session = make_session_factory(engine, writer=writer)()
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(sqlite_path(engine), timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            got_lock = True
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            got_lock = False
        finally:
            other.close()
            session.close()
        assert got_lock is not locked


def test_concurrent_read_then_write_transactions_all_succeed_on_sqlite(engine: Engine, made: Made) -> None:
    """Eight threads (each its own connection, as separate processes would be) read a value and write it
    back increased, twenty times each: every transaction waits its turn, none fails, none is lost."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer; PostgreSQL row locking is the database's own")
    ent_id = made.enterprise("计数企业", "321002")
    writers = make_session_factory(engine, writer=True)
    with transaction(writers) as s:
        s.get(Enterprise, ent_id).sort_revenue = 0  # type: ignore[union-attr]
    failures: list[BaseException] = []

    def bump() -> None:
        for _ in range(20):
            try:
                with transaction(writers) as s:
                    value = s.execute(
                        select(Enterprise.sort_revenue).where(Enterprise.id == ent_id)
                    ).scalar_one()
                    time.sleep(0.001)
                    s.execute(
                        Enterprise.__table__.update()
                        .where(Enterprise.id == ent_id)
                        .values(sort_revenue=value + 1)
                    )
            except BaseException as exc:  # collected, asserted below
                failures.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with transaction(writers) as s:
        assert s.get(Enterprise, ent_id).sort_revenue == 160  # type: ignore[union-attr]


def test_settings_travel_to_worker_processes_unchanged(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        secret_key=SECRET,
        session_hours=3,
        secure_cookies=True,
        in_process_worker=False,
        max_upload_mb=7,
    )
    assert load_settings(settings.as_environment()) == settings
    assert load_settings(Settings().as_environment()).database_url.endswith("kechuang.db")


def test_the_workers_option_is_bounded() -> None:
    assert _workers("3") == 3 and default_workers() == (os.cpu_count() or 1)
    for bad in ("0", "-1", "many", "65"):
        with pytest.raises(argparse.ArgumentTypeError, match="1 到 64"):
            _workers(bad)


def test_a_lock_held_past_the_busy_timeout_answers_503(app, client) -> None:  # type: ignore[no-untyped-def]
    def locked() -> None:
        raise OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))

    app.add_api_route("/api/v1/_locked", locked)
    got = client.get("/api/v1/_locked")
    assert got.status_code == 503 and got.headers["retry-after"] == "5"
    assert "数据库正忙" in got.json()["detail"]


def _spawned_children(pid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and b"spawn_main" in cmdline:
            count += 1
    return count


def test_serve_with_two_workers_runs_two_processes_that_answer(settings: Settings, factory) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    child = Settings(database_url=settings.database_url, secret_key=SECRET, in_process_worker=False)
    env = child.child_environment(os.environ)
    server = subprocess.Popen(
        [sys.executable, "-m", "kechuang.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.3)
        assert _spawned_children(server.pid) == 2
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert all(client.get("/api/v1/regions").status_code == 401 for _ in range(10))
    finally:
        server.terminate()
        server.wait(timeout=30)
