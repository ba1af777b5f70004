"""Which tasks may map at once: the memory a task needs against a budget, for both schedulers.

A worker's peak follows the largest thread of its task (``settings.task_memory`` of
``plan.largest_posts``), so a task holding a giant thread can need several GB while an ordinary
one needs a few hundred MB. The gate orders a run's queue (giants first, announced) and admits
a task only while the needs of the tasks in flight and its own stay within the budget, so the
local pool and a Dask ``LocalCluster`` behave alike: a giant starts while others can still run
beside it, with fewer workers beside it or alone. Which tasks ran together never changes a
table (tables are assembled in plan order), only when each one ran.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from argmap.corpus.settings import memory_budget, task_memory
from argmap.corpus.tasks import Task

Warn = Callable[[str], None]


class MemoryGate:
    """The admission rule of a run: ``largest`` bounds the posts of a task's largest thread
    (None: no estimate, every task fits), ``budget`` the bytes the workers may hold together
    (None: ``settings.memory_budget()``, itself None where the machine's memory cannot be
    read), ``slots`` how many tasks may run at once."""

    def __init__(self, slots: int, largest: Callable[[Task], int] | None,
                 budget: int | None, warn: Warn | None = None) -> None:
        self.slots = max(1, slots)
        self.largest = largest
        self.asked = budget
        self.limit: int | None = None
        self.warn = warn or (lambda message: None)
        self.held_peak = 0  # the most memory the tasks in flight needed together (estimated)

    def order(self, queue: deque[Task]) -> int | None:
        """Fix the budget for this run, move the tasks that need more than their share of it
        to the front of ``queue`` (in plan order) and announce each one; the budget."""
        if self.largest is None:
            return None
        self.limit = memory_budget(self.asked)
        if self.limit is None:
            return None
        budget = self.limit
        giants = [t for t in queue if self.need(t) > budget // self.slots]
        named = giants
        if budget < task_memory(0):  # every task is over it: say so once, not once a task
            self.warn(f"the memory budget ({budget >> 20:,} MB) is below what one ordinary "
                      f"task needs (~{task_memory(0) >> 20:,} MB): the tasks run one at a time")
            named = [t for t in giants if self.need(t) > task_memory(0)]
        for task in named:
            need = self.need(task)
            how = ("alone; it needs more than the budget" if need > budget else "alone"
                   if need > budget - task_memory(0) else "first, with fewer workers beside it")
            self.warn(f"a thread of up to {self.largest(task):,} posts (task {task.name}) "
                      f"needs ~{need >> 20:,} MB to map: it runs {how} "
                      f"(memory budget {budget >> 20:,} MB)")
        if giants:
            rest = [t for t in queue if t not in giants]
            queue.clear()
            queue.extend(giants + rest)
        return budget

    def need(self, task: Task) -> int:
        """Bytes ``task``'s worker needs (0 with no estimate)."""
        return task_memory(self.largest(task)) if self.largest else 0

    def fits(self, task: Task, running: Iterable[Task]) -> bool:
        """Whether ``task`` may start beside ``running``: never past the slots, always when
        nothing runs (a task over the whole budget then runs alone), else while the needs stay
        within the budget."""
        running = list(running)
        if not running:
            return True
        if len(running) >= self.slots:
            return False
        if self.limit is None:
            return True
        return sum(map(self.need, running)) + self.need(task) <= self.limit

    def admitted(self, running: Iterable[Task]) -> None:
        """Record what runs now (for ``held_peak``)."""
        self.held_peak = max(self.held_peak, sum(map(self.need, running)))
