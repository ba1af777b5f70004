"""k-means (scikit-learn's algorithm and random draws) whose decisions last-bit noise cannot flip.

Why not scikit-learn's ``KMeans`` itself: with a fixed ``random_state`` it is deterministic on
one machine, but it decides by plain float comparisons: the nearest centre is the ``argmin``
of distances computed with the BLAS (whose summation order differs between CPUs and
kernels), and the best restart the one of lowest inertia. Points at equal distance from two
centres (equal texts, symmetric data) are common, and a last-bit difference then moves one,
which grows into another clustering: on an AMD EPYC machine the second seed document came out
with 5 topics instead of 4 (issue 13).

This is the same computation (the data centred, greedy k-means++ seeding from
``RandomState(seed)`` drawn in scikit-learn's order, Lloyd iterations to strict convergence
or a centre shift within ``1e-4`` of the mean variance, empty clusters moved to the farthest
points, the best of ``restarts`` runs), so the topics stay what they were measured to be, with
each comparison made by ``argmap.robust``: a point goes to the first centre within the
tolerance of its nearest, a candidate seed or a restart wins only by more than the tolerance.
What is left to chance is a continuous quantity landing within ~1e-12 of a threshold (a
random draw, the convergence test), with a probability of that order.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from argmap.robust import TOLERANCE, first_max, first_min

MAX_ITER = 300
TOL = 1e-4  # convergence: total squared centre shift within this share of the mean variance


def _squared_distances(centres: np.ndarray, points: np.ndarray,
                       point_norms: np.ndarray) -> np.ndarray:
    """``|c - x|^2`` (centres x points), as scikit-learn's ``_euclidean_distances`` computes
    it (``|c|^2 - 2 c.x + |x|^2``, clipped at zero)."""
    distances = -2.0 * (centres @ points.T)
    distances += np.einsum("ij,ij->i", centres, centres)[:, None]
    distances += point_norms[None, :]
    return np.maximum(distances, 0.0, out=distances)


def _seed_centres(points: np.ndarray, point_norms: np.ndarray, k: int,
                  rng: np.random.RandomState) -> np.ndarray:
    """Greedy k-means++ (scikit-learn's ``_kmeans_plusplus``, its draws in its order): each
    new centre is the best of ``2 + log k`` candidates drawn with probability proportional to
    the squared distance, "best" being the lowest potential, the first within the tolerance."""
    n = len(points)
    weight = np.ones(n)
    trials = 2 + int(np.log(k))
    chosen = [int(rng.choice(n, p=weight / weight.sum()))]
    closest = _squared_distances(points[chosen], points, point_norms)[0]
    potential = closest @ weight
    for _ in range(1, k):
        draws = rng.uniform(size=trials) * potential
        candidates = np.minimum(np.searchsorted(np.cumsum(weight * closest), draws), n - 1)
        distances = np.minimum(closest, _squared_distances(points[candidates], points,
                                                           point_norms))
        best = int(first_min(distances @ weight))
        potential, closest = (distances @ weight)[best], distances[best]
        chosen.append(int(candidates[best]))
    return points[chosen].copy()


def _assign(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The nearest centre of every point: the first within the tolerance of the nearest."""
    closeness = 2.0 * (points @ centres.T) - np.einsum("ij,ij->i", centres, centres)[None, :]
    return first_max(closeness, axis=1).astype(np.int64)


def _update(points: np.ndarray, point_norms: np.ndarray, labels: np.ndarray,
            centres: np.ndarray) -> np.ndarray:
    """New centres: the mean of each cluster's points (summed in index order); an empty
    cluster takes the point farthest from its own centre (farthest first, ties by index)."""
    n, k = len(points), len(centres)
    sizes = np.bincount(labels, minlength=k)
    empty = np.flatnonzero(sizes == 0)
    if len(empty):
        own = _squared_distances(centres, points, point_norms)[labels, np.arange(n)]
        settled = np.round(own / TOLERANCE)
        far = np.lexsort((np.arange(n), -settled))[: len(empty)]
        labels = labels.copy()
        labels[far] = empty
        sizes = np.bincount(labels, minlength=k)
    indicator = sparse.csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
    return np.asarray(indicator @ points) / np.maximum(sizes, 1)[:, None]


def _lloyd(points: np.ndarray, point_norms: np.ndarray, centres: np.ndarray, tol: float
           ) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd iterations until no label changes or the centres move less than ``tol``:
    (centres, labels, inertia). The labels are those of the returned centres."""
    labels = np.full(len(points), -1, dtype=np.int64)
    for _ in range(MAX_ITER):
        new_labels = _assign(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        new_centres = _update(points, point_norms, labels, centres)
        shift = float(np.square(new_centres - centres).sum())
        centres = new_centres
        if shift <= tol:
            labels = _assign(points, centres)
            break
    else:
        labels = _assign(points, centres)
    inertia = _squared_distances(centres, points, point_norms)[labels, np.arange(len(points))]
    return centres, labels, float(inertia.sum())


def _same_clustering(a: np.ndarray, b: np.ndarray) -> bool:
    """The two labellings group the points alike (up to a renaming of the clusters)."""
    pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


def kmeans(points: np.ndarray, k: int, restarts: int, seed: int = 0) -> np.ndarray:
    """Centres (k x dims, means, not normalised) of the best of ``restarts`` runs.

    A later run replaces the best one only if its inertia is lower by more than the
    tolerance and it groups the points differently (as scikit-learn decides, with the
    tolerance: equal clusterings differ in inertia only by rounding)."""
    points = np.array(points, dtype=np.float64)  # a copy: centred below
    mean = points.mean(axis=0)
    points -= mean  # as scikit-learn does, for accurate distances
    point_norms = np.einsum("ij,ij->i", points, points)
    tol = float(np.mean(np.var(points, axis=0))) * TOL
    rng = np.random.RandomState(seed)
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    for _ in range(max(1, restarts)):
        centres, labels, inertia = _lloyd(points, point_norms,
                                          _seed_centres(points, point_norms, k, rng), tol)
        if best is None or (inertia < best[2] - TOLERANCE * max(1.0, best[2])
                            and not _same_clustering(labels, best[1])):
            best = (centres, labels, inertia)
    assert best is not None
    return best[0] + mean


__all__ = ["MAX_ITER", "TOL", "kmeans"]
