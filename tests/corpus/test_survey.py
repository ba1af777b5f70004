"""``argmap inspect`` of a dump counts it as it streams (``corpus.survey``): the records,
posts, threads and skipped records ``read_threads`` finds, without holding the dump (before:
a 1M-post dump took ~2.7 GB to inspect and a real month was refused as over 1 GiB)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.corpus import survey as survey_module
from argmap.corpus.survey import survey
from argmap.errors import InputError
from argmap.options import ReadOptions
from argmap.readers import read_threads
from tests.support import run_cli

row = st.fixed_dictionaries(
    {}, optional={
        "reply_to": st.sampled_from(["p0", "p1", "p2", "gone"]),
        "thread": st.sampled_from(["a", "b"]),
        "text": st.sampled_from(["", "Yes.", "Cars should be banned from the old town."]),
        "title": st.just("A title"),
    })
line = st.one_of(row, st.sampled_from([b"{bad json", b"[1]", b"7"]))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line, min_size=1, max_size=12), st.sampled_from(["lines", "array", "wrapped"]))
def test_survey_counts_what_read_threads_reads(tmp_path, monkeypatch, lines, layout) -> None:
    monkeypatch.setattr(survey_module, "SURVEY_ABOVE", 0)  # stream whatever the size
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    records = [orjson.dumps({"id": f"p{n}", **item}) if isinstance(item, dict) else item
               for n, item in enumerate(lines)]  # ids unique: no duplicates to repair
    path = folder / ("posts.jsonl" if layout == "lines" else "posts.json")
    if layout != "lines":  # an array, or an object wrapping one (a forum export's shape)
        records = [r for r in records if r != b"{bad json"] or [b"7"]
        array = b"[" + b",\n".join(records) + b"]"
        path.write_bytes(array if layout == "array" else
                         b'{"forum": "x", "posts": ' + array + b', "n": [1]}')
    else:
        path.write_bytes(b"\n".join(records) + b"\n")
    options = ReadOptions(max_errors=1.0)
    try:
        expected = read_threads([path], options, budget=False)
    except InputError:
        return
    found = survey([path], options)
    if found.sources[0].format in ("jsonl", "json"):
        assert found.streamed == (str(path),)
    assert (found.records_in, found.posts_kept, found.skipped) == (
        expected.records_in, expected.posts_kept, expected.skipped)
    assert [(t.id, t.posts) for t in found.threads] == [
        (t.id, len(t.posts)) for t in expected.threads]
    skips = {"invalid_json", "wrong_type", "missing_field"}
    assert sorted((p.code, p.line, p.byte_offset) for p in found.problems if p.code in skips) \
        == sorted((p.code, p.line, p.byte_offset) for p in expected.problems if p.code in skips)


def test_survey_inspect_of_a_big_dump_streams_and_shows_the_largest_threads(tmp_path) -> None:
    path = tmp_path / "dump.jsonl"
    text = "A long post that argues something at length. " * 2_000  # ~92 KB a record
    with open(path, "wb") as handle:
        for n in range(760):  # ~70 MB: over SURVEY_ABOVE
            handle.write(orjson.dumps({"id": f"p{n}", "thread": f"t{n % 50:02d}",
                                       "text": text}) + b"\n")
        handle.write(b"{bad json\n")
    assert path.stat().st_size > survey_module.SURVEY_ABOVE
    result = run_cli("inspect", str(path))
    assert result.returncode == 3, result.stderr.decode()
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "… 10 more threads" in out and out.count("│ 16") >= 1
    assert "counted as a stream" in err and "761 records read: 760 posts kept, 1 skipped" in err
    assert f"{path}:761 (byte " in err
    listed = orjson.loads(run_cli("inspect", str(path), "--json").stdout)
    assert len(listed["threads"]) == 50 and listed["files"][0]["streamed"] is True


def _planted_dump(folder: Path) -> list[Path]:
    """Posts with their thread named, and a file of keyless posts (threads by reply root),
    with every repair planted: orphans, a reply cycle, self-replies, duplicate ids (one with
    another parent), spread over the file as a time-ordered dump spreads a thread."""
    rows = []
    for n in range(400):
        thread = f"t{n % 37}"
        rows.append({"id": f"p{n}", "thread": thread, "text": f"Post {n}.",
                     "reply_to": f"p{n - 37}" if n >= 37 else None, "created": n})
    rows += [{"id": "o1", "thread": "t3", "reply_to": "gone", "text": "orphan"},
             {"id": "c1", "thread": "t4", "reply_to": "c2", "text": "loop"},
             {"id": "c2", "thread": "t4", "reply_to": "c1", "text": "loop"},
             {"id": "s1", "thread": "t5", "reply_to": "s1", "text": "self"},
             {"id": "p40", "thread": "t3", "reply_to": None, "text": "a second p40"},
             {"id": "p41", "thread": "t4", "reply_to": "p41", "text": "a copy: dropped first"}]
    keyed = folder / "keyed.jsonl"
    keyed.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    keyless = [{"id": f"k{n}", "reply_to": f"k{n - 1}" if n % 9 else None, "text": "K."}
               for n in range(60)]
    keyless += [{"id": "k5", "reply_to": None, "text": "dup"},
                {"id": "kx", "reply_to": "nowhere", "text": "orphan"},
                {"id": "ky", "reply_to": "ky", "text": "self"}]
    loose = folder / "loose.jsonl"
    loose.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in keyless))
    return [keyed, loose]


def test_survey_finds_the_repairs_batch_finds(tmp_path, monkeypatch) -> None:
    """Before: a streamed file's repairs were not counted (and a duplicate id was counted as a
    post kept): ``inspect`` and ``batch`` disagreed on posts and problems."""
    from argmap.corpus.partition import partition
    from tests.corpus.test_partition import threads_of

    monkeypatch.setattr(survey_module, "SURVEY_ABOVE", 0)  # stream whatever the size
    monkeypatch.setattr(survey_module, "bucket_count", lambda size: 3,  # several buckets
                        raising=False)
    paths = _planted_dump(tmp_path)
    options = ReadOptions(max_errors=1.0)
    found = survey(paths, options)
    assert found.streamed == tuple(str(p) for p in paths)
    partition(paths, options, tmp_path / "spill", 4)  # batch's reading and its assembly
    batch = threads_of(tmp_path / "spill", 4)
    assert [(t.id, t.posts, t.title) for t in found.threads] == [
        (key, len(thread.posts), thread.title) for key, thread in sorted(batch.items())]
    repairs = sorted((p.code, p.path, p.line, p.post_id) for p in found.problems)
    assert repairs == sorted((p.code, p.path, p.line, p.post_id) for t in batch.values()
                             for p in t.problems)
    codes = sorted(p.code for p in found.problems)
    assert codes.count("duplicate_id") == 3 and codes.count("self_reply") == 2
    assert {"orphan_reply", "reply_cycle"} <= set(codes)
    assert found.posts_kept == sum(len(t.posts) for t in batch.values()) == 400 + 4 + 62
    expected = read_threads(paths, options, budget=False)  # and map agrees
    assert sorted((p.code, p.post_id) for p in found.problems) == sorted(
        (p.code, p.post_id) for p in expected.problems)


def test_survey_holds_one_bucket_of_stubs_at_a_time(tmp_path, monkeypatch) -> None:
    """The repairs need every post of a thread at once, never every post of the dump: 100k
    posts in 500 threads (24 MB) took 57 MB of stubs in one bucket, 8 MB in eight."""
    import tracemalloc

    monkeypatch.setattr(survey_module, "SURVEY_ABOVE", 0)
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"".join(orjson.dumps(
        {"id": f"p{n}", "thread": f"t{n % 100}", "reply_to": f"p{n - 100}" if n >= 100 else None,
         "text": "Cars."}) + b"\n" for n in range(20_000)))
    peaks = []
    for buckets in (1, 8):
        monkeypatch.setattr(survey_module, "bucket_count", lambda size, k=buckets: k)
        tracemalloc.start()
        try:
            found = survey([path], ReadOptions())
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert (found.posts_kept, len(found.threads)) == (20_000, 100)
    assert peaks[1] * 2 < peaks[0], peaks
