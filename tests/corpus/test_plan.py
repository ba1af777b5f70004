"""How a corpus is cut: every bucket in exactly one task, in order, by posts not by --jobs;
and the CSV cells of corpus tables follow the per-map CSV export's rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from argmap.corpus.plan import MAX_TASK, apply_splits, plan_tasks
from argmap.corpus.schema import cell
from argmap.corpus.tasks import Task
from argmap.exports.tables import csv_cell


@given(st.lists(st.integers(0, 30_000), min_size=1, max_size=64))
def test_plan_tasks_cover_every_bucket_once_in_order(posts) -> None:
    tasks = plan_tasks(posts)
    covered = [b for t in tasks for b in range(t.lo, t.hi)]
    assert covered == list(range(tasks[0].lo, tasks[-1].hi))
    assert all(posts[b] == 0 for b in range(len(posts)) if b not in covered)
    # a task is over the size cap only when one bucket alone is
    assert all(sum(posts[t.lo:t.hi]) <= MAX_TASK or sum(1 for p in posts[t.lo:t.hi] if p) == 1
               for t in tasks)


def test_plan_splits_replace_a_task_by_its_parts() -> None:
    tasks = [Task(0, 2), Task(2, 4)]
    split = {"task": "b00002-00004", "into": [Task(2, 4, 0, 3).to_dict(),
                                              Task(2, 4, 3, 6).to_dict()]}
    assert apply_splits(tasks, [split]) == [Task(0, 2), Task(2, 4, 0, 3), Task(2, 4, 3, 6)]


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                 st.text()), st.booleans())
def test_plan_csv_cells_follow_the_export_rules(value, raw) -> None:
    assert cell(value, raw) == csv_cell(value, raw)
