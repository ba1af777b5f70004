"""Canonical JSON written piece by piece: the bytes of ``files.canonical_json``, never whole.

A 20,000-post thread's native JSON is ~245 MB pretty-printed; building it as one dict tree
(``orjson.loads(orjson.dumps(map))``) and then one bytes object held ~1 GB over the map itself,
the peak of a whole ``argmap map`` run. ``chunks`` walks the records instead: the objects named
in ``expand`` (the map, the analysis, a thread: records that hold long tuples) are opened key
by key in sorted order, tuples are cut into runs of ``BATCH`` items, and each run is encoded
by orjson (its C dataclass encoder, back to dicts so keys can be sorted, then sorted and
indented) and re-indented to its depth. Memory is one run's worth; the bytes are the same as
``canonical_json`` of the whole document (orjson escapes newlines inside strings, so every raw
newline of its output is a line break that takes the depth's indent; tests compare the two on
hostile maps).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import orjson

BATCH = 256  # items encoded per orjson call: large enough to amortise the call, small in memory
_PRETTY = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def chunks(value: Any, expand: tuple[type, ...] = ()) -> Iterator[bytes]:
    """``canonical_json(plain(value))`` in pieces (their concatenation is those bytes, the
    final newline included). ``value`` is made of dicts with string keys, dataclasses, lists,
    tuples and scalars; dicts and instances of ``expand`` are written key by key."""
    yield from _value(value, 0, expand)
    yield b"\n"


def _value(value: Any, depth: int, expand: tuple[type, ...]) -> Iterator[bytes]:
    if isinstance(value, dict):
        yield from _object(sorted(value.items()), depth, expand)
    elif isinstance(value, expand):
        names = _field_names(type(value))  # type: ignore[arg-type]  # a type is hashable
        yield from _object([(name, getattr(value, name)) for name in names],
                           depth, expand)
    elif isinstance(value, list | tuple) and value:
        yield from _array(value, depth, expand)
    else:
        yield _encoded(value, depth)


def _object(items: Sequence[tuple[str, Any]], depth: int, expand: tuple[type, ...]
            ) -> Iterator[bytes]:
    if not items:
        yield b"{}"
        return
    inner = _pad(depth + 1)
    yield b"{\n"
    for index, (key, item) in enumerate(items):
        yield (b",\n" if index else b"") + inner + orjson.dumps(key) + b": "
        yield from _value(item, depth + 1, expand)
    yield b"\n" + _pad(depth) + b"}"


def _array(items: Sequence[Any], depth: int, expand: tuple[type, ...]) -> Iterator[bytes]:
    inner = _pad(depth + 1)
    closing = b"\n" + _pad(depth) + b"]"
    yield b"[\n"
    for start in range(0, len(items), BATCH):
        run = items[start:start + BATCH]
        if start:
            yield b",\n"
        if expand and any(isinstance(item, (*expand, dict)) for item in run):
            for index, item in enumerate(run):
                yield (b",\n" if index else b"") + inner
                yield from _value(item, depth + 1, expand)
        else:  # the run as one array at this depth, without its brackets
            yield _encoded(list(run), depth)[2:-len(closing)]
    yield closing


def _encoded(value: Any, depth: int) -> bytes:
    """``value`` as canonical JSON indented to ``depth`` (its first line not indented)."""
    plain = orjson.loads(orjson.dumps(value))
    text = orjson.dumps(plain, option=_PRETTY)
    return text.replace(b"\n", b"\n" + _pad(depth)) if depth else text


@cache
def _pad(depth: int) -> bytes:
    return b"  " * depth


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(sorted(f.name for f in dataclasses.fields(cls)))
