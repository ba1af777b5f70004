"""``argmap batch`` streams a Discourse topic (``post_stream.posts``) and an HN Algolia search
response (``hits``) as it streams ``{"posts": [...]}``: element by element after passes that
hold a member at a time (``readers.document_streams``), with the posts, threads, problems and
tables of the whole read. Before, both were parsed whole in the main process."""

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

TEXT = "Cities should ban cars from the centre because pollution [harms] {children}."


def _topic(count: int, pad: str = "") -> dict:
    posts: list[object] = [
        {"post_number": n, "username": f"u{n % 4}", "topic_id": 77,
         "reply_to_post_number": n - 1 if n % 3 else None, "created_at": "2024-01-02T03:04:05Z",
         "cooked": f"<p>{TEXT} {n}{pad}</p>" + ('<aside class="quote" data-post="1"><blockquote>'
                                            'quoted</blockquote></aside>' if n == 5 else "")}
        for n in range(1, count + 1)]
    posts[2] = {"cooked": "<p>no number</p>"}  # skipped: missing post_number
    posts[3] = ["not", "a", "post"]
    posts.append({"post_number": 2, "cooked": "<p>again</p>"})  # a duplicate
    return {"post_stream": {"posts": posts, "stream": list(range(count + 40))},
            "timeline_lookup": [[1, 3]], "id": 77, "title": "Cars [out] {now}", "slug": "x"}


def _hits(count: int, pad: str = "") -> dict:
    hits: list[object] = [
        {"objectID": str(1000 + i), "story_id": 10 + i % 2, "author": f"a{i % 3}",
         "parent_id": 1000 + i - 2 if i > 1 else 10 + i % 2, "created_at_i": 1700000000 + i,
         "comment_text": f"<p>{TEXT} {i}{pad}</p>"} for i in range(count)]
    hits[4] = {"story_id": 10, "comment_text": "no objectID"}
    hits[6] = {"objectID": "1006", "story_id": 10, "parent_id": 99999, "comment_text": "x"}
    return {"hits": hits, "nbHits": count, "page": 0, "query": "cars ] [ {"}


CASES = {"topic.json": _topic, "search.json": _hits}
FORMATS = {"topic.json": "discourse", "search.json": "hn"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_streamed_document_partition_equals_read_threads(tmp_path, name) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(CASES[name](14), indent=1))
    options = ReadOptions(max_errors=1.0)
    assert sniff(path) == FORMATS[name]
    assert partition_module.line_format(path, FORMATS[name]) is not None  # not read whole
    found = partition([path], options, tmp_path / "spill", 2)
    expected = read_threads([path], options, budget=False)
    assert found.records_in == expected.records_in
    threads = threads_of(tmp_path / "spill", 2)
    assert sorted(threads) == [t.id for t in expected.threads]
    for thread in expected.threads:
        assert (threads[thread.id].posts, threads[thread.id].title) == (thread.posts,
                                                                        thread.title)
        assert sorted(map(repr, threads[thread.id].problems)) == sorted(map(repr, thread.problems))
    assembled = [(p.code, p.message, p.line, p.byte_offset) for t in threads.values()
                 for p in t.problems if is_loss(p)]  # duplicates: found as batch assembles
    assert sorted([(p["code"], p["message"], p["line"], p["byte_offset"])
                   for p in found.problems] + assembled) == sorted(
        (p.code, p.message, p.line, p.byte_offset) for p in expected.problems
        if is_loss(p) or p.code == "posts_not_loaded")


@pytest.mark.parametrize("name", sorted(CASES))
def test_streamed_document_tables_are_those_of_the_whole_read(tmp_path, name,
                                                              monkeypatch) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(CASES[name](14), indent=1))
    run_batch([path], tmp_path / "streamed", jobs=1, tables="csv")
    monkeypatch.setattr(partition_module, "line_format", lambda *args: None)
    run_batch([path], tmp_path / "whole", jobs=1, tables="csv")
    names = sorted(p.name for p in (tmp_path / "whole" / "csv").iterdir())
    assert names and names == sorted(p.name for p in (tmp_path / "streamed" / "csv").iterdir())
    for table in names:
        assert (tmp_path / "streamed" / "csv" / table).read_bytes() == (
            tmp_path / "whole" / "csv" / table).read_bytes(), table


@pytest.mark.parametrize("name", sorted(CASES))
def test_streamed_document_is_partitioned_without_holding_it(tmp_path, name) -> None:
    path = tmp_path / name
    pad = " Buses are cleaner, and the noise hurts." * 60  # long posts: a 5 MB file
    path.write_text(json.dumps(CASES[name](2_000, pad), indent=1))
    tracemalloc.start()
    try:
        found = partition([path], ReadOptions(), tmp_path / "spill", 8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.records_in == (2_001 if name == "topic.json" else 2_000)
    assert peak < path.stat().st_size * 2, peak  # 5 MB: ~7 MB; parsed whole, over 10 MB
