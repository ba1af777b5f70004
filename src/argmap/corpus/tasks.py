"""A mapping task: a range of spill buckets (or a slice of its threads) in, table fragments out.

This is the code that runs in a worker process or on a Dask worker. It reads its buckets,
assembles every thread, maps each alone (``thread_map``), writes the rows as fragments
(``fragments``) and returns what the runner needs: the fragment checksums, counts, problems,
and small summaries for the corpus report (largest and most contested threads, most contested
and most typical claims per topic), each already cut to what the report shows.

A thread whose mapping raises is bisected here, in the process: its posts are halved until one
record is found whose removal lets the rest map; that record is quarantined (listed with its
file and line) and the thread mapped without it. A record that kills the process cannot be
found from inside it; the runner bisects those with ``probe`` tasks (``scheduler``).

Since session 14 the parts live apart: ``quarantine`` (the in-process bisection),
``task_summary`` (the report's bounded heaps) and ``thread_maps`` (per-thread maps and their
problem rows); this module reads, prepares, maps and commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from argmap.corpus.fragments import FragmentWriter, sha256_of
from argmap.corpus.partition import problem_row
from argmap.corpus.quarantine import (  # noqa: F401  (quarantine_row: poison reads it here)
    _map_with_quarantine,
    quarantine_row,
)
from argmap.corpus.schema import TASK_TABLES
from argmap.corpus.spill import Entry, assemble_thread, bucket_name, group_threads, read_entries
from argmap.corpus.task_summary import REPORT_TOP, Summary
from argmap.corpus.thread_map import (
    Prepared,
    crash_posts,
    map_thread,
    prepare_threads,
    task_delay,
    thread_rows,
)
from argmap.corpus.thread_maps import write_maps
from argmap.corpus.topic_model import CorpusTopics
from argmap.errors import ArgmapError
from argmap.files import write_atomic
from argmap.gcpause import collector_paused
from argmap.model import Thread
from argmap.options import Options


@dataclass(frozen=True, slots=True)
class Task:
    """Buckets ``lo``..``hi`` (exclusive), threads ``first``..``last`` of them in (hash, id)
    order (``last`` None: to the end). ``probe`` maps one thread restricted to these post ids
    and writes nothing: a bisection step."""

    lo: int
    hi: int
    first: int = 0
    last: int | None = None
    probe: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        base = f"b{self.lo:05d}-{self.hi:05d}"
        if self.first or self.last is not None:
            base += f"-t{self.first}-{self.last}"
        return base + ("-probe" if self.probe is not None else "")

    @property
    def order(self) -> tuple[int, int]:
        return (self.lo, self.first)

    def to_dict(self) -> dict[str, Any]:
        return {"lo": self.lo, "hi": self.hi, "first": self.first, "last": self.last}


_COUNTER: list[Any] = []  # a shared posts-mapped counter, set in pool workers
_TOPICS: dict[str, CorpusTopics] = {}


def set_counter(counter: Any) -> None:
    _COUNTER[:] = [counter]


def _count(posts: int) -> None:
    if _COUNTER:
        with _COUNTER[0].get_lock():
            _COUNTER[0].value += posts


def load_topics(path: str, digest: str) -> CorpusTopics:
    """The corpus topic model, loaded once per process (and checked against its digest)."""
    key = f"{path}|{digest}"
    if key not in _TOPICS:
        topics = CorpusTopics.load(Path(path))
        if topics.digest() != digest:
            raise ArgmapError(f"{path}: the topic model changed since it was fitted")
        _TOPICS.clear()
        _TOPICS[key] = topics
    return _TOPICS[key]


def release_text_caches() -> None:
    """Empty the stages' per-text caches between tasks. They pay off inside a thread, where the
    same claim is read many times, not across tasks of a corpus, where texts rarely repeat;
    full, they held a few hundred MB per worker at 1M posts. Word-level caches stay."""
    import gc

    from argmap.link.cues import opening_cues, text_cues
    from argmap.link.sentiment import signed_words
    from argmap.topics.words import content_word_tuple

    for cached in (text_cues, opening_cues, signed_words, content_word_tuple):
        cached.cache_clear()
    # ``run_task`` calls this with the collector still paused, so every object the task made
    # is young: a young collection finds the task's cycles without walking what older
    # collections kept (the worker's word caches; a full collection took ~10 ms a task more)
    gc.collect(0)
    trim_heap()


def trim_heap() -> None:
    """Give freed heap pages back to the system (glibc keeps them otherwise, so a worker's
    resident size only grows); a no-op where ``malloc_trim`` does not exist."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def task_threads(task: Task, spill: Path) -> list[tuple[str, list[Entry]]]:
    paths = [spill / bucket_name(i) for i in range(task.lo, task.hi)]
    return group_threads(read_entries(paths))[task.first:task.last]


# The cyclic collector is paused while a task maps its threads. A pool worker is forked from a
# main process that called ``gc.freeze()`` (so the worker does not copy the parent's pages by
# walking them), and in a process with frozen objects the collector ran full collections far
# more often, each over the word and text caches the task builds: on the 10k dump the first
# four tasks took 41.6 CPU s in a process with a frozen heap, 11.7 s without one, and 9.9 s
# frozen with the collector paused. The stages pause it for their own work already
# (``gcpause``); a task makes no reference cycles worth collecting early, and
# ``release_text_caches`` collects the young generation once when it ends.
def run_task(task: Task, ctx: dict[str, Any]) -> dict[str, Any]:
    """Map the task's threads and commit its fragments (see the module docstring)."""
    options = Options.from_mapping(ctx["options"])
    topics = load_topics(ctx["topic_model"], ctx["topic_digest"])
    excluded = frozenset(ctx["quarantined"])
    poison = crash_posts()
    task_delay(task.lo)
    threads = task_threads(task, Path(ctx["spill"]))
    if task.probe is not None:
        key, entries = threads[0]
        others = frozenset(e.post.id for e in entries) - frozenset(task.probe)
        map_thread(assemble_thread(key, entries, excluded | others), topics, options, poison)
        return {"ok": True, "probe": True}
    folder = Path(ctx["results"]) / task.name
    writer = FragmentWriter(folder, TASK_TABLES, ctx["formats"], options.export.csv_raw)
    summary = Summary(int(ctx.get("report_top", REPORT_TOP)))
    problems: list[dict[str, Any]] = []
    quarantined: list[dict[str, Any]] = []
    counts = {"posts": 0, "claims": 0, "relations": 0, "threads": 0, "skipped": 0,
              "quarantined": 0}
    maps: list[str] = []
    try:
        with collector_paused():  # see the note above ``run_task``
            try:
                # The key-point summaries are shown only by the per-thread maps written here.
                for key, entries, first in _prepared(threads, excluded, topics, options,
                                                     summaries=ctx.get("maps") == "all"):
                    mapped = _map_with_quarantine(key, entries, excluded, topics, options,
                                                  poison, quarantined, first)
                    if mapped is None:
                        continue
                    thread = mapped.amap.threads[0]
                    for problem in thread.problems:
                        row = problem_row(problem, thread_id=key)
                        problems.append(row)
                        counts["skipped"] += row["action"] == "skipped"
                    rows = thread_rows(mapped)
                    for table in TASK_TABLES:
                        writer.add(table, rows[table])
                    summary.add(rows)
                    counts["posts"] += len(thread.posts)
                    counts["claims"] += len(mapped.amap.claims)
                    counts["relations"] += len(mapped.amap.relations)
                    counts["threads"] += 1
                    if ctx.get("maps") == "all":
                        maps.extend(write_maps(mapped, Path(ctx["out"]), options, problems))
                    _count(len(thread.posts))
            finally:
                # inside the paused block, the task's input dropped first: its caches are freed
                # and what is left of the task walked once, by this collection (after the
                # block, the collector's first young collection walked every object the task
                # had made, caches included, before a full one walked them again)
                del threads
                release_text_caches()
    except BaseException:
        writer.abort()
        raise
    sums = writer.close()
    problems.extend(quarantined)
    for name, data in (("problems.jsonl", b"".join(orjson.dumps(p, option=orjson.OPT_SORT_KEYS)
                                                   + b"\n" for p in problems)),
                       ("summary.json", orjson.dumps(summary.to_dict(),
                                                     option=orjson.OPT_SORT_KEYS))):
        sums[name] = sha256_of(write_atomic(folder / name, data))
    counts["quarantined"] = len(quarantined)
    out = Path(ctx["out"])
    return {"ok": True, "task": task.to_dict(), "name": task.name, "fragments": sums,
            "counts": counts, "maps": {rel: sha256_of(out / rel) for rel in sorted(maps)}}


def map_selected(task: Task, ctx: dict[str, Any], wanted: Sequence[str],
                 problems: list[dict[str, Any]]) -> list[str]:
    """Per-thread maps of the threads ``wanted`` among the task's (``--maps top:N``); maps
    that could not be drawn are added to ``problems``."""
    options = Options.from_mapping(ctx["options"])
    topics = load_topics(ctx["topic_model"], ctx["topic_digest"])
    excluded = frozenset(ctx["quarantined"])
    written: list[str] = []
    for key, entries in task_threads(task, Path(ctx["spill"])):
        if key in wanted:
            mapped = _map_with_quarantine(key, entries, excluded, topics, options, frozenset(),
                                          [])
            if mapped is not None:
                written.extend(write_maps(mapped, Path(ctx["out"]), options, problems))
    return sorted(written)


PREPARE_POSTS = 2_000  # threads are prepared together in runs of about this many posts


def _prepared(threads: list[tuple[str, list[Entry]]], excluded: frozenset[str],
              topics: CorpusTopics, options: Options, summaries: bool = True
              ) -> Iterator[tuple[str, list[Entry], tuple[Thread, Prepared | None] | None]]:
    """The task's threads with their segmentation and topics made together
    (``prepare_threads``), a run of threads at a time so a large task's claims are not all
    held at once; each with the thread as assembled. A thread every record of which is
    quarantined gets None. ``summaries=False``: analyses without summaries."""
    run: list[tuple[str, list[Entry], Thread | None]] = []
    posts = 0
    for index, (key, entries) in enumerate(threads):
        ours = excluded & {e.post.id for e in entries}
        whole = (None if all(e.post.id in ours for e in entries)
                 else assemble_thread(key, entries, ours))
        run.append((key, entries, whole))
        posts += len(entries)
        if posts >= PREPARE_POSTS or index == len(threads) - 1:
            made = iter(prepare_threads([t for _, _, t in run if t is not None], topics,
                                        options, summaries=summaries))
            for key_, entries_, whole_ in run:
                yield key_, entries_, (whole_, next(made)) if whole_ is not None else None
            run, posts = [], 0
