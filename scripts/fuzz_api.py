"""Fuzz the JSON API with schemathesis, unbounded: every check, every phase, as admin and district.

Builds a demo city in a temporary SQLite database (or PostgreSQL with ``--postgres URL``), serves it
on 127.0.0.1 with uvicorn, then runs ``st run`` over ``/api/openapi.json`` once per role and prints
the cases run and the failures by check. Exit status 1 when any check failed.

    python scripts/fuzz_api.py                      # ~100 examples per operation and role
    python scripts/fuzz_api.py -n 400 --seed 7      # more
    python scripts/fuzz_api.py --max-time 300       # spend five minutes per role
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an installed copy

from kechuang.db import make_engine, make_session_factory
from kechuang.settings import Settings

PASSWORD = "fuzz-password-9"
HOOKS = Path(__file__).resolve().parents[1] / "tests" / "api_fuzz_formats.py"
ROLES = ("admin", "hanjiang")  # the city's administrator and the 邗江区 district user


def load_demo(settings: Settings, enterprises: int) -> None:
    """The demo city (every part of it) with the demo users sharing one password."""
    from kechuang.demo.loader import DEMO_USERS
    from kechuang.demo.service import load_demo as load

    engine = make_engine(settings.effective_database_url)
    factory = make_session_factory(engine)
    load(
        engine,
        factory,
        settings,
        enterprises=enterprises,
        seed=5,
        last_year=date.today().year - 1,
        say=lambda _: None,
        passwords={u.username: PASSWORD for u in DEMO_USERS},
    )
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(settings: Settings, port: int) -> uvicorn.Server:
    from kechuang.web.app import create_app

    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", log_config=None)
    )
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(100):
        if server.started:
            return server
        time.sleep(0.1)
    raise SystemExit("the server did not start")


def token(base: str, username: str) -> str:
    resp = httpx.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    resp.raise_for_status()
    return str(resp.json()["access_token"])


def run_role(base: str, role: str, bearer: str, args: argparse.Namespace, out: Path) -> dict:
    report = out / f"{role}.json"
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base}/api/openapi.json",
        "--checks",
        "all",
        "-H",
        f"Authorization: Bearer {bearer}",
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--max-examples",
        str(args.max_examples),
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--suppress-health-check",
        "all",
        "--generation-allow-x00",
        "false",  # NUL is refused with a 422 everywhere (PostgreSQL's text cannot hold it; tested apart)
        "--no-shrink" if args.no_shrink else "--continue-on-failure",
    ]
    if args.max_time:
        cmd += ["--max-time", str(args.max_time)]
    log = out / f"{role}.log"
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}  # strategies for format uscc and region
    with log.open("w") as fh:
        subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False, cwd=out, env=env)
    print(f"  {role}: full output in {log}")
    return json.loads(report.read_text()) if report.exists() else {}


def summarise(report: dict) -> tuple[int, Counter, dict[str, set[str]]]:
    """(cases generated, distinct failures by check, operations by check) from a JSON report."""
    cases = int((report.get("test_cases") or {}).get("generated", 0) or 0)
    by_check: Counter = Counter()
    where: dict[str, set[str]] = {}
    for failure in report.get("failures") or []:
        title = str(failure.get("title") or failure.get("type") or "?")
        by_check[title] += int(failure.get("count") or 1)
        where.setdefault(title, set()).update(failure.get("operations") or [])
    for error in report.get("errors") or []:
        by_check["Error: " + str(error.get("title") or error.get("type") or "?")] += 1
    return cases, by_check, where


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--max-examples", type=int, default=100, help="examples per operation")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--max-time", type=int, default=0, help="seconds per role (0: no limit)")
    parser.add_argument("--enterprises", type=int, default=300, help="size of the demo city")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL instead of a temporary SQLite file")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--out", default="", help="where to keep the logs and reports (default: a temp dir)")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="kc-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    url = args.postgres or f"sqlite:///{out / 'fuzz.db'}"
    settings = Settings(database_url=url, admin_password=PASSWORD).with_generated_secret()
    settings = Settings(**{**settings.__dict__, "in_process_worker": False})
    logging.basicConfig(filename=out / "server.log", level=logging.WARNING)
    started = time.perf_counter()
    load_demo(settings, args.enterprises)
    port = free_port()
    server = serve(settings, port)
    base = f"http://127.0.0.1:{port}"
    total_cases, total = 0, Counter()
    bearers = {
        role: token(base, role) for role in ROLES
    }  # before the fuzzer's bad logins throttle this client
    try:
        for role in ROLES:
            cases, by_check, where = summarise(run_role(base, role, bearers[role], args, out))
            total_cases += cases
            total += by_check
            print(f"  {role}: {cases} cases, {sum(by_check.values())} distinct failures")
            for check, n in sorted(by_check.items()):
                print(f"    {check}: {n}  ({', '.join(sorted(where.get(check, ())))})")
    finally:
        server.should_exit = True
    print(
        f"total: {total_cases} cases, {sum(total.values())} failures in {time.perf_counter() - started:.0f} s"
    )
    for check, n in sorted(total.items()):
        print(f"  {check}: {n}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
