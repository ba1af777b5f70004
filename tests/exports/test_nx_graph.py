"""Behaviour of the one networkx adapter."""

from __future__ import annotations

from dataclasses import replace

from argmap.exports.nx_graph import evidence_summary, to_networkx
from argmap.model import (
    ArgumentMap,
    Claim,
    Evidence,
    EvidenceKind,
    Post,
    Relation,
    Role,
    Stance,
    Thread,
    Topic,
)


def _evidence(detail: str) -> tuple[Evidence, ...]:
    return (Evidence(EvidenceKind.CONNECTIVE, detail, 0.6), Evidence(EvidenceKind.REPLY, "", 0.2))


def small_map() -> ArgumentMap:
    posts = (
        Post("p0", "t1", "Taxes should rise. But growth matters.", author="ann"),
        Post("p1", "t1", "Growth is overrated.", author=None, reply_to="p0"),
    )
    claims = (
        Claim("p0/c0", "p0", 0, 18, "Taxes should rise."),
        Claim("p0/c1", "p0", 19, 39, "But growth matters.", Role.OBJECTION),
        Claim("p1/c0", "p1", 0, 20, "Growth is overrated."),
    )
    relations = (
        Relation("p1/c0", "p0/c1", Stance.ATTACK, 0.7, _evidence("overrated")),
        Relation("p0/c1", "p0/c0", Stance.ATTACK, 0.8, _evidence("but")),
        Relation("p1/c0", "p0/c0", Stance.SUPPORT, 0.4, _evidence("")),
    )
    topics = (
        Topic("t00", "taxes", ("taxes",), ("p0/c0",)),
        Topic("t01", "growth", ("growth",), ("p0/c1", "p1/c0")),
    )
    return ArgumentMap((Thread("t1", "Taxes", posts),), claims, (), topics, relations)


def test_graph_nodes_carry_claim_attributes():
    graph = to_networkx(small_map())
    assert list(graph.nodes) == ["p0/c0", "p0/c1", "p1/c0"]
    assert graph.nodes["p0/c1"] == {
        "text": "But growth matters.", "post_id": "p0", "thread_id": "t1", "topic": "t01",
        "author": "ann", "role": "objection",
    }
    assert graph.nodes["p1/c0"]["author"] == ""  # unknown author: a string, never None


def test_graph_edges_go_source_to_target_with_stance_and_evidence():
    graph = to_networkx(small_map())
    assert sorted(graph.edges) == [("p0/c1", "p0/c0"), ("p1/c0", "p0/c0"), ("p1/c0", "p0/c1")]
    edge = graph.edges["p0/c1", "p0/c0"]
    assert edge == {"stance": "attack", "confidence": 0.8,
                    "evidence": "connective: but; reply"}
    assert graph.edges["p1/c0", "p0/c0"]["stance"] == "support"


def test_graph_skips_relations_to_claims_outside_the_map():
    amap = small_map()
    ghost = Relation("ghost/c0", "p0/c0", Stance.ATTACK, 0.9, _evidence("x"))
    graph = to_networkx(replace(amap, relations=amap.relations + (ghost,)))
    assert "ghost/c0" not in graph
    assert graph.number_of_edges() == 3


def test_graph_keeps_one_edge_per_pair_preferring_confidence_then_attack():
    amap = small_map()
    extra = (
        Relation("p1/c0", "p0/c0", Stance.ATTACK, 0.4, _evidence("tie")),  # ties the support
        Relation("p1/c0", "p0/c1", Stance.SUPPORT, 0.9, _evidence("stronger")),
    )
    graph = to_networkx(replace(amap, relations=extra + amap.relations))
    assert graph.edges["p1/c0", "p0/c0"]["stance"] == "attack"
    assert graph.edges["p1/c0", "p0/c1"]["stance"] == "support"


def test_graph_is_independent_of_relation_order():
    amap = small_map()
    forward = to_networkx(amap)
    backward = to_networkx(replace(amap, relations=tuple(reversed(amap.relations))))
    assert list(forward.edges(data=True)) == list(backward.edges(data=True))


def test_graph_evidence_summary_lists_kinds_and_details():
    assert evidence_summary(_evidence("because")) == "connective: because; reply"
