"""Term counts of claims with their post context, without concatenating the words.

Why: with ``post_context`` each claim is clustered on its own stems plus every stem of its post,
so a post of n claims repeats its words n times; on a 10k-post corpus that made 3.8M list
items from 0.48M words, and building, hashing and sorting them was a quarter of clustering.
Here every word is mapped to an integer once; a claim's context counts are its own counts
plus its post's counts (a sparse sum), and the fit sample's token stream is assembled from
index ranges in numpy. All counts are small integers held as floats, so they are exact, and
the matrices have the layouts the list-based code produced (sorted columns for ``project``;
scikit-learn's own layout for the fit), so topics are the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

try:  # private helper of the vectoriser's own _count_vocab; without it, no shortcut
    from sklearn.feature_extraction.text import _align_api_if_sparse
except ImportError:  # pragma: no cover - a future scikit-learn may move it
    _align_api_if_sparse = None


def index_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, s + n)`` for each (s, n), in one vector operation."""
    lengths = lengths.astype(np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts.astype(np.int64) - (ends - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def summed_counts(rows: np.ndarray, terms: np.ndarray, n_rows: int, n_terms: int,
            dtype: type = np.float64) -> sparse.csr_array | None:
    """rows x terms counts of token pairs whose ``rows`` never decrease (None if they do): one
    CSR row per row, duplicates summed by scipy (a sort within each row, not of every pair:
    the same canonical matrix as ``np.unique`` of the pair keys, at a fraction of the cost)."""
    if len(rows) > 1 and bool((rows[1:] < rows[:-1]).any()):
        return None
    indptr = np.searchsorted(rows, np.arange(n_rows + 1)).astype(np.int32)
    matrix = sparse.csr_array((np.ones(len(terms), dtype=dtype), terms.astype(np.int32), indptr),
                              shape=(n_rows, n_terms))
    matrix.sum_duplicates()
    return matrix


# Token counts from which ``stem_counts`` sums duplicates within rows instead of sorting
# every (row, column) key. Measured (min of 3, one process): 174 tokens 0.03 -> 0.04 ms,
# 905 (a thread) 0.09 -> 0.08, 6.7k 0.50 -> 0.40, 394k (a task's threads) 42 -> 32, the
# 10k corpus fit's 1.31M 162 -> 104 ms.
SUM_IN_ROWS_FROM = 2_000


def stem_counts(stems: Sequence[list[str]], vocabulary: dict[str, int], n_terms: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts, columns, row pointers) of the stems known to ``vocabulary`` (CSR arrays,
    float64 / int32, columns sorted in each row): what ``TopicModel.project`` multiplies."""
    columns = np.fromiter(
        map(vocabulary.get, chain.from_iterable(stems), repeat(-1)), dtype=np.int64
    )
    rows = np.repeat(np.arange(len(stems)), [len(doc) for doc in stems])
    known = columns >= 0
    if len(columns) >= SUM_IN_ROWS_FROM:
        # sorting within each row beats sorting every (row, column) key: same arrays
        summed = summed_counts(rows[known], columns[known], len(stems), n_terms)
        if summed is not None:
            return summed.data, summed.indices, summed.indptr
    keys, counts = np.unique(rows[known] * n_terms + columns[known], return_counts=True)
    return (counts.astype(np.float64), (keys % n_terms).astype(np.int32),
            np.searchsorted(keys // n_terms, np.arange(len(stems) + 1)).astype(np.int32))


def _counts(rows: np.ndarray, terms: np.ndarray, n_rows: int, n_terms: int) -> sparse.csr_matrix:
    """rows x terms count matrix (float64, columns sorted within each row) of token pairs."""
    summed = summed_counts(rows, terms, n_rows, n_terms)
    if summed is not None:
        return sparse.csr_matrix(summed)
    keys, counts = np.unique(rows * n_terms + terms, return_counts=True)
    return sparse.csr_matrix(
        (
            counts.astype(np.float64),
            (keys % n_terms).astype(np.int32),
            np.searchsorted(keys // n_terms, np.arange(n_rows + 1)).astype(np.int32),
        ),
        shape=(n_rows, n_terms),
    )


class ClaimTerms:
    """The stems of claims (in cluster order) as integer arrays, with each claim's post.

    ``own`` rows are a claim's words; ``context`` rows add the words of its whole post when
    the post has more than one claim (the rule of ``cluster._with_post_context``).
    """

    def __init__(self, stems: Sequence[list[str]], post_ids: Sequence[str], context: bool):
        term_of: dict[str, int] = {}
        for stem in chain.from_iterable(stems):
            if stem not in term_of:
                term_of[stem] = len(term_of)
        self.names = list(term_of)
        self.n = len(stems)
        self.flat = np.fromiter(map(term_of.__getitem__, chain.from_iterable(stems)),
                                dtype=np.int64)
        self.own_len = np.fromiter(map(len, stems), dtype=np.int64, count=self.n)
        self.own_start = np.cumsum(self.own_len) - self.own_len
        post_of: dict[str, int] = {}
        self.post = np.fromiter((post_of.setdefault(p, len(post_of)) for p in post_ids),
                                dtype=np.int64, count=self.n)
        n_posts = len(post_of)
        self.multi = np.bincount(self.post, minlength=n_posts)[self.post] > 1
        if not context:
            self.multi[:] = False
        # every post's words, its claims in cluster order (the order _with_post_context joins)
        by_post = np.argsort(self.post, kind="stable")
        self.post_flat = self.flat[index_ranges(self.own_start[by_post], self.own_len[by_post])]
        self.post_len = np.bincount(self.post, weights=self.own_len, minlength=n_posts)
        self.post_len = self.post_len.astype(np.int64)
        self.post_start = np.cumsum(self.post_len) - self.post_len

    def distinct_context_terms(self, rows: np.ndarray) -> np.ndarray:
        """Distinct stems in the context documents of claims ``rows`` (``len(set(stems))``)."""
        counts = self.counts(rows, np.arange(len(self.names)), len(self.names))
        return np.diff(counts.indptr)

    def stream(self, docs: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """The token stream (term ids) of the context documents ``docs`` in that order, and
        each document's length: own words, then the post's words."""
        docs_arr = np.asarray(docs, dtype=np.int64)
        post_len = np.where(self.multi[docs_arr], self.post_len[self.post[docs_arr]], 0)
        starts = np.empty(2 * len(docs_arr), dtype=np.int64)
        lengths = np.empty(2 * len(docs_arr), dtype=np.int64)
        starts[0::2] = self.own_start[docs_arr]
        lengths[0::2] = self.own_len[docs_arr]
        starts[1::2] = self.post_start[self.post[docs_arr]] + len(self.flat)
        lengths[1::2] = post_len
        tokens = np.concatenate([self.flat, self.post_flat])[index_ranges(starts, lengths)]
        return tokens, self.own_len[docs_arr] + post_len

    def counts(
        self, rows: np.ndarray, column_of: np.ndarray, n_columns: int, context: bool = True
    ) -> sparse.csr_matrix:
        """Count matrix (claims ``rows`` x columns, sorted columns) of own or context words;
        ``column_of`` maps a term id to its column, -1 for terms outside the vocabulary."""
        own = self._own_counts(rows, column_of, n_columns)
        if not context or not self.multi[rows].any():
            return own
        posts, local = np.unique(self.post[rows], return_inverse=True)
        columns = column_of[self.post_flat[index_ranges(self.post_start[posts], self.post_len[posts])]]
        post_rows = np.repeat(np.arange(len(posts)), self.post_len[posts])
        known = columns >= 0
        per_post = _counts(post_rows[known], columns[known], len(posts) + 1, n_columns)
        local = np.where(self.multi[rows], local, len(posts))  # the last row is empty
        return (own + per_post[local]).tocsr()

    def _own_counts(
        self, rows: np.ndarray, column_of: np.ndarray, n_columns: int
    ) -> sparse.csr_matrix:
        columns = column_of[self.flat[index_ranges(self.own_start[rows], self.own_len[rows])]]
        row_ids = np.repeat(np.arange(len(rows)), self.own_len[rows])
        known = columns >= 0
        return _counts(row_ids[known], columns[known], len(rows), n_columns)


class ListTerms:
    """Documents given as stem lists, as integer arrays: the part of the ``ClaimTerms``
    interface ``StreamTfidf`` reads (``names``, ``stream``). Why: the corpus topic fit has
    its ~20,000 context documents as lists already, and the vectoriser's own counting loop
    over them (a dict update per token) was ~0.4 s of a ~3 s fit."""

    def __init__(self, docs: Sequence[list[str]]):
        flat = list(chain.from_iterable(docs))
        term_of = {name: i for i, name in enumerate(dict.fromkeys(flat))}  # order of first sight
        self.names = list(term_of)
        self.flat = np.fromiter(map(term_of.__getitem__, flat), dtype=np.int64, count=len(flat))
        self.lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        self.starts = np.cumsum(self.lengths) - self.lengths

    def distinct_terms(self) -> np.ndarray:
        """Distinct stems of each document (``len(set(doc))``)."""
        rows = np.repeat(np.arange(len(self.lengths)), self.lengths)
        counts = summed_counts(rows, self.flat, len(self.lengths), len(self.names))
        assert counts is not None  # rows never decrease
        return np.diff(counts.indptr)

    def stream(self, docs: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """The token stream (term ids) of documents ``docs`` in that order, and their lengths."""
        docs_arr = np.asarray(docs, dtype=np.int64)
        return (self.flat[index_ranges(self.starts[docs_arr], self.lengths[docs_arr])],
                self.lengths[docs_arr])


class StreamTfidf(TfidfVectorizer):
    """A TfidfVectorizer whose fit reads a ``ClaimTerms`` (or ``ListTerms``) token stream
    instead of lists.

    Only ``_count_vocab`` of the fit is replaced, by the same result computed with numpy
    (vocabulary ids in order of first sight, counts, columns sorted by those ids); limiting,
    sorting and weighting stay scikit-learn's own code. ``transform`` is unchanged.
    """

    _pending: tuple[ClaimTerms | ListTerms, Sequence[int]] | None = None

    def fit_stream(self, terms: ClaimTerms | ListTerms, docs: Sequence[int]) -> Any:
        """``fit_transform`` of the context documents ``docs`` of ``terms``."""
        self._pending = (terms, docs)
        try:
            return self.fit_transform(docs)
        finally:
            self._pending = None

    def _count_vocab(self, raw_documents: Any, fixed_vocab: bool) -> Any:
        if self._pending is None or fixed_vocab:
            return super()._count_vocab(raw_documents, fixed_vocab)
        terms, docs = self._pending
        tokens, lengths = terms.stream(docs)
        if len(tokens) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        # each term's first position in the stream (what np.unique's return_index gives,
        # without sorting the stream): vocabulary ids in order of first sight
        first_at = np.full(len(terms.names), len(tokens), dtype=np.int64)
        np.minimum.at(first_at, tokens, np.arange(len(tokens), dtype=np.int64))
        seen = np.flatnonzero(first_at < len(tokens))
        by_sight = seen[np.argsort(first_at[seen])]  # vocabulary id -> term id
        sight_id = np.full(len(terms.names), -1, dtype=np.int64)
        sight_id[by_sight] = np.arange(len(by_sight))
        vocabulary = {terms.names[t]: i for i, t in enumerate(by_sight.tolist())}
        rows = np.repeat(np.arange(len(docs)), lengths)
        summed = summed_counts(rows, sight_id[tokens], len(docs), len(vocabulary), np.intc)
        if summed is not None:
            matrix = sparse.csr_array((summed.data, summed.indices, summed.indptr),
                                      shape=summed.shape, dtype=self.dtype)
            return vocabulary, _align_api_if_sparse(matrix)
        keys, counts = np.unique(rows * len(by_sight) + sight_id[tokens], return_counts=True)
        matrix = sparse.csr_array(
            (
                counts.astype(np.intc),
                (keys % len(by_sight)).astype(np.int32),
                np.searchsorted(keys // len(by_sight), np.arange(len(docs) + 1)).astype(np.int32),
            ),
            shape=(len(docs), len(vocabulary)),
            dtype=self.dtype,
        )
        matrix.sort_indices()
        return vocabulary, _align_api_if_sparse(matrix)


def stream_fit_available() -> bool:
    """Whether ``StreamTfidf`` can reproduce this scikit-learn's fit."""
    return _align_api_if_sparse is not None and hasattr(TfidfVectorizer, "_count_vocab")
