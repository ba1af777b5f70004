"""Posts keyed by id (``{"1": {"text": ...}, "2": {...}}``, Firebase's and many scrapers'
export shape, also under ``{"posts": {...}}``) are read as posts by ``map``, ``inspect`` and
``batch``: member by member (``readers.json_members``), a bad member one skipped record at its
file:line (byte N), streamed by ``batch`` in bounded memory. Before, such a file was one
record with "no text field" (exit 65)."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from argmap.corpus import partition as partition_module
from argmap.corpus.partition import partition
from argmap.corpus.runner import run_batch
from argmap.options import ReadOptions
from argmap.readers import read_threads, sniff
from argmap.readers.result import is_loss
from tests.corpus.test_partition import threads_of
from tests.support import run_cli

BRIEF = b'{"1":{"text":"Taxes are too high."},"2":{"text":"No, they fund schools.","reply_to":"1"}}'


def _posts(count: int) -> dict:
    return {f"p{i}": {"reply_to": f"p{i - 1}" if i % 5 else None, "thread": f"t{i // 5}",
                      "text": f"Cars should go, because the noise [hurts] {{all}}. {i}"}
            for i in range(count)}


def _cases() -> dict[str, bytes]:
    whole = json.dumps(_posts(12), indent=1).encode()
    under = json.dumps({"source": "forum } {", "posts": _posts(12), "n": 12}, indent=1).encode()
    return {"brief.json": BRIEF, "whole.json": whole, "under.json": under,
            "bad.json": whole.replace(b'"thread": "t0"', b'"thread": tru', 1),
            "badkey.json": whole.replace(b'"p4": {', b'"p4" {', 1),  # the object breaks
            "cut.json": whole[:whole.index(b'"p9"')]}


def test_the_briefs_export_maps_as_two_posts(tmp_path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(BRIEF)
    assert sniff(path) == "json"
    (thread,) = read_threads([path]).threads
    assert [(p.id, p.reply_to) for p in thread.posts] == [
        ("export:1", None), ("export:2", "export:1")]
    done = run_cli("map", str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr


def test_a_records_own_id_wins_over_its_key(tmp_path) -> None:
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"posts": {"a": {"text": "Taxes are too high."},
                                          "b": {"id": "z", "text": "No.", "reply_to": "a"}}}))
    ids = sorted(p.id for t in read_threads([path]).threads for p in t.posts)
    assert ids == ["k:a", "k:z"]


@pytest.mark.parametrize("document", [
    {"author": {"name": "Ann", "text": "bio"}, "text": "Taxes are too high because of waste."},
    {"author": {"name": "Ann"}, "quoted": {"body": "Hi"}, "meta": {"text": "x"},
     "body": "Taxes are too high because of waste."},
    {"user": {"name": "Ann"}, "text": "Taxes are too high because of waste."}])
def test_one_post_whose_fields_are_objects_stays_one_post(tmp_path, document) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document))
    result = read_threads([path])
    assert (result.records_in, result.posts_kept) == (1, 1)


@pytest.mark.parametrize("name", sorted(_cases()))
def test_keyed_export_partition_equals_read_threads(tmp_path, name) -> None:
    path = tmp_path / name
    path.write_bytes(_cases()[name])
    options = ReadOptions(max_errors=1.0)
    assert sniff(path) == "json"
    assert partition_module.line_format(path, "json") is not None  # streamed, not read whole
    found = partition([path], options, tmp_path / "spill", 2)
    expected = read_threads([path], options, budget=False)
    assert found.records_in == expected.records_in
    assert found.posts == expected.posts_kept > 0
    threads = threads_of(tmp_path / "spill", 2)
    for thread in expected.threads:
        assert threads[thread.id].posts == thread.posts
    assert sorted((p["code"], p["line"], p["byte_offset"]) for p in found.problems) == sorted(
        (p.code, p.line, p.byte_offset) for p in expected.problems if is_loss(p))


def test_a_bad_member_is_one_record_at_its_place(tmp_path) -> None:
    data = _cases()["bad.json"]
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    start = data.rindex(b"{", 0, data.index(b'"thread": tru'))
    expected = ("invalid_json", data.count(b"\n", 0, start) + 1, start)
    (problem,) = read_threads([path], ReadOptions(max_errors=1.0)).losses
    assert (problem.code, problem.line, problem.byte_offset) == expected
    found = partition([path], ReadOptions(), tmp_path / "spill", 2)
    (row,) = [p for p in found.problems if p["action"] == "skipped"]
    assert (row["code"], row["line"], row["byte_offset"]) == expected
    assert (found.records_in, found.posts) == (12, 11)
    done = run_cli("inspect", str(path))
    assert done.returncode == 3
    assert f"bad.json:{expected[1]} (byte {start:,})" in done.stderr.decode()


def test_keyed_export_tables_are_those_of_the_whole_read(tmp_path, monkeypatch) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(_cases()["bad.json"])
    run_batch([path], tmp_path / "streamed", jobs=1, tables="csv")
    monkeypatch.setattr(partition_module, "line_format", lambda *args: None)
    run_batch([path], tmp_path / "whole", jobs=1, tables="csv")
    names = sorted(p.name for p in (tmp_path / "whole" / "csv").iterdir())
    assert names and names == sorted(p.name for p in (tmp_path / "streamed" / "csv").iterdir())
    for name in names:
        assert (tmp_path / "streamed" / "csv" / name).read_bytes() == (
            tmp_path / "whole" / "csv" / name).read_bytes(), name


@pytest.mark.parametrize("wrapped", [False, True])
def test_keyed_export_is_partitioned_without_holding_it(tmp_path, wrapped) -> None:
    posts = _posts(10_000)  # half the records of longer posts: the same ~5 MB, half the time
    for post in posts.values():  # a forum post's length (the fixed buffers are ~2.5 MB)
        post["text"] += " Because buses are cleaner than cars, and the noise hurts." * 5
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"posts": posts} if wrapped else posts, indent=1))
    assert sniff(path) == "json"  # outlined (over 64 KiB): not held either
    tracemalloc.start()
    try:
        found = partition([path], ReadOptions(), tmp_path / "spill", 8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.posts == 10_000
    assert peak < path.stat().st_size * 2, peak  # 5 MB file: ~7 MB; parsed whole, ~50 MB
