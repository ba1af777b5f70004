"""Pair contexts as columns: ``PairContexts``, a sequence of ``PairContext`` held as arrays.

Why: the across-post candidates of a corpus task are tens of thousands of pairs, each with a
context (reply, quote, similarity and the claim's place in its post). Built as frozen
dataclass objects (~1 us each: eight ``object.__setattr__`` calls) they cost ~2-3 % of a task,
and every reader (``BatchScorer.logits_by_row``, ``scoring._column_scores``,
``reply_stance.votes_of``) only turned them back into columns. Here the rules emit columns,
the readers read columns, and a ``PairContext`` is made only for the pair someone indexes
(``AcrossPairs.candidates``, training). A context's fields are exactly the object's:
``similarity`` NaN stands for ``None`` (no cosine given), which no real cosine is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from argmap.link.relation_model import PairContext

_BOOLS = ("same_post", "parent_first", "parent_last", "child_first", "reply", "quoted")


@dataclass(frozen=True, slots=True, eq=False)
class PairContexts(Sequence[PairContext]):
    """``len`` contexts; ``self[k]`` is context k as a ``PairContext`` (made on demand)."""

    same_post: np.ndarray  # bool
    distance: np.ndarray  # int64
    parent_first: np.ndarray  # bool
    parent_last: np.ndarray  # bool
    child_first: np.ndarray  # bool
    reply: np.ndarray  # bool
    quoted: np.ndarray  # bool
    similarity: np.ndarray  # float64, NaN for None

    @staticmethod
    def make(n: int, *, same_post=False, distance=0, parent_first=False, parent_last=False,
             child_first=False, reply=False, quoted=False, similarity=np.nan) -> PairContexts:
        """``n`` contexts, each field a scalar (the same for all) or a column of ``n``."""
        def column(value, dtype) -> np.ndarray:
            return np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()
        return PairContexts(column(same_post, bool), column(distance, np.int64),
                            column(parent_first, bool), column(parent_last, bool),
                            column(child_first, bool), column(reply, bool), column(quoted, bool),
                            column(similarity, np.float64))

    @staticmethod
    def of(contexts: Sequence[PairContext]) -> PairContexts:
        """Columns of ``contexts`` (returned as they are when they already are columns)."""
        if isinstance(contexts, PairContexts):
            return contexts
        n = len(contexts)
        flags = {name: np.fromiter((getattr(x, name) for x in contexts), bool, n)
                 for name in _BOOLS}
        return PairContexts(
            distance=np.fromiter((x.distance for x in contexts), np.int64, n),
            similarity=np.fromiter((np.nan if x.similarity is None else x.similarity
                                    for x in contexts), np.float64, n), **flags)

    @staticmethod
    def concat(parts: Sequence[PairContexts]) -> PairContexts:
        """The parts one after the other."""
        if not parts:
            return PairContexts.make(0)
        return PairContexts(*(np.concatenate([getattr(p, name) for p in parts])
                              for name in _FIELDS))

    def take(self, rows: np.ndarray) -> PairContexts:
        """The contexts at ``rows``, in that order."""
        return PairContexts(*(getattr(self, name)[rows] for name in _FIELDS))

    def __len__(self) -> int:
        return len(self.distance)

    def __getitem__(self, k):  # an int only (no slices)
        similarity = float(self.similarity[k])
        return PairContext(same_post=bool(self.same_post[k]), distance=int(self.distance[k]),
                           parent_first=bool(self.parent_first[k]),
                           parent_last=bool(self.parent_last[k]),
                           child_first=bool(self.child_first[k]), reply=bool(self.reply[k]),
                           quoted=bool(self.quoted[k]),
                           similarity=None if similarity != similarity else similarity)

    def __iter__(self) -> Iterator[PairContext]:
        return (self[k] for k in range(len(self)))


_FIELDS = ("same_post", "distance", "parent_first", "parent_last", "child_first", "reply",
           "quoted", "similarity")

__all__ = ["PairContexts"]
