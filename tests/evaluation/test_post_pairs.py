"""The post-to-post decision scored on agreement pairs mapped as two-post threads."""

from __future__ import annotations

from argmap.evaluation.data import GoldPair
from argmap.evaluation.post_pairs import has_post_labels, post_figures
from argmap.options import LinkOptions

PARENT = "Masks should be required on every bus and train in the city this winter."


def _pairs() -> list[GoldPair]:
    rows = [
        ("I agree, the trains are packed and people cough all the time.", "agree"),
        ("Exactly. Crowded buses spread the virus faster than anything else.", "agree"),
        ("I disagree. Masks on buses do very little against airborne spread.", "disagree"),
        ("No, that is wrong. People should decide for themselves what they wear.", "disagree"),
        ("Thanks for sharing this!", "neutral"),
        ("Do you know when the new rules start?", "neutral"),
    ]
    return [GoldPair("subreddit_agreement", f"p{n}", PARENT, child, label, f"g{n}")
            for n, (child, label) in enumerate(rows)]


def test_post_pairs_decisions_on_clear_replies():
    pairs = _pairs()
    assert has_post_labels(pairs)
    figures = post_figures(pairs, LinkOptions())
    assert figures["post_pairs"] == 6
    # explicit cues everywhere: every reply is decided right
    assert figures["post_stance_accuracy"] == 1.0
    assert figures["post_precision"] == 1.0 and figures["post_recall"] == 1.0
    assert 0.0 <= figures["post_calibration_ece"] <= 1.0


def test_post_pairs_only_for_agreement_labels():
    claim_pairs = [GoldPair("ibm", "x", "Ban smoking", "Smoking kills", "support", "g")]
    assert not has_post_labels(claim_pairs)
