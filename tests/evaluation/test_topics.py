"""Tests for the topic and summary evaluations on key-point data (format B records)."""

from __future__ import annotations

import orjson
import pytest

from argmap.evaluation.summaries import coverage_and_redundancy, evaluate_summaries
from argmap.evaluation.topics import evaluate_topics, key_point_groups, purity
from argmap.options import ClusterOptions

KEY_POINTS = {
    "kp_0": ("Uniforms reduce bullying", "bullying teasing poorer students stand out clothes brands"),
    "kp_1": ("Uniforms cost money", "expensive price families afford money budget pay"),
    "kp_2": ("Uniforms limit expression", "identity creativity express style individuality freedom"),
    "kp_3": ("Uniforms look smart", "smart tidy appearance professional neat image"),
}


def argkp_records(per_point: int = 12) -> list[dict]:
    """Pairs for one topic and stance: each argument matches its own key point only, plus one
    argument that matches two key points (excluded from the topic scores)."""
    records = []
    arguments = []
    for kp_id, (_, vocabulary) in sorted(KEY_POINTS.items()):
        words = vocabulary.split()
        for n in range(per_point):
            # Two core words of the point in every argument, and one of its other words.
            text = (f"school uniforms matter because of {words[0]} and {words[1]} and "
                    f"{words[2 + n % (len(words) - 2)]} for pupils")
            arguments.append((f"arg_{kp_id}_{n}", text, {kp_id}))
    arguments.append(("arg_both", "bullying and expensive price both matter", {"kp_0", "kp_1"}))
    for arg_id, text, matched in arguments:
        for kp_id, (kp_text, _) in sorted(KEY_POINTS.items()):
            records.append({
                "id": f"dev:{arg_id}|{kp_id}", "parent": kp_text, "child": text,
                "label": "match" if kp_id in matched else "no_match",
                "group": "School uniforms", "topic": "School uniforms", "stance": -1,
                "parent_id": kp_id, "child_id": arg_id,
            })
    return records


def test_evaluation_topics_purity_by_hand() -> None:
    truth = ["a", "a", "a", "b", "b", "c"]
    found = ["x", "x", "y", "y", "y", "y"]
    # cluster x: a,a -> 2; cluster y: a,b,b,c -> 2 (b); total 4 of 6
    assert purity(truth, found) == pytest.approx(4 / 6)
    assert purity([], []) == 0.0


def test_evaluation_topics_coverage_and_redundancy_by_hand() -> None:
    matches = {"a1": ("k1",), "a2": ("k1",), "a3": ("k2", "k3"), "a4": ()}
    coverage, redundancy = coverage_and_redundancy(["a1", "a2", "a3", "a4"], matches,
                                                   ["k1", "k2", "k3", "k4"])
    assert coverage == pytest.approx(3 / 4)  # k1, k2, k3 of four
    assert redundancy == pytest.approx(1 / 4)  # a2 repeats k1; a4 repeats nothing
    assert coverage_and_redundancy([], matches, ["k1"]) == (0.0, 0.0)


def test_evaluation_topics_groups_records(tmp_path) -> None:
    path = tmp_path / "argkp.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in argkp_records()))
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    (group,) = key_point_groups(records)
    assert group.key_points == ("dev:kp_0", "dev:kp_1", "dev:kp_2", "dev:kp_3")
    assert len(group.arguments) == 49
    assert group.matches["dev:arg_both"] == ("dev:kp_0", "dev:kp_1")


def test_evaluation_topics_finds_separable_key_points() -> None:
    options = ClusterOptions(claims_per_topic=12, max_topic_share=0.0, min_topic_size=2,
                             lsa_dims=10, min_similarity=0.0, min_coherence=0.0)
    figures = evaluate_topics(argkp_records(), options)
    assert figures["arguments"] == 48  # the argument with two key points is not scored
    assert figures["topic_v_measure"] > 0.8
    assert figures["topic_purity"] > 0.9
    assert figures["topic_v_measure"] > figures["baseline_one_cluster_v_measure"]
    assert "baseline_kmeans_v_measure" in figures and "topic_ari" in figures


def test_evaluation_summaries_cover_separable_key_points() -> None:
    figures = evaluate_summaries(argkp_records())
    assert figures["keypoint_coverage"] == pytest.approx(1.0)
    assert figures["redundancy"] == pytest.approx(0.0)
    for name in ("baseline_random_keypoint_coverage", "baseline_centroid_keypoint_coverage",
                 "baseline_kmeans_medoids_keypoint_coverage"):
        assert 0.0 <= figures[name] <= 1.0
