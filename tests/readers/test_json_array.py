"""A JSON array is cut into its elements as its bytes stream in (``readers.json_array``): the
elements, their lines and byte offsets are exactly those of the document parsed whole, for any
chunking, any whitespace and any text inside strings."""

from __future__ import annotations

import json
import tracemalloc

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from argmap.readers.json_array import ArrayBroken, iter_elements, starts_with_array, top_members
from argmap.readers.json_places import DocumentPlaces

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | \
    st.sampled_from(['"', "\\", "]", "[", "},{", '\\"]', "\n", "é"])
_SCALARS = st.none() | st.booleans() | st.integers(-10**9, 10**9) | _TEXT | \
    st.floats(allow_nan=False, allow_infinity=False)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=12)


def _chunked(data: bytes, size: int):
    return iter([data[i:i + size] for i in range(0, len(data), size)] or [b""])


@settings(max_examples=200, deadline=None)
@given(elements=st.lists(_VALUES, max_size=6), indent=st.sampled_from([None, 0, 1, "\t"]),
       ascii_only=st.booleans(), bom=st.booleans(), chunk=st.integers(1, 64))
@example(elements=[{"a": "]},{"}, "x"], indent=None, ascii_only=True, bom=False, chunk=1)
def test_json_array_elements_equal_the_whole_parse(elements, indent, ascii_only, bom, chunk):
    data = (b"\xef\xbb\xbf" if bom else b"") + json.dumps(
        elements, indent=indent, ensure_ascii=ascii_only).encode()
    assert starts_with_array(data[:10] if data[:10].strip() else data)
    found = list(iter_elements(_chunked(data, chunk), 1 << 20))
    assert [orjson.loads(e.data) for e in found] == orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    places = DocumentPlaces(data)
    for element in found:
        assert element.complete and element.size == len(element.data)
        assert (element.line, element.offset) == places.place((element.index,))
        assert data[element.offset:element.offset + element.size] == element.data


@settings(max_examples=60, deadline=None)
@given(elements=st.lists(_VALUES, min_size=1, max_size=4), cut=st.integers(0, 10**6))
def test_json_array_cut_anywhere_keeps_the_elements_before_the_cut(elements, cut):
    data = json.dumps(elements).encode()
    cut %= len(data)  # a proper prefix
    kept: list[object] = []
    with pytest.raises(ArrayBroken) if cut == 0 else _maybe_broken():
        for element in iter_elements(_chunked(data[:cut], 7), 1 << 20):
            if not element.complete:
                assert element.offset + element.size == cut
                break
            kept.append(orjson.loads(element.data))
    assert kept == elements[:len(kept)]


class _maybe_broken:
    """The cut may fall between elements (ArrayBroken: no ']') or inside one (cut off)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is None or issubclass(kind, ArrayBroken)


def test_json_array_an_element_over_the_cap_is_skipped_without_being_held():
    big = {"text": "x" * 5000, "inner": [{"a": "]"}] * 50}
    data = json.dumps([{"id": 1}, big, {"id": 3}]).encode()
    first, second, third = iter_elements(_chunked(data, 100), 1000)
    assert second.data is None and second.size == len(json.dumps(big))
    assert orjson.loads(first.data) == {"id": 1} and orjson.loads(third.data) == {"id": 3}
    assert third.offset == data.index(b'{"id": 3}')


@pytest.mark.parametrize(("text", "where"), [
    (b'[{"a": 1} {"b": 2}]', 10), (b'[{"a": 1},]', 10), (b'[{"a": 1}] x', 11),
    (b'{"posts": []}', 0), (b'[{"a": 1},\n{"b": 2}', 19)])
def test_json_array_broken_structure_names_its_byte(text, where):
    with pytest.raises(ArrayBroken) as caught:
        list(iter_elements(iter([text]), 1 << 20))
    assert caught.value.offset == where


@pytest.mark.parametrize("opening", [b'[{"a": "', b'["', b"[[[", b"[12345"])
def test_json_array_a_huge_unclosed_element_is_never_held(opening):
    """A hostile file: an element that never ends. Scanned on from where each chunk ended,
    never again from its start, and dropped once over the cap: memory stays at a chunk or two."""
    filler = b"[" if opening == b"[[[" else b"7" if opening == b"[12345" else b"x\\\\"
    chunks = iter([opening] + [filler * (1 << 14)] * 200)  # 3-10 MB in 16-48 KB chunks
    tracemalloc.start()
    try:
        (element,) = iter_elements(chunks, 1 << 18)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not element.complete and element.data is None and element.offset == 1
    assert peak < 1 << 20


def test_json_array_a_backslash_before_a_line_break_does_not_hide_the_rest():
    data = b'[{"a": "x\\\ny"},\n {"b": 1}]'  # not valid JSON inside, but the array's shape is
    first, second = iter_elements(iter([data]), 1 << 20)
    assert first.data == b'{"a": "x\\\ny"}' and orjson.loads(second.data) == {"b": 1}


@settings(max_examples=100, deadline=None)
@given(document=st.dictionaries(_TEXT, _VALUES, max_size=5), indent=st.sampled_from([None, 2]))
def test_json_array_top_members_are_where_the_values_are(document, indent):
    data = json.dumps(document, indent=indent).encode()
    places = DocumentPlaces(data)
    assert top_members(data, 1 << 20) == {key: places.place((key,))[1] for key in document}


def test_json_array_top_members_stop_at_the_damage():
    data = b'{"title": "T", "posts": [{"id": 1}, {"id": 2, "x": tru}], "n": {"a": }'
    assert top_members(data, 1 << 20) == {"title": 10, "posts": 24, "n": 63}
    assert top_members(b'{"a": 1 "b": 2}', 1 << 20) == {"a": 6}
    assert top_members(b'[1, 2]', 1 << 20) == {}
