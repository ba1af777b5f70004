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
