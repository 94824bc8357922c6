"""Benchmark: matching technology demands against capability profiles, top 10 each.

    python -m bench.bench_match [--demands 10000] [--capabilities 100000]

Builds synthetic demands and profiles from the clauses of the labelled sets in tests/data/matching
(shuffled, with numbers varied by a seeded generator, so the vocabulary and lengths are those of
real texts), then times on one core: building the matcher (segmentation, the word and character
pair indexes, the atlas concepts), matching every demand, and one demand's matches as a page asks
for them (median and p95 of 50). Prints the figures and the peak memory; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from bench.common import peak_mb  # noqa: E402
from kechuang.matching.lexicon import builtin  # noqa: E402
from kechuang.matching.matcher import Doc, Matcher  # noqa: E402

DATA = Path(__file__).parents[1] / "tests" / "data" / "matching"
CLAUSE = re.compile(r"[^，。；！？\n]+[，。；！？]?")
NUMBER = re.compile(r"\d+(\.\d+)?")


def _clauses(kind: str) -> list[str]:
    out = []
    for path in sorted(DATA.glob(f"*/{kind}.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            out += CLAUSE.findall(json.loads(line)["text"])
    return out


def _texts(clauses: list[str], n: int, rng: random.Random, prefix: str) -> list[Doc]:
    def vary(m: re.Match[str]) -> str:
        return str(round(float(m.group(0)) * rng.uniform(0.5, 2.0), 1 if m.group(1) else None))

    docs = []
    for i in range(n):
        text = "".join(rng.sample(clauses, rng.randint(4, 10)))
        docs.append(Doc(f"{prefix}{i}", NUMBER.sub(vary, text)))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demands", type=int, default=10_000)
    ap.add_argument("--capabilities", type=int, default=100_000)
    args = ap.parse_args()
    rng = random.Random(7)
    demands = _texts(_clauses("demands"), args.demands, rng, "d")
    caps = _texts(_clauses("capabilities"), args.capabilities, rng, "c")
    chars = sum(len(d.text) for d in caps) / max(len(caps), 1)
    print(f"{len(demands):,} demands × {len(caps):,} capabilities (mean {chars:.0f} characters)")
    lexicon = builtin()
    t0 = time.perf_counter()
    matcher = Matcher(caps, lexicon=lexicon)
    built = time.perf_counter() - t0
    t1 = time.perf_counter()
    rankings = matcher.search(demands, top=10)
    searched = time.perf_counter() - t1
    one = []
    for d in demands[:50]:
        t = time.perf_counter()
        matcher.search([d], top=10)
        one.append(time.perf_counter() - t)
    one.sort()
    print(f"index build            {built:8.1f} s")
    print(f"match all demands      {searched:8.1f} s  ({len(rankings) / searched:,.0f} demands/s)")
    print(f"build + match          {built + searched:8.1f} s")
    print(
        f"one demand (page)      {statistics.median(one) * 1000:8.1f} ms median, {one[int(0.95 * len(one))] * 1000:.1f} ms p95"
    )
    print(f"peak memory            {peak_mb():8.0f} MB")


if __name__ == "__main__":
    main()
