"""readers: JSON Lines / JSON, field mapping, sniffing, error budget and hostile input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.errors import InputError, MissingInput
from argmap.options import ReadOptions
from argmap.readers import FORMATS, ReadResult, read_threads, sniff


def _jsonl(path: Path, records: list[object]) -> Path:
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    return path


def _lenient() -> ReadOptions:
    return ReadOptions(max_errors=1.0)


def test_readers_jsonl_default_fields_and_reply_tree(tmp_path):
    path = _jsonl(tmp_path / "t.jsonl", [
        {"id": 1, "body": "Root claim here.", "user": "ann", "created_utc": 100},
        {"id": 2, "body": "A reply.", "parent_id": 1, "user": "bob", "created_utc": 200},
        {"id": 3, "content": "Another reply.", "in_reply_to": "1", "created_at":
         "2024-01-01T00:00:00Z"},
    ])
    result = read_threads([path])
    assert result.records_in == 3 and result.problems == ()
    (thread,) = result.threads
    assert thread.id == "t:1"
    assert [p.id for p in thread.posts] == ["t:1", "t:2", "t:3"]
    assert thread.posts[1].reply_to == "t:1" and thread.posts[1].author == "bob"
    assert thread.posts[2].created == 1704067200.0
    assert thread.posts[0].created == 100.0


def test_readers_jsonl_field_mapping_with_dotted_paths(tmp_path):
    path = _jsonl(tmp_path / "m.jsonl", [
        {"key": "a", "msg": {"txt": "Hello there, this is a post."}, "who": {"name": "zed"},
         "conv": "c1", "link": "https://example.org/a"},
        {"key": "b", "msg": {"txt": "A reply."}, "up": "a", "conv": "c1",
         "link": "javascript:alert(1)"},
    ])
    fields = (("id", "key"), ("text", "msg.txt"), ("author", "who.name"), ("reply_to", "up"),
              ("thread", "conv"), ("url", "link"))
    (thread,) = read_threads([path], ReadOptions(fields=fields)).threads
    assert thread.id == "m:c1"
    assert thread.posts[0].text == "Hello there, this is a post."
    assert thread.posts[0].author == "zed"
    assert thread.posts[0].source.url == "https://example.org/a"
    assert thread.posts[1].source.url is None
    assert thread.posts[1].reply_to == "m:a"


def test_readers_jsonl_groups_threads_by_field_then_by_root(tmp_path):
    by_field = _jsonl(tmp_path / "f.jsonl", [
        {"id": "x", "text": "one", "thread": "T2"}, {"id": "y", "text": "two", "thread": "T1"}])
    assert [t.id for t in read_threads([by_field]).threads] == ["f:T1", "f:T2"]
    by_root = _jsonl(tmp_path / "r.jsonl", [
        {"id": "a", "text": "root a"}, {"id": "b", "text": "root b"},
        {"id": "c", "text": "reply", "reply_to": "b"}])
    threads = read_threads([by_root]).threads
    assert [(t.id, [p.id for p in t.posts]) for t in threads] == [
        ("r:a", ["r:a"]), ("r:b", ["r:b", "r:c"])]
    flat = _jsonl(tmp_path / "flat.jsonl", [{"text": "one"}, {"text": "two"}])
    (thread,) = read_threads([flat]).threads
    assert thread.id == "flat" and [p.id for p in thread.posts] == ["flat:L1", "flat:L2"]


def test_readers_json_array_and_posts_object(tmp_path):
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{"id": 1, "text": "first"}, {"id": 2, "text": "second",
                                                              "reply_to": 1}]))
    wrapped = tmp_path / "w.json"
    wrapped.write_text(json.dumps({"posts": [{"id": 1, "text": "only"}]}))
    assert sniff(array) == "json" and sniff(wrapped) == "json"
    assert [p.id for p in read_threads([array]).threads[0].posts] == ["a:1", "a:2"]
    assert read_threads([wrapped]).threads[0].posts[0].text == "only"


def test_readers_sniff_uses_content_not_extension(tmp_path):
    misnamed = _jsonl(tmp_path / "looks.txt", [{"id": 1, "text": "a"}, {"id": 2, "text": "b"}])
    assert sniff(misnamed) == "jsonl"
    prose = tmp_path / "prose.json"
    prose.write_text("Just words, not JSON at all.\n")
    assert sniff(prose) == "text"
    packed = tmp_path / "packed.bin"
    packed.write_bytes(gzip.compress(b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n'))
    assert sniff(packed) == "jsonl"
    assert [p.text for p in read_threads([packed]).threads[0].posts] == ["a", "b"]
    binary = tmp_path / "img.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="binary"):
        sniff(binary)


def test_readers_formats_is_a_literal_registry():
    assert {"text", "jsonl", "json", "reddit", "reddit-ndjson", "hn", "discourse",
            "lesswrong", "convokit"} <= set(FORMATS)


def test_readers_bad_lines_are_skipped_with_line_and_byte_offset(tmp_path):
    good = [json.dumps({"id": n, "text": f"post {n}"}).encode() for n in range(1, 30)]
    lines = list(good)
    lines[16] = b'{"id": 17, "text": "bad \xff byte"}'  # line 17: invalid UTF-8
    lines[4] = b'{"id": 5, "text": "\\ud800 lone"}'  # line 5: lone surrogate
    lines[9] = b'{"id": 10, "text": '  # line 10: truncated JSON
    lines[11] = b'["not", "an", "object"]'  # line 12: wrong type
    lines[13] = b'{"id": 14, "text": 42}'  # line 14: text of the wrong type
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n" + b"[" * 100_000 + b"\n")  # line 30: deep
    result = read_threads([path], _lenient())
    found = {(p.code, p.line) for p in result.problems}
    assert ("invalid_utf8", 17) in found
    assert ("invalid_json", 10) in found and ("invalid_json", 30) in found
    assert ("wrong_type", 12) in found and ("wrong_type", 14) in found
    assert any(line == 5 for _, line in found)
    utf8 = next(p for p in result.problems if p.code == "invalid_utf8")
    assert path.read_bytes()[utf8.byte_offset] == 0xFF
    assert result.records_in == 30
    assert result.records_in == result.posts_kept + 6  # conservation: nothing vanished


def test_readers_error_budget_and_strict_mode(tmp_path):
    lines = [json.dumps({"id": n, "text": f"post {n}"}) for n in range(200)] + ["{oops"]
    path = tmp_path / "budget.jsonl"
    path.write_text("\n".join(lines))
    assert read_threads([path]).posts_kept == 200  # 1 of 201 is under 1 %
    with pytest.raises(InputError, match="strict") as caught:
        read_threads([path], ReadOptions(strict=True))
    assert caught.value.line == 201
    with pytest.raises(InputError, match="max_errors"):
        read_threads([path], ReadOptions(max_errors=0.001, max_errors_min=0))


def test_readers_error_budget_has_a_floor_so_one_bad_line_in_a_small_file_is_skipped(tmp_path):
    lines = [json.dumps({"id": n, "text": f"post {n}"}) for n in range(6)]
    lines.insert(3, '{"id": "x", "text": ')
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = read_threads([path])  # 1 bad of 7 records: 14 %, but one record is no real number
    assert result.posts_kept == 6 and result.skipped == 1
    assert [(p.code, p.line) for p in result.losses] == [("invalid_json", 4)]
    with pytest.raises(InputError, match="max_errors_min=0"):
        read_threads([path], ReadOptions(max_errors_min=0))


def test_readers_error_budget_fails_on_a_real_share_of_a_real_number(tmp_path):
    good = [json.dumps({"id": n, "text": f"post {n}"}) for n in range(980)]
    bad = ["{broken"] * 20  # 2 % of 1,000, over the 1 % budget and over its floor of 10
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(good + bad) + "\n")
    with pytest.raises(InputError) as caught:
        read_threads([path])
    assert caught.value.code == "too_many_errors" and caught.value.line == 981
    assert "skipped 20 of 1,000 records" in str(caught.value)
    assert read_threads([path], ReadOptions(max_errors=0.05)).skipped == 20


def test_readers_record_over_size_cap_is_skipped(tmp_path):
    path = _jsonl(tmp_path / "big.jsonl", [{"id": 1, "text": "x" * 500}, {"id": 2, "text": "y"}])
    result = read_threads([path], ReadOptions(max_record_bytes=100, max_errors=1.0))
    assert [p.code for p in result.problems] == ["record_too_large"]
    assert result.problems[0].line == 1 and result.problems[0].byte_offset == 0


def test_readers_bom_first_line_and_truncated_last_line(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n{"id": 3, "te')
    result = read_threads([path], _lenient())
    assert [p.text for p in result.threads[0].posts] == ["a", "b"]
    assert [(p.code, p.line) for p in result.problems] == [("truncated_record", 3)]
    assert result.problems[0].byte_offset == path.read_bytes().rindex(b"\n") + 1


def test_readers_duplicate_ids_are_reported_and_count_as_skipped(tmp_path):
    path = _jsonl(tmp_path / "dup.jsonl", [{"id": 1, "text": "a"}, {"id": 1, "text": "b"}])
    result = read_threads([path], _lenient())
    assert [p.text for p in result.threads[0].posts] == ["a"]
    assert [p.code for p in result.problems] == ["duplicate_id"]
    assert result.skipped == 1 and result.losses == result.problems
    with pytest.raises(InputError):
        read_threads([path], ReadOptions(strict=True))


def test_readers_missing_and_empty_inputs(tmp_path):
    with pytest.raises(MissingInput):
        read_threads([tmp_path / "nope.jsonl"])
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="no posts found"):
        read_threads([empty])
    with pytest.raises(InputError, match="unknown format"):
        read_threads([_jsonl(tmp_path / "x.jsonl", [{"text": "a"}])],
                     ReadOptions(format="myspace"))


def test_readers_only_bad_records_fail_the_run(tmp_path):
    path = tmp_path / "allbad.jsonl"
    path.write_bytes(b"{bad\n{worse\n")
    with pytest.raises(InputError) as caught:
        read_threads([path])
    assert caught.value.code == "too_many_errors"


def test_readers_folder_is_read_file_by_file_in_name_order(tmp_path):
    _jsonl(tmp_path / "b.jsonl", [{"id": 1, "text": "from b"}])
    (tmp_path / "a.txt").write_text("A single plain text post about something.\n")
    (tmp_path / ".hidden").write_text("ignored")
    result = read_threads([tmp_path])
    assert [t.id for t in result.threads] == ["b", "text:a"]


def test_readers_same_bytes_same_result(tmp_path):
    path = _jsonl(tmp_path / "d.jsonl", [{"id": n % 7, "text": f"t{n}", "reply_to": n % 3}
                                         for n in range(40)])
    first = read_threads([path], _lenient())
    second = read_threads([path], _lenient())
    assert first == second


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_readers_hostile_bytes_raise_only_input_errors(tmp_path, blob):
    for name, content in (("h.jsonl", blob), ("h.txt", blob.decode("utf-8", "replace").encode()),
                          ("h.json", b"[" + blob + b"]"), ("h.gz", gzip.compress(blob)[:-3])):
        path = tmp_path / name
        path.write_bytes(content)
        for fmt in ("auto", "jsonl", "text", "json", "reddit", "hn", "discourse", "lesswrong"):
            try:
                result = read_threads([path], ReadOptions(format=fmt, max_errors=1.0))
            except InputError:
                continue
            assert isinstance(result, ReadResult)
            assert result.records_in >= result.posts_kept
            for thread in result.threads:
                assert all(isinstance(p.text, str) for p in thread.posts)


def test_readers_jsonl_hundred_thousand_long_reply_chain(tmp_path):
    n = 100_000
    path = tmp_path / "chain.jsonl"
    path.write_bytes(b"\n".join(
        b'{"id":%d,"text":"t","reply_to":%s}' % (i, str(i - 1).encode() if i else b"null")
        for i in range(n)))
    (thread,) = read_threads([path]).threads
    assert len(thread.posts) == n
    assert thread.posts[-1].id == f"chain:{n - 1}" and thread.posts[-1].reply_to == f"chain:{n - 2}"


def test_readers_only_deleted_posts_are_kept_as_placeholders(tmp_path):
    rows = [{"id": f"c{i}", "parent_id": "t3_s", "link_id": "t3_s", "body": body,
             "author": "[deleted]", "created_utc": i} for i, body in
            enumerate(["[deleted]", "[removed]"])]
    path = _jsonl(tmp_path / "gone.jsonl", rows)
    result = read_threads([path])
    posts = result.threads[0].posts
    assert [p.flags for p in posts] == [("deleted", "orphan"), ("orphan", "removed")]
    assert all(p.author is None for p in posts)


@pytest.mark.parametrize("codec", ["gzip", "bz2", "lzma"])
def test_readers_wrappers_are_detected_by_magic_bytes(tmp_path, codec):
    import bz2
    import lzma

    compress = {"gzip": gzip.compress, "bz2": bz2.compress, "lzma": lzma.compress}[codec]
    path = tmp_path / "posts.data"  # the extension says nothing
    path.write_bytes(compress(b'{"id": 1, "text": "packed"}\n{"id": 2, "text": "too"}\n'))
    assert sniff(path) == "jsonl"
    assert [p.text for p in read_threads([path]).threads[0].posts] == ["packed", "too"]


def test_readers_corrupt_compressed_file_is_an_input_error(tmp_path):
    path = tmp_path / "broken.gz"
    path.write_bytes(gzip.compress(b'{"id": 1, "text": "a"}\n' * 1000)[:60])
    with pytest.raises(InputError):
        read_threads([path])


def test_readers_option_values_are_the_registry():
    from argmap.options import READ_FORMATS

    assert set(READ_FORMATS) == {"auto"} | set(FORMATS)


def test_readers_sources_name_each_file_format_and_codec(tmp_path):
    plain = _jsonl(tmp_path / "a.jsonl", [{"id": 1, "text": "a"}, {"id": 2, "text": "b"}])
    packed = tmp_path / "b.txt.gz"
    packed.write_bytes(gzip.compress(b"Just one post of plain text.\n"))
    result = read_threads([plain, packed])
    assert [(s.path, s.format, s.codec, s.records_in, s.posts_kept) for s in result.sources] == [
        (str(plain), "jsonl", None, 2, 2), (str(packed), "text", "gzip", 1, 1)]


def _shard_rows() -> list[dict]:
    return [
        {"id": "s1", "title": "Buses", "selftext": "Buses should be free.", "author": "op",
         "created_utc": 100, "subreddit": "x"},
        {"id": "c1", "parent_id": "t3_s1", "link_id": "t3_s1", "body": "No, the city pays.",
         "author": "a", "created_utc": 200, "subreddit": "x"},
        {"id": "c2", "parent_id": "t1_c1", "link_id": "t3_s1", "body": "Cars cost more.",
         "author": "b", "created_utc": 300, "subreddit": "x"},
        {"id": "c3", "parent_id": "t1_c2", "link_id": "t3_s1", "body": "Fuel is taxed.",
         "author": "a", "created_utc": 400, "subreddit": "x"},
        {"id": "c4", "parent_id": "t1_c9", "link_id": "t3_s1", "body": "To a missing one.",
         "author": "c", "created_utc": 500, "subreddit": "x"},
    ]


def _write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    return path


def test_readers_thread_split_over_files_keeps_its_replies_across_the_cut(tmp_path):
    """A thread whose posts sit in two files (dump shards, two months) was built file by file,
    so a reply to a post in the other file was hung at the top as an orphan with its parent
    lost (and reported as replying to a post "not here"); read together, the files give the
    tree the one file gives. Found by comparing `map` of shards with `batch` of them."""
    rows = _shard_rows()
    one = read_threads([_write_rows(tmp_path / "all.jsonl", rows)])
    two = read_threads([_write_rows(tmp_path / "a.jsonl", rows[:2]),
                        _write_rows(tmp_path / "b.jsonl", rows[2:])])
    assert [(p.id, p.reply_to, p.flags) for t in two.threads for p in t.posts] == \
        [(p.id, p.reply_to, p.flags) for t in one.threads for p in t.posts]
    assert [(p.code, p.post_id, Path(p.path).name, p.line) for p in two.problems] == [
        ("orphan_reply", "reddit:t1_c4", "b.jsonl", 3)]
    assert [(p.code, p.post_id) for t in two.threads for p in t.problems] == \
        [("orphan_reply", "reddit:t1_c4")]


def test_readers_files_sharing_a_thread_report_duplicates_and_cycles_across_them(tmp_path):
    """The same post id in two files was dropped with no problem (exit 0, "1 skipped"
    unexplained); a reply loop across two files was not seen. Both are reported now."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = {"id": "p0", "text": "Cars should be banned because pollution kills."}
    _write_rows(tmp_path / "a" / "posts.jsonl", [first])
    _write_rows(tmp_path / "b" / "posts.jsonl", [{**first, "text": "Trains cost too much."}])
    result = read_threads([tmp_path / "a", tmp_path / "b"])
    assert result.skipped == 1
    assert [(p.code, Path(p.path).parent.name) for p in result.losses] == [("duplicate_id", "b")]
    rows = [{"id": x, "parent_id": f"t1_{y}", "link_id": "t3_s", "body": f"{x} says so.",
             "created_utc": 1, "subreddit": "s"} for x, y in (("x", "y"), ("y", "x"))]
    loop = read_threads([_write_rows(tmp_path / "c.jsonl", rows[:1]),
                         _write_rows(tmp_path / "d.jsonl", rows[1:])])
    assert [p.code for p in loop.problems] == ["reply_cycle"]
    assert sorted(p.id for t in loop.threads for p in t.posts) == ["reddit:t1_x", "reddit:t1_y"]
