"""Where a record of a whole JSON document sits in its file: line and byte offset.

Line formats know each record's line and byte offset as they split the bytes. A JSON document
(an array of posts, a Reddit Listing, an HN item list, a Discourse topic) is parsed whole by
orjson, which gives values, not positions, so a bad record in it used to be reported as
"file.json: no text field" with no place: twenty such lines told a user nothing about which
records to fix. The standard is the same for every format: file, line and byte offset.

Positions are found only when a problem needs one (a clean document costs nothing): the
value's JSON pointer (``("posts", 3)``, ``(1, "data", "children", 0)``) is walked through the
document's text, each container on the way is scanned once (its members' starts are kept,
so a thousand bad records in one array cost one scan) and a member is skipped with the
standard library's C scanner. Offsets count bytes of the (decompressed) content, like the
line readers'; the byte offset and line of successive places are counted on from the last
one, so places asked for in document order cost one pass in all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Protocol

_BOM = b"\xef\xbb\xbf"
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_PLAIN = re.compile(r'[^"\[\]{}]*+')  # what a container holds between strings and brackets
_SCALAR = re.compile(r"[^,\]}\s]+")
LARGE = 4096  # characters: a container this long has its end kept once found

Pointer = Sequence[str | int]


class Places(Protocol):
    """Where records of a document are, by JSON pointer."""

    def place_or_none(self, pointer: Pointer) -> tuple[int, int | None]: ...


class KnownPlaces:
    """Places already known (a streamed array's elements were placed as they were cut)."""

    def __init__(self, known: Mapping[tuple[str | int, ...], tuple[int, int]]) -> None:
        self._known = known

    def place_or_none(self, pointer: Pointer) -> tuple[int, int | None]:
        return self._known.get(tuple(pointer), (0, None))


class DocumentPlaces:
    """Line and byte offset of values of one JSON document, looked up by JSON pointer."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._text: str | None = None
        self._members: dict[int, list[int] | dict[str, int]] = {}
        self._ends: dict[int, int] = {}  # where large containers end, found while skipping
        self._char = 0
        self._byte = len(_BOM) if data.startswith(_BOM) else 0
        self._line = 1

    def place(self, pointer: Pointer) -> tuple[int, int] | None:
        """(1-based line, byte offset) where the value at ``pointer`` starts, or None when
        the pointer does not lead to a value of this document."""
        try:
            text = self._decoded()
            at = _skip_space(text, 0)
            for step in pointer:
                members = self._members_of(text, at)
                if isinstance(members, list) and isinstance(step, int) and 0 <= step < len(members):
                    at = members[step]
                elif isinstance(members, dict) and isinstance(step, str) and step in members:
                    at = members[step]
                else:
                    return None
        except (ValueError, RecursionError, IndexError):
            return None
        return self._line_and_byte(text, at)

    def place_or_none(self, pointer: Pointer) -> tuple[int, int | None]:
        """``place``, or line 0 and no offset (what a problem without a place carries)."""
        return self.place(pointer) or (0, None)

    def _decoded(self) -> str:
        if self._text is None:
            skip = len(_BOM) if self._data.startswith(_BOM) else 0
            self._text = self._data[skip:].decode("utf-8")
        return self._text

    def _members_of(self, text: str, at: int) -> list[int] | dict[str, int]:
        """Where each member of the array or object starting at ``at`` starts (scanned once)."""
        known = self._members.get(at)
        if known is None:
            known = _scan_members(text, at, self._ends)
            self._members[at] = known
        return known

    def _line_and_byte(self, text: str, at: int) -> tuple[int, int]:
        if at < self._char:  # asked out of order: count again from the start
            skip = len(_BOM) if self._data.startswith(_BOM) else 0
            self._char, self._byte, self._line = 0, skip, 1
        self._byte += len(text[self._char:at].encode("utf-8"))
        self._line += text.count("\n", self._char, at)
        self._char = at
        return self._line, self._byte


def _skip_space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


def _scan_members(text: str, at: int, ends: dict[int, int]) -> list[int] | dict[str, int]:
    """Members of the container at ``at``: starts of an array's elements, or of an object's
    values by key (the last of duplicated keys, as orjson keeps). Anything else has none."""
    opening = text[at:at + 1]
    if opening not in ("[", "{"):
        return []
    closing = "]" if opening == "[" else "}"
    starts: list[int] = []
    by_key: dict[str, int] = {}
    position = _skip_space(text, at + 1)
    if text[position:position + 1] == closing:
        return starts if opening == "[" else by_key
    while True:
        if opening == "{":
            key, position = _DECODER.raw_decode(text, position)
            position = _skip_space(text, position)
            if text[position:position + 1] != ":":
                raise ValueError("expected ':'")
            position = _skip_space(text, position + 1)
            by_key[str(key)] = position
        else:
            starts.append(position)
        position = _skip_space(text, _value_end(text, position, ends))
        following = text[position:position + 1]
        if following == closing:
            return starts if opening == "[" else by_key
        if following != ",":
            raise ValueError("expected ',' or the container's end")
        position = _skip_space(text, position + 1)


def _value_end(text: str, at: int, ends: dict[int, int]) -> int:
    """Where the value starting at ``at`` ends, found without recursion (the standard
    library's scanner recurses, and a reply chain in Reddit's JSON nests thousands of levels
    deep): strings are jumped whole, brackets counted. The document has parsed already, so
    this only has to find ends, not to check them.

    The ends of containers over ``LARGE`` characters are kept in ``ends``, and jumped when met
    again: a pointer deep into a reply chain walks through containers that each hold the rest
    of the chain, and skipping each of them anew cost the document's size once per level."""
    first = text[at:at + 1]
    if first == '"':
        return _string_end(text, at)
    if first not in ("[", "{"):
        scalar = _SCALAR.match(text, at)
        if scalar is None:
            raise ValueError("expected a value")
        return scalar.end()
    known = ends.get(at)
    if known is not None:
        return known
    opened: list[int] = []
    position = at
    while True:
        position = _PLAIN.match(text, position).end()  # type: ignore[union-attr]
        char = text[position:position + 1]
        if char == '"':
            position = _string_end(text, position)
        elif char in ("[", "{"):
            jump = ends.get(position)
            if jump is not None:
                position = jump
            else:
                opened.append(position)
                position += 1
        elif char:
            start = opened.pop()
            position += 1
            if position - start > LARGE:
                ends[start] = position
            if not opened:
                return position
        else:
            raise ValueError("the value does not end")


def _string_end(text: str, at: int) -> int:
    match = _STRING.match(text, at)
    if match is None:
        raise ValueError("unterminated string")
    return match.end()
