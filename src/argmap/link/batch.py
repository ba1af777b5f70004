"""Many threads linked in one pass, each with the relations it gets when it is linked alone.

Why: a corpus run maps every thread alone (its result must not depend on its neighbours), and
a Reddit-shaped dump averages ~8 posts and ~40 claims per thread, so ``link_map`` per thread
paid its fixed costs (dozens of small numpy and scipy calls, the model's side scores, the
selection's columns) more than its arithmetic: ~6 CPU ms per thread of the 10k dump, ~2.3x
what the same threads cost linked together.

What makes one pass equal to each thread alone: every rule of the linker reads a claim, its
post or its thread, never the other threads (candidates are pairs inside a thread; scores,
rounding, per-child choices and per-post main claims are row by row or per group; the
final orders restricted to a thread are the thread's own). The two things that did see the
whole input are done per thread here: the TF-IDF vectors (each thread's own vocabulary and
idf, ``layout.make_layout(by_thread=True)``) and the sum order of the reply-tree cosines
(``routes.pair_cosines``). Cross-thread links, which a thread alone never has, are
switched off. ``tests/link/test_batch.py`` holds ``link_each`` to ``link_map`` alone on
random groupings of hostile threads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from argmap.link.linker import link_map
from argmap.link.relation_model import RelationModel
from argmap.model import Claim, PostRelation, Relation, Thread, Topic
from argmap.options import LinkOptions

Linked = tuple[tuple[Relation, ...], tuple[PostRelation, ...]]


def separable(items: Sequence[tuple[Thread, Sequence[Claim], Sequence[Topic]]]) -> bool:
    """The threads can share one pass: distinct thread, post and claim ids across them (the
    layout indexes claims by post id and orders relations by claim id), and every claim's post
    in its own thread."""
    thread_ids: set[str] = set()
    post_ids: set[str] = set()
    claim_ids: set[str] = set()
    for thread, claims, _topics in items:
        posts = {post.id for post in thread.posts}
        ids = {claim.id for claim in claims}
        if (thread.id in thread_ids or not post_ids.isdisjoint(posts)
                or not claim_ids.isdisjoint(ids) or len(ids) != len(claims)
                or any(claim.post_id not in posts for claim in claims)):
            return False
        thread_ids.add(thread.id)
        post_ids |= posts
        claim_ids |= ids
    return True


def link_each(items: Sequence[tuple[Thread, Sequence[Claim], Sequence[Topic]]],
              options: LinkOptions, model: RelationModel | None = None) -> list[Linked]:
    """Per (thread, its claims, its topics): ``link_map((thread,), claims, topics, options,
    model)``, computed for all of them in one pass when they are ``separable`` (else one by
    one)."""
    if len(items) < 2 or not separable(items):
        return [link_map((thread,), claims, topics, options, model)
                for thread, claims, topics in items]
    alone = dataclasses.replace(options, cross_thread_links=0)  # alone, a thread has none
    relations, post_relations = link_map(
        [thread for thread, _c, _t in items], [c for _t, claims, _p in items for c in claims],
        [t for _t, _c, topics in items for t in topics], alone, model, by_thread=True)
    slot_of_claim = {claim.id: n for n, (_t, claims, _p) in enumerate(items) for claim in claims}
    slot_of_post = {post.id: n for n, (thread, _c, _t) in enumerate(items)
                    for post in thread.posts}
    by_slot: list[tuple[list[Relation], list[PostRelation]]] = [([], []) for _ in items]
    for relation in relations:  # in ``relation_sort_key`` order: each thread's own order
        by_slot[slot_of_claim[relation.source]][0].append(relation)
    for post_relation in post_relations:
        by_slot[slot_of_post[post_relation.source]][1].append(post_relation)
    return [(tuple(r), tuple(p)) for r, p in by_slot]


__all__ = ["link_each", "separable"]
