"""Load test: concurrent clients over the main pages and the API of a running `kechuang serve`.

    python -m bench.load [--backend sqlite|postgresql|both] [--clients 50] [--seconds 60]
                         [--enterprises 12000] [--workers N]

For each database it loads the demo city into a fresh database, starts `kechuang serve --workers N`
(default: the number of cores) on a free local port, and runs CLIENTS clients for SECONDS seconds:
half the city's administrator, half the 邗江区 district operator, each logged in (pages through the
login form and its session cookie, the API through a bearer token) and requesting the main pages and
API endpoints in turn; every eighth request of a client is a write (one year's figures of an
enterprise it may edit, through the API). It prints per endpoint the requests, the errors (any status
but 200) and the p50 / p95 / p99 latency seen by the client, then the totals. Local only: the
server listens on 127.0.0.1 and the script fetches nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from bench.common import fresh_database
from kechuang.db import make_session_factory
from kechuang.demo.service import load_demo
from kechuang.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SECRET = "load-test-secret-" + "x" * 40
WRITE_EVERY = 8


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, label: str, seconds: float, status: int, detail: str = "") -> None:
        self.latencies[label].append(seconds)
        if status != 200:
            self.errors[label] += 1
            self.examples.setdefault(label, f"{status} {detail[:120]}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/login")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"the server at {base} did not come up")


async def page_client(base: str, username: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    page = await client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf, "no CSRF field on the login page"
    done = await client.post(
        "/login", data={"username": username, "password": password, "next": "/", "csrf_token": csrf.group(1)}
    )
    assert done.status_code == 303, f"login of {username} failed: {done.status_code}"
    return client


async def api_client(base: str, username: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    got = await client.post("/api/v1/auth/token", json={"username": username, "password": password})
    got.raise_for_status()
    client.headers["Authorization"] = f"Bearer {got.json()['access_token']}"
    return client


async def targets_for(api: httpx.AsyncClient) -> dict[str, object]:
    """Ids this user may see: enterprises, a chain, a project."""
    enterprises = (await api.get("/api/v1/enterprises", params={"page_size": 50})).json()["items"]
    chains = (await api.get("/api/v1/chains")).json()["items"]
    projects = (await api.get("/api/v1/projects")).json()["items"]
    return {
        "enterprises": [e["id"] for e in enterprises],
        "chain_id": chains[0]["id"],
        "chain_code": chains[0]["id"],
        "projects": [p["id"] for p in projects] or [0],
    }


def endpoints(ids: dict[str, object]) -> list[tuple[str, str, str]]:
    """(label, kind, path) in the order a client walks them; {e} and {p} are filled per request."""
    return [
        ("page /", "page", "/"),
        ("page /enterprises", "page", "/enterprises"),
        ("page /enterprises?q&sort", "page", "/enterprises?q=科技&sort=revenue"),
        ("page /enterprises/{id}", "page", "/enterprises/{e}"),
        ("page /ladder", "page", "/ladder"),
        ("page /points", "page", "/points"),
        ("page /atlas", "page", "/atlas"),
        ("page /atlas/chains/{code}", "page", f"/atlas/chains/{ids['chain_code']}"),
        ("page /projects", "page", "/projects"),
        ("page /projects/{id}", "page", "/projects/{p}"),
        ("page /targets", "page", "/targets"),
        ("api enterprises", "api", "/api/v1/enterprises?sort=revenue"),
        ("api enterprises/{id}", "api", "/api/v1/enterprises/{e}"),
        ("api projects", "api", "/api/v1/projects"),
        ("api chains/{id}/analysis", "api", f"/api/v1/chains/{ids['chain_id']}/analysis"),
        ("api me", "api", "/api/v1/me"),
    ]


@dataclass
class Client:
    pages: httpx.AsyncClient
    api: httpx.AsyncClient
    ids: dict[str, object]


async def log_in(base: str, username: str, password: str) -> Client:
    pages = await page_client(base, username, password)
    api = await api_client(base, username, password)
    return Client(pages, api, await targets_for(api))


async def one_client(
    logged_in: Client, start: asyncio.Event, seconds: float, tally: Tally, seed: int
) -> None:
    rng = random.Random(seed)
    pages, api, ids = logged_in.pages, logged_in.api, logged_in.ids
    await start.wait()
    stop_at = time.monotonic() + seconds
    walk = endpoints(ids)
    rng.shuffle(walk)
    enterprises: list[int] = ids["enterprises"]  # type: ignore[assignment]
    projects: list[int] = ids["projects"]  # type: ignore[assignment]
    n = 0
    try:
        while time.monotonic() < stop_at:
            n += 1
            if n % WRITE_EVERY == 0:
                label, client = "api PUT figures (write)", api
                method, path = "PUT", f"/api/v1/enterprises/{rng.choice(enterprises)}/figures/2015"
                body: dict[str, object] | None = {"employees": rng.randint(10, 500)}
            else:
                label, kind, template = walk[n % len(walk)]
                client = pages if kind == "page" else api
                method, body = "GET", None
                path = template.replace("{e}", str(rng.choice(enterprises))).replace(
                    "{p}", str(rng.choice(projects))
                )
            started = time.perf_counter()
            try:
                response = await client.request(method, path, json=body)
                tally.add(label, time.perf_counter() - started, response.status_code, response.text)
            except httpx.HTTPError as exc:
                tally.add(label, time.perf_counter() - started, 0, repr(exc))
    finally:
        await pages.aclose()
        await api.aclose()


async def run_clients(base: str, accounts: list[tuple[str, str]], clients: int, seconds: float) -> Tally:
    """Log every client in (the logins are not timed), then let them all run for ``seconds``."""
    tally = Tally()
    await wait_until_up(base)
    logged_in = await asyncio.gather(*(log_in(base, *accounts[i % len(accounts)]) for i in range(clients)))
    start = asyncio.Event()
    runs = [
        asyncio.create_task(one_client(c, start, seconds, tally, seed=i)) for i, c in enumerate(logged_in)
    ]
    start.set()
    await asyncio.gather(*runs)
    return tally


def report(backend: str, workers: int, clients: int, seconds: float, tally: Tally) -> int:
    print(f"\n## {backend}: {clients} clients, {seconds:.0f} s, {workers} worker processes")
    print("| endpoint | requests | errors | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|")
    total = errors = 0
    everything: list[float] = []
    for label in sorted(tally.latencies):
        values = tally.latencies[label]
        total += len(values)
        errors += tally.errors[label]
        everything += values
        p50, p95, p99 = (1000 * percentile(values, q) for q in (0.5, 0.95, 0.99))
        print(f"| {label} | {len(values)} | {tally.errors[label]} | {p50:.0f} | {p95:.0f} | {p99:.0f} |")
    p50, p95, p99 = (1000 * percentile(everything, q) for q in (0.5, 0.95, 0.99))
    print(f"| **all** | {total} | {errors} | {p50:.0f} | {p95:.0f} | {p99:.0f} |")
    print(f"throughput {total / seconds:.1f} requests/s; errors {errors}")
    for label, example in tally.examples.items():
        print(f"  first error on {label}: {example}")
    return errors


def run_backend(backend: str, args: argparse.Namespace) -> int:
    with fresh_database(backend) as engine:
        url = engine.url.render_as_string(hide_password=False)
        settings = Settings(database_url=url, secret_key=SECRET, in_process_worker=not args.no_jobs)
        started = time.perf_counter()
        creds = load_demo(
            engine,
            make_session_factory(engine, writer=True),
            settings,
            enterprises=args.enterprises,
            seed=2026,
            last_year=date.today().year - 1,
            say=lambda _: None,
        )
        print(
            f"{backend}: demo city of {args.enterprises:,} enterprises loaded in {time.perf_counter() - started:.1f} s"
        )
        engine.dispose()
        passwords = {c.username: c.password for c in creds}
        accounts = [("admin", passwords["admin"]), ("hanjiang", passwords["hanjiang"])]
        port = free_port()
        env = settings.child_environment(os.environ)
        load_settings(env)  # the server would refuse anything else; fail here with the same message
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kechuang.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            tally = asyncio.run(run_clients(f"http://127.0.0.1:{port}", accounts, args.clients, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
        return report(backend, args.workers, args.clients, args.seconds, tally)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--enterprises", type=int, default=12_000)
    parser.add_argument("--no-jobs", action="store_true", help="serve without the in-process job worker")
    parser.add_argument("--workers", type=int, default=max(1, os.cpu_count() or 1))
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    errors = sum(run_backend(b, args) for b in backends)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
