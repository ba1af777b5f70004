"""How a corpus is cut into work, and how the tasks' summaries come back together.

The cut depends only on the corpus (its size, and the posts in each spill bucket), never on
``--jobs`` or the scheduler: a resume with other settings finds the same tasks, and tables are
identical whoever ran them. Buckets scale with the input (about ``BUCKET_BYTES`` of input each,
a power of two between ``MIN_BUCKETS`` and ``MAX_BUCKETS``); tasks are runs of consecutive
buckets of about ``total posts / TASKS_AIM`` posts, within ``[MIN_TASK, MAX_TASK]``, so a worker
holds a few thousand posts at a time. ``MAX_TASK`` bounds the memory of the process tree: a
worker's peak grows with the posts, claims and rows of the task it maps (100k-post dump,
--jobs 2, sum of RSS over the tree: tasks of 8,333 posts 1,111 MB, of 4,000 posts 946 MB, same
wall time; at 1M posts tasks of ~17,000 posts took the tree to 1,645 MB), while the fixed cost
of a task (loading the topic model, one fragment file per table) is small. One thread is never
split, so a task holding a giant thread needs more: ``largest_posts`` bounds it, and the
scheduler admits tasks against a memory budget (``schedule.LocalScheduler``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from argmap.corpus.byte_stream import codec_of
from argmap.corpus.tasks import Task

BUCKET_BYTES = 4 << 20
MIN_BUCKETS, MAX_BUCKETS = 16, 512
COMPRESSION_GUESS = 6  # decompressed / compressed size assumed when sizing buckets
TASKS_AIM, MIN_TASK, MAX_TASK = 12, 200, 4_000


def bucket_count(paths: Sequence[Path]) -> int:
    """Spill buckets for these inputs: a power of two, ~BUCKET_BYTES of content each."""
    estimate = 0
    for path in paths:
        if not path.is_file():
            continue
        size = path.stat().st_size
        with open(path, "rb") as handle:
            compressed = codec_of(handle.read(6)) is not None
        estimate += size * (COMPRESSION_GUESS if compressed else 1)
    buckets = MIN_BUCKETS
    while buckets < MAX_BUCKETS and buckets * BUCKET_BYTES < estimate:
        buckets *= 2
    return buckets


def plan_tasks(bucket_posts: Sequence[int]) -> list[Task]:
    """Consecutive buckets grouped into tasks of about the target size (empty ones folded in)."""
    total = sum(bucket_posts)
    target = min(MAX_TASK, max(MIN_TASK, total // TASKS_AIM))
    tasks: list[Task] = []
    start, held = 0, 0
    for index, posts in enumerate(bucket_posts):
        if held and held + posts > MAX_TASK:  # a big bucket does not join a started task
            tasks.append(Task(start, index))
            start, held = index, 0
        held += posts
        if held >= target:
            tasks.append(Task(start, index + 1))
            start, held = index + 1, 0
    if start < len(bucket_posts):
        if held or not tasks:
            tasks.append(Task(start, len(bucket_posts)))
        else:  # trailing empty buckets join the last task
            last = tasks.pop()
            tasks.append(Task(last.lo, len(bucket_posts)))
    return [t for t in tasks if sum(bucket_posts[t.lo:t.hi]) > 0] or tasks[:1]


def largest_posts(bucket_posts: Sequence[int]) -> Callable[[Task], int]:
    """For any task of the corpus (a split half or a probe included), a bound on the posts of
    its largest thread, which decides a worker's peak memory (``settings.task_memory``): the
    posts of its largest bucket, since a thread lives in one bucket."""
    def largest(task: Task) -> int:
        return max(bucket_posts[task.lo:task.hi], default=0)
    return largest


def apply_splits(tasks: list[Task], splits: Sequence[dict[str, Any]]) -> list[Task]:
    """The plan after the recorded splits (a crashed task replaced by its halves)."""
    plan = list(tasks)
    for split in splits:
        names = [t.name for t in plan]
        if split["task"] in names:
            at = names.index(split["task"])
            plan[at:at + 1] = [Task(**part) for part in split["into"]]
    return plan


def task_of_bucket(plan: Sequence[Task], bucket: int) -> list[Task]:
    return [t for t in plan if t.lo <= bucket < t.hi]


def merge_summaries(summaries: Sequence[dict[str, Any]], top: int) -> dict[str, Any]:
    """The tasks' bounded lists and counts as one (the same keys and tie-breaks as a task)."""
    largest = [i for s in summaries for i in s["largest"]]
    contested_threads = [i for s in summaries for i in s["contested_threads"]]
    largest.sort(key=lambda i: (-i[2], i[0]))
    contested_threads.sort(key=lambda i: (-i[4], i[0]))
    contested: dict[str, list[list[Any]]] = {}
    typical: dict[str, list[list[Any]]] = {}
    claims: dict[str, int] = {}
    threads: dict[str, int] = {}
    for s in summaries:
        for topic, items in s["contested"].items():
            contested.setdefault(topic, []).extend(items)
        for topic, items in s["typical"].items():
            typical.setdefault(topic, []).extend(items)
        for topic, n in s["topic_claims"].items():
            claims[topic] = claims.get(topic, 0) + n
        for topic, n in s["topic_threads"].items():
            threads[topic] = threads.get(topic, 0) + n
    for items in contested.values():
        items.sort(key=lambda i: (-(i[3] + i[4]), -i[3], i[1]))
    for topic, items in typical.items():
        items.sort(key=lambda i: (-i[2], i[0]))
        seen: set[str] = set()  # a quoted or repeated sentence is one typical claim, not three
        kept = []
        for item in items:
            if item[1] not in seen:
                seen.add(item[1])
                kept.append(item)
        typical[topic] = kept
    return {"largest": largest[:top], "contested_threads": contested_threads[:top],
            "contested": {t: v[:top] for t, v in contested.items()},
            "typical": {t: v[:top] for t, v in typical.items()},
            "topic_claims": claims, "topic_threads": threads}


def thread_dicts(items: Sequence[Sequence[Any]], limit: int) -> list[dict[str, Any]]:
    return [{"id": i[0], "title": i[1], "posts": i[2], "claims": i[3], "attacks": i[4],
             "contested": i[5]} for i in items[:limit]]
