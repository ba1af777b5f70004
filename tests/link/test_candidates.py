"""Candidate generation: memoised cue evidence equals the cue rules applied pair by pair."""

from __future__ import annotations

from argmap.link.candidates import generate_candidates
from argmap.link.relation_model import across_post_cues, within_post_cues
from argmap.options import LinkOptions
from tests.link.test_linker import _cue_corpus


def test_candidates_memoised_cues_equal_the_rules() -> None:
    threads, claims, topics = _cue_corpus(80, seed=11)
    layout, cands = generate_candidates(threads, claims, topics, LinkOptions())
    within = [c for c in cands.values() if c.origin == "within"]
    similar = [c for c in cands.values() if c.origin == "similarity" and len(c.evidence) >= 1]
    assert within and similar
    for cand in within:
        evidence, votes = within_post_cues(
            layout.cues[cand.child], layout.cues[cand.parent], cand.ctx.distance,
            cand.ctx.parent_first or cand.ctx.parent_last)
        assert (cand.evidence, cand.stance_votes) == (evidence, votes)
    for cand in similar:  # evidence: the similarity, then the child's own cues
        first = layout.by_post[layout.claims[cand.child].post_id][0] == cand.child
        evidence, votes = across_post_cues(layout.cues[cand.child], layout.cues[cand.parent],
                                           first, None)
        assert (cand.evidence[1:], cand.stance_votes) == (evidence, votes)


def test_candidates_similarity_respects_thread_order_and_limit() -> None:
    threads, claims, topics = _cue_corpus(80, seed=5)
    options = LinkOptions(max_links_per_claim=2)
    layout, cands = generate_candidates(threads, claims, topics, options)
    per_child: dict[int, int] = {}
    for cand in cands.values():
        if cand.origin != "similarity":
            continue
        child, parent = layout.claims[cand.child], layout.claims[cand.parent]
        assert layout.post_thread[child.post_id] == layout.post_thread[parent.post_id]
        assert layout.post_rank[parent.post_id] < layout.post_rank[child.post_id]
        per_child[cand.child] = per_child.get(cand.child, 0) + 1
    assert per_child and max(per_child.values()) <= options.max_links_per_claim


def test_candidates_within_columns_follow_the_window_rule() -> None:
    """Within-post pairs: each claim and the claims within the window, plus its post's first
    and last claim, once each, in (child, parent) order, with the context of that placement."""
    from argmap.link.candidates import generate_columns

    threads, claims, topics = _cue_corpus(60, seed=3)
    options = LinkOptions(within_post_window=1)
    layout, within, _across = generate_columns(threads, claims, topics, options)
    expected = []
    for members in layout.by_post.values():
        k = len(members)
        for ci, child in enumerate(members):
            near = {pi for pi in range(k) if abs(pi - ci) <= 1} | {0, k - 1}
            expected.extend((child, members[pi], ci - pi, pi == 0, pi == k - 1, ci == 0)
                            for pi in sorted(near - {ci}))
    got = [(c, p, ctx.distance, ctx.parent_first, ctx.parent_last, ctx.child_first)
           for c, p, ctx in ((int(c), int(p), within.contexts[r]) for c, p, r in
                             zip(within.child, within.parent, within.context, strict=True))]
    assert any(abs(row[2]) > 1 for row in expected)  # the corpus has posts beyond the window
    assert got == expected


def test_candidates_a_window_past_every_post_is_the_whole_post() -> None:
    """link.within_post_window accepts any whole number below 2**63; a window of 2**31 built
    a column per offset (4e9 of them) until memory ran out. Past the longest post it pairs each
    claim with every other claim of its post, the same columns as a window of that length."""
    from argmap.link.candidates import generate_columns

    threads, claims, topics = _cue_corpus(60, seed=3)

    def columns(window: int) -> list:
        _, within, _ = generate_columns(threads, claims, topics,
                                        LinkOptions(within_post_window=window))
        return [within.child.tolist(), within.parent.tolist(), within.context.tolist(),
                within.contexts]

    longest = columns(len(claims))
    assert columns(1 << 31) == longest == columns((1 << 63) - 1)
