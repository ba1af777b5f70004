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
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import neg
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from argmap.corpus.fragments import FragmentWriter, sha256_of
from argmap.corpus.partition import problem_row
from argmap.corpus.schema import TASK_TABLES
from argmap.corpus.spill import Entry, assemble_thread, bucket_name, group_threads, read_entries
from argmap.corpus.thread_map import (
    MappedThread,
    Prepared,
    crash_posts,
    map_thread,
    prepare_threads,
    task_delay,
    thread_rows,
)
from argmap.corpus.topic_model import CorpusTopics
from argmap.errors import ArgmapError, OutputError
from argmap.files import safe_filename, write_atomic
from argmap.gcpause import collector_paused
from argmap.model import Thread
from argmap.options import Options

if TYPE_CHECKING:  # outputs loads the renderers: imported when maps are written
    from argmap.outputs import Refused

REPORT_TOP = 50  # threads and claims kept per list for the corpus report
MAX_POISON = 8  # records quarantined in one thread before the thread itself is given up


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


def write_maps(mapped: MappedThread, out: Path, options: Options,
               problems: list[dict[str, Any]]) -> list[str]:
    """The thread's per-thread outputs (``outputs.write_thread``, as ``map`` writes them, one
    at a time and the JSON streamed) under OUTDIR/maps/. A map ``dot`` could not draw
    (missing, crashed, timed out) is left out and becomes a problem row (``dot_missing`` /
    ``map_not_drawn``, action ``left_out``: exit 3), and so does an output that cannot be
    written (a folder in its place, no permission, a full disk: ``output_not_written``); the
    thread's other outputs and the other threads' are written, and the tables. (Before, one
    unwritable map file stopped the whole run with exit 74.) An exporter that fails with
    anything but an ``OutputError`` is a bug and is raised, as in ``map``."""
    from argmap.outputs import write_thread_outputs

    thread_id = mapped.amap.threads[0].id
    done = write_thread_outputs(mapped.amap, mapped.analysis, out / "maps", options, thread_id)
    for refused in done.refused:
        if not isinstance(refused.error, OutputError):
            raise refused.error
    written = [path.relative_to(out.resolve()).as_posix() for path in done.written]
    row = {"action": "left_out", "line": 0, "byte_offset": None, "post_id": None,
           "thread_id": thread_id}
    for failure in done.failures:
        problems.append({
            **row, "code": "dot_missing" if failure.missing_dot else "map_not_drawn", "path": "",
            "message": f"could not draw {failure.what} of thread {thread_id} "
                       f"(maps/{safe_filename(thread_id, suffix=failure.key)}): "
                       f"{failure.reason}"})
    for refused in done.refused:
        shown = f"maps/{refused.path.name}"
        problems.append({**row, "code": "output_not_written", "path": shown,
                         "message": f"could not write {shown} of thread {thread_id}: "
                                    f"{_reason(refused, out)}"})
    return written


def _reason(refused: Refused, out: Path) -> str:
    """Why an output could not be written: the ``OSError`` under ``write_atomic``'s error
    (whose message names the absolute path, which the row has already), with the path it
    names when that is not the output itself (``File exists: maps``: a file where the maps
    folder goes), else the error."""
    cause = refused.error.__cause__
    if not isinstance(cause, OSError):
        return str(refused.error)
    why = cause.strerror or str(cause)
    where = Path(str(cause.filename)) if cause.filename is not None else None
    if where is None or where.name.startswith(f".{refused.path.name}."):  # the output's temp
        return why
    try:
        return f"{why}: {where.resolve().relative_to(out.resolve()).as_posix()}"
    except ValueError:
        return f"{why}: {where}"


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


def _map_with_quarantine(key: str, entries: list[Entry], excluded: frozenset[str],
                         topics: CorpusTopics, options: Options, poison: frozenset[str],
                         quarantined: list[dict[str, Any]],
                         first: tuple[Thread, Prepared | None] | None = None
                         ) -> MappedThread | None:
    """Map the thread; while mapping raises, find one record to blame, quarantine it, retry.
    A thread that still fails after ``MAX_POISON`` records is quarantined whole (None).
    ``first`` (the thread as assembled, its segmentation and topics) serves the first try
    only: a retry maps the thread without the blamed record."""
    excluded = excluded & {e.post.id for e in entries}
    if all(e.post.id in excluded for e in entries):
        return None  # every record of the thread is quarantined: no thread left
    reason = ""
    for _ in range(MAX_POISON):
        thread, prepared = first or (assemble_thread(key, entries, excluded), None)
        try:
            return map_thread(thread, topics, options, poison, prepared)
        except ArgmapError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the corpus
            reason = f"{type(exc).__name__}: {exc}"[:300]
            culprit = bisect(entries, excluded, lambda ids: _fails(key, entries, ids, topics,
                                                                   options, poison))
            quarantined.append(quarantine_row(culprit, key, f"mapping raised {reason}"))
            excluded = excluded | {culprit.post.id}
            first = None
    quarantined.extend(quarantine_row(e, key, f"the thread cannot be mapped ({reason})")
                       for e in entries if e.post.id not in excluded)
    return None


def _fails(key: str, entries: list[Entry], keep: frozenset[str], topics: CorpusTopics,
           options: Options, poison: frozenset[str]) -> bool:
    others = frozenset(e.post.id for e in entries) - keep
    try:
        map_thread(assemble_thread(key, entries, others), topics, options, poison)
    except ArgmapError:
        raise
    except Exception:  # noqa: BLE001 - a probe: failing is its answer
        return True
    return False


def bisect(entries: list[Entry], excluded: frozenset[str],
           fails: Callable[[frozenset[str]], bool]) -> Entry:
    """The one record, among those not excluded, whose presence makes ``fails`` true:
    halve the suspects, keep the half that still fails (the other half otherwise)."""
    suspects = [e for e in entries if e.post.id not in excluded]
    while len(suspects) > 1:
        half = suspects[: len(suspects) // 2]
        suspects = half if fails(frozenset(e.post.id for e in half)) else suspects[len(half):]
    return suspects[0]


def quarantine_row(entry: Entry, thread_id: str, reason: str) -> dict[str, Any]:
    post = entry.post
    return {"code": "quarantined", "action": "quarantined", "message": reason,
            "path": post.source.path, "line": post.source.line, "byte_offset": entry.offset,
            "post_id": post.id, "thread_id": thread_id}


class Summary:
    """What the corpus report needs from a task, bounded whatever the task's size."""

    def __init__(self, top: int = REPORT_TOP) -> None:
        self.top = top
        self.largest: list[tuple[Any, ...]] = []
        self.contested_threads: list[tuple[Any, ...]] = []
        self.contested: dict[str, list[tuple[Any, ...]]] = {}
        self.typical: dict[str, list[tuple[Any, ...]]] = {}
        self.topic_claims: dict[str, int] = {}
        self.topic_threads: dict[str, int] = {}

    def add(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        (tid, title, _url, _src, posts, _authors, claims, _rel, attacks, _sup, contested,
         _camps, _first, _last) = rows["threads"][0]
        entry = (tid, title, posts, claims, attacks, contested)
        _push(self.largest, (posts, _neg(tid)), entry, self.top)
        _push(self.contested_threads, (attacks, _neg(tid)), entry, self.top)
        seen = set()
        for (cid, _pid, thread, _author, topic, sim, _role, _s, _e, _c, _st, is_contested,
             _un, att, sup, text) in rows["claims"]:
            self.topic_claims[topic] = self.topic_claims.get(topic, 0) + 1
            seen.add(topic)
            if is_contested:
                item = (topic, cid, thread, att, sup, text[:400])
                _push(self.contested.setdefault(topic, []), (att + sup, att, _neg(cid)), item,
                      REPORT_TOP)
            heap = self.typical.setdefault(topic, [])
            # a full heap takes a claim only if its key beats the smallest, which needs at
            # least its similarity: most claims are turned away before their key is made
            if len(heap) < REPORT_TOP or sim >= heap[0][0][0]:
                _push(heap, (sim, _neg(cid)), (cid, text[:400], sim), REPORT_TOP)
        for topic in seen:
            self.topic_threads[topic] = self.topic_threads.get(topic, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {"largest": _items(self.largest), "contested_threads": _items(
            self.contested_threads), "contested": {t: _items(v) for t, v in
                                                   sorted(self.contested.items())},
                "typical": {t: _items(v) for t, v in sorted(self.typical.items())},
                "topic_claims": dict(sorted(self.topic_claims.items())),
                "topic_threads": dict(sorted(self.topic_threads.items()))}


def _neg(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse, so ``heapq`` keeps ties by the smallest id."""
    return (*map(neg, map(ord, text)), 1)


def _push(heap: list[tuple[Any, ...]], key: tuple[Any, ...], item: tuple[Any, ...],
          size: int) -> None:
    if len(heap) < size:
        heapq.heappush(heap, (key, item))
    elif key > heap[0][0]:
        heapq.heapreplace(heap, (key, item))


def _items(heap: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(item) for _, item in sorted(heap, reverse=True)]

