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
from argmap.analysis.centrality import (
    claim_centrality,
    claim_centrality_many,
    contested_claims,
    unanswered_attacks,
)
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
from argmap.model import Analysis, ArgumentMap, Camp, Claim, Post, Summary
from argmap.options import AnalyseOptions

__all__ = ["IN", "OUT", "UNDECIDED", "analyse", "analyse_each", "claim_centrality", "contested_claims",
           "find_camps", "grounded_labelling", "unanswered_attacks"]


def analyse(amap: ArgumentMap, options: AnalyseOptions | None = None) -> Analysis:
    """Analyse a map. Pure and deterministic: the same map and options give equal records."""
    options = options or AnalyseOptions()
    with collector_paused():
        fields, posts = _graph(amap, options)
        return Analysis(**fields, summaries=_summaries(
            amap, fields["camps"], dict(fields["centrality"]), posts, options.summary_size))


def analyse_each(amaps: Sequence[ArgumentMap], options: AnalyseOptions | None = None,
                 *, summaries: bool = True) -> list[Analysis]:
    """``analyse`` of each map, the summaries of all of them made in one pass.

    Why: a corpus run analyses every thread alone, ~40 claims at a time, and the summariser's
    set-up and numpy calls cost more per thread than its arithmetic. It already summarises
    every group of a map (thread, topics, camps) as blocks of one matrix, each block's numbers
    its group's alone; here the groups of many maps are the blocks. Needs claim and post ids
    that no two maps share (weights and links are looked up by id); otherwise map by map.

    ``summaries=False``: every other field as ``analyse`` makes it and no summaries (empty),
    for a caller that never shows them (a corpus run writes tables, not the summaries, unless
    it writes every thread's map): they are a tenth of a corpus task's CPU."""
    options = options or AnalyseOptions()
    if not summaries:
        return _analyse_without_summaries(amaps, options)
    if len(amaps) < 2 or not _separable(amaps):
        return [analyse(amap, options) for amap in amaps]
    with collector_paused():
        edges = [Edges.of(amap, options.min_confidence) for amap in amaps]
        ranked = claim_centrality_many(edges, options.damping)
        made = [_graph(amap, options, e, c) for amap, e, c in zip(amaps, edges, ranked,
                                                                strict=True)]
        claims: list[Claim] = []
        weights: dict[str, float] = {}
        urls: dict[str, str] = {}
        groups: list[tuple[int, str, str, str, list[int]]] = []  # (map, scope, id, title, ...)
        for number, (amap, (fields, posts)) in enumerate(zip(amaps, made, strict=True)):
            if options.summary_size <= 0 or not amap.claims:
                continue
            base = len(claims)
            claims.extend(amap.claims)
            weights.update(dict(fields["centrality"]))
            urls.update(_post_urls(posts))
            groups.extend((number, scope, scope_id, title, [base + i for i in members])
                          for scope, scope_id, title, members in _summary_groups(
                              amap, fields["camps"]))
        per_map: list[list[Summary]] = [[] for _ in amaps]
        if groups:
            from argmap.analysis.summary_batch import GroupSummariser

            items = GroupSummariser(claims, weights, urls).summarize_all(
                [np.asarray(group[4], dtype=np.int64) for group in groups],
                options.summary_size)
            for (number, scope, scope_id, title, _), chosen in zip(groups, items, strict=True):
                per_map[number].append(Summary(scope=scope, scope_id=scope_id, title=title,
                                               items=chosen))
        return [Analysis(**fields, summaries=tuple(mine))
                for (fields, _posts), mine in zip(made, per_map, strict=True)]


def _analyse_without_summaries(amaps: Sequence[ArgumentMap], options: AnalyseOptions,
                               ) -> list[Analysis]:
    """``analyse_each`` with no summaries: the maps ranked together (PageRank in lockstep
    gives each map the bits it gets alone), nothing looked up by id across maps."""
    with collector_paused():
        edges = [Edges.of(amap, options.min_confidence) for amap in amaps]
        ranked = claim_centrality_many(edges, options.damping)
        return [Analysis(**_graph(amap, options, e, c)[0], summaries=())
                for amap, e, c in zip(amaps, edges, ranked, strict=True)]


def _separable(amaps: Sequence[ArgumentMap]) -> bool:
    """No claim or post id of one map is a claim or post id of another."""
    seen: set[str] = set()
    for amap in amaps:
        ids = {claim.id for claim in amap.claims}
        ids.update(post.id for thread in amap.threads for post in thread.posts)
        if not seen.isdisjoint(ids):
            return False
        seen |= ids
    return True


def _graph(amap: ArgumentMap, options: AnalyseOptions, edges: Edges | None = None,
           centrality: tuple[tuple[str, float], ...] | None = None,
           ) -> tuple[dict, dict[str, Post]]:
    """Every field of the analysis but the summaries, and the map's posts by id. ``edges``
    and ``centrality``: the map's, made already (``analyse_each`` ranks maps together)."""
    if edges is None:
        edges = Edges.of(amap, options.min_confidence)
    posts = {post.id: post for thread in amap.threads for post in thread.posts}
    if centrality is None:
        centrality = claim_centrality(edges, options.damping)
    attackers, attacked = attack_pairs(edges, options.supported_attack_depth)
    labels = grounded_labels(len(edges.ids), attackers, attacked)
    camps = find_camps(amap, edges, posts, options)
    return {"centrality": centrality, "contested": contested_claims(edges),
            "unanswered": unanswered_attacks(amap, edges, posts),
            "status": tuple(sorted(zip(edges.ids, labels, strict=True))),
            "camps": camps}, posts


def _summary_groups(amap: ArgumentMap, camps: Sequence[Camp],
                    ) -> list[tuple[str, str, str, list[int]]]:
    """The groups summarised: (scope, scope id, title, claim positions) per thread, topic and
    camp, empty ones left out."""
    position = {claim.id: i for i, claim in enumerate(amap.claims)}  # the last claim of an id
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
    return [group for group in groups if group[3]]


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

    groups = _summary_groups(amap, camps)
    urls = _post_urls(posts)
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
