"""The one adapter from an ``ArgumentMap`` to networkx.

The records in ``model.py`` are the source of truth; a ``networkx.DiGraph`` is a derived view for
code that wants graph algorithms or networkx's writers (GraphML). Keeping a single adapter means
every consumer sees the same node and edge attributes, and the attribute values are always plain
strings and floats (never ``None``) so that every networkx writer can serialise them.

Large corpora should not go through here: a 100k-claim map makes a multi-million-edge DiGraph
that is slow to build; ``analyse`` works on sparse matrices instead.
"""

from __future__ import annotations

import networkx as nx

from argmap.model import ArgumentMap, Evidence, Relation, Stance


def evidence_summary(evidence: tuple[Evidence, ...]) -> str:
    """``kind: detail`` of each piece of evidence, joined by ``"; "``: what a reader needs to
    see why argmap believes in an edge, as one string every graph format can carry."""
    return "; ".join(f"{e.kind.value}: {e.detail}" if e.detail else e.kind.value for e in evidence)


def _preferred(current: Relation, candidate: Relation) -> Relation:
    """A DiGraph holds one edge per ordered pair. When a map has both a support and an attack
    from a to b, keep the more confident one, and the attack on a tie (the conservative
    reading: a doubted support should not hide a possible objection)."""
    key_current = (current.confidence, current.stance is Stance.ATTACK)
    key_candidate = (candidate.confidence, candidate.stance is Stance.ATTACK)
    return candidate if key_candidate > key_current else current


def to_networkx(amap: ArgumentMap) -> nx.DiGraph:
    """A directed graph of the map's claims: nodes are claim ids, edges go source -> target.

    Node attributes: ``text``, ``post_id``, ``thread_id``, ``topic`` (topic id, "" when the claim
    is in none), ``author`` ("" when unknown) and ``role``. Edge attributes: ``stance``
    ("support"/"attack"), ``confidence`` (float) and ``evidence`` (see ``evidence_summary``).
    Relations whose endpoints are not claims of the map are left out. Nodes are added in claim
    order and edges in relation-sort order, so the graph (and anything written from it) is the
    same for the same map.
    """
    posts = {post.id: (post, thread.id) for thread in amap.threads for post in thread.posts}
    topic_of = {cid: topic.id for topic in amap.topics for cid in topic.claim_ids}
    graph = nx.DiGraph()
    for claim in amap.claims:
        post, thread_id = posts.get(claim.post_id, (None, ""))
        graph.add_node(
            claim.id,
            text=claim.text,
            post_id=claim.post_id,
            thread_id=thread_id,
            topic=topic_of.get(claim.id, ""),
            author=(post.author or "") if post is not None else "",
            role=claim.role.value,
        )
    chosen: dict[tuple[str, str], Relation] = {}
    for relation in amap.relations:
        if relation.source not in graph or relation.target not in graph:
            continue
        pair = (relation.source, relation.target)
        chosen[pair] = _preferred(chosen[pair], relation) if pair in chosen else relation
    for pair in sorted(chosen):
        relation = chosen[pair]
        graph.add_edge(
            relation.source,
            relation.target,
            stance=relation.stance.value,
            confidence=float(relation.confidence),
            evidence=evidence_summary(relation.evidence),
        )
    return graph
