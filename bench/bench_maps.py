"""Benchmark: the three maps (产业地图, 科创载体地图, 人才公寓地图) at 1,000,000 enterprises.

    python -m bench.bench_maps [--n 1000000] [--runs 10] [--database-url URL] [--cache-dir DIR]
                               [--fresh] [--drop] [--explain] [--no-http]

Goal (issue 15): ≤ 1 s of server time for the aggregated view; the browser never gets more than a few
thousand points (``views.MAX_POINTS``).

The database: the generated demo city of N enterprises (``demo.city.load_city``, bulk), the bundled
atlas (``chains.service.load_file``) with the demo links (``chains.demo.demo_links``: about 85% of
the enterprises on one node each, so the largest chain holds 100k+ links at 1M), and the demo carriers,
tenants, talent and apartments (``carriers.demo.demo_carriers``). Each step loads once, so a database
is reused as it is:

* SQLite (default): a file in the cache directory (``$KECHUANG_BENCH_CACHE`` or ``~/.cache/kechuang``)
  named by N and the demo's last year, built on first use (in a child process, so the peak RSS printed
  here is that of the timed views, not of the bulk load); ``--fresh`` rebuilds it.
* ``--database-url postgresql+psycopg://…``: the data goes to a schema ``bench_maps_<N>`` of that
  database (created on first use and kept for the next run unless ``--drop``). A ``sqlite:///`` URL
  is used as the database file itself.

Then, as the city's administrator and as the 邗江区 (321003) district operator, it times
``views.industry`` for the chain with the most enterprise links with each measure, ``views.carriers``
and ``views.apartments``, and (``--no-http`` skips them) the pages through the FastAPI TestClient —
``/maps/industry?chain=…``, ``/maps/carriers``, ``/maps/apartments`` and their ``.xlsx`` exports —
one warm-up then RUNS timed runs each (time.perf_counter). It prints the median and p95 in ms, whether
each is within 1 s, the points the browser gets (counted in the view's payload, and for the pages in
the page's embedded map data), the SQL statements of one industry view with their times, and the peak
RSS. ``--explain`` adds the plans of the industry view's statements (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL). Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bench.common import peak_mb
from kechuang import migrate
from kechuang.auth.models import User
from kechuang.auth.passwords import hash_password
from kechuang.auth.scope import SYSTEM, Actor
from kechuang.auth.service import actor_for
from kechuang.bootstrap import ensure_regions
from kechuang.carriers.demo import demo_carriers
from kechuang.chains.demo import demo_links
from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.chains.service import has_atlas, load_file
from kechuang.db import make_engine, make_session_factory, transaction
from kechuang.demo.city import load_city
from kechuang.maps import views
from kechuang.settings import Settings

SEED = 2026
LAST_YEAR = date.today().year - 1
DISTRICT = "321003"  # 邗江区
SECRET = "bench-maps-secret-" + "x" * 40
PASSWORD = "bench-maps-password-9"
USERS = {"admin": ("bench_admin", "admin", None), "district": ("bench_hj", "district", DISTRICT)}
GOAL_MS = 1000.0


# -- the database --------------------------------------------------------------------------------------


def cache_dir(arg: str | None) -> Path:
    root = arg or os.environ.get("KECHUANG_BENCH_CACHE") or Path.home() / ".cache" / "kechuang"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(args: argparse.Namespace) -> str:
    """The URL the benchmark works on (a PostgreSQL URL gets the benchmark's own schema)."""
    url: str | None = args.database_url
    if url is None:
        return f"sqlite:///{cache_dir(args.cache_dir) / f'bench_maps-n{args.n}-y{LAST_YEAR}.db'}"
    if url.startswith("postgresql"):
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}options=-csearch_path%3D{pg_schema(args)}"
    return url


def pg_schema(args: argparse.Namespace) -> str:
    return f"bench_maps_{args.n}"


def _pg_admin(args: argparse.Namespace, sql: str) -> None:
    admin = make_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(text(sql))
    admin.dispose()


def sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def build(url: str, n: int) -> dict[str, float]:
    """Load whatever is missing (each step loads once); seconds per step that did something."""
    engine = make_engine(url)
    factory = make_session_factory(engine, writer=True)
    spent: dict[str, float] = {}

    def step(label: str, work: Callable[[Session], object]) -> None:
        t0 = time.perf_counter()
        with transaction(factory) as s:
            s.info["actor"] = SYSTEM
            did = work(s)
        if did:
            spent[label] = time.perf_counter() - t0
            print(f"  {label:<34} {spent[label]:8.1f} s   (peak RSS {peak_mb():,.0f} MB)", flush=True)

    t0 = time.perf_counter()
    migrate.upgrade(engine)
    with transaction(factory) as s:
        ensure_regions(s, Settings())
    spent["schema and regions"] = time.perf_counter() - t0
    step(f"demo city ({n:,} enterprises)", lambda s: load_city(s, n=n, seed=SEED, last_year=LAST_YEAR))
    step("bundled atlas", lambda s: None if has_atlas(s) else load_file(s, actor=SYSTEM))
    step("demo links", lambda s: demo_links(s, start_year=LAST_YEAR - 2))
    step("demo carriers, tenants, talent", lambda s: demo_carriers(s, today=date.today()))
    step("bench users", _users)
    engine.dispose()
    return spent


def _users(session: Session) -> int:
    made = 0
    hashed = hash_password(PASSWORD)
    for username, role, region in USERS.values():
        if session.scalar(select(User.id).where(User.username == username)) is None:
            session.add(
                User(
                    username=username,
                    display_name=username,
                    password_hash=hashed,
                    role=role,
                    region_code=region,
                )
            )
            made += 1
    return made


def ensure_database(args: argparse.Namespace, url: str) -> None:
    """Build (or reuse) the database; a SQLite build runs in a child process (see the module doc)."""
    path = sqlite_file(url)
    if url.startswith("postgresql"):
        if args.fresh:
            _pg_admin(args, f'DROP SCHEMA IF EXISTS "{pg_schema(args)}" CASCADE')
        _pg_admin(args, f'CREATE SCHEMA IF NOT EXISTS "{pg_schema(args)}"')
    elif path is not None and args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if (path is None or path.exists()) and _complete(url):
        size = f" ({path.stat().st_size / 2**20:,.0f} MB)" if path is not None else ""
        print(f"reusing {_shown_url(url)}{size}")
        return
    print(f"building the database at {_shown_url(url)}", flush=True)
    t0 = time.perf_counter()
    if args.child_build or path is None:
        build(url, args.n)
    else:
        cmd = [sys.executable, "-m", "bench.bench_maps", "--build-only", "--n", str(args.n), "--child-build"]
        cmd += ["--database-url", url]
        subprocess.run(cmd, check=True, cwd=Path(__file__).resolve().parents[1])
    print(f"build time {time.perf_counter() - t0:,.1f} s", flush=True)


def _complete(url: str) -> bool:
    """A cached file holds everything (a build that was cut short is built on, step by step)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    select(func.count()).select_from(User).where(User.username == "bench_hj")
                ).scalar()
            )
    except Exception:  # noqa: BLE001 - no tables yet
        return False
    finally:
        engine.dispose()


def _shown_url(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]+@", r"//\1:***@", url)


# -- timing ---------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-int(q * 100) * len(ordered) // 100) - 1))]


def timed(runs: int, call: Callable[[], Any]) -> tuple[list[float], Any]:
    """One warm-up call, then ``runs`` timed calls (ms); the last call's result."""
    result = call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def view_points(view: dict[str, Any]) -> int:
    return sum(len(s["points"]) for s in view.get("series", []))


def page_points(page: str) -> int:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    return view_points(json.loads(found.group(1))) if found else -1


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.misses: list[str] = []

    def add(self, who: str, what: str, times: list[float], points: int | str, size: str = "") -> None:
        med, p95 = statistics.median(times), percentile(times, 0.95)
        ok = "yes" if p95 <= GOAL_MS else "NO" if med > GOAL_MS else "median only"
        if ok != "yes":
            self.misses.append(f"{who} {what}")
        self.rows.append((who, what, f"{med:,.0f}", f"{p95:,.0f}", ok, str(points), size))
        print(f"  {who:<9} {what:<44} median {med:8,.0f} ms  p95 {p95:8,.0f} ms  {ok}", flush=True)

    def print(self, title: str) -> None:
        print(f"\n## {title}")
        print("| actor | what | median ms | p95 ms | within 1 s | points to browser | response |")
        print("|---|---|---:|---:|---|---:|---:|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any, float]]]:
    """(SQL, parameters, ms) of every statement run on ``engine`` meanwhile."""
    seen: list[tuple[str, Any, float]] = []
    started: list[float] = []

    def before(conn, cursor, stmt, params, context, many):  # type: ignore[no-untyped-def]
        started.append(time.perf_counter())

    def after(conn, cursor, stmt, params, context, many):  # type: ignore[no-untyped-def]
        seen.append((stmt, params, (time.perf_counter() - started.pop()) * 1000))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def largest_chain(factory: sessionmaker[Session]) -> tuple[str, str, int, int]:
    """(code, name, enterprise links, nodes) of the chain with the most enterprise links."""
    with factory() as s:
        code, name, links = s.execute(
            select(Chain.code, Chain.name, func.count(NodeLink.id))
            .join(ChainNode, ChainNode.chain_id == Chain.id)
            .join(NodeLink, NodeLink.node_id == ChainNode.id)
            .where(NodeLink.kind == "enterprise")
            .group_by(Chain.id, Chain.code, Chain.name)
            .order_by(func.count(NodeLink.id).desc())
            .limit(1)
        ).one()
        nodes = s.scalar(select(func.count()).select_from(ChainNode).join(Chain).where(Chain.code == code))
    return code, name, int(links), int(nodes or 0)


def describe(factory: sessionmaker[Session]) -> str:
    with factory() as s:
        from kechuang.carriers.models import Carrier, Tenant
        from kechuang.enterprises.models import Enterprise
        from kechuang.talent.models import Apartment, Talent

        counts = {
            label: s.scalar(select(func.count()).select_from(model))
            for label, model in (
                ("enterprises", Enterprise),
                ("node links", NodeLink),
                ("carriers", Carrier),
                ("tenants", Tenant),
                ("talent", Talent),
                ("apartments", Apartment),
            )
        }
    return ", ".join(f"{v:,} {k}" for k, v in counts.items())


def time_views(
    factory: sessionmaker[Session], actors: dict[str, Actor], chain: str, runs: int, table: Table
) -> None:
    for who, actor in actors.items():
        for measure in views.INDUSTRY_MEASURES:

            def industry(actor: Actor = actor, measure: str = measure) -> dict[str, Any]:
                with factory() as s:
                    return views.industry(s, actor=actor, chain_code=chain, measure=measure)

            times, view = timed(runs, industry)
            table.add(who, f"views.industry measure={measure}", times, view_points(view))

        def carriers(actor: Actor = actor) -> dict[str, Any]:
            with factory() as s:
                return views.carriers(s, actor=actor)

        def apartments(actor: Actor = actor) -> dict[str, Any]:
            with factory() as s:
                return views.apartments(s, actor=actor)

        times, view = timed(runs, carriers)
        table.add(who, "views.carriers", times, view_points(view))
        times, view = timed(runs, apartments)
        table.add(who, "views.apartments", times, view_points(view))


def time_pages(url: str, engine: Engine, chain: str, runs: int, table: Table) -> None:
    from fastapi.testclient import TestClient

    from kechuang.web.app import create_app

    app = create_app(Settings(database_url=url, secret_key=SECRET), engine)
    paths = [
        f"/maps/industry?chain={chain}",
        f"/maps/industry?chain={chain}&measure=coverage",
        "/maps/carriers",
        "/maps/apartments",
        f"/maps/industry.xlsx?chain={chain}",
        "/maps/carriers.xlsx",
        "/maps/apartments.xlsx",
    ]
    for who, (username, _, _) in USERS.items():
        with TestClient(app, follow_redirects=False) as client:
            login = client.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
            assert csrf, "no CSRF field on the login page"
            done = client.post(
                "/login",
                data={"username": username, "password": PASSWORD, "csrf_token": csrf.group(1), "next": "/"},
            )
            assert done.status_code == 303, f"login of {username}: {done.status_code}"
            for path in paths:

                def get(path: str = path) -> Any:
                    response = client.get(path)
                    assert response.status_code == 200, f"{path}: {response.status_code}"
                    return response

                times, response = timed(runs, get)
                xlsx = path.split("?")[0].endswith(".xlsx")
                points: int | str = "—" if xlsx else page_points(response.text)
                table.add(who, f"GET {path}", times, points, f"{len(response.content) / 1024:,.0f} KB")


def breakdown(engine: Engine, factory: sessionmaker[Session], actors: dict[str, Actor], chain: str) -> None:
    """The statements of one industry view per actor, slowest first."""
    for who, actor in actors.items():
        with factory() as s, statements(engine) as seen:
            t0 = time.perf_counter()
            views.industry(s, actor=actor, chain_code=chain)
            total = (time.perf_counter() - t0) * 1000
        print(
            f"\n## statements of one views.industry ({who}): {len(seen)} statements, {total:,.0f} ms in all"
        )
        for stmt, _, ms in sorted(seen, key=lambda r: -r[2])[:6]:
            print(f"  {ms:8,.1f} ms  {_one_line(stmt)[:150]}")


def _one_line(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def explain(engine: Engine, factory: sessionmaker[Session], actors: dict[str, Actor], chain: str) -> None:
    """The plans of the industry view's statements that took more than 20 ms."""
    postgres = engine.dialect.name == "postgresql"
    for who, actor in actors.items():
        with factory() as s, statements(engine) as seen:
            views.industry(s, actor=actor, chain_code=chain)
        for stmt, params, ms in seen:
            if ms < 20:
                continue
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            with engine.connect() as conn:
                rows = conn.exec_driver_sql(prefix + stmt, params).all()
            print(f"\n## plan ({who}, {ms:,.0f} ms): {_one_line(stmt)[:300]} …")
            for row in rows:
                print("   ", row[-1] if not postgres else row[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="enterprises (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=10, help="timed warm runs per figure (default 10)")
    parser.add_argument(
        "--database-url", help="PostgreSQL (a schema bench_maps_<N> in it) or a sqlite:/// file"
    )
    parser.add_argument("--cache-dir", help="where the SQLite database is kept")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--drop", action="store_true", help="PostgreSQL: drop the schema afterwards")
    parser.add_argument("--explain", action="store_true", help="print the industry view's query plans")
    parser.add_argument("--no-http", action="store_true", help="skip the pages and exports")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:  # the child of ensure_database: the URL is final
        build(args.database_url, args.n)
        return 0
    url = database_url(args)
    try:
        ensure_database(args, url)
        if args.build_only:
            return 0
        return run(args, url)
    finally:
        if args.drop and url.startswith("postgresql"):
            _pg_admin(args, f'DROP SCHEMA IF EXISTS "{pg_schema(args)}" CASCADE')
            print(f"dropped schema {pg_schema(args)}")


def run(args: argparse.Namespace, url: str) -> int:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    print(f"{engine.dialect.name}: {describe(factory)}")
    code, name, links, nodes = largest_chain(factory)
    print(
        f"largest chain {code} {name}: {links:,} enterprise links on {nodes} nodes; MAX_POINTS {views.MAX_POINTS}"
    )
    with factory() as s:
        users = {key: s.scalar(select(User).where(User.username == u)) for key, (u, _, _) in USERS.items()}
        actors = {key: actor_for(s, user) for key, user in users.items() if user is not None}
    rss_before = peak_mb()
    table = Table()
    t0 = time.perf_counter()
    time_views(factory, actors, code, args.runs, table)
    if not args.no_http:
        time_pages(url, engine, code, args.runs, table)
    table.print(
        f"{engine.dialect.name}, {args.n:,} enterprises, chain {code} ({links:,} links), "
        f"{args.runs} warm runs each"
    )
    print(
        f"\ntimed in {time.perf_counter() - t0:,.0f} s; peak RSS {peak_mb():,.0f} MB "
        f"({rss_before:,.0f} MB before the timings)"
    )
    print("within 1 s (p95): all" if not table.misses else "NOT within 1 s: " + "; ".join(table.misses))
    breakdown(engine, factory, actors, code)
    if args.explain:
        explain(engine, factory, actors, code)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
