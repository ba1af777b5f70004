"""Tests for analysis/centrality.py: PageRank scores written with digits noise cannot reach."""

from __future__ import annotations

import random

import numpy as np

from argmap.analysis.analyser import analyse
from argmap.analysis.centrality import SCORE_DIGITS
from argmap.analysis.edges import Edges
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


def _drawn_edges(seed: int, n_ids: int, density: float) -> Edges:
    """A graph of ``n_ids`` claims: repeated edges, self-loops, zero and four-decimal weights,
    claims in no edge and dangling ones."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(0, int(density * n_ids) + 1)) if n_ids else 0
    source = rng.integers(0, max(n_ids, 1), count)
    target = rng.integers(0, max(n_ids, 1), count)
    confidence = np.where(rng.random(count) < 0.5, rng.choice([0.0, 0.35, 0.5, 0.9001, 1.0],
                                                              count), rng.random(count))
    return Edges(ids=tuple(f"c{i}" for i in range(n_ids)), source=source.astype(np.int64),
                 target=target.astype(np.int64), attack=np.zeros(count, dtype=bool),
                 confidence=confidence.astype(np.float64))


def test_centrality_pagerank_many_same_bits_as_each_graph_alone():
    """Graphs of 0 to 300 claims (no edges, self-loops, repeated edges, zero weights, dangling
    claims; several of one shape side by side; up to 128 claims summed as numpy's pairwise
    sum on padded rows, more in groups of one shape) ranked together: each graph's used claims
    and unrounded scores are ``pagerank`` alone to the bit, and ``claim_centrality_many`` is
    ``claim_centrality`` graph by graph."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    import argmap.analysis.centrality as centrality
    from argmap.analysis import pagerank_batch

    @settings(max_examples=150, deadline=None)
    @given(data=st.data())
    def check(data) -> None:
        shapes = data.draw(st.lists(st.tuples(
            st.sampled_from((0, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 15, 16, 17, 40, 127, 128, 129,
                             300)), st.sampled_from((0.5, 1.0, 3.0)), st.integers(0, 3)),
            min_size=1, max_size=12), label="graphs")
        graphs = [_drawn_edges(seed, n, density) for n, density, seed in shapes]
        damping = data.draw(st.sampled_from((0.85, 0.5, 1.0, 0.0)), label="damping")
        together = pagerank_batch.pagerank_many(graphs, damping)
        for edges, (used, rank) in zip(graphs, together, strict=True):
            used_alone, rank_alone = centrality.pagerank(edges, damping)
            assert used.tolist() == used_alone.tolist()
            assert rank.tobytes() == rank_alone.tobytes()
        # repr: a degenerate graph's NaN scores are equal only as text
        assert repr(centrality.claim_centrality_many(graphs, damping)) == repr([
            centrality.claim_centrality(edges, damping) for edges in graphs])

    check()


def test_centrality_pairwise_sums_are_numpy_sums() -> None:
    """Rows of 0 to 128 numbers of many magnitudes, zero-padded: numpy's own sum of each."""
    from argmap.analysis.pagerank_batch import pairwise_sums

    rng = np.random.default_rng(7)
    for trial in range(200):
        lengths = rng.integers(0, 129 if trial % 2 else 20, int(rng.integers(1, 30)))
        values = np.zeros((len(lengths), int(lengths.max()) + 1))
        for j, n in enumerate(lengths.tolist()):
            values[j, :n] = rng.random(n) * 10.0 ** rng.integers(-12, 3, n)
        want = [values[j, :n].sum() for j, n in enumerate(lengths.tolist())]
        assert pairwise_sums(values, lengths).tobytes() == np.asarray(want).tobytes()
