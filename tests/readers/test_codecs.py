"""readers.codecs and readers.source: damaged compressed inputs lose nothing that was readable.

Each codec is exercised the way dumps are found in the wild: several members or frames (pigz,
zstd --long multi-frame dumps, concatenated .gz), cut short inside the first or a later one,
corrupted in the middle, or followed by bytes that are not the codec's.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
import tracemalloc
from pathlib import Path

import pytest
import zstandard

from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads
from argmap.readers.source import Source

WORDS = ("cities should ban cars because pollution harms children while shops need drivers "
         "from far away and buses trains bikes cost money").split()
COMPRESS = {
    "zstd": zstandard.ZstdCompressor(write_checksum=True).compress,
    "gzip": gzip.compress,
    "bz2": lambda data: bz2.compress(data, 1),  # 100 kB blocks: a cut leaves whole blocks
    "xz": lzma.compress,
}


def _records(n: int, seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    return [json.dumps({"id": f"c{i}", "text": " ".join(rng.choice(WORDS) for _ in range(30))})
            .encode() for i in range(n)]


def _two_members(codec: str) -> tuple[bytes, bytes]:
    records = _records(3000)
    first = b"\n".join(records[:1500]) + b"\n"
    second = b"\n".join(records[1500:]) + b"\n"
    return COMPRESS[codec](first), COMPRESS[codec](second)


@pytest.mark.parametrize("codec", sorted(COMPRESS))
def test_codecs_every_member_of_a_multi_member_file_is_read(tmp_path: Path, codec: str):
    first, second = _two_members(codec)
    path = tmp_path / "dump.bin"
    path.write_bytes(first + second)
    result = read_threads([path])
    assert result.records_in == result.posts_kept == 3000 and result.problems == ()
    assert result.sources[0].codec == codec and result.sources[0].format == "jsonl"


@pytest.mark.parametrize("codec", sorted(COMPRESS))
@pytest.mark.parametrize("where", ["first", "second"])
def test_codecs_a_cut_file_keeps_what_was_read_and_says_how_much(tmp_path: Path, codec: str,
                                                                   where: str):
    first, second = _two_members(codec)
    whole = first + second
    cut = len(first) // 2 if where == "first" else len(first) + len(second) // 2
    path = tmp_path / "cut.bin"
    path.write_bytes(whole[:cut])
    result = read_threads([path])
    damage = [p for p in result.problems if p.code == "truncated_input"]
    assert len(damage) == 1, result.problems
    kept = result.posts_kept
    assert kept > (0 if where == "first" else 1500)  # the records before the cut are all here
    assert kept < (1500 if where == "first" else 3000)
    assert f"kept the {kept:,} records read before it" in damage[0].message
    assert f"the file ends at byte {cut:,}" in damage[0].message
    # the record the cut went through is skipped, not parsed into something wrong
    partial = [p for p in result.problems if p.code == "truncated_record"]
    assert [p.line for p in partial] == [kept + 1] == [damage[0].line]
    assert result.records_in == kept + 1 == result.posts_kept + result.skipped
    posts = result.threads[0].posts
    assert sorted(p.id for p in posts) == sorted(f"cut:c{i}" for i in range(kept))


@pytest.mark.parametrize("codec", sorted(COMPRESS))
def test_codecs_corrupt_data_is_reported_at_its_offset(tmp_path: Path, codec: str):
    data = bytearray(COMPRESS[codec](b"\n".join(_records(3000)) + b"\n"))
    middle = len(data) // 2
    for i in range(middle, middle + 40):
        data[i] ^= 0x55
    path = tmp_path / "bad.bin"
    path.write_bytes(bytes(data))
    try:
        result = read_threads([path])
    except InputError as exc:  # deflate has no block checks: garbage first, then the CRC fails
        assert codec == "gzip" and exc.code == "too_many_errors"
        assert "corrupt_input: gzip data is corrupt" in str(exc)
        return
    (damage,) = [p for p in result.problems if p.code == "corrupt_input"]
    at = int(damage.message.split("failed near byte ")[1].split(" ")[0].replace(",", ""))
    assert middle - 16384 <= at <= middle + 65536  # found within the block that holds it
    assert 500 < result.posts_kept < 3000


@pytest.mark.parametrize("codec", sorted(COMPRESS))
def test_codecs_trailing_bytes_after_the_data_are_reported_not_silent(tmp_path: Path, codec):
    path = tmp_path / "trail.bin"
    path.write_bytes(COMPRESS[codec](b"\n".join(_records(50)) + b"\n") + b"not compressed\n")
    result = read_threads([path])
    assert result.posts_kept == 50
    assert [p.code for p in result.problems] == ["trailing_data"]
    assert "15 bytes after the end" in result.problems[0].message


def test_codecs_zero_padding_after_the_data_is_not_damage(tmp_path: Path):
    path = tmp_path / "padded.xz"
    path.write_bytes(lzma.compress(b'{"id": 1, "text": "a"}\n') + b"\x00" * 8)
    result = read_threads([path])
    assert result.posts_kept == 1 and result.problems == ()


def test_codecs_two_frame_zstd_cut_in_its_second_frame_is_not_read_as_complete(tmp_path):
    """The issue's case: 1,500 of 3,000 records with exit 0 and no problem reported."""
    first, second = _two_members("zstd")
    path = tmp_path / "RC_2024.zst"
    path.write_bytes(first + second[: len(second) // 2])
    result = read_threads([path], ReadOptions(strict=False))
    assert any(p.code == "truncated_input" for p in result.problems)
    with pytest.raises(InputError, match="strict"):
        read_threads([path], ReadOptions(strict=True))


def test_codecs_damage_before_any_content_is_an_error_naming_it(tmp_path: Path):
    path = tmp_path / "stub.gz"
    path.write_bytes(gzip.compress(b'{"id": 1, "text": "a"}\n' * 1000)[:15])
    with pytest.raises(InputError, match="gzip data is truncated") as caught:
        read_threads([path])
    assert caught.value.code == "truncated_input"


def test_codecs_gzip_cut_after_its_two_byte_magic_is_a_cut_gzip_not_text(tmp_path: Path):
    """A .gz download cut after two bytes was read as a text post of "\\x1f\\ufffd" (exit 0):
    the method byte that makes the magic sure is not there, and nothing else is either."""
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": 1, "text": "a"}\n')[:2])
    with pytest.raises(InputError, match="gzip data is truncated") as caught:
        read_threads([path])
    assert caught.value.code == "truncated_input"


def test_codecs_whole_document_cut_short_says_damaged_not_invalid_json(tmp_path: Path):
    document = json.dumps({"replies": [{"id": i, "text": "t" * 200} for i in range(500)]})
    path = tmp_path / "thread.json.gz"
    path.write_bytes(gzip.compress(document.encode())[:-200])
    with pytest.raises(InputError, match="not a whole JSON document") as caught:
        read_threads([path], ReadOptions(format="json"))
    assert caught.value.code == "truncated_input"


def test_codecs_wrapped_posts_cut_short_keep_the_posts_before_the_damage(tmp_path: Path):
    """``{"posts": [...]}`` is read post by post, as a bare array (and as ``argmap batch``
    streams it): a compressed export cut short keeps what came before the cut."""
    document = json.dumps({"posts": [{"id": i, "text": "t" * 200} for i in range(500)]})
    path = tmp_path / "thread.json.gz"
    path.write_bytes(gzip.compress(document.encode())[:-200])
    result = read_threads([path], ReadOptions(format="json", max_errors=1.0))
    codes = sorted(p.code for p in result.problems)
    assert codes == ["truncated_input", "truncated_record"]
    assert result.posts_kept == result.records_in - 1 > 400


def test_codecs_zstd_bomb_is_capped_with_bounded_memory(tmp_path: Path):
    path = tmp_path / "bomb.zst"
    compressor = zstandard.ZstdCompressor(level=1)
    with open(path, "wb") as handle, compressor.stream_writer(handle) as writer:
        for _ in range(256):
            writer.write(b"\x00" * (1 << 20))  # 256 MiB of zeros in ~10 kB
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    with pytest.raises(InputError, match="larger than"):
        read_threads([path], ReadOptions(format="jsonl", max_input_bytes=64 << 20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 150 << 20  # one decoder call's output and one line's capped bytes


def test_source_overlong_line_is_skipped_without_holding_it(tmp_path: Path):
    path = tmp_path / "long.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"id": 1, "text": "before"}\n{"id": 2, "text": "')
        for _ in range(40):
            handle.write(b"x" * (1 << 20))
        handle.write(b'"}\n{"id": 3, "text": "after"}\n')
    tracemalloc.start()
    result = read_threads([path], ReadOptions(max_record_bytes=1 << 20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.text for p in result.threads[0].posts] == ["before", "after"]
    ((code, line, offset),) = [(p.code, p.line, p.byte_offset) for p in result.problems]
    assert (code, line, offset) == ("record_too_large", 2, 28)
    assert peak < 12 << 20  # a 40 MiB line, never held


def test_source_lines_carry_numbers_offsets_and_whether_they_ended(tmp_path: Path):
    path = tmp_path / "lines.txt"
    path.write_bytes(b"one\n\ntwo\r\nthree")
    with Source(path) as source:
        lines = list(source.lines(100, 1000))
    assert [(ln.number, ln.offset, ln.data, ln.ended) for ln in lines] == [
        (1, 0, b"one", True), (2, 4, b"", True), (3, 5, b"two\r", True), (4, 10, b"three", False)]
    assert source.damage is None and source.codec is None


def test_codecs_xz_streams_with_padding_between_them_are_all_read(tmp_path: Path):
    first = lzma.compress(b"\n".join(_records(20)) + b"\n")
    second = lzma.compress(b"\n".join(_records(20, seed=2)).replace(b'"c', b'"d') + b"\n")
    path = tmp_path / "padded.xz"
    path.write_bytes(first + b"\x00" * 12 + second)
    result = read_threads([path])
    assert result.posts_kept == 40 and result.problems == ()


def test_codecs_text_that_starts_like_a_magic_number_is_text(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text("BZh, as in the abbreviation, opens this post about bicycle lanes.\n")
    result = read_threads([path])
    assert result.sources[0].codec is None and result.sources[0].format == "text"
    assert result.threads[0].posts[0].text.startswith("BZh, as in")
