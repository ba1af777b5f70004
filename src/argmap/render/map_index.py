"""What every map of one argument map looks up, and which claims and relations a map draws.

Split from ``dot`` (which writes the DOT text): the synthetic node ids the SVG and the
report share, the per-map index (``MapIndex``: computed once, the 40 topic maps of a big
thread each re-sorted and re-scanned everything before), the claims a capped map keeps (the
most central, restated texts once, ``render.copies``) and the relations drawn between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from argmap.model import Analysis, ArgumentMap, Claim, Post, PostRelation, Relation, claim_sort_key
from argmap.render.copies import drawn_pool, head_relations, head_scores, heads_of
from argmap.render.disputes import carried_pairs
from argmap.restatements import Restatements

__all__ = ["MapIndex", "drawn_relations", "map_index", "node_ids", "select_claims", "topic_ids"]


def node_ids(amap: ArgumentMap) -> dict[str, str]:
    """Synthetic DOT node id for every claim (``c0001`` ...), in canonical claim order.

    The HTML report uses the same mapping to find a claim's node in the SVG.
    """
    ordered = sorted(amap.claims, key=claim_sort_key)
    digits = max(4, len(str(len(ordered))))
    return {c.id: f"c{i:0{digits}d}" for i, c in enumerate(ordered, start=1)}


def topic_ids(amap: ArgumentMap) -> dict[str, str]:
    """Synthetic id for every topic (``t01`` ...), in the map's topic order."""
    digits = max(2, len(str(len(amap.topics))))
    return {t.id: f"t{i:0{digits}d}" for i, t in enumerate(amap.topics, start=1)}


@dataclass(frozen=True, slots=True)
class MapIndex:
    """What every map of one argument map looks up, computed once per map: the 40 topic maps
    of a 10,000-post thread each sorted its 56,000 claims and scanned its 280,000 relations
    (to_dot 0.7 s a map) before."""

    ids: dict[str, str]  # claim id -> DOT node id
    tids: dict[str, str]  # topic id -> DOT id
    posts: dict[str, Post]
    topic_of: dict[str, str]
    status: dict[str, str]
    score: dict[str, float]
    ordered: list[Claim]  # canonical claim order
    by_topic: dict[str, list[Claim]]  # canonical order within each topic
    inside_topic: dict[str, list[Relation]]  # relations with both ends in one topic
    carried: dict[tuple[str, str], PostRelation]  # claim pair -> the reply stance it carries
    copies: Restatements  # restated claims: each group is drawn as its first copy
    relations: list[Relation]  # the map's relations between the claims drawn (copies merged)


def map_index(amap: ArgumentMap, analysis: Analysis) -> MapIndex:
    """The lookups ``to_dot`` needs, for one map and its analysis."""
    topic_of = {cid: t.id for t in amap.topics for cid in t.claim_ids}
    copies = Restatements(amap.claims)
    ordered = drawn_pool(sorted(amap.claims, key=claim_sort_key), copies)
    relations = list(head_relations(amap.relations, copies))
    by_topic: dict[str, list[Claim]] = defaultdict(list)
    for claim in ordered:
        by_topic[topic_of.get(claim.id, "")].append(claim)
    inside: dict[str, list[Relation]] = defaultdict(list)
    for r in relations:
        topic = topic_of.get(r.source)
        if topic is not None and topic == topic_of.get(r.target):
            inside[topic].append(r)
    return MapIndex(
        ids=node_ids(amap), tids=topic_ids(amap),
        posts={p.id: p for t in amap.threads for p in t.posts}, topic_of=topic_of,
        status=dict(analysis.status), score=head_scores(dict(analysis.centrality), copies),
        ordered=ordered, by_topic=dict(by_topic), inside_topic=dict(inside),
        carried=heads_of(carried_pairs(amap.post_relations), copies), copies=copies,
        relations=relations)


def select_claims(
    index: MapIndex, cap: int, thread_id: str | None, topic_id: str | None,
) -> tuple[list[Claim], dict[str, int]]:
    """Claims to draw (canonical order) and, per topic id, how many were folded away."""
    pool = index.by_topic.get(topic_id, []) if topic_id is not None else index.ordered
    if thread_id is not None:
        posts = index.posts
        pool = [c for c in pool if c.post_id in posts and posts[c.post_id].thread_id == thread_id]
    cap = max(1, cap)
    if len(pool) <= cap:
        return list(pool), {}
    score = index.score
    ranked = sorted(pool, key=lambda c: (-score.get(c.id, 0.0), claim_sort_key(c)))
    kept = {c.id for c in ranked[:cap]}
    folded: dict[str, int] = defaultdict(int)
    for c in pool:
        if c.id not in kept:
            folded[index.topic_of.get(c.id, "")] += 1
    return [c for c in pool if c.id in kept], dict(folded)


def drawn_relations(
    relations: Iterable[Relation], shown: set[str], ids: dict[str, str],
) -> list[Relation]:
    """One relation per (source, target, stance) between shown claims, no self-loops, in
    node-id order (edge ids in the SVG must be unique; dot 2.43 mishandles self-loops); the
    last of duplicates wins."""
    unique = {
        (r.source, r.target, r.stance): r for r in reversed(list(relations))
        if r.source in shown and r.target in shown and r.source != r.target
    }
    return sorted(unique.values(), key=lambda r: (ids[r.source], ids[r.target], r.stance.value))
