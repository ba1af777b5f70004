"""``argmap batch`` streams an object wrapping its posts (``{"posts": [...]}``, the shape of
many forum exports) as it streams a bare JSON array: element by element, after a sniff that
outlines the document instead of parsing it (``readers.json_outline``). Before, such a file
was parsed whole in the main process, twice (to sniff it, then to read it): a 20k-post export
of 2.8 MB peaked at 45 MB there, and a million-post one would need gigabytes."""

from __future__ import annotations

import gzip
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


def _posts(count: int, text: str = "Cars should go, because the noise [hurts] {all}.") -> list:
    return [{"id": f"p{i}", "reply_to": f"p{i - 1}" if i % 5 else None, "thread": f"t{i // 5}",
             "text": f"{text} {i}"} for i in range(count)]


def _wrapped(posts: list, key: str = "posts", indent: int | None = 1) -> bytes:
    """An export: members before and after the posts, with brackets and a list of their own."""
    return json.dumps({"source": "forum ] [ { \"", "tags": [["a"], {"b": "]"}],
                       "comments": "not a list", key: posts, "title": "Cars"},
                      indent=indent).encode()


def _cases() -> dict[str, bytes]:
    whole = _wrapped(_posts(12))
    bad = whole.replace(b'"id": "p3"', b'"id": tru', 1)  # one element is not JSON
    broken = whole.replace(b'},\n  {\n   "id": "p7"', b'}\n  {\n   "id": "p7"', 1)
    assert broken != whole
    return {"whole.json": whole, "bad.json": bad, "broken.json": broken,
            "cut.json": whole[:whole.index(b'"p9"')],  # cut inside the array
            "cut.json.gz": gzip.compress(whole)[:-40],
            "data.json": _wrapped(_posts(6), "data", None),  # minified, under "data"
            "bom.json": b"\xef\xbb\xbf" + _wrapped(_posts(4))}


@pytest.mark.parametrize("name", sorted(_cases()))
def test_wrapped_export_partition_equals_read_threads(tmp_path, name) -> None:
    path = tmp_path / name
    path.write_bytes(_cases()[name])
    options = ReadOptions(max_errors=1.0)
    assert sniff(path) == "json"
    assert partition_module.line_format(path, "json") is not None  # streamed, not read whole
    found = partition([path], options, tmp_path / "spill", 2)
    expected = read_threads([path], options, budget=False)
    assert found.records_in == expected.records_in
    assert found.posts == expected.posts_kept
    assert found.posts + found.skipped == found.records_in
    threads = threads_of(tmp_path / "spill", 2)
    for thread in expected.threads:
        assert threads[thread.id].posts == thread.posts
    assert sorted((p["code"], p["line"], p["byte_offset"]) for p in found.problems) == sorted(
        (p.code, p.line, p.byte_offset) for p in expected.problems if is_loss(p))


def test_wrapped_export_bad_element_is_one_record_at_its_place(tmp_path) -> None:
    data = _cases()["bad.json"]
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    found = partition([path], ReadOptions(), tmp_path / "spill", 2)
    start = data.rindex(b"{", 0, data.index(b'"id": tru'))
    (problem,) = [p for p in found.problems if p["action"] == "skipped"]
    assert (problem["code"], problem["line"], problem["byte_offset"]) == (
        "invalid_json", data.count(b"\n", 0, start) + 1, start)
    assert (found.records_in, found.posts) == (12, 11)


def test_wrapped_export_tables_are_those_of_the_whole_read(tmp_path, monkeypatch) -> None:
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


def test_wrapped_export_is_partitioned_without_holding_it(tmp_path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(_wrapped(_posts(20_000)))
    tracemalloc.start()
    try:
        found = partition([path], ReadOptions(), tmp_path / "spill", 8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.posts == 20_000
    assert peak < path.stat().st_size * 2, peak  # 2.8 MB file: 4.8 MB now, 45 MB read whole
