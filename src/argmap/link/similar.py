"""Per claim, its most similar earlier claims above a cosine threshold: the thresholded sparse
product the similarity and cross-thread candidates need, with the same numbers at a fraction of
the cost.

Why not the plain product: TF-IDF rows share common words, so the product of a topic's rows is
nearly dense (~50M entries over the topics at 10k posts) while a few thousand entries pass the
threshold. The member set's frequent ("heavy") words carry a small part of most rows' norm, and
cosine(a, b) <= cosine over the other words + |a's heavy part| * |b's heavy part|
(Cauchy-Schwarz, nonnegative weights). So: the product over the light words only (a few % of the
work) and that bound pick the pairs that may reach the threshold, and their cosines are then
recomputed exactly as scipy's product sums them (float64 products added in the order of the
child row's entries); rows for which the bound rules nothing out (mostly common words) take the
full product. The pairs and their cosines are those of the full product, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from argmap.link.layout import Layout
from argmap.robust import TOLERANCE, tie_ranks

_SLACK = 1e-3  # margin of the bound, far above the rounding of a ~100-term sum
_HEAVY_SHARE = 0.05  # a word in more than this share of the members is heavy
# Up to this many members (and member-pair entries: members^2 x longest row) every earlier
# member is scored at once, densely (``_small_rows``): a corpus run maps ~45-claim threads one
# by one, and there the bound's sparse products cost more in scipy's per-call overhead than
# the arithmetic.
SMALL_MEMBERS = 160
_SMALL_CELLS = 2_000_000


def _exact_cosines(x, child: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Row ``child[k]`` of CSR ``x`` times row ``parent[k]``, summed as scipy's sparse product
    does: products added in the order of the child row's stored entries.

    Only the parents' rows are sorted into the look-up keys (at 10k posts ~0.1M pairs read a
    small part of the 5.5M entries the member sets hold), and every (pair, child entry) is
    looked up at once (one ``searchsorted``, not one per entry position: that was thousands of
    small numpy calls); the hits are then added position by position, each pair's in its child
    row's order: the same sums. The stable sort keeps a repeated (row, column) entry's
    first stored value first, as the sort over all rows did."""
    width = x.shape[1]
    used, local = np.unique(parent, return_inverse=True)
    lo = x.indptr[used].astype(np.int64)
    count = x.indptr[used + 1].astype(np.int64) - lo
    stored = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    keys = np.repeat(np.arange(len(used), dtype=np.int64), count) * width + x.indices[stored]
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], x.data[stored[order]]
    parent = local.reshape(-1).astype(np.int64)  # the parents as rows of the keys
    start = x.indptr[child].astype(np.int64)
    length = (x.indptr[child + 1] - start).astype(np.int64)
    out = np.zeros(len(child), dtype=x.dtype)
    total = int(length.sum())
    if not total or not len(keys):
        return out
    pair = np.repeat(np.arange(len(child), dtype=np.int64), length)
    step = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(length) - length, length)
    entry = start[pair] + step
    look = parent[pair] * width + x.indices[entry]
    at = np.minimum(np.searchsorted(keys, look), len(keys) - 1)
    hit = np.nonzero(keys[at] == look)[0]
    products = x.data[entry[hit]] * values[at[hit]]
    pair, step = pair[hit], step[hit]
    by_step = np.argsort(step, kind="stable")  # hits grouped by position, pairs ascending
    bounds = np.searchsorted(step[by_step], np.arange(int(length.max()) + 1))
    for j in range(len(bounds) - 1):
        rows = by_step[bounds[j]:bounds[j + 1]]
        out[pair[rows]] = out[pair[rows]] + products[rows]
    return out


def _products(a, b, positions: np.ndarray, chunk: int, earliest: np.ndarray | None = None):
    """(row position, column position, value) of ``a[positions] @ b`` by row chunks, each
    chunk against the columns before its last row only (a parent precedes its child) and,
    with ``earliest`` (per position, ascending), from ``earliest[row]`` on only."""
    for lo in range(0, len(positions), chunk):
        rows = positions[lo:lo + chunk]
        first = 0 if earliest is None else int(earliest[rows[0]])
        product = (a[rows] @ b[:, first:int(rows[-1])]).tocoo()
        row, column = rows[product.row], product.col.astype(np.int64) + first
        if earliest is None:
            yield row, column, product.data
        else:
            near = column >= earliest[row]
            yield row[near], column[near], product.data[near]


def similar_rows(layout: Layout, members: list[int], threshold, keep_pair: Callable,
                 limit: int, chunk: int, earliest: np.ndarray | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(child, parent, cosine) columns: per member, its ``limit`` most similar members with
    cosine >= threshold (a float, or a float64 array by claim) that ``keep_pair(children,
    parents)`` (numpy claim index arrays) allows, by child, best first (ties: lower parent
    index). ``keep_pair`` must allow only parents that come before their child in
    ``members``; with ``earliest`` (per position in ``members``, never decreasing), a child's
    candidates start at that position (so the work per member can be bounded, whatever the
    number of members)."""
    index = np.asarray(members, dtype=np.int64)
    m = len(members)
    x = _used_columns(layout.vectors[members])
    if m <= SMALL_MEMBERS and m * m * int(np.diff(x.indptr).max(initial=0)) <= _SMALL_CELLS:
        return _small_rows(x, index, threshold, keep_pair, limit, earliest)
    entry_row = np.repeat(np.arange(m, dtype=np.int64), np.diff(x.indptr))
    heavy = (np.bincount(x.indices, minlength=x.shape[1]) > _HEAVY_SHARE * m)[x.indices]
    norm_h = np.sqrt(np.bincount(entry_row[heavy], minlength=m,
                                 weights=np.square(x.data[heavy], dtype=np.float64)))
    earlier = np.concatenate([[0.0], np.maximum.accumulate(norm_h)[:-1]])
    floor = (np.full(m, threshold) if isinstance(threshold, float)
             else threshold[index].astype(np.float64)) - _SLACK
    full = norm_h * earlier >= floor  # the bound rules out no earlier member: full product
    full[:1] = False  # the first member has no earlier one
    parts = [_best(index, c, p, s, threshold, keep_pair, limit)
             for c, p, s in _products(x, x.T.tocsc(), np.nonzero(full)[0], chunk, earliest)]
    light = x.copy()
    light.data[heavy] = 0.0
    light.eliminate_zeros()
    for c, p, s in _products(light, light.T.tocsc(), np.nonzero(~full)[0][1:], chunk,
                             earliest):
        maybe = s + norm_h[c] * norm_h[p] >= floor[c]
        c, p = c[maybe], p[maybe]
        ok = keep_pair(index[c], index[p])
        c, p = c[ok], p[ok]
        parts.append(_best(index, c, p, _exact_cosines(x, c, p), threshold,
                           keep_pair, limit))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    child, parent, sims = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(child, kind="stable")  # a child's pairs are all in one part
    return child[order], parent[order], sims[order]


def _used_columns(x):
    """``x`` with only the columns its rows use, renumbered in their order; every row keeps
    its entries in their stored order. No number changes (a product reads shared columns, in
    the child row's order), but the dense and per-column arrays shrink to the members' words:
    threads linked together (``link.batch``) each have their own columns, so a batch of a few
    members would otherwise span every thread's vocabulary (160 members x 27k columns densely:
    35 MB)."""
    used, renamed = np.unique(x.indices, return_inverse=True)
    if len(used) == x.shape[1]:
        return x
    from scipy.sparse import csr_matrix

    return csr_matrix((x.data, renamed.reshape(-1).astype(x.indices.dtype), x.indptr),
                      shape=(x.shape[0], max(len(used), 1)))


def _small_rows(x, index: np.ndarray, threshold, keep_pair: Callable, limit: int,
                earliest: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``similar_rows`` of a few members: the cosine of every member with every earlier one
    (from ``earliest`` on), summed as scipy's sparse product sums it (the child row's stored
    entries in order, starting from 0.0; a word the parent lacks adds +0.0, which changes no
    sum of nonnegative weights), pairs sharing no word left out as the product leaves them
    out. Same pairs, same bits as the bound-and-product path."""
    m = len(index)
    child, parent = np.nonzero(np.tri(m, k=-1, dtype=bool))  # parent before child
    if earliest is not None:
        near = parent >= earliest[child]
        child, parent = child[near], parent[near]
    if not len(child):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    dense = x.toarray()
    length = np.diff(x.indptr)
    # each member's entries in stored order, padded with zero weights to the longest row
    step = np.arange(int(length.max(initial=0)), dtype=np.int64)
    stored = step < length[:, None]
    at = np.where(stored, x.indptr[:-1, None] + step, 0)
    weights = np.where(stored, x.data[at], 0.0).astype(x.dtype)  # scipy sums in this type
    columns = np.where(stored, x.indices[at], 0)
    products = weights[child] * dense[parent[:, None], columns[child]]
    # a running sum adds left to right, as the product's loop does (the padding adds +0.0)
    sims = (np.cumsum(products, axis=1)[:, -1] if products.shape[1]
            else np.zeros(len(child), dtype=x.dtype))
    shared = sims > 0.0
    return _best(index, child[shared], parent[shared], sims[shared], threshold, keep_pair,
                 limit)


def _best(index: np.ndarray, c: np.ndarray, p: np.ndarray, sims: np.ndarray, threshold,
          keep_pair: Callable, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs at or above the threshold that ``keep_pair`` allows, per child its ``limit``
    best (ties: lower parent index), by child."""
    child, parent = index[c], index[p]
    # within the tolerance of the threshold reaches it, and cosines within the tolerance of
    # each other are tied and go by parent index (``argmap.robust``): equal texts give equal
    # cosines in exact arithmetic, and last-bit noise must not pick between them
    floor = threshold if isinstance(threshold, float) else threshold[child]
    keep = sims >= floor - TOLERANCE
    child, parent, sims = child[keep], parent[keep], sims[keep]
    allowed = keep_pair(child, parent)
    child, parent, sims = child[allowed], parent[allowed], sims[allowed]
    order = np.lexsort((parent, tie_ranks(sims, child)))
    child, parent, sims = child[order], parent[order], sims[order]
    best = np.arange(len(child)) - np.searchsorted(child, child) < limit
    return child[best], parent[best], sims[best]


__all__ = ["similar_rows"]
