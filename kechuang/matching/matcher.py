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

Queries are scored a block at a time against every document (a dense block × documents array), and
only each query's best documents are explained: their reasons come from the products of the query's
and the document's weights for the terms they share.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple, Protocol

import numpy as np
import scipy.sparse as sp

from kechuang.matching.index import MIN_DF, Bm25, Counts, pair_products, scaled_sum, wide_indices
from kechuang.matching.lexicon import Lexicon, normal
from kechuang.matching.text import CJK_PAIRS, Analyzer, bigrams, normal_bigrams

LEVEL_WEIGHT = {"item": 1.0, "node": 0.5, "chain": 0.25}
BLOCK = 256
TERM_REASONS = 6
SHORTLIST = 50
OTHERS = "其他"  # the reason that sums the evidence too small to list one by one
TOP_SLICES = 64  # _tops cuts each row into about TOP_SLICES · k slices
_TERM = itemgetter(1)  # of a (word, term) pair


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


_Shares = tuple[dict[str, float], dict[str, float], dict[str, float]]  # terms, character pairs, concepts


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
        opts = self.options
        seen, words, grams = self._index(self.docs)
        self._result_words = seen.result_words
        self._surfaces = seen.surfaces  # how a text wrote a term where it differs from the term
        counts, vocab = words.matrix()
        self.words = Bm25.of_counts(counts, vocab, k1=opts.k1, b=opts.b)
        self.grams = (
            Bm25.of_counts(*grams.matrix(), k1=opts.k1, b=opts.b, max_df=opts.ngram_max_df)
            if grams is not None
            else None
        )
        df = np.diff(self.words.by_term.indptr)
        limit = max(opts.concept_max_df * len(self.docs), MIN_DF)
        self._common = frozenset(t for t, n in zip(vocab.terms, df, strict=True) if n > limit)
        self._concept_ids: dict[str, int] = {c: i for i, c in enumerate(lexicon.concepts)}
        self._concept_names = list(self._concept_ids)
        self._nesting = lru_cache(maxsize=1 << 16)(partial(_nesting, lexicon))
        concepts = self._index_concepts(counts, vocab.terms, seen.chains)
        del counts
        self._concept_idf = _concept_idf(concepts, self._concept_ids)
        self.concepts = self._concept_matrix(concepts).T.tocsr()  # concepts × documents
        wide_indices(self.concepts)
        self._embeddings = encoder.encode([_full(d) for d in self.docs]) if encoder else None

    # -- analysis ---------------------------------------------------------------------------------
    def _read(self, d: Doc, text: str) -> tuple[Counter[str], frozenset[str], dict[str, str]]:
        """A text's term counts, the terms only its results use, and how it first wrote each term it
        wrote differently; ``text`` is ``normal(d.text)``."""
        main = self.analyzer.normal_surface(text)
        res = self.analyzer.surface(" ".join(d.results)) if d.results else []
        words = Counter(map(_TERM, main))
        words.update(map(_TERM, res))
        only_results = frozenset(map(_TERM, res)).difference(map(_TERM, main)) if res else frozenset()
        return words, only_results, {t: w for w, t in reversed(main + res) if w != t}

    def _analyse(self, docs: Sequence[Doc]) -> _Analysed:
        out = _Analysed()
        for d in docs:
            words, only_results, written = self._read(d, normal(d.text))
            out.words.append(words)
            out.result_words.append(only_results)
            out.surfaces.append(written)
            out.chains.append(d.chain)
        return out

    def _index(self, docs: Sequence[Doc]) -> tuple[_Analysed, Counts, Counts | None]:
        """``_analyse`` of the documents, their words and character pairs counted (not kept)."""
        out, words = _Analysed(), Counts()
        grams = Counts() if self.options.ngrams else None
        for d in docs:
            text = normal(d.text)
            counted, only_results, written = self._read(d, text)
            words.add(counted)
            out.result_words.append(only_results)
            out.surfaces.append(written)
            out.chains.append(d.chain)
            if grams is not None:  # bigrams(_full(d)), without normalising the text again
                grams.add(bigrams(_full(d)) if d.results else normal_bigrams(text))
        return out, words, grams

    def _concepts(self, seen: _Analysed) -> list[dict[str, float]]:
        """Each text's atlas concepts: the chains, nodes and items its specific terms name."""
        if not self.options.atlas:
            return [{} for _ in seen.words]
        return [
            self._with_chain(concept_weights(self.lexicon, words, self._common), chain)
            for words, chain in zip(seen.words, seen.chains, strict=True)
        ]

    def _index_concepts(
        self, counts: sp.csr_matrix, terms: list[str], chains: list[str | None]
    ) -> list[dict[str, float]]:
        """``_concepts`` of the indexed texts, from their term counts (documents × terms)."""
        if not self.options.atlas:
            return [{} for _ in chains]
        lex = self.lexicon
        naming = np.flatnonzero([t in lex.term_concepts and t not in self._common for t in terms])
        named = counts[:, naming]  # the counts of the terms that name a concept, columns renumbered
        names = [terms[c] for c in naming.tolist()]
        out = []
        for r, chain in enumerate(chains):
            s = slice(named.indptr[r], named.indptr[r + 1])
            words = dict(
                zip([names[c] for c in named.indices[s].tolist()], named.data[s].tolist(), strict=True)
            )
            out.append(self._with_chain(concept_weights(lex, words), chain))
        return out

    def _with_chain(self, concepts: dict[str, float], chain: str | None) -> dict[str, float]:
        """The concepts with the text's own chain field, if the atlas knows it, at evidence 3."""
        named = self.lexicon.chain_concept(chain)
        if named:
            concepts[named] = concepts.get(named, 0.0) + 3
        return concepts

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
        ceiling = self.words.ceiling(
            self.words.queries([{t: w for t, w in q.items() if t not in o} for q, o in expanded])
        )
        opts = self.options
        block = _Block(seen, [o for _, o in expanded], {"term": (q_words, ceiling, opts.w_term)})
        parts = [(q_words, self.words.by_term, _inverse(ceiling, opts.w_term))]
        if self.grams is not None:
            q_grams = self.grams.queries([dict(Counter(bigrams(_full(q)))) for q in queries])
            g_ceiling = self.grams.ceiling(q_grams)
            block.parts["ngram"] = (q_grams, g_ceiling, opts.w_ngram)
            parts.append((q_grams, self.grams.by_term, _inverse(g_ceiling, opts.w_ngram)))
        if opts.atlas:
            block.concepts = self._concept_matrix(self._concepts(seen))
            parts.append(
                (block.concepts, self.concepts, np.full(len(queries), opts.w_atlas, dtype=np.float32))
            )
        return scaled_sum(parts), block

    def _search_block(self, queries: list[Doc], top: int) -> list[Ranking]:
        dense, block = self._score_block(queries)
        shortlists = _tops(dense, SHORTLIST if self.encoder else top)
        del dense
        shares = self._pair_shares(block, shortlists)
        rankings = []
        for row, (query, shortlist) in enumerate(zip(queries, shortlists, strict=True)):
            model = self._model_scores(query, shortlist) if self.encoder is not None else None
            pairs = _pairs_of(normal(_full(query)))
            matches = [self._match(block, row, int(d), pairs, model, next(shares)) for d in shortlist]
            matches.sort(key=lambda m: (-m.score, m.id))
            rankings.append(Ranking(query.id, tuple(matches[:top])))
        return rankings

    def _model_scores(self, query: Doc, shortlist: np.ndarray) -> dict[int, float]:
        assert self.encoder is not None and self._embeddings is not None
        q = self.encoder.encode([_full(query)])[0]
        sims = self._embeddings[shortlist] @ q
        return {int(d): max(0.0, float(s)) for d, s in zip(shortlist, sims, strict=True)}

    # -- reasons ----------------------------------------------------------------------------------
    def _pair_shares(self, block: _Block, shortlists: list[np.ndarray]) -> Iterator[_Shares]:
        """For each query's shortlisted documents in turn: each shared term's, character pair's and
        concept's part of the score."""
        rows = np.repeat(np.arange(len(shortlists)), [len(s) for s in shortlists])
        docs = np.concatenate(shortlists)
        words = self._shares(block, "term", self.words, rows, docs)
        grams = self._shares(block, "ngram", self.grams, rows, docs)
        if block.concepts is None:
            return zip(words, grams, ({} for _ in rows), strict=True)
        names, w = self._concept_names, self.options.w_atlas
        concepts = (
            {names[c]: w * v for c, v in zip(cols.tolist(), vals.tolist(), strict=True)}
            for cols, vals in pair_products(block.concepts, self.concepts, rows, docs)
        )
        return zip(words, grams, concepts, strict=True)

    def _shares(
        self, block: _Block, key: str, index: Bm25 | None, rows: np.ndarray, docs: np.ndarray
    ) -> list[dict[str, float]]:
        """Each shared term's (or character pair's) part of the score of each (query row, document)."""
        if key not in block.parts or index is None:
            return [{} for _ in rows]
        q, ceiling, weight = block.parts[key]
        out: list[dict[str, float]] = []
        for row, contrib in zip(rows.tolist(), index.contributions(q, rows, docs), strict=True):
            most = float(ceiling[row])
            if most <= 0:
                out.append({})
                continue
            share = weight / most
            out.append({t: v * share for t, v in contrib.items()})
        return out

    def _match(
        self,
        block: _Block,
        row: int,
        doc: int,
        pairs: _Pairs,
        model: dict[int, float] | None,
        shares: _Shares,
    ) -> Match:
        words, grams, concepts = shares
        reasons = (
            self._term_reasons(words, block.seen.surfaces[row], block.origins[row], doc) if words else []
        )
        reasons += _ngram_reasons(grams, pairs) if grams else []
        reasons += self._atlas_reasons(concepts) if concepts else []
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

    def _atlas_reasons(self, weight: dict[str, float]) -> list[Reason]:
        """The shared concepts, each chain's or node's part given to the deepest shared concept below."""
        concepts = self.lexicon.concepts
        return [Reason("atlas", concepts[c].label, w) for c, w in _to_deepest(weight, self._nesting).items()]


def concept_weights(
    lex: Lexicon, words: Mapping[str, float], common: frozenset[str] = frozenset()
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


def _to_deepest(weight: dict[str, float], nesting: Callable[[tuple[str, ...]], _Nesting]) -> dict[str, float]:
    """A chain's or a node's part given to the most specific shared concept below it."""
    deepest, above = nesting(tuple(weight))
    out = {c: weight[c] for c in deepest}
    for c, below in above:
        out[max(below, key=weight.__getitem__)] += weight[c]
    return out


_Nesting = tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]


def _nesting(lex: Lexicon, concepts: tuple[str, ...]) -> _Nesting:
    """Of shared concepts: the most specific ones (none of the others below them), and each of the
    others with the most specific ones below it."""
    anc = {c: lex.ancestors(c) for c in concepts}
    deepest = tuple(c for c in concepts if not any(x != c and c in anc[x] for x in concepts))
    return deepest, tuple((c, tuple(x for x in deepest if c in anc[x])) for c in concepts if c not in deepest)


def _full(d: Doc) -> str:
    return d.text + ("\n" + "\n".join(d.results) if d.results else "")


def _inverse(ceiling: np.ndarray, weight: float) -> np.ndarray:
    """``weight / ceiling`` (0 where the ceiling is 0), the factor of each query's row of scores."""
    inv = np.divide(weight, ceiling, out=np.zeros_like(ceiling, dtype=np.float64), where=ceiling > 0)
    return inv.astype(np.float32)


def _tops(scores: np.ndarray, k: int) -> list[np.ndarray]:
    """Each row's best ``k`` columns with a score above 0, best first (ties by column).

    Only the candidates of ``_candidates`` are sorted. When the k-th and the (k+1)-th best tie, the
    row is left to ``_top``, so that np.argpartition chooses among them as it always has."""
    n_rows, n = scores.shape
    k = min(k, n)
    if k == 0:
        return [np.zeros(0, dtype=np.int64) for _ in range(n_rows)]
    rows, cols = _candidates(scores, k)
    vals = scores[rows, cols]
    order = np.lexsort((cols, -vals, rows))
    cols, vals = cols[order], vals[order]
    bounds = np.searchsorted(rows, np.arange(n_rows + 1)).tolist()
    return [
        _top(scores[r], k)
        if end - start > k and vals[start + k - 1] == vals[start + k]
        else cols[start : min(end, start + k)]
        for r, (start, end) in enumerate(pairwise(bounds))
    ]


def _candidates(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every score above 0 and at least its row's floor, row by row: the floor is the
    k-th best of the maxima of the row's slices (at least k of them), below which no score can be
    among the row's k best, so only the slices reaching it are looked at."""
    n = scores.shape[1]
    step = max(n // (TOP_SLICES * k), 1)
    starts = np.arange(0, n, step)
    maxima = np.maximum.reduceat(scores, starts, axis=1)
    floor = np.partition(maxima, len(starts) - k, axis=1)[:, len(starts) - k]
    floor = np.maximum(floor, np.nextafter(scores.dtype.type(0), scores.dtype.type(1)))  # above 0
    rows, slices = np.nonzero(maxima >= floor[:, None])
    cols = (starts[slices, None] + np.arange(step)).ravel()
    rows = np.repeat(rows, step)
    rows, cols = rows[cols < n], cols[cols < n]
    keep = scores[rows, cols] >= floor[rows]
    return rows[keep], cols[keep]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """One row's best ``k`` columns with a score above 0, best first (ties by column), over the whole row."""
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[scores[idx] > 0]
    return idx[np.lexsort((idx, -scores[idx]))]


def _concept_idf(counts: Sequence[dict[str, float]], ids: dict[str, int]) -> np.ndarray:
    df = np.zeros(len(ids), dtype=np.float64)
    for cnt in counts:
        for c in cnt:
            df[ids[c]] += 1
    n = max(len(counts), 1)
    return np.log1p((n - df + 0.5) / (df + 0.5))


class _Pairs(NamedTuple):
    """A query's text in normal form, and where each character pair of its Chinese runs starts in it."""

    text: str
    where: dict[str, list[int]]


def _pairs_of(text: str) -> _Pairs:
    where: dict[str, list[int]] = {}
    for m in CJK_PAIRS.finditer(text):
        where.setdefault(m.group(1), []).append(m.start())
    return _Pairs(text, where)


def _spans(contrib: dict[str, float], pairs: _Pairs) -> dict[str, float]:
    """The runs of the query's text covered by shared character pairs, each with their weight; the
    pairs used are taken out of ``contrib``. Read left to right, a stretch of pairs in a row ends at
    the first pair not (or no longer) in ``contrib``; only the positions of shared pairs are visited."""
    text = pairs.text
    spans: dict[str, float] = {}
    start = end = 0
    for p in sorted(p for g in contrib for p in pairs.where.get(g, ())):
        if p == end > start and text[p : p + 2] in contrib:
            end += 1
            continue
        _take(contrib, spans, text, start, end)
        start, end = p, p + 1 if text[p : p + 2] in contrib else p
    _take(contrib, spans, text, start, end)
    return spans


def _take(contrib: dict[str, float], spans: dict[str, float], text: str, start: int, end: int) -> None:
    """Adds to ``spans`` the text covered by the pairs starting from ``start`` to ``end`` (excluded)
    with their weight, taken out of ``contrib``."""
    if end > start:
        grams = {text[k : k + 2] for k in range(start, end)}
        span = text[start : end + 1]
        spans[span] = spans.get(span, 0.0) + sum(contrib.pop(g) for g in grams if g in contrib)


def _ngram_reasons(contrib: dict[str, float], pairs: _Pairs) -> list[Reason]:
    """Shared character pairs joined into the runs they form in the query's text (涡轮 + 轮盘 → 涡轮盘)."""
    left = dict(contrib)
    spans = _spans(left, pairs)
    ordered = sorted(((t, w) for t, w in spans.items() if w > 0), key=lambda s: (-len(s[0]), -s[1]))
    reasons = [Reason("ngram", f"字面相近：{t}", w) for t, w in ordered[:3]]
    rest = sum(w for _, w in ordered[3:]) + sum(left.values())
    if rest > 0:
        reasons.append(Reason("ngram", f"字面相近：其他 {len(ordered[3:]) or len(left)} 处", rest))
    return reasons
