"""Which scored candidates become relations: the structure rules of a post and a reply.

Why a module of its own: scoring (``scoring``) says how strongly each pair is argued; which
pairs a map keeps is a separate decision over all of a map's pairs at once. Within a post each
claim keeps its best target and the post's main claim (most incoming, least outgoing,
normative wording, first or last place) keeps none, the main claim draws the claims up to
``MAIN_CLAIM_REACH`` away from it, and a claim opened by "but"/"because"/"for example" or
continuing a paragraph leans to the claim just before it; across posts a claim keeps one reply
link (only a reply's opening and main claim) plus quote/similarity links, at most
``max_links_per_claim`` in all. Candidates are columns; objects are built only for the pairs
kept. Split from ``linker`` in session 14.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import argmap.link.post_stance as post_stance
import argmap.link.post_structure as structure
import argmap.link.reply_edges as reply_edges
from argmap.link.calibration import ROUTES, Calibration
from argmap.link.candidates import WithinPairs
from argmap.link.columns import across_kept, best_per_child, boosted, id_ranks, priors
from argmap.link.contexts import PairContexts
from argmap.link.cross_post import AcrossPairs
from argmap.link.layout import REPLY, Layout
from argmap.link.relation_model import RelationModel
from argmap.link.scoring import _NO_SIDE, _column_scores, _model_evidences
from argmap.model import Evidence, EvidenceKind, PostRelation, Relation, Stance, Thread
from argmap.model import relation_sort_key as _relation_key
from argmap.options import LinkOptions

MAIN_CLAIM_WEIGHT = 0.3  # evidence weight of "the target is the post's main claim"
# "but"/"however"/"because" at a claim's start: it answers the claim just before it
# (on both microtext sets: contrast openers follow the claim they rebut ~70% of the time)
ANSWER_PREVIOUS_WEIGHT = 0.5
# A reply links to the post it answers only through its opening and its main claim.
REPLY_FROM_OPENING_ONLY = True
_MAIN_CLAIM = Evidence(EvidenceKind.ADJACENCY, "main claim of the post", MAIN_CLAIM_WEIGHT)
_ANSWERS_PREVIOUS = Evidence(EvidenceKind.ADJACENCY, "opens by answering the claim before it",
                             ANSWER_PREVIOUS_WEIGHT)
# In a post written in paragraphs, a claim continues the argument of the claim before it in
# its paragraph (a paragraph is the writer's unit of local argument), with the weight of the
# "but"/"because" rule: CMV attachment 0.183 -> 0.213 (within posts 0.20 -> 0.25; adjacent
# baseline 0.207, within 0.228). Posts without paragraphs (microtexts, CDCP comments) give no
# such evidence.
_SAME_PARAGRAPH = Evidence(EvidenceKind.ADJACENCY, "continues the claim before it in its "
                           "paragraph", ANSWER_PREVIOUS_WEIGHT)
_CONTINUES = Evidence(EvidenceKind.ADJACENCY, 'continues the claim before it ("and ...") and '
                      "argues for what that claim argues for", 0.0)
# in the order ``select_relations`` lists the rules a kept pair met
_RULE_EVIDENCE = (_MAIN_CLAIM, _ANSWERS_PREVIOUS, _SAME_PARAGRAPH, _CONTINUES, _NO_SIDE,
                  reply_edges.DISPUTES)
# the rule evidence of each set of rules met, by its bits (bit j: ``_RULE_EVIDENCE[j]``)
_RULE_SETS = tuple(tuple(e for j, e in enumerate(_RULE_EVIDENCE) if code >> j & 1)
                   for code in range(1 << len(_RULE_EVIDENCE)))


# layout's route origins (REPLY, QUOTE, SIMILARITY, CROSS; -1 for within) -> ``ROUTES`` index
_ROUTE_CODE = np.asarray([ROUTES.index(o) for o in ("reply", "quote", "similarity",
                                                     "cross_thread", "within")], dtype=np.int64)


def select_relations(layout: Layout, within: WithinPairs, across: AcrossPairs,
                     options: LinkOptions, model: RelationModel | None,
                     calibration: Calibration | None = None,
                     threads: Sequence[Thread] = (),
                     ) -> tuple[list[Relation], tuple[PostRelation, ...]]:
    """Score every candidate, then keep the best targets per claim above min_confidence,
    sorted by ``relation_sort_key``. Candidates are columns in (child, parent) order; objects
    are built only for kept ones, from columns gathered at the kept rows (not per-row lookups
    into ~460k-row lists)."""
    n_within = len(within.child)
    children = np.concatenate([within.child, across.child])
    parents = np.concatenate([within.parent, across.parent])
    order = np.argsort(children * max(1, len(layout.claims)) + parents, kind="stable")
    children, parents = children[order], parents[order]
    votes = np.concatenate([np.fromiter((v for _e, v in within.cue_rows), np.float64,
                                        len(within.cue_rows))[within.cue],
                            across.votes])[order]
    prior = np.concatenate([priors([e for e, _v in within.cue_rows])[within.cue],
                            across.prior])[order]
    contexts = PairContexts.concat([PairContexts.of(within.contexts), across.contexts])
    context_row = np.concatenate([within.context, len(within.contexts)
                                  + np.arange(len(across.child), dtype=np.int64)])[order]
    attack, scored, logits, model_stance, no_side = _column_scores(
        layout, children, parents, votes, prior, contexts, context_row, model)
    within_mask = order < n_within
    origin = np.concatenate([np.full(n_within, -1, dtype=np.int64), across.origin])[order]
    is_reply = origin == REPLY
    scored_array = np.asarray(scored, dtype=np.float64)
    confidence = scored_array.copy()
    is_main = structure.main_claims(layout, children, parents, within_mask, confidence)
    far = structure.far_from_main(layout, is_main)
    to_main = within_mask & is_main[parents] & ~far[children]
    # most claims of a post argue for its main claim, whatever their distance to it, up to
    # MAIN_CLAIM_REACH claims away
    main_rows = np.nonzero(to_main)[0]
    confidence[main_rows] = boosted(scored_array, main_rows, MAIN_CLAIM_WEIGHT)
    answers_previous = structure.answers_previous(layout, children, parents,
                                                  within_mask & ~to_main)
    same_paragraph = np.asarray(layout.same_paragraph, dtype=bool)
    local = (within_mask & ~to_main & ~answers_previous & same_paragraph[children]
             & (parents == children - 1))
    previous_rows = np.nonzero(answers_previous | local)[0]
    confidence[previous_rows] = boosted(scored_array, previous_rows, ANSWER_PREVIOUS_WEIGHT)
    keep = confidence >= options.min_confidence
    # a reply answers the post it replies to through its opening and its main claim; its other
    # claims argue for those (CMV: their reply links were ~7% right, the quote and similarity
    # links of the same claims ~38%; attachment across posts 0.158 -> 0.192, in all 0.183 ->
    # 0.198)
    first_claim = np.asarray(layout.first, dtype=bool)
    if REPLY_FROM_OPENING_ONLY:
        keep &= ~is_reply | first_claim[children] | is_main[children]
    rows = best_per_child(children, parents, confidence,
                           np.nonzero(keep & within_mask & ~is_main[children])[0])
    first = np.ones(len(rows), dtype=bool)
    first[1:] = children[rows][1:] != children[rows][:-1]
    chosen, moved = structure.continuations(layout, children, parents, rows, rows[first])
    continued = np.zeros(len(children), dtype=bool)
    continued[moved] = True
    # a reply keeps one reply edge, the pair that carries its post decision (``reply_edges``);
    # the decisions read the stances as scored, the kept pair then takes its decision's
    carrying = post_stance.carrying_rows(layout, children, parents, origin, confidence, is_main)
    decided_attack = list(attack)
    kept_across = across_kept(
        children, is_reply, best_per_child(children, parents, confidence, reply_edges.candidates(
            np.nonzero(keep & ~within_mask)[0], is_reply, carrying)),
        options.max_links_per_claim)
    turned = reply_edges.take_decisions(layout, threads, children, kept_across, is_reply,
                                        carrying, attack, no_side)
    kept = np.concatenate([chosen, kept_across])
    ids = [claim.id for claim in layout.claims]
    ranked = id_ranks(ids)
    if ranked is not None:
        kept = kept[np.lexsort((ranked[parents[kept]], ranked[children[kept]]))]
    n_kept = len(kept)
    if logits is not None:
        said: Sequence[Evidence | None] = _model_evidences(
            logits[0][kept], logits[1][kept], np.asarray(model_stance, dtype=bool)[kept])
    else:
        said = [None] * n_kept
    sources = order[kept]
    cue_of = within.cue[np.minimum(sources, max(0, n_within - 1))] if n_within else sources
    cue_rows = within.cue_rows
    stances = [Stance.ATTACK if attack[k] else Stance.SUPPORT for k in kept.tolist()]
    reported = confidence[kept]
    if calibration is not None:  # the score chose the edges; the probability is reported
        reported = calibration.apply_many(_ROUTE_CODE[origin[kept]],
                                          np.asarray(attack, dtype=bool)[kept], reported)
    relations = []
    # the structure rules each kept pair met, as evidence after the model's (fixed order):
    # one bit per rule, so a pair's rule evidence is one look-up in ``_RULE_SETS``
    met = np.zeros(n_kept, dtype=np.int64)
    for bit, rule in enumerate((to_main, answers_previous, local, continued,
                                no_side, turned)):
        met |= rule[kept].astype(np.int64) << bit
    for source, cue, child, parent, stance, confidence_k, model_said, rules in zip(
            sources.tolist(), cue_of.tolist(), children[kept].tolist(), parents[kept].tolist(),
            stances, reported.tolist(), said, met.tolist(), strict=True):
        evidence = (cue_rows[cue][0] if source < n_within
                    else tuple(across.evidence(source - n_within)))
        if model_said is not None:
            evidence += (model_said,)
        relations.append(Relation(source=ids[child], target=ids[parent], stance=stance,
                                  confidence=confidence_k, evidence=evidence + _RULE_SETS[rules]))
    if ranked is None:
        relations.sort(key=_relation_key)

    def evidence_of(row: int) -> tuple[Evidence, ...]:
        source = int(order[row])
        return tuple(across.evidence(source - n_within)) if source >= n_within else ()

    posts = post_stance.decide(threads, layout, children, parents, origin, confidence,
                               decided_attack, no_side, is_main, evidence_of, calibration,
                               carrying)
    return relations, posts
