"""The topic model's sample: segmented once, and kept for the map step.

Why: the corpus topic model is fitted in the main process before any thread is mapped, on the
first threads in (hash, id) order (``topic_model``): at 10k posts the sample is ~4,700 posts,
and the map step then segmented the same threads again. Each segmented sample thread is kept
(``remember``) so that mapping it later in a forked worker reuses it (``segmented``):
segmentation is a pure function of the thread's posts and the segment options, and the posts
are compared whole. (Segmenting the sample in forked workers was tried: sending the segmented
threads back cost the main process about what the workers saved it, and 2 CPU s more in all
at 10k posts.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def sample_threads(spill: Path, buckets: int, options: Options, excluded: frozenset[str]
                   ) -> Iterator[Segmented]:
    """The threads of buckets 0, 1, ... in (hash, id) order, each segmented when the caller
    asks for it (the caller stops when it has enough), with its context stems."""
    from argmap.corpus.topic_model import context_stems

    for index in range(buckets):
        for key, entries in group_threads(read_entries([spill / bucket_name(index)])):
            thread = assemble_thread(key, entries, excluded)
            claims, dropped = segment((thread,), options.segment)
            yield Segmented(thread, claims, dropped,
                            context_stems(claims, options.cluster.post_context))
