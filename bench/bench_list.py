"""Benchmark: the enterprise list page's query with 1,000,000 enterprises, for every filter it offers.

    python -m bench.bench_list [--enterprises 1000000] [--backends sqlite,postgresql]

Loads the generated demo city (bulk) into a fresh database, then times ``list_enterprises`` (count +
page) as an admin and as a district operator for each filter and sort combination; prints the
median of 5 runs in milliseconds. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

from kechuang.auth.scope import SYSTEM, Actor
from kechuang.choices import Role
from kechuang.db import make_session_factory, transaction
from kechuang.demo.city import load_city
from kechuang.enterprises.service import EnterpriseQuery, list_enterprises

from .common import fresh_database, peak_mb

FILTERS = {
    "none": {},
    "search name": {"q": "智能"},
    "search uscc": {"q": "91321003"},
    "district": {"region_code": "321012"},
    "title hnte": {"title": "hnte"},
    "industry C38": {"industry": "C38"},
    "size small": {"size_class": "small"},
    "district+title+industry": {"region_code": "321003", "title": "hnte", "industry": "C3"},
    "search+district+size": {"q": "科技", "region_code": "321002", "size_class": "micro"},
}
SORTS = ["name", "revenue"]


def _time(factory, actor: Actor, query: EnterpriseQuery) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        with transaction(factory) as s:
            list_enterprises(s, actor=actor, query=query)
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--database-url", help="time an existing database instead of loading a fresh one")
    args = parser.parse_args()
    district = Actor(
        user_id=None,
        username="bench",
        role=Role.district,
        region_code="321003",
        region_codes=frozenset({"321003", "32100301", "32100302", "32100303"}),
    )
    for backend in args.backends.split(","):
        with fresh_database(backend) as engine:
            factory = make_session_factory(engine)
            t0 = time.perf_counter()
            with transaction(factory) as s:
                load_city(s, n=args.enterprises, seed=2026, last_year=2025)
            print(
                f"{backend}: loaded {args.enterprises:,} enterprises in {time.perf_counter() - t0:.0f} s "
                f"(peak RSS {peak_mb():,.0f} MB)"
            )
            worst = 0.0
            for (label, filters), sort, (who, actor) in itertools.product(
                FILTERS.items(), SORTS, [("admin", SYSTEM), ("district", district)]
            ):
                ms = _time(factory, actor, EnterpriseQuery(**filters, sort=sort, page=3))
                worst = max(worst, ms)
                print(f"  {backend:<10} {who:<8} {label:<26} sort={sort:<8} {ms:8.1f} ms")
            print(f"{backend}: slowest combination {worst:.1f} ms")


if __name__ == "__main__":
    main()
