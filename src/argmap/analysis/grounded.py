"""Which claims stand: grounded (Dung) labelling of the attack graph.

Treatment of support in the semantics: by default ``status`` is plain Dung grounded semantics
over the ATTACK relation only. Support edges do not change a claim's label: a supported claim
that is attacked by an unattacked claim is still "out". The bipolar reduction "supported attack"
(Cayrol & Lagasquie-Schiex: a supports b through a chain of supports, b attacks c, so a attacks
c) is available with ``AnalyseOptions.supported_attack_depth = k`` (chains of at most k supports).
It is off by default because it turns every support chain into derived attacks, which on mined,
noisy edges multiplies errors; support is used instead for centrality, contested claims and camps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from argmap.analysis.edges import Edges

IN, OUT, UNDECIDED = "in", "out", "undecided"


def grounded_labelling(
    claim_ids: Sequence[str], attacks: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """The grounded labelling of the attack graph: "in", "out" or "undecided" for every claim
    (attacks naming unknown claims are ignored). See ``grounded_labels`` for the algorithm."""
    position = {cid: i for i, cid in enumerate(claim_ids)}
    pairs = [(position[a], position[b]) for a, b in attacks if a in position and b in position]
    source = np.array([a for a, _ in pairs], dtype=np.int64)
    target = np.array([b for _, b in pairs], dtype=np.int64)
    return dict(zip(claim_ids, grounded_labels(len(claim_ids), source, target), strict=True))


def attack_pairs(edges: Edges, support_depth: int) -> tuple[np.ndarray, np.ndarray]:
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


def grounded_labels(n: int, source: np.ndarray, target: np.ndarray) -> list[str]:
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
