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
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from argmap.link.contexts import PairContexts
from argmap.link.cross_post import AcrossPairs, build_pairs, child_flags, parent_flags
from argmap.link.cues import quoted_spans
from argmap.link.layout import (
    CROSS,
    QUOTE,
    REPLY,
    SIMILARITY,
    Candidate,
    Layout,
    Routes,
    cosine,
    make_layout,
)
from argmap.link.relation_model import (
    OpeningCues,
    PairContext,
    TextCues,
    across_post_cues,
    opening_cues,
    text_cues,
    within_post_cues,
)
from argmap.link.similar import similar_rows
from argmap.model import Claim, Evidence, EvidenceKind, Thread, Topic
from argmap.options import LinkOptions
from argmap.restatements import restatement_codes
from argmap.robust import tie_ranks

_CHUNK = 512  # rows per sparse product: bounds memory whatever the thread or topic size
# In-thread similarity looks at most this many posts back in thread order (and this many
# claims, for posts of hundreds of claims): a claim answers what is near it in the
# conversation, and without a bound one 10k-post thread (47k claims) compared every pair:
# quadratic time, and 1.4 GB of products (issue 13). Threads of up to 500 posts are whole.
SIMILARITY_WINDOW_POSTS = 500
SIMILARITY_WINDOW_CLAIMS = 5_000


def _within_key(cues: TextCues) -> tuple:
    return (cues.connective_class, cues.connective, cues.concessive_opener,
            cues.concession[:1], cues.disagree)


def within_cues(layout: Layout, cand: Candidate, distance: int) -> None:
    """Add ``within_post_cues`` evidence and votes, memoised by the flags the rule reads."""
    child, parent = layout.cues[cand.child], layout.cues[cand.parent]
    edge = cand.ctx.parent_first or cand.ctx.parent_last
    key = ("w", _within_key(child), parent.connective_class, parent.connective,
           parent.concessive_opener, distance,
           edge if abs(distance) != 1 else None)
    hit = layout.memo.get(key)
    if hit is None:
        evidence, votes = within_post_cues(child, parent, distance, edge)
        hit = layout.memo[key] = (tuple(evidence), votes)
    cand.evidence.extend(hit[0])
    cand.stance_votes += hit[1]


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


@dataclass(slots=True)
class WithinPairs:
    """The within-post candidates as columns, sorted by (child, parent): at 10k posts they are
    ~290k pairs but only a few hundred distinct placements and cue combinations, so a pair is
    four integers and its context and evidence are rows shared with every pair like it."""

    child: np.ndarray  # int64 claim index
    parent: np.ndarray  # int64 claim index
    context: np.ndarray  # int64 row of ``contexts``
    cue: np.ndarray  # int64 row of ``cue_rows``
    contexts: list[PairContext]
    cue_rows: list[tuple[tuple[Evidence, ...], float]]  # (evidence, stance votes)

    def candidate(self, k: int) -> Candidate:
        evidence, votes = self.cue_rows[int(self.cue[k])]
        return Candidate(int(self.child[k]), int(self.parent[k]),
                         self.contexts[int(self.context[k])], "within", list(evidence),
                         0.0 + votes)


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the first pair of each distinct row, each pair's row number) over tuples of
    non-negative integer columns, packed into one int64 per pair when they fit (sorting
    integers is many times faster than ``np.unique(axis=0)``)."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    radices = [int(column.max()) + 1 for column in columns]
    if math.prod(radices) < 2**62:
        packed = np.zeros(len(columns[0]), dtype=np.int64)
        for column, radix in zip(columns, radices, strict=True):
            packed = packed * radix + column
    else:
        packed = np.column_stack(columns)
    _values, first, inverse = np.unique(packed, return_index=True, return_inverse=True,
                                        axis=0)
    return first, inverse.reshape(-1).astype(np.int64)


def _ids(values: list) -> np.ndarray:
    """A number per distinct value (hashable), in order of first appearance."""
    numbers: dict = {}
    return np.asarray([numbers.setdefault(v, len(numbers)) for v in values], dtype=np.int64)


def within_pairs(layout: Layout, options: LinkOptions) -> WithinPairs:
    """Each claim and the claims within ``within_post_window`` of it, plus its post's first and
    last claim, with ``within_post_cues`` evaluated once per distinct combination of the flags
    the rule reads (the ``within_cues`` memo key). A post's claims are consecutive indices."""
    n = len(layout.claims)
    # past the longest post a window adds no pair (--set link.within_post_window=2147483648
    # built 4e9 offsets and a column per offset, until memory ran out)
    window = max(1, min(options.within_post_window, n))
    start = np.zeros(n, dtype=np.int64)
    size = np.zeros(n, dtype=np.int64)
    for members in layout.by_post.values():
        start[members], size[members] = members[0], len(members)
    position = np.arange(n, dtype=np.int64) - start
    steps = [o for o in range(-window, window + 1) if o]
    # per child, ascending parent positions: the first claim, the window, the last claim
    targets = np.column_stack([np.zeros(n, dtype=np.int64)]
                              + [position + o for o in steps] + [size - 1])
    valid = np.column_stack([position > window]
                            + [(position + o >= 0) & (position + o < size) for o in steps]
                            + [size - 1 - position > window])
    rows, cols = np.nonzero(valid)  # row-major: by child, then parent position
    child = rows.astype(np.int64)
    parent_at = targets[rows, cols]
    parent = start[child] + parent_at
    distance = position[child] - parent_at
    parent_first, parent_last = parent_at == 0, parent_at == size[child] - 1
    child_first = position[child] == 0
    first, context = _distinct_rows(distance + n, parent_first.astype(np.int64),
                                    parent_last.astype(np.int64), child_first.astype(np.int64))
    contexts = [PairContext(same_post=True, distance=int(distance[k]),
                            parent_first=bool(parent_first[k]),
                            parent_last=bool(parent_last[k]), child_first=bool(child_first[k]))
                for k in first.tolist()]
    cues = layout.cues
    child_key = _ids([_within_key(c) for c in cues]).reshape(n)
    parent_key = _ids([(c.connective_class, c.connective, c.concessive_opener)
                       for c in cues]).reshape(n)
    edge = np.where(np.abs(distance) == 1, 2, (parent_first | parent_last).astype(np.int64))
    first, cue = _distinct_rows(child_key[child], parent_key[parent], distance + n, edge)
    cue_rows = [(tuple(evidence), votes) for evidence, votes in (
        within_post_cues(cues[c], cues[p], d, e == 1) for c, p, d, e in zip(
            child[first].tolist(), parent[first].tolist(), distance[first].tolist(),
            edge[first].tolist(), strict=True))]
    return WithinPairs(child, parent, context, cue, contexts, cue_rows)


def _reply_tree(layout: Layout, threads: Sequence[Thread], routes: Routes,
                by_thread: bool = False) -> None:
    """Each claim of a reply and the first claim of the post it replies to plus its two most
    similar claims there (ties: the earlier), all pairs' cosines in one vectorised step
    (``by_thread``: summed as each thread's own step sums them, ``pair_cosines``)."""
    replies = []  # (post, parent post id)
    reply_thread = []  # the thread number of each reply
    for number, thread in enumerate(threads):
        for post in thread.posts:
            parent_post = post.reply_to
            if parent_post in layout.by_post and post.id in layout.by_post and \
                    layout.post_thread.get(parent_post) == thread.id:
                replies.append((post, parent_post))
                reply_thread.append(number)
    if not replies:
        return
    # a post's claims are consecutive indices: (start, count) of the child and parent posts
    cs = np.asarray([layout.by_post[p.id][0] for p, _ in replies], dtype=np.int64)
    cn = np.asarray([len(layout.by_post[p.id]) for p, _ in replies], dtype=np.int64)
    ps = np.asarray([layout.by_post[q][0] for _, q in replies], dtype=np.int64)
    pn = np.asarray([len(layout.by_post[q]) for _, q in replies], dtype=np.int64)
    reply = np.repeat(np.arange(len(replies), dtype=np.int64), cn)  # one group per child
    child_of = np.repeat(cs, cn) + np.arange(len(reply)) - np.repeat(np.cumsum(cn) - cn, cn)
    size = pn[reply]
    group = np.repeat(np.arange(len(reply), dtype=np.int64), size)  # one row per pair
    j = np.arange(len(group)) - np.repeat(np.cumsum(size) - size, size)
    child, parent = child_of[group], ps[reply[group]] + j
    sims = pair_cosines(layout.vectors, child, parent, np.asarray(reply_thread, dtype=np.int64)[
        reply[group]] if by_thread else None)
    # per child: best first, ties (within ``robust.TOLERANCE``) keep the first parent
    order = np.lexsort((j, tie_ranks(sims, group)))
    top = np.zeros(len(group), dtype=bool)
    top[order[np.arange(len(order)) - (np.cumsum(size) - size)[group[order]] < 2]] = True
    rows = np.nonzero(top | (j == 0))[0]
    child, parent, j, sims, group = child[rows], parent[rows], j[rows], sims[rows], group[rows]
    first = child == cs[reply[group]]
    last = pn[reply[group]] - 1
    head_base, opening_base = len(routes.heads), len(routes.openings)
    for post, parent_post in replies:
        routes.heads += [Evidence(EvidenceKind.REPLY, f"reply to {parent_post}", 0.4),
                         Evidence(EvidenceKind.REPLY, f"reply to {parent_post}", 0.15)]
        routes.openings.append(opening_cues(post.text[:200]))
    contexts = PairContexts.make(len(child), reply=True, parent_first=j == 0,
                                 parent_last=j == last, similarity=sims, child_first=first)
    routes.add(child, parent, REPLY, sims, head_base + 2 * reply[group] + ~first,
               opening_base + reply[group], contexts)


def pair_cosines(vectors, child: np.ndarray, parent: np.ndarray,
                 group: np.ndarray | None = None) -> np.ndarray:
    """Row ``child[k]`` of CSR ``vectors`` times row ``parent[k]``, by scipy's elementwise
    product and row sums. Its sum order depends on the call, not only on the two rows: scipy
    multiplies in column order when every row of both operands has sorted, distinct indices
    and otherwise in another order, and ``_vectorise`` leaves rows unsorted. With ``group``
    (pairs of one group, e.g. one thread, are what one call would get alone), the pairs are
    computed in two calls, the groups all of whose rows are sorted and the others, so each
    pair's float is the one its group's call alone gives."""
    if group is None:
        return np.asarray(vectors[child].multiply(vectors[parent]).sum(axis=1)
                          ).ravel().astype(np.float64)
    indices, indptr = vectors.indices, vectors.indptr
    length = np.diff(indptr)
    unsorted_entry = np.zeros(len(indices), dtype=bool)
    unsorted_entry[1:] = indices[1:] <= indices[:-1]
    unsorted_entry[indptr[:-1][length > 0]] = False  # a row's first entry follows no entry
    unsorted = np.zeros(len(length), dtype=bool)
    unsorted[np.repeat(np.arange(len(length)), length)[unsorted_entry]] = True
    general = np.isin(group, group[unsorted[child] | unsorted[parent]])
    out = np.zeros(len(child), dtype=np.float64)
    for rows in (np.nonzero(~general)[0], np.nonzero(general)[0]):
        if len(rows):
            out[rows] = pair_cosines(vectors, child[rows], parent[rows])
    return out


def _quotes(layout: Layout, threads: Sequence[Thread], routes: Routes) -> None:
    rows: list[tuple[int, int, int]] = []  # (child, target, head)
    replying: list[bool] = []  # the context's ``reply`` of each row (``quoted`` for all)
    for thread in threads:
        thread_claims = [i for p in thread.posts for i in layout.by_post.get(p.id, [])]
        for post in thread.posts:
            mine = layout.by_post.get(post.id, [])
            spans = quoted_spans(post) if mine else []
            mine_set = set(mine)
            for n, (answer_at, quoted, quoted_post) in enumerate(spans):
                pool = layout.by_post.get(quoted_post or "", []) or layout.by_post.get(
                    post.reply_to or "", []) or [i for i in thread_claims if i not in mine_set]
                target = _best_match(layout, quoted, pool)
                if target is None:
                    continue
                end = spans[n + 1][0] if n + 1 < len(spans) else math.inf
                answers = [i for i in mine if answer_at <= layout.claims[i].start < end][:2]
                for child in answers:
                    replying.append(post.reply_to is not None)
                    rows.append((child, target, len(routes.heads)))
                    routes.heads.append(Evidence(EvidenceKind.QUOTE, f'quotes "{quoted[:60]}"',
                                                 0.7))
    if rows:
        columns = np.asarray(rows, dtype=np.int64).reshape(len(rows), 3)
        routes.add(columns[:, 0], columns[:, 1], QUOTE, np.full(len(rows), np.nan),
                   columns[:, 2], np.full(len(rows), -1),
                   PairContexts.make(len(rows), quoted=True, reply=np.asarray(replying, bool)))


def _best_match(layout: Layout, quoted: str, pool: list[int]) -> int | None:
    words = set(text_cues(quoted).content)
    best, best_score = None, 0.0
    for i in pool:
        other = layout.cues[i].content
        score = len(words & other) / max(1, len(other))
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.5 else None


def _similar_routes(routes: Routes, origin: int,
                    columns: tuple[np.ndarray, np.ndarray, np.ndarray],
                    with_first: list[bool] | None) -> None:
    """Route rows for ``similar_rows`` output; the context names the child's place in its post
    for in-thread similarity only, as the per-pair rule did."""
    child, parent, sims = columns
    firsts = False if with_first is None else np.asarray(with_first, dtype=bool)[child]
    none = np.full(len(child), -1)
    routes.add(child, parent, origin, sims.astype(np.float64), none, none,
               PairContexts.make(len(child), similarity=sims, child_first=firsts))


def _similarity(layout: Layout, threads: Sequence[Thread], options: LinkOptions,
                routes: Routes, copy: np.ndarray) -> None:
    """Small threads are batched into shared products of at most ``_CHUNK`` rows (one
    product per thread made the per-call overhead of scipy the cost at 10k posts)."""
    n = len(layout.claims)
    rank = np.asarray([layout.post_rank[c.post_id] for c in layout.claims], dtype=np.int64)
    topic_names = {t: n for n, t in enumerate(sorted(set(layout.topic_of)))}
    topic = np.asarray([topic_names[t] for t in layout.topic_of], dtype=np.int64)
    thread_of = np.full(n, -1, dtype=np.int64)
    tree = np.zeros(n, dtype=bool)
    threshold = np.zeros(n, dtype=np.float64)
    groups = []
    for number, thread in enumerate(threads):
        members = [i for p in thread.posts for i in layout.by_post.get(p.id, [])]
        if len(members) < 2:
            continue
        has_tree = any(p.reply_to for p in thread.posts)
        thread_of[members], tree[members] = number, has_tree
        threshold[members] = options.similarity_threshold + (0.15 if has_tree else 0.0)
        groups.append(members)

    def keep_pair(child, parent):
        # a claim answers what came before it, in another post of its thread (and, under a
        # reply tree, in its own topic): in ``members`` order the parent comes first; a copy
        # of the same text is a restatement, not an argument (``argmap.restatements``)
        ok = (thread_of[parent] == thread_of[child]) & (rank[parent] < rank[child])
        ok &= (copy[child] < 0) | (copy[child] != copy[parent])
        return ok & (~tree[child] | (topic[child] == topic[parent]))

    def emit(members: list[int]) -> None:
        index = np.asarray(members, dtype=np.int64)
        _similar_routes(routes, SIMILARITY, similar_rows(
            layout, members, threshold, keep_pair, options.max_links_per_claim, _CHUNK,
            window_starts(thread_of[index], rank[index])), layout.first)

    batch: list[int] = []
    for members in groups:
        if len(members) > _CHUNK:
            emit(members)
            continue
        if len(batch) + len(members) > _CHUNK:
            emit(batch)
            batch = []
        batch.extend(members)
    if batch:
        emit(batch)


def window_starts(thread: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Per member (members come thread by thread, each in post order), the first member
    position its similar parents may hold: ``SIMILARITY_WINDOW_POSTS`` posts back in its own
    thread, at most ``SIMILARITY_WINDOW_CLAIMS`` members back. Never decreasing."""
    m = len(rank)
    if not m:
        return np.zeros(0, dtype=np.int64)
    block = np.cumsum(np.concatenate([[False], thread[1:] != thread[:-1]]))
    span = int(rank.max()) + SIMILARITY_WINDOW_POSTS + 1  # > any rank reach: blocks apart
    key = block * span + rank
    first = np.searchsorted(key, key - SIMILARITY_WINDOW_POSTS, side="left")
    return np.maximum(first, np.arange(m, dtype=np.int64) - SIMILARITY_WINDOW_CLAIMS)


def _cross_thread(layout: Layout, options: LinkOptions, routes: Routes, copy: np.ndarray,
                  ) -> None:
    if options.cross_thread_links <= 0:
        return
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, topic in enumerate(layout.topic_of):
        if topic != "other":
            by_topic[topic].append(i)
    thread_names = sorted(set(layout.post_thread.values()) | {""})
    thread_rank = {t: n for n, t in enumerate(thread_names)}
    thread = np.asarray([thread_rank[layout.post_thread.get(c.post_id, "")]
                         for c in layout.claims], dtype=np.int64)

    def keep_pair(child, parent):  # one direction only: the later thread answers the earlier
        return (thread[parent] < thread[child]) & ((copy[child] < 0) | (copy[child] != copy[parent]))

    for topic in sorted(by_topic):
        members = by_topic[topic]
        if len({int(thread[i]) for i in members}) < 2:
            continue
        # by thread, so that every allowed parent comes before its child
        members = [members[k] for k in np.argsort(thread[members], kind="stable").tolist()]
        _similar_routes(routes, CROSS, similar_rows(
            layout, members, options.cross_thread_threshold, keep_pair,
            options.cross_thread_links, _CHUNK), None)


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
