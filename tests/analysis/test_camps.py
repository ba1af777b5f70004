"""Tests for analysis/camps.py: the signed spectral split, decided the same on every machine."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from argmap.analysis.analyser import analyse
from argmap.analysis.camps import _balanced_split
from argmap.options import AnalyseOptions
from tests.analysis.test_analyse import build_map


def noisy_block(dense: np.ndarray, seed: int) -> sparse.csr_matrix:
    """A symmetric block with relative noise of 1e-12 on its weights (as another machine's
    sums of the same confidences might give)."""
    rng = np.random.default_rng(seed)
    noise = np.triu(1e-12 * rng.standard_normal(dense.shape), 1)
    return sparse.csr_matrix(dense * (1.0 + noise + noise.T))


@pytest.mark.parametrize("dense_limit", [200, 2])
def test_camps_split_of_a_repeated_eigenvalue_survives_noise(dense_limit):
    """Four authors who all attack each other: the largest eigenvalue (1) is repeated, any
    vector of its eigenspace is "the" eigenvector, and the solver's pick used to follow the
    last bits. The split now depends on the eigenspace only (dense and ARPACK alike)."""
    everyone_attacks = -(np.ones((4, 4)) - np.eye(4))
    clean = _balanced_split(sparse.csr_matrix(everyone_attacks), dense_limit)
    for seed in range(12):
        assert _balanced_split(noisy_block(everyone_attacks, seed), dense_limit) == clean
    assert sum(clean) in (1, 2, 3)  # a split, not everyone on one side


def test_camps_of_symmetric_quarrels_are_the_same_under_noise():
    """Through ``analyse``: three authors attacking each other with equal confidences, and a
    fourth who supports one of them; confidences off by 1e-12 give the same camps."""
    posts = [("p0", "ann", None), ("p1", "bob", "p0"), ("p2", "cy", "p1"), ("p3", "dee", "p2")]
    edges = [("p1/c0", "p0/c0", "attack", 0.8), ("p2/c0", "p1/c0", "attack", 0.8),
             ("p2/c0", "p0/c0", "attack", 0.8), ("p3/c0", "p2/c0", "support", 0.6)]
    options = AnalyseOptions(summary_size=0)
    clean = analyse(build_map(posts, edges), options).camps
    rng = np.random.default_rng(0)
    for _ in range(12):
        jittered = [(s, t, stance, conf * (1.0 + 1e-12 * rng.standard_normal()))
                    for s, t, stance, conf in edges]
        assert analyse(build_map(posts, jittered), options).camps == clean
    assert clean and all(camp.authors for camp in clean)


@pytest.mark.parametrize("seed", range(40))
def test_camps_dense_parts_same_blocks_as_sparse(seed):
    """A thread's few authors are split from dense arrays; the parts, their order and every
    block (values and stored order, which the local search's sums follow) must be the sparse
    path's, cancelling pairs, isolated pairs and several parts included."""
    from argmap.analysis.camps import _parts_dense, _parts_sparse
    from argmap.robust import settle

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 20))
    m = int(rng.integers(0, 3 * n))
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    weight = np.round(rng.choice([-1.0, 1.0], m) * rng.uniform(0.3, 1.0, m), 4)[keep]
    if seed % 4 == 0 and len(weight):  # a pair whose support and attack cancel
        a, b, weight = np.append(a[keep], a[keep][0]), np.append(b[keep], b[keep][0]), \
            np.append(weight, -weight[0])
    else:
        a, b = a[keep], b[keep]
    pairs = sparse.coo_matrix((weight, (np.minimum(a, b), np.maximum(a, b))),
                              shape=(n, n)).tocsr()
    pairs.data = settle(pairs.data)
    pairs.eliminate_zeros()
    sparse_parts, dense_parts = _parts_sparse(pairs), _parts_dense(pairs.toarray())
    assert (sparse_parts is None) == (dense_parts is None)
    if sparse_parts is None:
        return
    for want, got in zip(sparse_parts[:3], dense_parts[:3], strict=True):
        assert want.tolist() == got.tolist()
    for want, got in zip(sparse_parts[3], dense_parts[3], strict=True):
        assert want.indptr.tolist() == got.indptr.tolist()
        assert want.indices.tolist() == got.indices.tolist()
        assert want.data.tobytes() == got.data.tobytes()
        assert want.indptr.dtype == got.indptr.dtype and want.indices.dtype == got.indices.dtype
        assert want.toarray().tobytes() == got.toarray().tobytes()
        for limit in (200, 2):  # the dense solver, and ARPACK on the block made sparse
            assert _balanced_split(got, limit) == _balanced_split(want, limit)


def test_camps_pair_sums_same_bits_as_the_sparse_conversion():
    """A thread's author pairs summed into a dense matrix (``_pair_sums``) where no row holds
    more than ``_STABLE_ROW`` entries: the bits of scipy's COO -> CSR conversion, ``settle``,
    ``eliminate_zeros`` and ``toarray``, with cells hit many times by weights whose sum
    depends on its order, cancelling pairs and empty rows."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from argmap.analysis.camps import _STABLE_ROW, _pair_sums, _sums_in_input_order
    from argmap.robust import settle

    # (1 - 1) + 5e-10 settles to 0.0, (5e-10 - 1) + 1 to 1e-9: a cell's sum in input order
    low, high = np.asarray([0, 0, 0, 1]), np.asarray([1, 1, 1, 2])
    weight = np.asarray([1.0, -1.0, 5e-10, 0.35])
    assert _pair_sums(low, high, weight, 3)[0, 1] == 0.0
    assert _pair_sums(low[::-1], high[::-1], weight[::-1], 3)[0, 1] == 1e-9

    @settings(max_examples=300, deadline=None)
    @given(data=st.data())
    def check(data) -> None:
        n = data.draw(st.integers(1, 7))
        cells = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
        # 1 - 1 + 5e-10 settles to 0 or 1e-9 by the order of the sum: the grid's half-way
        weights = st.one_of(st.floats(-1.0, 1.0), st.sampled_from((
            0.1, 0.2, 0.3, -0.3, 0.35, -0.35, 0.7, 1.0, -1.0, 5e-10, 1.5e-9, 3e-10)))
        found = data.draw(st.lists(st.tuples(cells, weights), max_size=5 * _STABLE_ROW))
        low = np.asarray([min(c) for c, _ in found], dtype=np.int64)
        high = np.asarray([max(c) for c, _ in found], dtype=np.int64)
        weight = np.asarray([w for _, w in found], dtype=np.float64)
        if not _sums_in_input_order(low):
            return
        pairs = sparse.coo_matrix((weight, (low, high)), shape=(n, n)).tocsr()
        pairs.data = settle(pairs.data)
        pairs.eliminate_zeros()
        assert _pair_sums(low, high, weight, n).tobytes() == pairs.toarray().tobytes()

    check()
