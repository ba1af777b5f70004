"""Reading argmap's own map JSON back as threads (``--from argmap``, sniffed): a saved map can
be mapped again with other options. The posts come back exactly, so mapping a map with the
options that made it is a fixed point, in ``map`` and in ``batch``."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings

from argmap.analysis import analyse
from argmap.exports.native import to_json
from argmap.pipeline import build_map
from argmap.readers import read_threads, sniff
from tests.support import SEED, run_cli
from tests.test_hostile import _hostile_threads


def _map(source, out, *extra):
    result = run_cli("map", str(source), "-o", str(out), "-q", "--export", "json,summary",
                     *extra)
    assert result.returncode in (0, 3), result.stderr.decode()
    (document,) = list(out.glob("*.json"))
    return result.returncode, document


def test_argmap_json_mapping_a_map_again_gives_the_same_bytes(tmp_path):
    thread = tmp_path / "thread.jsonl"
    posts = [{"id": "1", "text": "Cities should ban cars. They pollute the air.", "author": "a"},
             {"id": "2", "reply_to": "1", "text": "I disagree, shops need customers.", "author": "b"},
             {"id": "3", "reply_to": "9", "text": "Buses are the answer, honestly.", "author": "c"}]
    thread.write_text("\n".join(json.dumps({**p, "thread": "t"}) for p in posts) + "\n")
    code, first = _map(thread, tmp_path / "a")
    assert sniff(first) == "argmap"
    again_code, second = _map(first, tmp_path / "b")
    assert second.read_bytes() == first.read_bytes() and again_code == code
    summary = next((tmp_path / "b").glob("*.summary.md")).read_bytes()
    assert summary == next((tmp_path / "a").glob("*.summary.md")).read_bytes()
    read = read_threads([first])
    assert read.records_in == 3 and read.sources[0].format == "argmap"
    assert [p.code for p in read.problems] == ["orphan_reply"]  # what the first read met


def test_argmap_json_other_options_make_another_map_of_the_same_posts(tmp_path):
    _, first = _map(SEED, tmp_path / "a")
    _, second = _map(first, tmp_path / "b", "--from", "argmap",
                     "--set", "segment.split_clauses=false")
    old, new = json.loads(first.read_bytes())["map"], json.loads(second.read_bytes())["map"]
    assert new["threads"] == old["threads"] and new["claims"] != old["claims"]
    assert len(new["claims"]) < len(old["claims"])


def test_argmap_json_batch_of_a_map_gives_the_original_tables(tmp_path):
    _, first = _map(SEED, tmp_path / "a")
    for name, source in (("map", first), ("text", SEED)):
        result = run_cli("batch", str(source), "-o", str(tmp_path / name), "-q", "--jobs", "1",
                         "--tables", "csv")
        assert result.returncode == 0, result.stderr.decode()
    for table in ("posts", "claims", "relations", "topics", "threads"):
        assert ((tmp_path / "map" / "csv" / f"{table}.csv").read_bytes()
                == (tmp_path / "text" / "csv" / f"{table}.csv").read_bytes()), table


def test_argmap_json_damaged_or_malformed_maps_are_refused_by_name(tmp_path):
    _, first = _map(SEED, tmp_path / "a")
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(first.read_bytes())[:-200])
    broken = tmp_path / "broken.json"
    document = json.loads(first.read_bytes())
    document["map"]["threads"][0]["posts"][0]["text"] = 42
    broken.write_text(json.dumps(document))
    for path in (cut, broken):
        result = run_cli("map", str(path), "-o", str(tmp_path / "out"), "-q",
                         "--from", "argmap")
        message = result.stderr.decode()
        assert result.returncode == 65, message
        assert path.name in message and "Traceback" not in message
    assert "text" in run_cli("map", str(broken), "-o", str(tmp_path / "o2")).stderr.decode()


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(records=_hostile_threads())
def test_argmap_json_hostile_threads_come_back_exactly(tmp_path_factory, records):
    """Hostile text in every field (bidi, NUL-ish, markup, lone surrogates skipped as bad
    JSON): the threads read back from a map equal the threads the map was made from."""
    base = tmp_path_factory.mktemp("again")
    source = base / "in.jsonl"
    source.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    first = read_threads([source], budget=False)
    if not any(t.posts for t in first.threads):
        return
    amap = build_map(first.threads)
    saved = base / "map.json"
    saved.write_bytes(to_json(amap, analyse(amap)))
    again = read_threads([saved])
    assert again.threads == tuple(sorted(amap.threads, key=lambda t: t.id))
    assert again.records_in == sum(len(t.posts) for t in amap.threads)


def _saved_map(tmp_path) -> dict:
    """The native JSON of a four-post thread (a <- b <- c, a <- d), as a dict to damage."""
    source = tmp_path / "t.jsonl"
    posts = [{"id": "a", "text": "We should ban cars in the city centre. They pollute the air."},
             {"id": "b", "reply_to": "a", "text": "No, banning cars hurts shops and workers."},
             {"id": "c", "reply_to": "b", "text": "I agree with that. Shops would lose trade."},
             {"id": "d", "reply_to": "a", "text": "Cars are dangerous for children."}]
    source.write_text("".join(json.dumps(p) + "\n" for p in posts))
    amap = build_map(read_threads([source]).threads)
    return json.loads(to_json(amap, analyse(amap)))


def _damaged(document: dict, how: str) -> dict:
    posts = document["map"]["threads"][0]["posts"]  # pre-order: a, b, c, d
    if how == "duplicate_id":
        posts[2]["id"] = posts[1]["id"]
    elif how == "reply_cycle":
        posts[1]["reply_to"] = posts[2]["id"]  # b -> c -> b
    elif how == "self_reply":
        posts[3]["reply_to"] = posts[3]["id"]
    elif how == "orphan_reply":
        posts[2]["reply_to"] = "t:gone"
    elif how == "child_first":
        posts.reverse()  # every reply before the post it answers: repaired silently
    return document


def test_argmap_json_a_damaged_reply_tree_is_repaired_and_reported_like_any_input(tmp_path):
    """A map edited by hand or by another tool (a post id twice, a reply loop, a post replying
    to itself or to a post not there, replies before their parents) is repaired as every
    reader's threads are (``reply_tree.build_thread``), each repair reported; before, such a
    map was mapped as it was, with no report, and ``map`` counted a duplicated post as mapped
    where ``batch`` of the same file skipped it."""
    expected = {"duplicate_id": (["duplicate_id"], 3), "reply_cycle": (["reply_cycle"], 4),
                "self_reply": (["self_reply"], 4), "orphan_reply": (["orphan_reply"], 4),
                "child_first": ([], 4)}
    for how, (codes, kept) in expected.items():
        path = tmp_path / f"{how}.json"
        path.write_text(json.dumps(_damaged(_saved_map(tmp_path), how)))
        read = read_threads([path], budget=False)
        (thread,) = read.threads
        assert [p.code for p in read.problems] == codes, how
        assert read.records_in == 4 and read.posts_kept == kept, how
        seen: set[str] = set()
        for post in thread.posts:  # a tree in pre-order: every parent before its replies
            assert post.reply_to is None or post.reply_to in seen, how
            seen.add(post.id)
    result = run_cli("map", str(tmp_path / "duplicate_id.json"), "-o", str(tmp_path / "out"),
                     "--export", "json")
    message = result.stderr.decode()
    assert result.returncode == 3, message
    assert "duplicate post id 't:b'" in message and "4 records read = 3 mapped + 1 skipped" in message


def test_argmap_json_a_well_formed_map_is_read_back_unchanged(tmp_path):
    path = tmp_path / "map.json"
    document = _saved_map(tmp_path)
    path.write_text(json.dumps(document))
    (thread,) = read_threads([path]).threads
    assert [p.id for p in thread.posts] == [p["id"] for p in document["map"]["threads"][0]["posts"]]


def test_argmap_json_a_saved_orphan_joins_its_parent_from_another_file(tmp_path):
    """A saved map names an orphan's parent only in its problem's message (the structured
    ``Problem.replied_to`` is not written): read back beside the file that holds the parent,
    the reply hangs under it again and the orphan report goes, as when the map was made."""
    import orjson

    def rows(*records):
        return b"".join(orjson.dumps(r) + b"\n" for r in records)

    first = tmp_path / "RC_a.jsonl"
    first.write_bytes(rows(
        {"id": "l1", "title": "Free buses?", "selftext": "Free buses would drain the budget.",
         "author": "u1", "created_utc": 1700000000, "subreddit": "d"},
        {"id": "c2", "link_id": "t3_l1", "parent_id": "t1_c1", "author": "u2",
         "body": "No, fuel taxes pay for the roads.", "created_utc": 1700000100,
         "subreddit": "d"}))
    second = tmp_path / "RC_b.jsonl"
    second.write_bytes(rows(
        {"id": "c1", "link_id": "t3_l1", "parent_id": "t3_l1", "author": "u3",
         "body": "Roads cost the city more.", "created_utc": 1700000050, "subreddit": "d"}))
    _, saved = _map(first, tmp_path / "m")
    alone = read_threads([saved])
    assert [(p.code, p.replied_to) for p in alone.problems] == [("orphan_reply",
                                                                  "reddit:t1_c1")]
    (thread,) = read_threads([saved, second]).threads
    assert [(p.id, p.reply_to, p.flags) for p in thread.posts] == [
        ("reddit:t3_l1", None, ()), ("reddit:t1_c1", "reddit:t3_l1", ()),
        ("reddit:t1_c2", "reddit:t1_c1", ())]
    assert thread.problems == ()
