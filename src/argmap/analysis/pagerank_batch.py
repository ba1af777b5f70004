"""PageRank of many small graphs at once, each graph's scores the bits ``centrality.pagerank``
gives it alone.

Why: a corpus task ranks ~375 threads of a few claims each, and each power iteration of each
graph was ~10 numpy calls on a handful of numbers. Here the graphs iterate in lockstep as the
rows of one array, with one block-diagonal transition matrix:

- the set-up (used claims, out weights, normalised weights, dangling claims) is one pass over
  all graphs' edges, each graph's entries in its own order (``bincount`` adds a bin's weights
  in input order, scipy's CSR conversion sorts and sums each row alone);
- the three sums an iteration takes per graph (dangling ranks, the new ranks, the change) are
  numpy's pairwise sum (``np.ndarray.sum`` of the graph's numbers: below 8 a plain loop from
  0.0, up to 128 eight running sums, a fixed tree, then the rest one by one), reproduced on
  zero-padded rows (``pairwise_sums``); a ``reduceat`` over one long vector sums differently
  (measured). Larger graphs iterate in groups of one size and one number of dangling claims,
  where every sum is a contiguous row of the same length, which numpy sums as it sums the
  same numbers alone;
- a graph stops at the iteration its own test says; later iterations leave its row alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from argmap.analysis.centrality import _CONVERGED, _MAX_ITERATIONS, _times
from argmap.analysis.edges import Edges

PAIRWISE_BLOCK = 128  # numpy sums up to this many numbers as one unrolled block
_SIZE_CLASSES = np.asarray([7, 15, 31, 63, PAIRWISE_BLOCK])


def pairwise_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per row j, ``values[j, :lengths[j]].sum()`` to the bit, for lengths <= 128. The rows
    are zero beyond their length and the last column is zero in every row (adding 0.0 to a
    nonnegative sum changes nothing)."""
    m, width = values.shape
    blocks = lengths // 8
    count = int(blocks.max(initial=0))
    if not count:  # every row under 8 numbers: a plain loop from 0.0 (cumsum adds in order)
        return np.cumsum(values, axis=1)[:, -1]
    kept = np.arange(8 * count) < (8 * blocks)[:, None]  # eight running sums over the blocks
    running = np.cumsum(np.where(kept, values[:, :8 * count], 0.0).reshape(m, count, 8),
                        axis=1)[:, -1, :]
    pairs = running[:, 0::2] + running[:, 1::2]
    fours = pairs[:, 0::2] + pairs[:, 1::2]
    total = fours[:, 0] + fours[:, 1]
    rest = (8 * blocks)[:, None] + np.arange(7)  # the last numbers, one by one
    rest = np.where(rest < lengths[:, None], rest, width - 1)
    return np.cumsum(np.column_stack([total, np.take_along_axis(values, rest, axis=1)]),
                     axis=1)[:, -1]


def _row_sums(values: np.ndarray, _lengths: np.ndarray) -> np.ndarray:
    return values.sum(axis=1)


def pagerank_many(edges_list: Sequence[Edges], damping: float = 0.85
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """``centrality.pagerank`` of each graph, to the bit (see the module docstring)."""
    out: list[tuple[np.ndarray, np.ndarray]] = [
        (np.zeros(0, dtype=np.int64), np.zeros(0)) for _ in edges_list]
    live = [k for k, edges in enumerate(edges_list) if len(edges.source)]
    if not live:
        return out
    base = np.zeros(len(live) + 1, dtype=np.int64)
    np.cumsum([len(edges_list[k].ids) for k in live], out=base[1:])
    counts = np.asarray([len(edges_list[k].source) for k in live], dtype=np.int64)
    edge_graph = np.repeat(np.arange(len(live), dtype=np.int64), counts)
    source = np.concatenate([edges_list[k].source for k in live]) + base[edge_graph]
    target = np.concatenate([edges_list[k].target for k in live]) + base[edge_graph]
    confidence = np.concatenate([edges_list[k].confidence for k in live]).astype(np.float64)
    used = np.unique(np.concatenate([source, target]))  # graph by graph, each ascending
    used_graph = np.searchsorted(base, used, side="right") - 1
    sizes = np.bincount(used_graph, minlength=len(live))
    first = np.zeros(len(live), dtype=np.int64)
    np.cumsum(sizes[:-1], out=first[1:])
    position = np.full(int(base[-1]), -1, dtype=np.int64)
    position[used] = np.arange(len(used))  # a used claim's place among all used claims
    src, dst = position[source], position[target]
    out_weight = np.bincount(src, weights=confidence, minlength=len(used))
    norm = np.divide(confidence, out_weight[src], out=np.zeros_like(confidence),
                     where=out_weight[src] > 0)
    local = np.arange(len(used)) - first[used_graph]
    dangling = np.flatnonzero(out_weight <= 0)  # places, graph by graph, each ascending
    n_dangling = np.bincount(used_graph[dangling], minlength=len(live))
    dangling_first = np.zeros(len(live), dtype=np.int64)
    np.cumsum(n_dangling[:-1], out=dangling_first[1:])
    step = _Step(min(max(damping, 0.0), 1.0), norm, local, src, dst, edge_graph, first,
                 sizes, local[dangling], dangling_first, n_dangling)
    # graphs of up to 128 claims by size class, so a row is padded to at most twice its size
    size_class = np.searchsorted(_SIZE_CLASSES, sizes)
    groups: list[tuple[np.ndarray, int, Callable[..., np.ndarray]]] = [
        (members, int(sizes[members].max()) + 1, pairwise_sums)
              for c in range(len(_SIZE_CLASSES))
              if len(members := np.flatnonzero(size_class == c))]
    shapes: dict[tuple[int, int], list[int]] = {}
    for g in np.flatnonzero(sizes > PAIRWISE_BLOCK).tolist():
        shapes.setdefault((int(sizes[g]), int(n_dangling[g])), []).append(g)
    groups += [(np.asarray(members, dtype=np.int64), n, _row_sums)
               for (n, _d), members in shapes.items()]
    for graphs, width, sums in groups:
        ranks = step.iterate(graphs, width, sums)
        for j, g in enumerate(graphs.tolist()):
            n = int(sizes[g])
            out[live[g]] = (used[first[g]:first[g] + n] - base[g], ranks[j, :n].copy())
    return out


class _Step:
    """The graphs' shared set-up, and their power iteration in lockstep."""

    def __init__(self, damping: float, norm: np.ndarray, local: np.ndarray, src: np.ndarray,
                 dst: np.ndarray, edge_graph: np.ndarray, first: np.ndarray,
                 sizes: np.ndarray, dangling: np.ndarray, dangling_first: np.ndarray,
                 n_dangling: np.ndarray) -> None:
        self.damping, self.norm, self.local, self.src, self.dst = damping, norm, local, src, dst
        self.edge_graph, self.first, self.sizes = edge_graph, first, sizes
        self.dangling, self.dangling_first, self.n_dangling = (dangling, dangling_first,
                                                               n_dangling)

    def iterate(self, graphs: np.ndarray, width: int, sums) -> np.ndarray:
        """The ranks of ``graphs`` as rows of ``width`` (zero beyond each graph's size)."""
        m = len(graphs)
        n = self.sizes[graphs]
        slot = np.full(len(self.sizes), -1, dtype=np.int64)
        slot[graphs] = np.arange(m)
        mine = np.flatnonzero(slot[self.edge_graph] >= 0)
        shift = slot[self.edge_graph[mine]] * width
        transition = sparse.csr_matrix(
            (self.norm[mine], (self.local[self.dst[mine]] + shift,
                               self.local[self.src[mine]] + shift)), shape=(m * width,) * 2)
        holes_n = self.n_dangling[graphs]
        # each graph's dangling claims, padded with the last (zero) column where rows differ
        columns = int(holes_n.max(initial=0)) + (sums is pairwise_sums)
        at = np.arange(columns)
        pick = np.minimum(self.dangling_first[graphs][:, None] + at,
                          max(len(self.dangling) - 1, 0))
        holes = np.where(at < holes_n[:, None], self.dangling[pick] if len(self.dangling)
                         else 0, width - 1)
        rows = np.arange(m)[:, None]
        valid = np.arange(width) < n[:, None]
        d = self.damping
        rank = np.where(valid, 1.0 / n[:, None], 0.0)
        teleport = ((1.0 - d) / n)[:, None]
        active = np.ones(m, dtype=bool)
        for _ in range(_MAX_ITERATIONS):
            spread = d * (_times(transition, rank.reshape(-1)).reshape(m, width)
                          + (sums(rank[rows, holes], holes_n) / n)[:, None]) + teleport
            spread = np.where(valid, spread, 0.0)
            spread /= sums(spread, n)[:, None]
            done = sums(np.abs(spread - rank), n) < _CONVERGED
            rank[active] = spread[active]
            active &= ~done
            if not active.any():
                break
        return rank
