"""Compressed inputs: gzip, bz2, xz and zstd, recognised by their magic bytes, decoded member by
member (frame by frame) so that damage is found, located and never mistaken for the end.

Why not ``gzip.open`` / ``zstandard.stream_reader``: a zstd stream reader stops without a
word at a frame cut short (a dump cut inside its second frame read as 1,500 of 3,000 records
and "complete"), and the file-like wrappers of the standard library raise on a truncated
member after swallowing the output they had already decoded. Here every codec is driven by
its incremental decompressor, fed in small slices, so what was decoded before the damage is
delivered, and the end of the data is known to be either a clean end of the last member or
``Damage`` (truncated, corrupt, or trailing bytes that are not the codec's).

Small slices also bound memory: a 66 KB zstd bomb cannot turn into 2 GiB in one call.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from argmap.errors import MissingDependency

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAX_WINDOW = 2**31  # Pushshift/Arctic dumps are written with a 2 GiB window
READ_SIZE = 1 << 20  # compressed bytes read from the file at a time
SLICE = {"zstd": 4096, "gzip": 8192, "bz2": 8192, "xz": 8192}  # compressed bytes per decoder call
MAX_OUT = 1 << 22  # decoded bytes per call for decoders that take a bound (gzip, bz2, xz)


DAMAGE_CODES = frozenset({"truncated_input", "corrupt_input", "trailing_data"})


@dataclass(frozen=True, slots=True)
class Damage:
    """Where and how a compressed input stopped being readable.

    ``at`` is the byte of the (compressed) file where decoding stopped, ``size`` the file's
    size, ``produced`` how many decompressed bytes were delivered before it."""

    codec: str
    kind: str  # "truncated" | "corrupt" | "trailing"
    at: int
    size: int
    produced: int
    detail: str = ""

    @property
    def code(self) -> str:
        return {"truncated": "truncated_input", "corrupt": "corrupt_input"}.get(
            self.kind, "trailing_data")

    def describe(self) -> str:
        """One sentence for a person: what is wrong with the file and where."""
        if self.kind == "truncated":
            return (f"{self.codec} data is truncated: the file ends at byte {self.size:,} "
                    "inside compressed data (premature end; was the download or copy cut "
                    "short?)")
        if self.kind == "corrupt":
            return (f"{self.codec} data is corrupt: decoding failed near byte {self.at:,} of "
                    f"{self.size:,} ({self.detail})")
        return (f"{self.size - self.at:,} bytes after the end of the {self.codec} data at byte "
                f"{self.at:,} are not {self.codec} data and were not read")


class _Decoder(Protocol):
    eof: bool
    unused_data: bytes

    def decompress(self, data: bytes) -> bytes: ...


class _Bounded:
    """gzip/bz2/xz decoders called with a bound on their output per call."""

    def __init__(self, make: Callable[[], object], kind: str) -> None:
        self._decoder = make()
        self._kind = kind

    @property
    def eof(self) -> bool:
        return bool(self._decoder.eof)  # type: ignore[attr-defined]

    @property
    def unused_data(self) -> bytes:
        return bytes(self._decoder.unused_data)  # type: ignore[attr-defined]

    def pieces(self, data: bytes) -> Iterator[bytes]:
        decoder = self._decoder
        if self._kind == "gzip":
            out = decoder.decompress(data, MAX_OUT)  # type: ignore[attr-defined]
            yield out
            while decoder.unconsumed_tail and not decoder.eof:  # type: ignore[attr-defined]
                yield decoder.decompress(decoder.unconsumed_tail, MAX_OUT)  # type: ignore[attr-defined]
            return
        yield decoder.decompress(data, MAX_OUT)  # type: ignore[attr-defined]
        while not decoder.eof and not decoder.needs_input:  # type: ignore[attr-defined]
            yield decoder.decompress(b"", MAX_OUT)  # type: ignore[attr-defined]


class _Zstd:
    def __init__(self, decompressor: object) -> None:
        self._decoder = decompressor.decompressobj()  # type: ignore[attr-defined]

    @property
    def eof(self) -> bool:
        return bool(self._decoder.eof)

    @property
    def unused_data(self) -> bytes:
        return bytes(self._decoder.unused_data)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        yield self._decoder.decompress(data)


def codec_of(head: bytes) -> str | None:
    """The codec a file's first bytes announce, or None for plain content (a text that
    happens to start with "BZh" is not bzip2: the block size digit must follow)."""
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(GZIP_MAGIC) and head[2:3] in (b"\x08", b""):  # deflate, or cut short
        return "gzip"
    if head.startswith(BZ2_MAGIC) and head[3:4] in (b"1", b"2", b"3", b"4", b"5", b"6", b"7",
                                                     b"8", b"9"):
        return "bz2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    return None


def _starts_member(codec: str, head: bytes) -> bool:
    """Does ``head`` open another member (gzip), stream (bz2, xz) or frame (zstd)?"""
    if codec == "zstd":
        skippable = len(head) >= 4 and 0x50 <= head[0] <= 0x5F and head[1:4] == b"\x2a\x4d\x18"
        return head.startswith(ZSTD_MAGIC) or skippable
    return codec_of(head) == codec


def _factory(codec: str, path: Path) -> Callable[[], _Bounded | _Zstd]:
    if codec == "gzip":
        return lambda: _Bounded(lambda: zlib.decompressobj(wbits=16 + zlib.MAX_WBITS), "gzip")
    if codec == "bz2":
        return lambda: _Bounded(bz2.BZ2Decompressor, "bz2")
    if codec == "xz":
        return lambda: _Bounded(lambda: lzma.LZMADecompressor(format=lzma.FORMAT_XZ), "xz")
    try:
        import zstandard
    except ImportError as exc:  # pragma: no cover - zstandard is a declared dependency
        raise MissingDependency(f"{path}: is zstd-compressed; install the 'zstd' extra "
                                "(pip install 'argmap[zstd]')") from exc
    decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    return lambda: _Zstd(decompressor)


class Decoded:
    """The decompressed content of one open file, chunk by chunk; ``damage`` is set once the
    chunks are exhausted if the compressed data did not end cleanly."""

    def __init__(self, raw: BinaryIO, codec: str, path: Path, size: int) -> None:
        self._raw = raw
        self.codec = codec
        self._new = _factory(codec, path)
        self._size = size
        self.damage: Damage | None = None
        self.produced = 0

    def _fail(self, kind: str, at: int, detail: str = "") -> None:
        self.damage = Damage(self.codec, kind, at, self._size, self.produced, detail)

    def chunks(self) -> Iterator[bytes]:
        """Decoded bytes; stops at the end of the data or at the damage (then ``damage``)."""
        decoder = self._new()
        position = 0  # file offset of the first byte of ``pending``
        pending = b""
        slice_size = SLICE[self.codec]
        while True:
            if decoder.eof:
                pending = decoder.unused_data + pending
                position -= len(decoder.unused_data)
                while True:  # zero padding (xz stream padding, tape blocks) is not data
                    stripped = pending.lstrip(b"\x00")
                    position += len(pending) - len(stripped)
                    pending = stripped
                    more = self._raw.read(READ_SIZE) if len(pending) < 6 else b""
                    if not more:
                        break
                    pending += more
                if not pending:  # the clean end of the last member
                    return
                if not _starts_member(self.codec, pending):
                    self._fail("trailing", position)
                    return
                decoder = self._new()
            if not pending:
                pending = self._raw.read(READ_SIZE)
                if not pending:  # the file ends inside a member: cut short
                    self._fail("truncated", position)
                    return
            piece, pending = pending[:slice_size], pending[slice_size:]
            try:
                for out in decoder.pieces(piece):
                    if out:
                        self.produced += len(out)
                        yield out
            except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
                self._fail("corrupt", position, str(exc))
                return
            except Exception as exc:  # zstandard.ZstdError derives from Exception only
                if type(exc).__name__ != "ZstdError":
                    raise
                self._fail("corrupt", position, str(exc))
                return
            position += len(piece)
