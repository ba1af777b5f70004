"""The map scorer: threads mapped through the real reader and pipeline, drawn edges matched to
gold relations by span overlap, post-level stance against the gold post pairs."""

from __future__ import annotations

import json

import pytest

from argmap.evaluation.maps import _overlaps, _post_gold, edge_outcomes, evaluate_maps, map_records
from tests.support import run_cli

OP = "Cars should be banned from the city centre because they pollute the air of our streets."
REPLY = "I disagree completely. Shop owners depend on customers who arrive by car every day."


def _record() -> dict:
    text = OP + "\n\n" + REPLY
    r0 = len(OP) + 2

    def unit(uid, piece, post):
        start = text.index(piece)
        return {"id": uid, "start": start, "end": start + len(piece), "text": piece,
                "post_id": post}
    units = [unit("u1", "Cars should be banned from the city centre", "p1"),
             unit("u2", "because they pollute the air of our streets.", "p1"),
             unit("u3", "Shop owners depend on customers who arrive by car every day.", "p2")]
    return {"id": "doc", "text": text, "units": units,
            "posts": [{"id": "p1", "author": "a", "start": 0, "end": len(OP), "reply_to": None},
                      {"id": "p2", "author": "b", "start": r0, "end": len(text),
                       "reply_to": "p1"}],
            "relations": [{"id": "r1", "src": "u2", "dst": "u1", "stance": "support"},
                          {"id": "r2", "src": "u3", "dst": "u1", "stance": "attack"}]}


def test_maps_overlap_rule():
    assert _overlaps((0, 10), (5, 10))  # half of the shorter
    assert not _overlaps((0, 10), (8, 20))
    assert _overlaps((0, 100), (10, 20))  # a claim holding the whole unit


def test_maps_post_gold_takes_the_majority_stance():
    record = _record()
    record["relations"].append({"id": "r3", "src": "u3", "dst": "u2", "stance": "attack"})
    record["relations"].append({"id": "r4", "src": "u3", "dst": "u2", "stance": "support"})
    gold = _post_gold(record, "")
    assert gold == {("doc:p2", "doc:p1"): {"attack"}}


def test_maps_figures_count_what_the_map_draws():
    record = _record()
    maps = map_records([record])
    amap = maps["doc"]
    outcomes = edge_outcomes(record, amap)
    figures = evaluate_maps([record], min_drawn=0.0, sweep=())
    right = sum(bool(o[2]) for o in outcomes)
    assert figures["drawn_edges"] == len(amap.relations) == len(outcomes)
    assert figures["drawn_precision"] == pytest.approx(right / len(outcomes))
    # "because ..." backs the claim before it inside the post: the within-post relation is found
    assert figures["within_post_recall"] == 1.0
    assert figures["gold_within_post"] == 1 and figures["gold_across_posts"] == 1
    # the reply opens with "I disagree": the post-level decision is right
    assert figures["post_pairs_predicted"] == 1 and figures["post_precision"] == 1.0
    assert 0.0 <= figures["calibration_ece"] <= 1.0
    high = evaluate_maps([record], min_drawn=1.01, sweep=())
    assert high["drawn_edges"] == 0 and high["drawn_precision"] is None


def test_maps_cli_task(tmp_path):
    path = tmp_path / "threads.jsonl"
    path.write_text(json.dumps(_record()) + "\n")
    result = run_cli("eval", str(path), "--task", "maps", "--json")
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout)
    assert figures["task"] == "maps"
    assert figures["pooled"]["sweep"]["0.00"]["within_post_recall"] == 1.0
