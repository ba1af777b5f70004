"""``argmap inspect`` of a dump: records, posts, threads and problems counted as they stream.

``inspect`` answers "what is in this file?" before a run, and the file a researcher asks it of
first is a month of Reddit comments. Read as ``map`` reads a thread file, such a dump was held
whole: 1M posts took ~2.7 GB and a real month (hundreds of GB decompressed) was refused by
``read.max_input_bytes``. Here a file larger than ``SURVEY_ABOVE`` that ``argmap batch`` can
stream (JSON Lines, Pushshift/Arctic Shift NDJSON, HN items, JSON arrays and objects wrapping one, ConvoKit corpora) is
read record by record with the same mappers and problems as ``batch``, keeping only a count per
thread (and, for records that do not name their thread, their id and parent until the end of
their file, the rule ``readers.jsonl.assemble`` uses). What a stream cannot show are the
repairs found when a thread is assembled (orphans, reply cycles, duplicate ids): ``map`` and
``batch`` list them; a surveyed file's records, posts, skipped records (file, line, byte offset)
and threads are those ``batch`` finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from argmap.corpus.byte_stream import ByteStream
from argmap.corpus.records import LineFormat, format_of, iter_records, line_format
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


class _Counter:
    def __init__(self) -> None:
        self.posts: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.records_in = 0
        self.kept = 0

    def add(self, thread: str, posts: int, title: str | None) -> None:
        self.posts[thread] = self.posts.get(thread, 0) + posts
        if title and thread not in self.titles:
            self.titles[thread] = title
        self.kept += posts


def survey(paths: Sequence[Path], options: ReadOptions) -> Survey:
    """Count every input: streamable files over ``SURVEY_ABOVE`` record by record, the rest
    read whole by their reader (threads, repairs and all), as ``read_threads`` reads them."""
    inputs = expand_inputs(paths)
    counter = _Counter()
    counter.problems.extend(inputs.problems)
    sources: list[SourceInfo] = []
    streamed: list[str] = []
    for item in inputs.files:
        before_in, before_kept = counter.records_in, counter.kept
        try:
            name = format_of(item.path, options)
            fmt = line_format(item.path, name) if _raw_size(item.path) > SURVEY_ABOVE else None
            if fmt is None:
                _read_whole(item.path, name, options, counter)
            else:
                _stream(item.path, fmt, options, counter)
                streamed.append(str(item.path))
        except InputError as exc:
            if item.named or isinstance(exc, MissingInput):
                raise
            counter.problems.append(Problem(exc.code, f"file skipped: {exc.detail}",
                                            str(item.path), exc.line or 0, exc.byte_offset))
            continue
        codec = None if item.path.is_dir() else _codec(item.path)
        sources.append(SourceInfo(str(item.path), name, codec, counter.records_in - before_in,
                                  counter.kept - before_kept))
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


def _stream(path: Path, fmt: LineFormat, options: ReadOptions, counter: _Counter) -> None:
    """One file record by record: keyed posts counted at once, keyless ones placed at the end
    of the file by the reply-root rule (only their ids and parents are kept)."""
    parents: dict[str, str | None] = {}
    titles: dict[str, str] = {}
    keyed = threaded = False
    problems: list[Problem] = []
    records = 0
    with ByteStream(fmt.source or path) as stream:
        try:
            for record in iter_records(stream, fmt, options, problems):
                records += 1
                if record is None:
                    continue
                post = record.draft.post
                title = post.title if post.reply_to is None else None
                if record.draft.thread_key:
                    keyed = True
                    counter.add(record.draft.thread_key, 1, title)
                else:
                    threaded = threaded or post.reply_to is not None
                    parents[post.id] = post.reply_to
                    if title:
                        titles[post.id] = title
        except InputError as exc:  # damaged compressed data: what was read before it counts
            problems.append(Problem(exc.code, f"{exc.detail}; {records:,} records before the "
                                    "damage were read", str(exc.path or path), exc.line or 0,
                                    exc.byte_offset))
    counter.records_in += records
    counter.problems.extend(problems)
    counter.problems.extend(fmt.notes)
    roots = _roots(parents) if threaded and not keyed else {}
    for post_id in parents:
        key = (fmt.file_thread if keyed or not threaded
               else f"{fmt.file_thread}:{roots[post_id].split(':', 1)[-1]}")
        counter.add(key, 1, titles.get(post_id) if parents[post_id] is None else None)
