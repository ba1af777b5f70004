"""The layout planner: narrow ranks, folded chains, strongest edges decide the ranks, rows that
aim at the asked aspect, no recursion, and plans for any graph (cycles, self-loops, fan-out)."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.render.layout import Layout, box_size, plan_layout

BOX = (200.0, 50.0)


def _ranks(layout: Layout, members: dict[str, list[str]], edges: list[tuple[str, str]]):
    """The ranks dot would give at least (longest path over tight edges, invisible anchor edges
    and their minlen), as a check on what the plan asks for."""
    tight = [e for e in dict.fromkeys(edges) if e not in layout.loose and e[0] != e[1]]
    every = tight + list(layout.invisible_edges)
    nodes = {n for e in every for n in e} | {n for ns in members.values() for n in ns}
    rank = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes) + 1):  # Bellman-Ford style relaxation; the graph is acyclic
        changed = False
        for a, b in every:
            need = rank[a] + layout.minlen.get((a, b), 1)
            if rank[b] < need:
                rank[b], changed = need, True
        if not changed:
            return rank
    raise AssertionError("the plan has a cycle of constraining edges")


def test_layout_a_fan_of_replies_spreads_over_ranks_no_wider_than_the_target():
    leaves = [f"c{i:03d}" for i in range(1, 121)]
    members = {"t01": ["c000", *leaves]}
    edges = [("c000", leaf) for leaf in leaves]
    layout = plan_layout(members, edges, dict.fromkeys(members["t01"], BOX), aspect=1.5)
    rank = _ranks(layout, members, edges)
    per_rank = Counter(rank[leaf] for leaf in leaves)
    assert len(per_rank) >= 5  # 120 leaves in one rank would be 26,000 pt wide
    assert max(per_rank.values()) * (BOX[0] + 18) < 4 * 1500
    width, height = layout.extent
    assert 1 / 3 <= width / height <= 3


def test_layout_a_deep_chain_is_folded_into_bands_side_by_side():
    chain = [f"c{i:03d}" for i in range(80)]
    edges = list(zip(chain, chain[1:], strict=False))
    for sideways in (False, True):
        layout = plan_layout({"t01": chain}, edges, dict.fromkeys(chain, BOX), sideways=sideways)
        assert layout.loose, "a chain of 80 must be cut into bands"
        width, height = layout.extent
        assert 1 / 3 <= width / height <= 3, (sideways, width, height)
        rank = _ranks(layout, {"t01": chain}, edges)
        assert max(rank.values()) < 60  # folded: far fewer ranks than 80


def test_layout_cycles_keep_the_strongest_edges_tight():
    nodes = ["a", "b", "c"]
    strongest_first = [("a", "b"), ("b", "c"), ("c", "a")]
    layout = plan_layout({"t": nodes}, strongest_first, dict.fromkeys(nodes, BOX))
    assert layout.loose == {("c", "a")}
    weakest_first = [("c", "a"), ("b", "c"), ("a", "b")]
    assert plan_layout({"t": nodes}, weakest_first, dict.fromkeys(nodes, BOX)).loose == {("a", "b")}


def test_layout_edges_between_clusters_never_constrain_and_clusters_stack_in_rows():
    members = {f"t{k:02d}": [f"c{k:02d}{i}" for i in range(6)] for k in range(12)}
    edges = [(f"c{k:02d}0", f"c{k + 1:02d}1") for k in range(11)]
    sizes = {n: BOX for ns in members.values() for n in ns}
    layout = plan_layout(members, edges, sizes)
    assert set(edges) <= layout.loose
    assert any(a.startswith("lrow") for a in layout.anchors[""])
    width, height = layout.extent
    assert 1 / 3 <= width / height <= 3


def test_layout_is_a_pure_function_of_its_input():
    members = {"t01": [f"c{i}" for i in range(30)], "t02": [f"d{i}" for i in range(9)]}
    edges = [(f"c{i // 3}", f"c{i}") for i in range(1, 30)] + [("c1", "d2"), ("d2", "c1")]
    sizes = {n: box_size(["x" * (5 + len(n) * 3)]) for ns in members.values() for n in ns}
    assert plan_layout(members, edges, sizes) == plan_layout(members, edges, sizes)


def test_layout_deep_chains_need_no_recursion():
    chain = [f"c{i:05d}" for i in range(20_000)]
    layout = plan_layout({"t": chain}, list(zip(chain, chain[1:], strict=False)),
                         dict.fromkeys(chain, BOX))
    assert layout.loose


def test_layout_box_size_grows_with_the_label():
    assert box_size([]) == (54.0, 36.0)
    narrow, short = box_size(["abc"])
    wide, tall = box_size(["a" * 34] * 5)
    assert wide > narrow and tall > short


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 25).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80),
    st.lists(st.integers(0, 3), min_size=n, max_size=n), st.booleans(),
    st.floats(0.2, 5.0))))
def test_layout_any_graph_gets_an_acyclic_plan(case):
    """Random graphs with self-loops, cycles, duplicate edges and fan-out: the plan's
    constraining edges are acyclic, every node hangs under its cluster's top anchor."""
    n, pairs, cluster_of, sideways, aspect = case
    nodes = [f"c{i:02d}" for i in range(n)]
    members: dict[str, list[str]] = {}
    for i, node in enumerate(nodes):
        members.setdefault(f"t{cluster_of[i]}" if cluster_of[i] else "", []).append(node)
    edges = [(nodes[a], nodes[b]) for a, b in pairs]
    layout = plan_layout(members, edges, dict.fromkeys(nodes, BOX), sideways=sideways,
                         aspect=aspect)
    rank = _ranks(layout, members, edges)  # raises on a cycle
    for cid, ns in members.items():
        top = f"{cid}_top" if cid else "g_top"
        assert all(rank[n] > rank[top] for n in ns)
    assert all(m > 1 for m in layout.minlen.values())


def _cluster_tops(members: dict[str, list[str]], edges: list[tuple[str, str]]
                  ) -> tuple[dict[str, float], int]:
    """Lay the plan out with the real dot: each cluster box's top (y grows upwards in dot),
    and how many rows of clusters the plan asked for."""
    import json
    import subprocess

    from argmap.render.dot import invisible_lines

    sizes = {n: BOX for ns in members.values() for n in ns}
    layout = plan_layout(members, edges, sizes, aspect=1.5)
    lines = ["digraph g {", "  graph [newrank=true rankdir=TB]", "  node [shape=box]"]
    for cid, nodes in members.items():
        lines.append(f"  subgraph cluster_{cid} {{ graph [label=\"{cid}\"]")
        lines += [f"    {n}" for n in nodes]
        lines += [f"    {a} [shape=point style=invis width=0 height=0]"
                  for a in layout.anchors.get(cid, ())]
        lines.append("  }")
    lines += [f"  {a} [shape=point style=invis width=0 height=0]"
              for a in layout.anchors.get("", ())]
    lines += [f"  {a} -> {b}" for a, b in edges if (a, b) not in layout.loose]
    lines += invisible_lines(layout)
    lines.append("}")
    done = subprocess.run(["dot", "-Tjson"], input="\n".join(lines), capture_output=True,
                          text=True, check=True, timeout=60)
    tops = {}
    for obj in json.loads(done.stdout)["objects"]:
        if obj.get("name", "").startswith("cluster_"):
            tops[obj["name"][len("cluster_"):]] = float(obj["bb"].split(",")[3])
    rows = 1 + max((int(a[4:]) for a in layout.anchors.get("", ()) if a.startswith("lrow")),
                   default=0)
    return tops, rows


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
@pytest.mark.parametrize("depths", [(6, 1), (1, 6), (5, 4, 3, 4, 1, 3, 2), (2, 7, 1, 1, 3, 5)])
def test_layout_clusters_of_one_row_hang_level_from_its_top(depths):
    """Clusters of one row start at the same height: a short cluster beside a tall one sits
    at the top of the row, not at its bottom (with equal weights dot's network simplex sank
    it and left a blank band above it, the seed map's empty top-left corner)."""
    members = {f"t{k}": [f"c{k}_{i}" for i in range(depth)] for k, depth in enumerate(depths)}
    edges = [e for nodes in members.values() for e in zip(nodes, nodes[1:], strict=False)]
    tops, rows = _cluster_tops(members, edges)
    assert len({round(top) for top in tops.values()}) <= rows, (tops, rows)
