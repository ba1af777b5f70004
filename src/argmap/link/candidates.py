"""Candidate pairs for the linker: which claim may answer which, and the cues each pair carries.

Candidates come from the structure of the discussion, never from all pairs of claims (a dense
cosine matrix over all claims runs out of memory at ~6k posts):

1. inside a post: each claim and the claims within ``within_post_window`` of it, plus the
   post's first and last claim (where authors put their main claim);
2. the reply tree: each claim of a reply and the claims of the post it replies to;
3. quotes: a ``>`` line or a ``Post.quotes`` text is matched to the claim it quotes, and the
   reply's claims after it respond to that claim;
4. similarity inside a thread and topic (the only cross-post links of plain-text dumps whose
   posts are siblings), and at most ``cross_thread_links`` per claim across threads inside a
   topic, both as thresholded sparse products (``similar.similar_rows``: by row chunks,
   pruned by a bound that changes no number).

Why the memo tables and columns: a 10k-post corpus has ~460k candidates but only a few hundred
distinct combinations of the cue flags the rules read (``relation_model.within_post_cues`` and
``across_post_cues``), so each combination's evidence is built once and shared (``Evidence``
is immutable), and the ~290k within-post and ~170k across-post pairs stay numpy columns
(``WithinPairs``, ``across.AcrossPairs``) until the linker keeps one; text cues are computed
once per distinct text (``Layout.cues``). ``generate_candidates`` (training, evaluation)
builds the ``Candidate`` objects from the columns, in the order the rules propose them.

Since session 14 the within-post pairs are ``within_pairs`` and the across-post routes (1-4
after the first) are ``routes``; this module puts them together and makes the objects.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from argmap.link.cross_post import AcrossPairs, build_pairs, child_flags, parent_flags
from argmap.link.layout import Candidate, Layout, Routes, cosine, make_layout
from argmap.link.relation_model import OpeningCues, PairContext, across_post_cues, opening_cues
from argmap.link.routes import _cross_thread, _quotes, _reply_tree, _similarity
from argmap.link.within_pairs import WithinPairs, within_cues, within_pairs
from argmap.model import Claim, Evidence, EvidenceKind, Thread, Topic
from argmap.options import LinkOptions
from argmap.restatements import restatement_codes


def across_cues(layout: Layout, cand: Candidate, opening: OpeningCues | None) -> None:
    """Add ``across_post_cues`` evidence and votes, memoised by the flags the rule reads."""
    child, parent = layout.cues[cand.child], layout.cues[cand.parent]
    first = layout.first[cand.child]
    key = ("a", child_flags(child), parent_flags(parent), first,
           (opening.disagree, opening.agree) if first and opening is not None else None)
    hit = layout.memo.get(key)
    if hit is None:
        evidence, votes = across_post_cues(child, parent, first, opening)
        hit = layout.memo[key] = (tuple(evidence), votes)
    cand.evidence.extend(hit[0])
    cand.stance_votes += hit[1]


def generate_candidates(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions,
) -> tuple[Layout, dict[tuple[int, int], Candidate]]:
    """Every candidate pair with its cues; near-linear in the number of claims."""
    layout, within, across = generate_columns(threads, claims, topics, options)
    cands = {pair: within.candidate(k) for k, pair in enumerate(
        zip(within.child.tolist(), within.parent.tolist(), strict=True))}
    cands.update(across.candidates())
    return layout, cands


def generate_columns(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions, by_thread: bool = False,
) -> tuple[Layout, WithinPairs, AcrossPairs]:
    """``generate_candidates`` as columns, the linker's path (``across`` module docstring).
    Within-post and across-post pairs never share a (child, parent), so nothing merges.
    ``by_thread``: every thread's vectors and cosines as when it is linked alone
    (``link.batch``; cross-thread links are the caller's to switch off)."""
    ordered_threads = tuple(sorted(threads, key=lambda t: t.id))
    layout = make_layout(ordered_threads, claims, topics, by_thread)
    empty = np.zeros(0, dtype=np.int64)
    within = (within_pairs(layout, options) if options.within_post
              else WithinPairs(empty, empty, empty, empty, [], []))
    routes = Routes()
    if options.across_posts:
        _reply_tree(layout, ordered_threads, routes, by_thread)
        _quotes(layout, ordered_threads, routes)
        # copies of one text (``argmap.restatements``) are never similar pairs
        copy = restatement_codes(layout.claims, [cues.tokens for cues in layout.cues])
        _similarity(layout, ordered_threads, options, routes, copy)
        _cross_thread(layout, options, routes, copy)
    return layout, within, build_pairs(layout, routes)


def forced_candidate(layout: Layout, threads_by_post: dict, child: int, parent: int) -> Candidate:
    """A candidate for a pair the generator did not propose, with the cues it would carry."""
    c, p = layout.claims[child], layout.claims[parent]
    if c.post_id == p.post_id:
        members = layout.by_post[c.post_id]
        ci, pi = members.index(child), members.index(parent)
        ctx = PairContext(same_post=True, distance=ci - pi, parent_first=pi == 0,
                          parent_last=pi == len(members) - 1, child_first=ci == 0)
        cand = Candidate(child, parent, ctx, "within")
        within_cues(layout, cand, ci - pi)
        return cand
    is_reply = layout.reply_to.get(c.post_id) == p.post_id
    sim = cosine(layout, child, parent)
    ctx = PairContext(reply=is_reply, similarity=sim,
                      parent_first=layout.by_post[p.post_id][0] == parent,
                      child_first=layout.by_post[c.post_id][0] == child)
    cand = Candidate(child, parent, ctx, "reply" if is_reply else "similarity")
    cand.evidence.append(Evidence(EvidenceKind.REPLY, f"reply to {p.post_id}", 0.3) if is_reply
                         else Evidence(EvidenceKind.SIMILARITY, f"similarity {sim:.2f}", sim))
    post = threads_by_post.get(c.post_id)
    across_cues(layout, cand, opening_cues(post.text[:200]) if is_reply and post is not None
                else None)
    return cand


__all__ = ["WithinPairs", "forced_candidate",
           "generate_candidates", "generate_columns"]
