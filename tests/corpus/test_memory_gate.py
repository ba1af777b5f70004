"""corpus.memory_gate.MemoryGate driven as the schedulers drive it, on any mix of tasks: tiny
and huge budgets, only giants, slots from one to many, tasks finishing in any order."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.corpus import plan
from argmap.corpus.memory_gate import MemoryGate
from argmap.corpus.settings import task_memory
from argmap.corpus.tasks import Task

_POSTS = st.one_of(st.integers(0, 5_000), st.integers(5_000, 200_000))
_BUDGETS = st.one_of(st.just(1 << 20), st.integers(0, 1 << 36),
                     st.sampled_from([task_memory(0), task_memory(50_000)]))


@settings(max_examples=200, deadline=None)
@given(posts=st.lists(_POSTS, min_size=1, max_size=25), slots=st.integers(1, 6),
       budget=_BUDGETS, finish=st.lists(st.integers(0, 1_000), min_size=80, max_size=80))
def test_memory_gate_every_task_runs_once_within_the_budget_giants_first(
        posts, slots, budget, finish) -> None:
    """Every task starts exactly once and the run never stalls; never more tasks than slots;
    two or more tasks in flight only while their needs fit the budget; the tasks over their
    share of the budget start first, in plan order; each is named at most once and a budget
    below an ordinary task is said once."""
    warnings: list[str] = []
    gate = MemoryGate(slots, plan.largest_posts(posts), budget, warnings.append)
    queue = deque(Task(i, i + 1) for i in range(len(posts)))
    assert gate.order(queue) == budget
    giants = [t.lo for t in queue if gate.need(t) > budget // slots]
    assert [t.lo for t in queue][:len(giants)] == sorted(giants)
    running: list[Task] = []
    started: list[int] = []
    turn = 0
    while queue or running:
        while queue and gate.fits(queue[0], running):
            running.append(queue.popleft())
            started.append(running[-1].lo)
        gate.admitted(running)
        assert running, "stalled: nothing runs and the queue waits"
        assert len(running) <= slots
        if len(running) > 1:
            assert sum(map(gate.need, running)) <= budget
        running.pop(finish[turn % len(finish)] % len(running))
        turn += 1
    assert sorted(started) == list(range(len(posts)))
    assert started[:len(giants)] == sorted(giants)
    assert gate.held_peak <= max(budget, max(map(gate.need, map(lambda i: Task(i, i + 1),
                                                                 range(len(posts))))))
    assert sum("below what one ordinary task needs" in w for w in warnings) == (
        budget < task_memory(0))
    assert len(warnings) <= len(giants) + 1
