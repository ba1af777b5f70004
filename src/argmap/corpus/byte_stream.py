"""Bytes of a corpus file as a stream of lines: decompressed on the fly, bounded per line.

Why not ``readers.source.read_bytes``: it holds a whole file, and a month of Reddit comments is
tens of gigabytes. Here a file is read in chunks, gzip/bz2/xz/zstd undone by the readers' own
member-by-member decoder (``readers.codecs.Decoded``: the same magic bytes, the same damage
rules as ``argmap map``), and split on the byte ``b"\\n"`` with each line's 1-based number and
the byte offset of its first byte in the decompressed content, so a problem still names file,
line and offset. A line longer than ``max_record_bytes`` is never held: its bytes are skipped up
to the next newline and it is yielded as a ``RawLine`` without data (``too_large``).

A compressed stream that ends inside a frame (a truncated download), is corrupt, or is followed
by bytes that are not the codec's is an ``InputError`` (code ``truncated_input``,
``corrupt_input`` or ``trailing_data``, as in ``map``) raised after every complete line before
it was yielded, so the records that were there are kept and the loss is reported, never silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from argmap.errors import InputError, MissingInput
from argmap.readers.codecs import Decoded, codec_of
from argmap.readers.wide_text import as_utf8

RAW_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class RawLine:
    """One line: 1-based number, byte offset of its first byte, its bytes (None: too large);
    ``ended``: its newline was read (a last line without one may be cut off), ``torn``: the
    stream broke inside it (damaged compressed data), as ``readers.jsonl.iter_lines`` judges
    them."""

    number: int
    offset: int
    data: bytes | None
    size: int
    ended: bool = True
    torn: bool = False


class ByteStream:
    """The decompressed chunks of one file and how far into the raw file they are.

    ``consumed`` (raw bytes read) against ``raw_size`` is the progress of a pass over the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in close()
        except FileNotFoundError as exc:
            raise MissingInput("no such file", path, code="missing_input") from exc
        except IsADirectoryError as exc:
            raise InputError("is a folder, not a thread file", path,
                             code="is_directory") from exc
        except OSError as exc:
            raise MissingInput(f"cannot be read ({exc.strerror})", path,
                               code="unreadable_input") from exc
        head = self._raw.read(6)
        self._raw.seek(0)
        self.codec = codec_of(head)
        self.raw_size = path.stat().st_size

    @property
    def consumed(self) -> int:
        return self._raw.tell()

    def chunks(self) -> Iterator[bytes]:
        """The content, decompressed and as UTF-8 (``readers.wide_text``)."""
        return as_utf8(self._content(), self.path)

    def _content(self) -> Iterator[bytes]:
        if self.codec is None:
            while True:
                data = self._raw.read(RAW_CHUNK)
                if not data:
                    return
                yield data
        else:
            yield from self._decoded(self.codec)

    def _decoded(self, codec: str) -> Iterator[bytes]:
        decoded = Decoded(self._raw, codec, self.path, self.raw_size)  # zstd extra missing: 69
        yield from decoded.chunks()
        damage = decoded.damage
        if damage is not None:
            raise InputError(f"{damage.describe()}; the {damage.produced:,} decompressed bytes "
                             "before it were read", self.path, code=damage.code,
                             byte_offset=damage.produced)

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_lines(chunks: Iterator[bytes], max_record_bytes: int) -> Iterator[RawLine]:
    """Lines of the concatenated chunks (without the newline; blank lines included)."""
    pending = bytearray()
    number, offset = 1, 0  # offset of pending[0]
    skipping = False  # inside a line already over the cap: drop bytes up to the next newline
    skipped_size = 0
    try:
        for chunk in chunks:
            start = 0
            while True:
                end = chunk.find(b"\n", start)
                if end < 0:
                    piece = chunk[start:]
                    if skipping:
                        skipped_size += len(piece)
                    else:
                        pending += piece
                        if len(pending) > max_record_bytes:
                            skipping, skipped_size = True, len(pending)
                            pending.clear()
                    break
                piece = chunk[start:end]
                if skipping:
                    size = skipped_size + len(piece)
                    yield RawLine(number, offset, None, size)
                    skipping = False
                else:
                    pending += piece
                    size = len(pending)
                    yield RawLine(number, offset, None if size > max_record_bytes else
                                  bytes(pending), size)
                    pending.clear()
                offset += size + 1
                number += 1
                start = end + 1
    except InputError:
        # the stream broke inside a record: that torn record is yielded (and will be skipped
        # as malformed, so records in = processed + skipped counts it, as in ``map``)
        if skipping:
            yield RawLine(number, offset, None, skipped_size, ended=False, torn=True)
        elif pending:
            yield RawLine(number, offset, bytes(pending), len(pending), ended=False, torn=True)
        raise
    if skipping:
        yield RawLine(number, offset, None, skipped_size, ended=False)
    elif pending:
        yield RawLine(number, offset, bytes(pending), len(pending), ended=False)
