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
