"""Streamed canonical JSON: the same bytes as ``files.canonical_json``, in bounded pieces."""

from __future__ import annotations

import dataclasses

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.exports import json_stream
from argmap.exports.native import json_chunks, to_json
from argmap.files import canonical_json
from argmap.model import SCHEMA_VERSION, Analysis, ArgumentMap, Quote, Thread
from tests.builders import make_map, with_post_relations


def _reference(amap: ArgumentMap, analysis: Analysis | None) -> bytes:
    """The native JSON as it was made before streaming: the whole document as one dict tree."""
    def plain(record):
        return orjson.loads(orjson.dumps(record))
    return canonical_json({"format": "argmap", "schema_version": SCHEMA_VERSION,
                           "map": plain(amap),
                           "analysis": None if analysis is None else plain(analysis)})


def _hostile_map(n_claims: int, text: str, empty_thread: bool, seed: int):
    amap, analysis = make_map(n_claims, seed=seed, texts=[text, "plain words", text[::-1]])
    first = dataclasses.replace(amap.threads[0].posts[0], title=text, flags=("deleted",),
                                quotes=(Quote(text=text, post_id=None),), score=-0.1)
    threads = (dataclasses.replace(amap.threads[0], posts=(first, *amap.threads[0].posts[1:]),
                                   title=text or None),)
    if empty_thread:
        threads += (Thread(id=text + "\n", title=None, posts=()),)
    amap = with_post_relations(dataclasses.replace(amap, threads=threads), seed=seed)
    return amap, analysis


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_claims=st.integers(1, 40), text=st.text(max_size=60), empty_thread=st.booleans(),
       batch=st.integers(1, 9), with_analysis=st.booleans(), seed=st.integers(0, 3))
def test_json_stream_native_chunks_equal_the_whole_document(n_claims, text, empty_thread, batch,
                                                            with_analysis, seed):
    amap, analysis = _hostile_map(n_claims, text, empty_thread, seed)
    analysis = analysis if with_analysis else None
    saved, json_stream.BATCH = json_stream.BATCH, batch  # runs cut inside every list
    try:
        pieces = list(json_chunks(amap, analysis))
    finally:
        json_stream.BATCH = saved
    assert b"".join(pieces) == _reference(amap, analysis) == to_json(amap, analysis)


@settings(max_examples=100, deadline=None)
@given(value=st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30), batch=st.integers(1, 4))
def test_json_stream_chunks_equal_canonical_json_for_any_plain_value(value, batch):
    saved, json_stream.BATCH = json_stream.BATCH, batch
    try:
        streamed = b"".join(json_stream.chunks(value, expand=(Thread,)))
    finally:
        json_stream.BATCH = saved
    assert streamed == canonical_json(value)


def test_json_stream_pieces_stay_small_on_a_big_map():
    """No piece holds more than a run of records: the JSON of a 4,000-post thread (a few MB)
    comes in pieces of at most a few hundred KB."""
    amap, analysis = make_map(4000, seed=2)
    pieces = list(json_chunks(amap, analysis))
    total = sum(map(len, pieces))
    assert total > 2_000_000
    assert max(map(len, pieces)) < total / 10
