"""Tests for topics/kmeans.py: scikit-learn's k-means, with decisions noise cannot flip."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from argmap.robust import first_max
from argmap.topics.kmeans import kmeans


def unit_points(n: int, dims: int, seed: int) -> np.ndarray:
    points = np.random.default_rng(seed).standard_normal((n, dims))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


@pytest.mark.parametrize(("n", "dims", "k", "restarts"), [(200, 10, 5, 10), (1500, 40, 25, 3)])
def test_kmeans_gives_scikit_learns_centres_on_generic_points(n, dims, k, restarts):
    """Same seeding draws, same iterations, same restart choice: on points without ties the
    centres are scikit-learn's to rounding, so the measured topic quality carries over."""
    points = unit_points(n, dims, seed=n)
    expected = KMeans(n_clusters=k, n_init=restarts, random_state=0).fit(points)
    assert np.abs(kmeans(points, k, restarts, seed=0) - expected.cluster_centers_).max() < 1e-12


def repeated_points(seed: int = 0) -> np.ndarray:
    """Twelve directions repeated ten times each, and normalised sums of two of them: points
    at equal distance from two centres, the ties equal texts give."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((12, 3))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    mixed = base[rng.integers(0, 12, 30)] + base[rng.integers(0, 12, 30)]
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    return np.concatenate([base[rng.integers(0, 12, 120)], mixed])


def labels_of(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return first_max(points @ centres.T - 0.5 * (centres * centres).sum(axis=1), axis=1)


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return adjusted_rand_score(a, b) == 1.0


def test_kmeans_ties_survive_last_bit_noise():
    """Relative noise of 1e-12 on the points (what another CPU's BLAS does to them) leaves
    the same clusters; on these very points scikit-learn's plain argmin regroups them."""
    points = repeated_points()
    centres = kmeans(points, 7, restarts=4)
    clean = labels_of(points, centres)
    reference = KMeans(n_clusters=7, n_init=4, random_state=0).fit(points).labels_
    scikit_changed = 0
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        noisy = points * (1.0 + 1e-12 * rng.standard_normal(points.shape))
        again = kmeans(noisy, 7, restarts=4)
        assert np.abs(again - centres).max() < 1e-9
        assert labels_of(noisy, again).tolist() == clean.tolist()
        scikit = KMeans(n_clusters=7, n_init=4, random_state=0).fit(noisy).labels_
        scikit_changed += not same_partition(scikit, reference)
    assert scikit_changed > 0  # the case is a real one: the noise does flip plain argmin


def test_kmeans_duplicate_points_and_more_clusters_than_distinct_points():
    """Fewer distinct points than k: clusters share centres, nothing fails, and every
    centre is one of the points."""
    points = np.repeat(unit_points(3, 4, seed=5), 4, axis=0)
    centres = kmeans(points, 5, restarts=2)
    assert centres.shape == (5, 4)
    distance = np.abs(centres[:, None, :] - points[None, :, :]).max(axis=2).min(axis=1)
    assert (distance < 1e-12).all()
