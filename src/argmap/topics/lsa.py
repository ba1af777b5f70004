"""LSA by randomized SVD: scikit-learn's ``TruncatedSVD`` numbers, its sparse products on threads.

Why: the corpus topic model is fitted in the main process before the map step's workers
start, so on a two-core machine one core idles through the fit; about half of the fit
(10k-post dump: 20,011 claims x 12,698 stems, 975k non-zeros) is the 17 products of the
TF-IDF matrix with a 110-column block that the randomized SVD makes. scipy's product kernels
(``csr_matvecs``, ``csc_matvecs``) release the GIL, and a product cut by *output rows* gives
every output element the very sum it had whole (the same terms added in the same order): the
rows of ``X @ Q`` are cut into row ranges of ``X``, the rows of ``X.T @ Q`` into column ranges
of ``X`` (each range's entries kept in their order). So the bits do not depend on the number
of threads, and the threads are used only where a product is large enough to pay for them.

Everything else is ``TruncatedSVD(algorithm="randomized", n_oversamples=10,
power_iteration_normalizer="auto")``'s ``fit_transform`` as scikit-learn 1.9 computes it
(``_randomized_range_finder`` with LU normalisation, QR, the small SVD, ``svd_flip`` on ``V``,
then ``X @ components.T``), the same LAPACK calls on arrays of the same layout (the LU steps
in place, on the product they normalise, which ``lu`` otherwise copies); the explained
variance it also computes is not needed here and not computed. ``tests/topics/test_lsa.py``
holds the result to ``TruncatedSVD``'s bits.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, sparse
from scipy.sparse._sparsetools import csc_matvecs, csr_matvecs

# Multiply-adds per thread below which a product runs in one thread (thread start and join
# cost ~0.1 ms; a 20,011-row product of 110 columns is ~10^8 multiply-adds, ~50 ms)
MIN_WORK_PER_THREAD = 4_000_000
N_OVERSAMPLES = 10


def default_threads() -> int:
    """Threads for the products: the CPUs this process may run on, at most 4."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(4, available))


def _run(calls: list[Callable[[], None]]) -> None:
    """Run the calls, all but the first on threads of their own, the first here; a call's
    error is raised here (a thread's would otherwise be printed and its rows left zero)."""
    errors: list[BaseException] = []

    def guarded(call: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                call()
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller
                errors.append(exc)
        return run

    threads = [threading.Thread(target=guarded(call), name="argmap-lsa") for call in calls[1:]]
    for thread in threads:
        thread.start()
    try:
        calls[0]()
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def _cuts(n: int, parts: int) -> list[int]:
    return [n * p // parts for p in range(parts + 1)]


@dataclass(frozen=True)
class Products:
    """``X @ Q`` and ``X.T @ Q`` of one CSR matrix, each split over up to ``threads`` threads
    by output rows, the bits of scipy's ``X @ Q`` and ``X.T @ Q`` (``_matmul_multivector``)."""

    matrix: sparse.csr_matrix
    threads: int
    blocks: tuple[tuple[int, int, np.ndarray, np.ndarray, np.ndarray], ...]

    @classmethod
    def of(cls, matrix: sparse.csr_matrix, threads: int) -> Products:
        """The matrix and, for ``X.T @ Q``, its column ranges: (first column, end, row
        pointers, columns - first, values), each row's entries in their order."""
        n_rows, n_cols = matrix.shape
        parts = max(1, min(threads, n_cols))
        blocks = []
        if parts > 1:
            rows = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
            cuts = _cuts(n_cols, parts)
            for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
                keep = (matrix.indices >= lo) & (matrix.indices < hi)
                indptr = np.zeros(n_rows + 1, dtype=matrix.indptr.dtype)
                np.cumsum(np.bincount(rows[keep], minlength=n_rows), out=indptr[1:])
                blocks.append((lo, hi, indptr, (matrix.indices[keep] - lo).astype(
                    matrix.indices.dtype), matrix.data[keep]))
        return cls(matrix, parts, tuple(blocks))

    def _parts(self, n_vecs: int) -> int:
        work = self.matrix.nnz * n_vecs
        return max(1, min(self.threads, work // MIN_WORK_PER_THREAD))

    def rows(self, dense: np.ndarray) -> np.ndarray:
        """``X @ dense`` (C-contiguous, as scipy returns it)."""
        x = self.matrix
        n_rows, n_cols = x.shape
        n_vecs = dense.shape[1]
        flat = dense.ravel()  # C order, as scipy passes it (a copy when ``dense`` is not)
        out = np.zeros((n_rows, n_vecs), dtype=np.result_type(x.dtype, dense.dtype))
        cuts = _cuts(n_rows, self._parts(n_vecs))

        def part(lo: int, hi: int) -> Callable[[], None]:
            return lambda: csr_matvecs(hi - lo, n_cols, n_vecs, x.indptr[lo:hi + 1], x.indices,
                                       x.data, flat, out[lo:hi].ravel())

        _run([part(lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)])
        return out

    def columns(self, dense: np.ndarray) -> np.ndarray:
        """``X.T @ dense`` (C-contiguous, as scipy returns it)."""
        x = self.matrix
        n_rows, n_cols = x.shape
        n_vecs = dense.shape[1]
        flat = dense.ravel()
        out = np.zeros((n_cols, n_vecs), dtype=np.result_type(x.dtype, dense.dtype))
        if self._parts(n_vecs) == 1 or not self.blocks:
            csc_matvecs(n_cols, n_rows, n_vecs, x.indptr, x.indices, x.data, flat, out.ravel())
            return out

        def part(lo: int, hi: int, indptr: np.ndarray, indices: np.ndarray,
                 data: np.ndarray) -> Callable[[], None]:
            return lambda: csc_matvecs(hi - lo, n_rows, n_vecs, indptr, indices, data, flat,
                                       out[lo:hi].ravel())

        _run([part(*block) for block in self.blocks])
        return out


def truncated_svd(matrix: sparse.csr_matrix, n_components: int, n_iter: int,
                  random_state: int, threads: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(``fit_transform(matrix)``, ``components_``) of ``TruncatedSVD(n_components,
    n_iter=n_iter, random_state=random_state)``, the same bits (see the module docstring)."""
    matrix = sparse.csr_matrix(matrix)
    products = Products.of(matrix, default_threads() if threads is None else threads)
    n_samples, n_features = matrix.shape
    transpose = n_samples < n_features
    # M is the matrix, or its transpose: ``m_times`` is M @ Q and ``mt_times`` M.T @ Q
    m_times, mt_times = ((products.columns, products.rows) if transpose
                         else (products.rows, products.columns))
    rng = np.random.RandomState(random_state)
    size = n_components + N_OVERSAMPLES
    q = rng.normal(size=(n_samples if transpose else n_features, size))
    if n_iter > 2:  # "auto": LU normalisation, none for two steps or fewer
        # (in place: a product is a new C-contiguous array, which ``lu`` would copy first)
        for _ in range(n_iter):
            q, _ = linalg.lu(m_times(q), permute_l=True, overwrite_a=True, check_finite=False)
            q, _ = linalg.lu(mt_times(q), permute_l=True, overwrite_a=True, check_finite=False)
    else:
        for _ in range(n_iter):
            q = mt_times(m_times(q))
    q, _ = linalg.qr(m_times(q), mode="economic", check_finite=False)
    b = mt_times(q).T  # Q.T @ M, as scipy computes a dense-times-sparse product
    u_hat, _s, vt = linalg.svd(b, full_matrices=False, lapack_driver="gesdd")
    del b
    u = q @ u_hat
    if transpose:
        vt, u = u[:, :n_components].T, vt[:n_components, :].T
    else:
        u, vt = u[:, :n_components], vt[:n_components, :]
    _flip_on_v(u, vt)
    return products.rows(vt.T), vt


def _flip_on_v(u: np.ndarray, v: np.ndarray) -> None:
    """scikit-learn's ``svd_flip(u, v, u_based_decision=False)``, in place: each component's
    largest-magnitude entry of ``v`` made positive."""
    largest = np.argmax(np.abs(v), axis=1)
    signs = np.sign(v.reshape(-1)[largest + np.arange(v.shape[0]) * v.shape[1]])
    u *= signs[np.newaxis, :]
    v *= signs[:, np.newaxis]
