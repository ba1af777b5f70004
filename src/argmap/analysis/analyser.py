"""What the graph says: central claims, contested claims, unanswered attacks, which claims stand
(grounded semantics), the camps participants form, and extractive summaries.

Everything here works on integer-indexed numpy/scipy arrays rather than a networkx graph, because
a corpus map of 100k claims has millions of edges and networkx spends most of its time building
the graph (see docs on performance); the per-thread maps are small either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from argmap.analysis.camps import find_camps
from argmap.analysis.centrality import claim_centrality, contested_claims, unanswered_attacks
from argmap.analysis.edges import Edges
from argmap.analysis.grounded import (
    IN,
    OUT,
    UNDECIDED,
    attack_pairs,
    grounded_labelling,
    grounded_labels,
)
from argmap.gcpause import collector_paused
from argmap.model import Analysis, ArgumentMap, Camp, Post, Summary
from argmap.options import AnalyseOptions

__all__ = ["IN", "OUT", "UNDECIDED", "analyse", "claim_centrality", "contested_claims",
           "find_camps", "grounded_labelling", "unanswered_attacks"]


def analyse(amap: ArgumentMap, options: AnalyseOptions | None = None) -> Analysis:
    """Analyse a map. Pure and deterministic: the same map and options give equal records."""
    options = options or AnalyseOptions()
    with collector_paused():
        edges = Edges.of(amap, options.min_confidence)
        posts = {post.id: post for thread in amap.threads for post in thread.posts}
        centrality = claim_centrality(edges, options.damping)
        attackers, attacked = attack_pairs(edges, options.supported_attack_depth)
        labels = grounded_labels(len(edges.ids), attackers, attacked)
        camps = find_camps(amap, edges, posts, options)
        return Analysis(
            centrality=centrality,
            contested=contested_claims(edges),
            unanswered=unanswered_attacks(amap, edges, posts),
            status=tuple(sorted(zip(edges.ids, labels, strict=True))),
            camps=camps,
            summaries=_summaries(amap, camps, dict(centrality), posts, options.summary_size),
        )


def _summaries(
    amap: ArgumentMap,
    camps: Sequence[Camp],
    weights: Mapping[str, float],
    posts: Mapping[str, Post],
    size: int,
) -> tuple[Summary, ...]:
    """Extractive summaries per thread, topic and camp (none when ``size`` is 0), made by
    ``summarize.summarize`` with centrality as the relevance prior."""
    if size <= 0 or not amap.claims:
        return ()
    # the summariser is another stage; imported when needed
    from argmap.analysis.summary_batch import GroupSummariser

    position = {claim.id: i for i, claim in enumerate(amap.claims)}  # the last claim of an id
    urls = _post_urls(posts)
    groups: list[tuple[str, str, str, list[int]]] = []
    threads = sorted(amap.threads, key=lambda t: t.id)
    # One pass over the claims, not one per thread (that was quadratic in the corpus size).
    threads_of_post: dict[str, list[int]] = defaultdict(list)
    for index, thread in enumerate(threads):
        for post in thread.posts:
            if index not in threads_of_post[post.id][-1:]:
                threads_of_post[post.id].append(index)
    in_thread: list[list[int]] = [[] for _ in threads]
    for at, claim in enumerate(amap.claims):
        for index in threads_of_post.get(claim.post_id, ()):
            in_thread[index].append(at)
    for thread, members in zip(threads, in_thread, strict=True):
        groups.append(("thread", thread.id, thread.title or thread.id, members))
    for topic in amap.topics:
        members = [position[cid] for cid in topic.claim_ids if cid in position]
        groups.append(("topic", topic.id, topic.label or topic.id, members))
    for camp in camps:
        shown = ", ".join(camp.authors[:5]) + (", …" if len(camp.authors) > 5 else "")
        members = [position[cid] for cid in camp.claim_ids if cid in position]
        groups.append(("camp", camp.id, f"{camp.id}: {shown}", members))
    groups = [group for group in groups if group[3]]
    # Every claim is in several groups: its facts are computed once, as columns over the map,
    # and all groups are summarised together.
    items = GroupSummariser(amap.claims, weights, urls).summarize_all(
        [np.asarray(members, dtype=np.int64) for *_, members in groups], size)
    return tuple(
        Summary(scope=scope, scope_id=scope_id, title=title, items=chosen)
        for (scope, scope_id, title, _), chosen in zip(groups, items, strict=True)
    )


def _post_urls(posts: Mapping[str, Post]) -> dict[str, str]:
    """Links back to the source, keyed by post id. Only http(s) URLs: a ``javascript:`` link
    from a hostile source is never passed on."""
    return {
        pid: post.source.url
        for pid, post in posts.items()
        if post.source.url and post.source.url.lower().startswith(("https://", "http://"))
    }
