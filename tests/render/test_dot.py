"""DOT generation: synthetic ids, the label recipe everywhere, caps, links, determinism."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.model import PostStance, Stance
from argmap.options import RenderOptions
from argmap.render.dot import safe_url, to_dot
from argmap.render.map_index import node_ids
from argmap.render.overview import topic_links
from argmap.render.svg import render_svg
from tests.builders import DRAW_ALL, make_map, with_post_relations

NODE_DECL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[", re.M)
EDGE_DECL = re.compile(r"^\s*([A-Za-z0-9_]+)\s*->\s*([A-Za-z0-9_]+)", re.M)


def test_render_dot_node_ids_are_synthetic_and_never_user_text():
    texts = ['node subgraph "{|}:;', "\\N \\G", "<lambda> <map>", "a" * 30]
    amap, analysis = make_map(12, texts=texts)
    source = to_dot(amap, analysis, DRAW_ALL)
    ids = NODE_DECL.findall(source) + [x for pair in EDGE_DECL.findall(source) for x in pair]
    assert ids
    for nid in ids:
        assert re.fullmatch(r"(graph|node|edge|[a-z][a-z0-9_]*)", nid), nid
    assert set(node_ids(amap).values()) <= set(ids)


def test_render_dot_is_deterministic_and_independent_of_claim_order():
    amap, analysis = make_map(40, seed=3)
    first = to_dot(amap, analysis, DRAW_ALL)
    shuffled = amap.__class__(**{**{f: getattr(amap, f) for f in amap.__slots__},
                                 "claims": tuple(reversed(amap.claims))})
    assert to_dot(shuffled, analysis, DRAW_ALL) == first
    assert to_dot(amap, analysis, DRAW_ALL) == first


def test_render_dot_caps_claims_and_folds_the_rest_into_more_nodes():
    amap, analysis = make_map(120, seed=1)
    source = to_dot(amap, analysis, RenderOptions(min_confidence=0.0, max_claims_per_map=30))
    drawn = set(re.findall(r"^\s+(c\d{4}) \[", source, re.M))
    assert len(drawn) == 30
    folded = sum(int(n) for n in re.findall(r'label="\+(\d+) more claims?', source))
    assert folded == 120 - 30
    top = [cid for cid, _ in analysis.centrality[:30]]
    ids = node_ids(amap)
    assert {ids[c] for c in top} == drawn


def test_render_dot_links_only_https_post_urls():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("http://plain.example/") is None
    assert safe_url('https://ok.example/a b"c\\d') == "https://ok.example/a%20b%22c%5Cd"
    assert safe_url("https://ok.example/\ud800\x00é") == "https://ok.example/%EF%BF%BD%C3%A9"
    amap, analysis = make_map(5, url="javascript:alert({n})")
    assert "URL=" not in to_dot(amap, analysis, DRAW_ALL)
    amap, analysis = make_map(5)
    assert to_dot(amap, analysis, DRAW_ALL).count('URL="https://forum.example/p/') == 5


def test_render_dot_colours_edges_by_stance_and_filters_by_thread_and_topic():
    amap, analysis = make_map(30, seed=2)
    source = to_dot(amap, analysis, RenderOptions(min_confidence=0.0, show_legend=False))
    n_support = sum(r.stance is Stance.SUPPORT for r in amap.relations)
    n_attack = len(amap.relations) - n_support
    assert len(re.findall('color="#2e7d32(8c)?" arrowtail="normal"', source)) == n_support
    assert len(re.findall('color="#c62828(8c)?" arrowtail="tee"', source)) == n_attack
    topic = amap.topics[0]
    only = to_dot(amap, analysis, DRAW_ALL, topic_id=topic.id)
    assert len(re.findall(r"^\s+c\d{4} \[", only, re.M)) == len(topic.claim_ids)
    assert not re.findall(r"^\s+c\d{4} \[", to_dot(amap, analysis, DRAW_ALL,
                                                   thread_id="missing"), re.M)


def test_render_dot_min_confidence_drops_edges_from_maps_and_overview_counts():
    amap, analysis = make_map(40, seed=6)
    options = RenderOptions(min_confidence=0.5, show_legend=True)
    source = to_dot(amap, analysis, options)
    drawn = re.findall(r'id="rel-c\d+-c\d+-\w+"', source)
    kept = {(r.source, r.target, r.stance) for r in amap.relations if r.confidence >= 0.5}
    below = {(r.source, r.target, r.stance) for r in amap.relations if r.confidence < 0.5}
    assert len(drawn) == len(kept) and below
    assert f"relations with confidence below 0.50 not drawn ({len(below)})" in source
    hidden = to_dot(amap, analysis, options, uncertain=True)
    assert hidden.count(" uncertain\"") == len(below)
    assert all('style="dashed"' in line and 'constraint="false"' in line
               for line in hidden.splitlines() if " uncertain\"" in line)
    assert sum(k.count for k in topic_links(amap, 0.5)) == sum(
        1 for r in amap.relations if r.confidence >= 0.5
        and _topic(amap, r.source) != _topic(amap, r.target))


def _topic(amap, claim_id):
    return next(t.id for t in amap.topics if claim_id in t.claim_ids)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80).map(lambda s: "https://x.example/" + s) | st.text(max_size=80))
def test_render_dot_safe_url_is_https_and_plain_ascii_or_nothing(url):
    result = safe_url(url)
    assert result is None or re.fullmatch(r"https://[A-Za-z0-9/:?#\[\]@!$&'()*+,;=%~._-]*", result)


def _reply_edges(source: str) -> dict[str, str]:
    """edge id -> the reply stance its label shows, for every edge that carries one."""
    return {m[0]: m[2] for m in re.findall(
        r'id="(rel-c\d+-c\d+-\w+)" class="[^"]*reply-(agree|disagree)[^"]*".*?'
        r'xlabel="reply: (agrees|disagrees)"', source)}


def test_render_dot_shows_a_reply_stance_on_the_claim_edge_that_carries_it_not_a_new_edge():
    plain, analysis = make_map(30, seed=4)
    amap = with_post_relations(plain, seed=4)
    ids = node_ids(amap)
    source = to_dot(amap, analysis, DRAW_ALL)
    expected = {
        f"rel-{ids[r.target_claim]}-{ids[r.source_claim]}-"
        + ("support" if r.stance is PostStance.AGREE else "attack"): STANCE[r.stance]
        for r in amap.post_relations
        if r.stance is not PostStance.NONE and r.source_claim and r.target_claim}
    shown = _reply_edges(source)
    # make_map draws one edge per reply claim -> parent claim, of either stance: the reply
    # label sits on it whatever its claim stance
    assert {k.rsplit("-", 1)[0]: v for k, v in shown.items()} == {
        k.rsplit("-", 1)[0]: v for k, v in expected.items()}
    assert len(shown) >= 5 and set(shown.values()) == {"agrees", "disagrees"}
    claim_edges = re.compile(r"^\s+(c\d+) -> (c\d+)", re.M)
    assert claim_edges.findall(source) == claim_edges.findall(to_dot(plain, analysis, DRAW_ALL))
    assert "reply: disagrees" in source.split("cluster_legend")[1]  # the legend says what it is
    assert "reply:" not in to_dot(plain, analysis, DRAW_ALL)
    assert to_dot(amap, analysis, DRAW_ALL) == source
    assert b"reply: disagrees" in render_svg(source)


def test_render_dot_reply_stances_below_the_threshold_or_off_the_map_are_not_shown():
    plain, analysis = make_map(60, seed=5)
    amap = with_post_relations(plain, seed=5)
    options = RenderOptions(min_confidence=0.5)
    ids = node_ids(amap)
    shown = _reply_edges(to_dot(amap, analysis, options))
    weak = {f"rel-{ids[r.target_claim]}-{ids[r.source_claim]}" for r in amap.post_relations
            if r.source_claim and r.confidence < 0.5}
    assert shown and not {k.rsplit("-", 1)[0] for k in shown} & weak
    for topic in amap.topics:  # a topic map shows a reply stance only when both claims are in it
        inside = set(topic.claim_ids)
        on_map = {f"rel-{ids[r.target_claim]}-{ids[r.source_claim]}" for r in amap.post_relations
                  if r.source_claim in inside and r.target_claim in inside}
        topic_edges = _reply_edges(to_dot(amap, analysis, DRAW_ALL, topic_id=topic.id))
        assert {k.rsplit("-", 1)[0] for k in topic_edges} <= on_map


STANCE = {PostStance.AGREE: "agrees", PostStance.DISAGREE: "disagrees"}
