"""Post to post stance: one decision per reply, carried by a claim pair, exported with the map."""

from __future__ import annotations

import csv
import io

from argmap.exports.native import from_json, to_json
from argmap.exports.tables import to_csv
from argmap.model import Post, PostStance, Thread
from argmap.options import ExportOptions, Options
from argmap.pipeline import build_map

ROOT = ("The council should ban cars from the city centre. Cars pollute the air that children "
        "breathe every day on their way to school.")


def _thread() -> Thread:
    posts = [
        Post(id="t:1", thread_id="t", text=ROOT, author="ann"),
        Post(id="t:2", thread_id="t", reply_to="t:1", author="bob",
             text="I disagree. Shop owners depend on customers who arrive by car every day."),
        Post(id="t:3", thread_id="t", reply_to="t:1", author="cat",
             text="Exactly. The air near the schools is much cleaner without cars."),
        Post(id="t:4", thread_id="t", reply_to="t:2", author="ann", text="Thanks!"),
        Post(id="t:5", thread_id="t", reply_to="t:1", author="dan",
             text="Do you have a source for the pollution figures near schools?"),
    ]
    return Thread(id="t", title=None, posts=tuple(posts))


def test_post_stance_one_decision_per_reply():
    amap = build_map([_thread()], Options())
    decisions = {(r.source, r.target): r for r in amap.post_relations}
    assert set(decisions) == {("t:2", "t:1"), ("t:3", "t:1"), ("t:4", "t:2"), ("t:5", "t:1")}
    assert decisions[("t:2", "t:1")].stance is PostStance.DISAGREE
    assert decisions[("t:3", "t:1")].stance is PostStance.AGREE
    thanks = decisions[("t:4", "t:2")]
    assert thanks.stance is PostStance.NONE and thanks.source_claim is None
    disagree = decisions[("t:2", "t:1")]
    assert disagree.source_claim.startswith("t:2/") and disagree.target_claim.startswith("t:1/")
    assert any("disagree" in e.detail for e in disagree.evidence)
    for r in amap.post_relations:
        assert 0.0 <= r.confidence <= 1.0 and r.evidence
    assert [(r.source, r.target) for r in amap.post_relations] == sorted(decisions)


def test_post_stance_round_trips_and_is_a_table():
    amap = build_map([_thread()], Options())
    again, _ = from_json(to_json(amap, None))
    assert again.post_relations == amap.post_relations
    from argmap.analysis import analyse

    files = to_csv(amap, analyse(amap), ExportOptions())
    rows = list(csv.DictReader(io.StringIO(files[".post_relations.csv"].decode("utf-8"))))
    assert [(r["source"], r["target"], r["stance"]) for r in rows] == [
        (r.source, r.target, r.stance.value) for r in amap.post_relations]


def test_post_stance_text_dump_without_reply_tree_has_none():
    thread = Thread(id="d", title=None, posts=(
        Post(id="d:1", thread_id="d", text=ROOT),
        Post(id="d:2", thread_id="d", text="Shop owners depend on customers who drive in.")))
    assert build_map([thread], Options()).post_relations == ()
