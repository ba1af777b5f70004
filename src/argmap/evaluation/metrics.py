"""Plain classification metrics, written out so every figure can be checked by hand.

No sklearn here on purpose: the definitions (what counts as a true positive, what an empty class
scores) are part of what a reported figure means, so they are spelled out and unit-tested.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence


def precision_recall_f1(
    predicted: Iterable[Hashable], gold: Iterable[Hashable]
) -> dict[str, float]:
    """Set-based precision, recall and F1 (an empty prediction has precision 0)."""
    pred, ref = set(predicted), set(gold)
    hits = len(pred & ref)
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(ref) if ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "predicted": len(pred), "gold": len(ref), "correct": hits}


def class_f1(gold: Sequence[str], predicted: Sequence[str], label: str) -> float:
    """F1 of one class, treating it as the positive class."""
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean of the per-class F1 over ``labels`` (absent classes score 0 when
    predicted, and are skipped when neither gold nor prediction has them)."""
    present = [lab for lab in labels if lab in gold or lab in predicted]
    if not present:
        return 0.0
    return sum(class_f1(gold, predicted, lab) for lab in present) / len(present)


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    if not gold:
        return 0.0
    return sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold)


def majority_label(gold: Sequence[str]) -> str:
    """The most frequent label (ties broken alphabetically, so the baseline is deterministic)."""
    counts: dict[str, int] = {}
    for label in gold:
        counts[label] = counts.get(label, 0) + 1
    return min(counts, key=lambda lab: (-counts[lab], lab))
