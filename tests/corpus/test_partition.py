"""The streaming read gives the threads read_threads gives: the same posts, reply trees, titles
and problems, for records with and without thread fields, broken reply chains, duplicates and
bad lines; spilled by a hash of the thread id, every record counted once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from argmap.corpus.partition import partition
from argmap.corpus.spill import assemble_thread, bucket_name, group_threads, read_entries
from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads

IDS = [f"p{i}" for i in range(8)]
record = st.fixed_dictionaries(
    {"id": st.sampled_from(IDS)},
    optional={
        "reply_to": st.sampled_from([*IDS, "gone"]),
        "thread": st.sampled_from(["a", "b"]),
        "text": st.sampled_from(["", "Yes.", "Cars should be banned from the old town.",
                                 "No, because shops need drivers who come from far away."]),
        "title": st.just("A title"),
        "created": st.integers(0, 5),
    })
line = st.one_of(record.map(orjson.dumps), st.sampled_from([b"{bad json", b"[1]", b"", b"7"]))


def threads_of(spill: Path, buckets: int) -> dict:
    found = {}
    for index in range(buckets):
        for key, entries in group_threads(read_entries([spill / bucket_name(index)])):
            found[key] = assemble_thread(key, entries)
    return found


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, min_size=1, max_size=14), st.sampled_from([1, 4, 16]))
def test_partition_threads_equal_read_threads(tmp_path, lines, buckets) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    options = ReadOptions(format="jsonl", max_errors=1.0)
    found = partition([path], options, folder / "spill", buckets)
    try:
        expected = read_threads([path], options)
    except InputError as exc:  # no post at all, or no record readable: read_threads refuses it
        assert exc.code in ("empty_input", "too_many_errors") and found.posts == 0
        return
    threads = threads_of(folder / "spill", buckets)
    assert found.records_in == expected.records_in
    assert found.posts + found.skipped == found.records_in
    assert sorted(threads) == [t.id for t in expected.threads if t.posts] or (
        not expected.threads and not found.posts)
    for thread in expected.threads:
        mine = threads[thread.id]
        assert mine.posts == thread.posts and mine.title == thread.title
        assert mine.problems == thread.problems
    skipped_lines = sorted((p["code"], p["line"]) for p in found.problems
                           if p["action"] == "skipped")
    read_skips = sorted((p.code, p.line) for p in expected.problems
                        if p.code in {"invalid_json", "wrong_type", "missing_field"})
    assert skipped_lines == read_skips


def test_partition_keyless_hacker_news_items_join_their_root(tmp_path) -> None:
    items = [{"id": 1, "type": "story", "by": "a", "title": "Ask HN: remote work?", "time": 1},
             {"id": 5, "type": "story", "by": "b", "title": "Show HN: a tool", "time": 2},
             {"id": 2, "type": "comment", "by": "c", "parent": 1, "text": "Remote is better.",
              "time": 3},
             {"id": 6, "type": "comment", "by": "d", "parent": 5, "text": "Nice tool.",
              "time": 4},
             {"id": 3, "type": "comment", "by": "e", "parent": 2, "text": "Offices help.",
              "time": 5}]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(i) for i in items) + b"\n")
    expected = read_threads([path])
    found = partition([path], ReadOptions(), tmp_path / "spill", 4)
    threads = threads_of(tmp_path / "spill", 4)
    assert found.records_in == 5 and sorted(threads) == ["hn:1", "hn:5"]
    assert {t.id: t.posts for t in expected.threads} == {k: t.posts for k, t in threads.items()}


def _lesswrong(rows: list[tuple[str, str | None]]) -> bytes:
    return orjson.dumps({"data": {"comments": {"results": [
        {"_id": cid, "postId": "P", "parentCommentId": parent,
         "postedAt": f"2024-05-01T1{cid[1:]}:00:00.000Z", "htmlBody": f"<p>Point {cid}.</p>",
         "user": {"displayName": "U" + cid}} for cid, parent in rows]}}})


def test_partition_thread_split_over_document_files_keeps_replies_across_them(tmp_path) -> None:
    """Two pages of one LessWrong post's comments: c3 (page two) answers c2 (page one). Each
    page was read whole and spilled as it was built, c3 as an orphan with its parent lost, and
    a problem said c2 was "not here"; now the spilled thread is the one `map` reads from the
    two pages and from one file holding both."""
    rows = [("c1", None), ("c2", "c1"), ("c3", "c2"), ("c4", "c3"), ("c5", "c9")]
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.json").write_bytes(_lesswrong(rows[:2]))
    (folder / "b.json").write_bytes(_lesswrong(rows[2:]))
    (tmp_path / "all.json").write_bytes(_lesswrong(rows))
    files = [folder / "a.json", folder / "b.json"]
    found = partition(files, ReadOptions(), tmp_path / "spill", 4)
    (thread,) = threads_of(tmp_path / "spill", 4).values()
    (whole,) = read_threads([tmp_path / "all.json"]).threads
    (pages,) = read_threads(files).threads
    assert [(p.id, p.reply_to, p.flags) for p in thread.posts] == \
        [(p.id, p.reply_to, p.flags) for p in whole.posts] == \
        [(p.id, p.reply_to, p.flags) for p in pages.posts]
    assert thread.posts[2].reply_to == "lesswrong:c2"
    assert not found.problems  # c5's missing parent is judged once, when the thread is whole
    assert [(p.code, p.post_id) for p in thread.problems] == [("orphan_reply", "lesswrong:c5")]


_REDDIT_IDS = [f"c{i}" for i in range(8)]


_PARENTS = st.sampled_from(["t3_s", "t3_r", *[f"t1_{i}" for i in _REDDIT_IDS]])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_REDDIT_IDS), min_size=1, max_size=12),
       st.fixed_dictionaries({i: st.tuples(_PARENTS, st.sampled_from(["s", "r"]),
                                           st.integers(0, 5)) for i in _REDDIT_IDS}),
       st.lists(st.integers(0, 12), max_size=2))
@example(ids=["c0", "c2", "c3"], records={"c0": ("t3_s", "s", 0), "c2": ("t1_c3", "s", 0),
                                          "c3": ("t1_c2", "s", 0)}, cuts=[1])
def test_partition_reddit_rows_split_over_files_read_as_map_reads_them(tmp_path, ids, records,
                                                                        cuts):
    """Reddit dump rows cut into several files (shards of a month; a row may come twice, as
    re-fetched pages repeat it): the streamed read gives every thread read_threads gives for
    the same files (posts, tree, flags). The example: a reply loop in the second file, the
    root in the first; `map` left the loop's cut post a root of its own, `batch` hung it under
    the root."""
    rows = [(cid, *records[cid]) for cid in ids]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    lines = [orjson.dumps({"id": cid, "parent_id": parent, "link_id": f"t3_{link}",
                           "body": f"Comment {cid} says buses should be free.", "author": "u",
                           "created_utc": t, "subreddit": "x"}) for cid, parent, link, t in rows]
    bounds = sorted({0, len(lines), *(min(c, len(lines)) for c in cuts)})
    files = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        files.append(folder / f"RC_{k}.ndjson")
        files[-1].write_bytes(b"\n".join(lines[a:b]) + b"\n")
    options = ReadOptions(max_errors=1.0)
    found = partition(files, options, folder / "spill", 4)
    expected = read_threads(files, options)
    threads = threads_of(folder / "spill", 4)
    assert found.records_in == expected.records_in
    assert {t.id: t.posts for t in expected.threads} == {k: t.posts for k, t in threads.items()}


def test_partition_batch_says_what_map_says_of_an_unreadable_input(tmp_path) -> None:
    """One record over read.max_text_chars and nothing else: map and batch both refuse it
    (65) in the same words; batch said 'skipped 1 of 1 records' and 'text of 1500
    characters' where map says 'skipped 1 of 1 record' and 'text of 1,500 characters'."""
    from tests.support import run_cli

    source = tmp_path / "long.jsonl"
    source.write_text('{"id": "a", "text": "' + "word " * 300 + '"}\n')
    said = []
    for command in ("map", "batch"):
        result = run_cli(command, str(source), "-o", str(tmp_path / command), "-q",
                         "--set", "read.max_text_chars=999")
        message = result.stderr.decode()
        assert result.returncode == 65, message
        said.append(message[message.index("skipped"):message.index("characters")])
    assert said[0] == said[1] == ("skipped 1 of 1 record (no record could be read); first: "
                                  "text_too_long: text of 1,500 ")
