"""Placement campaign: in every document format placed by ``readers.json_places`` (a Reddit
thread's Listings, an HN Algolia tree, HN search hits, a Discourse topic, a LessWrong response,
an object wrapping its posts), one bad record anywhere in the tree is reported at its true line
and byte offset.

The reference is computed independently of ``DocumentPlaces``: the bad record is first written
as a unique placeholder string, the document serialised (any indent, ASCII or UTF-8, CRLF,
a BOM), and the placeholder's byte position found in the bytes before it is replaced by the
record. CI runs a fixed, derandomised set; ``ARGMAP_FUZZ_FACTOR=N`` draws more.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.options import ReadOptions
from argmap.readers import read_threads

HOLE = "@@the-bad-record@@"
_TEXTS = st.sampled_from(["Yes.", "é ü 中文 😀 fine", 'quote " and \\ and ] and },{',
                          "two\nlines", "Cars should be banned from the old town."])


def _reddit(texts: list[str], parents: list[int], bad: int) -> object:
    """A Reddit thread: comment i replies to comment parents[i] (< i) or to the post (-1);
    the bad comment (no id) is made a leaf."""
    def comment(i: int) -> object:
        if i == bad:
            return HOLE
        replies = [comment(j) for j in range(len(texts)) if parents[j] == i]
        return {"kind": "t1", "data": {
            "id": f"c{i}", "body": texts[i], "author": "u", "created_utc": i,
            "parent_id": f"t1_c{parents[i]}" if parents[i] >= 0 else "t3_x", "link_id": "t3_x",
            "replies": {"kind": "Listing", "data": {"children": replies}} if replies else ""}}
    return [{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
        "id": "x", "title": "Title", "selftext": "Opening post.", "author": "op",
        "created_utc": 0}}]}},
        {"kind": "Listing", "data": {"children": [comment(i) for i in range(len(texts))
                                                   if parents[i] < 0]}}]


def _algolia(texts: list[str], parents: list[int], bad: int) -> object:
    def item(i: int) -> object:
        if i == bad:
            return HOLE
        return {"id": 10 + i, "type": "comment", "author": "a", "created_at_i": 6 + i,
                "text": f"<p>{texts[i]}</p>", "story_id": 1,
                "parent_id": 10 + parents[i] if parents[i] >= 0 else 1,
                "children": [item(j) for j in range(len(texts)) if parents[j] == i]}
    return {"id": 1, "type": "story", "author": "pg", "created_at_i": 5, "title": "T",
            "story_id": 1, "parent_id": None,
            "children": [item(i) for i in range(len(texts)) if parents[i] < 0]}


def _flat(texts: list[str], bad: int, make) -> list:
    return [HOLE if i == bad else make(i, text) for i, text in enumerate(texts)]


def _hits(texts, parents, bad):
    story = {"objectID": "1", "title": "T", "story_id": 1, "author": "a", "created_at_i": 1}
    return {"hits": [story, *_flat(texts, bad, lambda i, t: {
        "objectID": str(10 + i), "comment_text": t, "story_id": 1, "parent_id": 1,
        "author": "b", "created_at_i": 2 + i})]}


def _discourse(texts, parents, bad):
    return {"id": 9, "title": "T", "post_stream": {"posts": _flat(texts, bad, lambda i, t: {
        "id": 100 + i, "post_number": i + 1, "username": "a", "cooked": f"<p>{t}</p>"})}}


def _lesswrong(texts, parents, bad):
    return {"data": {"comments": {"results": _flat(texts, bad, lambda i, t: {
        "_id": f"c{i}", "postId": "P", "htmlBody": f"<p>{t}</p>"})}}}


def _wrapped(texts, parents, bad):
    return {"posts": _flat(texts, bad, lambda i, t: {"id": f"p{i}", "text": t})}


# each format, its document builder and the bad record (what the reader cannot map)
FORMATS = {
    "reddit": (_reddit, {"kind": "t1", "data": {"body": "No id \u00e9.", "author": "u",
                                                "parent_id": "t3_x", "link_id": "t3_x",
                                                "created_utc": 1, "replies": ""}}),
    "hn": (_algolia, {"type": "comment", "author": "b", "text": "<p>No id.</p>",
                      "children": []}),
    "hn-hits": (_hits, {"comment_text": "no id", "story_id": 1, "parent_id": 1}),
    "discourse": (_discourse, {"id": 2, "username": "b", "cooked": "<p>No number \u00e9.</p>"}),
    "lesswrong": (_lesswrong, {"postId": "P", "htmlBody": "<p>No id.</p>"}),
    "json": (_wrapped, {"id": "nothing to say"}),
}


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(FORMATS)), texts=st.lists(_TEXTS, min_size=1, max_size=7),
       data=st.data(), indent=st.sampled_from([None, 0, 1, 2, "\t"]), ascii_only=st.booleans(),
       crlf=st.booleans(), bom=st.booleans())
def test_json_places_fuzz_a_bad_record_anywhere_is_placed_at_its_first_byte(
        tmp_path, kind, texts, data, indent, ascii_only, crlf, bom) -> None:
    parents = [data.draw(st.integers(-1, i - 1)) for i in range(len(texts))]
    # the bad record is a leaf (its replies would be other problems)
    leaves = [i for i in range(len(texts)) if i not in parents]
    bad = data.draw(st.sampled_from(leaves))
    build, bad_record = FORMATS[kind]
    text = json.dumps(build(texts, parents, bad), indent=indent, ensure_ascii=ascii_only)
    if crlf:
        text = text.replace("\n", "\r\n")
    head, _, tail = text.encode().partition(json.dumps(HOLE).encode())
    head = (b"\xef\xbb\xbf" if bom else b"") + head
    expected = (head.count(b"\n") + 1, len(head))
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "thread.json"
    path.write_bytes(head + json.dumps(bad_record, ensure_ascii=ascii_only).encode() + tail)
    result = read_threads([path], ReadOptions(format=kind.split("-")[0], max_errors=1.0),
                          budget=False)
    placed = [(p.code, p.line, p.byte_offset) for p in result.problems if p.code not in
              ("orphan_reply", "missing_parent")]
    assert placed == [("missing_field", *expected)], (kind, result.problems)
    assert result.records_in == result.posts_kept + 1
