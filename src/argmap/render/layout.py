"""Where Graphviz should put things: rank hints that keep any map between 1:3 and 3:1.

``dot`` lays a reply tree out as ranks, and left alone it makes ribbons: a 3,000-post thread's
topic maps came out 4-6 times wider than tall (many shallow trees side by side), a deep reply
chain comes out as a tower, and the same chain with ``rankdir=LR`` as a ribbon. argmap cannot
move nodes itself (dot places them), but it can tell dot which nodes share ranks. So this module
estimates each box's size from its label, works out the rank each node would get, and then:

- staggers a fan of k leaf replies over about sqrt(1.5 k) ranks (what ``unflatten -l`` does);
- folds a chain that is deeper than the picture should be tall into bands laid side by side
  (the edges between bands stop constraining ranks);
- packs the resulting pieces (trees, band pieces, lone claims) into rows of a target width,
  stacking rows with invisible anchor nodes; then packs topic clusters the same way.

The target width is chosen so the picture's width / height comes out near ``aspect``; the
caller measures the SVG and re-plans with a corrected aspect when dot's result is off
(``draw.draw_map``). Everything is computed from sorted ids, so the same map gives the same DOT.
All sizes are in points, measured against dot 2.43's own boxes for 11 pt Helvetica labels.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CHAR_PT = 6.0  # average advance of an 11 pt Helvetica character (measured: 5.85)
LINE_PT = 12.0  # line height of 11 pt text in a dot box
MIN_BOX = (54.0, 36.0)  # dot's default minimum node size (0.75 x 0.5 in)
NODESEP = 18.0  # graph nodesep=0.25 in
RANKSEP = 25.0  # graph ranksep=0.35 in
CLUSTER_PAD = 28.0  # cluster margin on both sides
CLUSTER_LABEL = 30.0  # a cluster's title line
FOLD_SLACK = 1.3  # a piece is folded only when it is this much deeper than the target
GREEDY_EDGES = 1000  # up to this many edges, cycles are broken by strength (else depth-first)
PULL = 8  # dot weight of an edge hanging a row from the anchor above it (others weigh 1)

Edge = tuple[str, str]  # (upper, lower): the upper node is drawn above (before) the lower one


@dataclass(frozen=True, slots=True)
class Layout:
    """Layout hints for one DOT graph.

    ``minlen`` per (upper, lower) edge; ``loose`` edges must not constrain ranks
    (``constraint=false``); ``invisible_edges`` stack rows through ``anchors`` (invisible point
    nodes, per cluster id, ``""`` for the graph itself); ``pulled`` are those of them that hang
    a row from the anchor above it, drawn with weight ``PULL`` so a row shorter than its
    neighbours sits at the top of its band (with equal weights dot's network simplex may leave
    it anywhere in the band: a short cluster sank to the row's bottom and left a blank band
    above it); ``bottom`` are the anchors under the last row (a legend hung from them sits
    below the map instead of widening it); ``extent`` is the estimated (width, height) in
    points.
    """

    minlen: dict[Edge, int]
    loose: frozenset[Edge]
    invisible_edges: tuple[Edge, ...]
    anchors: dict[str, tuple[str, ...]]
    extent: tuple[float, float]
    bottom: tuple[str, ...] = ()
    pulled: frozenset[Edge] = frozenset()


def box_size(lines: Sequence[str], width_of: Iterable[int] | None = None) -> tuple[float, float]:
    """Estimated (width, height) in points of a dot box holding ``lines`` of 11 pt text."""
    widths = list(width_of) if width_of is not None else [len(line) for line in lines]
    width = max(widths, default=0) * CHAR_PT + 20.0
    height = len(lines) * LINE_PT + 14.0
    return max(MIN_BOX[0], width), max(MIN_BOX[1], height)


@dataclass(slots=True)
class _Piece:
    """A set of nodes laid out as one block: its ranks relative to its own top."""

    nodes: list[str]
    rank: dict[str, int]
    cross: float = 0.0  # extent across ranks (width when ranks run top to bottom)
    along: float = 0.0  # extent along ranks (height when ranks run top to bottom)


def plan_layout(
    members: dict[str, list[str]], edges: Sequence[Edge], sizes: dict[str, tuple[float, float]],
    *, sideways: bool = False, aspect: float = 1.5,
) -> Layout:
    """Plan every cluster (``members``: cluster id -> node ids, in drawing order), then stack
    the clusters in rows. ``edges`` come strongest first: where they form a cycle, the weaker
    ones are drawn loose. Edges between clusters never constrain ranks. A cluster id of ``""``
    means nodes that sit in the graph itself (no cluster box)."""
    cluster_of = {nid: cid for cid, nodes in members.items() for nid in nodes}
    inside = [(u, lower) for u, lower in dict.fromkeys(edges)
              if u in cluster_of and cluster_of.get(u) == cluster_of.get(lower) and u != lower]
    constraining = set(inside)
    loose = {e for e in edges if e not in constraining}
    along_of = (lambda s: s[0]) if sideways else (lambda s: s[1])
    cross_of = (lambda s: s[1]) if sideways else (lambda s: s[0])
    # desired cross / along ratio: width / height when ranks run downwards
    ratio = 1.0 / aspect if sideways else aspect
    minlen: dict[Edge, int] = {}
    invisible: list[Edge] = []
    pulled: set[Edge] = set()
    anchors: dict[str, tuple[str, ...]] = {}
    blocks: list[tuple[str, float, float]] = []  # (cluster id, cross, along)
    by_cluster: dict[str, list[Edge]] = defaultdict(list)
    for edge in inside:
        by_cluster[cluster_of[edge[0]]].append(edge)
    for cid in sorted(members):
        nodes = members[cid]
        if not nodes:
            continue
        plan = _plan_group(cid, nodes, by_cluster[cid], sizes, along_of, cross_of, ratio)
        loose |= plan.loose
        minlen.update(plan.minlen)
        invisible += plan.invisible
        pulled |= plan.pulled
        anchors[cid] = plan.anchors
        pad = 0.0 if cid == "" else CLUSTER_PAD
        label = 0.0 if cid == "" else CLUSTER_LABEL
        blocks.append((cid, plan.cross + pad, plan.along + pad + label))
    rows = _rows(blocks, ratio)
    # lrow0 holds the first row's tops level when it has several clusters
    first = 0 if rows and len(rows[0]) > 1 else 1
    names = [f"lrow{k}" for k in range(first, len(rows))]
    for k in range(first, len(rows)):
        name = f"lrow{k}"
        if k:
            invisible += [(_bottom(cid), name) for cid, _, _ in rows[k - 1]]
        hangs = [(name, _top(cid)) for cid, _, _ in rows[k]]
        invisible += hangs
        pulled.update(hangs)
    if names:
        anchors[""] = anchors.get("", ()) + tuple(names)
    cross, along = _extent(rows) if rows else (0.0, 0.0)
    extent = (along, cross) if sideways else (cross, along)
    bottom = tuple(_bottom(cid) for cid, _, _ in rows[-1]) if rows else ()
    return Layout(minlen=minlen, loose=frozenset(loose), invisible_edges=tuple(invisible),
                  anchors=anchors, extent=extent, bottom=bottom, pulled=frozenset(pulled))


def _top(cid: str) -> str:
    return f"{cid}_top" if cid else "g_top"


def _bottom(cid: str) -> str:
    return f"{cid}_bottom" if cid else "g_bottom"


def _layer(
    nodes: list[str], edges: list[Edge], sizes: dict[str, tuple[float, float]], cross_of,  # noqa: ANN001
    width: float,
) -> dict[str, int]:
    """Ranks for an acyclic piece, no rank wider than ``width`` (greedy Coffman-Graham style).

    Nodes are placed in topological order, earliest (drawing order) first, each on the first
    rank below all its parents that still has room. A fan of k replies thus spreads over as
    many ranks as it needs to stay ``width`` wide: it folds long sibling lists, which is what
    ``unflatten -l`` does for leaves, for every node. Iterative: no recursion on deep chains.
    """
    order = {n: i for i, n in enumerate(nodes)}
    children: dict[str, list[str]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    indegree = dict.fromkeys(nodes, 0)
    for upper, lower in edges:
        children[upper].append(lower)
        parents[lower].append(upper)
        indegree[lower] += 1
    ready = [(order[n], n) for n in nodes if indegree[n] == 0]
    heapq.heapify(ready)
    used: dict[int, float] = defaultdict(float)
    rank: dict[str, int] = {}
    while ready:
        _, node = heapq.heappop(ready)
        r = max((rank[p] + 1 for p in parents[node]), default=0)
        size = cross_of(sizes[node])
        while used[r] and used[r] + NODESEP + size > width:
            r += 1
        rank[node] = r
        used[r] += (NODESEP if used[r] else 0.0) + size
        for child in children[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, (order[child], child))
    return rank


@dataclass(frozen=True, slots=True)
class _GroupPlan:
    loose: frozenset[Edge]
    minlen: dict[Edge, int]
    invisible: list[Edge]
    pulled: frozenset[Edge]
    anchors: tuple[str, ...]
    cross: float
    along: float


def _plan_group(
    cid: str, nodes: list[str], edges: list[Edge], sizes: dict[str, tuple[float, float]],
    along_of, cross_of, ratio: float,  # noqa: ANN001
) -> _GroupPlan:
    """Ranks, folding and row packing inside one cluster (or the graph, for ``cid == ""``)."""
    order = {nid: i for i, nid in enumerate(nodes)}
    back = _greedy_back_edges(edges) if len(edges) <= GREEDY_EDGES else _back_edges(nodes, edges)
    tight = [e for e in edges if e not in back]
    area = sum((cross_of(sizes[n]) + NODESEP) * (along_of(sizes[n]) + RANKSEP) for n in nodes)
    cross_target = math.sqrt(area * ratio)
    along_target = area / cross_target
    pieces: list[_Piece] = []
    cut: set[Edge] = set(back)
    for component in _components(nodes, tight, order):
        members = set(component)
        own = [e for e in tight if e[0] in members]
        rank = _layer(component, own, sizes, cross_of, cross_target)
        piece = _measure(_Piece(component, rank), sizes, along_of, cross_of)
        if piece.along > along_target * FOLD_SLACK and len(set(piece.rank.values())) > 1:
            parts, crossing = _fold(piece, own, along_target, sizes, along_of, order)
            cut |= crossing
            pieces += [_measure(p, sizes, along_of, cross_of) for p in parts]
        else:
            pieces.append(piece)
    pieces.sort(key=lambda p: min(order[n] for n in p.nodes))
    rows = _rows([(i, p.cross, p.along) for i, p in enumerate(pieces)], ratio)
    kept = [e for e in tight if e not in cut]
    rank_of = {n: r for p in pieces for n, r in p.rank.items()}
    minlen = {(u, v): rank_of[v] - rank_of[u] for u, v in kept if rank_of[v] - rank_of[u] > 1}
    has_parent = {lower for _, lower in kept}
    has_child = {upper for upper, _ in kept}
    names = [_top(cid)] + [f"{cid or 'g'}_r{k}" for k in range(1, len(rows))] + [_bottom(cid)]
    invisible: list[Edge] = []
    pulled: set[Edge] = set()
    for k, row in enumerate(rows):
        for index, _, _ in row:
            deepest = max(rank_of[n] for n in pieces[index].nodes)
            for n in pieces[index].nodes:
                if n not in has_parent:
                    invisible.append((names[k], n))
                    pulled.add((names[k], n))
                    if rank_of[n] > 0:  # a head pushed down a rank to keep its rank narrow
                        minlen[(names[k], n)] = rank_of[n] + 1
                # only the deepest nodes hold the next row down: an edge from every leaf
                # would cross the ranks below it and double dot's time (virtual nodes)
                if rank_of[n] == deepest and n not in has_child:
                    invisible.append((n, names[k + 1]))
    cross, along = _extent(rows)
    along += RANKSEP * 2  # the anchor ranks above and below
    return _GroupPlan(loose=frozenset(cut), minlen=minlen, invisible=invisible,
                      pulled=frozenset(pulled), anchors=tuple(names), cross=cross, along=along)


def _greedy_back_edges(edges: list[Edge]) -> set[Edge]:
    """Edges left out of an acyclic set built greedily in the given order (strongest first):
    each edge is kept unless its lower end already reaches its upper end. The strongest
    relations then decide the ranks and the weaker ones of a cycle are drawn loose."""
    children: dict[str, list[str]] = defaultdict(list)
    back: set[Edge] = set()
    for upper, lower in edges:
        seen, todo = {lower}, [lower]
        while todo and upper not in seen:
            for child in children[todo.pop()]:
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        if upper in seen:
            back.add((upper, lower))
        else:
            children[upper].append(lower)
    return back


def _back_edges(nodes: list[str], edges: list[Edge]) -> set[Edge]:
    """Edges that close a cycle in a depth-first walk from the nodes in order (iterative)."""
    children: dict[str, list[str]] = defaultdict(list)
    for upper, lower in edges:
        children[upper].append(lower)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[Edge] = set()
    for start in nodes:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(sorted(children[start])))]
        while stack:
            node, todo = stack[-1]
            child = next(todo, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(children[child]))))
    return back


def _components(nodes: list[str], edges: list[Edge], order: dict[str, int]) -> list[list[str]]:
    """Weakly connected components, each in drawing order, ordered by their first node."""
    parent = {n: n for n in nodes}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for upper, lower in edges:
        a, b = find(upper), find(lower)
        if a != b:
            parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        groups[find(n)].append(n)
    return sorted(groups.values(), key=lambda g: order[g[0]])


def _measure(piece: _Piece, sizes: dict[str, tuple[float, float]], along_of, cross_of) -> _Piece:  # noqa: ANN001
    """Fill in a piece's extents: ranks stacked along, the widest rank across."""
    low = min(piece.rank.values())
    piece.rank = {n: r - low for n, r in piece.rank.items()}
    per_rank: dict[int, list[str]] = defaultdict(list)
    for n in piece.nodes:
        per_rank[piece.rank[n]].append(n)
    depth = max(per_rank)
    # an empty rank (a staggered leaf skips one) costs one rank gap and no box
    piece.along = sum(max(along_of(sizes[n]) for n in per_rank[r]) for r in per_rank) + (
        RANKSEP * depth)
    piece.cross = max(sum(cross_of(sizes[n]) for n in group) + NODESEP * (len(group) - 1)
                      for group in per_rank.values())
    return piece


def _fold(
    piece: _Piece, edges: list[Edge], along_target: float, sizes: dict[str, tuple[float, float]],
    along_of, order: dict[str, int],  # noqa: ANN001
) -> tuple[list[_Piece], set[Edge]]:
    """Cut a too-deep piece into bands of ranks about ``along_target`` deep; the edges between
    bands stop constraining, so dot lays the bands side by side."""
    per_rank: dict[int, float] = defaultdict(float)
    for n in piece.nodes:
        per_rank[piece.rank[n]] = max(per_rank[piece.rank[n]], along_of(sizes[n]))
    band_of_rank: dict[int, int] = {}
    band, used = 0, 0.0
    for r in range(max(per_rank) + 1):
        step = per_rank.get(r, 0.0) + RANKSEP
        if used and used + step > along_target:
            band, used = band + 1, 0.0
        band_of_rank[r] = band
        used += step
    band_of = {n: band_of_rank[piece.rank[n]] for n in piece.nodes}
    members = set(piece.nodes)
    crossing = {(u, v) for u, v in edges if u in members and band_of[u] != band_of[v]}
    within = [(u, v) for u, v in edges if u in members and band_of[u] == band_of[v]]
    parts = [_Piece(group, {n: piece.rank[n] for n in group})
             for group in _components(sorted(piece.nodes, key=order.__getitem__), within, order)]
    return parts, crossing


def _rows(blocks: list[tuple], ratio: float) -> list[list[tuple]]:
    """Pack (key, cross, along) blocks into rows so the whole comes out near ``ratio``
    (cross / along). Shelf packing, tallest first, each block into the first row with room,
    tried for row widths from the widest block up to one row, keeping the best fit."""
    if not blocks:
        return []
    ordered = sorted(blocks, key=lambda b: -b[2])  # stable: equal heights keep drawing order
    widest = max(b[1] for b in blocks)
    one_row = sum(b[1] for b in blocks) + NODESEP * (len(blocks) - 1)
    best: tuple[float, list[list[tuple]]] | None = None
    width = widest
    while True:
        rows = _shelves(ordered, width)
        cross, along = _extent(rows)
        score = abs(math.log(max(cross, 1.0) / max(along, 1.0) / ratio))
        if best is None or score < best[0] - 1e-9:
            best = (score, rows)
        if width >= one_row:
            return best[1]
        width = min(one_row, width * 1.2)


def _shelves(blocks: list[tuple], width: float) -> list[list[tuple]]:
    rows: list[list[tuple]] = []
    used: list[float] = []
    for block in blocks:
        for k, row in enumerate(rows):
            if used[k] + NODESEP + block[1] <= width:
                row.append(block)
                used[k] += NODESEP + block[1]
                break
        else:
            rows.append([block])
            used.append(block[1])
    return rows


def _extent(rows: list[list[tuple]]) -> tuple[float, float]:
    """(cross, along) of packed rows: the widest row, the rows' heights stacked."""
    cross = max(sum(b[1] for b in row) + NODESEP * (len(row) - 1) for row in rows)
    along = sum(max(b[2] for b in row) for row in rows) + RANKSEP * (len(rows) - 1)
    return cross, along
