"""Pair contexts as columns: the same contexts as the ``PairContext`` objects they replace."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.link.candidates import generate_candidates, generate_columns
from argmap.link.contexts import PairContexts
from argmap.link.pair_scores import _positions, position_index
from argmap.link.relation_model import PairContext
from argmap.options import LinkOptions
from tests.link.test_linker import _cue_corpus

CONTEXTS = st.builds(
    PairContext, same_post=st.booleans(), distance=st.integers(-50, 50),
    parent_first=st.booleans(), parent_last=st.booleans(), child_first=st.booleans(),
    reply=st.booleans(), quoted=st.booleans(),
    similarity=st.none() | st.floats(-1.0, 1.0, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(CONTEXTS, max_size=30), st.lists(CONTEXTS, max_size=5))
def test_contexts_columns_give_back_the_objects(first: list[PairContext],
                                                second: list[PairContext]) -> None:
    columns = PairContexts.of(first)
    assert PairContexts.of(columns) is columns
    assert len(columns) == len(first) and list(columns) == first
    assert [columns[k] for k in range(len(first))] == first
    both = PairContexts.concat([columns, PairContexts.of(second)])
    assert list(both) == first + second
    rows = np.arange(len(both))[::-1]
    assert list(both.take(rows)) == (first + second)[::-1]
    assert _positions(both).tolist() == [position_index(x) for x in first + second]


def test_contexts_make_broadcasts_scalars_and_columns() -> None:
    made = PairContexts.make(3, reply=True, parent_first=np.array([True, False, False]),
                             similarity=np.array([0.5, 0.0, -0.25]))
    assert list(made) == [PairContext(reply=True, parent_first=True, similarity=0.5),
                          PairContext(reply=True, similarity=0.0),
                          PairContext(reply=True, similarity=-0.25)]
    assert list(PairContexts.make(2, quoted=True)) == [PairContext(quoted=True)] * 2
    assert len(PairContexts.concat([])) == 0


def test_contexts_across_pairs_are_columns_with_each_route_context() -> None:
    """The across-post candidates carry columns (no object per pair), and the contexts they
    give back are the ones each route made: replies with their cosine, quotes with none."""
    threads, claims, topics = _cue_corpus(80, seed=11)
    _layout, _within, across = generate_columns(threads, claims, topics, LinkOptions())
    assert isinstance(across.contexts, PairContexts) and len(across.contexts) == len(across.child)
    _layout, cands = generate_candidates(threads, claims, topics, LinkOptions())
    seen = set()
    for cand in cands.values():
        ctx = cand.ctx
        if cand.origin == "within":
            assert ctx.same_post
            continue
        assert not ctx.same_post and ctx.distance == 0
        if cand.origin == "reply":
            assert ctx.reply and not ctx.quoted and ctx.similarity is not None
        elif cand.origin == "quote":
            assert ctx.quoted and ctx.similarity is None
        else:
            assert not ctx.reply and not ctx.quoted and isinstance(ctx.similarity, float)
        seen.add(cand.origin)
    assert {"reply", "similarity"} <= seen
