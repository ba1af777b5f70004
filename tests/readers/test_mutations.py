"""Every reader on mutated real files: cut at any byte, a bad UTF-8 byte put anywhere, a BOM in
front, CRLF line ends, wrapped in gzip or zstd and cut short.

What must hold: only ``InputError`` escapes; nothing is lost silently (a record not kept has a
problem that says so, with a line and a byte offset inside the file); the same bytes read the
same; a BOM, CRLF or a codec changes nothing that was read; a line format cut at a byte keeps
every post whose line ended before the cut. CI runs a few derandomised examples;
ARGMAP_FUZZ_FACTOR=N (tests/conftest.py) multiplies them.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads
from tests.corpus.dumps import reddit_dump
from tests.support import SEED, shared_dir

SHARED = shared_dir()
RAW = SHARED / "data" / "raw_threads" / "original" if SHARED else None
LENIENT = ReadOptions(max_errors=1.0)
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def _lines(records: list[dict]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


@cache
def _seeds() -> dict[str, bytes]:
    """Real or realistic files of every format, small enough to read in milliseconds."""
    seeds = {
        "seed.txt": SEED.read_bytes()[:6000],
        "posts.jsonl": _lines([{"id": f"p{i}", "reply_to": f"p{i // 2}" if i else None,
                                "author": f"u{i % 3}", "text": f"Post {i}: buses é should be "
                                f"free.\nSecond line {i}."} for i in range(12)]),
        "dump.ndjson": _lines(reddit_dump(3, seed=5)),
        "items.jsonl": _lines([{"id": 1, "type": "story", "by": "pg", "time": 1, "title": "Why?",
                                "kids": [2], "text": "Because <i>so</i>."},
                               {"id": 2, "type": "comment", "by": "a", "parent": 1, "time": 2,
                                "text": "I disagree &amp; more."}]),
        "lw.json": orjson.dumps({"data": {"comments": {"results": [
            {"_id": f"c{i}", "postId": "P", "parentCommentId": f"c{i - 1}" if i else None,
             "postedAt": "2024-05-01T10:00:00.000Z", "htmlBody": f"<p>Point {i} <b>é</b>.</p>",
             "user": {"displayName": "Ann"}} for i in range(4)]}}}),
    }
    if RAW is not None and RAW.is_dir():
        seeds["reddit.json"] = (RAW / "reddit" / "thoughts_on_openai_o1.json").read_bytes()
        seeds["topic.json"] = (RAW / "discourse" / "topic.json").read_bytes()
        fixtures = orjson.loads((RAW / "hackernews" / "fixtures.json").read_bytes())
        seeds["hn.json"] = orjson.dumps(next(f["reply"] for f in fixtures
                                             if f["url"] == "/api/v1/items/17"))
    return seeds


LINE_FORMATS = ("posts.jsonl", "dump.ndjson", "items.jsonl")


def _read(path: Path, fmt: str = "auto"):
    """read_threads, or None when it refuses the input with an InputError (a documented exit)."""
    try:
        return read_threads([path], ReadOptions(format=fmt, max_errors=1.0))
    except InputError:
        return None


def _posts(result) -> list[tuple]:
    return sorted((p.id, p.thread_id, p.reply_to, p.author, p.text, p.created, p.flags)
                  for t in result.threads for p in t.posts)


def _check(result, path: Path) -> None:
    if result is None:
        return
    size = path.stat().st_size
    assert result.posts_kept <= result.records_in
    if result.skipped:
        assert result.losses, "records left out with no problem saying so"
    for problem in result.problems:
        assert problem.code and problem.message
        if problem.byte_offset is not None:
            assert problem.byte_offset >= 0 and problem.line >= 0, problem
            if not path.name.endswith((".gz", ".zst")):
                assert problem.byte_offset <= size, (problem, size)
    for thread in result.threads:
        for post in thread.posts:
            assert "\ud800" not in post.text and isinstance(post.text, str)
            post.text.encode("utf-8")  # no lone surrogates survive


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@SETTINGS
@given(data=st.data())
def test_mutations_a_file_cut_at_any_byte_keeps_what_ended_before(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(_seeds())), label="seed")
    whole = _seeds()[name]
    cut = data.draw(st.integers(0, len(whole)), label="cut")
    full = read_threads([_write(tmp_path, name, whole)], LENIENT)
    path = _write(tmp_path, "cut-" + name, whole[:cut])
    result = _read(path)
    _check(result, path)
    assert _read(path) == result  # same bytes, same result
    if name in LINE_FORMATS and result is not None:
        last_line = whole[:cut].count(b"\n")  # lines 1..last_line ended before the cut
        kept = {p.id.split(":", 1)[1] for t in result.threads for p in t.posts}
        before = {p.id.split(":", 1)[1] for t in full.threads for p in t.posts
                  if p.source.end_line <= last_line}
        assert before <= kept, sorted(before - kept)


@SETTINGS
@given(data=st.data())
def test_mutations_a_bad_byte_anywhere_is_reported_where_it_is(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(_seeds())), label="seed")
    whole = _seeds()[name]
    at = data.draw(st.integers(0, len(whole)), label="at")
    bad = data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x00",
                                     b"\xc0\xaf", b"\xf4\x90\x80\x80"]), label="bad")
    path = _write(tmp_path, "bad-" + name, whole[:at] + bad + whole[at:])
    result = _read(path)
    _check(result, path)
    if result is None or name not in LINE_FORMATS:
        return
    line = whole[:at].count(b"\n") + 1
    for problem in result.problems:
        if problem.code == "invalid_utf8":  # named at its line and at the bad byte itself
            assert problem.line == line, (problem, line)
            # ... or at the start of the character it split (at most three bytes before)
            assert at - 3 <= problem.byte_offset <= at + len(bad), (problem, at)


@SETTINGS
@given(data=st.data())
def test_mutations_bom_crlf_and_codecs_change_nothing_read(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(_seeds())), label="seed")
    whole = _seeds()[name]
    (tmp_path / "plain").mkdir(exist_ok=True)
    (tmp_path / "changed").mkdir(exist_ok=True)
    plain = read_threads([_write(tmp_path / "plain", name, whole)], LENIENT)
    kind = data.draw(st.sampled_from(["bom", "crlf", "gzip", "zstd"]), label="kind")
    if kind == "bom":
        changed = b"\xef\xbb\xbf" + whole
    elif kind == "crlf":
        changed = whole.replace(b"\n", b"\r\n")
    elif kind == "gzip":
        changed = gzip.compress(whole, mtime=0)
    else:
        zstandard = pytest.importorskip("zstandard")
        changed = zstandard.ZstdCompressor().compress(whole)
    path = _write(tmp_path / "changed", name, changed)
    result = _read(path)
    assert result is not None, kind
    _check(result, path)
    assert [p.code for p in result.losses] == [p.code for p in plain.losses], kind
    assert _posts(result) == _posts(plain), kind


@SETTINGS
@given(data=st.data())
def test_mutations_compressed_and_cut_keeps_the_records_before(tmp_path, data):
    name = data.draw(st.sampled_from(LINE_FORMATS), label="seed")
    whole = _seeds()[name]
    packed = gzip.compress(whole, mtime=0)
    cut = data.draw(st.integers(2, len(packed) - 1), label="cut")  # the magic kept
    path = _write(tmp_path, name + ".gz", packed[:cut])
    result = _read(path)
    _check(result, path)
    if result is not None:
        assert result.losses, "a cut gzip member must be reported"
