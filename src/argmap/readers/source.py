"""Bytes in: open a file, undo gzip/bz2/xz/zstd by magic bytes, split into lines, decode.

Every reader starts here so that the hostile-input rules live in one place: compressed inputs
are capped (a 10 KB zip bomb must not become 10 GB in memory), lines are split on the *bytes*
``b"\\n"`` (0x0A never occurs inside a multi-byte UTF-8 sequence, so one bad byte spoils one
line, not a chunk), and each line is decoded strictly so the error has a line number.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from argmap.errors import InputError, MissingInput
from argmap.model import Problem

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAX_WINDOW = 2**31  # Pushshift/Arctic dumps are written with a 2 GiB window
CHUNK = 1 << 20


def _open_zstd(raw: BinaryIO, path: Path) -> BinaryIO:
    try:
        import zstandard
    except ImportError as exc:  # pragma: no cover - zstandard is a declared extra
        raise InputError("is zstd-compressed; install the 'zstd' extra (pip install "
                         "'argmap[zstd]')", path, code="missing_codec") from exc
    decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    return decompressor.stream_reader(raw)  # type: ignore[return-value]


def _wrap(raw: BinaryIO, path: Path) -> tuple[BinaryIO, str | None]:
    """Return a stream of the decompressed content and the codec name (None if plain)."""
    head = raw.read(6)
    raw.seek(0)
    if head.startswith(ZSTD_MAGIC):
        return _open_zstd(raw, path), "zstd"
    if head.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw), "gzip"  # type: ignore[return-value]
    if head.startswith(BZ2_MAGIC):
        return bz2.BZ2File(raw), "bz2"  # type: ignore[return-value]
    if head.startswith(XZ_MAGIC):
        return lzma.LZMAFile(raw), "xz"  # type: ignore[return-value]
    return raw, None


def read_bytes(path: Path, max_bytes: int, head_only: int | None = None) -> bytes:
    """The whole (decompressed) content of ``path``, at most ``max_bytes`` of it.

    ``head_only`` reads just that many bytes (for sniffing). Over the cap is an InputError:
    a silently truncated file would be "half-read returned as whole".
    """
    try:
        raw = open(path, "rb")  # closed by the with-block below; a codec stream may wrap it
    except FileNotFoundError as exc:
        raise MissingInput("no such file", path, code="missing_input") from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a thread file", path, code="is_directory") from exc
    except OSError as exc:
        raise MissingInput(f"cannot be read ({exc.strerror})", path,
                           code="unreadable_input") from exc
    with raw:
        stream, codec = _wrap(raw, path)
        limit = head_only if head_only is not None else max_bytes + 1
        try:
            buffer = io.BytesIO()
            while buffer.tell() < limit:
                chunk = stream.read(min(CHUNK, limit - buffer.tell()))
                if not chunk:
                    break
                buffer.write(chunk)
        except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
            if head_only is not None and buffer.tell():
                return buffer.getvalue()
            raise InputError(f"{codec or 'file'} data is corrupt or truncated ({exc})", path,
                             code="corrupt_compressed") from exc
        except Exception as exc:  # zstandard.ZstdError is not an OSError
            if head_only is not None and buffer.tell():
                return buffer.getvalue()
            raise InputError(f"{codec or 'file'} data is corrupt or truncated ({exc})", path,
                             code="corrupt_compressed") from exc
    data = buffer.getvalue()
    if head_only is None and len(data) > max_bytes:
        raise InputError(f"is larger than {max_bytes} bytes{' decompressed' if codec else ''}; "
                         "raise read.max_input_bytes to read it", path, code="input_too_large")
    return data


@dataclass(frozen=True, slots=True)
class RawLine:
    """One line of a file: 1-based number, byte offset of its first byte, and its bytes."""

    number: int
    offset: int
    data: bytes


def split_lines(data: bytes) -> Iterator[RawLine]:
    """Lines of ``data`` split on the byte 0x0A, without the newline (a final CR is kept)."""
    offset = 0
    number = 1
    size = len(data)
    while offset < size:
        end = data.find(b"\n", offset)
        if end < 0:
            end = size
        yield RawLine(number, offset, data[offset:end])
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


def load_json(data: bytes, path: Path, line: int = 1) -> object:
    """Parse one JSON document with orjson; any failure is an InputError naming the file."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON ({exc})", path, line, code="invalid_json") from exc
    except RecursionError as exc:  # pragma: no cover - orjson caps depth itself
        raise InputError("JSON nested too deeply", path, line, code="too_deep") from exc
