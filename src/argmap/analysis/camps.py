"""The camps participants form: a signed spectral split of who supports and attacks whom."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from contextlib import AbstractContextManager

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from argmap.analysis.centrality import _times
from argmap.analysis.edges import Edges
from argmap.blas import one_blas_thread
from argmap.model import ArgumentMap, Camp, Post
from argmap.options import AnalyseOptions
from argmap.robust import TOLERANCE, first_max_index, settle

# Eigenvalues this close (relative) to the largest are the same eigenvalue, repeated.
_EIGEN_GAP = 1e-7
# Eigenvector components below this share of the largest are zero: the sparse solver's accuracy
# is ~1e-12 of the norm, the dense one's ~1e-15, and a sign decided by less would be noise.
_ZERO_SHARE = 1e-6
_MAX_EIGENSPACE = 64  # the sparse solver looks for a repeated eigenvalue's vectors up to this
SMALL_AUTHORS = 64  # up to this many authors in a map, the parts are found densely


def find_camps(
    amap: ArgumentMap, edges: Edges, posts: Mapping[str, Post], options: AnalyseOptions
) -> tuple[Camp, ...]:
    """Groups of authors who support each other and attack the other side.

    Author graph: each relation between two known, different authors adds +confidence (support)
    or -confidence (attack) to the pair. Each connected part is split in two by the sign of the
    leading eigenvector of its signed adjacency matrix (the structural-balance split), then
    polished by moving single authors to the side they agree with more. Dense solver for small
    parts, ARPACK with a fixed start vector above ``camp_dense_limit``; at most ``max_camps``
    camps (largest first), ids "camp1", "camp2", ...
    """
    names = sorted({post.author for post in posts.values() if post.author})
    index = {name: i for i, name in enumerate(names)}
    author_of_post = {pid: index[post.author] for pid, post in posts.items() if post.author}
    claim_author = np.array(
        [author_of_post.get(claim.post_id, -1) for claim in amap.claims], dtype=np.int64
    )
    a, b = claim_author[edges.source], claim_author[edges.target]
    keep = (a >= 0) & (b >= 0) & (a != b)
    weight = np.where(edges.attack, -edges.confidence, edges.confidence)[keep]
    low, high = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    if len(names) <= SMALL_AUTHORS and _sums_in_input_order(low):
        found = _parts_dense(_pair_sums(low, high, weight, len(names)))
    else:
        pairs = sparse.coo_matrix((weight, (low, high)), shape=(len(names),) * 2).tocsr()
        # duplicates summed in canonical edge order: the same floats every run; sums of
        # four-decimal confidences, settled: a pair whose supports and attacks cancel is
        # exactly zero (no edge) on every machine
        pairs.data = settle(pairs.data)
        pairs.eliminate_zeros()
        found = _parts_dense(pairs.toarray()) if len(names) <= SMALL_AUTHORS else \
            _parts_sparse(pairs)
    if found is None:
        return ()
    involved, perm, bounds, blocks = found
    groups: list[list[str]] = []
    for part, block in enumerate(blocks):
        lo, hi = int(bounds[part]), int(bounds[part + 1])
        side = _balanced_split(block, options.camp_dense_limit)
        members = involved[perm[lo:hi]]
        for wanted in (True, False):
            group = [names[m] for m, s in zip(members, side, strict=True) if s == wanted]
            if group:
                groups.append(sorted(group))
    claims_by_author: dict[str, list[str]] = defaultdict(list)
    for claim, author in zip(amap.claims, claim_author.tolist(), strict=True):
        if author >= 0:
            claims_by_author[names[author]].append(claim.id)
    groups.sort(key=lambda g: (-len(g), g))
    return tuple(
        Camp(
            id=f"camp{i}",
            authors=tuple(group),
            claim_ids=tuple(cid for author in group for cid in claims_by_author[author]),
        )
        for i, group in enumerate(groups[: options.max_camps], start=1)
    )


# scipy sorts a CSR row's entries with ``std::sort``, which for at most this many entries is an
# insertion sort: stable, so a row's duplicates are summed in their input order
_STABLE_ROW = 16


def _sums_in_input_order(rows: np.ndarray) -> bool:
    """No row of the pair matrix has more than ``_STABLE_ROW`` entries: scipy's conversion
    then sums each pair's duplicates in input order, as ``_pair_sums`` does."""
    return not len(rows) or int(np.bincount(rows).max()) <= _STABLE_ROW


def _pair_sums(low: np.ndarray, high: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """The settled pair sums as a dense, strictly upper triangular matrix: what the COO ->
    CSR conversion, ``settle``, ``eliminate_zeros`` and ``toarray`` give, without the sparse
    objects (a corpus run splits every thread's few authors alone). ``np.add.at`` adds each
    cell's weights in input order, as scipy does for rows of at most ``_STABLE_ROW`` entries
    (its per-row sort is stable there); an empty cell stays 0.0 and a cancelled one settles
    to 0.0, as an eliminated entry reads."""
    upper = np.zeros((n, n))
    np.add.at(upper, (low, high), weight)
    return settle(upper)


def _parts_sparse(pairs: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                     list[sparse.csr_matrix]] | None:
    """The authors in some relation, their order by connected part (``perm``), the parts'
    bounds in it and each part's signed block; None under two authors."""
    involved = np.flatnonzero(np.diff((pairs + pairs.T).tocsr().indptr) > 0)
    if len(involved) < 2:
        return None
    signed = (pairs + pairs.T).tocsr()[involved][:, involved].tocsr()
    n_parts, part_of = connected_components(signed, directed=False)
    perm = np.argsort(part_of, kind="stable")
    bounds = np.searchsorted(part_of[perm], np.arange(n_parts + 1))
    grouped = signed[perm][:, perm].tocsr()
    return involved, perm, bounds, [grouped[int(bounds[k]):int(bounds[k + 1]),
                                            int(bounds[k]):int(bounds[k + 1])].tocsr()
                                    for k in range(n_parts)]


def _parts_dense(upper: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                               list[sparse.csr_matrix]] | None:
    """``_parts_sparse`` of a thread's few authors on a dense matrix (``upper``: the pair sums,
    strictly upper triangular). Why: a corpus run splits every thread's handful of authors
    alone, and eight sparse conversions cost more than the split. Same blocks to the bit: a
    sum with the empty lower half adds nothing; parts are numbered by their smallest author,
    as ``connected_components`` numbers them; a part's authors stay in ascending order, so
    each block row's entries come in the order the sparse path stores them."""
    signed = upper + upper.T
    linked = signed != 0
    involved = np.flatnonzero(linked.any(axis=1))
    if len(involved) < 2:
        return None
    signed, linked = signed[np.ix_(involved, involved)], linked[np.ix_(involved, involved)]
    n = len(involved)
    part_of = np.full(n, -1, dtype=np.int64)
    n_parts = 0
    for start in range(n):
        if part_of[start] >= 0:
            continue
        part_of[start] = n_parts
        stack = [start]
        while stack:
            node = stack.pop()
            for other in np.flatnonzero(linked[node] & (part_of < 0)).tolist():
                part_of[other] = n_parts
                stack.append(other)
        n_parts += 1
    perm = np.argsort(part_of, kind="stable")
    bounds = np.searchsorted(part_of[perm], np.arange(n_parts + 1))
    blocks = []
    for k in range(n_parts):
        members = perm[int(bounds[k]):int(bounds[k + 1])]
        blocks.append(_Block(signed[np.ix_(members, members)]))
    return involved, perm, bounds, blocks


class _Block:
    """A part's signed block as ``sparse.csr_matrix(dense)`` stores it (the nonzeros row by
    row, columns ascending: ``np.nonzero``'s order, which scipy's conversion keeps), beside
    the dense array it came from. What ``_balanced_split`` reads: ``shape``, the CSR arrays
    (the matvec kernel, the local search), ``toarray`` (the dense solver: the same values,
    zeros elsewhere) and ``astype`` (the sparse solver, a real CSR matrix). Why: a corpus
    run splits every thread's parts, and scipy's construction cost more than the split."""

    __slots__ = ("dense", "shape", "dtype", "indptr", "indices", "data")

    def __init__(self, dense: np.ndarray) -> None:
        rows, columns = np.nonzero(dense)
        n = dense.shape[0]
        self.dense, self.shape, self.dtype = dense, dense.shape, dense.dtype
        self.data = dense[rows, columns]
        self.indices = columns.astype(np.int32)
        self.indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=self.indptr[1:])

    def toarray(self) -> np.ndarray:
        return self.dense.copy()

    def astype(self, dtype: type) -> sparse.csr_matrix:
        return sparse.csr_matrix((self.data, self.indices, self.indptr),
                                 shape=self.shape).astype(dtype)


def _one_blas_thread() -> AbstractContextManager[object]:
    """Dense LAPACK on one thread: on a busy 2-core machine OpenBLAS's thread pool made a
    100x100 ``eigh`` take 0.4 s instead of 2 ms, and one thread also gives the same floats on
    every machine (``blas.one_blas_thread``: threadpoolctl without its ~10 ms per call)."""
    return one_blas_thread(user_api="blas")


def _spectrum(block: sparse.csr_matrix, dense_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The two largest eigenvalues (ascending) of a symmetric block and their eigenvectors
    (columns); all of them for a block small enough for the dense solver. ARPACK (above
    ``dense_limit``) starts from a fixed vector; if it does not converge, (0, 0) and a
    constant vector, from which the local search in ``_balanced_split`` still finds a split."""
    n = block.shape[0]
    if n <= max(dense_limit, 2):
        with _one_blas_thread():
            return np.linalg.eigh(block.toarray())
    start = np.random.default_rng(0).random(n) + 0.5
    k = 2
    while True:
        try:
            with _one_blas_thread():
                values, vectors = eigsh(block.astype(np.float64), k=k, which="LA", v0=start,
                                        tol=1e-12)
        except ArpackNoConvergence:  # rare
            return np.zeros(2), np.ones((n, 2)) / np.sqrt(n)
        order = np.argsort(values)
        values, vectors = values[order], vectors[:, order]
        # every eigenvalue found equals the largest: its eigenspace may be larger still
        if not _repeated(values).all() or k >= min(n - 1, _MAX_EIGENSPACE):
            return values, vectors
        k = min(2 * k, n - 1, _MAX_EIGENSPACE)


def _repeated(values: np.ndarray) -> np.ndarray:
    """Which of the (ascending) eigenvalues equal the largest, within ``_EIGEN_GAP``."""
    top = values[-1]
    return values >= top - _EIGEN_GAP * max(1.0, abs(top))


def _leading_direction(values: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """The leading eigenvector with a sign and, when the largest eigenvalue is repeated, a
    direction that do not depend on the solver's last bits.

    A repeated leading eigenvalue is common (three authors who all attack each other: the
    eigenvalue 1 twice); any vector of its eigenspace is then "the" eigenvector and the solver
    returns whichever its rounding led to. The projection of a fixed, generic vector onto that
    eigenspace depends only on the eigenspace. The sign makes the first largest component
    (within the tolerance) positive."""
    repeated = _repeated(values)
    if repeated.sum() > 1:
        basis = vectors[:, repeated]
        probe = 1.0 / (1.0 + np.arange(vectors.shape[0], dtype=np.float64))
        leading = basis @ (basis.T @ probe)
    else:
        leading = vectors[:, -1].copy()
    size = np.abs(leading)
    scale = float(size.max()) if len(size) else 0.0
    if scale <= 0:
        return np.zeros(len(leading))
    leading[size <= _ZERO_SHARE * scale] = 0.0  # no side: below the solver's accuracy
    pivot = first_max_index(np.abs(leading) / scale)
    return leading * (1.0 if leading[pivot] > 0 else -1.0)


def _balanced_split(block: sparse.csr_matrix, dense_limit: int) -> list[bool]:
    """Two sides of one connected part of the signed author graph (True/False per author)."""
    n = block.shape[0]
    oriented = _leading_direction(*_spectrum(block, dense_limit))
    side = oriented >= 0  # an author with no side joins the side of the largest component
    sign = np.where(side, 1.0, -1.0)
    pull = _times(block, sign)  # > 0: the author agrees more with the True side
    indptr, indices, data = block.indptr, block.indices, block.data
    for _ in range(50):  # local search; each move raises agreement, so it ends
        moved = False
        for i in range(n):
            if pull[i] * sign[i] < -TOLERANCE:  # a balanced author stays where they are
                sign[i] = -sign[i]
                lo, hi = indptr[i], indptr[i + 1]
                pull[indices[lo:hi]] += 2.0 * sign[i] * data[lo:hi]
                moved = True
        if not moved:
            break
    side = sign > 0
    return [bool(s) for s in side]
