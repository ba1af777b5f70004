"""Records one at a time: the streaming side of the readers, for line-oriented formats.

A thread can be assembled only when all its posts are there, but a record of a line format
(JSON Lines, Pushshift/Arctic Shift NDJSON, Hacker News items one a line) says which thread it
belongs to on its own, or through its reply chain. So the corpus runner reads such files
record by record with the readers' own per-record mappers (the same field mapping, coercion,
markdown rendering and problem codes as ``argmap map``) and needs only each record's thread id.
A file holding one JSON array of posts or HN items (an export can be a dump-sized array) is
read the same way, element by element (``readers.json_array``), each record mapped exactly as
the whole-document reader maps it (line 0 and its index, so the same post ids); so is the
array of an object wrapping its posts (``{"posts": [...]}``, a forum export's shape: found by
``json_array.wrapping_array`` in a first pass that holds only keys), the members of an object
keyed by post id (``readers.json_members``), a Discourse topic's ``post_stream.posts`` and an
Algolia search response's ``hits`` (``readers.document_streams``). Formats whose unit is a
whole document (a Reddit thread JSON, LessWrong, Algolia trees, text) are read whole by their
reader instead: one such file is one or a few threads, never a dump. A ConvoKit corpus folder is its ``utterances.jsonl``, streamed.

Each problem names file, line and byte offset, exactly as ``readers.jsonl.iter_lines`` and
``read_records`` report them; every non-blank line is one record in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from argmap.corpus.byte_stream import ByteStream, iter_lines
from argmap.errors import InputError
from argmap.model import Problem
from argmap.options import ReadOptions
from argmap.readers import deep_json, sniff
from argmap.readers.array_records import WRAPPER_KEYS, broken_problem, parse_elements
from argmap.readers.convokit import corpus_parts
from argmap.readers.discourse import topic_mapper
from argmap.readers.document_streams import hits_at, topic_at
from argmap.readers.hn import _firebase_mapper, _hit_mapper
from argmap.readers.json_array import ArrayBroken, iter_elements, starts_with_array, wrapping_array
from argmap.readers.json_members import iter_members, keyed_posts
from argmap.readers.jsonl import Draft, Located, Mapper, generic_mapper
from argmap.readers.records import RecordError
from argmap.readers.reddit import _dump_mapper
from argmap.readers.source import RawLine as SourceLine
from argmap.readers.source import decode_line

SNIFF_BYTES = 1 << 16


@dataclass(frozen=True, slots=True)
class LineFormat:
    """How one line format maps a record: the reader's mapper and the thread of keyless posts
    (``file_thread`` of ``readers.jsonl.assemble``)."""

    name: str
    mapper: Mapper
    file_thread: str
    array: bool = False  # the file is one JSON array whose elements are the records
    wrapper: tuple[str, int] | None = None  # or the array under this key, at this byte
    keyed: bool = False  # the records are an object's members, keyed by id (``json_members``)
    source: Path | None = None  # the file to stream when it is not the input (ConvoKit)
    notes: tuple[Problem, ...] = ()  # what reading the input noted besides its records
    title: str | None = None  # the thread's title, from the document (a Discourse topic)


def line_format(path: Path, name: str, options: ReadOptions | None = None
                ) -> LineFormat | None:
    """The streaming form of reader ``name`` for ``path``, or None when it reads documents."""
    if name == "convokit":  # a corpus folder: its utterances.jsonl, one utterance a line
        try:
            utterances, mapper, file_thread, ignored = corpus_parts(path)
        except InputError:
            return None  # the reader says what is wrong
        return LineFormat(name, mapper, file_thread, source=utterances, notes=ignored)
    if not path.is_file():
        return None
    if name == "jsonl":
        return LineFormat(name, generic_mapper(path.stem), path.stem)
    if name == "reddit-ndjson":
        return LineFormat(name, _dump_mapper, f"reddit:{path.stem}")
    if name == "hn" and _hn_lines(path):
        return LineFormat(name, _firebase_mapper, "hn")
    if name in ("json", "hn") and _is_array(path):  # read_json / read_hn's list of items
        mapper = generic_mapper(path.stem) if name == "json" else _firebase_mapper
        return LineFormat(name, mapper, path.stem if name == "json" else "hn", array=True)
    if name == "hn":  # an Algolia search response: its hits, streamed
        hits = hits_at(lambda: _chunks(path), SNIFF_BYTES)
        if hits is not None:
            return LineFormat(name, _hit_mapper, "hn", array=True, wrapper=("hits", hits))
    if name == "discourse":  # a topic: post_stream.posts, streamed
        topic = topic_at(lambda: _chunks(path), path, SNIFF_BYTES)
        if topic is not None:
            return LineFormat(name, topic_mapper(topic.topic), f"discourse:{topic.topic}",
                              array=True, wrapper=("post_stream.posts", topic.at),
                              notes=topic.notes, title=topic.title)
    if name == "json":  # an object wrapping its posts, {"posts": [...]}: its array, streamed
        wrapper = _wrapper(path)
        if wrapper is not None:
            return LineFormat(name, generic_mapper(path.stem), path.stem, array=True,
                              wrapper=wrapper)
        keyed = _keyed(path, options or ReadOptions())  # {"<id>": {...}}, {"posts": {...}}
        if keyed is not None:
            return LineFormat(name, generic_mapper(path.stem), path.stem, array=True,
                              wrapper=keyed, keyed=True)
    return None


def _chunks(path: Path) -> Iterator[bytes]:
    """The decompressed content of ``path``, streamed once more."""
    with ByteStream(path) as stream:
        yield from stream.chunks()


def _keyed(path: Path, options: ReadOptions) -> tuple[str, int] | None:
    """Where the posts keyed by id of ``path`` are (``read_keyed``'s choice: passes that
    hold a member at a time); the wrapper key is "" for the file's own object."""
    found = keyed_posts(lambda: _chunks(path), WRAPPER_KEYS, dict(options.fields),
                        options.max_record_bytes)
    return None if found is None else (found[0] or "", found[1])


def _wrapper(path: Path) -> tuple[str, int] | None:
    """The key and byte offset of the array of posts an object wraps (``read_wrapped``'s
    choice), found in one pass that holds nothing but a key at a time."""
    with ByteStream(path) as stream:
        return wrapping_array(stream.chunks(), WRAPPER_KEYS, SNIFF_BYTES)


def _head(path: Path) -> bytes:
    """The first bytes of the content (damage further on is the stream's to report)."""
    head = b""
    with ByteStream(path) as stream:
        try:
            for chunk in stream.chunks():
                head += chunk
                if len(head) >= SNIFF_BYTES:
                    break
        except InputError:
            pass
    return head


def _is_array(path: Path) -> bool:
    return starts_with_array(_head(path))


def format_of(path: Path, options: ReadOptions) -> str:
    return options.format if options.format != "auto" else sniff(path)


def _hn_lines(path: Path) -> bool:
    """Hacker News items one per line (``read_hn``'s test), not a tree or a list."""
    stripped = _head(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    first, _, rest = stripped.partition(b"\n")
    if not (stripped.startswith(b"{") and rest.strip()):
        return False
    try:
        return isinstance(deep_json.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


@dataclass(frozen=True, slots=True)
class Record:
    """A record that became a post draft, and where its line began."""

    draft: Draft
    line: int
    offset: int


def iter_records(stream: ByteStream, fmt: LineFormat, options: ReadOptions,
                 problems: list[Problem]) -> Iterator[Record | None]:
    """Every record of the stream: a ``Record``, or None for one that was skipped (its
    problem appended to ``problems``). Blank lines are not records."""
    shown = str(stream.path)
    if fmt.array:
        yield from _array_records(stream, fmt, options, problems)
        return
    for raw in iter_lines(stream.chunks(), options.max_record_bytes):
        if raw.data is None:
            problems.append(Problem("record_too_large", f"record of {raw.size} bytes is over "
                                    f"read.max_record_bytes={options.max_record_bytes}",
                                    shown, raw.number, raw.offset))
            yield None
            continue
        if not raw.data.strip():
            continue
        if raw.torn:  # as ``readers.jsonl.iter_lines``: cut off even when what is left parses
            problems.append(Problem("truncated_record", "record cut off where the damaged "
                                    "data ends", shown, raw.number, raw.offset))
            yield None
            continue
        yield _record(SourceLine(raw.number, raw.offset, raw.data, ended=raw.ended), shown, fmt,
                      options, problems)


def _array_records(stream: ByteStream, fmt: LineFormat, options: ReadOptions,
                   problems: list[Problem]) -> Iterator[Record | None]:
    """The records of a file holding one JSON array, each placed by its line and byte offset
    and parsed and mapped as ``argmap map`` does (``readers.array_records``: the same post ids,
    the same problems; a break in the array's structure is a record lost, as there). After a
    break the rest of a compressed stream is still decoded, so that damage further on (a
    file cut short) is reported as ``map``, which decodes the file whole, reports it."""
    shown = str(stream.path)
    chunks = stream.chunks()
    key, at = fmt.wrapper if fmt.wrapper is not None else (None, None)
    under: tuple[str, ...] = () if key is None else tuple(key.split("."))
    if fmt.keyed:  # members of an object keyed by id; the file's own object when key is ""
        key, at = (key, at) if key else (None, None)
        elements = iter_members(chunks, options.max_record_bytes, at)
    else:
        elements = iter_elements(chunks, options.max_record_bytes, at)
    read = 0
    try:
        for element, where in parse_elements(elements, shown, options, problems, under):
            read += 1
            if where.record is None and where.pointer is None:  # reported already
                yield None
            else:
                yield _mapped(where, element.line, element.offset, shown, fmt, options,
                              problems)
    except ArrayBroken as exc:
        problems.append(broken_problem(exc, shown, read, fmt.keyed))
        yield None  # the break is a record lost, as ``argmap map`` counts it
        if stream.codec is not None:  # damage further on is reported, as ``map`` reports it
            for _ in chunks:
                pass


def _record(line: SourceLine, shown: str, fmt: LineFormat, options: ReadOptions,
            problems: list[Problem]) -> Record | None:
    text, problem = decode_line(line, shown)
    if problem is not None:
        problems.append(problem)
        return None
    try:
        record = deep_json.loads(text or "")
    except (orjson.JSONDecodeError, RecursionError) as exc:
        if line.ended or not (isinstance(exc, orjson.JSONDecodeError)
                              and deep_json.ends_early(exc)):
            problems.append(Problem(deep_json.problem_code(exc),
                                    f"invalid JSON ({str(exc)[:120]})", shown,
                                    line.number, line.offset))
        else:  # the last line, without its newline: cut off, as ``argmap map`` says
            problems.append(Problem("truncated_record", "last record cut off (the file ends "
                                    "inside it, with no newline)", shown, line.number,
                                    line.offset))
        return None
    return _mapped(Located(line.number, line.offset, record), line.number, line.offset, shown,
                   fmt, options, problems)


def _mapped(where: Located, line: int, offset: int, shown: str, fmt: LineFormat,
            options: ReadOptions, problems: list[Problem]) -> Record | None:
    """A parsed record through the reader's mapper; problems placed at ``line`` / ``offset``."""
    record = where.record
    if not isinstance(record, dict):
        problems.append(Problem("wrong_type", f"record is {type(record).__name__}, expected "
                                "an object", shown, line, offset))
        return None
    try:
        draft = fmt.mapper(record, where, shown, options)
    except RecordError as exc:
        problems.append(Problem(exc.code, str(exc), shown, line, offset))
        return None
    if len(draft.post.text) > options.max_text_chars:
        problems.append(Problem("text_too_long", f"text of {len(draft.post.text):,} characters "
                                "is over read.max_text_chars", shown, line, offset,
                                draft.post.id))
        return None
    return Record(draft, line, offset)
