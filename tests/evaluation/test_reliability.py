"""Expected calibration error and the reliability curve, computed by hand."""

from __future__ import annotations

import pytest

from argmap.evaluation.reliability import figures, reliability


def test_reliability_hand_computed():
    # bin 0.6-0.7: two edges at 0.6 and 0.7 (0.7 falls in the next bin), one right
    confidences = [0.65, 0.65, 0.65, 0.65, 0.95, 0.95]
    right = [True, True, False, False, True, True]
    result = reliability(confidences, right)
    assert [(b["from"], b["count"]) for b in result["curve"]] == [(0.6, 4), (0.9, 2)]
    assert result["curve"][0]["accuracy"] == 0.5
    assert result["curve"][1]["mean_confidence"] == 0.95
    # (4 * |0.65 - 0.5| + 2 * |0.95 - 1.0|) / 6
    assert result["ece"] == pytest.approx((4 * 0.15 + 2 * 0.05) / 6, abs=1e-4)
    assert result["edges"] == 6 and result["share_right"] == pytest.approx(4 / 6, abs=1e-4)


def test_reliability_perfect_and_empty():
    assert reliability([1.0, 1.0, 0.0], [True, True, False])["ece"] == 0.0
    empty = figures([], [])
    assert empty["calibration_ece"] is None and empty["calibration_edges"] == 0
    assert empty["reliability_curve"] == []
