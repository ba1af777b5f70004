"""Within-post candidates: each claim and its neighbours in its post, as shared columns.

Why a module of its own: inside a post the candidates follow from the post's layout alone
(each claim and the claims within ``within_post_window`` of it, plus the post's first and last
claim, where authors put their main claim), and at 10k posts they are ~290k pairs but only a
few hundred distinct placements and cue combinations; so a pair is four integers
(``WithinPairs``) and each combination's context and evidence are built once. The across-post
routes (reply tree, quotes, similarity) are ``routes``; ``candidates`` puts both together.
Split from ``candidates`` in session 14.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from argmap.link.layout import Candidate, Layout
from argmap.link.relation_model import PairContext, TextCues, within_post_cues
from argmap.model import Evidence
from argmap.options import LinkOptions


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
