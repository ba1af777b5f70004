"""A reply stands on the map through one claim pair: the pair that carries its post decision,
with the decision's stance."""

from __future__ import annotations

from dataclasses import replace

import pytest

import argmap.link.reply_edges as reply_edges
from argmap.model import Post, PostStance, Stance, Thread
from argmap.options import Options
from argmap.pipeline import build_map

ROOT = ("The council should ban cars from the city centre. Cars pollute the air that children "
        "breathe every day on their way to school. Buses can carry everyone instead.")
REPLIES = {
    # no sign of agreement: the reply disputes what it answers
    "t:2": "Shop owners depend on customers who arrive by car. Many of them would close within "
           "a year. The council should listen to them before it bans anything.",
    "t:3": "Exactly. The air near the schools is much cleaner without cars. Children walk to "
           "school more often when the streets are quiet.",
}


def _thread() -> Thread:
    posts = [Post(id="t:1", thread_id="t", text=ROOT, author="ann")]
    posts += [Post(id=pid, thread_id="t", reply_to="t:1", author=pid, text=text)
              for pid, text in REPLIES.items()]
    return Thread(id="t", title=None, posts=tuple(posts))


def _reply_edges(amap, post_id: str):
    return [r for r in amap.relations if r.source.startswith(post_id + "/")
            and not r.target.startswith(post_id + "/")
            and any(e.kind.value == "reply" for e in r.evidence)]


def test_reply_edges_one_pair_per_reply_with_the_decision_stance():
    amap = build_map([_thread()], Options())
    decisions = {r.source: r for r in amap.post_relations}
    assert decisions["t:2"].stance is PostStance.DISAGREE
    assert decisions["t:3"].stance is PostStance.AGREE
    for pid, stance in (("t:2", Stance.ATTACK), ("t:3", Stance.SUPPORT)):
        edges = _reply_edges(amap, pid)
        assert [(r.source, r.target) for r in edges] == [
            (decisions[pid].source_claim, decisions[pid].target_claim)]
        assert edges[0].stance is stance
    turned = _reply_edges(amap, "t:2")[0]
    assert reply_edges.DISPUTES in turned.evidence


def test_reply_edges_switched_off_keeps_the_scored_pairs(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reply_edges, "CARRYING_PAIR_ONLY", False)
    amap = build_map([_thread()], Options())
    assert len(_reply_edges(amap, "t:2")) > 1  # the opening and the main claim each answer
    assert all(reply_edges.DISPUTES not in r.evidence for r in amap.relations)


def test_reply_edges_keep_the_per_claim_cap():
    options = replace(Options(), link=replace(Options().link, max_links_per_claim=1))
    amap = build_map([_thread()], options)
    across = [r.source for r in amap.relations
              if r.source.rsplit("/c", 1)[0] != r.target.rsplit("/c", 1)[0]]
    assert across and len(across) == len(set(across))
