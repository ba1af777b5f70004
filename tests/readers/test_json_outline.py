"""``readers.json_outline``: the shape of a big JSON object read as a stream, so that ``sniff``
never parses a million-post export whole (before: a 20k-post ``{"posts": [...]}`` export was
parsed whole to be sniffed, then again to be read)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.readers.json_outline import outline

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(st.sampled_from('ab"\\]}[{ ,:\u00e9\U0001f642'), max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text("kx[\"", max_size=3), inner,
                                                 max_size=4)), max_leaves=30)


def expected(value: object, depth: int = 0) -> object:
    """The outline by its definition, from the parsed document."""
    if isinstance(value, dict):
        return {k: expected(v, depth + 1) for k, v in value.items()} if depth < 8 else None
    if isinstance(value, list):
        return [expected(v, depth + 1) for v in value[:2]] if depth < 8 else None
    return value


def chunked(data: bytes, size: int):
    return (data[i:i + size] for i in range(0, len(data), size))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text("kpost", max_size=5), values, max_size=5), st.integers(1, 9),
       st.sampled_from([None, 1]))
def test_json_outline_is_the_document_with_arrays_cut_to_two(document, size, indent) -> None:
    data = json.dumps(document, indent=indent).encode()
    assert outline(chunked(data, size)) == expected(json.loads(data))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text("kpost", max_size=5), values, min_size=1, max_size=5),
       st.data())
def test_json_outline_of_a_cut_document_is_none(document, data) -> None:
    whole = json.dumps(document).encode()
    cut = data.draw(st.integers(1, len(whole) - 1))
    assert outline(chunked(whole[:cut], 3)) is None


def test_json_outline_what_it_refuses_and_what_it_does_not_check() -> None:
    for bad in [b'{"a" 1}', b'{"a":[1 2]}', b'{"a":1}x', b'{"a":tru}', b'{"a":1,}', b"{,}"]:
        assert outline(iter([bad])) is None, bad
    # past the first two elements only brackets are counted: the reader finds the rest
    assert outline(iter([b'{"a":[1,2,3 4,]}'])) == {"a": [1, 2]}
    assert outline(iter([b'\xef\xbb\xbf {"posts": [{"x": "]"}]} \n'])) == {"posts": [{"x": "]"}]}
    assert outline(iter([b'{"s": "' + b"x" * 70_000 + b'"}'])) == {"s": None}  # over the cap
