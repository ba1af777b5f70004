"""Support and attack edges between claims: score every candidate, keep the best per claim.

Candidates and their cues come from ``candidates.generate_candidates``. Each candidate's
evidence (connectives, stance cues, negation, the reply, the quote, the similarity) and, when a
model is given, the model's attachment and stance probabilities decide it. The stance logit is
the model's plus 2.5 per cue vote (inside a post only the cues decide unless the model was
trained on within-post stances); confidence is a noisy-OR of the cue weights blended 50/50 with
the model's attachment probability. Within a post each claim keeps its best target and the
post's main claim (most incoming, least outgoing, normative wording, first or last place)
keeps none, the main claim draws the claims up to ``MAIN_CLAIM_REACH`` away from it, and a
claim opened by "but"/"because"/"for example" or continuing a paragraph leans to the claim
just before it; across posts a claim keeps one reply link (only a reply's opening and main
claim) plus quote/similarity links, at most ``max_links_per_claim`` in all. A claim that voices
the other side ("Some say ...") leans to the main claim, and a post that opens by conceding
("Although ...", "X, but Y") has its first-place bonus on its second claim; a claim opened by
"and" takes the target of the claim before it.

Why two scoring paths: ``link`` scores ~8 candidates per claim, so it computes the model's
logits for all of them at once (``pair_scores.BatchScorer``, bit-identical to the per-pair sum)
and the confidences in numpy, redoing in plain Python the rare candidates whose rounded
confidence or stance sign a last-bit difference of numpy's exp/log could change; and it builds
evidence text only for the candidates it keeps. ``judge_pairs`` (evaluation, a few pairs per
document) uses the per-pair path, ``score_candidate``, which defines the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

import argmap.link.post_stance as post_stance
import argmap.link.post_structure as structure
import argmap.link.reply_edges as reply_edges
import argmap.link.reply_stance as reply_stance
from argmap.gcpause import collector_paused
from argmap.link.calibration import ROUTES, Calibration, default_calibration
from argmap.link.candidates import (
    WithinPairs,
    forced_candidate,
    generate_candidates,
    generate_columns,
)
from argmap.link.columns import across_kept, best_per_child, boosted, id_ranks, priors
from argmap.link.contexts import PairContexts
from argmap.link.cross_post import AcrossPairs
from argmap.link.layout import REPLY, Candidate, Layout
from argmap.link.pair_scores import BatchScorer
from argmap.link.relation_model import (
    PairContext,
    RelationModel,
    default_model,
    model_at,
    pair_features,
    takes_no_side,
)
from argmap.model import (
    Claim,
    Evidence,
    EvidenceKind,
    PostRelation,
    Relation,
    Stance,
    Thread,
    Topic,
)
from argmap.model import relation_sort_key as _relation_key
from argmap.options import LinkOptions

MAIN_CLAIM_WEIGHT = 0.3  # evidence weight of "the target is the post's main claim"
# "but"/"however"/"because" at a claim's start: it answers the claim just before it
# (on both microtext sets: contrast openers follow the claim they rebut ~70% of the time)
ANSWER_PREVIOUS_WEIGHT = 0.5
# The opening claim of a post that takes no side on the post it answers (thanks, "oh", a
# question, "yes, but ...", an answer to a question: ``relation_model.takes_no_side``) keeps
# this share of its confidence: below the 0.35 default threshold, so no support/attack edge is
# drawn unless the user lowers ``min_confidence``. Reddit agreement pairs (never trained on): 3-class macro-F1
# 0.39 -> 0.50, and every milder factor (0.5: 0.48) did worse.
NO_SIDE_FACTOR = 0.3
# A reply links to the post it answers only through its opening and its main claim.
REPLY_FROM_OPENING_ONLY = True
_CUE_LOGIT = 2.5  # how far one full-strength cue moves the stance logit
_NO_MODEL_EVIDENCE = " (stance from cues: the model has no within-post stance training)"
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
_NO_SIDE = Evidence(EvidenceKind.STANCE_CUE, "the reply takes no side (thanks, a question, "
                    '"yes, but", an answer to a question)', 0.0)
# in the order ``select_relations`` lists the rules a kept pair met
_RULE_EVIDENCE = (_MAIN_CLAIM, _ANSWERS_PREVIOUS, _SAME_PARAGRAPH, _CONTINUES, _NO_SIDE,
                  reply_edges.DISPUTES)
# the rule evidence of each set of rules met, by its bits (bit j: ``_RULE_EVIDENCE[j]``)
_RULE_SETS = tuple(tuple(e for j, e in enumerate(_RULE_EVIDENCE) if code >> j & 1)
                   for code in range(1 << len(_RULE_EVIDENCE)))


# layout's route origins (REPLY, QUOTE, SIMILARITY, CROSS; -1 for within) -> ``ROUTES`` index
_ROUTE_CODE = np.asarray([ROUTES.index(o) for o in ("reply", "quote", "similarity",
                                                     "cross_thread", "within")], dtype=np.int64)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _prior(evidence: Sequence[Evidence]) -> float:
    return 1.0 - math.prod(1.0 - min(0.95, max(0.0, e.weight)) for e in evidence)


def _stance_from_model(cand: Candidate, model: RelationModel) -> bool:
    return not cand.ctx.same_post or model.meta.get("stance_within_post_examples", 0) > 0


def _finish(prior: float, votes: float, probs: tuple[float, float] | None,
            model_stance: bool) -> tuple[Stance, float, float]:
    """Stance, rounded confidence and unrounded certainty from the prior, the cue votes and
    the model's (attach, support given attached) probabilities: the reference computation."""
    logit_attack = votes * _CUE_LOGIT - 0.4  # no cue: support, the majority
    confidence = prior
    if probs is not None:
        p_support = min(max(probs[1], 1e-6), 1 - 1e-6)
        if model_stance:
            logit_attack = votes * _CUE_LOGIT + math.log((1 - p_support) / p_support)
        confidence = 0.5 * prior + 0.5 * probs[0]
    stance = Stance.ATTACK if logit_attack > 0 else Stance.SUPPORT
    certainty = 1.0 / (1.0 + math.exp(-abs(logit_attack)))
    confidence = round(min(1.0, max(0.0, confidence * (0.75 + 0.25 * certainty))), 4)
    return stance, confidence, certainty


def _model_evidence(probs: tuple[float, float], model_stance: bool) -> Evidence:
    p_attach, p_support = probs
    detail = f"model: attach {p_attach:.2f}"
    if model_stance:
        detail += (f", support {p_attach * p_support:.2f}, "
                   f"attack {p_attach * (1.0 - p_support):.2f}")
    else:  # the model never saw a stance inside a post: the cues decide
        detail += _NO_MODEL_EVIDENCE
    return Evidence(EvidenceKind.MODEL, detail, round(p_attach, 3))


def _probs(logits, k: int) -> tuple[float, float]:
    return _sigmoid(float(logits[0][k])), _sigmoid(float(logits[1][k]))


def score_candidate(layout: Layout, cand: Candidate, model: RelationModel | None,
                    ) -> tuple[Stance, float, list[Evidence], float]:
    """Stance, confidence, full evidence and stance certainty (0.5..1) of one candidate."""
    evidence = list(cand.evidence)
    probs, model_stance = None, False
    if model is not None:
        parent, child = layout.cues[cand.parent], layout.cues[cand.child]
        proba = model.proba_from_parts(model.side_scores(parent, "p"),
                                       model.side_scores(child, "c"),
                                       pair_features(parent, child, cand.ctx))
        probs = (proba["attach"], proba["support_given_attached"])
        model_stance = _stance_from_model(cand, model)
    votes = cand.stance_votes + reply_stance.vote_of(layout, cand.child, cand.ctx, _CUE_LOGIT)
    stance, confidence, certainty = _finish(_prior(evidence), votes, probs, model_stance)
    if probs is not None:
        evidence.append(_model_evidence(probs, model_stance))
    if (not cand.ctx.same_post and layout.first[cand.child]
            and takes_no_side(layout.cues[cand.parent], layout.cues[cand.child])):
        confidence = round(confidence * NO_SIDE_FACTOR, 4)
        evidence.append(_NO_SIDE)
    return stance, confidence, evidence, round(certainty, 4)


def _batch_scores(layout: Layout, cands: list[Candidate], model: RelationModel | None):
    """(stance attack?, confidence, logits or None, model stance?, takes no side?) for a list
    of candidates, equal to ``score_candidate`` candidate by candidate."""
    n = len(cands)
    return _column_scores(
        layout, np.fromiter((c.child for c in cands), np.int64, n),
        np.fromiter((c.parent for c in cands), np.int64, n),
        np.fromiter((c.stance_votes for c in cands), np.float64, n),
        priors([c.evidence for c in cands]), [c.ctx for c in cands], np.arange(n), model)


_SCORERS: dict[int, tuple[RelationModel, BatchScorer]] = {}


def _scorer(model: RelationModel) -> BatchScorer:
    """The model's look-up tables, built once per model object: building them walks every
    weight name (~0.35 s), which was most of the time of a small thread's map."""
    held = _SCORERS.get(id(model))
    if held is None or held[0] is not model:
        if len(_SCORERS) >= 4:  # a few models at most (training and evaluation swap them)
            _SCORERS.clear()
        held = _SCORERS[id(model)] = (model, BatchScorer(model))
    return held[1]


def _column_scores(layout: Layout, children: np.ndarray, parents: np.ndarray,
                   votes: np.ndarray, prior: np.ndarray, given: Sequence[PairContext],
                   context_row: np.ndarray, model: RelationModel | None):
    """``_batch_scores`` over columns; pair k's context is ``contexts[context_row[k]]``."""
    n = len(children)
    contexts = PairContexts.of(given)
    votes = votes + reply_stance.votes_of(layout, children, contexts, context_row, _CUE_LOGIT)
    logit_attack = votes * _CUE_LOGIT - 0.4
    confidence = prior
    logits, model_stance = None, np.zeros(n, dtype=bool)
    if model is not None:
        logits = _scorer(model).logits_by_row(layout.cues, children, parents, contexts,
                                                  context_row)
        within_trained = model.meta.get("stance_within_post_examples", 0) > 0
        model_stance = (np.ones(len(contexts), dtype=bool) if within_trained
                        else ~contexts.same_post)[context_row]
        with np.errstate(over="ignore"):
            p_attach = 1.0 / (1.0 + np.exp(-logits[0]))
            p_support = np.clip(1.0 / (1.0 + np.exp(-logits[1])), 1e-6, 1 - 1e-6)
        logit_attack = np.where(model_stance, votes * _CUE_LOGIT + np.log(
            (1 - p_support) / p_support), logit_attack)
        confidence = 0.5 * prior + 0.5 * p_attach
    certainty = 1.0 / (1.0 + np.exp(-np.abs(logit_attack)))
    confidence = np.clip(confidence * (0.75 + 0.25 * certainty), 0.0, 1.0)
    scaled = confidence * 1e4
    fragile = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (np.abs(logit_attack) < 1e-9)
    attack = (logit_attack > 0).tolist()
    # away from a rounding boundary numpy's rint(x * 1e4) / 1e4 is Python's round(x, 4)
    rounded = (np.rint(scaled) / 1e4).tolist()
    for k in np.nonzero(fragile)[0].tolist():  # numpy's exp/log may differ in the last bit
        probs = None if logits is None else _probs(logits, k)
        stance, rounded[k], _ = _finish(float(prior[k]), float(votes[k]), probs,
                                        bool(model_stance[k]))
        attack[k] = stance is Stance.ATTACK
    across = ~contexts.same_post[context_row]
    no_side = _no_side_rows(layout, children, parents, across)
    for k in np.nonzero(no_side)[0].tolist():
        rounded[k] = round(rounded[k] * NO_SIDE_FACTOR, 4)
    return attack, rounded, logits, model_stance.tolist(), no_side


def _no_side_rows(layout: Layout, children: np.ndarray, parents: np.ndarray,
                  rows: np.ndarray) -> np.ndarray:
    """Per candidate, ``rows``, the child opens its post, and ``takes_no_side(parent, child)``,
    from per-claim columns. Only a post's opening claim: "Thanks" or "Oh?" opens a reply that
    takes no side, while a question inside a long argument is mostly rhetorical (CMV
    attachment: 0.179 with every claim, 0.183 with openings only, 0.186 without the rule)."""
    cues = layout.cues
    no_side = np.fromiter((c.no_side for c in cues), bool, len(cues))
    asks = np.fromiter((c.question for c in cues), bool, len(cues))
    cued = np.fromiter((bool(c.agree or c.disagree) for c in cues), bool, len(cues))
    first = np.asarray(layout.first, dtype=bool)
    return rows & first[children] & (no_side[children] | (asks[parents] & ~cued[children]))


def _model_evidences(attach: np.ndarray, support: np.ndarray,
                     model_stance: np.ndarray) -> list[Evidence]:
    """``_model_evidence`` of each pair from its (attach, support) logits, built once per
    distinct evidence. Why: at 10k posts ~121k kept pairs carry only ~26k distinct model
    evidences (two-decimal probabilities in the detail, a three-decimal weight), and formatting
    them was the largest cost of building relations. Pairs are grouped by the rounded numbers
    the evidence shows, computed in numpy; a pair with a number within 1e-6 of a rounding
    boundary (where numpy's exp may differ from math.exp in the last bit) is a group of its
    own, so each group's first pair, computed by ``_model_evidence`` as before, speaks for all
    of the group."""
    n = len(attach)
    with np.errstate(over="ignore"):
        p_attach = 1.0 / (1.0 + np.exp(-attach.astype(np.float64)))
        p_support = 1.0 / (1.0 + np.exp(-support.astype(np.float64)))
    shown = np.stack([p_attach * 100, p_attach * 1000, p_attach * p_support * 100,
                      p_attach * (1.0 - p_support) * 100])
    fragile = ~(np.abs(shown - np.floor(shown) - 0.5) >= 1e-6).all(axis=0)  # NaN: fragile
    digits = np.where(fragile, 0, np.rint(np.nan_to_num(shown))).astype(np.int64)
    key = (((digits[1] * 101 + digits[0]) * 101 + digits[2]) * 101 + digits[3]) * 2 \
        + model_stance.astype(np.int64)
    key = np.where(fragile, -1 - np.arange(n, dtype=np.int64), key)
    _values, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    made = [_model_evidence((_sigmoid(a), _sigmoid(s)), m) for a, s, m in zip(
        attach[first].tolist(), support[first].tolist(), model_stance[first].tolist(),
        strict=True)]
    return [made[i] for i in inverse.reshape(-1).tolist()]


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


def _model_for(options: LinkOptions, model: RelationModel | None) -> RelationModel | None:
    if not options.use_model:
        return None
    if model is not None:
        return model
    return model_at(options.model) if options.model else default_model()


def _calibration_for(options: LinkOptions) -> Calibration | None:
    """The shipped calibration maps the shipped model's scores to probabilities; another
    model's scores are reported as they are."""
    return default_calibration() if options.calibrate and not options.model else None


class Judgement(NamedTuple):
    """What the linker makes of one claim pair: its stance, its score (what selection and the
    ``min_confidence`` threshold read), the stance certainty and the calibrated confidence
    (the probability the edge is right: ``calibration``)."""

    stance: Stance
    score: float
    certainty: float
    confidence: float
    route: str


def judge_pairs(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    pairs: Sequence[tuple[str, str]], options: LinkOptions, model: RelationModel | None = None,
) -> dict[tuple[str, str], Judgement]:
    """The ``Judgement`` the linker gives each (source, target) claim pair, whether or not it
    would have proposed it: how evaluation scores stance on gold pairs."""
    model = _model_for(options, model)
    calibration = _calibration_for(options)
    layout, cands = generate_candidates(threads, claims, topics, options)
    index = {c.id: i for i, c in enumerate(layout.claims)}
    posts = {post.id: post for thread in threads for post in thread.posts}
    out = {}
    for source, target in pairs:
        child, parent = index[source], index[target]
        cand = cands.get((child, parent)) or forced_candidate(layout, posts, child, parent)
        stance, score, _evidence, certainty = score_candidate(layout, cand, model)
        route = "within" if cand.ctx.same_post else cand.origin
        confidence = score if calibration is None else calibration.apply(route, stance.value,
                                                                         score)
        out[(source, target)] = Judgement(stance, score, certainty, confidence, route)
    return out


def link(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions, model: RelationModel | None = None,
) -> tuple[Relation, ...]:
    """Support/attack relations between claims, sorted by ``relation_sort_key``."""
    return link_map(threads, claims, topics, options, model)[0]


def link_map(
    threads: Sequence[Thread], claims: Sequence[Claim], topics: Sequence[Topic],
    options: LinkOptions, model: RelationModel | None = None, by_thread: bool = False,
) -> tuple[tuple[Relation, ...], tuple[PostRelation, ...]]:
    """The relations between claims and, per reply post, its stance on the post it answers
    (``post_stance``), from one scoring of the candidates. ``by_thread``: each thread's
    vectors and cosines as when it is linked alone (``link.batch``)."""
    model = _model_for(options, model)
    with collector_paused():
        layout, within, across = generate_columns(threads, claims, topics, options, by_thread)
        relations, posts = select_relations(layout, within, across, options, model,
                                            _calibration_for(options),
                                            sorted(threads, key=lambda t: t.id))
        # Freed before the collector is back on: the first allocation after that collects the
        # young generation (its count is far past the threshold), which would otherwise walk
        # the candidates' objects too, not only the relations that outlive the call (at 10k
        # posts 584k objects, 0.13 s, against 329k, 0.07 s, plus 0.03 s to free them here).
        del layout, within, across
    return tuple(relations), posts


__all__ = ["Judgement", "forced_candidate", "generate_candidates", "judge_pairs", "link",
           "link_map", "score_candidate"]
