"""The command line, run as a user would run it (subprocesses on a temporary working directory)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import BACKENDS, drop_pg_schema, new_pg_schema

COMMANDS = [
    [],
    ["demo"],
    ["serve"],
    ["db"],
    ["db", "upgrade"],
    ["db", "current"],
    ["db", "downgrade"],
    ["user"],
    ["user", "add"],
    ["user", "list"],
    ["user", "set-password"],
    ["ladder"],
    ["ladder", "refresh"],
    ["atlas"],
    ["atlas", "load"],
    ["atlas", "export"],
    ["atlas", "snapshot"],
    ["extract"],
]


def run(args: list[str], cwd, env_extra: dict[str, str] | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_") or k.startswith("KECHUANG_TEST_")
    }
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "kechuang.cli", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kechuang")
def test_every_command_has_help(command: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run([*command, "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "usage: kechuang" in result.stdout and len(result.stdout) > 120


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield ""  # the default: kechuang.db in the working directory
        return
    schema, eng = new_pg_schema("kccli")
    url = eng.url.render_as_string(hide_password=False)
    eng.dispose()
    try:
        yield url
    finally:
        drop_pg_schema(schema)


def test_demo_loads_twice_and_users_can_be_managed(tmp_path, database_url) -> None:  # type: ignore[no-untyped-def]
    env = (
        {"KECHUANG_DATABASE_URL": database_url, "KECHUANG_ADMIN_PASSWORD": "admin-pass-1"}
        if database_url
        else {"KECHUANG_ADMIN_PASSWORD": "admin-pass-1"}
    )
    first = run(["demo", "--no-serve"], tmp_path, env)
    assert first.returncode == 0, first.stderr
    assert "admin-pass-1" in first.stdout
    for username in ["admin", "hanjiang", "enterprise", "expert", "viewer"]:
        assert username in first.stdout
    assert "atlas and demo links loaded" in first.stdout
    second = run(["demo", "--no-serve"], tmp_path, env)
    assert second.returncode == 0, second.stderr
    assert "atlas and demo links loaded" not in second.stdout  # loaded once
    if not database_url:
        assert (tmp_path / "kechuang.db").exists()
    added = run(
        ["user", "add", "gaoyou", "--role", "district", "--region", "321084"],
        tmp_path,
        env,
        stdin="district-pass-1\n",
    )
    assert added.returncode == 0, added.stderr
    listed = run(["user", "list"], tmp_path, env)
    assert "gaoyou" in listed.stdout and "321084" in listed.stdout
    bad = run(
        ["user", "add", "x", "--role", "district", "--region", "999999", "--password", "short"], tmp_path, env
    )
    assert bad.returncode == 2
    assert "region_code" in bad.stderr and "password" in bad.stderr and "Traceback" not in bad.stderr
    changed = run(["user", "set-password", "gaoyou", "--password", "another-pass-1"], tmp_path, env)
    assert changed.returncode == 0, changed.stderr
    assert run(["db", "current"], tmp_path, env).stdout.strip() != ""


def test_serve_refuses_without_a_strong_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for secret in ["", "change-me"]:
        result = run(["serve"], tmp_path, {"KECHUANG_SECRET_KEY": secret})
        assert result.returncode == 2
        assert "KECHUANG_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_unknown_setting_is_reported_plainly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run(["user", "list"], tmp_path, {"KECHUANG_DATABSE_URL": "x"})
    assert result.returncode == 2 and "KECHUANG_DATABSE_URL" in result.stderr


def test_atlas_load_export_snapshot(tmp_path, database_url) -> None:  # type: ignore[no-untyped-def]
    env = {"KECHUANG_DATABASE_URL": database_url} if database_url else {}
    assert run(["db", "upgrade"], tmp_path, env).returncode == 0
    loaded = run(["atlas", "load"], tmp_path, env)
    assert loaded.returncode == 0, loaded.stderr
    assert "yangzhou-613.json" in loaded.stdout and "删除 deleted 0" in loaded.stdout
    out = tmp_path / "atlas.xlsx"
    exported = run(["atlas", "export", str(out)], tmp_path, env)
    assert exported.returncode == 0 and "13 条产业链 chains" in exported.stdout
    again = run(["atlas", "load", str(out)], tmp_path, env)
    assert again.returncode == 0 and "新增 created 0, 修改 updated 0, 删除 deleted 0" in again.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"atlas": "x", "version": "1", "name": "x", "clusters": [], "chains": []}', encoding="utf-8"
    )
    refused = run(["atlas", "load", str(bad)], tmp_path, env)
    assert refused.returncode == 2 and "bad.json" in refused.stderr and "Traceback" not in refused.stderr
    snap = run(["atlas", "snapshot", "--year", "2025"], tmp_path, env)
    assert snap.returncode == 0 and "13 条产业链" in snap.stdout
