"""UTF-16 and UTF-32 files, marked by their byte-order mark, read as UTF-8 as they stream.

Why: Windows PowerShell 5.1 writes UTF-16 LE with a byte-order mark by default (``>``,
``Out-File``), and so do some Windows export tools and Excel's "Unicode text". Such a thread
file or JSON Lines dump was refused as "looks binary (NUL bytes)", though every character in
it was readable. Every reader works on UTF-8 bytes, so the content is converted here, chunk by
chunk as it streams (after any decompression: a ``.gz`` of UTF-16 works too), for ``map``,
``inspect`` and ``batch`` alike. Line numbers are the file's; byte offsets count the UTF-8
text it was converted to (the README says so). A file without a byte-order mark is not
guessed at: UTF-16 without one stays "binary", with a hint to convert it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path

from argmap.errors import InputError

# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
MARKS = ((b"\xff\xfe\x00\x00", "UTF-32-LE"), (b"\x00\x00\xfe\xff", "UTF-32-BE"),
         (b"\xff\xfe", "UTF-16-LE"), (b"\xfe\xff", "UTF-16-BE"))


def marked_encoding(head: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of ``head`` names, and the mark's length."""
    for mark, encoding in MARKS:
        if head.startswith(mark):
            return encoding, len(mark)
    return None


def looks_like_unmarked_utf16(head: bytes) -> bool:
    """Text in UTF-16 without a mark: most ASCII characters carry a NUL beside them."""
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 8:
        return False
    even = sum(1 for b in sample[0:pairs * 2:2] if b == 0)
    odd = sum(1 for b in sample[1:pairs * 2:2] if b == 0)
    return max(even, odd) > 0.6 * pairs and min(even, odd) < 0.05 * pairs


def as_utf8(chunks: Iterable[bytes], path: str | Path) -> Iterator[bytes]:
    """``chunks`` unchanged, or, when they start with a UTF-16/32 byte-order mark, the same
    text as UTF-8 (the mark dropped). A code unit that is not text (a lone surrogate, a cut
    last character) is an ``InputError`` naming its byte in the file's content."""
    stream = iter(chunks)
    pending = [_head(stream)]
    found = marked_encoding(pending[0])
    if found is None:  # as they come; the first chunk is not held while the rest streams
        if pending[0]:
            yield pending.pop()
        yield from stream
        return
    encoding, mark = found
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    consumed = mark
    pending[0] = pending[0][mark:]
    for chunk in _chain(pending, stream):
        held = len(decoder.buffer)  # type: ignore[attr-defined]  # bytes of a split character
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise _bad(encoding, consumed - held + exc.start, exc.reason, path) from None
        consumed += len(chunk)
        if text:
            yield text.encode("utf-8")
    try:
        rest = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _bad(encoding, consumed - (exc.end - exc.start), "the file ends inside a "
                   "character", path) from None
    if rest:
        yield rest.encode("utf-8")


def _head(stream: Iterator[bytes]) -> bytes:
    """The first chunks, joined until there are enough bytes to see the longest mark."""
    head = b""
    for chunk in stream:
        head += chunk
        if len(head) >= 4:
            break
    return head


def _chain(first: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    while first:
        yield first.pop(0)
    yield from rest


def _bad(encoding: str, at: int, reason: str, path: str | Path) -> InputError:
    return InputError(f"is {encoding} text (by its byte-order mark) with bytes that are not "
                      f"{encoding} at byte {max(at, 0):,} ({reason})", path,
                      code="invalid_encoding", byte_offset=max(at, 0))
