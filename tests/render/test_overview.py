"""The topic overview: relations summed per ordered topic pair and stance, only the strongest
links drawn (bounded), with arrowheads and a legend."""

from __future__ import annotations

import re
from dataclasses import replace

from argmap.model import PostStance
from argmap.options import RenderOptions
from argmap.render.map_index import topic_ids
from argmap.render.overview import _links_kept, overview_dot, topic_links
from tests.builders import DRAW_ALL, make_map, with_post_relations


def test_overview_sums_relations_by_ordered_topic_pair_and_stance():
    amap, analysis = make_map(60, seed=4)
    tids = topic_ids(amap)
    topic_of = {cid: tids[t.id] for t in amap.topics for cid in t.claim_ids}
    expected: dict[tuple[str, str, str], list[float]] = {}
    for r in amap.relations:
        key = (topic_of[r.source], topic_of[r.target], r.stance.value)
        if key[0] != key[1]:
            expected.setdefault(key, []).append(r.confidence)
    links = topic_links(amap)
    assert {(k.source, k.target, k.stance.value): (k.count, k.weight) for k in links} == {
        key: (len(c), round(sum(c), 4)) for key, c in expected.items()}
    assert [k.weight for k in links] == sorted((k.weight for k in links), reverse=True)
    assert len(re.findall(r"^\s+t\d+ \[", overview_dot(amap, analysis, DRAW_ALL),
                          re.M)) == len(amap.topics)


def test_overview_draws_the_strongest_links_with_arrowheads_and_a_legend():
    amap, analysis = make_map(600, seed=5)  # 50 topics, hundreds of topic-to-topic links
    links = topic_links(amap)
    assert len(links) > 200
    for cap, drawn_count in ((60, 60), (100, 100), (7, 7)):
        source = overview_dot(amap, analysis, RenderOptions(min_confidence=0.0, overview_edges=cap))
        edges = re.findall(r'^  (t\d+) -> (t\d+) \[id="link-[^"]*" class="rel (\w+)" dir="back" '
                           r'arrowtail="(normal|tee)"', source, re.M)
        assert len(edges) == drawn_count
        assert {(b, a, stance) for a, b, stance, _ in edges} == {
            (k.source, k.target, k.stance.value) for k in links[:drawn_count]}
        assert all(tail == ("normal" if stance == "support" else "tee")
                   for _, _, stance, tail in edges)
        assert "subgraph cluster_legend" in source
        assert f"the {drawn_count} strongest of {len(links)} topic-to-topic links" in source


def test_overview_never_draws_more_than_two_links_per_topic():
    amap, analysis = make_map(60, seed=4)  # 5 topics
    source = overview_dot(amap, analysis, RenderOptions(min_confidence=0.0, overview_edges=100))
    assert len(re.findall(r'id="link-', source)) == min(len(topic_links(amap)), 10)


def test_overview_topic_boxes_count_the_replies_that_disagree_through_their_claims():
    plain, analysis = make_map(60, seed=8)
    amap = with_post_relations(plain, seed=8)
    options = RenderOptions(min_confidence=0.5)
    source = overview_dot(amap, analysis, options)
    tids = topic_ids(amap)
    for topic in amap.topics:
        n = sum(1 for r in amap.post_relations if r.stance is PostStance.DISAGREE
                and r.confidence >= 0.5 and r.target_claim in topic.claim_ids)
        line = next(x for x in source.splitlines() if x.startswith(f"  {tids[topic.id]} ["))
        line = line.replace("\\l", " ")  # the label's line breaks
        if n:
            assert f"contested, {n} disagreeing repl{'y' if n == 1 else 'ies'}" in line
        else:
            assert "disagreeing" not in line
    assert "disagreeing" in source
    assert "disagreeing" not in overview_dot(plain, analysis, options)
    assert overview_dot(amap, analysis, options) == source


def test_overview_renders_to_the_same_bytes_twenty_times():
    """Graphviz 2.43's neato laid the overview out differently in 6 of 20 runs of one 10k-post
    thread (same DOT). The overview is laid out by dot now: the real dot, 20 runs, one result."""
    from argmap.render.svg import render_svg

    amap, analysis = make_map(600, seed=5)  # 50 topics, the 60 strongest links drawn
    source = overview_dot(amap, analysis, RenderOptions(min_confidence=0.0))
    assert "layout=neato" not in source and "layout=fdp" not in source
    drawn = {render_svg(source) for _ in range(20)}
    assert len(drawn) == 1 and b"<svg" in next(iter(drawn))


def test_overview_legend_says_when_no_relation_joins_two_topics():
    assert _links_kept(0, 0, 0.5) == ("no relation at confidence 0.50 or above joins two "
                                      "topics: each topic's relations stay inside it")
    assert _links_kept(0, 0, 0.0).startswith("no relation joins two topics")
    assert _links_kept(1, 1, 0.5) == ("the one topic-to-topic link, relations below confidence "
                                      "0.50 not counted")
    assert _links_kept(3, 3, 0.0) == "all 3 topic-to-topic links"
    assert _links_kept(2, 9, 0.0) == "the 2 strongest of 9 topic-to-topic links"
    amap, analysis = make_map(60, seed=4)
    lonely = replace(amap, relations=())
    source = overview_dot(lonely, analysis, RenderOptions(min_confidence=0.5))
    assert "no relation at confidence 0.50 or above joins two topics" in source
    assert "all 0" not in source
