"""Float decisions that last-bit noise cannot flip: tolerant arg-max, settled values, rankings.

Why: the same floating-point computation gives results that differ in the last bits on
another CPU or BLAS kernel (SIMD width, summation order, FMA, numpy's own vectorised ``log``
and ``exp``). Whenever such a value decides something (which topic centre is nearest, whether
a cosine reaches a threshold, which claim ranks first, which side of zero an eigenvector
component falls), two machines can disagree and produce different maps. Exact ties are the
common case: identical texts, symmetric reply graphs and equal counts give values that are
equal in exact arithmetic and differ only by that noise.

The rules here, used at every such decision:

- **arg-max / arg-min** take the *first* index whose value is within ``TOLERANCE`` of the
  extreme, so an exact tie is broken by position (callers order by id), whatever the noise.
  A tolerance beats rounding for ties: two tied values straddle a rounding boundary with
  probability noise / grid, but stay within a tolerance of each other always.
- **thresholds and output values** are compared and written after ``settle``: rounded to
  ``DIGITS`` decimals (or to ``significant`` digits for scores that span magnitudes), so
  ``-1e-17`` is ``0.0`` and a value equal to a threshold in exact arithmetic reaches it.
- **rankings** give values within ``TOLERANCE`` of each other one rank (``tie_ranks``), or
  sort settled values, and then go by an explicit tie-break key (an id, an index).

``TOLERANCE`` (1e-9) is far above the noise of float64 arithmetic on these magnitudes (values
of order 1 accumulate ~1e-15) and far below any difference that means something (cosines and
scores differ in their third decimal when they differ at all). ``tests/test_determinism.py``
adds relative noise of 1e-12 to the inputs of every decision and checks the map's bytes.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 1e-9
DIGITS = 9


def settle(values: np.ndarray | float, digits: int = DIGITS) -> np.ndarray:
    """``values`` rounded to ``digits`` decimals, negative zero made positive (a float64
    array): what a threshold or a sort compares, so noise below the grid cannot decide."""
    return np.round(np.asarray(values, dtype=np.float64), digits) + 0.0


def significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (zeros stay zero): for scores that
    span magnitudes, like PageRank, whose last decimals are noise relative to their size."""
    values = np.asarray(values, dtype=np.float64)
    out = np.zeros_like(values)
    nonzero = np.isfinite(values) & (values != 0)
    magnitude = np.floor(np.log10(np.abs(values[nonzero])))
    scale = 10.0 ** (digits - 1 - magnitude)
    out[nonzero] = np.round(values[nonzero] * scale) / scale
    out[~np.isfinite(values)] = values[~np.isfinite(values)]
    return out + 0.0


def first_max(values: np.ndarray, axis: int = -1, tolerance: float = TOLERANCE) -> np.ndarray:
    """Per row along ``axis``, the first index whose value is within ``tolerance`` of the
    row's maximum (the maximum itself if nothing else is near it). ``-inf`` rows give 0."""
    values = np.asarray(values, dtype=np.float64)
    top = np.max(values, axis=axis, keepdims=True)
    near = values >= top - tolerance * np.maximum(1.0, np.abs(top))
    return np.argmax(near, axis=axis)


def first_min(values: np.ndarray, axis: int = -1, tolerance: float = TOLERANCE) -> np.ndarray:
    """``first_max`` of ``-values``: the first index within ``tolerance`` of the minimum."""
    return first_max(-np.asarray(values, dtype=np.float64), axis=axis, tolerance=tolerance)


def first_max_index(values: np.ndarray, tolerance: float = TOLERANCE) -> int:
    """``first_max`` of a vector, as a Python int."""
    return int(first_max(np.asarray(values, dtype=np.float64).reshape(-1), tolerance=tolerance))


def group_first_max(values: np.ndarray, starts: np.ndarray,
                    tolerance: float = TOLERANCE) -> np.ndarray:
    """Per group of consecutive entries (groups begin at ``starts``, ascending, first 0), the
    position of its first value within ``tolerance`` of the group's maximum; ``len(values)``
    for a group whose maximum is ``-inf`` or NaN."""
    values = np.asarray(values, dtype=np.float64)
    m = len(values)
    sizes = np.diff(np.append(starts, m))
    top = np.repeat(np.maximum.reduceat(values, starts), sizes)
    near = np.isfinite(top) & (values >= top - tolerance * np.maximum(1.0, np.abs(top)))
    return np.minimum.reduceat(np.where(near, np.arange(m), m), starts)


def tie_ranks(values: np.ndarray, groups: np.ndarray, tolerance: float = TOLERANCE
              ) -> np.ndarray:
    """A sort key per value: groups ascending, within a group values descending, and values
    within ``tolerance`` of the next higher one in their group sharing its rank. Sorting by
    ``(rank, tie-break)`` then orders exact ties by the tie-break whatever the noise (rather
    than by which of two equal values came out a bit larger)."""
    values = np.asarray(values, dtype=np.float64)
    groups = np.asarray(groups)
    n = len(values)
    order = np.lexsort((-values, groups))
    ordered, grouped = values[order], groups[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (grouped[1:] != grouped[:-1]) | (
        ordered[:-1] - ordered[1:] > tolerance * np.maximum(1.0, np.abs(ordered[:-1])))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.cumsum(new)
    return ranks


__all__ = ["DIGITS", "TOLERANCE", "first_max", "first_max_index", "first_min",
           "group_first_max", "settle", "significant", "tie_ranks"]
