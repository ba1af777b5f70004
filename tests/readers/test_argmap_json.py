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
