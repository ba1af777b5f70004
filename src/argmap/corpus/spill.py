"""Spill files: the posts of a corpus, grouped by a hash of their thread id, on disk.

Why: a dump is in time order, so a thread's posts are spread over the whole file; it can be
mapped only when all of them are together, and the corpus does not fit in memory. One pass
writes every post to the bucket its thread id hashes to; a bucket then holds whole threads and
is mapped on its own.

Buckets are ranges of a 64-bit hash (bucket = hash * buckets >> 64), not residues, so the
buckets in index order are the threads in (hash, thread id) order: tables made bucket after
bucket come out in one order whatever the number of buckets or tasks. One spill line is one
post as a JSON array (``encode``/``decode``), with the thread id, the byte offset of its record
and, for whole-file formats, the thread's title and URL.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import OutputError
from argmap.model import Post, Quote, SourceRef, Thread
from argmap.readers.reply_tree import build_thread

FLUSH_BYTES = 1 << 18


def thread_hash(thread_id: str) -> int:
    """A stable 64-bit hash of a thread id (the same on every machine and run)."""
    digest = hashlib.blake2b(thread_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def bucket_of(thread_id: str, buckets: int) -> int:
    return (thread_hash(thread_id) * buckets) >> 64


@dataclass(frozen=True, slots=True)
class Entry:
    """One spilled post: its thread id, the post, where its record began, thread metadata,
    and the line its record began on when the post does not say it (an element of a JSON
    array is on "line 0" in its post, as ``argmap map`` has it, but a duplicate is named by
    its line)."""

    thread_id: str
    post: Post
    offset: int | None = None
    thread_title: str | None = None
    thread_url: str | None = None
    line: int = 0


def encode(entry: Entry) -> bytes:
    p = entry.post
    row = [entry.thread_id, p.id, p.text, p.author, p.reply_to, p.created, p.source.path,
           p.source.line, p.source.end_line, p.source.url, list(p.flags), p.score, p.title,
           [[q.text, q.post_id] for q in p.quotes], entry.offset, entry.thread_title,
           entry.thread_url]
    if entry.line and entry.line != p.source.line:
        row.append(entry.line)
    return orjson.dumps(row) + b"\n"


def decode(line: bytes) -> Entry:
    (thread_id, pid, text, author, reply_to, created, path, line_no, end_line, url, flags,
     score, title, quotes, offset, thread_title, thread_url, *record_line) = orjson.loads(line)
    post = Post(id=pid, thread_id=thread_id, text=text, author=author, reply_to=reply_to,
                created=created, source=SourceRef(path, line_no, end_line, url),
                quotes=tuple(Quote(t, q) for t, q in quotes), flags=tuple(flags), score=score,
                title=title)
    return Entry(thread_id, post, offset, thread_title, thread_url,
                 record_line[0] if record_line else 0)


def bucket_name(index: int) -> str:
    return f"bucket-{index:05d}.jsonl"


class SpillWriter:
    """Appends entries to bucket files, buffered; hashes each file's bytes as they are written.

    ``close`` fsyncs every file and returns per bucket (posts, bytes, sha256), the checksums
    the manifest keeps so a resume can tell a complete spill from a torn one."""

    def __init__(self, folder: Path, buckets: int) -> None:
        self.folder = folder
        self.buckets = buckets
        folder.mkdir(parents=True, exist_ok=True)
        self._buffers: list[list[bytes]] = [[] for _ in range(buckets)]
        self._sizes = [0] * buckets
        self._handles: dict[int, object] = {}
        self.posts = [0] * buckets
        self.bytes = [0] * buckets
        self._hashes = [hashlib.sha256() for _ in range(buckets)]
        for index in range(buckets):  # start empty: a new run never appends to an old spill
            _write(folder / bucket_name(index), b"", "wb")

    def add(self, entry: Entry, bucket: int | None = None) -> None:
        index = bucket_of(entry.thread_id, self.buckets) if bucket is None else bucket
        data = encode(entry)
        self._buffers[index].append(data)
        self._sizes[index] += len(data)
        self.posts[index] += 1
        if self._sizes[index] >= FLUSH_BYTES:
            self._flush(index)

    def _flush(self, index: int) -> None:
        data = b"".join(self._buffers[index])
        if not data:
            return
        _write(self.folder / bucket_name(index), data, "ab")
        self._hashes[index].update(data)
        self.bytes[index] += len(data)
        self._buffers[index].clear()
        self._sizes[index] = 0

    def close(self) -> list[dict[str, Any]]:
        for index in range(self.buckets):
            self._flush(index)
        for index in range(self.buckets):
            _fsync(self.folder / bucket_name(index))
        return [{"bucket": i, "posts": self.posts[i], "bytes": self.bytes[i],
                 "sha256": self._hashes[i].hexdigest()} for i in range(self.buckets)]


def _write(path: Path, data: bytes, mode: str) -> None:
    try:
        with open(path, mode) as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_entries(paths: Iterable[Path]) -> Iterator[Entry]:
    for path in paths:
        with open(path, "rb") as handle:
            for line in handle:
                yield decode(line)


def group_threads(entries: Iterable[Entry]) -> list[tuple[str, list[Entry]]]:
    """Entries by thread id, threads in (hash, id) order, each thread's posts in input order."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.thread_id, []).append(entry)
    return [(key, groups[key]) for key in sorted(groups, key=lambda k: (thread_hash(k), k))]


def assemble_thread(thread_id: str, entries: list[Entry], excluded: frozenset[str] = frozenset()
                    ) -> Thread:
    """The thread of these entries, as the readers assemble one (``readers.jsonl.assemble``):
    posts given the thread id, the title of the first root post with one (or the title a
    whole-file reader gave), the reply tree repaired by ``build_thread``. ``excluded`` post
    ids (quarantined records) are left out as if they had never been there."""
    kept = [e for e in entries if e.post.id not in excluded]
    posts = [replace(e.post, thread_id=thread_id) for e in kept]
    title = next((e.thread_title for e in entries if e.thread_title), None)
    if title is None:
        title = next((p.title for p in posts if p.reply_to is None and p.title), None)
    path = entries[0].post.source.path if entries else ""
    thread = build_thread(thread_id, title, posts, path, lambda i: (
        kept[i].post.source.path, kept[i].line or kept[i].post.source.line, kept[i].offset))
    url = next((e.thread_url for e in entries if e.thread_url), None)
    return replace(thread, url=url) if url else thread
