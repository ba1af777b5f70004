"""The fitted topic model: TF-IDF over stems, LSA, spherical k-means centres; projection.

Why: ``cluster`` (one map's topics) and the corpus topic model (``corpus.topic_model``, one
model for a whole corpus) fit and project through the same ``TopicModel``, so the vectoriser's
arithmetic, the LSA draws, k and the projection kernels live here once; what each caller does
with the centres (topics of one thread, topic ids across a corpus) stays with the caller.
Split from ``clustering`` in session 14; ``TopicModel`` stays importable from there.

Determinism: fitted on the texts sorted canonically, on a sample chosen by a hash of each
text (``_fit_order``), with a fixed-state SVD and k-means++, so a shuffled input gives the
identical model; projections of stem lists run scipy's and scikit-learn's kernels on bare
arrays (``_KERNELS``), the same floats as the matrix objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

try:  # the kernel sklearn.preprocessing.normalize runs, without its per-call validation
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
except ImportError:  # pragma: no cover - a future scikit-learn may move it
    from sklearn.preprocessing import normalize

    def inplace_csr_row_normalize_l2(matrix: sparse.csr_matrix) -> None:
        normalize(matrix, norm="l2", copy=False)

    _KERNELS = False
else:
    try:  # the kernel ``csr_matrix @ ndarray`` runs (``_matmul_multivector``)
        from scipy.sparse._sparsetools import csr_matvecs
    except ImportError:  # pragma: no cover - a future scipy may move it
        _KERNELS = False
    else:
        _KERNELS = True

from argmap.options import ClusterOptions
from argmap.robust import first_max, settle
from argmap.topics.kmeans import kmeans
from argmap.topics.lsa import truncated_svd
from argmap.topics.term_counts import (
    ClaimTerms,
    ListTerms,
    StreamTfidf,
    stem_counts,
    stream_fit_available,
)
from argmap.topics.words import _stems

# The SVD and k-means++ draws use this fixed state, not ``options.seed``: topics are a property
# of the claims, and the seed changing them (adjusted Rand 0.40 between seeds 0 and 1 on 8.6k
# claims) would make two runs of the same debate disagree.
_FIXED_STATE = 0


def _sample_key(text: str) -> bytes:
    """A position-free sampling key: the same text is always in or out of the fit sample."""
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest()


# A row whose norm is below this is numerically zero: normalising it would turn rounding noise
# into a direction (the projections of unit TF-IDF rows have norms in [0, 1]).
_ZERO_NORM = 1e-9


@dataclass(slots=True)
class _Rows:
    """What ``inplace_csr_row_normalize_l2`` reads of a CSR matrix (its arrays and shape)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > _ZERO_NORM)


@dataclass(frozen=True, eq=False)
class TopicModel:
    """A fitted topic model: vocabulary, LSA projection and topic centres (frozen).

    ``assign`` maps new texts to topic indices, ``-1`` meaning "other", so a corpus can be fitted
    once on a sample and assigned in batches.
    """

    vectorizer: TfidfVectorizer
    components: np.ndarray  # LSA projection (dims x vocabulary)
    centres: np.ndarray  # unit topic centres in LSA space (topics x dims)
    min_similarity: float

    @classmethod
    def fit(cls, texts: Sequence[str], options: ClusterOptions) -> TopicModel:
        return cls.fit_stems(texts, [_stems(t) for t in texts], options)

    @classmethod
    def fit_stems(
        cls, texts: Sequence[str], stems: Sequence[list[str]], options: ClusterOptions
    ) -> TopicModel:
        """``fit`` for callers that already have each text's stems (``content_words``)."""
        vectorizer, tfidf = _fit_lists(stems, _fit_order(texts, options), options)
        if tfidf is None:  # no usable vocabulary at all
            return cls(vectorizer, np.zeros((0, 0)), np.zeros((0, 0)), options.min_similarity)
        return cls._fit_matrix(vectorizer, tfidf, options)

    @classmethod
    def fit_terms(
        cls, texts: Sequence[str], terms: ClaimTerms, options: ClusterOptions
    ) -> TopicModel:
        """``fit_stems`` on the context documents of ``terms`` (see ``cluster_counts``): the
        same model, without building a word list per claim and post."""
        order = _fit_order(texts, options)
        distinct = terms.distinct_context_terms(np.asarray(order, dtype=np.int64))
        pool = [i for i, d in zip(order, distinct.tolist(), strict=True)
                if d >= options.min_content_words]
        vectorizer = StreamTfidf(
            analyzer=_stems, min_df=2 if len(pool) >= 20 else 1, max_df=0.5, sublinear_tf=True
        )
        try:
            tfidf = vectorizer.fit_stream(terms, pool)
        except ValueError:  # no usable vocabulary at all
            return cls(vectorizer, np.zeros((0, 0)), np.zeros((0, 0)), options.min_similarity)
        return cls._fit_matrix(vectorizer, tfidf, options)

    @classmethod
    def _fit_matrix(
        cls, vectorizer: TfidfVectorizer, tfidf: sparse.csr_matrix, options: ClusterOptions
    ) -> TopicModel:
        """LSA and spherical k-means on the fitted TF-IDF matrix of the fit sample."""
        dims = min(options.lsa_dims, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
        if dims >= 2:
            # ``TruncatedSVD(dims, random_state=_FIXED_STATE, n_iter=7).fit_transform``'s
            # bits, its large sparse products split over threads (``lsa``)
            transformed, components = truncated_svd(tfidf, dims, n_iter=7,
                                                    random_state=_FIXED_STATE)
            points = _unit_rows(transformed)
        else:
            components = np.eye(tfidf.shape[1])
            points = _unit_rows(tfidf.toarray())
        live = np.linalg.norm(points, axis=1) > 0
        k = _choose_k(int(live.sum()), options)
        if k < 2:
            centres = _unit_rows(points[live].mean(axis=0, keepdims=True))
        else:
            # Restarts are cheap on small inputs, where one bad k-means++ draw shows most.
            # ``kmeans`` decides every comparison with a tolerance (``argmap.robust``): the
            # topics must not depend on the last bits of the BLAS (issue 13).
            restarts = max(1, min(10, 5_000 // max(int(live.sum()), 1)))
            centres = _unit_rows(kmeans(points[live], k, restarts, seed=_FIXED_STATE))
        return cls(vectorizer, components, centres, options.min_similarity)

    def project(self, texts: Sequence[str] | Sequence[list[str]]) -> np.ndarray:
        """Unit LSA vectors of texts or of their stems (zero rows for texts with no known term)."""
        if self.components.size == 0:
            return np.zeros((len(texts), 1))
        if all(isinstance(doc, list) for doc in texts):
            if _KERNELS:
                return self._project_stems(texts)  # type: ignore[arg-type]
            tfidf = self._tfidf_of_stems(texts)  # type: ignore[arg-type]
        else:
            tfidf = self.vectorizer.transform(texts)
        return _unit_rows(np.asarray(tfidf @ self.components.T))

    def _project_stems(self, stems: Sequence[list[str]]) -> np.ndarray:
        """``project`` of stem lists through the kernels scipy and scikit-learn run (the L2
        normalisation, the sparse x dense product), called on the arrays: the same floats
        without building matrix objects. Why: a corpus run projects every thread's few dozen
        claims twice, and the objects' construction and checks cost more than the sums."""
        return self.project_count_arrays(*self._count_arrays(stems))

    def project_count_arrays(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray
                             ) -> np.ndarray:
        """``project`` of rows given as their counts: CSR arrays over the vectorizer's columns
        (float64 counts, int32 columns sorted in each row, int32 row pointers), as
        ``stem_counts`` makes them; ``data`` is weighed in place. Needs ``_KERNELS``."""
        n_rows, n_terms = len(indptr) - 1, len(self.vectorizer.idf_)
        if self.components.size == 0:
            return np.zeros((n_rows, 1))
        self._weigh(_Rows(data, indices, indptr, (n_rows, n_terms)))
        columns = np.ascontiguousarray(self.components.T, dtype=np.float64)
        out = np.zeros((n_rows, columns.shape[1]), dtype=np.float64)
        csr_matvecs(n_rows, n_terms, columns.shape[1], indptr, indices, data, columns.ravel(),
                    out.ravel())
        return _unit_rows(out)

    def _tfidf_of_stems(self, stems: Sequence[list[str]]) -> sparse.csr_matrix:
        """``vectorizer.transform`` of stem lists with numpy instead of a Python loop per token
        (it was a tenth of clustering). Same arithmetic in the same order: counts with sorted
        columns, log + 1, times idf, unit rows; so the topics are the same to the last bit."""
        data, indices, indptr = self._count_arrays(stems)
        matrix = sparse.csr_matrix((data, indices, indptr),
                                   shape=(len(stems), len(self.vectorizer.idf_)))
        return self._weigh(matrix)

    def _count_arrays(self, stems: Sequence[list[str]]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(counts, columns, row pointers) of the known stems, columns sorted in each row."""
        return stem_counts(stems, self.vectorizer.vocabulary_, len(self.vectorizer.idf_))

    def _weigh(self, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        """Counts (columns sorted in each row) -> the vectorizer's TF-IDF, in place."""
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
        matrix.data *= self.vectorizer.idf_[matrix.indices]
        inplace_csr_row_normalize_l2(matrix)
        return matrix

    def project_counts(self, counts: sparse.csr_matrix) -> np.ndarray:
        """``project`` of a count matrix over the vectorizer's columns (changed in place)."""
        if self.components.size == 0:
            return np.zeros((counts.shape[0], 1))
        return _unit_rows(np.asarray(self._weigh(counts) @ self.components.T))

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text to each topic centre (texts x topics)."""
        if self.centres.size == 0:
            return np.zeros((len(texts), 0))
        return self.project(texts) @ self.centres.T

    def assign(self, texts: Sequence[str]) -> list[int]:
        """The nearest topic of each text, or -1 when no centre is similar enough."""
        sims = self.similarities(texts)
        if sims.shape[1] == 0:
            return [-1] * len(texts)
        best = first_max(sims, axis=1)
        top = settle(sims.max(axis=1))
        return [int(b) if s >= self.min_similarity else -1 for b, s in zip(best, top, strict=True)]


def _fit_lists(stems: Sequence[list[str]], order: list[int], options: ClusterOptions
               ) -> tuple[TfidfVectorizer, sparse.csr_matrix | None]:
    """The vectoriser fitted on documents ``order`` of ``stems`` with enough distinct stems,
    and their TF-IDF (None: no usable vocabulary). The documents are counted with numpy
    (``ListTerms``, ``StreamTfidf``): the same matrix and vocabulary as the vectoriser's own
    loop over the lists, which was ~0.4 s of the ~3 s corpus topic fit."""
    if not stream_fit_available():  # pragma: no cover - a scikit-learn without the hook
        pool = [stems[i] for i in order if len(set(stems[i])) >= options.min_content_words]
        plain = TfidfVectorizer(analyzer=_stems, min_df=2 if len(pool) >= 20 else 1,
                                max_df=0.5, sublinear_tf=True)
        try:
            return plain, plain.fit_transform(pool)
        except ValueError:
            return plain, None
    terms = ListTerms(stems)
    distinct = terms.distinct_terms()[order].tolist() if order else []
    docs = [i for i, d in zip(order, distinct, strict=True) if d >= options.min_content_words]
    vectorizer = StreamTfidf(analyzer=_stems, min_df=2 if len(docs) >= 20 else 1, max_df=0.5,
                             sublinear_tf=True)
    try:
        return vectorizer, vectorizer.fit_stream(terms, docs)
    except ValueError:
        return vectorizer, None


def _fit_order(texts: Sequence[str], options: ClusterOptions) -> list[int]:
    """Indices of the texts the model is fitted on, sorted by text (ties by position); at
    most ``fit_sample``, chosen by a hash of the text, so independent of input order."""
    order = sorted(range(len(texts)), key=texts.__getitem__)  # stable: ties by position
    if len(order) <= options.fit_sample:
        return order
    # Sorting by (hash, text, position) with numpy keys: a text's rank in ``order`` stands for
    # the text, and one hash per distinct text (big-endian, so integers sort as the bytes do).
    rank = np.empty(len(order), dtype=np.int64)
    key = np.empty(len(order), dtype=np.uint64)
    previous, current, digest = None, -1, 0
    for i in order:
        if texts[i] != previous:
            previous, current = texts[i], current + 1
            digest = int.from_bytes(_sample_key(texts[i]), "big")
        rank[i], key[i] = current, digest
    chosen = np.lexsort((np.arange(len(order)), rank, key))[: options.fit_sample]
    return chosen[np.lexsort((chosen, rank[chosen]))].tolist()


def _choose_k(n_points: int, options: ClusterOptions) -> int:
    """Number of topics from the data: enough that a topic averages ``claims_per_topic``
    claims, at least ``1 / max_topic_share`` (so one topic cannot hold everything), capped."""
    if n_points < 2 * max(options.min_topic_size, 1):
        return 1
    by_size = round(n_points / max(options.claims_per_topic, 1))
    floor = int(np.ceil(1.0 / options.max_topic_share)) if options.max_topic_share > 0 else 1
    k = max(by_size, min(floor, n_points // max(options.min_topic_size, 1)))
    return int(max(1, min(k, options.max_topics, n_points // max(options.min_topic_size, 1))))
