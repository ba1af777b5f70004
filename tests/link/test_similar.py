"""``similar_rows`` (bounded sparse product) gives the pairs and float32 cosines of the plain
sparse product ``X @ X.T``, bit for bit: the linker's output must not depend on the shortcut."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from argmap.link.similar import similar_rows


def _vectors(m: int, width: int, seed: int):
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(m):
        words = set(rng.choice(width, size=rng.integers(1, 12), replace=False).tolist())
        words |= set(rng.choice(4, size=rng.integers(0, 3), replace=False).tolist())  # common
        rows.append(sorted(words))
    data = np.concatenate([rng.random(len(r)) + 0.05 for r in rows]).astype(np.float32)
    indices = np.concatenate([np.asarray(r) for r in rows]).astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])])
    x = sp.csr_matrix((data, indices, indptr), shape=(m, width), dtype=np.float32)
    return normalize(x).astype(np.float32).tocsr()


def _reference(x, threshold: float, limit: int):
    """Per child, the stored entries of the plain product (pairs sharing a word)."""
    full = (x @ x.T).tocsr()
    out = []
    for child in range(x.shape[0]):
        row = full.getrow(child)
        found = [(float(s), int(p)) for p, s in zip(row.indices, row.data, strict=True)
                 if p < child and s >= threshold]
        found.sort(key=lambda t: (-t[0], t[1]))
        out += [(child, p, s) for s, p in found[:limit]]
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.5])
def test_similar_rows_equal_the_plain_product(seed: int, threshold: float) -> None:
    x = _vectors(300, 60, seed)
    layout = SimpleNamespace(vectors=x)
    child, parent, cosine = similar_rows(layout, list(range(300)), threshold,
                                         lambda c, p: p < c, limit=5, chunk=64)
    got = sorted(zip(child.tolist(), parent.tolist(), np.asarray(cosine, np.float32).tolist(),
                     strict=True), key=lambda t: (t[0], -t[2], t[1]))
    assert got == _reference(x, threshold, 5)


def _unsorted_float64(m: int, width: int, seed: int):
    """Rows as the linker's TF-IDF stores them: float64, entries not in column order."""
    x = _vectors(m, width, seed).astype(np.float64)
    x = normalize(x).tocsr()
    rng = np.random.default_rng(seed + 100)
    for row in range(m):
        lo, hi = x.indptr[row], x.indptr[row + 1]
        order = lo + rng.permutation(hi - lo)
        x.indices[lo:hi], x.data[lo:hi] = x.indices[order].copy(), x.data[order].copy()
    x.has_sorted_indices = False
    return x


def _columns(result):
    child, parent, cosine = result
    return child.tolist(), parent.tolist(), np.asarray(cosine).tobytes()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("m", [1, 2, 7, 45, 150])
def test_similar_small_rows_same_bits_as_the_product_path(seed: int, m: int,
                                                         monkeypatch) -> None:
    # the dense path for a thread's few claims must give the pairs, order and cosine bits of
    # the bounded sparse products it skips (windows, per-claim thresholds and filters included)
    import argmap.link.similar as similar

    x = _unsorted_float64(m, 40, seed)
    layout = SimpleNamespace(vectors=x)
    rng = np.random.default_rng(seed)
    threshold = rng.choice([0.05, 0.2, 0.35], size=m)
    blocked = rng.random((m, m)) < 0.2
    earliest = np.maximum(0, np.arange(m) - rng.integers(1, 30))
    earliest = np.maximum.accumulate(earliest)

    def keep_pair(c, p):
        return (p < c) & ~blocked[c, p]

    def run():
        return _columns(similar_rows(layout, list(range(m)), threshold, keep_pair, limit=3,
                                     chunk=16, earliest=earliest))

    small = run()
    monkeypatch.setattr(similar, "SMALL_MEMBERS", 0)
    assert small == run()
    assert m < 45 or len(small[0]) > m  # the case is not vacuous


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("m", [2, 30, 200])
def test_similar_rows_do_not_depend_on_unused_columns(seed: int, m: int) -> None:
    """The members' rows among many unused columns (other threads' words, as threads linked
    together lay them out) give the same pairs and bits as the rows alone."""
    x = _unsorted_float64(m, 40, seed)
    rng = np.random.default_rng(seed)
    spread = np.cumsum(rng.integers(1, 500, size=40))  # column j -> spread[j], in order
    wide = sp.csr_matrix((x.data, spread[x.indices].astype(np.int32), x.indptr),
                         shape=(m, int(spread[-1]) + 1000))
    threshold = rng.choice([0.05, 0.2, 0.35], size=m)

    def run(vectors):
        return _columns(similar_rows(SimpleNamespace(vectors=vectors), list(range(m)),
                                     threshold, lambda c, p: p < c, limit=3, chunk=16))

    assert run(wide) == run(x)
