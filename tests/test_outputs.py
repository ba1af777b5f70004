"""outputs: a thread's files written one at a time, the native JSON streamed."""

from __future__ import annotations

import dataclasses
import tracemalloc

import pytest

from argmap import exports
from argmap.exports.native import from_json
from argmap.files import write_atomic
from argmap.options import ExportOptions, Options
from argmap.outputs import plain_outputs, write_thread
from tests.builders import make_map


def test_outputs_write_thread_streams_the_json_in_bounded_memory(tmp_path):
    """Writing a big map's JSON allocates a small fraction of the file (it was the whole file
    and a dict tree of the whole map: ~4x the file, the peak of a giant thread's run)."""
    amap, analysis = make_map(6000, seed=1)
    options = Options(export=ExportOptions(formats=("json",)))
    tracemalloc.start()
    try:
        written, failures = write_thread(amap, analysis, tmp_path, options, "big")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (path,) = written
    assert not failures and path.stat().st_size > 4_000_000
    assert peak < path.stat().st_size / 4
    assert from_json(path.read_bytes()) == (amap, analysis)
    assert path.read_bytes() == plain_outputs(amap, analysis, options)[".json"]


def test_outputs_a_failing_json_stream_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    amap, analysis = make_map(300, seed=1)
    options = Options(export=ExportOptions(formats=("json", "summary")))
    written, _ = write_thread(amap, analysis, tmp_path, options, "t")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken():
        yield b'{\n  "analysis": '
        raise MemoryError("out of memory half way")

    monkeypatch.setitem(exports.STREAMERS, "json", lambda *args: {".json": broken()})
    changed = dataclasses.replace(amap, options_fingerprint="changed")
    with pytest.raises(MemoryError):
        write_thread(changed, analysis, tmp_path, options, "t")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after.keys() == before.keys()  # no temp file left
    json_name = next(name for name in before if name.endswith(".json"))
    assert after[json_name] == before[json_name]  # the old JSON whole; the summary is the new one
    assert b"fingerprint changed" in after[json_name.replace(".json", ".summary.md")]


def test_outputs_write_atomic_takes_chunks(tmp_path):
    target = write_atomic(tmp_path / "x.json", (piece for piece in [b"a", b"", b"bc\n"]))
    assert target.read_bytes() == b"abc\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_outputs_one_output_that_cannot_be_written_leaves_the_others_written(tmp_path):
    """A thread's JSON whose path is a folder (or any one output the disk refuses): every
    other output of the thread is still written, then the run fails naming it (74) with no
    temp file left; before, the first failing output stopped the thread, so the summary,
    the CSV tables, the SVG and the HTML report were not written at all."""
    from tests.support import run_cli

    source = tmp_path / "t.jsonl"
    source.write_text('{"id": "a", "text": "Cities should ban cars. They pollute the air."}\n'
                      '{"id": "b", "reply_to": "a", "text": "No, shops need the cars."}\n')
    for blocked in (".json", ".svg"):
        out = tmp_path / f"out{blocked}"
        folder = out / f"t-a-614e474560{blocked}"
        folder.mkdir(parents=True)
        result = run_cli("map", str(source), "-o", str(out),
                         "--export", "json,summary,csv,svg,html")
        message = result.stderr.decode()
        assert result.returncode == 74, message
        assert f"cannot write {folder}: Is a directory" in message and "Traceback" not in message
        names = sorted(p.name for p in out.iterdir() if p != folder)
        suffixes = {".json", ".summary.md", ".posts.csv", ".claims.csv", ".svg", ".html"}
        assert {s for s in suffixes if f"t-a-614e474560{s}" in names} == suffixes - {blocked}
        assert not [n for n in names if n.endswith(".tmp")]


def test_outputs_a_stream_failing_mid_way_leaves_the_other_outputs_written(tmp_path,
                                                                           monkeypatch):
    """An exporter that raises half way through its chunks (a bug, memory): its old file
    stays whole, no temp is left, the thread's other outputs are still written, then the
    error is raised; before, the outputs after it in export.formats were not written."""
    amap, analysis = make_map(30, seed=3)
    options = Options(export=ExportOptions(formats=("json", "summary", "csv")))
    (tmp_path / "t-old.txt").write_bytes(b"")

    def broken(*args):
        def chunks():
            yield b'{\n  "analysis": '
            raise RuntimeError("exporter bug half way")
        return {".json": chunks()}

    monkeypatch.setitem(exports.STREAMERS, "json", broken)
    with pytest.raises(RuntimeError, match="half way"):
        write_thread(amap, analysis, tmp_path, options, "t")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert not [n for n in names if n.endswith(".json") or n.endswith(".tmp")], names
    assert any(n.endswith(".summary.md") for n in names)
    assert any(n.endswith(".claims.csv") for n in names)
