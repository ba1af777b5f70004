"""Posts keyed by id: the members of a JSON object, one at a time, without holding the object.

Firebase's Realtime Database and many scrapers export posts as one object keyed by post id,
``{"1": {"text": ...}, "2": {"text": ..., "reply_to": "1"}}``, or the same under a wrapper key
(``{"posts": {"1": {...}}}``). Read as a document, such a file was one record with "no text
field". Here the object is cut into its members as the bytes stream in, as
``json_array.iter_elements`` cuts an array: each member's value is an ``Element`` carrying its
key, placed by its line and byte offset, parsed on its own, so a bad member is one skipped
record and the rest is read, by ``argmap map`` and, streamed, by ``argmap batch``.

Which objects are keyed posts (``keyed_posts``) is decided by their values, never by their
keys alone: the first ``_SAMPLE`` members that parse must all be objects holding a post's text
(``records.field_value``, so ``--field text=...`` counts), and the object itself must hold no
text of its own (a single post whose author is an object, ``{"author": {...}, "text": ...}``,
stays one post). The key is a record's id when the record has none of its own; when it has
one, the record's own id wins (what ``--field id=`` maps is what the data says).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

import orjson

from argmap.errors import InputError
from argmap.readers import deep_json
from argmap.readers.json_array import (
    _BOM,
    ArrayBroken,
    Element,
    _Cursor,
    _element,
    _present,
    _top_members,
    scan_container,
)
from argmap.readers.records import DEFAULT_FIELDS, field_value

_SAMPLE = 3  # members whose values decide whether an object is keyed posts
_KEY_CAP = 1 << 16  # no post id is longer


def iter_members(chunks: Iterator[bytes], max_record_bytes: int, at: int | None = None
                 ) -> Iterator[Element]:
    """The value of every member of the top-level JSON object the chunks hold (or of the
    object at byte ``at``), each an ``Element`` with its ``key``; raises ``ArrayBroken``
    where the object's structure breaks, as ``iter_elements`` does for an array."""
    def member(cursor: _Cursor, index: int, offset: int) -> Element:
        key, value = _value_at(cursor, index, offset)
        return replace(_element(cursor, index, value, max_record_bytes, member=True), key=key)

    return scan_container(chunks, at, b"{", member)


def _value_at(cursor: _Cursor, index: int, offset: int) -> tuple[str, int]:
    """The key of the member at ``offset`` and where its value starts."""
    if cursor.byte(offset) != b'"':
        raise ArrayBroken(f"expected a key (a string) for member {index + 1:,}",
                          cursor.line_at(offset), offset)
    key = _element(cursor, index, offset, _KEY_CAP)
    if not key.complete:
        if cursor.failure is not None:
            raise cursor.failure
        raise ArrayBroken("the file ends inside a key", cursor.line_at(offset), offset)
    try:
        name = orjson.loads(key.data) if key.data is not None else None
    except orjson.JSONDecodeError:
        name = None
    if not isinstance(name, str):
        raise ArrayBroken(f"member {index + 1:,} has no key that can be read",
                          cursor.line_at(offset), offset)
    colon = _present(cursor, cursor.skip_space(key.offset + key.size))
    if cursor.byte(colon) != b":":
        raise ArrayBroken(f"expected ':' after key {name[:80]!r}", cursor.line_at(colon), colon)
    return name, _present(cursor, cursor.skip_space(colon + 1))


def looks_like_post(value: object, fields: Mapping[str, str]) -> bool:
    """An object holding a post's text (where ``--field text=`` or the defaults find it)."""
    return isinstance(value, Mapping) and isinstance(field_value(value, "text", fields), str)


Chunks = Callable[[], Iterator[bytes]]


def keyed_posts(chunks: Chunks, wrappers: tuple[str, ...], fields: Mapping[str, str],
                max_record_bytes: int) -> tuple[str | None, int] | None:
    """Where the keyed posts of the JSON object document ``chunks()`` streams are: (None,
    byte of the object) when the document itself is keyed posts, (key, byte) when they are
    under one of ``wrappers``; None when it is neither (see the module docstring). Each call
    of ``chunks`` streams the content again (a pass holds one member at a time)."""
    text_keys = (fields["text"].split(".")[0],) if "text" in fields else DEFAULT_FIELDS["text"]
    try:
        members = _top_members(_Cursor(chunks()), max_record_bytes,
                               frozenset(wrappers) | frozenset(text_keys))
    except InputError:
        return None
    if any(members.get(key, (0, b""))[1] == b'"' for key in text_keys):
        return None  # the object holds text of its own: one post
    for key in wrappers:
        if key in members and members[key][1] == b"{" and _sampled(
                chunks(), members[key][0], fields, max_record_bytes):
            return key, members[key][0]
    if not members.keys() & set(wrappers) and _sampled(chunks(), None, fields,
                                                       max_record_bytes):
        return None, _start(chunks())
    return None


def _start(chunks: Iterator[bytes]) -> int:
    """The byte the top-level object starts at (after a BOM and spaces)."""
    cursor = _Cursor(chunks)
    while len(cursor.data) < len(_BOM) and cursor.more(0):
        pass
    return cursor.skip_space(len(_BOM) if cursor.data.startswith(_BOM) else 0) or 0


def _sampled(chunks: Iterator[bytes], at: int | None, fields: Mapping[str, str],
             max_record_bytes: int) -> bool:
    """Whether the first members of the object at ``at`` that parse all look like posts."""
    seen = 0
    try:
        for element in iter_members(chunks, max_record_bytes, at):
            if element.data is None or not element.complete:
                continue
            try:
                value = deep_json.loads(element.data)
            except (orjson.JSONDecodeError, RecursionError):
                continue
            if not looks_like_post(value, fields):
                return False
            seen += 1
            if seen == _SAMPLE:
                break
    except (ArrayBroken, InputError):
        pass
    return seen > 0
