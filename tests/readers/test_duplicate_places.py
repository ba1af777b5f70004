"""A duplicate post id is named where its later copy is: file, line and byte offset, as every
other skipped record is (reference hostile input #8). Before, ``map`` gave the post's line and
no byte (no line at all inside a JSON document: every record there is on "line 0") and
``batch`` the same, so a user with a re-fetched page in a 100 MB export could not find it."""

from __future__ import annotations

import json

import pytest

from argmap.corpus import survey as survey_module
from argmap.corpus.partition import partition
from argmap.corpus.survey import survey
from argmap.options import ReadOptions
from argmap.readers import read_threads
from tests.corpus.test_partition import threads_of

LENIENT = ReadOptions(max_errors=1.0)
POSTS = [{"id": "a", "text": "Taxes are too high."},
         {"id": "b", "text": "No, they fund schools.", "reply_to": "a"},
         {"id": "c", "text": "Schools could be funded otherwise.", "reply_to": "b"},
         {"id": "a", "text": "Taxes are too high (fetched again)."}]


def _files(tmp_path) -> dict[str, tuple[bytes, bytes]]:
    """Each shape, and the bytes its later copy of "a" starts with."""
    lines = b"".join(json.dumps(p).encode() + b"\n" for p in POSTS)
    array = json.dumps(POSTS, indent=1).encode()
    keyed = json.dumps({"posts": POSTS}, indent=1).encode()
    topic = json.dumps({"id": 7, "title": "T", "post_stream": {"posts": [
        {"post_number": n, "cooked": f"<p>Post {n} says taxes fund schools.</p>"}
        for n in (1, 2, 1)]}}, indent=1).encode()
    return {"d.jsonl": (lines, b'{"id": "a", "text": "Taxes are too high (fetched'),
            "d.json": (array, b'{\n  "id": "a",\n  "text": "Taxes are too high (fetched'),
            "w.json": (keyed, b'{\n   "id": "a",\n   "text": "Taxes are too high (fetched'),
            "t.json": (topic, b'{\n    "post_number": 1,\n    "cooked": "<p>Post 1 says')}


def _where(data: bytes, start: bytes) -> tuple[int, int]:
    offset = data.rindex(start)
    return data.count(b"\n", 0, offset) + 1, offset


@pytest.mark.parametrize("name", ["d.jsonl", "d.json", "w.json", "t.json"])
def test_map_names_the_later_duplicate_by_line_and_byte(tmp_path, name) -> None:
    data, start = _files(tmp_path)[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = read_threads([path], LENIENT)
    (dup,) = [p for p in result.problems if p.code == "duplicate_id"]
    assert (dup.path, dup.line, dup.byte_offset) == (str(path), *_where(data, start))


@pytest.mark.parametrize("name", ["d.jsonl", "d.json", "w.json"])
def test_batch_and_inspect_name_it_where_map_does(tmp_path, name, monkeypatch) -> None:
    data, start = _files(tmp_path)[name]
    path = tmp_path / name
    path.write_bytes(data)
    found = partition([path], LENIENT, tmp_path / "spill", 2)  # streamed: assembled later
    assert not [p for p in found.problems if p["code"] == "duplicate_id"]
    problems = [p for t in threads_of(tmp_path / "spill", 2).values() for p in t.problems]
    (dup,) = [p for p in problems if p.code == "duplicate_id"]
    assert (dup.path, dup.line, dup.byte_offset) == (str(path), *_where(data, start))
    monkeypatch.setattr(survey_module, "SURVEY_ABOVE", 0)  # inspect streams it too
    (dup,) = [p for p in survey([path], LENIENT).problems if p.code == "duplicate_id"]
    assert (dup.path, dup.line, dup.byte_offset) == (str(path), *_where(data, start))
