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
   topic, both as thresholded sparse products computed in row chunks and filtered in numpy.

Why the memo tables and columns: a 10k-post corpus has ~470k candidates but only a few hundred
distinct combinations of the cue flags the rules read (``relation_model.within_post_cues`` and
``across_post_cues``), so each combination's evidence is built once and shared (``Evidence``
is immutable), and the ~290k within-post pairs stay numpy columns (``WithinPairs``) until the
linker keeps one; text cues are computed once per claim (``Layout.cues``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import Claim, Evidence, EvidenceKind, Thread, Topic
from .options import LinkOptions
from .relation_model import (
    OpeningCues,
    PairContext,
    TextCues,
    across_post_cues,
    opening_cues,
    text_cues,
    within_post_cues,
)
from .text_cues import quoted_spans

_CHUNK = 512  # rows per sparse product: bounds memory whatever the thread or topic size


@dataclass(slots=True)
class Candidate:
    """A possible edge child -> parent and everything that speaks for it."""

    child: int
    parent: int
    ctx: PairContext
    origin: str  # within | reply | quote | similarity | cross_thread
    evidence: list[Evidence] = field(default_factory=list)
    stance_votes: float = 0.0  # > 0 leans attack, < 0 leans support


@dataclass(slots=True)
class Layout:
    """Claims indexed by post and thread, the posts' places in their threads, and each claim's
    text cues (computed once: every claim is in several candidates)."""

    claims: tuple[Claim, ...]
    by_post: dict[str, list[int]]
    post_thread: dict[str, str]
    post_rank: dict[str, int]
    reply_to: dict[str, str | None]
    topic_of: list[str]
    vectors: object  # scipy CSR matrix, one L2-normalised TF-IDF row per claim
    cues: list[TextCues]
    first: list[bool]  # the claim is the first of its post
    memo: dict = field(default_factory=dict)  # cue-rule results by the flags they read


def make_layout(threads: Sequence[Thread], claims: Sequence[Claim],
                topics: Sequence[Topic]) -> Layout:
    ordered = tuple(sorted(claims, key=lambda c: (c.post_id, c.start, c.end, c.id)))
    by_post: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(ordered):
        by_post[c.post_id].append(i)
    post_thread, post_rank, reply_to = {}, {}, {}
    for thread in threads:
        for rank, post in enumerate(thread.posts):
            post_thread[post.id], post_rank[post.id] = thread.id, rank
            reply_to[post.id] = post.reply_to
    topic_by_claim = {cid: t.id for t in topics for cid in t.claim_ids}
    topic_of = [topic_by_claim.get(c.id, "other") for c in ordered]
    texts = [c.text for c in ordered]
    first = [False] * len(ordered)
    for members in by_post.values():
        first[members[0]] = True
    return Layout(ordered, dict(by_post), post_thread, post_rank, reply_to, topic_of,
                  _vectorise(texts), [text_cues(t) for t in texts], first)


def _vectorise(texts: list[str]):  # -> scipy.sparse.csr_matrix
    from scipy.sparse import csr_matrix

    try:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit_transform(texts).tocsr()
    except ValueError:  # no words at all
        return csr_matrix((len(texts), 1), dtype=np.float32)


def cosine(layout: Layout, a: int, b: int) -> float:
    va, vb = layout.vectors[a], layout.vectors[b]
    return float(va.multiply(vb).sum())


def _add(cands: dict[tuple[int, int], Candidate], cand: Candidate) -> Candidate:
    """Keep one candidate per (child, parent), merging the evidence of every route to it."""
    key = (cand.child, cand.parent)
    old = cands.get(key)
    if old is None:
        cands[key] = cand
        return cand
    old.evidence.extend(cand.evidence)
    old.stance_votes += cand.stance_votes
    if old.origin == "within" or cand.origin in {"quote", "reply"}:
        old.origin = old.origin if old.origin == "within" else cand.origin
    return old


def _within_key(cues: TextCues) -> tuple:
    return (cues.connective_class, cues.connective, cues.concessive_opener,
            cues.concession[:1], cues.disagree)


def within_cues(layout: Layout, cand: Candidate, distance: int) -> None:
    """Add ``within_post_cues`` evidence and votes, memoised by the flags the rule reads."""
    child, parent = layout.cues[cand.child], layout.cues[cand.parent]
    edge = cand.ctx.parent_first or cand.ctx.parent_last
    key = ("w", _within_key(child), parent.connective_class, parent.connective, distance,
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
    key = ("a", child.connective_class, child.connective, child.concessive_opener,
           child.disagree, child.agree, child.negations[:1], bool(parent.negations), first,
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
    window = max(1, options.within_post_window)
    n = len(layout.claims)
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
    parent_key = _ids([(c.connective_class, c.connective) for c in cues]).reshape(n)
    edge = np.where(np.abs(distance) == 1, 2, (parent_first | parent_last).astype(np.int64))
    first, cue = _distinct_rows(child_key[child], parent_key[parent], distance + n, edge)
    cue_rows = [(tuple(evidence), votes) for evidence, votes in (
        within_post_cues(cues[c], cues[p], d, e == 1) for c, p, d, e in zip(
            child[first].tolist(), parent[first].tolist(), distance[first].tolist(),
            edge[first].tolist(), strict=True))]
    return WithinPairs(child, parent, context, cue, contexts, cue_rows)


def pair_cosines(layout: Layout, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Cosine of many (a, b) claim pairs in one vectorised step (rows are L2-normalised)."""
    if not pairs:
        return np.zeros(0, dtype=np.float32)
    left = layout.vectors[[a for a, _ in pairs]]
    right = layout.vectors[[b for _, b in pairs]]
    return np.asarray(left.multiply(right).sum(axis=1)).ravel()


def _reply_tree(layout: Layout, threads: Sequence[Thread], cands: dict) -> None:
    replies = []  # (post, parent post id)
    for thread in threads:
        for post in thread.posts:
            parent_post = post.reply_to
            if parent_post in layout.by_post and post.id in layout.by_post and \
                    layout.post_thread.get(parent_post) == thread.id:
                replies.append((post, parent_post))
    pairs = [(child, parent) for post, parent_post in replies
             for child in layout.by_post[post.id] for parent in layout.by_post[parent_post]]
    all_sims = pair_cosines(layout, pairs).tolist()  # in the order of ``pairs``
    at = 0
    for post, parent_post in replies:
        parents, children = layout.by_post[parent_post], layout.by_post[post.id]
        opening = opening_cues(post.text[:200])
        said = {True: Evidence(EvidenceKind.REPLY, f"reply to {parent_post}", 0.4),
                False: Evidence(EvidenceKind.REPLY, f"reply to {parent_post}", 0.15)}
        last = len(parents) - 1
        for child in children:
            sims = all_sims[at:at + len(parents)]
            at += len(parents)
            negated = [-x for x in sims]  # a stable sort: ties keep the first parent
            best = sorted(range(len(parents)), key=negated.__getitem__)[:2]
            for j in sorted(set(best) | {0}):
                sim = float(sims[j])
                ctx = PairContext(reply=True, parent_first=j == 0, parent_last=j == last,
                                  similarity=sim, child_first=child == children[0])
                cand = Candidate(child, parents[j], ctx, "reply")
                cand.evidence.append(said[child == children[0]])
                if sim > 0:
                    cand.evidence.append(Evidence(EvidenceKind.SIMILARITY,
                                                  f"similarity {sim:.2f}", round(sim, 3)))
                across_cues(layout, cand, opening)
                _add(cands, cand)


def _quotes(layout: Layout, threads: Sequence[Thread], cands: dict) -> None:
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
                    ctx = PairContext(quoted=True, reply=post.reply_to is not None)
                    cand = Candidate(child, target, ctx, "quote")
                    cand.evidence.append(Evidence(EvidenceKind.QUOTE,
                                                  f'quotes "{quoted[:60]}"', 0.7))
                    across_cues(layout, cand, None)
                    _add(cands, cand)


def _best_match(layout: Layout, quoted: str, pool: list[int]) -> int | None:
    words = set(text_cues(quoted).content)
    best, best_score = None, 0.0
    for i in pool:
        other = layout.cues[i].content
        score = len(words & other) / max(1, len(other))
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.5 else None


def _top_similar(layout: Layout, members: list[int], threshold, keep_pair, limit: int):
    """{child: [(-cosine, parent), ...]}: per member, its ``limit`` most similar other members
    with cosine >= threshold (a float, or a float32 array by claim) that
    ``keep_pair(children, parents)`` (numpy index arrays) allows, best first (ties: lower
    parent index), computed by sparse row chunks. A product entry does not depend on the other
    rows or columns, so members of several small threads can share one product."""
    index = np.asarray(members, dtype=np.int64)
    block = layout.vectors[members].T.tocsc()
    found: dict[int, list[tuple[float, int]]] = {}
    for lo in range(0, len(members), _CHUNK):
        chunk = members[lo:lo + _CHUNK]
        product = (layout.vectors[chunk] @ block).tocoo()
        child = index[lo + product.row]
        floor = threshold if isinstance(threshold, float) else threshold[child]
        keep = product.data >= floor
        child = child[keep]
        parent = index[product.col[keep]]
        sims = product.data[keep]
        allowed = keep_pair(child, parent)
        child, parent, sims = child[allowed], parent[allowed], sims[allowed]
        order = np.lexsort((parent, -sims.astype(np.float64), child))
        child, parent, sims = child[order], parent[order], sims[order]
        starts = np.searchsorted(child, child)  # first row of each child's run
        best = np.arange(len(child)) - starts < limit
        for c, p, s in zip(child[best].tolist(), parent[best].tolist(), sims[best].tolist(),
                           strict=True):
            found.setdefault(c, []).append((-s, p))
    return found


def _similarity(layout: Layout, threads: Sequence[Thread], options: LinkOptions,
                cands: dict) -> None:
    """Small threads are batched into shared products of at most ``_CHUNK`` rows (one
    product per thread made the per-call overhead of scipy the cost at 10k posts)."""
    n = len(layout.claims)
    rank = np.asarray([layout.post_rank[c.post_id] for c in layout.claims], dtype=np.int64)
    topic_names = {t: n for n, t in enumerate(sorted(set(layout.topic_of)))}
    topic = np.asarray([topic_names[t] for t in layout.topic_of], dtype=np.int64)
    thread_of = np.full(n, -1, dtype=np.int64)
    tree = np.zeros(n, dtype=bool)
    # float32 as the product: ``data >= 0.35`` compares in float32, so must the array
    threshold = np.zeros(n, dtype=np.float32)
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
        # reply tree, in its own topic)
        ok = (thread_of[parent] == thread_of[child]) & (rank[parent] < rank[child])
        return ok & (~tree[child] | (topic[child] == topic[parent]))

    def emit(members: list[int]) -> None:
        found = _top_similar(layout, members, threshold, keep_pair, options.max_links_per_claim)
        for child in sorted(found):
            first = layout.first[child]
            for neg_sim, parent in found[child]:
                ctx = PairContext(similarity=-neg_sim, child_first=first)
                cand = Candidate(child, parent, ctx, "similarity")
                cand.evidence.append(Evidence(EvidenceKind.SIMILARITY,
                                              f"similarity {-neg_sim:.2f}", round(-neg_sim, 3)))
                across_cues(layout, cand, None)
                _add(cands, cand)

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


def _cross_thread(layout: Layout, options: LinkOptions, cands: dict) -> None:
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
        return thread[parent] < thread[child]

    for topic in sorted(by_topic):
        members = by_topic[topic]
        if len({int(thread[i]) for i in members}) < 2:
            continue
        found = _top_similar(layout, members, options.cross_thread_threshold, keep_pair,
                             options.cross_thread_links)
        for child in sorted(found):
            for neg_sim, parent in found[child]:
                cand = Candidate(child, parent, PairContext(similarity=-neg_sim), "cross_thread")
                cand.evidence.append(Evidence(EvidenceKind.SIMILARITY,
                                              f"similarity {-neg_sim:.2f} (other thread, same "
                                              "topic)", round(-neg_sim, 3)))
                across_cues(layout, cand, None)
                _add(cands, cand)


def generate_candidates(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions,
) -> tuple[Layout, dict[tuple[int, int], Candidate]]:
    """Every candidate pair with its cues; near-linear in the number of claims."""
    layout, within, across = generate_columns(threads, claims, topics, options)
    cands = {pair: within.candidate(k) for k, pair in enumerate(
        zip(within.child.tolist(), within.parent.tolist(), strict=True))}
    cands.update(across)
    return layout, cands


def generate_columns(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions,
) -> tuple[Layout, WithinPairs, dict[tuple[int, int], Candidate]]:
    """``generate_candidates`` with the within-post pairs left as columns: the linker's path.
    Within-post and across-post pairs never share a (child, parent), so nothing merges."""
    ordered_threads = tuple(sorted(threads, key=lambda t: t.id))
    layout = make_layout(ordered_threads, claims, topics)
    empty = np.zeros(0, dtype=np.int64)
    within = (within_pairs(layout, options) if options.within_post
              else WithinPairs(empty, empty, empty, empty, [], []))
    across: dict[tuple[int, int], Candidate] = {}
    if options.across_posts:
        _reply_tree(layout, ordered_threads, across)
        _quotes(layout, ordered_threads, across)
        _similarity(layout, ordered_threads, options, across)
        _cross_thread(layout, options, across)
    return layout, within, across


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


__all__ = ["Candidate", "Layout", "WithinPairs", "forced_candidate", "generate_candidates",
           "generate_columns"]
