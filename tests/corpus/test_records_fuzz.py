"""A hostile campaign on JSON arrays of posts: ``map`` (``read_threads``), ``batch``
(``partition``) and ``inspect`` (``survey`` streaming whatever the size) must tell the same
story of one mutated array, whatever was done to it.

The arrays are mutated at random bytes (a byte changed, dropped or inserted: NUL, a bad UTF-8
byte, a quote, a backslash, a bracket, a comma), truncated, given trailing garbage, written
with CRLF, a BOM, non-ASCII text and escapes, and wrapped in gzip or zstd (whole or cut). What
must hold: no traceback (an ``InputError`` at most, and then from all three alike); the same
records in, posts kept and skipped, the same threads and post counts, the same
(code, line, byte offset) for every skipped record; and every skipped record's byte offset is
its first byte in the decompressed content (the byte after the ``[`` or ``,`` before it),
on the line counted independently here. CI runs a fixed, derandomised set;
``ARGMAP_FUZZ_FACTOR=N`` (tests/conftest.py) draws N times more, fresh.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import zlib
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from argmap.corpus import survey as survey_module
from argmap.corpus.partition import partition
from argmap.corpus.spill import assemble_thread, bucket_name, group_threads, read_entries
from argmap.errors import InputError
from argmap.model import Problem
from argmap.options import ReadOptions
from argmap.readers import read_threads

_TEXTS = st.sampled_from(["", "Yes.", "Cars should be banned from the old town.",
                          'He said "no]," then {left}.', "back\\slash \\\" quote",
                          "é ü 中文 😀", "line\nbreak\r\n", "\x00nul", "[[[{{{", "]]]}}}"])
_POST = st.fixed_dictionaries(
    {}, optional={"id": st.sampled_from(["p0", "p1", "p2", "p3", "p4"]),
                  "reply_to": st.sampled_from(["p0", "p1", "gone"]),
                  "thread": st.sampled_from(["a", "b"]),
                  "text": _TEXTS, "title": st.just("A title")})
_ELEMENT = st.one_of(_POST, _POST, _POST, st.none(), st.integers(-5, 5), _TEXTS,
                     st.lists(_POST, max_size=2), st.just({"text": [1, {"x": "]"}]}))
_BYTES = st.sampled_from([b"\x00", b"\xff", b"\xc3", b'"', b"\\", b"[", b"]", b"{", b"}", b",",
                          b" ", b"\n", b"\r\n", b"\xef\xbb\xbf", b"tru", b"1e999", b"x"])
_MUTATION = st.one_of(
    st.tuples(st.just("none")),
    st.tuples(st.just("replace"), st.integers(0, 10**6), _BYTES),
    st.tuples(st.just("insert"), st.integers(0, 10**6), _BYTES),
    st.tuples(st.just("delete"), st.integers(0, 10**6)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("append"), _BYTES),
)
SKIPS = {"invalid_json", "invalid_utf8", "wrong_type", "missing_field", "truncated_record",
         "record_too_large", "text_too_long"}
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _serialised(elements: list, indent: int | None, ascii_only: bool, crlf: bool,
                bom: bool) -> bytes:
    data = json.dumps(elements, indent=indent, ensure_ascii=ascii_only).encode()
    if crlf:  # a line break of the JSON text is never inside a string (there it is \n)
        data = data.replace(b"\n", b"\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + data


def _mutated(data: bytes, mutation: tuple) -> bytes:
    kind, *args = mutation
    if kind == "none" or not data:
        return data
    if kind == "append":
        return data + args[0]
    at = args[0] % (len(data) + (1 if kind == "insert" else 0))
    if kind == "replace":
        return data[:at] + args[1] + data[at + 1:]
    if kind == "insert":
        return data[:at] + args[1] + data[at:]
    if kind == "delete":
        return data[:at] + data[at + 1:]
    return data[:at]  # truncate


def _unique(element: object, name: str) -> object:
    """The element with ids made unique (a nested list of posts becomes the array when a
    mutation drops the outer '[')."""
    if isinstance(element, list):
        return [_unique(e, f"{name}_{k}") for k, e in enumerate(element)]
    return {**element, "id": name} if isinstance(element, dict) and "id" in element else element


def _wrapped(data: bytes, codec: str, cut: int | None) -> bytes:
    if codec == "gzip":
        packed = gzip.compress(data, mtime=0)
    elif codec == "zstd":
        packed = zstandard.ZstdCompressor().compress(data)
    else:
        return data
    return packed if cut is None else packed[:max(1, cut % len(packed))]


def _threads_of(spill: Path, buckets: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for index in range(buckets):
        for key, entries in group_threads(read_entries([spill / bucket_name(index)])):
            found[key] = len(assemble_thread(key, entries).posts)
    return found


def _first_byte_checks(content: bytes, places: list[tuple[str, int, int | None]]) -> None:
    """A skipped record's offset is its first byte: not a space, after '[' or ',' (spaces
    between), on the line its offset falls on (a bad UTF-8 byte is placed at that byte)."""
    for code, line, offset in places:
        if offset is None or code == "invalid_utf8" or offset >= len(content):
            continue
        assert content[offset:offset + 1] not in (b" ", b"\t", b"\r", b"\n"), (code, offset)
        before = content[:offset].rstrip(b" \t\r\n")
        assert before.endswith((b"[", b",")), (code, offset, content[max(0, offset - 8):offset])
        assert line == content.count(b"\n", 0, offset) + 1, (code, line, offset)


def check_agreement(folder: Path, content: bytes, raw: bytes, monkeypatch) -> None:
    """The campaign's invariants for one file (``raw`` on disk, ``content`` decompressed)."""
    path = folder / "posts.json"
    path.write_bytes(raw)
    options = ReadOptions(format="json", max_errors=1.0)
    monkeypatch.setattr(survey_module, "SURVEY_ABOVE", 0)  # stream whatever the size
    outcomes = []
    for reader in ("map", "batch", "inspect"):
        try:
            if reader == "map":
                got = read_threads([path], options, budget=False)
                threads = {t.id: len(t.posts) for t in got.threads if t.posts}
                problems = got.problems
                counts = (got.records_in, got.posts_kept)
            elif reader == "batch":
                spill = Path(tempfile.mkdtemp(dir=folder))
                part = partition([path], options, spill, 4)
                threads = _threads_of(spill, 4)
                problems = [Problem(r["code"], r["message"], r["path"], r["line"],
                                    r["byte_offset"])
                            for r in part.problems if r["action"] == "skipped"]
                counts = (part.records_in, part.posts)
                assert part.records_in == part.posts + part.skipped
            else:
                found = survey_module.survey([path], options)
                threads = {t.id: t.posts for t in found.threads if t.posts}
                problems = list(found.problems)
                counts = (found.records_in, found.posts_kept)
        except InputError as exc:
            outcomes.append((reader, "error", exc.code))
            continue
        skipped = sorted((p.code, p.line, p.byte_offset) for p in problems if p.code in SKIPS)
        breaks = {(p.line, p.byte_offset) for p in problems if "is broken" in p.message}
        outcomes.append((reader, counts, threads, skipped))
    errors = [o for o in outcomes if o[1] == "error"]
    if errors:  # only 'no post at all' may refuse, and then the others have no post either
        for outcome in outcomes:
            assert outcome[1] == "error" or outcome[1][1] == 0, outcomes
        return
    (_, counts, threads, skipped), *others = outcomes
    for reader, other_counts, other_threads, other_skipped in others:
        assert other_counts == counts, (reader, outcomes)
        assert other_threads == threads, (reader, outcomes)
        assert other_skipped == skipped, (reader, outcomes)
    _first_byte_checks(content, [s for s in skipped if s[1:] not in breaks])


@FUZZ
@given(elements=st.lists(_ELEMENT, max_size=6), indent=st.sampled_from([None, 0, 2]),
       ascii_only=st.booleans(), crlf=st.booleans(), bom=st.booleans(), mutation=_MUTATION,
       codec=st.sampled_from(["none", "none", "gzip", "zstd"]),
       cut=st.none() | st.integers(0, 10**6))
@example(elements=[{"id": "p0", "text": "Yes."}, {"text": "No."}], indent=None,
         ascii_only=True, crlf=False, bom=False, mutation=("replace", 20, b"\xff"),
         codec="none", cut=None)
@example(elements=[{}, {}, {"title": "A title"}], indent=2, ascii_only=False, crlf=True,
         bom=True, mutation=("delete", 4697), codec="gzip", cut=35)  # a break, then the cut
@example(elements=[], indent=None, ascii_only=False, crlf=False, bom=False,
         mutation=("none",), codec="gzip", cut=12)  # cut after '[': no record torn
def test_records_fuzz_map_batch_and_inspect_agree_on_a_mutated_array(
        tmp_path, monkeypatch, elements, indent, ascii_only, crlf, bom, mutation, codec,
        cut) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    # ids unique: duplicates are repairs made when threads are assembled, not the reading's
    elements = [_unique(e, f"p{n}") for n, e in enumerate(elements)]
    content = _mutated(_serialised(elements, indent, ascii_only, crlf, bom), mutation)
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return  # no longer an array: another reader's business
    check_agreement(folder, content, _wrapped(content, codec, cut), monkeypatch)


@pytest.mark.parametrize("codec", ["none", "gzip", "zstd"])
def test_records_fuzz_truncated_at_every_offset_agree(tmp_path, monkeypatch, codec) -> None:
    elements = [{"id": "p0", "thread": "a", "text": 'Cars "out", ]now['},
                None, {"text": "é\\\""}, [1, 2], {"id": "p3", "reply_to": "p0", "thread": "a",
                                                  "text": "No."}]
    content = _serialised(elements, 1, False, True, True)
    raw = _wrapped(content, codec, None)
    step = 1 if codec == "none" else 3
    for cut in range(1, len(raw), step):
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        check_agreement(folder, content, raw[:cut], monkeypatch)


def _gzip_cut_after_a_whole_record(content: bytes) -> tuple[bytes, bytes]:
    """A gzip file of ``content`` cut where what decodes ends with a whole record but not
    its newline, and what decodes of it."""
    packed = gzip.compress(content, mtime=0)
    for cut in range(len(packed) - 1, 10, -1):
        decoded = zlib.decompressobj(31).decompress(packed[:cut])
        if decoded.endswith(b"}") and len(decoded) < len(content) - 1:
            return packed[:cut], decoded
    raise AssertionError("no such cut")


def test_records_fuzz_lines_cut_off_are_truncated_records_in_map_batch_and_inspect(
        tmp_path, monkeypatch) -> None:
    # before: batch and inspect called a last line without its newline 'invalid_json'
    # (map: 'truncated_record'), and kept a record torn by damaged data when what was left
    # of it parsed (map skips it: the record may have lost fields)
    lines = [json.dumps({"id": f"p{i}", "thread": "t", "text": hashlib.sha256(
        str(i).encode()).hexdigest()}).encode() for i in range(200)]
    content = b"\n".join(lines) + b"\n"
    raw, decoded = _gzip_cut_after_a_whole_record(content)
    torn_at = decoded.rfind(b"\n") + 1
    cases = [(content[:-30], content[:-30], len(lines), content.rfind(b"\n", 0, -30) + 1),
             (raw, decoded, decoded.count(b"\n") + 1, torn_at)]
    for n, (data, shown, line, offset) in enumerate(cases):
        folder = tmp_path / str(n)
        folder.mkdir()
        path = folder / "posts.jsonl"
        path.write_bytes(data)
        options = ReadOptions(format="jsonl", max_errors=1.0)
        monkeypatch.setattr(survey_module, "SURVEY_ABOVE", 0)
        mapped = read_threads([path], options, budget=False)
        surveyed = survey_module.survey([path], options)
        part = partition([path], options, folder / "spill", 2)
        expected = ("truncated_record", line, offset)
        assert [(p.code, p.line, p.byte_offset) for p in mapped.problems
                if p.code in SKIPS] == [expected]
        assert [(p.code, p.line, p.byte_offset) for p in surveyed.problems
                if p.code in SKIPS] == [expected]
        assert [(r["code"], r["line"], r["byte_offset"]) for r in part.problems
                if r["action"] == "skipped"] == [expected]
        assert mapped.posts_kept == surveyed.posts_kept == part.posts == line - 1
        assert shown[offset:offset + 1] == b"{"
