"""One pass over the inputs: every record becomes a post in the spill bucket of its thread.

Line formats are streamed record by record (``records``); a record whose thread is not in the
record itself (JSON Lines without a thread field, Hacker News items) waits in a per-file
pending file with only its id and parent kept in memory, and joins its thread when the file
ends, by the rule ``readers.jsonl.assemble`` uses: the file's thread when other records of the
file name theirs, else the root of its reply chain, else the whole file. Document formats are
read whole by their reader and their threads spilled. Every record is counted: ``records_in``
= spilled + skipped, with each skipped record a problem naming file, line and byte offset.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from argmap.corpus.byte_stream import ByteStream
from argmap.corpus.records import LineFormat, format_of, iter_records, line_format
from argmap.corpus.spill import Entry, SpillWriter, encode, read_entries
from argmap.errors import InputError, plural
from argmap.model import Problem
from argmap.options import ReadOptions
from argmap.readers import FORMATS
from argmap.readers.codecs import DAMAGE_CODES
from argmap.readers.jsonl import _roots
from argmap.readers.reply_tree import orphan_target, with_named_parents
from argmap.readers.result import REPAIRS, is_loss

# Problems that repair or describe a record that is still mapped; every other problem of a
# record means it was skipped.
REPAIRED = REPAIRS - {"more_replies"}  # readers.result: repairs that lose nothing
NOTED = frozenset({"more_replies"})
# part of a file, or a whole file found in a folder, left unread: not records, but a loss
LEFT_OUT = DAMAGE_CODES
FILE_LEVEL = frozenset({"empty_input"})
Progress = Callable[[int, int, int], None]  # records read, raw bytes read, raw bytes in all


def action_of(code: str) -> str:
    if code in LEFT_OUT:
        return "left_out"
    if code in REPAIRED:
        return "repaired"
    if code in NOTED or code in FILE_LEVEL:
        return "noted"
    return "skipped"


def walk_row(problem: Problem) -> dict[str, Any]:
    """An entry the folder walk did not read: ``left_out`` when it could have held posts (a
    broken link, an unreadable file), ``noted`` when it is read another way (a loop, a
    duplicate)."""
    return problem_row(problem, "left_out" if is_loss(problem) else "noted")


def problem_row(problem: Problem, action: str | None = None,
                thread_id: str | None = None) -> dict[str, Any]:
    """A problem as a row of the problems table."""
    return {"code": problem.code, "action": action or action_of(problem.code),
            "message": problem.message, "path": problem.path, "line": problem.line,
            "byte_offset": problem.byte_offset, "post_id": problem.post_id,
            "thread_id": thread_id}


@dataclass
class Partitioned:
    """What the pass found: counts, problems (rows) and the spill buckets' checksums."""

    records_in: int = 0
    skipped: int = 0
    posts: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    buckets: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)


def _size(path: Path) -> int:
    """The bytes a pass over ``path`` reads (a ConvoKit folder: its utterances)."""
    utterances = path / "utterances.jsonl"
    if path.is_dir():
        return utterances.stat().st_size if utterances.is_file() else 0
    return path.stat().st_size if path.is_file() else 0


class _Pass:
    def __init__(self, files: Sequence[Path], options: ReadOptions, spill: Path, buckets: int,
                 progress: Progress | None, found_in_folders: frozenset[Path]) -> None:
        self.files, self.options, self.spill = files, options, spill
        self.found_in_folders = found_in_folders
        self.writer = SpillWriter(spill, buckets)
        self.result = Partitioned()
        self.progress = progress
        self.total_bytes = sum(_size(p) for p in files)
        self.done_bytes = 0
        self.last_report = 0.0

    def skip(self, problem: Problem) -> None:
        self.result.skipped += 1
        self.result.problems.append(problem_row(problem, "skipped"))
        if self.options.strict:
            raise InputError(f"{problem.message} (strict mode: fix the record, or drop "
                             "--strict to skip it)", problem.path, problem.line,
                             code=problem.code, byte_offset=problem.byte_offset)

    def report(self, consumed: int, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress and (force or now - self.last_report >= 0.5):
            self.last_report = now
            self.progress(self.result.records_in, self.done_bytes + consumed, self.total_bytes)

    def run(self) -> Partitioned:
        for path in self.files:
            try:
                self.read_file(path)
            except InputError as exc:
                if path not in self.found_in_folders:
                    raise
                # a file the folder walk found that is not a thread (a picture, a README
                # of another format): left out and listed, as ``argmap map`` does
                self.file_problem(InputError(f"file skipped: {exc.detail}", exc.path or path,
                                             exc.line, code=exc.code,
                                             byte_offset=exc.byte_offset), "left_out")
        self.result.buckets = self.writer.close()
        self.result.posts = sum(b["posts"] for b in self.result.buckets)
        return self.result

    def read_file(self, path: Path) -> None:
        fmt_name = format_of(path, self.options)
        if fmt_name not in FORMATS:
            raise InputError(f"unknown format {fmt_name!r}; known: "
                             f"{', '.join(sorted(FORMATS))}", path, code="unknown_format")
        fmt = line_format(path, fmt_name, self.options)
        before = self.result.records_in
        if fmt is not None:
            self.stream_file(path, fmt)
        else:
            self.read_whole(path, fmt_name)
        self.result.inputs.append({"path": str(path), "format": fmt_name,
                                   "records": self.result.records_in - before})
        self.done_bytes += _size(path)
        self.report(0, force=True)

    def stream_file(self, path: Path, fmt: LineFormat) -> None:
        problems: list[Problem] = []
        pending = self.spill / "pending.jsonl"
        parents: dict[str, str | None] = {}
        keyed = threaded = False
        records = 0
        with ByteStream(fmt.source or path) as stream, open(pending, "wb") as waiting:
            try:
                for record in iter_records(stream, fmt, self.options, problems):
                    records += 1
                    self.result.records_in += 1
                    if record is None:
                        self.skip(problems.pop())
                    else:
                        post = record.draft.post
                        if record.draft.thread_key:
                            keyed = True
                            self.writer.add(Entry(record.draft.thread_key, post, record.offset,
                                                  fmt.title, line=record.line))
                        else:
                            threaded = threaded or post.reply_to is not None
                            parents[post.id] = post.reply_to
                            waiting.write(encode(Entry("", post, record.offset,
                                                       line=record.line)))
                    if records % 2048 == 0:
                        self.report(stream.consumed)
            except InputError as exc:  # a truncated or corrupt compressed stream
                self.file_problem(InputError(
                    f"{exc.detail}; {records:,} records before the damage were read and kept",
                    exc.path, exc.line, code=exc.code, byte_offset=exc.byte_offset))
        if records == 0:
            self.file_problem(InputError("no records in this file", path, code="empty_input"))
        self.result.problems.extend(problem_row(note) for note in fmt.notes)
        self.place_waiting(pending, parents, fmt.file_thread, keyed, threaded)
        pending.unlink(missing_ok=True)

    def place_waiting(self, pending: Path, parents: dict[str, str | None], file_thread: str,
                      keyed: bool, threaded: bool) -> None:
        """Keyless posts into their threads, as ``readers.jsonl.assemble`` decides them."""
        if not parents:
            return
        roots = _roots(parents) if threaded and not keyed else {}
        for entry in read_entries([pending]):
            if keyed or not threaded:
                key = file_thread
            else:
                key = f"{file_thread}:{roots[entry.post.id].split(':', 1)[-1]}"
            self.writer.add(replace(entry, thread_id=key))

    def read_whole(self, path: Path, fmt_name: str) -> None:
        try:
            result = FORMATS[fmt_name](path, self.options)
        except InputError as exc:
            self.result.records_in += 1
            self.skip(Problem(exc.code, exc.detail, str(path), exc.line or 0, exc.byte_offset))
            return
        self.result.records_in += result.records_in
        kept = result.posts_kept
        skipped = max(0, result.records_in - kept)
        self.result.skipped += skipped
        # a thread's repairs name it, as those found when a streamed thread is assembled do
        owner = {problem: thread.id for thread in result.threads for problem in thread.problems}
        for problem in result.problems:  # an orphan is judged again when its thread is whole
            if orphan_target(problem) is None:
                self.result.problems.append(problem_row(problem,
                                                        thread_id=owner.get(problem)))
        if skipped and self.options.strict:
            first = next((p for p in result.problems if action_of(p.code) == "skipped"), None)
            raise InputError(f"skipped {skipped} records (strict mode)"
                             + (f"; first: {first.code}: {first.message}" if first else ""),
                             path, first.line if first else None, code="too_many_errors")
        if result.records_in == 0:
            self.file_problem(InputError("no records in this file", path, code="empty_input"))
        for thread in result.threads:  # its other files' posts may hold an orphan's parent
            for post in with_named_parents(thread):
                self.writer.add(Entry(thread.id, post, None, thread.title, thread.url))

    def file_problem(self, exc: InputError, action: str | None = None) -> None:
        problem = Problem(exc.code, exc.detail, str(exc.path or ""), exc.line or 0,
                          exc.byte_offset)
        self.result.problems.append(problem_row(problem, action))
        if self.options.strict:
            raise exc


def partition(files: Sequence[Path], options: ReadOptions, spill: Path, buckets: int,
              progress: Progress | None = None,
              found_in_folders: frozenset[Path] = frozenset()) -> Partitioned:
    """Stream ``files`` once into ``buckets`` spill files under ``spill``. A file in
    ``found_in_folders`` (not named by the user) that cannot be read is left out and listed;
    a named one that cannot be read fails the run."""
    return _Pass(files, options, spill, buckets, progress, found_in_folders).run()


def check_error_budget(records_in: int, skipped: int, posts: int, options: ReadOptions,
                       problems: Sequence[dict[str, Any]]) -> None:
    """The read budget of ``read_threads`` (``readers.check_budget``): more than
    ``max(read.max_errors_min, read.max_errors x records)`` skipped records fails the run, so
    one bad line in a small corpus is skipped and reported, never fatal; a corpus of which no
    record could be read fails whatever the budget."""
    allowed = max(options.max_errors_min, options.max_errors * records_in)
    if not skipped or (posts and skipped <= allowed):
        return
    why = ("no record could be read" if not posts else
           f"over the error budget: max(read.max_errors_min={options.max_errors_min}, "
           f"read.max_errors={options.max_errors:g} x {records_in:,} records)")
    first = next((p for p in problems if p["action"] == "skipped"), None)
    detail = f"; first: {first['code']}: {first['message']}" if first else ""
    raise InputError(f"skipped {skipped:,} of {plural(records_in, 'record')} ({why}){detail}; "
                     "fix the record(s), or allow more with --set read.max_errors=0.5",
                     first["path"] if first else None, first["line"] if first else None,
                     code="too_many_errors",
                     byte_offset=first["byte_offset"] if first else None)
