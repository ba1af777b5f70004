"""Scoring a candidate pair: its stance, its confidence and the evidence the model adds.

Why a module of its own: the score is one computation with two implementations that must agree
to the last digit. ``score_candidate`` scores one candidate in plain Python and defines the
result (``judge_pairs``, evaluation); ``_column_scores`` scores a whole map's candidates as
numpy columns (``selection.select_relations``) and redoes in plain Python the rare rows whose
rounded confidence or stance sign a last-bit difference of numpy's exp/log could change. The
stance logit is the model's plus 2.5 per cue vote (inside a post only the cues decide unless
the model was trained on within-post stances); confidence is a noisy-OR of the cue weights
blended 50/50 with the model's attachment probability. Split from ``linker`` in session 14.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

import argmap.link.reply_stance as reply_stance
from argmap.link.columns import priors
from argmap.link.contexts import PairContexts
from argmap.link.layout import Candidate, Layout
from argmap.link.pair_scores import BatchScorer
from argmap.link.relation_model import PairContext, RelationModel, pair_features, takes_no_side
from argmap.model import Evidence, EvidenceKind, Stance

# The opening claim of a post that takes no side on the post it answers (thanks, "oh", a
# question, "yes, but ...", an answer to a question: ``relation_model.takes_no_side``) keeps
# this share of its confidence: below the 0.35 default threshold, so no support/attack edge is
# drawn unless the user lowers ``min_confidence``. Reddit agreement pairs (never trained on): 3-class macro-F1
# 0.39 -> 0.50, and every milder factor (0.5: 0.48) did worse.
NO_SIDE_FACTOR = 0.3
_CUE_LOGIT = 2.5  # how far one full-strength cue moves the stance logit
_NO_MODEL_EVIDENCE = " (stance from cues: the model has no within-post stance training)"
_NO_SIDE = Evidence(EvidenceKind.STANCE_CUE, "the reply takes no side (thanks, a question, "
                    '"yes, but", an answer to a question)', 0.0)


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
