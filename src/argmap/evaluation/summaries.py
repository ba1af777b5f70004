"""Evaluate argmap's extractive summaries against expert key points (ArgKP, format B records).

For each (debate topic, stance) group, argmap's ``summarize`` picks k arguments, k being the
number of key points of the group, from all of the group's arguments (including the ones that
match no key point, which a good summary should avoid). keypoint_coverage is the share of key
points matched by at least one chosen argument; redundancy is the share of chosen arguments
that only repeat key points already covered by an earlier choice. Baselines in the same run:
k random arguments (seeded, averaged over draws), the k nearest the TF-IDF centroid, and the
medoids of a TF-IDF k-means with k clusters.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from argmap.analysis.summarize import summarize
from argmap.evaluation.topics import KeyPointGroup, key_point_groups
from argmap.model import Claim

RANDOM_DRAWS = 20


def coverage_and_redundancy(
    chosen: Sequence[str], matches: Mapping[str, Sequence[str]], key_points: Sequence[str]
) -> tuple[float, float]:
    """(share of key points covered, share of chosen arguments repeating covered key points)."""
    covered: set[str] = set()
    repeats = 0
    for argument in chosen:
        points = set(matches.get(argument, ()))
        if points and points <= covered:
            repeats += 1
        covered |= points
    coverage = len(covered & set(key_points)) / len(key_points) if key_points else 0.0
    return coverage, (repeats / len(chosen) if chosen else 0.0)


def _tfidf(texts: Sequence[str]):
    return TfidfVectorizer(stop_words="english").fit_transform(texts)


def pick_argmap(group: KeyPointGroup, k: int, seed: int) -> list[list[str]]:
    claims = [Claim(id=a, post_id=a, start=0, end=len(t), text=t) for a, t in group.arguments]
    return [[item.claim_id for item in summarize(claims, k)]]


def pick_random(group: KeyPointGroup, k: int, seed: int) -> list[list[str]]:
    ids = [a for a, _ in group.arguments]
    return [random.Random(seed * 1000 + d).sample(ids, min(k, len(ids)))
            for d in range(RANDOM_DRAWS)]


def pick_centroid(group: KeyPointGroup, k: int, seed: int) -> list[list[str]]:
    vectors = _tfidf([t for _, t in group.arguments])
    centre = np.asarray(vectors.mean(axis=0)).ravel()
    closeness = vectors @ centre
    order = sorted(range(len(group.arguments)), key=lambda i: (-closeness[i], i))
    return [[group.arguments[i][0] for i in order[:k]]]


def pick_kmeans_medoids(group: KeyPointGroup, k: int, seed: int) -> list[list[str]]:
    vectors = _tfidf([t for _, t in group.arguments])
    k = max(1, min(k, len(group.arguments)))
    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(vectors)
    chosen = []
    for j in range(k):
        members = np.flatnonzero(model.labels_ == j)
        if members.size == 0:
            continue
        closeness = vectors[members] @ model.cluster_centers_[j]
        chosen.append(group.arguments[int(members[int(np.argmax(closeness))])][0])
    return [chosen]


METHODS: dict[str, Callable[[KeyPointGroup, int, int], list[list[str]]]] = {
    "": pick_argmap,
    "baseline_random_": pick_random,
    "baseline_centroid_": pick_centroid,
    "baseline_kmeans_medoids_": pick_kmeans_medoids,
}


def summary_group_figures(
    records: Sequence[dict], seed: int = 0, baselines: bool = True
) -> list[dict[str, float | str]]:
    """Per-group coverage and redundancy of argmap and of each baseline."""
    rows: list[dict[str, float | str]] = []
    for group in key_point_groups(records):
        k = len(group.key_points)
        if k == 0 or len(group.arguments) < k:
            continue
        row: dict[str, float | str] = {"topic": group.topic, "stance": group.stance,
                                       "arguments": float(len(group.arguments))}
        for prefix, method in METHODS.items():
            if prefix and not baselines:
                continue
            figures = [coverage_and_redundancy(chosen, group.matches, group.key_points)
                       for chosen in method(group, k, seed)]
            row[f"{prefix}keypoint_coverage"] = float(np.mean([c for c, _ in figures]))
            row[f"{prefix}redundancy"] = float(np.mean([r for _, r in figures]))
        rows.append(row)
    return rows


def evaluate_summaries(records: Sequence[dict]) -> dict[str, float]:
    """Macro averages over (topic, stance) groups of keypoint_coverage and redundancy, with the
    random, centroid and k-means-medoid baselines beside them."""
    rows = summary_group_figures(records)
    names = sorted({k for row in rows for k, v in row.items() if isinstance(v, float)})
    result = {n: round(float(np.mean([float(r[n]) for r in rows])), 4)
              for n in names if n != "arguments"}
    result["groups"] = float(len(rows))
    result["arguments"] = float(sum(float(r["arguments"]) for r in rows))
    return result
