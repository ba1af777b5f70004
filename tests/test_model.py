"""model: invariants the records enforce themselves, ids and ordering helpers."""

from __future__ import annotations

import dataclasses

import pytest

from argmap.model import (
    Claim,
    Evidence,
    EvidenceKind,
    Relation,
    Stance,
    claim_id,
    post_of_claim,
    relation_sort_key,
)


def test_model_relation_requires_evidence():
    with pytest.raises(ValueError, match="no evidence"):
        Relation("a/c0", "b/c0", Stance.ATTACK, 0.5, ())


@pytest.mark.parametrize("confidence", [-0.1, 1.5])
def test_model_relation_confidence_in_unit_interval(confidence):
    with pytest.raises(ValueError, match="outside"):
        Relation("a/c0", "b/c0", Stance.SUPPORT, confidence, (Evidence(EvidenceKind.REPLY, "x"),))


def test_model_records_are_frozen():
    claim = Claim("p/c0", "p", 0, 3, "abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.text = "changed"  # type: ignore[misc]


def test_model_claim_ids_round_trip_even_with_slashes_in_post_ids():
    post = "reddit:t1_x/y/c3"
    assert post_of_claim(claim_id(post, 12)) == post


def test_model_relation_sort_key_orders_by_source_target_stance():
    ev = (Evidence(EvidenceKind.REPLY, "reply"),)
    rels = [
        Relation("b", "a", Stance.SUPPORT, 0.5, ev),
        Relation("a", "b", Stance.SUPPORT, 0.5, ev),
        Relation("a", "b", Stance.ATTACK, 0.5, ev),
    ]
    ordered = sorted(rels, key=relation_sort_key)
    assert [(r.source, r.target, r.stance.value) for r in ordered] == [
        ("a", "b", "attack"),
        ("a", "b", "support"),
        ("b", "a", "support"),
    ]
