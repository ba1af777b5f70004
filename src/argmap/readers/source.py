"""Bytes in: open a file, undo gzip/bz2/xz/zstd by magic bytes, split into lines, decode.

Every reader starts here so that the hostile-input rules live in one place: compressed inputs
are capped (a 10 KB zip bomb must not become 10 GB in memory) and decoded member by member so
a cut or corrupt file is reported with what was read before the damage (``codecs``); lines
are split on the *bytes* ``b"\\n"`` (0x0A never occurs inside a multi-byte UTF-8 sequence, so
one bad byte spoils one line, not a chunk), a line over the record cap is skipped without
being held in memory, and each line is decoded strictly so the error has a line number and
a byte offset. Offsets count decompressed bytes from the start of the content.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from argmap.errors import InputError, MissingInput, plural
from argmap.model import Problem
from argmap.readers import deep_json
from argmap.readers.codecs import Damage, Decoded, codec_of
from argmap.readers.json_places import DocumentPlaces
from argmap.readers.wide_text import as_utf8

CHUNK = 1 << 20


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except FileNotFoundError as exc:
        raise MissingInput("no such file", path, code="missing_input") from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a thread file", path, code="is_directory") from exc
    except OSError as exc:
        raise MissingInput(f"cannot be read ({exc.strerror})", path,
                           code="unreadable_input") from exc


class Source:
    """One input file, open: its codec, its decoded chunks and lines, and after reading, the
    damage its compressed data had (``damage`` is None for a clean or plain file)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._raw = _open(self.path)
        try:
            head = self._raw.read(6)
            self._raw.seek(0)
            self.size = os.fstat(self._raw.fileno()).st_size
        except OSError as exc:
            self._raw.close()
            raise MissingInput(f"cannot be read ({exc.strerror})", self.path,
                               code="unreadable_input") from exc
        self.codec = codec_of(head)
        self.end_line = 0
        self._decoded = Decoded(self._raw, self.codec, self.path, self.size) if self.codec else None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._raw.close()

    @property
    def damage(self) -> Damage | None:
        return self._decoded.damage if self._decoded else None

    def chunks(self) -> Iterator[bytes]:
        """The content, decompressed and as UTF-8 (``wide_text``), in chunks of about a
        megabyte."""
        return as_utf8(self._content(), self.path)

    def _content(self) -> Iterator[bytes]:
        if self._decoded is None:
            try:
                yield from iter(lambda: self._raw.read(CHUNK), b"")
            except OSError as exc:
                raise MissingInput(f"cannot be read ({exc.strerror})", self.path,
                                   code="unreadable_input") from exc
            return
        yield from self._decoded.chunks()

    def read(self, max_bytes: int, *, head_only: bool = False) -> bytes:
        """At most ``max_bytes`` of content; more than that is an error unless ``head_only``
        (a silently shortened file would be half-read returned as whole)."""
        buffer = io.BytesIO()
        for chunk in self.chunks():
            buffer.write(chunk)
            if buffer.tell() > max_bytes:
                if head_only:
                    break
                raise InputError(
                    f"is larger than {max_bytes:,} bytes{' decompressed' if self.codec else ''}"
                    "; raise read.max_input_bytes to read it", self.path,
                    code="input_too_large")
        data = buffer.getvalue()
        return data[:max_bytes] if head_only else data

    def lines(self, max_record_bytes: int, max_bytes: int) -> Iterator[RawLine]:
        """Lines of the content with their numbers and byte offsets, without the newline.

        A line longer than ``max_record_bytes`` comes with only its first bytes and
        ``length`` set to its full length, so a 600 MB line is never held in memory. The last
        line has ``ended=False`` when the content does not end with a newline."""
        number, offset = 1, 0
        parts: list[bytes] = []
        held = length = 0  # bytes kept of the current line, and its full length so far
        seen = 0
        for chunk in self.chunks():
            seen += len(chunk)
            if seen > max_bytes:
                raise InputError(f"is larger than {max_bytes:,} bytes"
                                 f"{' decompressed' if self.codec else ''}; raise "
                                 "read.max_input_bytes to read it", self.path,
                                 code="input_too_large")
            start = 0
            while True:
                end = chunk.find(b"\n", start)
                stop = len(chunk) if end < 0 else end
                if held < max_record_bytes:
                    take = chunk[start:min(stop, start + max_record_bytes - held)]
                    parts.append(take)
                    held += len(take)
                length += stop - start
                if end < 0:
                    break
                yield RawLine(number, offset, b"".join(parts), length)
                offset += length + 1
                number += 1
                parts, held, length = [], 0, 0
                start = end + 1
        self.end_line = number  # the line the content ends on (a cut one, or the next)
        if length or parts:
            yield RawLine(number, offset, b"".join(parts), length, ended=False)


@dataclass(frozen=True, slots=True)
class RawLine:
    """One line of a file: 1-based number, byte offset of its first byte, and its bytes.

    ``length`` is the line's full length when ``data`` holds only the start of an overlong
    line (-1: ``data`` is the whole line); ``ended`` is False for a last line without newline.
    """

    number: int
    offset: int
    data: bytes
    length: int = -1
    ended: bool = True

    @property
    def size(self) -> int:
        return len(self.data) if self.length < 0 else self.length


@dataclass(frozen=True, slots=True)
class Content:
    """A whole file's content and what was wrong with its compression, if anything."""

    data: bytes
    codec: str | None
    damage: Damage | None


def read_content(path: Path, max_bytes: int) -> Content:
    """The whole (decompressed) content of ``path`` up to the damage, if any."""
    with Source(path) as source:
        data = source.read(max_bytes)
        return Content(data, source.codec, source.damage)


def read_bytes(path: Path, max_bytes: int, head_only: int | None = None) -> bytes:
    """The whole (decompressed) content of ``path``, at most ``max_bytes`` of it.

    ``head_only`` reads just that many bytes (for sniffing: damage further on does not
    matter). Otherwise damaged compressed data is an InputError: callers of this function
    need the whole content (one JSON document); line readers use ``Source.lines``."""
    with Source(path) as source:
        if head_only is not None:
            head = source.read(head_only, head_only=True)
            if not head and source.damage is not None:
                raise InputError(source.damage.describe() + "; nothing could be read before it",
                                 path, code=source.damage.code)
            return head
        data = source.read(max_bytes)
        if source.damage is not None and source.damage.kind != "trailing":
            raise InputError(f"{source.damage.describe()}; the {plural(len(data), 'byte')} before "
                             "it are not a whole document", path, code=source.damage.code,
                             byte_offset=len(data))
        return data


def damage_problem(damage: Damage, path: str, line: int, offset: int, kept: str) -> Problem:
    """The problem that reports a damaged input; ``kept`` says what was read before it."""
    return Problem(damage.code, f"{damage.describe()}; {kept}", path, line, offset)


def split_lines(data: bytes) -> Iterator[RawLine]:
    """Lines of ``data`` split on the byte 0x0A, without the newline (a final CR is kept)."""
    offset = 0
    number = 1
    size = len(data)
    while offset < size:
        end = data.find(b"\n", offset)
        ended = end >= 0
        if end < 0:
            end = size
        yield RawLine(number, offset, data[offset:end], ended=ended)
        offset = end + 1
        number += 1


def decode_line(line: RawLine, path: str) -> tuple[str | None, Problem | None]:
    """Strict UTF-8 (BOM allowed on line 1); a bad byte becomes a Problem at its byte offset."""
    data = line.data
    if line.number == 1 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        base = line.offset + 3
    else:
        base = line.offset
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, Problem("invalid_utf8", f"invalid UTF-8 ({exc.reason})", path,
                             line.number, base + exc.start)


def decode_text(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode a whole text file, repairing bad bytes with U+FFFD and reporting each line."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    problems: list[Problem] = []
    for line in split_lines(data):  # offsets count from the file's first byte, BOM included
        _, problem = decode_line(line, path)
        if problem is not None:
            problems.append(Problem("invalid_utf8_repaired",
                                    problem.message + "; replaced with U+FFFD",
                                    path, problem.line, problem.byte_offset))
    return body.decode("utf-8", errors="replace"), problems


def _json_error_place(data: bytes, position: int, line: int) -> tuple[int, int]:
    """The line and byte offset of orjson's error ``position``, which counts characters of
    the decoded text, not bytes (they differ after any non-ASCII character)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return line, position
    return line + text.count("\n", 0, position), len(text[:position].encode("utf-8"))


def load_json(data: bytes, path: Path, line: int = 1) -> object:
    """Parse one JSON document with orjson; any failure is an InputError naming the file."""
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[skip:]
    try:
        return deep_json.loads(data)
    except orjson.JSONDecodeError as exc:
        where, offset = _json_error_place(data, exc.pos, line)
        raise InputError(f"is not valid JSON ({exc})", path, where,
                         code=deep_json.problem_code(exc), byte_offset=offset + skip) from exc


def read_document(path: Path, max_bytes: int) -> tuple[object, tuple[Problem, ...]]:
    """One JSON document (a whole file) and the problem its compression had, if any."""
    document, problems, _ = read_placed_document(path, max_bytes)
    return document, problems


def read_placed_document(path: Path, max_bytes: int
                         ) -> tuple[object, tuple[Problem, ...], DocumentPlaces]:
    """One JSON document (a whole file), the problem its compression had, if any, and where
    its values sit in the file (line and byte offset, found only when asked: ``json_places``).

    A document cut short cannot be parsed: the error says the file is damaged rather than
    "invalid JSON". Trailing bytes after a complete compressed document are reported."""
    return placed_document(read_content(path, max_bytes), path)


def placed_document(content: Content, path: Path
                    ) -> tuple[object, tuple[Problem, ...], DocumentPlaces]:
    """``read_placed_document`` of content already read."""
    shown = str(path)
    damage = content.damage
    places = DocumentPlaces(content.data)
    if damage is None:
        return load_json(content.data, path), (), places
    try:
        document = load_json(content.data, path)
    except InputError as exc:
        raise InputError(f"{damage.describe()}; the {plural(len(content.data), 'byte')} before "
                         "it are not a whole JSON document, so nothing could be read", path,
                         code=damage.code, byte_offset=len(content.data)) from exc
    return document, (damage_problem(damage, shown, 0, len(content.data),
                                     "the JSON document before it is complete and was read"),), places
