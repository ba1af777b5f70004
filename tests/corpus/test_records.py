"""``argmap batch`` streams a file holding one JSON array (a forum or dataset export) element by
element, as it streams JSON Lines: the same threads, problems and places as ``argmap map``'s
whole read, without holding the array (before: a 100k-post array held ~490 MB just to be
partitioned, and a million-post one would not fit)."""

from __future__ import annotations

import gzip
import json
import tempfile
import tracemalloc
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.corpus.partition import partition
from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads, sniff
from tests.corpus.test_partition import record, threads_of
from tests.support import run_cli

element = st.one_of(record, st.sampled_from([7, "text", None, [1], {"text": 5}]))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(element, min_size=1, max_size=12), st.sampled_from([None, 1]),
       st.sampled_from([1, 4]), st.booleans())
def test_records_json_array_partition_equals_read_threads(tmp_path, elements, indent, buckets,
                                                          hn_list) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "posts.json"
    if hn_list:  # a Firebase item list: read_hn's list, streamed the same way
        elements = [{"id": 1, "type": "story", "by": "pg", "title": "Ask HN", "text": "Why?"},
                    *({"id": 2 + i, "type": "comment", "parent": 1, "text": "Because."}
                      for i in range(len(elements)))]
    path.write_text(json.dumps(elements, indent=indent))
    options = ReadOptions(max_errors=1.0)
    found = partition([path], options, folder / "spill", buckets)
    try:
        expected = read_threads([path], options)
    except InputError as exc:
        assert exc.code in ("empty_input", "too_many_errors") and found.posts == 0
        return
    assert sniff(path) == ("hn" if hn_list else "json")
    threads = threads_of(folder / "spill", buckets)
    assert found.records_in == expected.records_in
    assert found.posts + found.skipped == found.records_in
    for thread in expected.threads:
        assert threads[thread.id].posts == thread.posts
        assert threads[thread.id].problems == thread.problems
    skipped = sorted((p["code"], p["line"], p["byte_offset"]) for p in found.problems
                     if p["action"] == "skipped")
    assert skipped == sorted((p.code, p.line, p.byte_offset) for p in expected.problems
                             if p.code in {"wrong_type", "missing_field"})


def test_records_json_array_is_partitioned_without_holding_it(tmp_path) -> None:
    posts = [{"id": f"p{i}", "reply_to": f"p{i - 1}" if i % 50 else None,
              "thread": f"t{i // 50}", "text": "A claim [with brackets] and {braces}, \"quoted\". "
              * 4} for i in range(20_000)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(posts, indent=1))
    tracemalloc.start()
    try:
        found = partition([path], ReadOptions(), tmp_path / "spill", 8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.posts == 20_000
    assert peak < path.stat().st_size * 2  # 6.3 MB file: 5 MB now, 94 MB read whole


def test_records_json_array_cut_short_keeps_what_was_read(tmp_path) -> None:
    posts = [{"id": f"p{i}", "thread": "t", "text": f"Post number {i} says something."}
             for i in range(30)]
    data = json.dumps(posts, indent=1).encode()
    cut = data.index(b'"p20"') + 2
    path = tmp_path / "cut.json"
    path.write_bytes(data[:cut])
    out = tmp_path / "out"
    result = run_cli("batch", str(path), "-o", str(out), "--jobs", "1", "--tables", "csv")
    assert result.returncode == 3, result.stderr.decode()
    summary = orjson.loads((out / "summary.json").read_bytes())
    assert (summary["records_in"], summary["processed"], summary["skipped"]) == (21, 20, 1)
    start = data.rindex(b"{", 0, cut)
    line = data.count(b"\n", 0, start) + 1
    problems = (out / "csv" / "problems.csv").read_text().splitlines()
    assert problems[1].startswith(f"truncated_record,skipped,last record cut off (the file ends "
                                  f"inside it),{path},{line},{start},")


def test_records_damaged_arrays_are_counted_as_map_counts_them(tmp_path) -> None:
    posts = [{"id": f"p{i}", "thread": "t", "text": f"Post {i} says something."}
             for i in range(12)]
    whole = json.dumps(posts, indent=1).encode()
    broken = whole.replace(b'},\n {\n  "id": "p7"', b'}\n {\n  "id": "p7"')
    cut = whole[:whole.index(b'"p9"')]
    files = {"broken.json": broken, "cut.json": cut,
             "cut.json.gz": gzip.compress(whole)[:-40]}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        folder = tmp_path / f"spill-{name}"
        found = partition([path], ReadOptions(), folder, 2)
        expected = read_threads([path], ReadOptions())
        assert found.records_in == expected.records_in, name
        assert found.posts == expected.posts_kept, name
        assert found.posts + found.skipped == found.records_in, name
        assert sorted(p["code"] for p in found.problems) == sorted(
            p.code for p in expected.problems), name


def _convokit(folder: Path, count: int) -> Path:
    folder.mkdir()
    rows = []
    for i in range(count):
        root = f"u{i - i % 20}"
        rows.append({"id": f"u{i}", "speaker": f"s{i % 7}", "conversation_id": root,
                     "reply_to": None if i % 20 == 0 else f"u{i - 1}", "timestamp": i,
                     "text": f"Utterance {i} argues that **cars** should be banned [link](x).",
                     "meta": {"subreddit": "changemyview"}})
    lines = [orjson.dumps(row) for row in rows]
    lines.insert(3, b"{not json")
    (folder / "utterances.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (folder / "utterances-bin.p").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    return folder


def test_records_convokit_corpus_is_streamed_as_map_reads_it(tmp_path) -> None:
    """Before: a ConvoKit folder was read whole in batch's main process (ConvoKit's own
    failure on big corpora); now its utterances stream like any JSON Lines file."""
    corpus = _convokit(tmp_path / "cmv-corpus", 200)
    found = partition([corpus], ReadOptions(), tmp_path / "spill", 4)
    expected = read_threads([corpus], ReadOptions())
    threads = threads_of(tmp_path / "spill", 4)
    assert found.records_in == expected.records_in == 201 and found.posts == 200
    for thread in expected.threads:
        assert threads[thread.id].posts == thread.posts
    assert sorted((p["code"], p["line"]) for p in found.problems) == sorted(
        (p.code, p.line) for p in expected.problems) == [
        ("binary_metadata_ignored", 0), ("invalid_json", 4)]


def test_records_convokit_corpus_is_not_held_in_memory(tmp_path) -> None:
    corpus = _convokit(tmp_path / "big-corpus", 20_000)
    tracemalloc.start()
    try:
        found = partition([corpus], ReadOptions(), tmp_path / "spill", 8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.posts == 20_000
    # 4 MB of utterances: ~4 MB of buffers now (the same at 60,000: 12 MB of utterances);
    # read whole, 35 MB at 20,000 and growing with the corpus
    assert peak < 12_000_000
