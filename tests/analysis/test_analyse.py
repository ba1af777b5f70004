"""Behaviour of analyse: centrality, contested, unanswered, grounded labels, camps, summaries."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.analysis.analyser import analyse, grounded_labelling
from argmap.model import (
    ArgumentMap,
    Claim,
    Evidence,
    EvidenceKind,
    Post,
    Quote,
    Relation,
    SourceRef,
    Stance,
    Thread,
    Topic,
)
from argmap.options import AnalyseOptions

# the algorithms over every relation, whatever its confidence (the default analyses only the
# relations the maps draw: test_analysis_leaves_out_the_relations_the_map_leaves_out)
NO_SUMMARIES = AnalyseOptions(summary_size=0, min_confidence=0.0)


def build_map(
    posts: list[tuple[str, str | None, str | None]],
    edges: list[tuple[str, str, str, float]],
    claims_per_post: int = 1,
) -> ArgumentMap:
    """Posts (id, author, reply_to), each with ``claims_per_post`` claims ``<post>/c<n>``; edges
    (source claim, target claim, "support"|"attack", confidence)."""
    made_posts, claims = [], []
    for i, (pid, author, reply_to) in enumerate(posts):
        parts = [f"Claim {n} of post {pid} says something." for n in range(claims_per_post)]
        text = " ".join(parts)
        made_posts.append(
            Post(id=pid, thread_id="t", text=text, author=author, reply_to=reply_to,
                 created=1_600_000_000.0 + i, source=SourceRef("x.jsonl", url=f"https://e.org/{pid}"))
        )
        start = 0
        for n, part in enumerate(parts):
            claims.append(Claim(f"{pid}/c{n}", pid, start, start + len(part), part))
            start += len(part) + 1
    relations = tuple(
        Relation(s, t, Stance(stance), conf, (Evidence(EvidenceKind.REPLY, "reply", 0.5),))
        for s, t, stance, conf in edges
    )
    topics = (Topic("t00", "everything", ("claim",), tuple(c.id for c in claims)),)
    return ArgumentMap(
        (Thread("t", "A thread", tuple(made_posts)),), tuple(claims), (), topics, relations
    )


def test_analysis_leaves_out_the_relations_the_map_leaves_out():
    """An attack the calibration gives 0.03 (it is probably wrong) used to defeat its target
    and make it 'contested' while the map did not draw it: a claim shown defeated with no
    attacker in sight. By default the analysis reads what the map draws (>= 0.5)."""
    posts = [("p0", "ann", None), ("p1", "bob", "p0"), ("p2", "cy", "p0")]
    edges = [("p1/c0", "p0/c0", "attack", 0.03), ("p2/c0", "p0/c0", "support", 0.8)]
    amap = build_map(posts, edges)
    likely = analyse(amap, AnalyseOptions(summary_size=0))
    assert dict(likely.status)["p0/c0"] == "in" and "p0/c0" not in likely.contested
    every = analyse(amap, NO_SUMMARIES)
    assert dict(every.status)["p0/c0"] == "out" and "p0/c0" in every.contested
    assert analyse(amap, AnalyseOptions(summary_size=0, min_confidence=0.03)) == every


def naive_grounded(nodes: list[str], attacks: set[tuple[str, str]]) -> dict[str, str]:
    """Least fixed point of the characteristic function, computed the slow textbook way."""
    attackers = {n: {a for a, b in attacks if b == n} for n in nodes}
    extension: set[str] = set()
    while True:
        defeated = {b for a, b in attacks if a in extension}
        grown = {n for n in nodes if attackers[n] <= defeated}
        if grown == extension:
            break
        extension = grown
    defeated = {b for a, b in attacks if a in extension}
    return {n: "in" if n in extension else "out" if n in defeated else "undecided" for n in nodes}


def test_analysis_grounded_classic_frameworks():
    chain = grounded_labelling(["a", "b", "c"], [("a", "b"), ("b", "c")])
    assert chain == {"a": "in", "b": "out", "c": "in"}
    even = grounded_labelling(["a", "b"], [("a", "b"), ("b", "a")])
    assert even == {"a": "undecided", "b": "undecided"}
    odd = grounded_labelling(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert set(odd.values()) == {"undecided"}
    selfish = grounded_labelling(["s", "t", "u"], [("s", "s"), ("s", "t"), ("u", "s")])
    assert selfish == {"s": "out", "t": "in", "u": "in"}


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=14),
        )
    )
)
def test_analysis_grounded_equals_textbook_fixpoint(framework):
    n, pairs = framework
    nodes = [f"n{i}" for i in range(n)]
    attacks = {(f"n{a}", f"n{b}") for a, b in pairs}
    assert grounded_labelling(nodes, sorted(attacks)) == naive_grounded(nodes, attacks)


def test_analysis_centrality_ranks_the_most_answered_claim_first():
    posts = [("p0", "ann", None), ("p1", "bob", "p0"), ("p2", "cy", "p0"), ("p3", "dee", "p1"),
             ("p4", "eve", None)]
    edges = [("p1/c0", "p0/c0", "support", 0.9), ("p2/c0", "p0/c0", "attack", 0.8),
             ("p3/c0", "p1/c0", "attack", 0.7)]
    result = analyse(build_map(posts, edges), NO_SUMMARIES)
    ids = [cid for cid, _ in result.centrality]
    assert ids[0] == "p0/c0"
    assert set(ids) == {"p0/c0", "p1/c0", "p2/c0", "p3/c0"}  # p4 takes part in no relation
    scores = [score for _, score in result.centrality]
    assert scores == sorted(scores, reverse=True)
    # six significant digits each (``centrality.SCORE_DIGITS``): the sum is 1 to ~1e-6
    assert sum(scores) == pytest.approx(1.0, abs=len(scores) * 5e-6)
    assert all(float(f"{score:.6g}") == score for score in scores)
    tied = [cid for cid, score in result.centrality if score == result.centrality[-1][1]]
    assert tied == sorted(tied)  # p2 and p3 both only react: equal scores, ordered by id


def test_analysis_contested_and_status():
    posts = [("p0", "ann", None), ("p1", "bob", "p0"), ("p2", "cy", "p0"), ("p3", "dee", "p0"),
             ("p4", "eve", "p2")]
    edges = [("p1/c0", "p0/c0", "support", 0.9), ("p2/c0", "p0/c0", "attack", 0.8),
             ("p3/c0", "p0/c0", "attack", 0.6), ("p4/c0", "p2/c0", "attack", 0.6),
             ("p4/c0", "p3/c0", "support", 0.6)]
    result = analyse(build_map(posts, edges), NO_SUMMARIES)
    assert result.contested == ("p0/c0",)
    status = dict(result.status)
    assert status["p4/c0"] == "in" and status["p2/c0"] == "out"
    assert status["p3/c0"] == "in"  # supports do not protect or defeat anything
    assert status["p0/c0"] == "out"  # attacked by p3, which stands
    assert [cid for cid, _ in result.status] == sorted(status)


def test_analysis_unanswered_attacks():
    posts = [("p0", "ann", None), ("p1", "bob", "p0"), ("p2", "ann", "p1"), ("p3", "cy", "p0"),
             ("p4", "dee", "p0"), ("p5", "eve", "p4"), ("p6", "fay", "p0"), ("p7", "ann", None),
             ("p8", "gus", "p0"), ("p9", "hal", "p8")]
    edges = [
        ("p1/c0", "p0/c0", "attack", 0.9),  # answered: ann replied to p1
        ("p3/c0", "p0/c0", "attack", 0.9),  # nobody answered
        ("p4/c0", "p0/c0", "attack", 0.9),  # supported by eve, so it was answered
        ("p5/c0", "p4/c0", "support", 0.9),
        ("p0/c1", "p0/c0", "attack", 0.9),  # a writer's own "but": not an open attack
        ("p6/c0", "p0/c0", "attack", 0.9),  # answered: ann quoted p6 in p7
        ("p8/c0", "p0/c0", "attack", 0.9),  # hal replied, but hal is not the attacked author
    ]
    amap = build_map(posts, edges, claims_per_post=2)
    thread = amap.threads[0]
    quoting = tuple(
        replace(p, quotes=(Quote("...", "p6"),)) if p.id == "p7" else p for p in thread.posts
    )
    amap = replace(amap, threads=(replace(thread, posts=quoting),))
    assert analyse(amap, NO_SUMMARIES).unanswered == ("p3/c0", "p8/c0")


def test_analysis_camps_split_allies_from_opponents():
    posts = [("a1", "alice", None), ("b1", "bob", "a1"), ("c1", "carol", "a1"),
             ("d1", "dave", "c1"), ("a2", "alice", "d1")]
    edges = [
        ("b1/c0", "a1/c0", "support", 0.9), ("c1/c0", "a1/c0", "attack", 0.9),
        ("d1/c0", "c1/c0", "support", 0.8), ("a2/c0", "d1/c0", "attack", 0.7),
        ("d1/c0", "b1/c0", "attack", 0.6),
    ]
    result = analyse(build_map(posts, edges), NO_SUMMARIES)
    assert [c.authors for c in result.camps] == [("alice", "bob"), ("carol", "dave")]
    assert [c.id for c in result.camps] == ["camp1", "camp2"]
    assert result.camps[0].claim_ids == ("a1/c0", "a2/c0", "b1/c0")


def test_analysis_no_camps_with_fewer_than_two_authors():
    posts = [("p0", "solo", None), ("p1", "solo", "p0"), ("p2", None, "p0")]
    edges = [("p1/c0", "p0/c0", "attack", 0.9), ("p2/c0", "p0/c0", "attack", 0.9)]
    assert analyse(build_map(posts, edges), NO_SUMMARIES).camps == ()


def test_analysis_is_deterministic_and_ignores_relation_order():
    rng = random.Random(7)
    posts = [(f"p{i}", f"u{i % 5}", f"p{rng.randrange(i)}" if i else None) for i in range(40)]
    edges = [
        (f"p{i}/c0", f"p{rng.randrange(i)}/c0", rng.choice(["support", "attack"]), 0.4 + i / 100)
        for i in range(1, 40)
    ]
    amap = build_map(posts, edges)
    first = analyse(amap, NO_SUMMARIES)
    shuffled = list(amap.relations)
    rng.shuffle(shuffled)
    assert analyse(replace(amap, relations=tuple(shuffled)), NO_SUMMARIES) == first
    assert analyse(amap, NO_SUMMARIES) == first


def test_analysis_ignores_relations_to_unknown_claims():
    posts = [("p0", "ann", None), ("p1", "bob", "p0")]
    edges = [("p1/c0", "p0/c0", "attack", 0.9), ("ghost/c0", "p0/c0", "attack", 0.9)]
    result = analyse(build_map(posts, edges), NO_SUMMARIES)
    assert {cid for cid, _ in result.status} == {"p0/c0", "p1/c0"}
    assert dict(result.status)["p0/c0"] == "out"


def test_analysis_summaries_per_thread_topic_and_camp():
    posts = [("a1", "alice", None), ("b1", "bob", "a1"), ("c1", "carol", "a1")]
    edges = [("b1/c0", "a1/c0", "support", 0.9), ("c1/c0", "a1/c0", "attack", 0.9)]
    amap = build_map(posts, edges, claims_per_post=2)
    result = analyse(amap, AnalyseOptions(summary_size=2))
    scopes = [(s.scope, s.scope_id) for s in result.summaries]
    assert scopes[:2] == [("thread", "t"), ("topic", "t00")]
    assert {s for s, _ in scopes[2:]} == {"camp"}
    texts = {c.id: c.text for c in amap.claims}
    for summary in result.summaries:
        assert 1 <= len(summary.items) <= 2
        for item in summary.items:
            assert texts[item.claim_id] == item.text  # verbatim
    camp_summary = next(s for s in result.summaries if s.scope == "camp")
    camp = next(c for c in result.camps if c.id == camp_summary.scope_id)
    assert {i.claim_id for i in camp_summary.items} <= set(camp.claim_ids)


def test_analysis_centrality_agrees_with_networkx_pagerank():
    import networkx as nx

    from argmap.exports.nx_graph import to_networkx

    rng = random.Random(3)
    posts = [(f"p{i}", f"u{i}", None) for i in range(30)]
    pairs = sorted({(rng.randrange(30), rng.randrange(30)) for _ in range(60)})
    edges = [(f"p{s}/c0", f"p{t}/c0", rng.choice(["support", "attack"]), rng.uniform(0.1, 1.0))
             for s, t in pairs if s != t]
    amap = build_map(posts, edges)
    graph = to_networkx(amap)
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    expected = nx.pagerank(graph, alpha=0.85, weight="confidence", tol=1e-12, max_iter=500)
    got = dict(analyse(amap, NO_SUMMARIES).centrality)
    assert set(got) == set(expected)
    # written with six significant digits; the unrounded iteration agrees to 1e-10
    assert all(got[n] == pytest.approx(expected[n], rel=5e-6) for n in expected)
    from argmap.analysis.centrality import pagerank
    from argmap.analysis.edges import Edges

    edges_ = Edges.of(amap)
    used, rank = pagerank(edges_)
    raw = {edges_.ids[i]: r for i, r in zip(used.tolist(), rank.tolist(), strict=True)}
    assert all(raw[n] == pytest.approx(expected[n], abs=1e-10) for n in expected)


@pytest.mark.parametrize("dense_limit", [400, 2])
def test_analysis_camps_recover_a_planted_split(dense_limit):
    rng = random.Random(11)
    side = {f"u{i:02d}": i % 2 for i in range(24)}
    posts = [(f"p{i}", f"u{i % 24:02d}", None) for i in range(96)]
    edges = []
    for i in range(1, 96):
        for j in rng.sample(range(i), min(i, 3)):
            same = side[f"u{i % 24:02d}"] == side[f"u{j % 24:02d}"]
            flip = rng.random() < 0.1  # a little noise: structural balance is never perfect
            stance = "support" if same != flip else "attack"
            edges.append((f"p{i}/c0", f"p{j}/c0", stance, rng.uniform(0.4, 1.0)))
    options = AnalyseOptions(summary_size=0, camp_dense_limit=dense_limit)
    camps = analyse(build_map(posts, edges), options).camps
    assert sorted(c.authors for c in camps) == sorted(
        tuple(sorted(a for a, s in side.items() if s == k)) for k in (0, 1)
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.sampled_from(["ann", "bob", "cy", None]), min_size=n, max_size=n),
            st.lists(
                st.tuples(st.integers(0, max(n, 1)), st.integers(0, max(n, 1)),
                          st.sampled_from(["support", "attack"]), st.floats(0.0, 1.0)),
                max_size=30,
            ),
        )
    ),
    st.randoms(use_true_random=False),
)
def test_analysis_invariants_on_arbitrary_maps(shape, rng):
    n, authors, raw_edges = shape
    posts = [(f"p{i}", authors[i], f"p{i - 1}" if i else None) for i in range(n)]
    edges = [(f"p{s}/c0", f"p{t}/c0", stance, conf) for s, t, stance, conf in raw_edges]
    amap = build_map(posts, edges)  # edges may be self-loops, duplicates or point to no claim
    result = analyse(amap, NO_SUMMARIES)
    ids = sorted(c.id for c in amap.claims)
    assert [cid for cid, _ in result.status] == ids
    assert {label for _, label in result.status} <= {"in", "out", "undecided"}
    known = [r for r in amap.relations if r.source in ids and r.target in ids]
    attacked = {r.target for r in known if r.stance is Stance.ATTACK}
    supported = {r.target for r in known if r.stance is Stance.SUPPORT}
    assert set(result.contested) == attacked & supported
    assert {cid for cid, _ in result.centrality} == {c for r in known for c in (r.source, r.target)}
    assert all(label == "in" for cid, label in result.status if cid not in attacked)
    camp_authors = [a for camp in result.camps for a in camp.authors]
    assert len(camp_authors) == len(set(camp_authors))
    shuffled = list(amap.relations)
    rng.shuffle(shuffled)
    assert analyse(replace(amap, relations=tuple(shuffled)), NO_SUMMARIES) == result


def test_analysis_map_without_relations():
    amap = build_map([("p0", "ann", None), ("p1", "bob", "p0")], [])
    result = analyse(amap, AnalyseOptions(summary_size=3))
    assert result.centrality == () and result.contested == () and result.camps == ()
    assert dict(result.status) == {"p0/c0": "in", "p1/c0": "in"}
    assert [s.scope for s in result.summaries] == ["thread", "topic"]


def test_analysis_supported_attack_reduction_is_optional():
    posts = [("p0", "ann", None), ("p1", "bob", "p0"), ("p2", "cy", "p1"), ("p3", "dee", "p2")]
    edges = [("p1/c0", "p0/c0", "attack", 0.9), ("p2/c0", "p1/c0", "attack", 0.9),
             ("p3/c0", "p1/c0", "support", 0.9)]
    amap = build_map(posts, edges)
    plain = dict(analyse(amap, NO_SUMMARIES).status)
    assert plain == {"p0/c0": "in", "p1/c0": "out", "p2/c0": "in", "p3/c0": "in"}
    bipolar = dict(analyse(amap, replace(NO_SUMMARIES, supported_attack_depth=2)).status)
    # p3 supports p1, p1 attacks p0, so p3 attacks p0: p0 is now defeated
    assert bipolar == {"p0/c0": "out", "p1/c0": "out", "p2/c0": "in", "p3/c0": "in"}
