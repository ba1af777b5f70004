"""The reply-tree repairs of a streamed dump, found as ``argmap batch`` finds them, on disk.

``inspect`` of a dump counted records, posts and threads as they streamed but could not show
the repairs found when a thread is assembled (orphan replies, reply cycles, self-replies,
duplicate ids): they need a thread's posts all at once, and a month of Reddit comments spreads
its threads over the whole file. Kept in memory, the ids and parents of every post of a month
(~100M) would take gigabytes. So each kept post goes, as a stub (ids, parent, time, title,
place: no text), to a spill bucket chosen by a hash of its thread id, exactly as ``batch``
partitions posts (``corpus.spill``), and each bucket is then assembled thread by thread with
``batch``'s own ``assemble_thread``: the same repairs, the same posts kept after duplicates,
the same titles. Memory is one bucket at a time (``BUCKET_BYTES`` of decompressed input per
bucket, ~15 MB of stubs) plus the largest thread, as in ``batch``; the disk holds ~12% of
the decompressed input, in a temporary folder removed at the end.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from argmap.corpus.spill import (
    Entry,
    SpillWriter,
    assemble_thread,
    bucket_name,
    decode,
    encode,
    group_threads,
    read_entries,
)
from argmap.model import Post, Thread

BUCKET_BYTES = 128 << 20  # decompressed input per bucket (a compressed file counts 8x)
MAX_BUCKETS = 4096


def bucket_count(estimated_bytes: int) -> int:
    """Buckets for an input of about ``estimated_bytes`` decompressed."""
    return min(MAX_BUCKETS, max(8, estimated_bytes // BUCKET_BYTES + 1))


def stub(post: Post) -> Post:
    """What a repair depends on: the post without its text and quotes."""
    return replace(post, text="", quotes=())


class RepairSpill:
    """Stub posts by thread, spilled to buckets; ``threads`` assembles them bucket by bucket."""

    def __init__(self, buckets: int) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="argmap-inspect-")
        self._root = Path(self._folder.name)
        self._writer = SpillWriter(self._root / "buckets", buckets)
        self._pending: Path | None = None

    def add(self, thread_id: str, post: Post, offset: int | None = None, line: int = 0,
            title: str | None = None) -> None:
        """A post of a known thread; its record's byte offset and line name a duplicate;
        ``title``: its thread's, when the document says it (a Discourse topic)."""
        self._writer.add(Entry(thread_id, stub(post), offset, title, line=line))

    def wait(self, post: Post, offset: int | None = None, line: int = 0) -> None:
        """A post whose thread is known only at the end of its file (no thread field)."""
        if self._pending is None:
            self._pending = self._root / "pending.jsonl"
        with open(self._pending, "ab") as handle:
            handle.write(encode(Entry("", stub(post), offset, line=line)))

    def place_waiting(self, thread_of: dict[str, str]) -> None:
        """The waiting posts into their threads (by post id), in the order they came."""
        if self._pending is None:
            return
        with open(self._pending, "rb") as handle:
            for line in handle:
                entry = decode(line)
                self._writer.add(replace(entry, thread_id=thread_of[entry.post.id]))
        self._pending.unlink()
        self._pending = None

    def threads(self) -> Iterator[Thread]:
        """Every thread, assembled and repaired as ``batch`` assembles it; then the spill is
        removed."""
        try:
            self._writer.close()
            for index in range(self._writer.buckets):
                path = self._root / "buckets" / bucket_name(index)
                for key, entries in group_threads(read_entries([path])):
                    yield assemble_thread(key, entries)
                path.unlink()
        finally:
            self._folder.cleanup()
