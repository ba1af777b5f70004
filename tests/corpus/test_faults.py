"""Faults a corpus run must survive, with a real `argmap batch` main process: kill -9 then
--resume, a full disk (RLIMIT_FSIZE), a poison record that kills its worker, a second run on
a locked folder; and what it prints while it runs."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from argmap.corpus import run_batch
from argmap.corpus.thread_map import CRASH_ENV, SLOW_ENV
from tests.corpus.dumps import reddit_dump, write_jsonl
from tests.corpus.test_runner import OUTPUT_FILES, csv_rows
from tests.support import REPO, run_cli

TABLES = ("--tables", "csv,sqlite")  # Parquet is covered in test_runner; fewer files here


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES if (out / name).exists()}


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(*args: str, **kwargs: object) -> subprocess.Popen:
    env = {**os.environ, "NO_COLOR": "1", **kwargs.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.Popen([sys.executable, "-m", "argmap", "batch", *args], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def _task_records(out: Path) -> int:
    try:
        data = (out / ".argmap" / "manifest.jsonl").read_bytes()
    except OSError:
        return 0
    return data.count(b'"type":"task"')


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A dump of ~1,000 posts (several tasks) and its uninterrupted reference run."""
    folder = tmp_path_factory.mktemp("faults")
    dump = write_jsonl(folder / "RC_2024-01.jsonl", reddit_dump(60, seed=11))
    result = run_cli("batch", str(dump), "-o", str(folder / "reference"), "--jobs", "2", "-q",
                     *TABLES)
    assert result.returncode == 0, result.stderr.decode()
    return dump, folder / "reference"


@pytest.mark.parametrize("moment", ["reading", "mapping"])
def test_faults_kill_9_then_resume_gives_the_uninterrupted_tables(corpus, tmp_path,
                                                                   moment) -> None:
    _interrupt_and_resume(corpus, tmp_path, moment, signal.SIGKILL)


def test_faults_ctrl_c_exits_130_and_resumes(corpus, tmp_path) -> None:
    _interrupt_and_resume(corpus, tmp_path, "mapping", signal.SIGINT)


def _interrupt_and_resume(corpus: tuple[Path, Path], tmp_path: Path, moment: str,
                          how: signal.Signals) -> None:
    dump, reference = corpus
    out = tmp_path / "out"
    # Every task but the first waits 3 s before it maps, so the run is still mapping when the
    # first task is recorded (on a fast machine both tasks once ended before the test could
    # kill the run).
    process = _start(str(dump), "-o", str(out), "--jobs", "2", "-q", *TABLES,
                     env={SLOW_ENV: "3000"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if moment == "reading" and (out / ".argmap" / "spill").is_dir():
            break
        if moment == "mapping" and _task_records(out) >= 1 and _children(process.pid):
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be killed"
    workers = _children(process.pid)
    process.send_signal(how)
    process.wait(timeout=60)
    if how == signal.SIGINT:
        assert process.returncode == 130, process.stderr.read().decode()
    gone_by = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "workers outlived the main process"
    resumed = run_cli("batch", str(dump), "-o", str(out), "--jobs", "2", "--resume", *TABLES)
    assert resumed.returncode == 0, resumed.stderr.decode()
    if moment == "mapping":
        assert "already done" in resumed.stderr.decode()
    assert outputs(out) == outputs(reference)
    assert not list(out.rglob(".*.tmp"))


def test_faults_full_disk_exits_74_leaves_no_half_file_and_resumes(corpus, tmp_path) -> None:
    dump, reference = corpus
    out = tmp_path / "out"
    limit = (reference / "corpus.sqlite").stat().st_size // 2

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    process = _start(str(dump), "-o", str(out), "--jobs", "2", *TABLES, preexec_fn=small_disk)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 74, err.decode()
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith("error: cannot write") and "corpus.sqlite" in last
    for name in OUTPUT_FILES:  # each output is whole or absent, never half
        if (out / name).exists():
            assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert not (out / "corpus.sqlite").exists()
    assert not list(out.rglob(".*.tmp"))
    assert b'"type":"tables"' not in (out / ".argmap" / "manifest.jsonl").read_bytes()
    resumed = run_cli("batch", str(dump), "-o", str(out), "--jobs", "2", "--resume", *TABLES)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert outputs(out) == outputs(reference)


def test_faults_second_run_on_the_same_folder_is_refused(corpus, tmp_path) -> None:
    dump, _ = corpus
    out = tmp_path / "out"
    first = _start(str(dump), "-o", str(out), "--jobs", "1", "-q", *TABLES)
    try:
        deadline = time.monotonic() + 60
        lock = out / ".argmap" / "lock"
        while (not lock.exists() or f"pid {first.pid}" not in lock.read_text()) \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        # held where it is, lock taken: a ~1,000-post run now ends before a second one starts
        os.kill(first.pid, signal.SIGSTOP)
        second = run_cli("batch", str(dump), "-o", str(out), "--jobs", "1")
        assert second.returncode == 75
        assert f"pid {first.pid}" in second.stderr.decode()
    finally:
        first.kill()
        first.wait()


def test_faults_poison_record_is_bisected_and_quarantined_at_its_line(corpus, tmp_path) -> None:
    dump, reference = corpus
    lines = dump.read_bytes().splitlines()
    victim = next(n for n, line in enumerate(lines) if b'"link_id"' in line and n > 150)
    record = orjson.loads(lines[victim])
    offset = sum(len(line) + 1 for line in lines[:victim])
    out = tmp_path / "out"
    result = run_cli("batch", str(dump), "-o", str(out), "--jobs", "2", *TABLES,
                     env={CRASH_ENV: f"reddit:t1_{record['id']}"})
    assert result.returncode == 3, result.stderr.decode()
    assert "quarantined 1" in result.stderr.decode()
    quarantined = [p for p in csv_rows(out, "problems") if p[1] == "quarantined"]
    assert len(quarantined) == 1
    code, _, message, path, line, byte_offset, post_id, thread_id = quarantined[0]
    assert (path, int(line), int(byte_offset)) == (str(dump), victim + 1, offset)
    assert post_id == f"reddit:t1_{record['id']}" and "killed the worker" in message
    posts = {r[0] for r in csv_rows(out, "posts")}
    assert posts == {r[0] for r in csv_rows(reference, "posts")} - {post_id}
    summary = orjson.loads((out / "summary.json").read_bytes())
    assert summary["records_in"] == len(lines) == summary["processed"] + 1
    untouched = {r[0] for r in csv_rows(reference, "threads")} - {thread_id}
    assert {tuple(r) for r in csv_rows(out, "threads") if r[0] in untouched} == {
        tuple(r) for r in csv_rows(reference, "threads") if r[0] in untouched}


@pytest.mark.slow
def test_faults_one_poison_record_among_100000(tmp_path, monkeypatch) -> None:
    """100,000 records (short posts, so the test stays quick); one kills any worker that maps
    it. It is quarantined at its file:line:offset and the other 99,999 are processed."""
    lines = []
    for t in range(400):
        lines.append(orjson.dumps({"id": f"s{t}", "title": f"Thread {t}", "selftext": "",
                                   "author": "op", "created_utc": 1_000 + t,
                                   "subreddit": "test"}))
        lines.extend(orjson.dumps({"id": f"c{t}x{p}", "link_id": f"t3_s{t}", "parent_id":
                                   f"t3_s{t}", "body": "ok", "author": f"u{p % 9}",
                                   "created_utc": 2_000 + p, "subreddit": "test"})
                     for p in range(1, 250))
    assert len(lines) == 100_000
    victim = 61_234
    poison = f"reddit:t1_{orjson.loads(lines[victim])['id']}"
    path = tmp_path / "RC_big.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    monkeypatch.setenv(CRASH_ENV, poison)
    report = run_batch([path], tmp_path / "out", jobs=2, tables="csv")
    assert (report.records_in, report.processed, report.quarantined) == (100_000, 99_999, 1)
    assert report.exit_code == 3
    rows = [p for p in csv_rows(tmp_path / "out", "problems") if p[1] == "quarantined"]
    offset = sum(len(line) + 1 for line in lines[:victim])
    assert [(r[3], int(r[4]), int(r[5]), r[6]) for r in rows] == [
        (str(path), victim + 1, offset, poison)]


def test_faults_progress_in_records_and_posts_per_second_with_an_eta(corpus, tmp_path) -> None:
    dump, _ = corpus
    result = run_cli("batch", str(dump), "-o", str(tmp_path / "out"), "--jobs", "2", *TABLES)
    assert result.returncode == 0, result.stderr.decode()
    stderr = result.stderr.decode()
    assert "reading:" in stderr and "records/s" in stderr
    assert "mapping:" in stderr and "posts/s" in stderr and "ETA" in stderr
    assert "records in " in stderr and " = processed " in stderr
