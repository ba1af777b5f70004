"""The elements of one big JSON array, one at a time, without holding the array.

A forum or dataset export is often one JSON array of posts (``[{...}, {...}, ...]``), and a
corpus-sized one is hundreds of megabytes: parsed whole, a 100k-post array held ~750 MB in the
main process of ``argmap batch`` and a 1M-post one would need several gigabytes. So a file whose
content starts with ``[`` is cut into its top-level elements as the bytes stream in, each
element is parsed on its own (with orjson, as a JSON line is) and mapped by the reader's own
mapper, as a line of a JSON Lines file is.

How an element's end is found: only strings and brackets matter (a string is jumped over in one
regular-expression match, so brackets and commas inside post text are never counted); an
object or array ends where its depth returns to zero, a bare value at the next comma or ``]``.
Each element keeps its 0-based index (records without an id are named by it, as ``argmap map``
names them), the line it starts on and its byte offset in the decompressed content. An element
over ``max_record_bytes`` is scanned past without being held. The file ending inside an element
yields that element as cut off (the caller skips it as ``truncated_record``); bytes that break
the array's own structure (a missing comma, a stray bracket) end the scan with
``ArrayBroken``, after every element before them was yielded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson

from argmap.errors import InputError

_BOM = b"\xef\xbb\xbf"
# a whole string, a run of opening or of closing brackets (one step for "[[[[": a file of
# brackets costs a match per run, not per byte), or a string not closed within the bytes at
# hand (more are needed). Possessive loops (Python 3.11+): linear, and no backtracking state kept per escape
# (the greedy form held ~45 bytes of regex stack per escape: 8 MB for a 200 KB run of them)
_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[{]++|[\]}]++|"', re.DOTALL)
_OPENING, _CLOSING = frozenset(b"[{"), frozenset(b"]}")
_SPACE = re.compile(rb"[ \t\r\n]*")
_BARE = re.compile(rb"[^,\]\s]*")
_MEMBER_BARE = re.compile(rb"[^,}\s]*")  # a bare value of an object's member ends at '}'

_STRING_BODY = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+', re.DOTALL)


@dataclass(frozen=True, slots=True)
class Element:
    """One element: its index, the line it starts on, its byte offset and bytes (None when
    it is over the cap), its size, and whether the file ended inside it."""

    index: int
    line: int
    offset: int
    data: bytes | None
    size: int
    complete: bool = True
    key: str | None = None  # a member of an object keyed by post id (``json_members``)


class ArrayBroken(Exception):
    """The array's structure is broken at ``offset`` (line ``line``): ``detail`` says how."""

    def __init__(self, detail: str, line: int, offset: int) -> None:
        super().__init__(detail)
        self.detail, self.line, self.offset = detail, line, offset


def starts_with_array(head: bytes) -> bool:
    """Whether content beginning with ``head`` is a JSON array (after a BOM and spaces; the
    content is not copied: a document of a gigabyte can be asked)."""
    match = _SPACE.match(head, len(_BOM) if head.startswith(_BOM) else 0)
    start = match.end() if match else 0
    return head[start:start + 1] == b"["


class _Cursor:
    """The bytes at hand of a stream of chunks: ``data`` from absolute offset ``base``, lines
    counted up to ``counted``."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self.data = b""
        self.base = 0
        self.counted = 0
        self.line = 1
        self.ended = False
        self.failure: InputError | None = None  # the stream broke (damaged compressed data)

    def more(self, keep_from: int) -> bool:
        """Read the next chunk, dropping bytes before absolute offset ``keep_from``; False at
        the end of the stream, or where it broke (``failure``: raised once the element it cut
        was yielded, as a torn line is)."""
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self.ended = True
            return False
        except InputError as exc:
            self.ended, self.failure = True, exc
            return False
        drop = keep_from - self.base
        if drop > 0:
            self.line_at(keep_from)
            self.data = self.data[drop:]
            self.base = keep_from
        self.data += chunk
        return True

    def line_at(self, offset: int) -> int:
        """The 1-based line of absolute ``offset`` (offsets asked for only grow)."""
        if offset > self.counted:
            self.line += self.data.count(b"\n", self.counted - self.base, offset - self.base)
            self.counted = offset
        return self.line

    def skip_space(self, offset: int) -> int | None:
        """The first absolute offset at or after ``offset`` that is not a space (None at the
        end of the stream)."""
        while True:
            match = _SPACE.match(self.data, offset - self.base)
            end = self.base + (match.end() if match else offset - self.base)
            if end - self.base < len(self.data):
                return end
            if not self.more(end):
                return None
            offset = end

    def byte(self, offset: int) -> bytes:
        return self.data[offset - self.base:offset - self.base + 1]


def iter_elements(chunks: Iterator[bytes], max_record_bytes: int, at: int | None = None
                  ) -> Iterator[Element]:
    """Every top-level element of the JSON array the chunks hold (see the module docstring),
    or of the array at byte ``at`` inside them (``wrapping_array``: then the scan ends at that
    array's ']', whatever follows it).

    Raises ``ArrayBroken`` where the array's structure breaks; the end of the stream inside
    an element yields it with ``complete=False`` and stops."""
    return scan_container(chunks, at, b"[", lambda cursor, index, offset: _element(
        cursor, index, offset, max_record_bytes))


ItemReader = Callable[[_Cursor, int, int], Element]
_CONTAINERS = {b"[": (b"]", "array", "element"), b"{": (b"}", "object", "member")}


def scan_container(chunks: Iterator[bytes], at: int | None, opener: bytes, item: ItemReader,
                   ) -> Iterator[Element]:
    """The items of the JSON array (``opener`` b"[") or object (b"{") the chunks hold, or of
    the one at byte ``at`` inside them, each read by ``item(cursor, index, offset)``: the
    walk over separators, the stream's end and the structure's errors is the same for both
    (``iter_elements``, ``json_members.iter_members``)."""
    closer, kind, thing = _CONTAINERS[opener]
    cursor = _Cursor(chunks)
    while len(cursor.data) < len(_BOM) and cursor.more(0):
        pass
    while at is not None and cursor.base + len(cursor.data) <= at and cursor.more(
            cursor.base + len(cursor.data)):
        pass  # the bytes before the container (a wrapping object's other members): not held
    start = cursor.skip_space(len(_BOM) if cursor.data.startswith(_BOM) else 0) if at is None \
        else cursor.skip_space(at)
    if start is None or cursor.byte(start) != opener:
        raise ArrayBroken(f"does not start with '{opener.decode()}'", 1, start or 0)
    offset = _present(cursor, cursor.skip_space(start + 1))
    index = 0
    while not (index == 0 and cursor.byte(offset) == closer):
        element = item(cursor, index, offset)
        yield element
        if not element.complete:
            if cursor.failure is not None:
                raise cursor.failure
            return
        index += 1
        offset = _present(cursor, cursor.skip_space(element.offset + element.size))
        separator = cursor.byte(offset)
        if separator == closer:
            break
        if separator != b",":
            raise ArrayBroken(f"expected ',' or '{closer.decode()}' after {thing} {index:,}, "
                              f"found {separator.decode('latin-1')!r}", cursor.line_at(offset),
                              offset)
        offset = _present(cursor, cursor.skip_space(offset + 1))
        if cursor.byte(offset) == closer:
            raise ArrayBroken(f"a ',' before the {kind}'s '{closer.decode()}'",
                              cursor.line_at(offset), offset)
    if at is not None:
        return  # a container inside a document: the document goes on
    rest = cursor.skip_space(offset + 1)
    if cursor.failure is not None:
        raise cursor.failure
    if rest is not None:
        raise ArrayBroken(f"bytes after the {kind}'s '{closer.decode()}'", cursor.line_at(rest),
                          rest)


def wrapping_array(content: bytes | Iterator[bytes], keys: tuple[str, ...],
                   max_record_bytes: int) -> tuple[str, int] | None:
    """The first of ``keys`` whose member of the top-level object in ``content`` (bytes, or
    chunks streamed once: nothing but a key at a time is held) is an array, and the byte where
    that array starts; None when there is none. Members are read as far as the object's
    structure holds: a document that is not valid JSON still shows which came before the
    damage. Of duplicated keys the last counts, as orjson keeps it."""
    chunks = iter([content]) if isinstance(content, bytes) else content
    members = _top_members(_Cursor(chunks), max_record_bytes, frozenset(keys))
    return next(((key, members[key][0]) for key in keys
                 if key in members and members[key][1] == b"["), None)


def top_members(data: bytes, max_record_bytes: int) -> dict[str, int]:
    """Where the value of each member of the top-level object in ``data`` starts, by key, as
    far as the object's structure holds (``wrapping_array``'s reading)."""
    members = _top_members(_Cursor(iter([data])), max_record_bytes)
    return {key: start for key, (start, _) in members.items()}


def _top_members(cursor: _Cursor, max_record_bytes: int, keep: frozenset[str] | None = None,
                 at: int | None = None) -> dict[str, tuple[int, bytes]]:
    """Where the value of each member of the top-level object (or of the object at byte
    ``at``) starts, and its first byte (only of the members named in ``keep``, when given:
    an object of a million members, posts keyed by id, is scanned without holding a million
    keys)."""
    found: dict[str, tuple[int, bytes]] = {}
    while len(cursor.data) < len(_BOM) and cursor.more(0):
        pass
    while at is not None and cursor.base + len(cursor.data) <= at and cursor.more(
            cursor.base + len(cursor.data)):
        pass  # the bytes before the object: not held
    start = (cursor.skip_space(len(_BOM) if cursor.data.startswith(_BOM) else 0)
             if at is None else cursor.skip_space(at))
    if start is None or cursor.byte(start) != b"{":
        return found
    offset = cursor.skip_space(start + 1)
    index = 0
    while offset is not None and cursor.byte(offset) == b'"':
        key = _element(cursor, index, offset, max_record_bytes)
        colon = cursor.skip_space(key.offset + key.size)
        if not key.complete or key.data is None or colon is None or cursor.byte(colon) != b":":
            return found
        value = cursor.skip_space(colon + 1)
        if value is None:
            return found
        try:
            name = orjson.loads(key.data)
        except orjson.JSONDecodeError:
            return found
        first = cursor.byte(value)
        if keep is None or name in keep:
            found[str(name)] = (value, first)
        if first in (b"[", b"{"):
            after = skip_nested(cursor, value + 1, 1)  # scanned past, never held
        else:
            end = _element(cursor, index, value, 0)
            after = end.offset + end.size if end.complete else None
        if after is None:
            return found
        offset = cursor.skip_space(after)
        if offset is None or cursor.byte(offset) != b",":
            return found
        offset = cursor.skip_space(offset + 1)
        index += 1
    return found


# a run of bytes that are not brackets, strings whole: what lies between two brackets
_BETWEEN = re.compile(rb'(?:[^"\[\]{}]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+', re.DOTALL)


def skip_nested(cursor: _Cursor, position: int, depth: int) -> int | None:
    """Where the object or array that ``position`` is ``depth`` brackets inside ends (after its
    closing bracket), scanned past without holding it: one step per bracket, not per string
    (what lies between brackets is jumped in one match), so a sniff or a first pass over a
    million-post array costs a fraction of reading it. Only brackets are counted (the reader
    finds what else is wrong inside an element); None when the stream ends first."""
    while True:
        data, base = cursor.data, cursor.base
        match = _BETWEEN.match(data, position - base)
        stop = match.end() if match else position - base
        if stop < len(data) and data[stop] != 0x22:  # a bracket
            depth += 1 if data[stop] in _OPENING else -1
            position = base + stop + 1
            if depth == 0:
                return position
            continue
        position = base + stop  # the end of the bytes at hand, or a string not closed in them
        if not cursor.more(position):
            return None


# a scanner's state between chunks: (depth of brackets, inside a string not closed yet)
_State = tuple[int, bool]


def _present(cursor: _Cursor, offset: int | None) -> int:
    """``offset``, or why the stream ended before the array did: the stream's own failure
    (damaged compressed data) or the array cut before its ']'."""
    if offset is not None:
        return offset
    if cursor.failure is not None:
        raise cursor.failure
    end = cursor.base + len(cursor.data)
    raise ArrayBroken("the file ends before the array's ']'", cursor.line_at(end), end)


def _element(cursor: _Cursor, index: int, start: int, cap: int, member: bool = False
             ) -> Element:
    """The element starting at absolute offset ``start``, scanned on from where the bytes at
    hand ended each time more are read (linear in its size, however it is chunked; a string
    not closed within them is scanned on from inside, never from its quote again)."""
    line = cursor.line_at(start)
    first = cursor.byte(start)
    scan = (_scan_nested if first in (b"{", b"[") else
            _scan_string if first == b'"' else _scan_member_bare if member else _scan_bare)
    state: _State = (0, False)
    position, held = start, True
    while True:
        end, state, position = scan(cursor, position, state)
        if end is not None:
            size = end - start
            data = cursor.data[start - cursor.base:end - cursor.base] if held else None
            return Element(index, line, start, data if size <= cap else None, size)
        if held and cursor.base + len(cursor.data) - start > cap:
            held = False  # over the cap: scan on without holding its bytes
        if not cursor.more(start if held else position):
            size = cursor.base + len(cursor.data) - start
            data = cursor.data[start - cursor.base:] if held else None
            return Element(index, line, start, data, size, complete=False)


def _string_end(data: bytes, at: int) -> int | None:
    """Where the string whose body goes on at ``at`` ends (after its closing quote), or None
    when it does not end within ``data``."""
    match = _STRING_BODY.match(data, at)
    stop = match.end() if match else at
    return stop + 1 if data[stop:stop + 1] == b'"' else None


def _string_resume(data: bytes, at: int) -> int:
    """Where to go on scanning an unclosed string's body: after its last whole character
    (before a backslash whose pair has not arrived)."""
    match = _STRING_BODY.match(data, at)
    return match.end() if match else at


def _scan_string(cursor: _Cursor, position: int, state: _State
                 ) -> tuple[int | None, _State, int]:
    """A string element: at its opening quote, or inside it at ``position``."""
    at = position - cursor.base + (0 if state[1] else 1)
    end = _string_end(cursor.data, at)
    if end is not None:
        return cursor.base + end, (0, False), cursor.base + end
    return None, (0, True), cursor.base + _string_resume(cursor.data, at)


def _scan_bare(cursor: _Cursor, position: int, state: _State
               ) -> tuple[int | None, _State, int]:
    """A number, ``true``, ``false`` or ``null`` (or junk): up to a comma, ']' or a space."""
    match = _BARE.match(cursor.data, position - cursor.base)
    stop = cursor.base + (match.end() if match else position - cursor.base)
    return (stop if stop - cursor.base < len(cursor.data) else None), state, stop


def _scan_member_bare(cursor: _Cursor, position: int, state: _State
                      ) -> tuple[int | None, _State, int]:
    """``_scan_bare`` for the value of an object's member: up to a comma, '}' or a space."""
    match = _MEMBER_BARE.match(cursor.data, position - cursor.base)
    stop = cursor.base + (match.end() if match else position - cursor.base)
    return (stop if stop - cursor.base < len(cursor.data) else None), state, stop


def _scan_nested(cursor: _Cursor, position: int, state: _State
                 ) -> tuple[int | None, _State, int]:
    """An object or array from ``position``: (its end, or None when more bytes are needed;
    the state reached; the offset to go on from)."""
    data, base = cursor.data, cursor.base
    depth, in_string = state
    at = position - base
    if in_string:
        end = _string_end(data, at)
        if end is None:
            return None, state, base + _string_resume(data, at)
        at = end
    for match in _TOKEN.finditer(data, at):
        first = data[match.start()]
        if first in _OPENING:
            depth += match.end() - match.start()
        elif first in _CLOSING:
            if depth <= match.end() - match.start():
                end = base + match.start() + depth
                return end, (0, False), end
            depth -= match.end() - match.start()
        elif match.end() - match.start() == 1:  # a string not closed within the bytes at hand
            return None, (depth, True), base + _string_resume(data, match.end())
    return None, (depth, False), base + len(data)
