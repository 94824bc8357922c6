"""Okapi BM25 over sparse matrices: every document scored against a block of queries at once. Pure.

For a query q with term weights w_t and a document d:

    bm25(q, d) = Σ_t w_t · idf_t · tf_td · (k1 + 1) / (tf_td + k1 · (1 − b + b · |d| / avg|d|))
    idf_t      = ln(1 + (N − df_t + 0.5) / (df_t + 0.5))

and its share of the most the query could score, ``bm25 / Σ_t w_t · idf_t · (k1 + 1)``, lies in
[0, 1]: the matcher adds these shares. Terms found in more than ``max_df`` of the documents (and in
more than ``MIN_DF`` documents, so that a small collection keeps its words) are dropped: they match
everything and cost the most.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

MIN_DF = 10


@dataclass(frozen=True)
class Vocabulary:
    """Term ↔ column."""

    ids: dict[str, int]
    terms: list[str]


def count_matrix(docs: Iterable[Iterable[str]]) -> tuple[sp.csr_matrix, Vocabulary]:
    """Documents × terms counts and the vocabulary, from documents read once (a generator will do:
    the term lists need not all be in memory)."""
    ids: dict[str, int] = {}
    rows, cols = array("i"), array("i")
    n = 0
    for r, doc in enumerate(docs):
        n = r + 1
        for t in doc:
            c = ids.get(t)
            if c is None:
                c = ids[t] = len(ids)
            rows.append(r)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.float32)
    m = sp.csr_matrix(
        (data, (np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32))),
        shape=(n, len(ids)),
        dtype=np.float32,
    )
    m.sum_duplicates()
    return m, Vocabulary(ids, list(ids))


class Bm25:
    """A BM25 index of documents given as term lists (read once)."""

    def __init__(
        self, docs: Iterable[Iterable[str]], *, k1: float = 1.2, b: float = 0.75, max_df: float = 1.0
    ):
        counts, self.vocab = count_matrix(docs)
        n = max(counts.shape[0], 1)
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        idf[df > max(max_df * n, MIN_DF)] = 0.0
        self.idf = idf.astype(np.float32)
        length = np.asarray(counts.sum(axis=1)).ravel()
        norm = k1 * (1 - b + b * length / max(float(length.mean()) if length.size else 1.0, 1e-9))
        tf = counts.tocoo()
        weight = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * self.idf[tf.col]
        self.weights = sp.csr_matrix((weight.astype(np.float32), (tf.row, tf.col)), shape=counts.shape)
        self.weights.eliminate_zeros()
        self.k1 = k1
        self._by_term = self.weights.T.tocsr()

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
        """Queries × documents BM25 scores."""
        return (q @ self._by_term).tocsr()

    def contributions(self, q: sp.csr_matrix, row: int, doc: int) -> dict[str, float]:
        """Each shared term's part of one query–document score."""
        qs = slice(q.indptr[row], q.indptr[row + 1])
        ds = slice(self.weights.indptr[doc], self.weights.indptr[doc + 1])
        q_idx, q_val = q.indices[qs], q.data[qs]
        d_idx, d_val = self.weights.indices[ds], self.weights.data[ds]
        common, qi, di = np.intersect1d(q_idx, d_idx, assume_unique=True, return_indices=True)
        terms = self.vocab.terms
        return {terms[c]: float(q_val[a] * d_val[b]) for c, a, b in zip(common, qi, di, strict=True)}
