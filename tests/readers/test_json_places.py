"""A bad record inside a whole JSON document is reported with its line and byte offset, as a bad
line of a line format is (before: "file.json: no text field" with no place at all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads, sniff
from argmap.readers.json_places import DocumentPlaces
from tests.support import run_cli

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
_SCALARS = st.none() | st.booleans() | st.integers(-10**6, 10**6) | _TEXT
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=20)


def _pointers(value: object, at: tuple = ()):
    yield at, value
    if isinstance(value, list):
        for index, member in enumerate(value):
            yield from _pointers(member, (*at, index))
    elif isinstance(value, dict):
        for key, member in value.items():
            yield from _pointers(member, (*at, key))


@settings(max_examples=150, deadline=None)
@given(document=_VALUES, indent=st.sampled_from([None, 0, 2, "\t"]),
       ascii_only=st.booleans(), bom=st.booleans(), reverse=st.booleans())
def test_json_places_every_value_is_found_where_it_is(document, indent, ascii_only, bom,
                                                      reverse):
    data = (b"\xef\xbb\xbf" if bom else b"") + json.dumps(
        document, indent=indent, ensure_ascii=ascii_only).encode("utf-8")
    places = DocumentPlaces(data)
    found = list(_pointers(document))
    for pointer, value in (reversed(found) if reverse else found):
        line, offset = places.place(pointer)
        assert line == data.count(b"\n", 0, offset) + 1
        parsed, _ = json.JSONDecoder().raw_decode(data[offset:].decode("utf-8"))
        assert parsed == value


def test_json_places_a_pointer_that_leads_nowhere_has_no_place():
    places = DocumentPlaces(b'{"posts": [{"id": 1}], "n": 2}')
    assert places.place(("posts", 1)) is None
    assert places.place(("n", 0)) is None
    assert places.place(("missing",)) is None
    assert places.place(("posts", "0")) is None
    assert places.place_or_none(("posts", 5)) == (0, None)
    assert places.place(("posts", 0, "id")) == (1, 18)


def test_json_places_duplicated_keys_place_the_value_kept():
    data = b'{"a": 1,\n "a": [2]}'
    assert json.loads(data) == {"a": [2]}
    assert DocumentPlaces(data).place(("a",)) == (2, 15)


def _problems(path: Path) -> list[tuple[str, int, int | None]]:
    return [(p.code, p.line, p.byte_offset) for p in read_threads([path]).problems]


def test_json_places_array_of_posts_names_line_and_byte_of_the_bad_record(tmp_path):
    path = tmp_path / "posts.json"
    path.write_bytes(b'[{"id": "a", "text": "Fine."},\n {"id": "b"},\n'
                     b' {"id": "c", "text": "Also \xc3\xa9 fine.", "reply_to": "a"},\n 7]')
    assert _problems(path) == [("missing_field", 2, 32), ("wrong_type", 4, 102)]
    result = run_cli("map", str(path), "-o", str(tmp_path / "out"), "-q")
    assert result.returncode == 3
    assert f"{path}:2 (byte 32): no text field" in result.stderr.decode()


def test_json_places_wrapped_posts_lesswrong_hn_hits_and_discourse(tmp_path):
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"posts": [{"id": 1, "text": "Yes."}, {"id": 2}]}, indent=1))
    lesswrong = tmp_path / "lw.json"
    lesswrong.write_text(json.dumps({"data": {"comments": {"results": [
        {"_id": "c1", "postId": "P", "htmlBody": "<p>Hi.</p>"}, {"postId": "P"}]}}}, indent=1))
    hits = tmp_path / "hits.json"
    hits.write_text(json.dumps({"hits": [
        {"objectID": "1", "title": "T", "story_id": 1, "author": "a", "created_at_i": 1},
        {"comment_text": "no id", "story_id": 1, "parent_id": 1}]}, indent=1))
    discourse = tmp_path / "topic.json"
    discourse.write_text(json.dumps({"id": 9, "title": "T", "post_stream": {"posts": [
        {"id": 1, "post_number": 1, "username": "a", "cooked": "<p>Hi.</p>"},
        {"id": 2, "username": "b", "cooked": "<p>No number.</p>"}, 5]}}, indent=1))
    for path, pointer in ((wrapped, ("posts", 1)),
                          (lesswrong, ("data", "comments", "results", 1)),
                          (hits, ("hits", 1))):
        (problem,) = read_threads([path]).problems
        assert (problem.line, problem.byte_offset) == DocumentPlaces(
            path.read_bytes()).place(pointer), path
        assert problem.line > 1
    places = DocumentPlaces(discourse.read_bytes())
    assert _problems(discourse) == [
        ("missing_field", *places.place(("post_stream", "posts", 1))),
        ("wrong_type", *places.place(("post_stream", "posts", 2)))]


def test_json_places_nested_reddit_comment_is_placed(tmp_path):
    def comment(native: str | None, body: str, replies: list) -> dict:
        data = {"body": body, "author": "u", "parent_id": "t3_x", "link_id": "t3_x",
                "created_utc": 1, "replies": {"kind": "Listing", "data": {"children": replies}}
                if replies else ""}
        if native:
            data["id"] = native
        return {"kind": "t1", "data": data}

    bad = comment(None, "I have no id.", [])
    thread = [{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
        "id": "x", "title": "Title", "selftext": "Opening post.", "author": "op",
        "created_utc": 0}}]}},
        {"kind": "Listing", "data": {"children": [
            comment("a", "First.", [comment("b", "Second.", [bad])])]}}]
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(thread, indent=2))
    pointer = (1, "data", "children", 0, "data", "replies", "data", "children", 0,
               "data", "replies", "data", "children", 0)
    (problem,) = read_threads([path]).problems
    assert problem.code == "missing_field"
    assert (problem.line, problem.byte_offset) == DocumentPlaces(path.read_bytes()).place(pointer)
    offset = problem.byte_offset
    assert json.JSONDecoder().raw_decode(path.read_text()[offset:])[0] == bad


def test_json_places_hn_algolia_tree_places_a_nested_bad_item(tmp_path):
    bad = {"type": "comment", "author": "b", "text": "<p>No id.</p>", "children": []}
    tree = {"id": 1, "type": "story", "author": "pg", "created_at_i": 5, "title": "T",
            "story_id": 1, "parent_id": None, "children": [
                {"id": 2, "type": "comment", "author": "a", "created_at_i": 6,
                 "text": "<p>A reply.</p>", "story_id": 1, "parent_id": 1,
                 "children": [bad]}]}
    path = tmp_path / "item.json"
    path.write_text(json.dumps(tree, indent=2))
    (problem,) = read_threads([path]).problems
    assert problem.code == "missing_field" and problem.line > 1
    assert json.JSONDecoder().raw_decode(path.read_text()[problem.byte_offset:])[0] == bad


def test_json_places_records_without_ids_in_an_array_are_all_kept(tmp_path):
    posts = [{"text": "Cats are great pets for busy people."},
             {"text": "Dogs need more time than cats do."},
             {"text": "I disagree, cats need care too."}]
    for name, document in (("noid.json", posts), ("wrapped.json", {"posts": posts})):
        path = tmp_path / name
        path.write_text(json.dumps(posts if name == "noid.json" else document))
        result = read_threads([path])
        assert not result.problems  # before: two "duplicate post id 'noid:L0'", two posts lost
        (thread,) = result.threads
        stem = path.stem
        assert [p.id for p in thread.posts] == [f"{stem}:R1", f"{stem}:R2", f"{stem}:R3"]
    lines = tmp_path / "noid.jsonl"
    lines.write_text("\n".join(json.dumps(p) for p in posts) + "\n")
    assert [p.id for p in read_threads([lines]).threads[0].posts] == [
        "noid:L1", "noid:L2", "noid:L3"]


def test_json_places_a_null_in_an_array_is_a_skipped_record_not_a_silent_one(tmp_path):
    path = tmp_path / "posts.json"
    path.write_bytes(b'[{"id": "a", "text": "Fine."},\n null]')
    result = read_threads([path])
    assert result.records_in == 2 and result.posts_kept == 1  # before: 2 in, 1 kept, 0 skipped
    assert [(p.code, p.line, p.byte_offset) for p in result.problems] == [("wrong_type", 2, 32)]


def test_json_places_one_bad_element_of_an_array_is_one_skipped_record(tmp_path):
    """Before: one bad element made the whole array 'not valid JSON' (exit 65, nothing mapped,
    orjson's character position given as a byte offset on line 1)."""
    path = tmp_path / "posts.json"
    path.write_bytes(b'[{"id": "a", "text": "Caf\xc3\xa9s are great places to argue."},\n'
                     b' {"id": "b", "text": tru},\n'
                     b' {"id": "c", "text": "No, libraries are better.", "reply_to": "a"}]')
    result = read_threads([path])
    assert [p.id for p in result.threads[0].posts] == ["posts:a", "posts:c"]
    bad = path.read_bytes().index(b'{"id": "b"')
    assert [(p.code, p.line, p.byte_offset) for p in result.problems] == [
        ("invalid_json", 2, bad)]
    cli = run_cli("map", str(path), "-o", str(tmp_path / "out"), "-q")
    assert cli.returncode == 3
    assert f"{path}:2 (byte {bad}): invalid JSON" in cli.stderr.decode()


def test_json_places_a_broken_array_keeps_the_records_before_the_break(tmp_path):
    path = tmp_path / "posts.json"
    path.write_bytes(b'[{"id": "a", "text": "Cats are great."},\n {"id": "b", "text": "Dogs."}\n'
                     b' {"id": "c", "text": "Lost."}]')
    result = read_threads([path])
    assert [p.id for p in result.threads[0].posts] == ["posts:a", "posts:b"]
    (problem,) = result.problems
    assert (problem.code, problem.line) == ("invalid_json", 3)
    assert problem.message.startswith("the JSON array is broken: expected ',' or ']' after "
                                      "element 2, found '{'; the 2 records before it were read")
    assert result.records_in == 3  # a + b + the break, so the loss counts


def test_json_places_an_invalid_document_names_the_line_and_byte_of_the_error(tmp_path):
    """orjson's position counts characters; the report counts bytes and lines (before: the
    character position as the byte offset, always on line 1)."""
    path = tmp_path / "document.json"
    data = b'\xef\xbb\xbf{"replies": [{"id": "a", "text": "Caf\xc3\xa9s."},\n {"id": "b", "text": tru}]}'
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_threads([path], ReadOptions(format="json"))
    assert (caught.value.line, caught.value.byte_offset) == (2, data.index(b"tru}"))


def test_json_places_a_wrapped_array_after_a_bom_is_read_post_by_post(tmp_path):
    """Before: the members of an object after a BOM were looked for 3 bytes off, so a bad post
    of a BOM'd ``{"posts": [...]}`` made the whole file invalid (exit 65)."""
    path = tmp_path / "wrapped.json"
    data = b'\xef\xbb\xbf{"posts": [{"id": "a", "text": "Caf\xc3\xa9s."},\n {"id": "b", "text": tru}]}'
    path.write_bytes(data)
    result = read_threads([path], ReadOptions(format="json", max_errors=1.0))
    assert [p.id for p in result.threads[0].posts] == ["wrapped:a"]
    (problem,) = result.problems
    assert (problem.code, problem.line, problem.byte_offset) == (
        "invalid_json", 2, data.index(b'{"id": "b"'))


def test_json_places_a_bad_post_of_a_wrapped_array_is_one_skipped_record(tmp_path):
    """Before: one bad post made {"posts": [...]} 'not valid JSON' as a whole (exit 65)."""
    posts = [{"text": "Cafés are great places to argue."}, {"text": "BAD"},
             {"text": "No, libraries are better.", "reply_to": "R1"}]
    good = json.dumps({"title": "T", "posts": posts}, indent=1).encode()
    path = tmp_path / "export.json"
    path.write_bytes(good.replace(b'"BAD"', b"tru"))
    assert sniff(path) == "json"
    result = read_threads([path])
    (thread,) = result.threads
    assert [p.id for p in thread.posts] == ["export:R1", "export:R3"]  # ids as if whole
    bad = path.read_bytes().index(b"tru") - len(b'{\n   "text": ')
    assert [(p.code, p.byte_offset) for p in result.problems] == [("invalid_json", bad)]
    lines = tmp_path / "broken-first.jsonl"  # a JSON Lines file whose first line is cut
    lines.write_bytes(b'{"id": "a", "text": "cut\n{"id": "b", "text": "Whole."}\n')
    assert sniff(lines) == "jsonl" and read_threads([lines], ReadOptions(
        max_errors=1.0), budget=False).posts_kept == 1
