"""Rank capabilities for demands (and demands for a capability), with the reasons for each match. Pure.

A query (a demand, or a capability looking for demands) is scored against every indexed document by
three evidences, each a share in [0, 1], weighted and added:

    score = w_term · bm25_words / ceiling_words      words: rjieba + lexicon, synonyms as one term,
                                                     related words at ``related`` of their weight
          + w_ngram · bm25_bigrams / ceiling_bigrams character pairs, for what segmentation misses
          + w_atlas · cos(concepts_q, concepts_d)    shared atlas chains, nodes and key items
                                                     (idf-weighted, item 1 · node ½ · chain ¼)

and, when a text model is configured, the shortlist is re-scored as
``(1 − w_model) · score + w_model · max(0, cos(embedding_q, embedding_d))``. Each addend is split
into reasons (``term``, ``result``, ``ngram``, ``atlas``, ``model``) whose weights sum to the score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from kechuang.matching.index import MIN_DF, Bm25
from kechuang.matching.lexicon import Lexicon, normal
from kechuang.matching.text import CJK_RUNS, Analyzer, bigrams

LEVEL_WEIGHT = {"item": 1.0, "node": 0.5, "chain": 0.25}
BLOCK = 256
TERM_REASONS = 6
SHORTLIST = 50
OTHERS = "其他"  # the reason that sums the evidence too small to list one by one


@dataclass(frozen=True)
class Options:
    """The matcher's knobs; ``atlas=False`` drops the atlas's vocabulary and concepts."""

    w_term: float = 0.75
    w_ngram: float = 0.15
    w_atlas: float = 0.10
    w_model: float = 0.30
    related: float = 0.7
    k1: float = 1.2
    b: float = 0.75
    ngram_max_df: float = 0.02
    concept_max_df: float = 0.05
    atlas: bool = True
    ngrams: bool = True


@dataclass(frozen=True)
class Doc:
    """A text to match: a demand (title, text, keywords) or a capability (name, text, keywords, results)."""

    id: str
    text: str
    results: tuple[str, ...] = ()
    chain: str | None = None


@dataclass(frozen=True)
class Reason:
    kind: str
    text: str
    weight: float


@dataclass(frozen=True)
class Match:
    id: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Ranking:
    id: str
    matches: tuple[Match, ...]


class Encoder(Protocol):
    """A text model: unit-length embeddings, one row per text."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass
class _Analysed:
    words: list[Counter[str]] = field(default_factory=list)
    result_words: list[frozenset[str]] = field(default_factory=list)
    surfaces: list[dict[str, str]] = field(default_factory=list)
    chains: list[str | None] = field(default_factory=list)


@dataclass
class _Block:
    """A block of queries as scored: their analysis, related words' origins, the BM25 query matrices
    with their ceilings and weights, and their atlas concepts."""

    seen: _Analysed
    origins: list[dict[str, str]]
    parts: dict[str, tuple[sp.csr_matrix, np.ndarray, float]]
    concepts: sp.csr_matrix | None = None


class Matcher:
    """Indexes documents once; ``search`` ranks them for any number of queries."""

    def __init__(
        self,
        docs: Sequence[Doc],
        *,
        lexicon: Lexicon,
        options: Options | None = None,
        encoder: Encoder | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.options = options or Options()
        self.lexicon = lexicon
        self.encoder = encoder
        self.analyzer = analyzer or Analyzer(lexicon)
        self.docs = list(docs)
        seen = self._analyse(self.docs)
        self._result_words = seen.result_words
        self._surfaces = seen.surfaces  # how a text wrote a term where it differs from the term
        opts = self.options
        self.words = Bm25((c.elements() for c in seen.words), k1=opts.k1, b=opts.b)
        self.grams = (
            Bm25((bigrams(_full(d)) for d in self.docs), k1=opts.k1, b=opts.b, max_df=opts.ngram_max_df)
            if opts.ngrams
            else None
        )
        df = np.bincount(self.words.weights.indices, minlength=len(self.words.vocab.terms))
        limit = max(opts.concept_max_df * len(self.docs), MIN_DF)
        self._common = frozenset(t for t, n in zip(self.words.vocab.terms, df, strict=True) if n > limit)
        self._concept_ids: dict[str, int] = {c: i for i, c in enumerate(lexicon.concepts)}
        self._concept_names = list(self._concept_ids)
        counts = self._concepts(seen)
        self._concept_idf = _concept_idf(counts, self._concept_ids)
        self.concepts = self._concept_matrix(counts)
        self._embeddings = encoder.encode([_full(d) for d in self.docs]) if encoder else None

    # -- analysis ---------------------------------------------------------------------------------
    def _analyse(self, docs: Sequence[Doc]) -> _Analysed:
        out = _Analysed()
        for d in docs:
            main = self.analyzer.surface(d.text)
            res = self.analyzer.surface(" ".join(d.results)) if d.results else []
            words = Counter(t for _, t in main) + Counter(t for _, t in res)
            out.words.append(words)
            out.result_words.append(frozenset(t for _, t in res) - {t for _, t in main})
            out.surfaces.append({t: w for w, t in reversed(main + res) if w != t})
            out.chains.append(d.chain)
        return out

    def _concepts(self, seen: _Analysed) -> list[dict[str, float]]:
        """Each text's atlas concepts: the chains, nodes and items its specific terms name."""
        if not self.options.atlas:
            return [{} for _ in seen.words]
        lex = self.lexicon
        out = []
        for words, chain in zip(seen.words, seen.chains, strict=True):
            concepts = concept_weights(lex, words, self._common)
            named = lex.chain_concept(chain)
            if named:
                concepts[named] = concepts.get(named, 0.0) + 3
            out.append(concepts)
        return out

    def _concept_matrix(self, counts: Sequence[dict[str, float]]) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        lex = self.lexicon
        for r, cnt in enumerate(counts):
            for c, n in cnt.items():
                i = self._concept_ids[c]
                rows.append(r)
                cols.append(i)
                vals.append(LEVEL_WEIGHT[lex.concepts[c].level] * (1 + math.log(n)) * self._concept_idf[i])
        m = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(counts), len(self._concept_ids))
        )
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1 / norms) @ m)

    def _query_words(self, words: Counter[str]) -> tuple[dict[str, float], dict[str, str]]:
        """Query term weights ``1 + ln tf``, and related words at a lower weight (with their origin)."""
        weights = {t: 1 + math.log(n) for t, n in words.items()}
        origin: dict[str, str] = {}
        for t, w in list(weights.items()):
            for r in self.lexicon.related.get(t, ()):
                if r not in weights:
                    weights[r] = w * self.options.related
                    origin[r] = t
        return weights, origin

    # -- search -----------------------------------------------------------------------------------
    def search(self, queries: Sequence[Doc], top: int = 10) -> list[Ranking]:
        """Rank the indexed documents for each query, best first, at most ``top`` each."""
        out: list[Ranking] = []
        for start in range(0, len(queries), BLOCK):
            out.extend(self._search_block(list(queries[start : start + BLOCK]), top))
        return out

    def _score_block(self, queries: list[Doc]) -> tuple[np.ndarray, _Block]:
        """Queries × documents scores (dense), and what the reasons need."""
        seen = self._analyse(queries)
        expanded = [self._query_words(w) for w in seen.words]
        q_words = self.words.queries([w for w, _ in expanded])
        own = self.words.queries([{t: w for t, w in q.items() if t not in o} for q, o in expanded])
        opts = self.options
        block = _Block(
            seen, [o for _, o in expanded], {"term": (q_words, self.words.ceiling(own), opts.w_term)}
        )
        dense = _scaled(self.words.scores(q_words), self.words.ceiling(own), opts.w_term).toarray()
        if self.grams is not None:
            q_grams = self.grams.queries([dict(Counter(bigrams(_full(q)))) for q in queries])
            g_ceiling = self.grams.ceiling(q_grams)
            dense += _scaled(self.grams.scores(q_grams), g_ceiling, opts.w_ngram).toarray()
            block.parts["ngram"] = (q_grams, g_ceiling, opts.w_ngram)
        if opts.atlas:
            block.concepts = self._concept_matrix(self._concepts(seen))
            dense += opts.w_atlas * (block.concepts @ self.concepts.T).toarray()
        return dense, block

    def _search_block(self, queries: list[Doc], top: int) -> list[Ranking]:
        dense, block = self._score_block(queries)
        shortlists = _tops(dense, SHORTLIST if self.encoder else top)
        rankings = []
        for row, query in enumerate(queries):
            shortlist = shortlists[row]
            model = self._model_scores(query, shortlist) if self.encoder is not None else None
            runs = CJK_RUNS.findall(normal(_full(query)))
            matches = [self._match(block, row, int(d), runs, model) for d in shortlist]
            matches.sort(key=lambda m: (-m.score, m.id))
            rankings.append(Ranking(query.id, tuple(matches[:top])))
        return rankings

    def _model_scores(self, query: Doc, shortlist: np.ndarray) -> dict[int, float]:
        assert self.encoder is not None and self._embeddings is not None
        q = self.encoder.encode([_full(query)])[0]
        sims = self._embeddings[shortlist] @ q
        return {int(d): max(0.0, float(s)) for d, s in zip(shortlist, sims, strict=True)}

    # -- reasons ----------------------------------------------------------------------------------
    def _shares(self, block: _Block, key: str, index: Bm25 | None, row: int, doc: int) -> dict[str, float]:
        """Each shared term's (or character pair's) part of the score."""
        if key not in block.parts or index is None:
            return {}
        q, ceiling, weight = block.parts[key]
        if ceiling[row] <= 0:
            return {}
        share = weight / float(ceiling[row])
        return {t: v * share for t, v in index.contributions(q, row, doc).items()}

    def _match(
        self, block: _Block, row: int, doc: int, runs: list[str], model: dict[int, float] | None
    ) -> Match:
        words = self._shares(block, "term", self.words, row, doc)
        reasons = (
            self._term_reasons(words, block.seen.surfaces[row], block.origins[row], doc) if words else []
        )
        grams = self._shares(block, "ngram", self.grams, row, doc)
        reasons += _ngram_reasons(grams, runs) if grams else []
        if block.concepts is not None:
            reasons += self._atlas_reasons(block.concepts, row, doc)
        if model is not None:
            reasons = self._with_model(reasons, model[doc])
        score = sum(r.weight for r in reasons)
        ordered = sorted(reasons, key=lambda r: (OTHERS in r.text, -r.weight))
        kept = tuple(Reason(r.kind, r.text, round(r.weight, 4)) for r in ordered if r.weight > 0)
        return Match(self.docs[doc].id, round(min(score, 1.0), 4), kept)

    def _with_model(self, reasons: list[Reason], sim: float) -> list[Reason]:
        assert self.encoder is not None
        w = self.options.w_model
        scaled = [replace(r, weight=r.weight * (1 - w)) for r in reasons]
        return [*scaled, Reason("model", f"文本模型（{self.encoder.name}）相似度 {sim:.2f}", w * sim)]

    def _term_reasons(
        self, contrib: dict[str, float], q_surface: dict[str, str], origin: dict[str, str], doc: int
    ) -> list[Reason]:
        d_surface = self._surfaces[doc]
        in_results = self._result_words[doc]
        reasons: list[Reason] = []
        result_terms: dict[str, float] = {}
        for term, w in sorted(contrib.items(), key=lambda kv: -kv[1]):
            if term in in_results:
                result_terms[term] = w
                continue
            reasons.append(Reason("term", self._term_text(term, q_surface, d_surface, origin), w))
        if len(reasons) > TERM_REASONS:
            rest = reasons[TERM_REASONS:]
            reasons = reasons[:TERM_REASONS] + [
                Reason(
                    "term",
                    f"其他共有词 {len(rest)} 个：" + "、".join(r.text for r in rest[:5]),
                    sum(r.weight for r in rest),
                )
            ]
        if result_terms:
            reasons.append(self._result_reason(doc, result_terms, d_surface))
        return reasons

    def _term_text(
        self, term: str, q_surface: dict[str, str], d_surface: dict[str, str], origin: dict[str, str]
    ) -> str:
        def shown(surface: dict[str, str], t: str) -> str:
            written = surface.get(t, t)
            return self.lexicon.display.get(written, written)

        if term in origin:
            return f"{shown(q_surface, origin[term])} ~ {shown(d_surface, term)}（相关词）"
        a, b = shown(q_surface, term), shown(d_surface, term)
        return a if a == b else f"{a} = {b}（同义）"

    def _result_reason(self, doc: int, terms: dict[str, float], d_surface: dict[str, str]) -> Reason:
        results = self.docs[doc].results
        words = [d_surface.get(t, t) for t in terms]
        best = max(results, key=lambda r: sum(1 for w in words if w in r.lower()))
        return Reason("result", f"成果：{best}（{'、'.join(words[:4])}）", sum(terms.values()))

    def _atlas_reasons(self, q_concepts: sp.csr_matrix, row: int, doc: int) -> list[Reason]:
        qs = slice(q_concepts.indptr[row], q_concepts.indptr[row + 1])
        ds = slice(self.concepts.indptr[doc], self.concepts.indptr[doc + 1])
        q_idx, q_val = q_concepts.indices[qs], q_concepts.data[qs]
        d_idx, d_val = self.concepts.indices[ds], self.concepts.data[ds]
        common, qi, di = np.intersect1d(q_idx, d_idx, assume_unique=True, return_indices=True)
        if not len(common):
            return []
        names = self._concept_names
        lex = self.lexicon
        weight: dict[str, float] = {}
        for c, a, b in zip(common, qi, di, strict=True):
            weight[names[c]] = self.options.w_atlas * float(q_val[a] * d_val[b])
        out = _to_deepest(weight, lex)
        return [Reason("atlas", lex.concepts[c].label, w) for c, w in out.items()]


def concept_weights(
    lex: Lexicon, words: Counter[str], common: frozenset[str] = frozenset()
) -> dict[str, float]:
    """The atlas concepts a text names, with their evidence: each specific term naming a concept adds 1
    (½ for a two-character term) per occurrence, counting two at most; a concept needs evidence ≥ 1, and
    passes it to its node and chain."""
    evidence: dict[str, float] = {}
    for term, n in words.items():
        if term in common:
            continue
        for c in lex.term_concepts.get(term, ()):
            evidence[c] = evidence.get(c, 0.0) + (1.0 if len(term) >= 3 else 0.5) * min(n, 2)
    concepts: dict[str, float] = {}
    for c, e in evidence.items():
        if e >= 1.0:
            for a in lex.ancestors(c):
                concepts[a] = concepts.get(a, 0.0) + e
    return concepts


@dataclass(frozen=True)
class Suggestion:
    code: str
    chain: str
    label: str
    weight: float


def suggest_nodes(
    analyzer: Analyzer, text: str, *, chain: str | None = None, top: int = 3
) -> list[Suggestion]:
    """The atlas nodes a text is most about (for a demand's 所属节点, editable), best first."""
    lex = analyzer.lexicon
    weights = concept_weights(lex, Counter(analyzer.terms(text)))
    nodes = []
    for cid, w in weights.items():
        concept = lex.concepts[cid]
        if concept.level != "node" or concept.parent is None:
            continue
        chain_code = concept.parent.removeprefix("chain:")
        if chain and chain != chain_code:
            continue
        nodes.append(Suggestion(cid.removeprefix("node:"), chain_code, concept.label, w))
    nodes.sort(key=lambda s: (-s.weight, s.code))
    return nodes[:top]


def _to_deepest(weight: dict[str, float], lex: Lexicon) -> dict[str, float]:
    """A chain's or a node's part given to the most specific shared concept below it."""
    anc = {c: lex.ancestors(c) for c in weight}
    deepest = [c for c in weight if not any(x != c and c in anc[x] for x in weight)]
    out = {c: weight[c] for c in deepest}
    for c in weight:
        if c not in out:
            target = max((x for x in deepest if c in anc[x]), key=lambda x: weight[x])
            out[target] += weight[c]
    return out


def _full(d: Doc) -> str:
    return d.text + ("\n" + "\n".join(d.results) if d.results else "")


def _scaled(scores: sp.csr_matrix, ceiling: np.ndarray, weight: float) -> sp.csr_matrix:
    inv = np.divide(weight, ceiling, out=np.zeros_like(ceiling, dtype=np.float64), where=ceiling > 0)
    return sp.csr_matrix(sp.diags(inv.astype(np.float32)) @ scores)


def _tops(scores: np.ndarray, k: int) -> list[np.ndarray]:
    """Each row's best ``k`` columns with a score above 0, best first (ties by column)."""
    k = min(k, scores.shape[1])
    if k == 0:
        return [np.zeros(0, dtype=np.int64) for _ in range(scores.shape[0])]
    best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    out = []
    for row, idx in enumerate(best):
        idx = idx[scores[row, idx] > 0]
        out.append(idx[np.lexsort((idx, -scores[row, idx]))])
    return out


def _concept_idf(counts: Sequence[dict[str, float]], ids: dict[str, int]) -> np.ndarray:
    df = np.zeros(len(ids), dtype=np.float64)
    for cnt in counts:
        for c in cnt:
            df[ids[c]] += 1
    n = max(len(counts), 1)
    return np.log1p((n - df + 0.5) / (df + 0.5))


def _spans(contrib: dict[str, float], runs: list[str]) -> dict[str, float]:
    """The runs of the query's text covered by shared character pairs, each with their weight; the
    pairs used are taken out of ``contrib``."""
    spans: dict[str, float] = {}
    for run in runs:
        i = 0
        while i < len(run) - 1:
            j = i
            while j < len(run) - 1 and run[j : j + 2] in contrib:
                j += 1
            if j == i:
                i += 1
                continue
            grams = {run[k : k + 2] for k in range(i, j)}
            spans[run[i : j + 1]] = spans.get(run[i : j + 1], 0.0) + sum(
                contrib.pop(g) for g in grams if g in contrib
            )
            i = j
    return spans


def _ngram_reasons(contrib: dict[str, float], runs: list[str]) -> list[Reason]:
    """Shared character pairs joined into the runs they form in the query's Chinese ``runs`` (涡轮 + 轮盘 →
    涡轮盘)."""
    left = dict(contrib)
    spans = _spans(left, runs)
    ordered = sorted(((t, w) for t, w in spans.items() if w > 0), key=lambda s: (-len(s[0]), -s[1]))
    reasons = [Reason("ngram", f"字面相近：{t}", w) for t, w in ordered[:3]]
    rest = sum(w for _, w in ordered[3:]) + sum(left.values())
    if rest > 0:
        reasons.append(Reason("ngram", f"字面相近：其他 {len(ordered[3:]) or len(left)} 处", rest))
    return reasons
