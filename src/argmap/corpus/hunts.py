"""The runner's side of a poison-record hunt: a task that killed its worker, split or probed.

Why a module of its own: when a task kills its worker, the main process decides what runs
next (``poison.split_or_hunt``: the task split by thread, or one thread's records bisected by
probe tasks), records each split and each quarantined record in the manifest (so a resumed run
makes the same decisions), and queues the parts; the steps of a run only hand it the crashed
and probed tasks. Split from ``steps`` in session 14.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from argmap.corpus import poison
from argmap.corpus.manifest import Manifest
from argmap.corpus.tasks import Task
from argmap.errors import ArgmapError


class Hunts:
    """The hunts under way in one map step, by the name of the task they started from."""

    def __init__(self, spill: Path, manifest: Manifest) -> None:
        self.spill, self.manifest = spill, manifest
        self.hunts: dict[str, poison.Hunt] = {}

    def crashed(self, task: Task, queue: deque[Task], ctx: dict[str, Any]) -> None:
        """A task killed its worker: queue its halves, or start (or go on with) a hunt."""
        halves, hunt = poison.split_or_hunt(task, self.spill, frozenset(ctx["quarantined"]))
        if halves or (hunt is not None and hunt.task.name != task.name):
            parts = halves or [hunt.task]  # type: ignore[union-attr]
            self.manifest.append({"type": "split", "task": task.name,
                                  "into": [p.to_dict() for p in parts]})
        queue.extend(halves)
        if hunt is not None:
            self.hunts[hunt.task.name] = hunt
            self._hunt_step(hunt, queue, ctx)

    def probed(self, task: Task, kind: str, value: Any, queue: deque[Task],
               ctx: dict[str, Any]) -> None:
        """A probe task ended (``kind``: done, crashed or error): the hunt's next step."""
        if kind == "error":
            raise as_error(task, value)
        hunt = self.hunts[Task(task.lo, task.hi, task.first, task.last).name]
        hunt.answer(crashed=kind == "crashed")
        self._hunt_step(hunt, queue, ctx)

    def _hunt_step(self, hunt: poison.Hunt, queue: deque[Task], ctx: dict[str, Any]) -> None:
        if not hunt.found:
            queue.append(hunt.next_probe())
            return
        if not hunt.suspects:
            raise ArgmapError(f"thread {hunt.thread_id!r} kills the worker even without its "
                              "records; it cannot be mapped")
        row = poison.quarantine_record(hunt, self.spill)
        self.manifest.append({"type": "quarantine", "row": row})
        ctx["quarantined"] = sorted({*ctx["quarantined"], row["post_id"]})
        queue.append(hunt.task)


def as_error(task: Task, exc: Any) -> ArgmapError:
    if isinstance(exc, ArgmapError):
        return exc
    return ArgmapError(f"mapping task {task.name} failed: {type(exc).__name__}: {exc}")
