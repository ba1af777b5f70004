"""Running tasks: worker processes on this machine, or a Dask cluster; crashes contained.

Both schedulers take tasks from a queue the runner may add to while results come in (a split
task's halves, bisection probes) and yield outcomes:
``("done", task, result)``, ``("error", task, exception)`` for an error the task raised (a full
disk, say: the run stops), and ``("crashed", task, None)`` when the task killed its worker
when it ran alone (twice for a bisection probe; the runner then splits or bisects it).

Local: a ``ProcessPoolExecutor`` of forked workers, started warm (the stages imported before
the fork, the sample's segmentation inherited). Off Linux the workers are spawned instead
(``START_METHOD``: forking a process that has used macOS's system libraries is unsafe, and
Windows has no fork): each imports the stages itself and segments its sample threads again,
which costs time, never bytes. A dead worker breaks the pool and fails every task in flight, so
all of them become suspects and run again one at a time; a task that kills the pool alone is
reported crashed (a probe is retried once first). Workers die with the main process
(``PR_SET_PDEATHSIG``, plus a watchdog thread where that is missing), close the inherited
OUTDIR lock, and leave Ctrl-C to the main process, which stops them.

Dask: the same task function on a ``dask.distributed`` cluster (a ``LocalCluster`` of ``jobs``
single-threaded worker processes, or the scheduler at ``address``). Dask retries a task whose
worker died and gives up with ``KilledWorker`` after ``distributed.scheduler.allowed-failures``
deaths, which is reported as crashed.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from argmap.corpus.memory_gate import MemoryGate
from argmap.corpus.tasks import Task, run_task, set_counter, trim_heap
from argmap.errors import MissingDependency

Outcome = tuple[str, Task, Any]
Tick = Callable[[int], None]  # called with the posts-mapped counter, about twice a second
PR_SET_PDEATHSIG = 1
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


def die_with_parent(parent: int) -> None:
    """Make this process exit when ``parent`` does (SIGKILL from the kernel on Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the watchdog remains
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="argmap-parent-watch", daemon=True).start()


def _init_worker(counter: Any, lock_fd: int | None, parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_counter(counter)
    if lock_fd is not None:  # the main process holds the lock; a worker's copy would keep it
        try:
            os.close(lock_fd)
        except OSError:
            pass


def preload(maps: str | None = None) -> None:
    """Import the stages before forking, so every worker starts warm (~2 s each). The map
    writers (``api``: outputs, renderers, exporters, networkx) only when the workers write
    maps (``--maps all``): otherwise no worker uses them, and importing them cost the main
    process ~0.2-0.4 CPU s while both workers waited for it."""
    from argmap import analysis, link, segment  # noqa: F401
    from argmap.link.relation_model import default_model

    if maps == "all":
        from argmap import api  # noqa: F401

    default_model()


class LocalScheduler:
    """Up to ``jobs`` tasks at once, and only as many as the memory budget holds: ``largest``
    bounds the posts of a task's largest thread (``plan.largest_posts``), which decides the
    memory it needs (``settings.task_memory``), and a task
    starts only while the needs of the tasks in flight and its own stay within ``budget``
    (``settings.memory_budget()`` when None). A task that needs more than its share of the
    budget (a giant thread) is queued first and runs with fewer workers beside it, or alone;
    a task that needs more than the whole budget runs alone (``warn`` says so). Which tasks
    ran together never changes a table: tables are assembled in plan order."""

    def __init__(self, jobs: int, ctx: dict[str, Any], lock_fd: int | None = None, *,
                 largest: Callable[[Task], int] | None = None, budget: int | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.jobs = max(1, jobs)
        self.ctx = ctx
        self.lock_fd = lock_fd
        self.gate = MemoryGate(self.jobs, largest, budget, warn)
        self.mp = multiprocessing.get_context(START_METHOD)
        self.counter = self.mp.Value("q", 0)
        self.pool: ProcessPoolExecutor | None = None

    @property
    def held_peak(self) -> int:
        """The most memory the tasks in flight needed together (estimated)."""
        return self.gate.held_peak

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # what the parent holds so far stays shared with the forked workers: the
            # collector would otherwise touch (and so copy) every page of it in each worker.
            # Freed heap pages go back to the system first: a forked worker's RSS starts at
            # the parent's, so every MB the topic step left resident counts once per process
            # in the tree's peak (10k dump: ~48 MB less in the parent, ~145 MB in the tree)
            gc.collect()
            trim_heap()
            gc.freeze()
            forked = self.mp.get_start_method() == "fork"
            self.pool = ProcessPoolExecutor(  # a spawned worker inherits no lock to close
                max_workers=self.jobs, mp_context=self.mp, initializer=_init_worker,
                initargs=(self.counter, self.lock_fd if forked else None, os.getpid()))
        return self.pool

    def _drop_pool(self, kill: bool) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if kill:
            for process in list(getattr(pool, "_processes", {}).values()):
                try:
                    process.kill()
                except (OSError, AttributeError):
                    pass
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()

    def run(self, queue: deque[Task], tick: Tick | None = None) -> Iterator[Outcome]:
        pending: dict[Future, Task] = {}
        suspects: deque[Task] = deque()
        alone_crashes: dict[str, int] = {}
        self.gate.order(queue)
        try:
            while queue or suspects or pending:
                pool = self._pool()
                if suspects:
                    if not pending:
                        task = suspects.popleft()
                        pending[pool.submit(run_task, task, self.ctx)] = task
                else:
                    while queue and self.gate.fits(queue[0], pending.values()):
                        task = queue.popleft()
                        pending[pool.submit(run_task, task, self.ctx)] = task
                    self.gate.admitted(pending.values())
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                if tick:
                    tick(self.counter.value)
                crashed: list[Task] = []
                alone = len(pending) == 1
                for future in sorted(done, key=lambda f: pending[f].order):
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        crashed.append(task)
                        continue
                    except Exception as exc:  # noqa: BLE001 - the task's own error
                        yield ("error", task, exc)
                        continue
                    yield ("done", task, result)
                if crashed or any(isinstance(f.exception(), BrokenProcessPool)
                                  for f in pending if f.done()):
                    crashed.extend(pending.values())
                    pending.clear()
                    self._drop_pool(kill=True)
                    yield from self._after_crash(crashed, alone, suspects, alone_crashes)
        except BaseException:
            self._drop_pool(kill=True)
            raise
        self._drop_pool(kill=False)

    def _after_crash(self, crashed: list[Task], alone: bool, suspects: deque[Task],
                     alone_crashes: dict[str, int]) -> Iterator[Outcome]:
        if alone and len(crashed) == 1:
            task = crashed[0]
            alone_crashes[task.name] = alone_crashes.get(task.name, 0) + 1
            # a probe's answer steers a bisection, so a crash must repeat to count; a task
            # that crashed alone is split, which costs nothing if the crash was a fluke
            if alone_crashes[task.name] >= (2 if task.probe is not None else 1):
                yield ("crashed", task, None)
            else:
                suspects.appendleft(task)
            return
        suspects.extend(sorted(crashed, key=lambda t: t.order))


class DaskScheduler:
    """The tasks on a Dask cluster, admitted by the same memory gate as the local pool.

    A ``LocalCluster`` (no ``address``) shares this machine's memory like the local pool: its
    workers get no memory limit of their own (Dask's default, the machine's memory split
    evenly, would kill a giant thread's worker that the budget holds alone) and the gate keeps
    the tasks in flight within the budget, giants first. On a cluster at ``address`` the budget
    is ``budget`` (``--memory``) or the sum of the workers' memory limits, the slots are the
    workers' threads, and a task that needs more than the largest worker's limit is announced:
    Dask's nanny would kill its worker, and after three deaths the task ends as a poison task."""

    def __init__(self, jobs: int, ctx: dict[str, Any], address: str | None, *,
                 largest: Callable[[Task], int] | None = None, budget: int | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise MissingDependency("--scheduler dask needs dask[distributed]: pip install "
                                    "'argmap[dask]'") from exc
        self.ctx = ctx
        self.task_fn: Callable[[Task, dict[str, Any]], Any] = run_task
        self.warn = warn or (lambda message: None)
        self.cluster = None if address else LocalCluster(
            n_workers=max(1, jobs), threads_per_worker=1, processes=True, memory_limit=None,
            dashboard_address=None, silence_logs=logging.ERROR)
        self.client = Client(address or self.cluster)
        if self.cluster is not None:
            self.client.register_plugin(_die_with_parent_plugin(os.getpid()), name="argmap-die")
            self.gate = MemoryGate(jobs, largest, budget, warn)
            self.worker_limit: int | None = None
        else:
            slots, limits = _cluster_capacity(self.client)
            known = bool(limits) and all(limits)
            self.worker_limit = max(limits) if known else None
            self.gate = MemoryGate(slots, largest if (budget or known) else None,
                                   budget if budget is not None else sum(limits), warn)

    @property
    def held_peak(self) -> int:
        """The most memory the tasks in flight needed together (estimated)."""
        return self.gate.held_peak

    def run(self, queue: deque[Task], tick: Tick | None = None) -> Iterator[Outcome]:
        from dask.distributed import as_completed
        from distributed.scheduler import KilledWorker

        self.gate.order(queue)
        self._announce_overweight(queue)
        futures: dict[Any, Task] = {}

        def submit_ready() -> list[Any]:
            new = []
            if self.cluster is None and queue:  # workers may have joined or left
                self.gate.slots = _cluster_capacity(self.client)[0]
            while queue and self.gate.fits(queue[0], futures.values()):
                task = queue.popleft()
                future = self.client.submit(self.task_fn, task, self.ctx, pure=False)
                futures[future] = task
                new.append(future)
            self.gate.admitted(futures.values())
            return new

        done = 0
        flow = as_completed(submit_ready())
        for future in flow:
            task = futures.pop(future)
            try:
                result = future.result()
            except KilledWorker:
                yield ("crashed", task, None)
            except Exception as exc:  # noqa: BLE001 - the task's own error
                yield ("error", task, exc)
            else:
                done += int(result.get("counts", {}).get("posts", 0))
                yield ("done", task, result)
            if tick:
                tick(done)
            for new in submit_ready():
                flow.add(new)

    def _announce_overweight(self, queue: Iterable[Task]) -> None:
        """On a remote cluster, name the tasks no worker has the memory limit for."""
        if self.worker_limit is None or self.gate.largest is None:
            return
        for task in queue:
            need = self.gate.need(task)
            if need > self.worker_limit:
                self.warn(f"a thread of up to {self.gate.largest(task):,} posts (task "
                          f"{task.name}) needs ~{need >> 20:,} MB to map, more than the "
                          f"largest Dask worker's memory limit ({self.worker_limit >> 20:,} "
                          "MB): its worker may be killed and the task quarantined; start "
                          "workers with a larger --memory-limit or map it with --scheduler "
                          "local")

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _cluster_capacity(client: Any) -> tuple[int, list[int]]:
    """The threads of a running cluster's workers and each worker's memory limit (0: none)."""
    workers = client.scheduler_info().get("workers", {}).values()
    slots = sum(int(w.get("nthreads") or 1) for w in workers)
    return max(1, slots), [int(w.get("memory_limit") or 0) for w in workers]


def _die_with_parent_plugin(parent: int) -> Any:
    """A Dask worker plugin: the workers of a local cluster exit with the main process. Their
    nanny already stops them when the main process goes; this adds the kernel's guarantee
    (``PR_SET_PDEATHSIG``) for a worker busy in compiled code."""
    from distributed import WorkerPlugin

    class DieWithParent(WorkerPlugin):
        idempotent = True

        def setup(self, worker: Any) -> None:
            if os.getppid() == parent:
                die_with_parent(parent)

    return DieWithParent()
