"""The outline of a big JSON object document: its shape, without parsing (or holding) it whole.

``sniff`` names the format of a JSON object from its shape (a Discourse topic's
``post_stream.posts``, LessWrong's ``data.comments.results``, ``{"posts": [...]}``...). Parsed
whole, a forum export of a million posts wrapped in ``{"posts": [...]}`` held gigabytes in the
main process of ``argmap batch`` before a single post was read, even though its posts are then
streamed element by element. Outlined, the document is read once as a stream: the members of
every object that decide a shape are kept, and its first ``_MEMBERS`` others (up to ``_DEPTH``
levels: an object of a million posts keyed by id is outlined by its first ones), every array
keeps only its first two elements
(outlined in turn; the rest are scanned past, bracket by bracket, without being held:
``json_array.skip_nested``), and a
string or number over the cap becomes None. Everything ``readers._shape_of_document`` asks of
a document (keys, types, the first element of a list) reads the same in the outline.

What the outline does not check is the part of an array it scans past: its brackets must
balance, but a missing comma there is found by the reader (one bad record, or the array's
break reported where it is). A document whose own structure breaks gives None: the caller then decides
as before, from a whole read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import orjson

from argmap.errors import InputError
from argmap.readers import deep_json
from argmap.readers.json_array import _BOM, ArrayBroken, _Cursor, _element, skip_nested

_DEPTH = 8  # deeper containers are scanned past (None): shapes are decided near the top
_KEPT = 2  # elements kept of each array (a Reddit thread is two Listings)
_MEMBERS = 16  # members kept of each object, besides those a shape is decided by (_ASKED):
# an object of a million posts keyed by id is outlined by its first ones, never held
_ASKED = frozenset({
    "format", "map", "post_stream", "posts", "stream", "data", "comments", "results",
    "children", "story_id", "created_at_i", "hits", "objectID", "type", "by", "kids",
    "parent", "id", "title", "kind", "parent_id", "link_id", "subreddit", "body", "selftext",
    "num_comments", "url", "reply"})
_BARE = re.compile(rb"[^,\]}\s]*")
_BARE_MAX = 1 << 10  # no number or literal is longer


class _Broken(Exception):
    """The document's own structure breaks (or the stream ends inside it)."""


def outline(chunks: Iterator[bytes], cap: int = 1 << 16) -> object | None:
    """The outline of the JSON document the chunks hold (see the module docstring), or None
    when it is not one whole JSON document."""
    cursor = _Cursor(chunks)
    while len(cursor.data) < len(_BOM) and cursor.more(0):
        pass
    try:
        start = _at(cursor, len(_BOM) if cursor.data.startswith(_BOM) else 0)
        value, end = _value(cursor, start, cap, 0)
        rest = cursor.skip_space(end)
    except (_Broken, ArrayBroken, InputError, orjson.JSONDecodeError, RecursionError):
        return None
    if rest is not None or cursor.failure is not None:
        return None
    return value


def _at(cursor: _Cursor, offset: int) -> int:
    """The next offset that is not a space; the stream must go on."""
    found = cursor.skip_space(offset)
    if found is None:
        raise _Broken
    return found


def _value(cursor: _Cursor, start: int, cap: int, depth: int) -> tuple[object, int]:
    """The value at ``start`` (outlined) and where it ends."""
    first = cursor.byte(start)
    if first == b"{" and depth < _DEPTH:
        return _object(cursor, start, cap, depth)
    if first == b"[" and depth < _DEPTH:
        return _array(cursor, start, cap, depth)
    data, end = _scalar(cursor, start, cap)
    return (deep_json.loads(data) if data is not None else None), end


def _scalar(cursor: _Cursor, start: int, cap: int) -> tuple[bytes | None, int]:
    """The bytes of the value at ``start`` (None when over ``cap``) and where it ends: a
    string or container scanned as an array's element is, a bare value up to its delimiter."""
    if cursor.byte(start) in (b"{", b"[", b'"'):
        element = _element(cursor, 0, start, cap)
        if not element.complete:
            raise _Broken
        return element.data, element.offset + element.size
    while True:
        match = _BARE.match(cursor.data, start - cursor.base)
        end = match.end() if match else start - cursor.base
        if end == start - cursor.base or end - (start - cursor.base) > _BARE_MAX:
            raise _Broken  # no value here (",]"), or none is that long
        if end < len(cursor.data):
            return cursor.data[start - cursor.base:end], cursor.base + end
        if not cursor.more(start):
            raise _Broken


def _object(cursor: _Cursor, start: int, cap: int, depth: int) -> tuple[object, int]:
    members: dict[str, object] = {}
    at = _at(cursor, start + 1)
    if cursor.byte(at) == b"}":
        return members, at + 1
    while True:
        if cursor.byte(at) != b'"':
            raise _Broken
        key, end = _scalar(cursor, at, cap)
        if key is None:
            raise _Broken
        colon = _at(cursor, end)
        if cursor.byte(colon) != b":":
            raise _Broken
        name = orjson.loads(key)
        start = _at(cursor, colon + 1)
        if len(members) >= _MEMBERS and name not in _ASKED and name not in members:
            end = _past(cursor, start, cap)  # scanned past, never held
        else:
            value, end = _value(cursor, start, cap, depth + 1)
            members[name] = value  # the last of duplicated keys, as orjson keeps
        at = _next(cursor, end, b"}")
        if at < 0:
            return members, -at


def _past(cursor: _Cursor, start: int, cap: int) -> int:
    """Where the value at ``start`` ends, scanned past without holding it."""
    if cursor.byte(start) in (b"{", b"["):
        end = skip_nested(cursor, start + 1, 1)
        if end is None:
            raise _Broken
        return end
    return _scalar(cursor, start, cap)[1]


def _array(cursor: _Cursor, start: int, cap: int, depth: int) -> tuple[object, int]:
    items: list[object] = []
    at = _at(cursor, start + 1)
    if cursor.byte(at) == b"]":
        return items, at + 1
    while True:
        if len(items) == _KEPT:  # the rest scanned past, bracket by bracket, never held
            end = skip_nested(cursor, at, 1)
            if end is None:
                raise _Broken
            return items, end
        value, end = _value(cursor, at, cap, depth + 1)
        items.append(value)
        at = _next(cursor, end, b"]")
        if at < 0:
            return items, -at


def _next(cursor: _Cursor, end: int, close: bytes) -> int:
    """After a member or element ending at ``end``: the offset of the next one, or minus the
    offset after ``close`` when the container ends there (a ',' or ``close`` must follow)."""
    at = _at(cursor, end)
    if cursor.byte(at) == close:
        return -(at + 1)
    if cursor.byte(at) != b",":
        raise _Broken
    return _at(cursor, at + 1)
