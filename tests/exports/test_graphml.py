"""GraphML: the claim edge that carries a reply's stance on its parent post says so."""

from __future__ import annotations

import io

import networkx as nx

from argmap.exports.graphml import to_graphml
from argmap.options import ExportOptions
from tests.builders import make_map, with_post_relations


def test_graphml_marks_the_claim_edges_that_carry_a_reply_stance():
    plain, analysis = make_map(30, seed=2)
    amap = with_post_relations(plain, seed=2)
    data = to_graphml(amap, analysis, ExportOptions())[".graphml"]
    graph = nx.read_graphml(io.BytesIO(data))
    marked = {(s, t): (a["reply_stance"], a["reply_confidence"])
              for s, t, a in graph.edges(data=True) if "reply_stance" in a}
    want = {(r.source_claim, r.target_claim): (r.stance.value, r.confidence)
            for r in amap.post_relations if r.source_claim is not None}
    assert marked == want and len(want) >= 10
    assert {v[0] for v in marked.values()} == {"agree", "disagree", "none"}
    assert set(graph.nodes) == {c.id for c in amap.claims}  # still a graph of claims
    assert graph.number_of_edges() == nx.read_graphml(io.BytesIO(
        to_graphml(plain, analysis, ExportOptions())[".graphml"])).number_of_edges()
    assert "reply_stance" not in to_graphml(plain, analysis, ExportOptions())[".graphml"].decode()
    assert to_graphml(amap, analysis, ExportOptions())[".graphml"] == data
