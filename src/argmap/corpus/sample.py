"""The topic model's sample: its threads segmented on every core, and kept for the map step.

Why: the corpus topic model is fitted in the main process before any thread is mapped, on the
first threads in (hash, id) order (``topic_model``). Segmenting that sample was the largest
serial piece of a corpus run (at 10k posts the sample is ~4,700 posts: ~3 of the fit step's
~7 CPU s), during which every other core idled; and the map step then segmented the same
threads again. Here the sample's buckets are segmented by ``jobs`` forked processes, bucket by
bucket in order, and the main process walks the results in that order with the fit's stopping
rule, so the sample is the same claims as a serial pass (a worker that is a bucket ahead
finishes it and the result is dropped). Each segmented thread is kept (``remember``) so that
mapping it later in a forked worker reuses it instead of segmenting again (``segmented``):
segmentation is a pure function of the thread's posts and the segment options, and the posts
are compared whole.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.corpus.spill import assemble_thread, bucket_name, group_threads, read_entries
from argmap.model import Claim, Dropped, Post, Thread
from argmap.options import Options, SegmentOptions
from argmap.segment import segment


@dataclass(frozen=True, slots=True)
class Segmented:
    """One thread of the sample: the thread, its claims and drops, and its context stems."""

    thread: Thread
    claims: tuple[Claim, ...]
    dropped: tuple[Dropped, ...]
    stems: list[list[str]]


# thread id -> (its posts, the segment options, claims, drops): filled in the main process
# before the map step's workers are forked, read there (copy-on-write pages, never written)
_KEPT: dict[str, tuple[tuple[Post, ...], SegmentOptions, tuple[Claim, ...],
                       tuple[Dropped, ...]]] = {}
_JOB: dict[str, Any] = {}  # what forked sample workers read: set before the fork


def remember(found: Segmented, options: SegmentOptions) -> None:
    _KEPT[found.thread.id] = (found.thread.posts, options, found.claims, found.dropped)


def forget() -> None:
    _KEPT.clear()


def segmented(thread: Thread, options: SegmentOptions
              ) -> tuple[tuple[Claim, ...], tuple[Dropped, ...]] | None:
    """The kept segmentation of exactly this thread with these options, else None."""
    kept = _KEPT.get(thread.id)
    if kept is None or kept[1] != options or kept[0] != thread.posts:
        return None
    return kept[2], kept[3]


def segment_bucket(spill: Path, index: int, options: Options,
                   excluded: frozenset[str]) -> list[Segmented]:
    """Every thread of one bucket, in (hash, id) order, segmented, with context stems."""
    from argmap.corpus.topic_model import context_stems

    out = []
    for key, entries in group_threads(read_entries([spill / bucket_name(index)])):
        thread = assemble_thread(key, entries, excluded)
        claims, dropped = segment((thread,), options.segment)
        out.append(Segmented(thread, claims, dropped,
                             context_stems(claims, options.cluster.post_context)))
    return out


def _worker_bucket(index: int) -> list[Segmented]:
    return segment_bucket(_JOB["spill"], index, _JOB["options"], _JOB["excluded"])


def _init(parent: int, lock_fd: int | None) -> None:
    from argmap.corpus.schedule import die_with_parent

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if lock_fd is not None:
        try:
            os.close(lock_fd)
        except OSError:
            pass


def sample_buckets(spill: Path, buckets: int, options: Options, excluded: frozenset[str],
                   jobs: int, lock_fd: int | None = None
                   ) -> Iterator[list[Segmented]]:
    """``segment_bucket`` of buckets 0, 1, ... in order, computed ``jobs`` at a time ahead
    of the caller (in this process when ``jobs`` is 1); the caller stops when it has enough.
    A worker that dies (a record that crashes the segmenter) leaves the rest to this process,
    which then meets the record as a serial pass would."""
    serial: Callable[[int], list[Segmented]] = lambda i: segment_bucket(  # noqa: E731
        spill, i, options, excluded)
    if jobs <= 1 or buckets <= 1:
        for index in range(buckets):
            yield serial(index)
        return
    import multiprocessing

    _JOB.update(spill=spill, options=options, excluded=excluded)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_init, initargs=(os.getpid(), lock_fd))
    ahead: dict[int, Future[list[Segmented]]] = {}
    index = 0
    try:
        while index < buckets:
            for nxt in range(index, min(buckets, index + jobs)):
                if nxt not in ahead:
                    ahead[nxt] = pool.submit(_worker_bucket, nxt)
            try:
                result = ahead.pop(index).result()
            except BrokenProcessPool:
                break
            yield result
            index += 1
    finally:
        # buckets not started are cancelled, those being segmented finish (one per worker):
        # killing a worker that is writing its result can leave the pool's reader blocked
        pool.shutdown(wait=True, cancel_futures=True)
        _JOB.clear()
    for rest in range(index, buckets):
        yield serial(rest)
