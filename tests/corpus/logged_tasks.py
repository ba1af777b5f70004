"""A stand-in task for scheduler tests that Dask workers can import: it takes a while and
records when it ran in the file ``ctx["log"]`` (one line per start and end, monotonic clock,
which all processes of a machine share)."""

from __future__ import annotations

import time
from typing import Any

from argmap.corpus.tasks import Task


def logged(task: Task, ctx: dict[str, Any]) -> dict[str, Any]:
    with open(ctx["log"], "a", encoding="ascii") as handle:
        handle.write(f"start {task.lo} {time.monotonic()}\n")
    time.sleep(ctx.get("giant_seconds", 1.2) if task.lo == 2 else ctx.get("seconds", 0.6))
    with open(ctx["log"], "a", encoding="ascii") as handle:
        handle.write(f"end {task.lo} {time.monotonic()}\n")
    return {"ok": True, "name": task.name, "counts": {"posts": 1}}
