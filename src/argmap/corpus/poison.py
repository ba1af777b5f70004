"""Records that kill workers: which task to split, which record to quarantine.

A task that kills its worker every time it runs alone (``schedule``) holds a poison record.
Several threads: the task is split by thread into up to eight parts, recorded in the
manifest, and the parts run (one of them will crash again, and is split again). One thread: its records are
bisected with probe tasks (map the thread restricted to half of the suspects; a crash means
the poison is in that half) until one record is left; it is quarantined, recorded with its
file, line and byte offset, and the thread is mapped without it. Everything else is mapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argmap.corpus.tasks import Task, quarantine_row, task_threads


@dataclass
class Hunt:
    """The bisection of one thread's records: ``suspects`` still possible, ``probing`` the
    half being tried."""

    task: Task
    thread_id: str
    suspects: list[str]
    probing: list[str] = field(default_factory=list)

    def next_probe(self) -> Task:
        self.probing = self.suspects[: len(self.suspects) // 2]
        return Task(self.task.lo, self.task.hi, self.task.first, self.task.first + 1,
                    probe=tuple(self.probing))

    def answer(self, crashed: bool) -> None:
        self.suspects = self.probing if crashed else self.suspects[len(self.probing):]

    @property
    def found(self) -> bool:
        return len(self.suspects) <= 1


SPLIT_WAYS = 8


def split_or_hunt(task: Task, spill: Path, quarantined: frozenset[str]
                  ) -> tuple[list[Task], Hunt | None]:
    """Parts of a crashed multi-thread task (up to ``SPLIT_WAYS``, by thread), or a hunt for
    the record of a one-thread task."""
    threads = task_threads(task, spill)
    if len(threads) > 1:
        ways = min(SPLIT_WAYS, len(threads))
        bounds = [task.first + len(threads) * k // ways for k in range(ways + 1)]
        return [Task(task.lo, task.hi, a, b) for a, b in zip(bounds, bounds[1:], strict=False)
                if b > a], None
    key, entries = threads[0]
    suspects = [e.post.id for e in entries if e.post.id not in quarantined]
    single = Task(task.lo, task.hi, task.first, task.first + 1)
    return [], Hunt(single, key, suspects)


def quarantine_record(hunt: Hunt, spill: Path) -> dict[str, Any]:
    """The quarantine row of the record the hunt found."""
    _key, entries = task_threads(hunt.task, spill)[0]
    entry = next(e for e in entries if e.post.id == hunt.suspects[0])
    return quarantine_row(entry, hunt.thread_id, "mapping this record killed the worker "
                          "process every time (found by bisection)")
