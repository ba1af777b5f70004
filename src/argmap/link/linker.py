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

The two halves live apart since session 14: ``scoring`` (a pair's stance, confidence and model
evidence, both paths) and ``selection`` (which scored pairs a map keeps); this module is the
entry points (``link``, ``link_map``, ``judge_pairs``) and which model and calibration apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from argmap.gcpause import collector_paused
from argmap.link.calibration import Calibration, default_calibration
from argmap.link.candidates import forced_candidate, generate_candidates, generate_columns
from argmap.link.relation_model import RelationModel, default_model, model_at
from argmap.link.scoring import (  # noqa: F401  (the figures of the rules: public here)
    NO_SIDE_FACTOR,
    _batch_scores,
    score_candidate,
)
from argmap.link.selection import (  # noqa: F401
    ANSWER_PREVIOUS_WEIGHT,
    MAIN_CLAIM_WEIGHT,
    REPLY_FROM_OPENING_ONLY,
    select_relations,
)
from argmap.model import Claim, PostRelation, Relation, Stance, Thread, Topic
from argmap.options import LinkOptions


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
