"""Schedulers: a real Dask LocalCluster gives the tables the local pool gives, byte for byte;
local workers die with the main process (tested in test_faults)."""

from __future__ import annotations

import os
from collections import deque

import pytest

from argmap.corpus import run_batch
from argmap.corpus.schedule import LocalScheduler
from argmap.corpus.tasks import Task
from tests.corpus.test_runner import outputs

pytest.importorskip("dask.distributed")


def test_schedule_dask_local_cluster_gives_the_local_tables(dump, reference, tmp_path) -> None:
    report = run_batch([dump[0]], tmp_path / "dask", jobs=2, scheduler="dask")
    assert report.tasks_run >= 2
    assert outputs(tmp_path / "dask") == outputs(reference)


def _dies_on_bucket_one(task: Task, ctx: dict) -> dict:
    if task.lo == 1:
        os._exit(9)
    return {"ok": True, "name": task.name}


def test_schedule_local_pool_reports_a_task_that_crashes_alone(monkeypatch) -> None:
    """Two tasks in flight when a worker dies: both become suspects and run alone; the one
    that dies alone is reported crashed, the other completes."""
    import argmap.corpus.schedule as schedule

    monkeypatch.setattr(schedule, "run_task", _dies_on_bucket_one)
    queue = deque([Task(0, 1), Task(1, 2), Task(2, 3)])
    outcomes = [(kind, task.lo) for kind, task, _ in LocalScheduler(2, {}).run(queue)]
    assert sorted(outcomes) == [("crashed", 1), ("done", 0), ("done", 2)]


def test_schedule_dask_workers_die_with_the_main_process(dump, tmp_path) -> None:
    import signal
    import time

    from tests.corpus.test_faults import _alive, _children, _start

    process = _start(str(dump[0]), "-o", str(tmp_path / "out"), "--scheduler", "dask",
                     "--jobs", "2", "-q")
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        workers = {pid for pid in _children(process.pid)
                   if b"spawn_main" in open(f"/proc/{pid}/cmdline", "rb").read()}
        if len(workers) >= 2 and b'"type":"topics"' in _manifest(tmp_path / "out"):
            break
        time.sleep(0.1)
    assert len(workers) >= 2 and process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    gone_by = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


def _manifest(out) -> bytes:
    try:
        return (out / ".argmap" / "manifest.jsonl").read_bytes()
    except OSError:
        return b""
