"""Tests for analysis/centrality.py: PageRank scores written with digits noise cannot reach."""

from __future__ import annotations

import random

import numpy as np

from argmap.analysis.analyser import analyse
from argmap.analysis.centrality import SCORE_DIGITS
from argmap.options import AnalyseOptions
from tests.analysis.test_analyse import build_map


def random_edges(seed: int, n: int = 200) -> list[tuple[str, str, str, float]]:
    rng = random.Random(seed)
    pairs = sorted({(rng.randrange(n), rng.randrange(n)) for _ in range(3 * n)})
    return [(f"p{s}/c0", f"p{t}/c0", rng.choice(["support", "attack"]),
             round(rng.uniform(0.35, 1.0), 4)) for s, t in pairs if s != t]


def test_centrality_scores_survive_relative_noise_on_the_confidences():
    """Confidences off by 1e-12 (relative) change no written score and no rank: the scores
    are rounded to SCORE_DIGITS significant digits, the iteration stops far above noise."""
    posts = [(f"p{i}", f"u{i % 9}", None) for i in range(200)]
    edges = random_edges(5)
    options = AnalyseOptions(summary_size=0)
    clean = analyse(build_map(posts, edges), options).centrality
    assert all(float(f"{score:.{SCORE_DIGITS}g}") == score for _, score in clean)
    rng = np.random.default_rng(1)
    for _ in range(10):
        jittered = [(s, t, stance, conf * (1.0 + 1e-12 * rng.standard_normal()))
                    for s, t, stance, conf in edges]
        assert analyse(build_map(posts, jittered), options).centrality == clean


def test_centrality_pagerank_same_bits_as_scipy_product(monkeypatch):
    """The power iteration calls scipy's matvec kernel directly; its unrounded scores must be
    those of ``matrix @ vector`` to the bit (graphs of 2 to 200 claims, dangling ones too)."""
    import argmap.analysis.centrality as centrality
    from argmap.analysis.edges import Edges

    for seed, n in ((1, 2), (2, 5), (3, 30), (4, 200)):
        posts = [(f"p{i}", f"u{i % 9}", None) for i in range(n)]
        edges = Edges.of(build_map(posts, random_edges(seed, n)))
        used, fast = centrality.pagerank(edges)
        monkeypatch.setattr(centrality, "csr_matvec", None)
        used_ref, reference = centrality.pagerank(edges)
        monkeypatch.undo()
        assert used.tolist() == used_ref.tolist()
        assert fast.tobytes() == reference.tobytes()


def _drawn_edges(draw, n_ids: int) -> "Edges":
    from hypothesis import strategies as st

    from argmap.analysis.edges import Edges

    count = draw(st.integers(0, 3 * n_ids))
    ends = st.integers(0, max(0, n_ids - 1))
    source = np.asarray([draw(ends) for _ in range(count)], dtype=np.int64)
    target = np.asarray([draw(ends) for _ in range(count)], dtype=np.int64)
    confidence = np.asarray([draw(st.sampled_from((0.0, 0.35, 0.5, 0.9001, 1.0)))
                             if draw(st.booleans()) else draw(st.floats(0.0, 1.0))
                             for _ in range(count)], dtype=np.float64)
    return Edges(ids=tuple(f"c{i}" for i in range(n_ids)), source=source, target=target,
                 attack=np.zeros(count, dtype=bool), confidence=confidence)


def test_centrality_pagerank_many_same_bits_as_each_graph_alone():
    """Graphs of 0 to 40 claims (no edges, self-loops, repeated edges, zero weights, dangling
    claims, graphs of the same shape side by side) ranked together: each graph's used claims
    and unrounded scores are ``pagerank`` alone to the bit, and ``claim_centrality_many`` is
    ``claim_centrality`` graph by graph."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    import argmap.analysis.centrality as centrality

    @settings(max_examples=200, deadline=None)
    @given(data=st.data())
    def check(data) -> None:
        sizes = data.draw(st.lists(st.sampled_from((0, 1, 2, 2, 3, 3, 4, 6, 9, 17, 40)),
                                   min_size=1, max_size=12), label="sizes")
        graphs = [_drawn_edges(data.draw, n) for n in sizes]
        damping = data.draw(st.sampled_from((0.85, 0.5, 1.0, 0.0)), label="damping")
        together = centrality.pagerank_many(graphs, damping)
        for edges, (used, rank) in zip(graphs, together, strict=True):
            used_alone, rank_alone = centrality.pagerank(edges, damping)
            assert used.tolist() == used_alone.tolist()
            assert rank.tobytes() == rank_alone.tobytes()
        # repr: a degenerate graph's NaN scores are equal only as text
        assert repr(centrality.claim_centrality_many(graphs, damping)) == repr([
            centrality.claim_centrality(edges, damping) for edges in graphs])

    check()
