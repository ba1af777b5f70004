"""``argmap inspect`` of a dump: records, posts, threads and problems counted as they stream.

``inspect`` answers "what is in this file?" before a run, and the file a researcher asks it of
first is a month of Reddit comments. Read as ``map`` reads a thread file, such a dump was held
whole: 1M posts took ~2.7 GB and a real month (hundreds of GB decompressed) was refused by
``read.max_input_bytes``. Here a file larger than ``SURVEY_ABOVE`` that ``argmap batch`` can
stream (JSON Lines, Pushshift/Arctic Shift NDJSON, HN items, JSON arrays and objects wrapping
one, ConvoKit corpora) is read record by record with the same mappers and problems as
``batch``. Each kept post goes to a spill on disk as a stub without its text
(``survey_repairs``), and the threads are then assembled from it bucket by bucket as
``batch`` assembles them, so a surveyed file's records, posts, skipped records (file, line,
byte offset), threads and reply-tree repairs (orphans, cycles, self-replies, duplicate ids)
are those ``batch`` finds, in bounded memory. Records that do not name their thread keep their
id and parent until the end of their file (the rule ``readers.jsonl.assemble`` uses), as in
``batch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from argmap.corpus.byte_stream import ByteStream
from argmap.corpus.records import LineFormat, format_of, iter_records, line_format
from argmap.corpus.survey_repairs import RepairSpill, bucket_count
from argmap.errors import InputError, MissingInput
from argmap.model import Problem
from argmap.options import ReadOptions
from argmap.readers import FORMATS
from argmap.readers.inputs import expand_inputs
from argmap.readers.jsonl import _roots
from argmap.readers.result import SourceInfo, Tally

SURVEY_ABOVE = 64 << 20  # raw bytes: a larger streamable file is surveyed, not read whole


@dataclass(frozen=True, slots=True)
class ThreadCount:
    id: str
    title: str | None
    posts: int


@dataclass(frozen=True, slots=True)
class Survey(Tally):
    """What ``inspect`` shows, with ``ReadResult``'s counts (``readers.check_budget`` judges
    it alike); ``streamed``: the files counted as a stream."""

    threads: tuple[ThreadCount, ...]
    problems: tuple[Problem, ...]
    records_in: int
    posts_kept: int
    sources: tuple[SourceInfo, ...]
    streamed: tuple[str, ...]


def wants_survey(paths: Sequence[Path]) -> bool:
    """Whether any input is a file (or ConvoKit folder) too large to read whole for a look."""
    return any(_raw_size(item.path) > SURVEY_ABOVE for item in expand_inputs(paths).files)


def _codec(path: Path) -> str | None:
    with ByteStream(path) as stream:
        return stream.codec


def _raw_size(path: Path) -> int:
    target = path / "utterances.jsonl" if path.is_dir() else path
    return target.stat().st_size if target.is_file() else 0


def _estimate(path: Path) -> int:
    """The decompressed size of a file to stream, roughly (a compressed one counts 8x)."""
    return _raw_size(path) * (1 if path.is_dir() or _codec(path) is None else 8)


class _Counter:
    def __init__(self, buckets: int) -> None:
        self.posts: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.records_in = 0
        self.kept = 0
        self.buckets = buckets
        self.spill: RepairSpill | None = None

    def repairs(self) -> RepairSpill:
        """The spill of streamed posts (made at the first streamed file)."""
        if self.spill is None:
            self.spill = RepairSpill(self.buckets)
        return self.spill

    def add(self, thread: str, posts: int, title: str | None) -> None:
        self.posts[thread] = self.posts.get(thread, 0) + posts
        if title and thread not in self.titles:
            self.titles[thread] = title
        self.kept += posts


def survey(paths: Sequence[Path], options: ReadOptions) -> Survey:
    """Count every input: streamable files over ``SURVEY_ABOVE`` record by record, the rest
    read whole by their reader (threads, repairs and all), as ``read_threads`` reads them."""
    inputs = expand_inputs(paths)
    big = [item.path for item in inputs.files if _raw_size(item.path) > SURVEY_ABOVE]
    counter = _Counter(bucket_count(sum(_estimate(path) for path in big)))
    counter.problems.extend(inputs.problems)
    sources: list[SourceInfo] = []
    streamed: list[str] = []
    for item in inputs.files:
        before_in, before_kept = counter.records_in, counter.kept
        try:
            name = format_of(item.path, options)
            fmt = (line_format(item.path, name, options)
                   if _raw_size(item.path) > SURVEY_ABOVE else None)
            if fmt is None:
                _read_whole(item.path, name, options, counter)
                posts = counter.kept - before_kept
            else:  # its posts are counted when its threads are assembled, below
                posts = _stream(item.path, fmt, options, counter)
                streamed.append(str(item.path))
        except InputError as exc:
            if item.named or isinstance(exc, MissingInput):
                raise
            counter.problems.append(Problem(exc.code, f"file skipped: {exc.detail}",
                                            str(item.path), exc.line or 0, exc.byte_offset))
            continue
        codec = None if item.path.is_dir() else _codec(item.path)
        sources.append(SourceInfo(str(item.path), name, codec, counter.records_in - before_in,
                                  posts))
    if counter.spill is not None:
        for thread in counter.spill.threads():
            counter.add(thread.id, len(thread.posts), thread.title)
            counter.problems.extend(thread.problems)
    if not sources:
        first = counter.problems[0] if counter.problems else None
        raise InputError("no file could be read as a thread"
                         + (f"; first: {first.path}: {first.message}" if first else ""),
                         ", ".join(str(p) for p in paths), code="empty_input")
    threads = tuple(ThreadCount(key, counter.titles.get(key), count)
                    for key, count in sorted(counter.posts.items()))
    return Survey(threads, tuple(counter.problems), counter.records_in, counter.kept,
                  tuple(sources), tuple(streamed))


def _read_whole(path: Path, name: str, options: ReadOptions, counter: _Counter) -> None:
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}", path, code="unknown_format")
    result = FORMATS[name](path, options)
    counter.records_in += result.records_in
    counter.problems.extend(result.problems)
    for thread in result.threads:
        counter.add(thread.id, len(thread.posts), thread.title)


def _stream(path: Path, fmt: LineFormat, options: ReadOptions, counter: _Counter) -> int:
    """One file record by record into the repair spill: keyed posts at once, keyless ones at
    the end of the file, placed by the reply-root rule (only their ids and parents are kept
    in memory). Returns how many records became posts (before duplicates are dropped)."""
    spill = counter.repairs()
    parents: dict[str, str | None] = {}
    keyed = threaded = False
    problems: list[Problem] = []
    records = mapped = 0
    with ByteStream(fmt.source or path) as stream:
        try:
            for record in iter_records(stream, fmt, options, problems):
                records += 1
                if record is None:
                    continue
                mapped += 1
                post = record.draft.post
                if record.draft.thread_key:
                    keyed = True
                    spill.add(record.draft.thread_key, post, record.offset, record.line,
                              fmt.title)
                else:
                    threaded = threaded or post.reply_to is not None
                    parents[post.id] = post.reply_to
                    spill.wait(post, record.offset, record.line)
        except InputError as exc:  # damaged compressed data: what was read before it counts
            problems.append(Problem(exc.code, f"{exc.detail}; {records:,} records before the "
                                    "damage were read", str(exc.path or path), exc.line or 0,
                                    exc.byte_offset))
    counter.records_in += records
    counter.problems.extend(problems)
    counter.problems.extend(fmt.notes)
    roots = _roots(parents) if threaded and not keyed else {}
    spill.place_waiting({
        post_id: (fmt.file_thread if keyed or not threaded
                  else f"{fmt.file_thread}:{roots[post_id].split(':', 1)[-1]}")
        for post_id in parents})
    return mapped
