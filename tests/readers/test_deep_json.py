"""JSON nested deeper than orjson's 1,024 levels: read the same values, without recursion.

A Reddit comment chain in the API's JSON nests five levels per reply and an HN Algolia tree two,
so a long back-and-forth is past orjson's limit; such files were refused as invalid JSON, or a
one-line file reported as "cut off"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.readers import deep_json

_SCALARS = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.sampled_from([None, 2]), st.booleans(), st.sampled_from(["", " ", "\n\t "]))
def test_deep_json_reads_what_orjson_reads(value, indent, ascii_only, space):
    """Any value as any writer spells it (indented or not, escaped or not, integers past
    64 bits, lone surrogates): the same value as orjson's, or refused as orjson refuses it."""
    import json

    text = space + json.dumps(value, indent=indent, ensure_ascii=ascii_only) + space
    try:
        expected = orjson.loads(text)
    except orjson.JSONDecodeError:
        with pytest.raises(orjson.JSONDecodeError):
            deep_json.deep_loads(text)
        return
    assert deep_json.deep_loads(text) == expected


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet='[]{}:,"\\ 0123456789.eE+-tfrulnasu\u00e9\ud83d', max_size=30))
def test_deep_json_refuses_what_orjson_refuses(text):
    """On any text in JSON's alphabet, both accept or both refuse, and agree on the value and
    on whether the text ran out inside a value (a cut-off record)."""
    try:
        expected = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        with pytest.raises(orjson.JSONDecodeError) as caught:
            deep_json.deep_loads(text)
        assert deep_json.ends_early(caught.value) == deep_json.ends_early(exc), (text, exc)
        return
    assert deep_json.deep_loads(text) == expected


def test_deep_json_reads_past_orjsons_depth_and_stops_at_its_own():
    deep = "[" * 5_000 + '{"a": [1, 2.5, "x"]}' + "]" * 5_000
    value = deep_json.loads(deep.encode())
    for _ in range(5_000):
        value = value[0]
    assert value == {"a": [1, 2.5, "x"]}
    with pytest.raises(orjson.JSONDecodeError, match="nested deeper than 100,000 levels"):
        deep_json.loads("[" * 100_001 + "]" * 100_001)
    with pytest.raises(orjson.JSONDecodeError) as cut:
        deep_json.loads("[" * 2_000)
    assert deep_json.ends_early(cut.value)


def _reddit_chain(replies: int, textless: int = 0) -> list:
    node = None
    for i in range(replies, 0, -1):
        data = {"id": f"c{i}", "name": f"t1_c{i}", "author": f"u{i % 7}",
                "parent_id": f"t1_c{i - 1}" if i > 1 else "t3_p", "created_utc": 1_700_000_000 + i,
                "body": f"Point {i} holds because of reason {i}.",
                "replies": {"kind": "Listing", "data": {"children": [node]}} if node else ""}
        if i == textless:
            del data["body"]
        node = {"kind": "t1", "data": data}
    post = {"kind": "t3", "data": {"id": "p", "name": "t3_p", "title": "Deep", "author": "op",
                                   "selftext": "Start here.", "created_utc": 1_700_000_000}}
    return [{"kind": "Listing", "data": {"children": [post]}},
            {"kind": "Listing", "data": {"children": [node]}}]


def _hn_chain(replies: int) -> dict:
    node = None
    for i in range(replies, 0, -1):
        node = {"id": i + 1, "type": "comment", "author": f"u{i % 5}", "parent_id": i,
                "text": f"<p>Point {i} holds because of {i}.</p>", "created_at_i": 1_700_000_000 + i,
                "children": [node] if node else []}
    return {"id": 1, "type": "story", "title": "Deep HN", "author": "op", "text": "Start",
            "created_at_i": 1_700_000_000, "children": [node]}


@pytest.mark.parametrize(("name", "document", "posts"), [
    ("reddit.json", lambda: _reddit_chain(300), 301),
    ("hn.json", lambda: _hn_chain(700), 701),
])
def test_deep_json_a_long_reply_chain_in_its_native_json_is_mapped(tmp_path: Path, name,
                                                                    document, posts):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # the standard library's json writes this nesting recursively
    try:
        import json
        (tmp_path / name).write_text(json.dumps(document()))
    finally:
        sys.setrecursionlimit(old)
    done = subprocess.run([sys.executable, "-m", "argmap", "map", str(tmp_path / name), "-o",
                           str(tmp_path / "out"), "--export", "json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{posts:,} records read = {posts:,} mapped + 0 skipped" in done.stderr
    saved = orjson.loads(next((tmp_path / "out").glob("*.json")).read_bytes())
    kept = saved["map"]["threads"][0]["posts"]
    assert len(kept) == posts
    # the reply tree is whole: each reply answers the one before it
    assert all(post["reply_to"] == before["id"] for before, post in zip(kept, kept[1:], strict=False))


def test_deep_json_a_last_line_too_deep_is_skipped_as_such_not_cut_off(tmp_path: Path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "1", "text": "A fine post about taxes."}\n'
                    + '{"a":' * 100_001 + "1" + "}" * 100_001)
    done = subprocess.run([sys.executable, "-m", "argmap", "map", str(path), "-o",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    assert "posts.jsonl:2 (byte 48): invalid JSON (nested deeper than 100,000 levels" in (
        done.stderr)
    batch = subprocess.run([sys.executable, "-m", "argmap", "batch", str(path), "-o",
                            str(tmp_path / "corpus"), "--tables", "csv", "-q"],
                           capture_output=True, text=True, timeout=300)
    assert batch.returncode == 3, batch.stderr
    rows = (tmp_path / "corpus" / "csv" / "problems.csv").read_text().splitlines()
    assert rows[1].startswith("nesting_too_deep,skipped,") and rows[1].endswith(
        "/posts.jsonl,2,48,,"), rows


def test_deep_json_a_bad_record_deep_in_a_chain_is_placed(tmp_path: Path):
    """A record 250 replies deep (1,250 JSON levels) that cannot be read is named by line and byte, found in time
    linear in the document (each level's container holds the rest of the chain: skipping it
    anew at every level was quadratic, and the standard library's scanner recursed)."""
    import json

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        text = json.dumps(_reddit_chain(300, textless=250))
    finally:
        sys.setrecursionlimit(old)
    (tmp_path / "reddit.json").write_text(text)
    done = subprocess.run([sys.executable, "-m", "argmap", "map", str(tmp_path / "reddit.json"),
                           "-o", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 3, done.stderr
    byte = text.index('{"kind": "t1", "data": {"id": "c250"')
    assert f"reddit.json:1 (byte {byte:,}): no text field" in done.stderr
