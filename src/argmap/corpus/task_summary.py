"""What the corpus report needs from a task: bounded heaps of its largest and most contested
threads and of the most contested and most typical claims per topic.

Why a module of its own: a task maps thousands of threads but the report shows fifty of each
list, so each task keeps only what could make the cut (``Summary``: heaps of ``REPORT_TOP``,
ties by the smallest id) and the runner merges the tasks' summaries into the corpus's; the
summaries of a corpus's parts merge into the summary of the whole (tested). Split from
``tasks`` in session 14.
"""

from __future__ import annotations

import heapq
from operator import neg
from typing import Any

REPORT_TOP = 50  # threads and claims kept per list for the corpus report


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
