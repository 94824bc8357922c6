"""Okapi BM25 over sparse matrices: every document scored against a block of queries at once. Pure.

For a query q with term weights w_t and a document d:

    bm25(q, d) = Σ_t w_t · idf_t · tf_td · (k1 + 1) / (tf_td + k1 · (1 − b + b · |d| / avg|d|))
    idf_t      = ln(1 + (N − df_t + 0.5) / (df_t + 0.5))

and its share of the most the query could score, ``bm25 / Σ_t w_t · idf_t · (k1 + 1)``, lies in
[0, 1]: the matcher adds these shares. Terms found in more than ``max_df`` of the documents (and in
more than ``MIN_DF`` documents, so that a small collection keeps its words) are dropped: they match
everything and cost the most.

The weights are kept once, terms × documents (``Bm25.by_term``): ``scaled_sum`` scores blocks of
queries against every document, ``pair_products`` gives the shared terms of given query–document pairs.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

MIN_DF = 10


@dataclass(frozen=True)
class Vocabulary:
    """Term ↔ column."""

    ids: dict[str, int]
    terms: list[str]


class Counts:
    """Documents × terms counts, added one document at a time; a term's column is the order in which
    the documents first use it."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self._columns = array("i")
        self._counts = array("i")
        self._ends = array("q", [0])

    def add(self, doc: Mapping[str, int] | Iterable[str]) -> None:
        """One document: its term counts, or its terms repeated as often as they occur."""
        counts = doc if isinstance(doc, Mapping) else Counter(doc)
        ids = self.ids
        try:
            columns = list(map(ids.__getitem__, counts))
        except KeyError:  # new terms, numbered in order
            columns = [ids.setdefault(t, len(ids)) for t in counts]
        self._columns.extend(columns)
        self._counts.extend(counts.values())
        self._ends.append(len(self._columns))

    def matrix(self) -> tuple[sp.csr_matrix, Vocabulary]:
        """The documents × terms counts so far (float32, canonical), and the vocabulary."""
        m = sp.csr_matrix(
            (
                np.asarray(self._counts, dtype=np.float32),
                np.frombuffer(self._columns, dtype=np.int32),
                np.frombuffer(self._ends, dtype=np.int64),
            ),
            shape=(len(self._ends) - 1, len(self.ids)),
        )
        m.sort_indices()
        return m, Vocabulary(self.ids, list(self.ids))


def count_matrix(docs: Iterable[Mapping[str, int] | Iterable[str]]) -> tuple[sp.csr_matrix, Vocabulary]:
    """Documents × terms counts and the vocabulary, from documents (term lists or term counts) read
    once (a generator will do: the term lists need not all be in memory)."""
    counts = Counts()
    for doc in docs:
        counts.add(doc)
    return counts.matrix()


def scaled_sum(parts: Sequence[tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]]) -> np.ndarray:
    """``Σ diag(scale) · (q @ by_term)`` over the ``(q, by_term, scale)`` parts, dense (float32): the
    very sums of scipy's sparse products, each cell of a product summed in the same order (over the
    row's terms as ``q`` stores them, each term adding its row of ``by_term`` with ``np.add.at``) and
    the parts added in their order. A row at a time, so that it stays in the processor's cache: several
    times faster than sparse products whose results are mostly filled. ``by_term`` is best with
    ``wide_indices``."""
    n_rows, n_cols = parts[0][0].shape[0], parts[0][1].shape[1]
    out = np.zeros((n_rows, n_cols), dtype=np.float32)
    row = np.empty(n_cols, dtype=np.float32)
    rows = [(q, by_term.indptr.tolist(), by_term.indices, by_term.data, scale) for q, by_term, scale in parts]
    for i, total in enumerate(out):
        for q, ptr, cols, vals, scale in rows:
            row.fill(0)
            s = slice(q.indptr[i], q.indptr[i + 1])
            for t, w in zip(q.indices[s].tolist(), q.data[s], strict=True):
                a, z = ptr[t], ptr[t + 1]
                np.add.at(row, cols[a:z], w * vals[a:z])
            row *= scale[i]
            total += row
    return out


def wide_indices(m: sp.csr_matrix) -> None:
    """Gives ``m`` index arrays of numpy's own index type, which ``np.add.at`` takes without a copy."""
    m.indices, m.indptr = m.indices.astype(np.intp), m.indptr.astype(np.intp)


def pair_products(
    q: sp.csr_matrix, by_term: sp.csr_matrix, rows: np.ndarray, docs: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each pair p (row ``rows[p]`` of ``q``, column ``docs[p]`` of ``by_term``): the terms both
    have (ascending) and their products ``q_t · by_term_t``. Each of the row's terms is looked for in
    the term's row of ``by_term`` by a binary search, for all the pairs' terms at once."""
    starts = q.indptr[rows]
    lengths = q.indptr[rows + 1] - starts
    pair = np.repeat(np.arange(len(rows)), lengths)
    at = np.arange(lengths.sum()) + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    terms = q.indices[at]
    found = _find(by_term.indices, by_term.indptr[terms], by_term.indptr[terms + 1], docs[pair])
    hit = np.flatnonzero(found >= 0)
    hit = hit[np.lexsort((terms[hit], pair[hit]))]
    products = q.data[at[hit]] * by_term.data[found[hit]]
    bounds = np.searchsorted(pair[hit], np.arange(len(rows) + 1)).tolist()
    return [(terms[hit[a:b]], products[a:b]) for a, b in pairwise(bounds)]


def _find(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Where each target is in its ascending segment ``values[lo:hi]``, or -1: a binary search of all
    the segments at once."""
    if not len(values):
        return np.full(len(targets), -1)
    lo, end, hi = lo.astype(np.int64), hi.astype(np.int64), hi.astype(np.int64)
    last = len(values) - 1
    while (open_ := lo < hi).any():
        mid = (lo + hi) // 2
        right = open_ & (values[np.minimum(mid, last)] < targets)
        lo = np.where(right, mid + 1, lo)
        hi = np.where(open_ & ~right, mid, hi)
    return np.where((lo < end) & (values[np.minimum(lo, last)] == targets), lo, -1)


class Bm25:
    """A BM25 index of documents given as term lists (read once) or already counted (``of_counts``);
    ``by_term`` holds each term's weight in the documents using it (terms × documents)."""

    def __init__(
        self, docs: Iterable[Iterable[str]], *, k1: float = 1.2, b: float = 0.75, max_df: float = 1.0
    ):
        self._fit(*count_matrix(docs), k1=k1, b=b, max_df=max_df)

    @classmethod
    def of_counts(
        cls,
        counts: sp.csr_matrix,
        vocab: Vocabulary,
        *,
        k1: float = 1.2,
        b: float = 0.75,
        max_df: float = 1.0,
    ) -> Bm25:
        """The index of documents × terms ``counts`` (``Counts.matrix``)."""
        index = cls.__new__(cls)
        index._fit(counts, vocab, k1=k1, b=b, max_df=max_df)
        return index

    def _fit(self, counts: sp.csr_matrix, vocab: Vocabulary, *, k1: float, b: float, max_df: float) -> None:
        self.vocab = vocab
        n = max(counts.shape[0], 1)
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        idf[df > max(max_df * n, MIN_DF)] = 0.0
        self.idf = idf.astype(np.float32)
        length = np.asarray(counts.sum(axis=1)).ravel()
        norm = k1 * (1 - b + b * length / max(float(length.mean()) if length.size else 1.0, 1e-9))
        self.by_term = counts.T.tocsr()
        tf, doc = self.by_term.data, self.by_term.indices
        term = np.repeat(np.arange(counts.shape[1]), np.diff(self.by_term.indptr))
        self.by_term.data = (tf * (k1 + 1) / (tf + norm[doc]) * self.idf[term]).astype(np.float32)
        self.by_term.eliminate_zeros()
        wide_indices(self.by_term)
        self.k1 = k1

    def queries(self, queries: Sequence[dict[str, float]]) -> sp.csr_matrix:
        """Queries × terms weights; terms the documents never use are dropped."""
        ids = self.vocab.ids
        rows, cols, data = [], [], []
        for r, q in enumerate(queries):
            for t, w in q.items():
                c = ids.get(t)
                if c is not None and self.idf[c] > 0:
                    rows.append(r)
                    cols.append(c)
                    data.append(w)
        return sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), (rows, cols)), shape=(len(queries), len(self.vocab.terms))
        )

    def ceiling(self, q: sp.csr_matrix) -> np.ndarray:
        """The most each query could score: Σ_t w_t · idf_t · (k1 + 1)."""
        return np.asarray(q @ (self.idf * (self.k1 + 1))).ravel()

    def scores(self, q: sp.csr_matrix) -> sp.csr_matrix:
        """Queries × documents BM25 scores (``scaled_sum`` gives them dense, with others)."""
        return (q @ self.by_term).tocsr()

    def contributions(self, q: sp.csr_matrix, rows: np.ndarray, docs: np.ndarray) -> list[dict[str, float]]:
        """Each shared term's part of the score of query ``rows[p]`` for document ``docs[p]``, each p."""
        terms = self.vocab.terms
        return [
            dict(zip(map(terms.__getitem__, cols.tolist()), vals.tolist(), strict=True))
            for cols, vals in pair_products(q, self.by_term, rows, docs)
        ]
