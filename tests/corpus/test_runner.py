"""Batch mode: per-thread outputs, append-only manifest, resume, skip-and-report, crash recovery.

Inputs are small JSONL threads written here; exports are JSON only so no test waits on dot.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.corpus.runner import (
    ManifestMismatch,
    _read_manifest,
    input_folder,
    process_input,
    run_batch,
)
from argmap.errors import EX_OK, EX_PARTIAL, EX_TEMPFAIL
from argmap.options import Options

OPTIONS = Options().with_overrides({"export.formats": "json"})
SENTENCES = [
    "Public transport should be free for everyone in the city.",
    "I disagree. Free fares would drain the budget that pays for maintenance.",
    "Exactly, because the buses are already falling apart and nobody fixes them.",
    "But cars cost the city far more in roads and pollution than buses ever will.",
    "That's not true: road costs are paid by fuel taxes, not by the city budget.",
    "However, fuel taxes do not cover the health costs of polluted air in the centre.",
]


def write_threads(path: Path, n_threads: int, prefix: str) -> Path:
    """A JSONL file of ``n_threads`` reply threads of four posts each."""
    lines = []
    for t in range(n_threads):
        for p in range(4):
            lines.append(orjson.dumps({
                "id": f"{prefix}{t}-{p}", "thread": f"{prefix}-thread-{t}",
                "author": f"user{(t + p) % 3}", "created": 1_700_000_000 + 60 * p,
                "reply_to": None if p == 0 else f"{prefix}{t}-{p - 1}",
                "text": " ".join(SENTENCES[(t + p + k) % len(SENTENCES)] for k in range(2)),
            }))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def crash_on_poison(item: tuple) -> dict:
    """A worker that dies like a segfault on inputs named poison*, else maps normally."""
    if Path(item[0]).name.startswith("poison"):
        os._exit(13)
    return process_input(item)


def manifest_lines(out: Path) -> list[dict]:
    return [orjson.loads(line) for line in (out / ".argmap/manifest.jsonl").read_bytes().splitlines()]


def tree_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.json"))}


def test_batch_writes_one_output_per_thread_and_a_manifest(tmp_path: Path) -> None:
    a = write_threads(tmp_path / "a.jsonl", 3, "a")
    b = write_threads(tmp_path / "b.jsonl", 2, "b")
    out = tmp_path / "out"
    report = run_batch([b, a], out, OPTIONS, jobs=2)
    assert report.exit_code == EX_OK and report.failed == ()
    assert report.threads == 5
    assert len(report.outputs) == 5 and all(p.is_file() for p in report.outputs)
    assert all(out.resolve() in p.parents for p in report.outputs)
    for path in report.outputs:
        document = orjson.loads(path.read_bytes())
        assert document  # a real JSON map, not an empty file
    header, *done = manifest_lines(out)
    assert header["type"] == "header" and header["options_fingerprint"] == OPTIONS.fingerprint()
    assert sorted(d["input"] for d in done) == sorted(str(p.resolve()) for p in (a, b))
    assert sum(len(d["outputs"]) for d in done) == 5


def test_batch_resume_skips_done_inputs_and_redoes_changed_ones(tmp_path: Path) -> None:
    a = write_threads(tmp_path / "a.jsonl", 2, "a")
    b = write_threads(tmp_path / "b.jsonl", 1, "b")
    out = tmp_path / "out"
    first = run_batch([a, b], out, OPTIONS, jobs=2)
    stamps = {p: p.stat().st_mtime_ns for p in first.outputs}
    again = run_batch([a, b], out, OPTIONS, jobs=2, resume=True)
    assert again.done == () and set(again.resumed) == {str(a.resolve()), str(b.resolve())}
    assert {p: p.stat().st_mtime_ns for p in again.outputs} == stamps
    write_threads(b, 2, "b")  # the input changed: its entry no longer counts
    third = run_batch([a, b], out, OPTIONS, jobs=2, resume=True)
    assert third.done == (str(b.resolve()),) and third.resumed == (str(a.resolve()),)
    assert third.threads == 4


def test_batch_resume_refuses_other_options(tmp_path: Path) -> None:
    a = write_threads(tmp_path / "a.jsonl", 1, "a")
    out = tmp_path / "out"
    run_batch([a], out, OPTIONS, jobs=1)
    other = OPTIONS.with_overrides({"segment.min_claim_words": 6})
    with pytest.raises(ManifestMismatch) as caught:
        run_batch([a], out, other, jobs=1, resume=True)
    assert caught.value.exit_code == EX_TEMPFAIL == 75
    assert OPTIONS.fingerprint() in str(caught.value) and other.fingerprint() in str(caught.value)


def test_batch_resume_ignores_a_torn_last_manifest_line(tmp_path: Path) -> None:
    a = write_threads(tmp_path / "a.jsonl", 1, "a")
    b = write_threads(tmp_path / "b.jsonl", 1, "b")
    out = tmp_path / "out"
    run_batch([a], out, OPTIONS, jobs=1)
    with open(out / ".argmap/manifest.jsonl", "ab") as handle:
        handle.write(b'{"type": "done", "input": "' + str(b.resolve()).encode())  # crash mid-line
    report = run_batch([a, b], out, OPTIONS, jobs=1, resume=True)
    assert report.resumed == (str(a.resolve()),) and report.done == (str(b.resolve()),)


def test_batch_skips_unreadable_input_and_reports_it(tmp_path: Path) -> None:
    a = write_threads(tmp_path / "a.jsonl", 1, "a")
    missing = tmp_path / "missing.jsonl"
    out = tmp_path / "out"
    report = run_batch([a, missing], out, OPTIONS, jobs=2)
    assert report.exit_code == EX_PARTIAL
    assert report.done == (str(a.resolve()),) and report.failed == (str(missing.resolve()),)
    skipped = [orjson.loads(line) for line in (out / "skipped.jsonl").read_bytes().splitlines()]
    assert [s["code"] for s in skipped if s["input"] == str(missing.resolve())] == ["missing_input"]
    assert all(d["input"] != str(missing.resolve()) for d in manifest_lines(out)[1:])


def test_batch_rebuilds_the_pool_after_a_worker_crash(tmp_path: Path) -> None:
    good = [write_threads(tmp_path / f"good{i}.jsonl", 1, f"g{i}") for i in range(3)]
    poison = write_threads(tmp_path / "poison.jsonl", 1, "p")
    out = tmp_path / "out"
    report = run_batch([*good, poison], out, OPTIONS, jobs=2, worker=crash_on_poison)
    assert report.failed == (str(poison.resolve()),)
    assert report.done == tuple(sorted(str(g.resolve()) for g in good))
    skipped = orjson.loads((out / "skipped.jsonl").read_bytes().splitlines()[0])
    assert skipped["code"] == "worker_crashed"


def test_batch_outputs_do_not_depend_on_jobs_or_input_order(tmp_path: Path) -> None:
    inputs = [write_threads(tmp_path / f"in{i}.jsonl", 2, f"i{i}") for i in range(3)]
    run_batch(inputs, tmp_path / "one", OPTIONS, jobs=1)
    run_batch(list(reversed(inputs)), tmp_path / "two", OPTIONS, jobs=2)
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    assert len(one) == 6 and one == two


def test_batch_dask_local_cluster_matches_the_process_pool(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    inputs = [write_threads(tmp_path / f"in{i}.jsonl", 1, f"d{i}") for i in range(3)]
    local = run_batch(inputs, tmp_path / "local", OPTIONS, jobs=2)
    dask = run_batch(inputs, tmp_path / "dask", OPTIONS, jobs=2, scheduler="dask")
    assert dask.done == local.done and dask.exit_code == EX_OK
    assert tree_bytes(tmp_path / "dask") == tree_bytes(tmp_path / "local")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=80), max_size=6))
def test_batch_manifest_reader_survives_hostile_bytes(lines: list[bytes]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.jsonl"
        path.write_bytes(b"\n".join(lines))
        header, done = _read_manifest(path)
    assert header is None or header["type"] == "header"
    assert all(isinstance(key, str) and entry["type"] == "done" for key, entry in done.items())


@settings(max_examples=80, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda s: "\x00" not in s))
def test_batch_input_folder_is_one_safe_path_segment(name: str) -> None:
    folder = input_folder(f"/data/{name}")
    assert "/" not in folder and "\\" not in folder and folder not in {".", ".."}
    assert input_folder(f"/data/{name}") == folder != input_folder(f"/other/{name}")
