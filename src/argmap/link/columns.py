"""Column arithmetic of the linker's selection step: per-row rules over numpy columns that give
the numbers the per-pair reference code gives (noisy-OR priors, rounding, per-child ordering and
caps, the final sort order). Split from ``link`` so that module keeps the rules themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from argmap.model import Evidence


def priors(evidence_lists: Sequence[Sequence[Evidence]]) -> np.ndarray:
    """``_prior`` of every evidence list: the noisy-OR factors multiplied one evidence position
    at a time, in evidence order, as ``math.prod`` does."""
    n = len(evidence_lists)
    counts = np.fromiter((len(ev) for ev in evidence_lists), np.int64, n)
    weights = np.fromiter((e.weight for ev in evidence_lists for e in ev), np.float64,
                          int(counts.sum()))
    factors = 1.0 - np.minimum(0.95, np.maximum(0.0, weights))
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    product = np.ones(n)
    active = np.arange(n)
    for j in range(int(counts.max(initial=0))):
        active = active[counts[active] > j]
        product[active] *= factors[offsets[active] + j]
    return 1.0 - product


def best_per_child(children: np.ndarray, parents: np.ndarray, confidence: np.ndarray,
                    rows: np.ndarray) -> np.ndarray:
    """``rows`` ordered by child, then highest confidence, then lowest parent index."""
    return rows[np.lexsort((parents[rows], -confidence[rows], children[rows]))]


def round_as_python(values: np.ndarray, digits: int) -> np.ndarray:
    """``round(v, digits)`` of every value, as Python floats would give it. Why numpy: the
    ~10^5 main-claim and answer boosts and rootness scores of a 10k-post corpus were Python
    loops. Away from a rounding boundary ``rint(v * 10**d) / 10**d`` is Python's correctly
    rounded result (the product's error is ~1e-12 of a unit; the integer is the one Python's
    decimal rounding picks, and dividing gives the same nearest double); the values within
    1e-6 of a boundary are redone by ``round``."""
    scale = 10.0**digits
    scaled = values * scale
    out = np.rint(scaled) / scale
    fragile = ~(np.abs(scaled - np.floor(scaled) - 0.5) >= 1e-6)  # NaN is fragile too
    for k in np.nonzero(fragile)[0].tolist():
        out[k] = round(float(values[k]), digits)
    return out


def boosted(scored: np.ndarray, rows: np.ndarray, weight: float) -> np.ndarray:
    """``round(1 - (1 - s) * (1 - weight), 4)`` of ``scored[rows]``: an evidence of this
    weight joins the pair's confidence by noisy-OR (numpy's float64 arithmetic is Python's)."""
    return round_as_python(1.0 - (1.0 - scored[rows]) * (1.0 - weight), 4)


def across_kept(children: np.ndarray, is_reply: np.ndarray, rows: np.ndarray,
                 max_links: int) -> np.ndarray:
    """Of ``rows`` (ordered by child, best first), per child the first reply pair and the
    pairs that are no reply, at most ``max_links`` of them in all: one answer per claim to the
    post it replies to. Why columns: a per-row Python loop over ~170k across-post pairs."""
    if not len(rows):
        return rows
    child, reply = children[rows], is_reply[rows].astype(np.int64)
    start = np.ones(len(rows), dtype=bool)
    start[1:] = child[1:] != child[:-1]
    group = np.cumsum(start) - 1
    starts = np.nonzero(start)[0]

    def before(flags: np.ndarray) -> np.ndarray:  # per row, flagged rows before it in its group
        upto = np.cumsum(flags) - flags
        return upto - upto[starts][group]

    allowed = (reply == 0) | (before(reply) == 0)
    return rows[allowed & (before(allowed.astype(np.int64)) < max_links)]


def id_ranks(ids: list[str]) -> np.ndarray | None:
    """Each claim's place in the order of claim ids, or None when two claims share an id.
    Why: kept pairs are distinct (child, parent) pairs, so with unique ids ordering them by
    (child's rank, parent's rank) is the ``relation_sort_key`` order, with no ties for a stable
    sort to settle; sorting ~121k relations by a Python key took longer."""
    if len(set(ids)) != len(ids):
        return None
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids), dtype=np.int64)
    return ranks
