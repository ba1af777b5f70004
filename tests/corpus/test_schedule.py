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


def test_schedule_spawned_workers_give_the_forked_tables(dump, reference, monkeypatch,
                                                         tmp_path) -> None:
    """Off Linux the local pool spawns its workers (no inherited stages, sample segmentation
    or lock): the tables are the same bytes."""
    import multiprocessing

    import argmap.corpus.schedule as schedule

    monkeypatch.setattr(schedule, "START_METHOD", "spawn")
    seen: list[str] = []
    real = multiprocessing.get_context

    def context(method=None):
        seen.append(method)
        return real(method)

    monkeypatch.setattr(schedule.multiprocessing, "get_context", context)
    report = run_batch([dump[0]], tmp_path / "spawn", jobs=2)
    assert "spawn" in seen and "fork" not in seen and report.tasks_run >= 2
    assert outputs(tmp_path / "spawn") == outputs(reference)


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


LOG: list[str] = []  # the path of the run log, set by a test before its workers fork


def _logged(task: Task, ctx: dict) -> dict:
    """A task that takes a while and records when it ran (one line per start and end)."""
    import time

    with open(LOG[0], "a", encoding="ascii") as handle:
        handle.write(f"start {task.lo} {time.monotonic()}\n")
    time.sleep(0.6 if task.lo == 2 else 0.3)
    with open(LOG[0], "a", encoding="ascii") as handle:
        handle.write(f"end {task.lo} {time.monotonic()}\n")
    return {"ok": True, "name": task.name}


def _intervals(path) -> dict[int, tuple[float, float]]:
    seen: dict[int, list[float]] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        _, lo, when = line.split()
        seen.setdefault(int(lo), []).append(float(when))
    return {lo: (min(times), max(times)) for lo, times in seen.items()}


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]



def _giant_ran_first_within_budget(outcomes: list, log, tasks: int, beside: int,
                                   warnings: list[str]) -> None:
    """Every task done once; the giant (bucket 2) started first (a task started beside it may
    reach its worker a hair sooner) with ``beside`` workers beside it, never two at once;
    ordinary tasks ran two at a time; one warning named it."""
    assert sorted((kind, task.lo) for kind, task, _ in outcomes) == [
        ("done", i) for i in range(tasks)]
    runs = _intervals(log)
    giant = runs.pop(2)
    assert giant[0] <= min(start for start, _ in runs.values()) + 0.3
    beside_it = sorted(span for span in runs.values() if _overlaps(span, giant))
    assert bool(beside_it) == bool(beside)
    assert not any(_overlaps(a, b) for a, b in zip(beside_it, beside_it[1:], strict=False))
    ordinary = sorted(runs.values())
    assert any(_overlaps(a, b) for a, b in zip(ordinary, ordinary[1:], strict=False))
    assert len(warnings) == 1 and "50,000 posts" in warnings[0]
    assert ("runs alone" in warnings[0]) == (beside == 0)

@pytest.mark.parametrize("beside", [0, 1])
def test_schedule_local_pool_runs_a_giant_task_first_within_the_memory_budget(
        monkeypatch, tmp_path, beside) -> None:
    """Bucket 2 holds a 50,000-post thread. With a budget that holds it alone it runs first
    and alone; with room for one ordinary task beside it, with one worker beside it. The
    ordinary tasks still run two at a time, every task is done once, and the estimated
    memory in flight never passed the budget."""
    import argmap.corpus.schedule as schedule
    from argmap.corpus import plan
    from argmap.corpus.settings import task_memory

    monkeypatch.setattr(schedule, "run_task", _logged)
    LOG[:] = [str(tmp_path / "log")]
    posts = [100, 120, 50_000, 90, 100, 110]
    budget = task_memory(50_000) + beside * task_memory(120)
    warnings: list[str] = []
    scheduler = LocalScheduler(2, {}, largest=plan.largest_posts(posts), budget=budget,
                               warn=warnings.append)
    outcomes = list(scheduler.run(deque(Task(i, i + 1) for i in range(len(posts)))))
    _giant_ran_first_within_budget(outcomes, tmp_path / "log", len(posts), beside, warnings)
    assert scheduler.held_peak <= budget


def test_schedule_a_budget_below_any_task_is_said_once_and_tasks_run_one_at_a_time(
        monkeypatch, tmp_path) -> None:
    """``--memory 1M`` (below what one ordinary task needs): one warning says so and that the
    tasks run one at a time, and only a thread that needs more than an ordinary task is
    named on its own; before, every task of the run got its own 'runs alone' warning (a
    corpus of 500 tasks: 500 lines on stderr). Every task still runs, one at a time."""
    import argmap.corpus.schedule as schedule
    from argmap.corpus import plan

    monkeypatch.setattr(schedule, "run_task", _logged)
    LOG[:] = [str(tmp_path / "log")]
    posts = [100, 120, 50_000, 90, 100, 110, 80, 70]
    warnings: list[str] = []
    scheduler = LocalScheduler(2, {}, largest=plan.largest_posts(posts), budget=1 << 20,
                               warn=warnings.append)
    outcomes = list(scheduler.run(deque(Task(i, i + 1) for i in range(len(posts)))))
    assert sorted(task.lo for _, task, _ in outcomes) == list(range(len(posts)))
    runs = sorted(_intervals(tmp_path / "log").values())
    assert not any(_overlaps(a, b) for a, b in zip(runs, runs[1:], strict=False))
    assert len(warnings) == 2, warnings
    assert "below what one ordinary task needs" in warnings[0] and "one at a time" in warnings[0]
    assert "50,000 posts" in warnings[1]


def test_schedule_local_pool_without_a_budget_keeps_plan_order(monkeypatch, tmp_path) -> None:
    import argmap.corpus.schedule as schedule

    monkeypatch.setattr(schedule, "run_task", _logged)
    LOG[:] = [str(tmp_path / "log")]
    scheduler = LocalScheduler(1, {})
    outcomes = [task.lo for _, task, _ in scheduler.run(deque(Task(i, i + 1) for i in range(3)))]
    assert outcomes == [0, 1, 2] and scheduler.held_peak == 0


def _logged_real(task: Task, ctx: dict) -> dict:
    """The real task, its start and end recorded."""
    import time

    from argmap.corpus.tasks import run_task

    with open(LOG[0], "a", encoding="ascii") as handle:
        handle.write(f"start {task.lo} {time.monotonic()}\n")
    try:
        return run_task(task, ctx)
    finally:
        with open(LOG[0], "a", encoding="ascii") as handle:
            handle.write(f"end {task.lo} {time.monotonic()}\n")


def _giant_dump(path, posts: int):
    """Forty ordinary threads and one of ``posts`` posts, interleaved in time order."""
    from tests.corpus.dumps import reddit_dump, write_jsonl

    giant = [{k: (v.replace("l0000", "giant").replace("c0000x", "g") if isinstance(v, str)
                  else v) for k, v in r.items()}
             for r in reddit_dump(1, seed=9, min_posts=posts, max_posts=posts)]
    records = sorted(reddit_dump(40, seed=5) + giant, key=lambda r: (r["created_utc"], r["id"]))
    return write_jsonl(path, records), records


def test_schedule_batch_with_a_giant_thread_maps_it_alone_and_the_tables_do_not_change(
        monkeypatch, tmp_path) -> None:
    """A dump with a 3,000-post thread among forty small ones, under a memory budget (lowered
    through the module constants) that holds the giant's task alone: --jobs 2 maps it with no
    other task beside it, says so, accounts for every record, and writes the tables --jobs 1
    writes."""
    import argmap.corpus.schedule as schedule
    from argmap.corpus import plan, settings
    from tests.corpus.test_runner import outputs

    path, records = _giant_dump(tmp_path / "RC_giant.jsonl", 3_000)
    monkeypatch.setattr(settings, "WORKER_BASE", 10 << 20)
    monkeypatch.setattr(settings, "POST_MEMORY", 100 << 10)
    monkeypatch.setattr(settings, "ORDINARY_POSTS", 100)
    monkeypatch.setattr(settings, "MEMORY_BUDGET", settings.task_memory(3_000) + (5 << 20))
    monkeypatch.setattr(schedule, "run_task", _logged_real)
    monkeypatch.setattr(plan, "MAX_TASK", 100)  # several small tasks beside the giant's
    LOG[:] = [str(tmp_path / "log-one")]
    one = run_batch([path], tmp_path / "one", jobs=1)
    LOG[:] = [str(tmp_path / "log")]
    events: list = []
    two = run_batch([path], tmp_path / "two", jobs=2, progress=events.append)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    for report in (one, two):
        assert report.records_in == len(records) == report.processed + report.skipped \
            + report.quarantined
        assert report.threads == 41
    warned = [e.message for e in events if e.phase == "warning"]
    assert any("3,0" in w and "runs alone" in w for w in warned), warned
    runs = _intervals(tmp_path / "log")
    giant_bucket = max(runs, key=lambda lo: runs[lo][1] - runs[lo][0])
    giant = runs.pop(giant_bucket)
    assert giant[0] == min(start for start, _ in [giant, *runs.values()])
    assert not any(_overlaps(span, giant) for span in runs.values())
    ordinary = sorted(runs.values())
    assert len(ordinary) >= 3
    assert any(_overlaps(a, b) for a, b in zip(ordinary, ordinary[1:], strict=False))
    # a Dask LocalCluster under the same budget: warned alike, the same tables
    events.clear()
    from argmap.corpus.tasks import run_task

    monkeypatch.setattr(schedule, "run_task", run_task)  # the workers log nothing
    dask = run_batch([path], tmp_path / "dask", jobs=2, scheduler="dask",
                     progress=events.append)
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "one")
    assert dask.processed + dask.skipped + dask.quarantined == len(records) == dask.records_in
    assert any("3,0" in e.message and "runs alone" in e.message
               for e in events if e.phase == "warning")


@pytest.mark.parametrize("beside", [0, 1])
def test_schedule_dask_local_cluster_runs_a_giant_task_first_within_the_memory_budget(
        tmp_path, beside) -> None:
    """The Dask LocalCluster admits tasks by the local pool's rule: with a budget that holds
    the 50,000-post task alone it runs first and alone, with room for one ordinary task, with
    one worker beside it; ordinary tasks still run two at a time (so its workers have no
    memory limit of their own that would kill the giant's)."""
    from argmap.corpus import plan
    from argmap.corpus.schedule import DaskScheduler
    from argmap.corpus.settings import task_memory
    from tests.corpus.logged_tasks import logged

    posts = [100, 120, 50_000, 90, 100, 110]
    budget = task_memory(50_000) + beside * task_memory(120)
    warnings: list[str] = []
    scheduler = DaskScheduler(2, {"log": str(tmp_path / "log")}, None,
                              largest=plan.largest_posts(posts), budget=budget,
                              warn=warnings.append)
    scheduler.task_fn = logged
    try:
        limits = [w["memory_limit"] for w in
                  scheduler.client.scheduler_info()["workers"].values()]
        outcomes = list(scheduler.run(deque(Task(i, i + 1) for i in range(len(posts)))))
    finally:
        scheduler.close()
    assert limits == [0, 0]
    _giant_ran_first_within_budget(outcomes, tmp_path / "log", len(posts), beside, warnings)
    assert scheduler.held_peak <= budget


def test_schedule_dask_cluster_at_an_address_gates_by_its_workers_memory(tmp_path) -> None:
    """At --address the budget is the sum of the workers' memory limits and the slots their
    threads: a task whose thread needs more than any worker may hold is named before it runs
    (Dask's nanny would kill its worker), and the others still run two at a time."""
    from dask.distributed import LocalCluster

    from argmap.corpus import plan
    from argmap.corpus.schedule import DaskScheduler
    from argmap.corpus.settings import task_memory
    from tests.corpus.logged_tasks import logged

    limit = task_memory(20_000)
    posts = [100, 120, 50_000, 90]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit=limit,
                      dashboard_address=None) as cluster:
        warnings: list[str] = []
        scheduler = DaskScheduler(1, {"log": str(tmp_path / "log"), "giant_seconds": 0.6},
                                  cluster.scheduler_address, largest=plan.largest_posts(posts),
                                  warn=warnings.append)
        scheduler.task_fn = logged
        try:
            outcomes = list(scheduler.run(deque(Task(i, i + 1) for i in range(len(posts)))))
        finally:
            scheduler.close()
    assert sorted(task.lo for kind, task, _ in outcomes if kind == "done") == [0, 1, 2, 3]
    assert scheduler.gate.slots == 2 and scheduler.gate.limit == 2 * limit
    overweight = [w for w in warnings if "memory limit" in w]
    assert len(overweight) == 1 and "50,000 posts" in overweight[0]
    assert f"({limit >> 20:,} MB)" in overweight[0]
    runs = _intervals(tmp_path / "log")
    assert runs[2][0] <= min(start for start, _ in runs.values()) + 0.3  # the giant first
