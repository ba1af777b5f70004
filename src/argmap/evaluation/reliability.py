"""Is a confidence a probability? Expected calibration error and the reliability curve.

Edges are put in ``BINS`` equal-width bins of confidence ([0, 0.1), ..., [0.9, 1.0]); per bin
the mean confidence, the share of edges that are right and the count; the expected calibration
error (ECE) is the count-weighted mean gap between the two (Naeini et al. 2015; Guo et al.
2017). An edge is "right" when it is a gold relation with its stance (relations) or when its
stance is the gold one (pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BINS = 10


def reliability(confidences: Sequence[float], right: Sequence[bool],
                bins: int = BINS) -> dict[str, Any]:
    """``{"ece", "edges", "share_right", "curve": [{"from", "to", "mean_confidence",
    "accuracy", "count"}, ...]}``; ``ece`` is None when there are no edges."""
    sums = [[0.0, 0, 0] for _ in range(bins)]  # confidence sum, right, count
    for confidence, ok in zip(confidences, right, strict=True):
        k = min(bins - 1, max(0, int(confidence * bins)))
        sums[k][0] += confidence
        sums[k][1] += bool(ok)
        sums[k][2] += 1
    total = sum(s[2] for s in sums)
    curve, gap = [], 0.0
    for k, (conf_sum, n_right, count) in enumerate(sums):
        if not count:
            continue
        mean, accuracy = conf_sum / count, n_right / count
        gap += count * abs(mean - accuracy)
        curve.append({"from": round(k / bins, 2), "to": round((k + 1) / bins, 2),
                      "mean_confidence": round(mean, 4), "accuracy": round(accuracy, 4),
                      "count": count})
    return {"ece": round(gap / total, 4) if total else None, "edges": total,
            "share_right": round(sum(s[1] for s in sums) / total, 4) if total else None,
            "curve": curve}


def figures(confidences: Sequence[float], right: Sequence[bool], prefix: str = "",
            ) -> dict[str, Any]:
    """The plainly named figures ``argmap eval`` reports: ``calibration_ece``,
    ``calibration_edges`` and ``reliability_curve``."""
    result = reliability(confidences, right)
    return {f"{prefix}calibration_ece": result["ece"],
            f"{prefix}calibration_edges": result["edges"],
            f"{prefix}reliability_curve": result["curve"]}
