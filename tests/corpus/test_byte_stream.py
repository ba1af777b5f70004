"""Streaming lines: numbers and byte offsets exactly as readers.source.split_lines gives them,
whatever the chunking; long lines never held; truncated compressed streams reported."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.corpus.byte_stream import ByteStream, iter_lines
from argmap.errors import InputError
from argmap.readers.source import split_lines

COMPRESSORS = {
    "gz": lambda b: gzip.compress(b, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": lambda b: zstandard.ZstdCompressor().compress(b),
}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"")),
       st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=30))
def test_byte_stream_lines_match_split_lines_for_any_chunking(data, cuts) -> None:
    chunks, at = [], 0
    for size in cuts * (len(data) // max(1, sum(cuts)) + 1):
        if at >= len(data):
            break
        chunks.append(data[at:at + size])
        at += size
    got = [(line.number, line.offset, line.data) for line in iter_lines(iter(chunks), 10**6)]
    assert got == [(line.number, line.offset, line.data) for line in split_lines(data)]


def test_byte_stream_skips_a_line_over_the_cap_without_holding_it() -> None:
    data = b"short\n" + b"x" * 5000 + b"\nafter\n" + b"y" * 3000
    lines = list(iter_lines(iter([data[i:i + 64] for i in range(0, len(data), 64)]), 1000))
    assert [(ln.number, ln.offset, ln.data, ln.size) for ln in lines] == [
        (1, 0, b"short", 5), (2, 6, None, 5000), (3, 5007, b"after", 5), (4, 5013, None, 3000)]


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_byte_stream_decompresses_and_reports_truncation(tmp_path: Path, kind: str) -> None:
    data = b"".join(b'{"id": %d, "body": "text %d"}\n' % (i, i) for i in range(20000))
    whole = tmp_path / f"whole.{kind}"
    whole.write_bytes(COMPRESSORS[kind](data[:300000]) + COMPRESSORS[kind](data[300000:]))
    with ByteStream(whole) as stream:  # two frames / members, read as one stream
        assert b"".join(stream.chunks()) == data
    cut = tmp_path / f"cut.{kind}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])  # in frame two
    seen = []
    with pytest.raises(InputError) as caught, ByteStream(cut) as stream:
        seen.extend(iter_lines(stream.chunks(), 10**6))
    assert caught.value.code == "truncated_input"
    assert seen and all(line.data == data[line.offset:line.offset + line.size] for line in seen)
    assert caught.value.byte_offset >= seen[-1].offset
    # the torn last record is yielded too (to be skipped as malformed and counted), not dropped
    last = seen[-1]
    assert last.offset + last.size in (caught.value.byte_offset, caught.value.byte_offset - 1)
