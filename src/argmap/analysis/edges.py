"""The map's relations as integer-indexed arrays: what every analysis reads.

Why arrays and not a networkx graph: a corpus map of 100k claims has millions of edges and
networkx spends most of its time building the graph; the per-thread maps are small either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from argmap.model import ArgumentMap, Stance


@dataclass(frozen=True, slots=True)
class Edges:
    """The map's relations as parallel arrays over claim indexes, one entry per distinct
    (source, target, stance); duplicates keep their highest confidence."""

    ids: tuple[str, ...]
    source: np.ndarray
    target: np.ndarray
    attack: np.ndarray  # bool
    confidence: np.ndarray

    @classmethod
    def of(cls, amap: ArgumentMap, min_confidence: float = 0.0) -> Edges:
        """The relations at or above ``min_confidence`` (``analyse.min_confidence``): an
        attack that is probably wrong must not decide that a claim is defeated or contested,
        nor draw a camp line, any more than the map draws it."""
        ids = tuple(claim.id for claim in amap.claims)
        position = {cid: i for i, cid in enumerate(ids)}
        rows = [
            (position.get(rel.source, -1), position.get(rel.target, -1),
             rel.stance is Stance.ATTACK, float(rel.confidence))
            for rel in amap.relations if rel.confidence >= min_confidence
        ]
        table = np.array(rows, dtype=np.float64).reshape(-1, 4)
        table = table[(table[:, 0] >= 0) & (table[:, 1] >= 0)]  # endpoints outside the map
        # canonical order (source, target, stance), highest confidence first; keep the first
        order = np.lexsort((-table[:, 3], table[:, 2], table[:, 1], table[:, 0]))
        table = table[order]
        keys = table[:, :3]
        first = np.ones(len(table), dtype=bool)
        first[1:] = np.any(keys[1:] != keys[:-1], axis=1)
        table = table[first]
        return cls(
            ids=ids,
            source=table[:, 0].astype(np.int64),
            target=table[:, 1].astype(np.int64),
            attack=table[:, 2].astype(bool),
            confidence=table[:, 3].copy(),
        )
