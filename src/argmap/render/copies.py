"""Restated claims drawn once: each group of copies (``argmap.restatements``) is one node.

The map of a heated thread showed one pasted paragraph as four boxes supporting each other;
now its first copy stands for all of them, says "said in N posts", and carries every relation
of every copy (an attack on the third copy is an attack on what the node says). Relations that
become parallel keep the most confident one; relations between two copies of one text become
self-loops and are not drawn. A map without copies is drawn exactly as before: every function
here returns its input unchanged when there is nothing to merge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from argmap.model import Claim, PostRelation, Relation
from argmap.restatements import Restatements

MIN_BUDGET = 4  # relations a restated claim may keep however quiet its copies were

__all__ = ["MIN_BUDGET", "drawn_pool", "head_relations", "head_scores", "heads_of", "said_words"]


def head_relations(relations: Sequence[Relation], copies: Restatements) -> Sequence[Relation]:
    """Relations with copies replaced by the claim they are drawn as; of parallel ones, the
    most confident (ties: the later one, as ``dot.drawn_relations`` keeps)."""
    if not copies:
        return relations
    best: dict[tuple[str, str, str], tuple[float, int, Relation]] = {}
    for at, r in enumerate(relations):
        source, target = copies.head(r.source), copies.head(r.target)
        if source == target:
            continue
        moved = r if (source, target) == (r.source, r.target) else replace(
            r, source=source, target=target)
        key = (source, target, r.stance.value)
        if key not in best or (r.confidence, at) >= best[key][:2]:
            best[key] = (r.confidence, at, moved)
    kept = _within_budget(best.values(), copies, relations)
    return [moved for _, at, moved in sorted(best.values(), key=lambda item: item[1])
            if at in kept]


def _within_budget(merged, copies: Restatements, relations: Sequence[Relation]) -> set[int]:
    """Positions of the merged relations to draw: a restated claim keeps its most confident
    relations, as many as its busiest copy had but at least ``MIN_BUDGET`` (so its node is
    about as busy as a claim said once; on a heated 3,000-post thread, merging every copy's
    relations drew 799 edges among 80 nodes, this 157). A relation is drawn when both its
    ends keep it. Ties: the earlier relation. Every relation stays in the report's details
    panel and in the exports."""
    busiest: dict[str, int] = defaultdict(int)
    degree: dict[str, int] = defaultdict(int)
    for r in relations:
        degree[r.source] += 1
        degree[r.target] += 1
    for head, members in copies.copies.items():
        busiest[head] = max(MIN_BUDGET, *(degree.get(c.id, 0) for c in members))
    ranked = sorted(merged, key=lambda item: (-item[0], item[1]))
    used: dict[str, int] = defaultdict(int)
    kept: set[int] = set()
    for _, at, r in ranked:
        ends = [end for end in (r.source, r.target) if end in busiest]
        if any(used[end] >= busiest[end] for end in ends):
            continue
        for end in ends:
            used[end] += 1
        kept.add(at)
    return kept


def head_scores(score: Mapping[str, float], copies: Restatements) -> dict[str, float]:
    """A drawn claim's centrality is the sum of its copies': a claim said in 700 posts is
    among the first a moderator should see."""
    if not copies:
        return dict(score)
    merged = dict(score)
    for head, members in copies.copies.items():
        merged[head] = sum(score.get(c.id, 0.0) for c in members)
    return merged


def drawn_pool(claims: Sequence[Claim], copies: Restatements) -> list[Claim]:
    """The claims that get a node: every claim but the copies after a group's first."""
    if not copies:
        return list(claims)
    return [c for c in claims if c.id not in copies.drawn_as]


def heads_of(pairs: Mapping[tuple[str, str], PostRelation], copies: Restatements,
             ) -> dict[tuple[str, str], PostRelation]:
    """Claim pairs carrying a reply's stance, keyed by the claims they are drawn as."""
    if not copies:
        return dict(pairs)
    return {(copies.head(s), copies.head(t)): pr for (s, t), pr in pairs.items()}


def said_words(claim_id: str, copies: Restatements, authors: Mapping[str, str | None]) -> str:
    """"said in 4 posts by 3 authors" for a drawn claim with copies, else ""."""
    posts, people = copies.said(claim_id, authors)
    if posts < 2:
        return ""
    return f"said in {posts} posts by {people} author{'s' if people != 1 else ''}"
