"""Which claims matter: PageRank centrality, contested claims (both supported and attacked) and
attacks nobody answered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from argmap.analysis.edges import Edges
from argmap.model import ArgumentMap, Post
from argmap.robust import significant

try:  # the kernel ``csr_matrix @ vector`` runs, without scipy's per-call dispatch
    from scipy.sparse._sparsetools import csr_matvec
except ImportError:  # pragma: no cover - a future scipy may move it
    csr_matvec = None

SCORE_DIGITS = 6  # significant digits of a centrality score (see ``claim_centrality``)
_CONVERGED = 1e-11  # the power iteration stops when the scores move less than this in sum
_MAX_ITERATIONS = 500


def claim_centrality(edges: Edges, damping: float = 0.85) -> tuple[tuple[str, float], ...]:
    """PageRank over support and attack edges (weighted by confidence), for every claim that
    takes part in at least one relation; highest first, ties by claim id.

    Edges point from the claim that reacts to the claim reacted to, so a claim many others
    support or attack ranks high: it is what the discussion is about. Scores are rounded to
    ``SCORE_DIGITS`` significant digits (``robust.significant``) before they are ranked or
    written: the last digits of a power iteration are rounding noise that differs between
    machines, and rounded, equal scores tie exactly and go by claim id everywhere.
    """
    used, rank = pagerank(edges, damping)
    if not len(used):
        return ()
    scores = significant(rank, SCORE_DIGITS).tolist()
    pairs = [(edges.ids[i], score) for i, score in zip(used.tolist(), scores, strict=True)]
    return tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))


def pagerank(edges: Edges, damping: float = 0.85) -> tuple[np.ndarray, np.ndarray]:
    """(claim indexes that take part in a relation, their PageRank), unrounded.

    Power iteration on a scipy CSR matrix (a 100k-claim corpus in seconds). It stops when an
    iteration moves the scores by less than ``_CONVERGED`` in sum, a test far above rounding
    noise (the scores sum to 1, so their noise sums to ~1e-16 whatever the size): stopping
    one iteration later or earlier would change the result by far less than the rounding
    ``claim_centrality`` applies, and the noise cannot decide when to stop.
    """
    if len(edges.source) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    used = np.unique(np.concatenate([edges.source, edges.target]))
    local = np.full(len(edges.ids), -1, dtype=np.int64)
    local[used] = np.arange(len(used))
    n = len(used)
    src, dst = local[edges.source], local[edges.target]
    out_weight = np.bincount(src, weights=edges.confidence, minlength=n)
    norm = np.divide(
        edges.confidence, out_weight[src], out=np.zeros_like(edges.confidence),
        where=out_weight[src] > 0,
    )
    transition = sparse.csr_matrix((norm, (dst, src)), shape=(n, n))
    dangling = np.flatnonzero(out_weight <= 0)  # the mask's elements, in its order
    d = min(max(damping, 0.0), 1.0)
    rank = np.full(n, 1.0 / n)
    for _ in range(_MAX_ITERATIONS):
        spread = d * (_times(transition, rank) + rank[dangling].sum() / n) + (1.0 - d) / n
        spread /= spread.sum()
        done = np.abs(spread - rank).sum() < _CONVERGED
        rank = spread
        if done:
            break
    return used, rank


def claim_centrality_many(edges_list: Sequence[Edges], damping: float = 0.85
                          ) -> list[tuple[tuple[str, float], ...]]:
    """``claim_centrality`` of each graph, their power iterations run together
    (``pagerank_batch.pagerank_many``) and their scores rounded in one pass."""
    from argmap.analysis.pagerank_batch import pagerank_many

    ranked = pagerank_many(edges_list, damping)
    sizes = [len(rank) for _used, rank in ranked]
    scores = significant(np.concatenate([rank for _used, rank in ranked] or [np.zeros(0)]),
                         SCORE_DIGITS).tolist()
    out, at = [], 0
    for edges, (used, _rank), size in zip(edges_list, ranked, sizes, strict=True):
        ids = edges.ids
        pairs = [(ids[i], score) for i, score in zip(used.tolist(), scores[at:at + size],
                                                     strict=True)]
        at += size
        out.append(tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0]))))
    return out


def _times(matrix: sparse.csr_matrix, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector``: the same kernel and the same floats, called directly. Why: a
    corpus run ranks every thread's few claims alone, and scipy's dispatch around the ~80
    products of each power iteration cost more than the products."""
    if csr_matvec is None or matrix.dtype != np.float64 or vector.dtype != np.float64:
        return matrix @ vector
    out = np.zeros(matrix.shape[0], dtype=np.float64)
    csr_matvec(matrix.shape[0], matrix.shape[1], matrix.indptr, matrix.indices, matrix.data,
               vector, out)
    return out


def contested_claims(edges: Edges) -> tuple[str, ...]:
    """Claims both attacked and supported, most disputed first (attacks + supports received),
    then by id."""
    n = len(edges.ids)
    attacked = np.bincount(edges.target[edges.attack], minlength=n)
    supported = np.bincount(edges.target[~edges.attack], minlength=n)
    both = np.flatnonzero((attacked > 0) & (supported > 0))
    ranked = sorted(both, key=lambda i: (-int(attacked[i] + supported[i]), edges.ids[i]))
    return tuple(edges.ids[i] for i in ranked)


def unanswered_attacks(
    amap: ArgumentMap, edges: Edges, posts: Mapping[str, Post]
) -> tuple[str, ...]:
    """Attacking claims nobody answered, sorted by id.

    A claim is unanswered when it attacks a claim of another post (and, when both authors are
    known, of another author: a writer's own "but ..." needs no answer), no claim supports or
    attacks it, and no attacked author replied to or quoted its post afterwards.
    """
    post_of = {claim.id: claim.post_id for claim in amap.claims}
    responders: dict[str, set[str]] = defaultdict(set)  # post id -> authors who answered it
    for post in posts.values():
        if post.author is None:
            continue
        if post.reply_to is not None:
            responders[post.reply_to].add(post.author)
        for quote in post.quotes:
            if quote.post_id is not None:
                responders[quote.post_id].add(post.author)
    received = np.bincount(edges.target, minlength=len(edges.ids))
    open_attack: dict[str, bool] = {}
    candidates = edges.attack & (received[edges.source] == 0)
    for s, t in zip(
        edges.source[candidates].tolist(), edges.target[candidates].tolist(), strict=True
    ):
        attacker, attacked = edges.ids[s], edges.ids[t]
        own_post, other_post = post_of[attacker], post_of[attacked]
        if own_post == other_post:
            continue
        own, other = posts.get(own_post), posts.get(other_post)
        own_author = own.author if own else None
        other_author = other.author if other else None
        if own_author is not None and own_author == other_author:
            continue
        answered = other_author is not None and other_author in responders.get(own_post, ())
        open_attack[attacker] = open_attack.get(attacker, False) or not answered
    result = [cid for cid, is_open in open_attack.items() if is_open]
    return tuple(sorted(result))
