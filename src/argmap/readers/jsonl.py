"""JSON Lines and JSON (array, or ``{"posts": [...]}``) with a configurable field mapping.

The generic reader for "one object per post" data, and the engine under the Pushshift/Arctic
reddit dumps and ConvoKit utterances. A bad line never spoils its neighbours: bytes are split
on ``b"\\n"``, each line is decoded strictly and parsed with orjson (which rejects lone
surrogates and caps nesting depth), and every failure is a ``Problem`` with line and byte
offset. Threads come from the thread field, else from the roots of the reply tree, else the
whole file is one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from argmap.errors import InputError, plural
from argmap.model import Post, Problem, SourceRef, Thread
from argmap.options import ReadOptions
from argmap.readers import deep_json
from argmap.readers.array_records import WRAPPER_KEYS, read_array, read_keyed, read_wrapped
from argmap.readers.codecs import Damage
from argmap.readers.json_array import starts_with_array
from argmap.readers.json_places import Places
from argmap.readers.records import (
    Located,
    RecordError,
    as_id,
    as_optional_str,
    as_score,
    as_text,
    as_time,
    field_value,
    safe_url,
)
from argmap.readers.reply_tree import PlaceOf, build_thread
from argmap.readers.result import ReadResult
from argmap.readers.source import (
    RawLine,
    Source,
    damage_problem,
    decode_line,
    placed_document,
    read_content,
)


@dataclass(frozen=True, slots=True)
class Draft:
    """A post before thread assembly: the post and its thread key (None = decide by tree)."""

    post: Post
    thread_key: str | None


Mapper = Callable[[Mapping[str, object], Located, str, ReadOptions], Draft]


def iter_lines(lines: Iterable[RawLine], path: str, options: ReadOptions,
               problems: list[Problem],
               damage: Callable[[], Damage | None] = lambda: None) -> Iterator[Located]:
    """Parsed JSON lines; bad ones become problems (and still count as records).

    A last line without its newline whose text ends inside its value was cut off
    (``truncated_record``); one that is wrong before its end is ``invalid_json``;
    after damaged compressed data (``damage()``) it is cut off even when it parses."""
    for line in lines:
        if line.size == len(line.data) and not line.data.strip():
            continue
        if line.size > options.max_record_bytes:
            problems.append(Problem("record_too_large", f"record of {line.size:,} bytes is "
                                    f"over read.max_record_bytes={options.max_record_bytes:,}",
                                    path, line.number, line.offset))
            yield Located(line.number, line.offset, None)
            continue
        if not line.ended and damage() is not None:
            problems.append(Problem("truncated_record", "record cut off where the damaged "
                                    "data ends", path, line.number, line.offset))
            yield Located(line.number, line.offset, None)
            continue
        text, problem = decode_line(line, path)
        if problem is not None:
            problems.append(problem)
            yield Located(line.number, line.offset, None)
            continue
        try:
            record = deep_json.loads(text or "")
        except (orjson.JSONDecodeError, RecursionError) as exc:
            if line.ended or not (isinstance(exc, orjson.JSONDecodeError)
                                  and deep_json.ends_early(exc)):
                problems.append(Problem(deep_json.problem_code(exc),
                                        f"invalid JSON ({str(exc)[:120]})",
                                        path, line.number, line.offset))
            else:
                problems.append(Problem("truncated_record", "last record cut off (the file "
                                        "ends inside it, with no newline)", path,
                                        line.number, line.offset))
            yield Located(line.number, line.offset, None)
            continue
        yield Located(line.number, line.offset, record)


def read_lines(path: Path, options: ReadOptions, problems: list[Problem]) -> list[Located]:
    """Every line of ``path`` (decompressed, streamed) as a located record; damaged compressed
    data is reported with how many records were read before it, and those are kept."""
    shown = str(path)
    with Source(path) as source:
        stream = source.lines(options.max_record_bytes, options.max_input_bytes)
        located = list(iter_lines(stream, shown, options, problems, lambda: source.damage))
        if source.damage is not None:
            problems.append(damage_note(source.damage, shown, located, source.end_line))
    return located


def damage_note(damage: Damage, path: str, located: Sequence[Located], line: int) -> Problem:
    """The problem for damaged data under line records (the damage is on ``line``): where,
    and how many records before it were read."""
    before = sum(1 for where in located if where.line < line)
    if damage.kind == "trailing":
        return damage_problem(damage, path, line, damage.produced,
                              f"read the {plural(before, 'record')} before them")
    return damage_problem(damage, path, line, damage.produced,
                          f"kept the {plural(before, 'record')} read before it; whatever "
                          "followed it is lost")


def whole_document_records(document: object, path: Path,
                           at: tuple[str | int, ...] = ()) -> list[Located]:
    """Records of a JSON document: an array of posts, or an object with a list of posts
    (``at``: the JSON pointer of ``document`` inside the file's document)."""
    container: tuple[str | int, ...] = at
    if isinstance(document, dict):
        for key in WRAPPER_KEYS:
            if isinstance(document.get(key), list):
                document = document[key]
                container = (*at, key)
                break
        else:
            return [Located(0, None, document, at)]
    if not isinstance(document, list):
        raise InputError("is JSON but not a list of posts (expected [...] or {\"posts\": "
                         "[...]})", path, 1, code="unknown_shape")
    return [Located(0, None, record, (*container, index))
            for index, record in enumerate(document)]


def placed(where: Located, places: Places | None) -> tuple[int, int | None]:
    """Line and byte offset to report for a record: its own for a line, found by its pointer
    inside a whole document (0 and None when neither is known)."""
    if where.line or where.pointer is None or places is None:
        return where.line, where.offset
    return places.place_or_none(where.pointer)


def _keyless_id(where: Located) -> str:
    """The id of a record without one: ``L<line>`` for a line, ``R<n>`` for the n-th record of
    a whole document (where every record is on "line 0": one shared id would keep only the
    first post of an id-less array and report the rest as duplicates); the key of a post
    keyed by id (``{"1": {...}}``), whose own id, when it has one, wins."""
    if where.pointer and isinstance(where.pointer[-1], int):
        return f"R{where.pointer[-1] + 1}"
    if where.pointer and isinstance(where.pointer[-1], str):
        return where.pointer[-1]  # posts keyed by id (``json_members``): the key
    return f"L{where.line}"


def generic_mapper(stem: str) -> Mapper:
    """Map a record to a post through ``options.fields`` and the default field names."""

    def mapper(record: Mapping[str, object], where: Located, path: str,
               options: ReadOptions) -> Draft:
        fields = dict(options.fields)
        native = as_id(field_value(record, "id", fields), "id") or _keyless_id(where)
        parent = as_id(field_value(record, "reply_to", fields), "reply_to")
        text = as_text(field_value(record, "text", fields))
        thread = as_id(field_value(record, "thread", fields), "thread")
        post = Post(
            id=f"{stem}:{native}", thread_id="", text=text,
            author=as_optional_str(field_value(record, "author", fields)),
            reply_to=f"{stem}:{parent}" if parent else None,
            created=as_time(field_value(record, "created", fields)),
            source=SourceRef(path, where.line, where.line,
                             safe_url(field_value(record, "url", fields))),
            title=as_optional_str(field_value(record, "title", fields)),
            score=as_score(record.get("score")),
        )
        return Draft(post, f"{stem}:{thread}" if thread else None)

    return mapper


def _roots(parent: dict[str, str | None]) -> dict[str, str]:
    """The root of every post's reply chain, in linear time (memoised, iterative, loop-safe)."""
    root: dict[str, str] = {}
    for start in sorted(parent):
        if start in root:
            continue
        chain: list[str] = []
        on_chain: set[str] = set()
        node = start
        while node not in root:
            chain.append(node)
            on_chain.add(node)
            up = parent.get(node)
            if up is None or up not in parent or up in on_chain:
                root[node] = node  # a root, a reply to an unknown post, or a loop
                break
            node = up
        top = root[node]
        for member in chain:
            root[member] = top
    return root


def _within(place_of: PlaceOf | None, group: list[int]) -> PlaceOf | None:
    """``place_of`` for the posts of one thread (``group``: their indices among all)."""
    if place_of is None:
        return None
    return lambda i: place_of(group[i])


def assemble(drafts: list[Draft], file_thread: str, path: str,
             place_of: PlaceOf | None = None) -> list[Thread]:
    """Group drafts into threads (thread field > reply-tree root > whole file) and build them
    (``place_of(i)``: where the i-th draft's record is, to name a duplicate there)."""
    keyed = any(d.thread_key for d in drafts)
    parent = {d.post.id: d.post.reply_to for d in drafts}
    threaded = any(d.post.reply_to for d in drafts)
    roots = _roots(parent) if threaded and not keyed else {}
    groups: dict[str, list[Post]] = {}
    indices: dict[str, list[int]] = {}
    for index, draft in enumerate(drafts):
        if draft.thread_key:
            key = draft.thread_key
        elif keyed or not threaded:
            key = file_thread
        else:
            key = f"{file_thread}:{roots[draft.post.id].split(':', 1)[-1]}"
        groups.setdefault(key, []).append(draft.post)
        indices.setdefault(key, []).append(index)
    threads = []
    for key in sorted(groups):
        posts = [replace(p, thread_id=key) for p in groups[key]]
        title = next((p.title for p in posts if p.reply_to is None and p.title), None)
        threads.append(build_thread(key, title, posts, path, _within(place_of, indices[key])))
    return threads


def read_records(path: Path, options: ReadOptions, mapper: Mapper, file_thread: str,
                 located: list[Located] | None = None,
                 problems: Sequence[Problem] = (),
                 places: Places | None = None) -> ReadResult:
    """Shared loop: parse, map, skip-and-report, assemble. ``located`` for whole documents
    (``problems``: what reading them met; ``places``: where its records are), else the file
    is read line by line."""
    shown = str(path)
    found: list[Problem] = list(problems)
    if located is None:
        located = read_lines(path, options, found)
    drafts: list[Draft] = []
    draft_at: list[Located] = []
    for where in located:
        if where.record is None and where.pointer is None:  # a line already reported
            continue
        if not isinstance(where.record, dict):
            found.append(Problem("wrong_type", f"record is {type(where.record).__name__}, "
                                 "expected an object", shown, *placed(where, places)))
            continue
        try:
            draft = mapper(where.record, where, shown, options)
        except RecordError as exc:
            found.append(Problem(exc.code, str(exc), shown, *placed(where, places)))
            continue
        if len(draft.post.text) > options.max_text_chars:
            found.append(Problem("text_too_long", f"text of {len(draft.post.text):,} "
                                 "characters is over read.max_text_chars", shown,
                                 *placed(where, places), draft.post.id))
            continue
        drafts.append(draft)
        draft_at.append(where)
    threads = assemble(drafts, file_thread, shown,
                       lambda i: (shown, *placed(draft_at[i], places)))
    for thread in threads:
        found.extend(thread.problems)
    return ReadResult(tuple(threads), tuple(found), len(located))


def read_jsonl(path: Path, options: ReadOptions) -> ReadResult:
    """One JSON object per line."""
    return read_records(path, options, generic_mapper(path.stem), path.stem)


def read_json(path: Path, options: ReadOptions) -> ReadResult:
    """A JSON array of post objects, or an object holding one (``{"posts": [...]}``)."""
    content = read_content(path, options.max_input_bytes)
    if starts_with_array(content.data):
        located, found, known = read_array(content, path, options)
        return read_records(path, options, generic_mapper(path.stem), path.stem, located, found,
                            known)
    wrapped = read_wrapped(content, path, options) or read_keyed(content, path, options)
    if wrapped is not None:  # {"posts": [...]} or {"<id>": {...}}: post by post, as batch
        located, found, known = wrapped
        return read_records(path, options, generic_mapper(path.stem), path.stem, located, found,
                            known)
    document, problems, places = placed_document(content, path)
    located = whole_document_records(document, path)
    return read_records(path, options, generic_mapper(path.stem), path.stem, located, problems,
                        places)
