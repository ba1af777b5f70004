"""Stance figures on format B pair corpora (support/attack, agree/disagree/neutral).

Each pair becomes a two-post thread (the child replies to the parent, one claim each) and the
real ``judge_pairs`` decides: its stance, and "neutral" where the corpus has that label and the
linker would draw no edge (confidence below ``min_confidence``, as for a reply that takes no
side: ``relation_model.takes_no_side``). Baselines from the same run: the majority label and
the cue-only linker (no model). ``calibration_ece`` and ``reliability_curve`` say whether each
pair's edge confidence is the probability that its stance is right. Agreement pairs (a reply
and the comment it answers) are also mapped as two-post threads and scored by the post-to-post
decision (``post_pairs``: ``post_stance_macro_f1`` ...).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from argmap.evaluation.data import GoldPair, gold_pair
from argmap.evaluation.metrics import accuracy, macro_f1, majority_label
from argmap.evaluation.post_pairs import has_post_labels, post_figures
from argmap.evaluation.reliability import figures as reliability_figures
from argmap.link.linker import judge_pairs
from argmap.link.relation_model import RelationModel
from argmap.model import Claim, Post, SourceRef, Thread
from argmap.options import LinkOptions

# A pair is "neutral" exactly when the linker would draw no edge. A band of unsure stance
# (certainty below some level) was tried and dropped: on the Reddit agreement pairs the stance
# certainty does not tell neutral replies from the others (AUC 0.53), and every band lowered
# macro-F1 (mean of 5 folds grouped by quoted comment: 0.505 with none, 0.497 at 0.525, 0.469
# at 0.6). "Neutral" rests on what the reply does instead (``relation_model.takes_no_side``).
# Corpus vocabulary -> the linker's: support, attack, none.
_TO_LINK = {"support": "support", "agree": "support", "attack": "attack",
            "disagree": "attack", "neutral": "none"}


def pair_records(pairs: list[GoldPair]) -> tuple[list[Thread], list[Claim], list[tuple[str, str]]]:
    """Two-post threads for the pairs, and the (child claim, parent claim) ids to judge."""
    threads, claims, wanted = [], [], []
    for n, pair in enumerate(pairs):
        tid = f"pair{n:06d}"
        parent = Post(id=f"{tid}:p", thread_id=tid, text=pair.parent, source=SourceRef(pair.corpus))
        child = Post(id=f"{tid}:c", thread_id=tid, text=pair.child, reply_to=parent.id,
                     source=SourceRef(pair.corpus))
        threads.append(Thread(id=tid, title=None, posts=(parent, child)))
        claims.append(Claim(f"{parent.id}/c0", parent.id, 0, len(pair.parent), pair.parent))
        claims.append(Claim(f"{child.id}/c0", child.id, 0, len(pair.child), pair.child))
        wanted.append((f"{child.id}/c0", f"{parent.id}/c0"))
    return threads, claims, wanted


def predict_labels(pairs: list[GoldPair], options: LinkOptions, model: RelationModel | None,
                   labels: tuple[str, ...], edges: list | None = None) -> list[str]:
    """The linker's decision for each pair, in the corpus's own label vocabulary; ``edges``
    (when given) receives each pair's (stance, confidence) edge."""
    threads, claims, wanted = pair_records(pairs)
    judged = judge_pairs(threads, claims, [], wanted, options, model)
    if edges is not None:
        edges.extend((judged[key].stance.value, judged[key].confidence) for key in wanted)
    back: dict[str, str] = {}
    for label in labels:
        back.setdefault(_TO_LINK[label], label)
    neutral = "none" in back
    out = []
    for key in wanted:
        stance, score = judged[key].stance, judged[key].score
        linked = "none" if neutral and score < options.min_confidence else stance.value
        out.append(back.get(linked, linked))
    return out


def _decisions(pairs: list[GoldPair], options: LinkOptions, model: RelationModel | None,
               ) -> tuple[list[str], list[str], list[str], tuple[str, ...], dict[str, Any]]:
    """(gold, predicted, cue-only predicted, labels, calibration figures) in the corpus's own
    label vocabulary. A pair's edge is right when its stance is the gold one (a neutral pair's
    edge is wrong)."""
    usable = [p for p in pairs if p.label in _TO_LINK]
    labels = tuple(sorted({p.label for p in usable}))
    gold = [p.label for p in usable]
    edges: list[tuple[str, float]] = []
    predicted = predict_labels(usable, options, model, labels, edges)
    cue_only = predict_labels(usable, replace(options, use_model=False), None, labels)
    calibration = reliability_figures([c for _s, c in edges],
                                      [_TO_LINK[g] == s for g, (s, _c) in zip(gold, edges,
                                                                             strict=True)])
    return gold, predicted, cue_only, labels, calibration


def _scores(gold: list[str], predicted: list[str], cue_only: list[str],
            labels: tuple[str, ...]) -> dict[str, Any]:
    majority = [majority_label(gold)] * len(gold) if gold else []
    return {
        "pairs": len(gold), "labels": list(labels),
        "accuracy": accuracy(gold, predicted),
        "stance_macro_f1": macro_f1(gold, predicted, labels),
        "baseline_majority_accuracy": accuracy(gold, majority),
        "baseline_majority_stance_macro_f1": macro_f1(gold, majority, labels),
        "baseline_connective_accuracy": accuracy(gold, cue_only),
        "baseline_connective_stance_macro_f1": macro_f1(gold, cue_only, labels),
    }


def evaluate_stance(
    records_by_corpus: dict[str, list[dict[str, Any]]], options: LinkOptions | None = None,
    model: RelationModel | None = None,
) -> dict[str, Any]:
    """Per-corpus and pooled stance figures (``model`` None: the shipped model). Pooled
    figures are over the linker's own labels (support / attack / none), each pair decided as
    its corpus is (neutral only where its corpus has it): corpora name the same decision
    differently ("agree" is "support")."""
    options = options or LinkOptions()
    corpora: dict[str, Any] = {}
    pooled_lists: tuple[list[str], list[str], list[str]] = ([], [], [])
    for corpus in sorted(records_by_corpus):
        pairs = [gold_pair(r, corpus) for r in records_by_corpus[corpus]]
        gold, predicted, cue_only, labels, calibration = _decisions(pairs, options, model)
        corpora[corpus] = {**_scores(gold, predicted, cue_only, labels), **calibration}
        if has_post_labels(pairs) and model is None:  # the post decision uses the shipped model
            corpora[corpus].update(post_figures(pairs, options))
        for into, values in zip(pooled_lists, (gold, predicted, cue_only), strict=True):
            into.extend(_TO_LINK[v] for v in values)
    if len(corpora) > 1:
        pooled = _scores(*pooled_lists, tuple(sorted(set(pooled_lists[0]))))
    else:
        pooled = next(iter(corpora.values()), {})
    return {"task": "stance", "corpora": corpora, "pooled": pooled}
