"""Evaluate argmap's topics against expert key points (ArgKP, format B records).

Each (debate topic, stance) is one group of crowd arguments that experts matched to key points.
argmap's own ``cluster`` function groups the arguments of a group, and the clustering is
compared with the key points on the arguments matched to exactly one key point (an argument
with two key points has no single right cluster). Baselines are computed in the same run so a
figure is always read beside what a trivial method gets on the same arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, v_measure_score

from argmap.model import Claim
from argmap.options import ClusterOptions
from argmap.topics.clustering import cluster, topic_assignment

# Crowd arguments are one sentence each and a stance group holds ~100 of them over 2-7 key
# points: the same cluster code, with topic sizes and floors suited to that scale.
# Chosen by tools/tune_topics.py (5 folds of held-out debate topics, mean held-out V 0.33).
ARGUMENT_OPTIONS = ClusterOptions(
    max_topics=12,
    min_topic_size=3,
    claims_per_topic=8,
    max_topic_share=0.1,
    min_similarity=0.0,
    min_coherence=0.0,
    lsa_dims=10,
)


@dataclass(frozen=True, slots=True)
class KeyPointGroup:
    """The arguments of one debate topic and stance, with the key points each one matches."""

    topic: str
    stance: str
    arguments: tuple[tuple[str, str], ...]  # (argument id, text), sorted by id
    matches: dict[str, tuple[str, ...]]  # argument id -> matched key point ids (sorted)
    key_points: tuple[str, ...]  # every key point id of the group, sorted


def key_point_groups(records: Sequence[dict]) -> list[KeyPointGroup]:
    """Group format B (argument, key point) pairs by topic and stance, canonically sorted."""
    texts: dict[tuple[str, str], dict[str, str]] = {}
    matched: dict[tuple[str, str], dict[str, set[str]]] = {}
    key_points: dict[tuple[str, str], set[str]] = {}
    for record in records:
        split = str(record.get("id", "")).split(":", 1)[0]
        key = (str(record.get("topic") or record.get("group")), str(record.get("stance")))
        # Ids when the file has them, else the texts themselves (same text, same item).
        arg_id = f"{split}:{record.get('child_id') or record['child']}"
        kp_id = f"{split}:{record.get('parent_id') or record['parent']}"
        texts.setdefault(key, {})[arg_id] = record["child"]
        key_points.setdefault(key, set()).add(kp_id)
        group_matches = matched.setdefault(key, {})
        group_matches.setdefault(arg_id, set())
        if record.get("label") == "match":
            group_matches[arg_id].add(kp_id)
    return [
        KeyPointGroup(
            topic=key[0],
            stance=key[1],
            arguments=tuple(sorted(texts[key].items())),
            matches={a: tuple(sorted(k)) for a, k in matched[key].items()},
            key_points=tuple(sorted(key_points[key])),
        )
        for key in sorted(texts)
    ]


def purity(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items whose cluster's majority gold label is their own gold label."""
    if not truth:
        return 0.0
    counts: dict[str, dict[str, int]] = {}
    for gold, found in zip(truth, predicted, strict=True):
        counts.setdefault(found, {}).setdefault(gold, 0)
        counts[found][gold] += 1
    return sum(max(c.values()) for c in counts.values()) / len(truth)


def _claims(arguments: Sequence[tuple[str, str]]) -> list[Claim]:
    return [Claim(id=a, post_id=a, start=0, end=len(t), text=t) for a, t in arguments]


def kmeans_labels(texts: Sequence[str], k: int, seed: int = 0) -> list[str]:
    """The baseline: TF-IDF and k-means with k given (the number of key points)."""
    k = max(1, min(k, len(texts)))
    vectors = TfidfVectorizer(stop_words="english").fit_transform(texts)
    found = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)
    return [str(x) for x in found]


def topic_group_figures(
    records: Sequence[dict], options: ClusterOptions | None = None, baselines: bool = True
) -> list[dict[str, float | str]]:
    """Per-group figures (for cross-validation grouped by debate topic): one dict per group."""
    options = options or ARGUMENT_OPTIONS
    out: list[dict[str, float | str]] = []
    for group in key_point_groups(records):
        single = [(a, t) for a, t in group.arguments if len(group.matches[a]) == 1]
        if len(single) < 2:
            continue
        truth = [group.matches[a][0] for a, _ in single]
        assignment = topic_assignment(cluster(_claims(single), options))
        found = [assignment[a] for a, _ in single]
        row: dict[str, float | str] = {
            "topic": group.topic,
            "stance": group.stance,
            "arguments": float(len(single)),
            "topic_v_measure": v_measure_score(truth, found),
            "topic_ari": adjusted_rand_score(truth, found),
            "topic_purity": purity(truth, found),
            "topics_per_group": float(len(set(found))),
            "key_points_per_group": float(len(set(truth))),
        }
        if baselines:
            baseline = kmeans_labels([t for _, t in single], len(set(truth)), options.seed)
            row |= {
                "baseline_one_cluster_v_measure": v_measure_score(truth, ["all"] * len(truth)),
                "baseline_one_cluster_purity": purity(truth, ["all"] * len(truth)),
                "baseline_kmeans_v_measure": v_measure_score(truth, baseline),
                "baseline_kmeans_ari": adjusted_rand_score(truth, baseline),
                "baseline_kmeans_purity": purity(truth, baseline),
            }
            # The same baseline with as many clusters as argmap found: V-measure grows with
            # the number of clusters, so this separates method from cluster count.
            same_k = kmeans_labels([t for _, t in single], len(set(found)), options.seed)
            row["baseline_kmeans_same_k_v_measure"] = v_measure_score(truth, same_k)
        out.append(row)
    return out


def average_figures(rows: Sequence[dict[str, float | str]]) -> dict[str, float]:
    """Macro average of every numeric figure over groups, plus group and argument counts."""
    names = sorted({k for row in rows for k, v in row.items() if isinstance(v, float | int)})
    result = {
        name: round(float(np.mean([float(row[name]) for row in rows])), 4)
        for name in names
        if name != "arguments"
    }
    result["groups"] = float(len(rows))
    result["arguments"] = float(sum(float(row.get("arguments", 0.0)) for row in rows))
    return result


def evaluate_topics(
    records: Sequence[dict], options: ClusterOptions | None = None
) -> dict[str, float]:
    """Macro averages over (topic, stance) groups: V-measure, adjusted Rand and purity of
    argmap's topics against the key points, with the one-cluster and k-means baselines."""
    return average_figures(topic_group_figures(records, options))
