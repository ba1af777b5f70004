"""Segmentation metrics, checked on tiny cases computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argmap.evaluation.segmentation import (
    evaluate_segmentation,
    gold_spans,
    load_records,
    match_counts,
    normalise_span,
)
from argmap.options import SegmentOptions


def _unit(text: str, piece: str) -> dict:
    start = text.index(piece)
    return {"id": piece[:5], "start": start, "end": start + len(piece), "text": piece}


def test_evaluation_segmentation_normalise_trims_space_and_punctuation() -> None:
    text = '  "Cars pollute." '
    assert normalise_span(text, 0, len(text)) == (3, 15)
    assert normalise_span(text, 0, 2) is None


def test_evaluation_segmentation_exact_and_overlap_by_hand() -> None:
    text = "aaaaaaaaa bbbbbbbbb ccccccccc"
    gold = [(0, 9), (10, 19), (20, 29)]
    # exact on the first; 5/9 of the second (>= 50 % of both); 4/9 of the third (< 50 %)
    predicted = [(0, 9), (10, 15), (20, 24)]
    assert match_counts(text, predicted, gold) == {
        "predicted": 3,
        "gold": 3,
        "exact": 1,
        "overlap50": 2,
    }


def test_evaluation_segmentation_overlap_is_one_to_one() -> None:
    text = "aaaaaaaaaabbbbbbbbbb"
    # one prediction covers two gold units, each exactly half of it: only one may match
    counts = match_counts(text, [(0, 20)], [(0, 10), (10, 20)])
    assert counts["overlap50"] == 1
    assert counts["exact"] == 0


def test_evaluation_segmentation_discontinuous_units_give_each_segment() -> None:
    record = {
        "units": [
            {
                "id": "a1",
                "start": 0,
                "end": 4,
                "segments": [{"start": 0, "end": 4}, {"start": 9, "end": 12}],
            },
            {"id": "a2", "start": 5, "end": 8},
        ]
    }
    assert gold_spans(record) == [(0, 4), (9, 12), (5, 8)]


def test_evaluation_segmentation_figures_on_a_tiny_corpus(tmp_path: Path) -> None:
    text = (
        "Our city should ban all private cars because all cars pollute the air badly. "
        "Buses carry many more people per lane than cars do."
    )
    units = [
        _unit(text, "Our city should ban all private cars"),
        _unit(text, "because all cars pollute the air badly."),
        _unit(text, "Buses carry many more people per lane than cars do."),
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps({"id": "d1", "text": text, "units": units}) + "\n", encoding="utf-8")
    figures = evaluate_segmentation(load_records(path), SegmentOptions())
    # argmap cuts before "because": all three units exact
    assert figures["segmentation_f1_exact"] == pytest.approx(1.0)
    assert figures["segmentation_f1_overlap50"] == pytest.approx(1.0)
    assert figures["gold_text_kept"] == pytest.approx(1.0)
    assert figures["gold_text_dropped"] == pytest.approx(0.0)
    assert figures["units_gold"] == 3 and figures["units_predicted"] == 3
    # the sentence baseline predicts 2 units; only the second sentence matches (exact)
    assert figures["baseline_sentence_units_predicted"] == 2
    assert figures["baseline_sentence_segmentation_precision_exact"] == pytest.approx(1 / 2)
    assert figures["baseline_sentence_segmentation_recall_exact"] == pytest.approx(1 / 3)
    # normalised, the first sentence is 75 chars: it shares 36 with the first unit (72 < 75)
    # and 38 with the "because" unit (76 >= 75), so it overlap-matches the second unit
    assert figures["baseline_sentence_segmentation_recall_overlap50"] == pytest.approx(2 / 3)


def test_evaluation_segmentation_counts_dropped_gold_text() -> None:
    text = "Is this a question about cars? Cars should be banned from the centre."
    record = {"id": "d", "text": text, "units": [_unit(text, "Is this a question about cars?")]}
    figures = evaluate_segmentation([record], SegmentOptions())
    assert figures["gold_text_kept"] == pytest.approx(0.0)
    assert figures["gold_text_dropped"] == pytest.approx(1.0)
    kept = evaluate_segmentation([record], SegmentOptions(keep_questions=True))
    assert kept["gold_text_kept"] == pytest.approx(1.0)
    assert kept["segmentation_precision_exact"] == pytest.approx(1 / 2)


def test_evaluation_segmentation_segments_posts_and_title_separately() -> None:
    title = "CMV: Cities should ban cars from the centre."
    body = "> quoted text from someone else here\n\nBuses move far more people than cars do."
    text = title + "\n\n" + body
    start = len(title) + 2
    record = {
        "id": "t",
        "text": text,
        "posts": [{"id": "p1", "start": start, "end": len(text)}],
        "units": [_unit(text, title), _unit(text, "Buses move far more people than cars do.")],
    }
    figures = evaluate_segmentation([record], SegmentOptions())
    assert figures["segmentation_f1_exact"] == pytest.approx(1.0)
