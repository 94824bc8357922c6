"""Backup and restore (`kechuang backup` / `restore`) on both databases and across them, and a crash
in the middle of an import (kill -9) that leaves the database as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import MetaData, func, select, text
from sqlalchemy.engine import Engine

from kechuang import migrate
from kechuang.backup import SKIPPED, BackupError, backup, restore
from kechuang.cli import main
from kechuang.db import make_engine, make_session_factory, transaction
from kechuang.demo.service import load_demo
from kechuang.enterprises.models import Enterprise
from kechuang.settings import Settings
from tests.conftest import SECRET, Made, drop_pg_schema, new_pg_schema

ROOT = Path(__file__).resolve().parents[1]


def tables_of(engine: Engine) -> dict[str, pl.DataFrame]:
    """Every table's rows in primary-key order (JSON compared as parsed values)."""
    meta = MetaData()
    meta.reflect(bind=engine)
    out = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in SKIPPED:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).mappings().all()
            out[table.name] = pl.DataFrame(
                [
                    {
                        k: json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v
                        for k, v in r.items()
                    }
                    for r in rows
                ],
                infer_schema_length=None,
            )
    return out


def assert_same(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name].height == b[name].height, name
        if a[name].height:
            assert a[name].equals(b[name]), name


@pytest.fixture
def demo_city(engine: Engine, factory, settings: Settings) -> Engine:
    """The demo city (enterprises, figures, titles, atlas and links, projects, assessments, users, audit)."""
    load_demo(
        engine, factory, settings, enterprises=80, seed=3, last_year=date.today().year - 1, say=lambda _: None
    )
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of either kind to restore into."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
        yield eng
        eng.dispose()
        return
    schema, eng = new_pg_schema("kcrestore")
    try:
        yield eng
    finally:
        eng.dispose()
        drop_pg_schema(schema)


def test_backup_restores_every_table_equal_into_either_database(
    demo_city: Engine, empty_target: Engine, tmp_path: Path, password_hash: str
) -> None:
    before = tables_of(demo_city)
    assert (
        before["enterprises"].height == 80
        and before["audit_log"].height > 0
        and before["projects"].height > 0
    )
    summary = backup(demo_city, tmp_path / "city.zip")
    assert summary.tables["enterprises"] == 80 and summary.rows == sum(f.height for f in before.values())

    restored = restore(empty_target, tmp_path / "city.zip")
    assert restored.tables == summary.tables
    assert migrate.current_revision(empty_target) == migrate.current_revision(demo_city)
    assert_same(before, tables_of(empty_target))

    # ids continue after the restored ones (PostgreSQL sequences moved), and logins work
    factory = make_session_factory(empty_target)
    newcomer = Made(factory, password_hash).user("newcomer", "viewer")
    assert newcomer.id > before["users"]["id"].max()  # type: ignore[operator]


def test_restore_refuses_a_database_that_is_not_empty_unless_replace(
    demo_city: Engine, tmp_path: Path
) -> None:
    backup(demo_city, tmp_path / "city.zip")
    with pytest.raises(BackupError, match="不是空的"):
        restore(demo_city, tmp_path / "city.zip")
    before = tables_of(demo_city)
    restore(demo_city, tmp_path / "city.zip", replace=True)
    assert_same(before, tables_of(demo_city))


def test_a_damaged_backup_is_refused_and_writes_no_rows(
    demo_city: Engine, empty_target: Engine, tmp_path: Path
) -> None:
    good = tmp_path / "city.zip"
    backup(demo_city, good)
    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    with pytest.raises(BackupError, match="不是 kechuang 备份文件"):
        restore(empty_target, tmp_path / "junk.zip")

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "manifest.json":
                manifest = json.loads(data)
                for t in manifest["tables"]:
                    if t["name"] == "projects":
                        t["rows"] += 1
                data = json.dumps(manifest).encode()
            dst.writestr(item, data)
    with pytest.raises(BackupError, match="projects"):
        restore(empty_target, bad)
    with empty_target.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Enterprise.__table__)).scalar() == 0


def test_backup_and_restore_from_the_command_line(
    demo_city: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("KECHUANG_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KECHUANG_SECRET_KEY", SECRET)
    assert main(["backup", str(tmp_path / "city.zip")]) == 0
    assert "已备份 " in capsys.readouterr().out
    target = tmp_path / "fresh.db"
    monkeypatch.setenv("KECHUANG_DATABASE_URL", f"sqlite:///{target}")
    assert main(["restore", str(tmp_path / "city.zip")]) == 0
    out = capsys.readouterr().out
    assert "已恢复" in out
    fresh = make_engine(f"sqlite:///{target}")
    assert_same(tables_of(demo_city), tables_of(fresh))
    fresh.dispose()
    assert main(["restore", str(tmp_path / "city.zip")]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.zip"), "--replace"]) == 2
    assert "文件不存在" in capsys.readouterr().err


# A crash at the worst moment: every row of the import written, the COMMIT not yet sent.
CRASHING_IMPORT = """
import sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine
from kechuang.cli import main

def stop_before_commit(conn):
    print("COMMIT-REACHED", flush=True)
    time.sleep(120)

event.listen(Engine, "commit", stop_before_commit)
sys.exit(main(["import", "enterprises", sys.argv[1]]))
"""


def test_kill_9_in_the_middle_of_an_import_leaves_the_database_as_before(
    engine: Engine, settings: Settings, made: Made, tmp_path: Path
) -> None:
    from kechuang.demo.city import load_city

    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    migrate.upgrade(source)
    source_settings = Settings(database_url=f"sqlite:///{tmp_path / 'source.db'}", secret_key=SECRET)
    from kechuang.bootstrap import ensure_regions

    with transaction(make_session_factory(source)) as s:
        ensure_regions(s, source_settings)
        load_city(s, n=3000, seed=11, last_year=date.today().year - 1)
    env = {**os.environ, "KECHUANG_SECRET_KEY": SECRET, "KECHUANG_DATABASE_URL": source_settings.database_url}
    workbook = tmp_path / "enterprises.xlsx"
    subprocess.run(
        [sys.executable, "-m", "kechuang.cli", "export", "enterprises", str(workbook)],
        env=env,
        check=True,
        cwd=ROOT,
    )
    source.dispose()

    made.enterprise("已有企业", "321002")
    before = tables_of(engine)

    env["KECHUANG_DATABASE_URL"] = settings.database_url
    crash = subprocess.Popen(
        [sys.executable, "-c", CRASHING_IMPORT, str(workbook)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert crash.stdout is not None
        assert crash.stdout.readline().strip() == "COMMIT-REACHED"
    finally:
        crash.send_signal(signal.SIGKILL)
        crash.wait(timeout=30)
    assert crash.returncode == -signal.SIGKILL

    assert_same(before, tables_of(engine))
    # the database is usable at once: the same import, uninterrupted, goes in whole
    done = subprocess.run(
        [sys.executable, "-m", "kechuang.cli", "import", "enterprises", str(workbook)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM enterprises")).scalar() == 3001
