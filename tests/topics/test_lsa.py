"""``topics.lsa``: TruncatedSVD's bits, with the sparse products split over any number of threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_limits

from argmap.topics import lsa


def _matrix(rows: int, cols: int, density: float, seed: int) -> sparse.csr_matrix:
    matrix = sparse.random(rows, cols, density=density, format="csr", random_state=seed)
    matrix.data = np.round(matrix.data * 8) / 8 + 0.125  # repeated values, as TF-IDF has
    return matrix


@pytest.fixture()
def every_product_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split even the tests' small products, so the threaded path is the one tested."""
    monkeypatch.setattr(lsa, "MIN_WORK_PER_THREAD", 1)


@pytest.mark.usefixtures("every_product_threaded")
@settings(max_examples=25, deadline=None)
@given(rows=st.integers(3, 60), cols=st.integers(3, 60), density=st.floats(0.02, 0.6),
       seed=st.integers(0, 10_000), n_iter=st.sampled_from([1, 2, 3, 7]),
       threads=st.integers(1, 5), components=st.integers(1, 12))
def test_the_bits_of_truncated_svd(rows: int, cols: int, density: float, seed: int,
                                   n_iter: int, threads: int, components: int) -> None:
    matrix = _matrix(rows, cols, density, seed)
    components = min(components, cols - 1, rows - 1)
    with threadpool_limits(limits=1):
        reference = TruncatedSVD(components, random_state=0, n_iter=n_iter)
        expected = reference.fit_transform(matrix)
        points, found = lsa.truncated_svd(matrix, components, n_iter, 0, threads=threads)
    assert points.tobytes() == expected.tobytes()
    assert found.tobytes() == reference.components_.tobytes()


@pytest.mark.parametrize("shape", [(4_000, 2_000), (2_000, 5_000)])
def test_a_large_fit_split_over_threads_is_bitwise_the_one_thread_fit(
        shape: tuple[int, int]) -> None:
    """Above ``MIN_WORK_PER_THREAD`` the products really run on threads (tall and wide
    matrices: the wide one is decomposed through its transpose)."""
    matrix = _matrix(*shape, 0.04, 7)
    assert matrix.nnz * 30 > 2 * lsa.MIN_WORK_PER_THREAD
    with threadpool_limits(limits=1):
        reference = TruncatedSVD(20, random_state=0, n_iter=7)
        expected = reference.fit_transform(matrix)
        one = lsa.truncated_svd(matrix, 20, 7, 0, threads=1)
        three = lsa.truncated_svd(matrix, 20, 7, 0, threads=3)
    for points, components in (one, three):
        assert points.tobytes() == expected.tobytes()
        assert components.tobytes() == reference.components_.tobytes()


@pytest.mark.usefixtures("every_product_threaded")
def test_products_split_by_output_rows_are_scipys() -> None:
    matrix = _matrix(97, 53, 0.2, 1)
    dense_rows = np.random.default_rng(0).normal(size=(53, 9))
    dense_cols = np.asfortranarray(np.random.default_rng(1).normal(size=(97, 9)))
    for threads in (1, 2, 4, 53, 80):
        products = lsa.Products.of(matrix, threads)
        assert products.rows(dense_rows).tobytes() == (matrix @ dense_rows).tobytes()
        assert products.columns(dense_cols).tobytes() == (matrix.T @ dense_cols).tobytes()


def test_an_error_in_a_threaded_part_is_raised_not_left_as_zero_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def failing(*args: object) -> None:
        calls.append(args)
        if threading.current_thread() is not threading.main_thread():
            raise MemoryError("no room")

    monkeypatch.setattr(lsa, "csr_matvecs", failing)
    products = lsa.Products.of(_matrix(40, 30, 0.3, 2), 2)
    monkeypatch.setattr(lsa, "MIN_WORK_PER_THREAD", 1)
    with pytest.raises(MemoryError, match="no room"):
        products.rows(np.ones((30, 4)))
    assert len(calls) == 2
