"""Bytes of a corpus file as a stream of lines: decompressed on the fly, bounded per line.

Why not ``readers.source.read_bytes``: it holds a whole file, and a month of Reddit comments is
tens of gigabytes. Here a file is read in chunks, gzip/bz2/xz/zstd undone by magic bytes (as
the readers do), and split on the byte ``b"\\n"`` with each line's 1-based number and the byte
offset of its first byte in the decompressed content, so a problem still names file, line and
offset. A line longer than ``max_record_bytes`` is never held: its bytes are skipped up to the
next newline and it is yielded as a ``RawLine`` without data (``too_large``).

A compressed stream that ends inside a frame (a truncated download) is an ``InputError`` naming
the decompressed offset reached, raised after every complete line before it was yielded, so
the records that were there are kept and the loss is reported, never silent (python-zstandard's
``stream_reader`` returns a truncated frame as a clean end of file; ``decompressobj`` says
``eof``).
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from argmap.errors import InputError, MissingInput

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAX_WINDOW = 2**31  # Pushshift/Arctic dumps are written with a 2 GiB window
RAW_CHUNK = 1 << 20
ZSTD_CHUNK = 1 << 13  # zstd has no output cap per call: small inputs bound what one call makes
OUT_CHUNK = 1 << 22  # at most this much output per call where the codec allows a cap


@dataclass(frozen=True, slots=True)
class RawLine:
    """One line: 1-based number, byte offset of its first byte, its bytes (None: too large)."""

    number: int
    offset: int
    data: bytes | None
    size: int


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError as exc:  # pragma: no cover - zstandard is a declared extra
        raise InputError("is zstd-compressed; install the 'zstd' extra (pip install "
                         "'argmap[zstd]')", code="missing_codec") from exc
    return zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)


def codec_of(head: bytes) -> str | None:
    """The compression named by a file's first bytes, or None for plain content."""
    for name, magic in (("zstd", ZSTD_MAGIC), ("gzip", GZIP_MAGIC), ("bz2", BZ2_MAGIC),
                        ("xz", XZ_MAGIC)):
        if head.startswith(magic):
            return name
    return None


def _factory(codec: str) -> Callable[[], Any]:
    if codec == "zstd":
        decompressor = _zstd()
        return decompressor.decompressobj
    if codec == "gzip":
        return lambda: zlib.decompressobj(wbits=31)
    if codec == "bz2":
        return bz2.BZ2Decompressor
    return lzma.LZMADecompressor


def _feed(obj: Any, data: bytes, codec: str) -> Iterator[bytes]:
    """Every output of feeding ``data`` to one frame's decompressor, capped per call where
    the codec can cap it (input beyond the frame's end stays in ``obj.unused_data``)."""
    if codec == "zstd":
        yield obj.decompress(data)
    elif codec == "gzip":
        while data and not obj.eof:
            yield obj.decompress(data, OUT_CHUNK)
            data = obj.unconsumed_tail
    else:  # bz2, xz: what the cap held back is drained with empty input
        yield obj.decompress(data, OUT_CHUNK)
        while not obj.eof and not obj.needs_input:
            yield obj.decompress(b"", OUT_CHUNK)


def _decoded(raw: BinaryIO, codec: str, path: Path, where: list[int]) -> Iterator[bytes]:
    """Decompressed chunks of ``raw``; several concatenated frames/members are read in turn."""
    make = _factory(codec)
    obj, started = make(), False
    size = ZSTD_CHUNK if codec == "zstd" else RAW_CHUNK
    data = b""
    while True:
        if not data:
            data = raw.read(size)
            if not data:
                break
        try:
            for out in _feed(obj, data, codec):
                if out:
                    where[0] += len(out)
                    yield out
        except (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error) as exc:
            raise _corrupt(codec, path, where[0], exc) from exc
        except Exception as exc:  # zstandard.ZstdError is not an OSError
            raise _corrupt(codec, path, where[0], exc) from exc
        started = True
        if obj.eof:  # a frame ended: what followed it starts the next one
            data = obj.unused_data
            obj, started = make(), False
        else:
            data = b""
    if started and not obj.eof:
        raise InputError(f"{codec} data ends inside a frame after {where[0]} decompressed "
                         "bytes (a truncated file?); the records before that point were read",
                         path, code="truncated_compressed", byte_offset=where[0])


def _corrupt(codec: str, path: Path, offset: int, exc: Exception) -> InputError:
    return InputError(f"{codec} data is corrupt after {offset} decompressed bytes ({exc})",
                      path, code="corrupt_compressed", byte_offset=offset)


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
        self._decoded_at = [0]

    @property
    def consumed(self) -> int:
        return self._raw.tell()

    def chunks(self) -> Iterator[bytes]:
        if self.codec is None:
            while True:
                data = self._raw.read(RAW_CHUNK)
                if not data:
                    return
                yield data
        else:
            yield from _decoded(self._raw, self.codec, self.path, self._decoded_at)

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
    if skipping:
        yield RawLine(number, offset, None, skipped_size)
    elif pending:
        yield RawLine(number, offset, bytes(pending), len(pending))
