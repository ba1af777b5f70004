"""Across-post candidate routes: the reply tree, quotes, similarity in a thread and across.

Why a module of its own: across posts the candidates come from the structure of the
discussion, never from all pairs of claims (a dense cosine matrix over all claims runs out of
memory at ~6k posts): each claim of a reply and the post it replies to (``_reply_tree``); a
quoted text and the claims answering it (``_quotes``); similar claims in a thread and topic,
looking a bounded way back (``_similarity``, ``window_starts``); and at most
``cross_thread_links`` per claim across threads inside a topic (``_cross_thread``), both as
thresholded sparse products (``similar.similar_rows``). Each route adds rows to ``Routes``;
``cross_post.build_pairs`` turns them into the across-post columns. Split from ``candidates``
in session 14.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from argmap.link.contexts import PairContexts
from argmap.link.cues import quoted_spans
from argmap.link.layout import CROSS, QUOTE, REPLY, SIMILARITY, Layout, Routes
from argmap.link.relation_model import opening_cues, text_cues
from argmap.link.similar import similar_rows
from argmap.model import Evidence, EvidenceKind, Thread
from argmap.options import LinkOptions
from argmap.robust import tie_ranks

_CHUNK = 512  # rows per sparse product: bounds memory whatever the thread or topic size
# In-thread similarity looks at most this many posts back in thread order (and this many
# claims, for posts of hundreds of claims): a claim answers what is near it in the
# conversation, and without a bound one 10k-post thread (47k claims) compared every pair:
# quadratic time, and 1.4 GB of products (issue 13). Threads of up to 500 posts are whole.
SIMILARITY_WINDOW_POSTS = 500
SIMILARITY_WINDOW_CLAIMS = 5_000


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
