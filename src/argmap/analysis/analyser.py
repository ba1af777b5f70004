"""What the graph says: central claims, contested claims, unanswered attacks, which claims stand
(grounded semantics), the camps participants form, and extractive summaries.

Everything here works on integer-indexed numpy/scipy arrays rather than a networkx graph, because
a corpus map of 100k claims has millions of edges and networkx spends most of its time building
the graph (see docs on performance); the per-thread maps are small either way.

Treatment of support in the semantics: by default ``status`` is plain Dung grounded semantics
over the ATTACK relation only. Support edges do not change a claim's label: a supported claim
that is attacked by an unattacked claim is still "out". The bipolar reduction "supported attack"
(Cayrol & Lagasquie-Schiex: a supports b through a chain of supports, b attacks c, so a attacks
c) is available with ``AnalyseOptions.supported_attack_depth = k`` (chains of at most k supports).
It is off by default because it turns every support chain into derived attacks, which on mined,
noisy edges multiplies errors; support is used instead for centrality, contested claims and camps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from argmap.gcpause import collector_paused
from argmap.model import Analysis, ArgumentMap, Camp, Post, Stance, Summary
from argmap.options import AnalyseOptions

IN, OUT, UNDECIDED = "in", "out", "undecided"
_SCORE_DECIMALS = 10  # rounding makes ties exact, so "ties by id" holds on every platform


@dataclass(frozen=True, slots=True)
class _Edges:
    """The map's relations as parallel arrays over claim indexes, one entry per distinct
    (source, target, stance); duplicates keep their highest confidence."""

    ids: tuple[str, ...]
    source: np.ndarray
    target: np.ndarray
    attack: np.ndarray  # bool
    confidence: np.ndarray

    @classmethod
    def of(cls, amap: ArgumentMap) -> _Edges:
        ids = tuple(claim.id for claim in amap.claims)
        position = {cid: i for i, cid in enumerate(ids)}
        rows = [
            (position.get(rel.source, -1), position.get(rel.target, -1),
             rel.stance is Stance.ATTACK, float(rel.confidence))
            for rel in amap.relations
        ]
        table = np.array(rows, dtype=np.float64).reshape(-1, 4)
        table = table[(table[:, 0] >= 0) & (table[:, 1] >= 0)]  # endpoints outside the map
        # canonical order (source, target, stance), highest confidence first; keep the first
        order = np.lexsort((-table[:, 3], table[:, 2], table[:, 1], table[:, 0]))
        table = table[order]
        keys = table[:, :3]
        first = np.ones(len(table), dtype=bool)
        first[1:] = np.any(keys[1:] != keys[:-1], axis=1)
        table = table[first]
        return cls(
            ids=ids,
            source=table[:, 0].astype(np.int64),
            target=table[:, 1].astype(np.int64),
            attack=table[:, 2].astype(bool),
            confidence=table[:, 3].copy(),
        )


def analyse(amap: ArgumentMap, options: AnalyseOptions | None = None) -> Analysis:
    """Analyse a map. Pure and deterministic: the same map and options give equal records."""
    options = options or AnalyseOptions()
    with collector_paused():
        edges = _Edges.of(amap)
        posts = {post.id: post for thread in amap.threads for post in thread.posts}
        centrality = claim_centrality(edges, options.damping)
        attackers, attacked = _attacks(edges, options.supported_attack_depth)
        labels = _grounded(len(edges.ids), attackers, attacked)
        camps = find_camps(amap, edges, posts, options)
        return Analysis(
            centrality=centrality,
            contested=contested_claims(edges),
            unanswered=unanswered_attacks(amap, edges, posts),
            status=tuple(sorted(zip(edges.ids, labels, strict=True))),
            camps=camps,
            summaries=_summaries(amap, camps, dict(centrality), posts, options.summary_size),
        )


# --- centrality -------------------------------------------------------------------------------


def claim_centrality(edges: _Edges, damping: float = 0.85) -> tuple[tuple[str, float], ...]:
    """PageRank over support and attack edges (weighted by confidence), for every claim that
    takes part in at least one relation; highest first, ties by claim id.

    Edges point from the claim that reacts to the claim reacted to, so a claim many others
    support or attack ranks high: it is what the discussion is about. Power iteration on a
    scipy CSR matrix keeps a 100k-claim corpus in seconds.
    """
    if len(edges.source) == 0:
        return ()
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
    dangling = out_weight <= 0
    d = min(max(damping, 0.0), 1.0)
    rank = np.full(n, 1.0 / n)
    for _ in range(200):
        spread = d * (transition @ rank + rank[dangling].sum() / n) + (1.0 - d) / n
        spread /= spread.sum()
        done = np.abs(spread - rank).sum() < 1e-13 * n
        rank = spread
        if done:
            break
    scores = np.round(rank, _SCORE_DECIMALS)
    pairs = [(edges.ids[int(used[i])], float(scores[i])) for i in range(n)]
    return tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))


# --- contested and unanswered -----------------------------------------------------------------


def contested_claims(edges: _Edges) -> tuple[str, ...]:
    """Claims both attacked and supported, most disputed first (attacks + supports received),
    then by id."""
    n = len(edges.ids)
    attacked = np.bincount(edges.target[edges.attack], minlength=n)
    supported = np.bincount(edges.target[~edges.attack], minlength=n)
    both = np.flatnonzero((attacked > 0) & (supported > 0))
    ranked = sorted(both, key=lambda i: (-int(attacked[i] + supported[i]), edges.ids[i]))
    return tuple(edges.ids[i] for i in ranked)


def unanswered_attacks(
    amap: ArgumentMap, edges: _Edges, posts: Mapping[str, Post]
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


# --- grounded semantics -----------------------------------------------------------------------


def grounded_labelling(
    claim_ids: Sequence[str], attacks: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """The grounded labelling of the attack graph: "in", "out" or "undecided" for every claim
    (attacks naming unknown claims are ignored). See ``_grounded`` for the algorithm."""
    position = {cid: i for i, cid in enumerate(claim_ids)}
    pairs = [(position[a], position[b]) for a, b in attacks if a in position and b in position]
    source = np.array([a for a, _ in pairs], dtype=np.int64)
    target = np.array([b for _, b in pairs], dtype=np.int64)
    return dict(zip(claim_ids, _grounded(len(claim_ids), source, target), strict=True))


def _attacks(edges: _Edges, support_depth: int) -> tuple[np.ndarray, np.ndarray]:
    """The attack pairs the semantics sees: the map's attacks, plus the supported attacks made
    by support chains of up to ``support_depth`` steps (sparse products, so it stays bounded)."""
    source, target = edges.source[edges.attack], edges.target[edges.attack]
    if support_depth <= 0 or len(source) == 0:
        return source, target
    n = len(edges.ids)
    ones = np.ones(len(source))
    attack = sparse.csr_matrix((ones, (source, target)), shape=(n, n))
    support_rows, support_cols = edges.source[~edges.attack], edges.target[~edges.attack]
    support = sparse.csr_matrix(
        (np.ones(len(support_rows)), (support_rows, support_cols)), shape=(n, n)
    )
    reach, total = attack, attack
    for _ in range(support_depth):
        reach = (support @ reach).tocsr()
        reach.data[:] = 1.0  # only whether a chain exists matters, not how many
        if reach.nnz == 0:
            break
        total = total + reach
    derived = total.tocoo()
    return derived.row.astype(np.int64), derived.col.astype(np.int64)


def _grounded(n: int, source: np.ndarray, target: np.ndarray) -> list[str]:
    """Grounded labels of nodes ``0..n-1`` under the attacks ``source[k] -> target[k]``.

    Iterative propagation in O(V + E): unattacked claims are in; whatever an "in" claim attacks
    is out; a claim whose attackers are all out is in; what is never settled (odd cycles,
    self-attacks, cycles fed by cycles) is undecided. The grounded extension is unique, so the
    result does not depend on the order of the work list.
    """
    pairs = np.unique(np.stack([source, target], axis=1).reshape(-1, 2), axis=0)
    order = np.argsort(pairs[:, 0], kind="stable")
    targets = pairs[order, 1].tolist()
    starts = np.searchsorted(pairs[order, 0], np.arange(n + 1)).tolist()
    attackers_left = np.bincount(pairs[:, 1], minlength=n).tolist()
    label = [UNDECIDED] * n
    work = [i for i in range(n) if attackers_left[i] == 0]
    for i in work:
        label[i] = IN
    while work:
        winner = work.pop()
        for loser in targets[starts[winner] : starts[winner + 1]]:
            if label[loser] is not UNDECIDED:
                continue
            label[loser] = OUT
            for freed in targets[starts[loser] : starts[loser + 1]]:
                attackers_left[freed] -= 1
                if attackers_left[freed] == 0 and label[freed] is UNDECIDED:
                    label[freed] = IN
                    work.append(freed)
    return label


# --- camps ------------------------------------------------------------------------------------


def find_camps(
    amap: ArgumentMap, edges: _Edges, posts: Mapping[str, Post], options: AnalyseOptions
) -> tuple[Camp, ...]:
    """Groups of authors who support each other and attack the other side.

    Author graph: each relation between two known, different authors adds +confidence (support)
    or -confidence (attack) to the pair. Each connected part is split in two by the sign of the
    leading eigenvector of its signed adjacency matrix (the structural-balance split), then
    polished by moving single authors to the side they agree with more. Dense solver for small
    parts, ARPACK with a fixed start vector above ``camp_dense_limit``; at most ``max_camps``
    camps (largest first), ids "camp1", "camp2", ...
    """
    names = sorted({post.author for post in posts.values() if post.author})
    index = {name: i for i, name in enumerate(names)}
    author_of_post = {pid: index[post.author] for pid, post in posts.items() if post.author}
    claim_author = np.array(
        [author_of_post.get(claim.post_id, -1) for claim in amap.claims], dtype=np.int64
    )
    a, b = claim_author[edges.source], claim_author[edges.target]
    keep = (a >= 0) & (b >= 0) & (a != b)
    weight = np.where(edges.attack, -edges.confidence, edges.confidence)[keep]
    pairs = sparse.coo_matrix(
        (weight, (np.minimum(a, b)[keep], np.maximum(a, b)[keep])), shape=(len(names),) * 2
    ).tocsr()  # duplicates summed in canonical edge order: the same floats every run
    pairs.data[np.abs(pairs.data) < 1e-12] = 0.0
    pairs.eliminate_zeros()
    involved = np.flatnonzero(np.diff((pairs + pairs.T).tocsr().indptr) > 0)
    if len(involved) < 2:
        return ()
    signed = (pairs + pairs.T).tocsr()[involved][:, involved].tocsr()
    n_parts, part_of = connected_components(signed, directed=False)
    perm = np.argsort(part_of, kind="stable")
    bounds = np.searchsorted(part_of[perm], np.arange(n_parts + 1))
    grouped = signed[perm][:, perm].tocsr()
    groups: list[list[str]] = []
    for part in range(n_parts):
        lo, hi = int(bounds[part]), int(bounds[part + 1])
        side = _balanced_split(grouped[lo:hi, lo:hi].tocsr(), options.camp_dense_limit)
        members = involved[perm[lo:hi]]
        for wanted in (True, False):
            group = [names[m] for m, s in zip(members, side, strict=True) if s == wanted]
            if group:
                groups.append(sorted(group))
    claims_by_author: dict[str, list[str]] = defaultdict(list)
    for claim, author in zip(amap.claims, claim_author.tolist(), strict=True):
        if author >= 0:
            claims_by_author[names[author]].append(claim.id)
    groups.sort(key=lambda g: (-len(g), g))
    return tuple(
        Camp(
            id=f"camp{i}",
            authors=tuple(group),
            claim_ids=tuple(cid for author in group for cid in claims_by_author[author]),
        )
        for i, group in enumerate(groups[: options.max_camps], start=1)
    )


def _one_blas_thread() -> AbstractContextManager[object]:
    """Dense LAPACK on one thread: on a busy 2-core machine OpenBLAS's thread pool made a
    100x100 ``eigh`` take 0.4 s instead of 2 ms, and one thread also gives the same floats on
    every machine. threadpoolctl comes with scikit-learn; without it, run as configured."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn always brings it
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _balanced_split(block: sparse.csr_matrix, dense_limit: int) -> list[bool]:
    """Two sides of one connected part of the signed author graph (True/False per author)."""
    n = block.shape[0]
    if n <= max(dense_limit, 2):
        with _one_blas_thread():
            _, vectors = np.linalg.eigh(block.toarray())
        leading = vectors[:, -1]
    else:
        start = np.random.default_rng(0).random(n) + 0.5
        try:
            with _one_blas_thread():
                _, vectors = eigsh(block.astype(np.float64), k=1, which="LA", v0=start, tol=1e-8)
            leading = vectors[:, 0]
        except ArpackNoConvergence:  # rare; the local search below still finds a split
            leading = np.ones(n)
    pivot = int(np.argmax(np.abs(leading)))
    oriented = leading * (1.0 if leading[pivot] >= 0 else -1.0)  # a fixed sign: same split
    side = oriented >= -1e-12
    sign = np.where(side, 1.0, -1.0)
    pull = block @ sign  # > 0: the author agrees more with the True side
    indptr, indices, data = block.indptr, block.indices, block.data
    for _ in range(50):  # local search; each move raises agreement, so it ends
        moved = False
        for i in range(n):
            if pull[i] * sign[i] < -1e-12:
                sign[i] = -sign[i]
                lo, hi = indptr[i], indptr[i + 1]
                pull[indices[lo:hi]] += 2.0 * sign[i] * data[lo:hi]
                moved = True
        if not moved:
            break
    side = sign > 0
    return [bool(s) for s in side]


# --- summaries --------------------------------------------------------------------------------


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
