"""Across-post candidate pairs as numpy columns: the reply tree, quotes, similarity inside a
thread and the bounded cross-thread links (the rules are described in ``candidates``).

Why columns: at 10k posts there are ~170k such pairs and building a ``Candidate`` with its
evidence list for each was a third of the linker's time, while the linker keeps well under
half of them. Here every route to a pair is a row of integer and float columns, the
``across_post_cues`` rule runs once per distinct combination of the flags it reads, the prior
(noisy-OR of the evidence weights) is multiplied column by column in evidence order, and
evidence objects are built only for the pairs the linker keeps (``AcrossPairs.evidence``) or
when a caller wants objects (``AcrossPairs.candidates``). Several routes to one pair merge as
the old per-pair code did: evidence concatenated in route order, votes added in that order,
the first route's context, a later reply or quote route renaming the origin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from argmap.link.contexts import PairContexts
from argmap.link.layout import CROSS, ORIGINS, QUOTE, REPLY, SIMILARITY, Candidate, Layout, Routes
from argmap.link.relation_model import TextCues, across_post_cues
from argmap.model import Evidence, EvidenceKind

_SIM_DETAIL = ("similarity {:.2f}", "similarity {:.2f}", "similarity {:.2f}",
               "similarity {:.2f} (other thread, same topic)")


def child_flags(cues: TextCues) -> tuple:
    """The child's fields ``relation_model.across_post_cues`` reads: claims alike in these get
    the same evidence and votes (the memo key; extend it with the rule)."""
    return (cues.connective_class, cues.connective, cues.concessive_opener, cues.disagree,
            cues.agree, cues.negations[:1])


def parent_flags(cues: TextCues) -> tuple:
    """The parent's fields ``relation_model.across_post_cues`` reads (see ``child_flags``)."""
    return (bool(cues.negations),)


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


def _ids(values: list) -> np.ndarray:
    numbers: dict = {}
    return np.asarray([numbers.setdefault(v, len(numbers)) for v in values], dtype=np.int64)


def _factor(weight: float) -> float:
    return 1.0 - min(0.95, max(0.0, weight))


def _round3(values: np.ndarray) -> np.ndarray:
    """Python's ``round(x, 3)`` of each value: numpy's rint(x * 1e3) / 1e3 away from a
    rounding boundary, Python near one."""
    scaled = values * 1e3
    out = np.rint(scaled) / 1e3
    for k in np.nonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)[0].tolist():
        out[k] = round(float(values[k]), 3)
    return out


@dataclass(slots=True)
class AcrossPairs:
    """One row per distinct (child, parent), ascending; ``row`` is the pair's first route and
    ``extra`` the later routes of the few pairs reached by several."""

    child: np.ndarray
    parent: np.ndarray
    origin: np.ndarray  # index into ``ORIGINS`` after merging
    votes: np.ndarray
    prior: np.ndarray
    contexts: PairContexts  # one per pair
    row: np.ndarray
    extra: dict[int, list[int]]
    routes: Routes
    route_origin: list[int]
    route_sim: list[float]
    route_head: list[int]
    route_cue: list[int]
    cue_rows: list[tuple[tuple[Evidence, ...], float]]
    sim_evidence: dict[tuple[int, float], Evidence] = field(default_factory=dict)

    def _route_evidence(self, r: int) -> list[Evidence]:
        origin, sim = self.route_origin[r], self.route_sim[r]
        out = [self.routes.heads[self.route_head[r]]] if origin in (REPLY, QUOTE) else []
        if origin != QUOTE and (origin != REPLY or sim > 0):
            kind = origin == CROSS
            ev = self.sim_evidence.get((kind, sim))
            if ev is None:
                ev = self.sim_evidence[(kind, sim)] = Evidence(
                    EvidenceKind.SIMILARITY, _SIM_DETAIL[origin].format(sim), round(sim, 3))
            out.append(ev)
        out.extend(self.cue_rows[self.route_cue[r]][0])
        return out

    def evidence(self, k: int) -> list[Evidence]:
        """Pair k's evidence, every route's in route order."""
        out = self._route_evidence(int(self.row[k]))
        for r in self.extra.get(k, ()):
            out.extend(self._route_evidence(r))
        return out

    def candidates(self) -> dict[tuple[int, int], Candidate]:
        """The pairs as ``Candidate`` objects, in the order their first route was emitted."""
        out = {}
        child, parent, origin = self.child.tolist(), self.parent.tolist(), self.origin.tolist()
        votes = self.votes.tolist()
        for k in np.argsort(self.row, kind="stable").tolist():
            out[(child[k], parent[k])] = Candidate(child[k], parent[k], self.contexts[k],
                                                   ORIGINS[origin[k]], self.evidence(k),
                                                   votes[k])
        return out


def build_pairs(layout: Layout, routes: Routes) -> AcrossPairs:
    """Evaluate the cue rule per distinct flag combination, then merge routes into pairs."""
    child, parent = _cat(routes.child, np.int64), _cat(routes.parent, np.int64)
    origin, sim = _cat(routes.origin, np.int64), _cat(routes.sim, np.float64)
    head, opening = _cat(routes.head, np.int64), _cat(routes.opening, np.int64)
    cues, first = layout.cues, np.asarray(layout.first, dtype=bool).reshape(len(layout.cues))
    n = len(child)
    # the ``candidates.across_cues`` memo key as integers
    child_key = _ids([child_flags(c) for c in cues]).reshape(len(cues))
    parent_key = _ids([parent_flags(c) for c in cues]).reshape(len(cues))
    open_key = _ids([(o.disagree, o.agree) for o in routes.openings]).reshape(
        len(routes.openings))
    row_first = first[child]
    used_opening = np.where(row_first & (opening >= 0), opening, -1)
    key_open = np.where(used_opening >= 0, open_key[np.maximum(used_opening, 0)] + 1, 0) \
        if len(open_key) else np.zeros(n, dtype=np.int64)
    packed = (((child_key[child] * (int(parent_key.max(initial=0)) + 1) + parent_key[parent])
               * 2 + row_first) * (len(routes.openings) + 1) + key_open)
    _values, first_of, cue = np.unique(packed, return_index=True, return_inverse=True)
    cue = cue.reshape(n)
    cue_rows = []
    for r in first_of.tolist():
        o = int(used_opening[r])
        found, cue_votes = across_post_cues(cues[child[r]], cues[parent[r]],
                                            bool(row_first[r]),
                                            routes.openings[o] if o >= 0 else None)
        cue_rows.append((tuple(found), cue_votes))
    # the prior's factors in evidence order: the route's head, its similarity, the cue rule's
    head_w = np.where(origin == QUOTE, 0.7, np.where(row_first, 0.4, 0.15))
    head_f = np.where((origin == REPLY) | (origin == QUOTE),
                      1.0 - np.minimum(0.95, np.maximum(0.0, head_w)), 1.0)
    has_sim = (origin == SIMILARITY) | (origin == CROSS) | ((origin == REPLY) & (sim > 0))
    sim_w = _round3(np.where(has_sim, sim, 0.0))
    sim_f = np.where(has_sim, 1.0 - np.minimum(0.95, np.maximum(0.0, sim_w)), 1.0)
    width = max((len(e) for e, _v in cue_rows), default=0)
    cue_f = np.ones((len(cue_rows), width))
    for i, (evidence, _v) in enumerate(cue_rows):
        cue_f[i, :len(evidence)] = [_factor(e.weight) for e in evidence]
    product = np.ones(n)
    product *= head_f
    product *= sim_f
    for j in range(width):
        product *= cue_f[cue, j]
    route_votes: np.ndarray = 0.0 + np.asarray([v for _e, v in cue_rows], dtype=np.float64)[cue] \
        if cue_rows else np.zeros(0)
    # merge the routes of each (child, parent)
    keys = child * max(1, len(cues)) + parent
    _k, row, inverse, counts = np.unique(keys, return_index=True, return_inverse=True,
                                         return_counts=True)
    inverse = inverse.reshape(n)
    pair_origin, votes, prior = origin[row], route_votes[row], 1.0 - product[row]
    contexts = PairContexts.concat(routes.contexts).take(row)
    extra: dict[int, list[int]] = {}
    if (counts > 1).any():
        grouped = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        for k in np.nonzero(counts > 1)[0].tolist():
            extra[k] = grouped[starts[k] + 1:starts[k] + counts[k]].tolist()
    pairs = AcrossPairs(child[row], parent[row], pair_origin, votes, prior, contexts, row,
                        extra, routes, origin.tolist(), sim.tolist(), head.tolist(),
                        cue.tolist(), cue_rows)
    for k, later in extra.items():  # rare: the per-pair merge, in route order
        name = ORIGINS[int(origin[row[k]])]
        total = float(route_votes[row[k]])
        for r in later:
            total += float(route_votes[r])
            if int(origin[r]) in (REPLY, QUOTE):  # a later reply or quote route renames it
                name = ORIGINS[int(origin[r])]
        pair_origin[k], votes[k] = ORIGINS.index(name), total
        prior[k] = 1.0 - math.prod(_factor(e.weight) for e in pairs.evidence(k))
    return pairs


__all__ = ["AcrossPairs", "build_pairs", "child_flags", "parent_flags"]
