"""Ranking quality on a labelled set: nDCG@10, Recall@10 and MRR for the matcher's variants. Pure.

For one demand with graded labels g (0–3) and a ranking r_1 … r_k:

    DCG@k  = Σ_{i ≤ k} (2^{g(r_i)} − 1) / log2(i + 1),   nDCG@k = DCG@k / DCG@k of the ideal order
    Recall@k = |relevant in the top k| / |relevant|      relevant: grade ≥ 2
    MRR     = 1 / rank of the first relevant capability (0 when none is ranked)

each averaged over the demands that have a relevant capability. A set is a folder with
``demands.jsonl``, ``capabilities.jsonl`` and ``qrels.tsv`` (demand, capability, grade).

Variants: ``bm25`` is plain BM25 over rjieba's own segmentation (no lexicon, no synonyms, no
character pairs, no atlas); ``no-atlas`` is the matcher with its synonym table and character pairs
but without the atlas's vocabulary and concepts; ``full`` is the matcher as shipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kechuang.matching import lexicon as lexicons
from kechuang.matching.matcher import Matcher, Options, Ranking
from kechuang.matching.records import read_capabilities, read_demands

RELEVANT = 2
VARIANTS = ("bm25", "no-atlas", "full")


def dcg(gains: Sequence[int], k: int) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg(ranked: Sequence[str], labels: Mapping[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(labels.values(), reverse=True), k)
    return dcg([labels.get(c, 0) for c in ranked], k) / ideal if ideal > 0 else 0.0


def recall(ranked: Sequence[str], labels: Mapping[str, int], k: int = 10) -> float:
    relevant = {c for c, g in labels.items() if g >= RELEVANT}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], labels: Mapping[str, int]) -> float:
    return next((1 / (i + 1) for i, c in enumerate(ranked) if labels.get(c, 0) >= RELEVANT), 0.0)


@dataclass(frozen=True)
class Scores:
    ndcg10: float
    recall10: float
    mrr: float
    demands: int


def score(rankings: Sequence[Ranking], qrels: Mapping[str, Mapping[str, int]]) -> Scores:
    """The three measures averaged over the demands with at least one relevant capability."""
    rows = []
    for r in rankings:
        labels = qrels.get(r.id, {})
        if not any(g >= RELEVANT for g in labels.values()):
            continue
        ranked = [m.id for m in r.matches]
        rows.append((ndcg(ranked, labels), recall(ranked, labels), reciprocal_rank(ranked, labels)))
    n = len(rows) or 1
    means = [round(sum(col) / n, 3) for col in zip(*rows, strict=True)] if rows else [0.0, 0.0, 0.0]
    return Scores(means[0], means[1], means[2], demands=len(rows))


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number == 1 or not line.strip():
            continue
        demand, capability, grade = line.split("\t")
        out.setdefault(demand, {})[capability] = int(grade)
    return out


def matcher_for(variant: str, docs: Sequence, options: Options | None = None) -> Matcher:
    """The matcher of one variant (see the module's docstring) over ``docs``."""
    base = options or Options()
    if variant == "bm25":
        opts = Options(w_term=1.0, w_ngram=0.0, w_atlas=0.0, atlas=False, ngrams=False, related=0.0)
        return Matcher(docs, lexicon=lexicons.Lexicon(), options=opts)
    if variant == "no-atlas":
        opts = replace(base, atlas=False, w_atlas=0.0)
        return Matcher(docs, lexicon=lexicons.builtin(with_atlas=False), options=opts)
    return Matcher(docs, lexicon=lexicons.builtin(), options=base)


def evaluate(folder: Path, variant: str, options: Options | None = None, top: int = 10) -> Scores:
    """One variant's measures on the labelled set in ``folder``."""
    demands = read_demands((folder / "demands.jsonl").read_text(encoding="utf-8"), "demands.jsonl")
    caps = read_capabilities(
        (folder / "capabilities.jsonl").read_text(encoding="utf-8"), "capabilities.jsonl"
    )
    matcher = matcher_for(variant, [c.doc() for c in caps], options)
    return score(matcher.search([d.doc() for d in demands], top), read_qrels(folder / "qrels.tsv"))


def main() -> None:
    import sys

    folders = [Path(a) for a in sys.argv[1:]] or [Path("tests/data/matching/tune")]
    print(f"{'set':<10}{'variant':<10}{'nDCG@10':>9}{'Recall@10':>11}{'MRR':>7}{'demands':>9}")
    for folder in folders:
        for variant in VARIANTS:
            s = evaluate(folder, variant)
            print(
                f"{folder.name:<10}{variant:<10}{s.ndcg10:>9.3f}{s.recall10:>11.3f}{s.mrr:>7.3f}{s.demands:>9}"
            )


if __name__ == "__main__":
    main()
