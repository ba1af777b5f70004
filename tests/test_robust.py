"""Tests for robust.py: float decisions that noise below the tolerance cannot change."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.robust import (
    TOLERANCE,
    first_max,
    first_max_index,
    first_min,
    group_first_max,
    settle,
    significant,
    tie_ranks,
)


def test_robust_first_max_takes_the_first_of_values_tied_within_the_tolerance():
    values = np.array([[0.3, 0.5, 0.5 + 1e-13, 0.1], [0.7, 0.2, 0.7 - 1e-13, 0.7]])
    assert first_max(values, axis=1).tolist() == [1, 0]
    assert first_min(np.array([0.2, 0.1 + 1e-14, 0.1])) == 1
    assert first_max_index(np.array([-np.inf, 2.0, 2.0 + 1e-12])) == 1
    assert first_max_index(np.array([-np.inf, -np.inf])) == 0
    # a real difference still decides
    assert first_max(np.array([0.5, 0.5 + 1e-6])) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_robust_first_max_ignores_noise_far_below_the_tolerance(values, seed):
    values = np.asarray(values)
    noisy = values * (1.0 + 1e-13 * np.random.default_rng(seed).standard_normal(len(values)))
    spread = np.abs(values[:, None] - values[None, :])
    # no pair sits within noise of the tolerance's edge (what "far below" means)
    # (the tolerance scales with the maximum's own size, as in robust.first_max)
    edge = np.abs(spread - TOLERANCE * np.maximum(1.0, np.abs(values.max())))
    if (edge < 1e-9).any():
        return
    assert first_max_index(noisy) == first_max_index(values)


def test_robust_settle_and_significant():
    assert settle(np.array([-1e-17, 0.2 - 1e-15, 0.35]))[0] == 0.0
    assert str(settle(np.array([-1e-17]))[0]) == "0.0"  # no negative zero
    assert settle(np.array([0.2 - 1e-15]))[0] >= 0.2
    assert significant(np.array([0.000123456789, 123456.789, 0.0, -2.5e-7]), 6).tolist() == [
        0.000123457, 123457.0, 0.0, -2.5e-7]


def test_robust_group_first_max():
    values = np.array([1.0, 3.0, 3.0 + 1e-12, -np.inf, -np.inf, 2.0, 5.0])
    starts = np.array([0, 3, 5])
    assert group_first_max(values, starts).tolist() == [1, 7, 6]


def test_robust_tie_ranks_group_values_within_the_tolerance():
    values = np.array([0.5, 0.9, 0.5 + 1e-13, 0.7, 0.9 - 1e-12, 0.3])
    groups = np.array([0, 0, 0, 1, 0, 1])
    ranks = tie_ranks(values, groups)
    # group 0: 0.9 and 0.9-1e-12 share the first rank, the two 0.5s the next; group 1 after
    assert ranks[1] == ranks[4] < ranks[0] == ranks[2] < ranks[3] < ranks[5]
    # a sort by (rank, tie-break) orders the tied ones by the tie-break, whatever the noise
    order = np.lexsort((np.arange(6), ranks))
    assert order.tolist() == [1, 4, 0, 2, 3, 5]
