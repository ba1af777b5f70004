"""The post-to-post stance decision on agreement pairs (subreddit_agreement: a reply and the
comment it quotes, labelled agree / disagree / neutral).

Each pair becomes a two-post thread, the reply answering the comment, and goes through the
whole pipeline (segmented into claims, linked) as ``argmap map`` would map it; the reply's
``PostRelation`` (agree / disagree / none) is the decision, "none" standing for neutral.
Figures: ``post_stance_macro_f1`` and ``post_stance_accuracy`` over the three labels,
``post_precision`` (share of agree/disagree decisions that are right) and ``post_recall``
(share of agreeing/disagreeing pairs decided right), and the calibration of the decision's
confidence (``post_calibration_ece``, right = the decision is the gold label).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from argmap.evaluation.data import GoldPair
from argmap.evaluation.metrics import accuracy, macro_f1
from argmap.evaluation.reliability import figures as reliability_figures
from argmap.model import Post, SourceRef, Thread
from argmap.options import LinkOptions, Options

POST_LABELS = {"agree": "agree", "support": "agree", "disagree": "disagree",
               "attack": "disagree", "neutral": "none"}


def has_post_labels(pairs: list[GoldPair]) -> bool:
    """Agreement pairs (replies and what they answer), not claim-on-motion pairs."""
    return any(p.label in ("agree", "disagree") for p in pairs)


def post_figures(pairs: list[GoldPair], link_options: LinkOptions) -> dict[str, Any]:
    from argmap.pipeline import build_map

    usable = [p for p in pairs if p.label in POST_LABELS]
    threads = []
    for n, pair in enumerate(usable):
        tid = f"pair{n:06d}"
        parent = Post(id=f"{tid}:p", thread_id=tid, text=pair.parent, source=SourceRef(pair.corpus))
        child = Post(id=f"{tid}:c", thread_id=tid, text=pair.child, reply_to=parent.id,
                     source=SourceRef(pair.corpus))
        threads.append(Thread(id=tid, title=None, posts=(parent, child)))
    options = replace(Options(), link=link_options)
    amap = build_map(threads, options)
    decided = {r.source: r for r in amap.post_relations}
    gold, predicted, confidences = [], [], []
    for thread, pair in zip(threads, usable, strict=True):
        decision = decided.get(thread.posts[1].id)
        gold.append(POST_LABELS[pair.label])
        predicted.append(decision.stance.value if decision else "none")
        confidences.append(decision.confidence if decision else 0.0)
    labels = ("agree", "disagree", "none")
    sided = [(g, p) for g, p in zip(gold, predicted, strict=True) if p != "none"]
    wanted = [(g, p) for g, p in zip(gold, predicted, strict=True) if g != "none"]
    calibration = reliability_figures(confidences, [g == p for g, p in zip(gold, predicted,
                                                                            strict=True)],
                                      "post_")
    return {
        "post_pairs": len(gold),
        "post_stance_macro_f1": macro_f1(gold, predicted, labels),
        "post_stance_accuracy": accuracy(gold, predicted),
        "post_precision": sum(g == p for g, p in sided) / len(sided) if sided else None,
        "post_recall": sum(g == p for g, p in wanted) / len(wanted) if wanted else None,
        "post_decisions_sided": len(sided),
        **calibration,
    }
