"""A thread whose mapping raises, in the process: find the record to blame and map the rest.

Why a module of its own: one bad record must not stop a corpus run, and inside a task it can
be found without the runner: the thread's posts are halved (``bisect``) until one record is
found whose removal lets the rest map; that record is quarantined (listed with its file, line
and byte offset: ``quarantine_row``) and the thread mapped without it, up to ``MAX_POISON``
records before the thread itself is given up. A record that kills the process cannot be found
from inside it; the runner bisects those with probe tasks (``poison``, ``schedule``). Split
from ``tasks`` in session 14.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from argmap.corpus.spill import Entry, assemble_thread
from argmap.corpus.thread_map import MappedThread, Prepared, map_thread
from argmap.corpus.topic_model import CorpusTopics
from argmap.errors import ArgmapError
from argmap.model import Thread
from argmap.options import Options

MAX_POISON = 8  # records quarantined in one thread before the thread itself is given up


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
