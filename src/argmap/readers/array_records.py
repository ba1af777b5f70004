"""A JSON array of records read element by element, by ``argmap map`` as by ``argmap batch``.

Parsed whole, one bad element (a ``tru`` for ``true``, a bad byte, a record cut by a crashed
exporter) made the whole file "not valid JSON": nothing was mapped, and the error gave orjson's
character position as the byte offset, on line 1. Read element by element
(``json_array.iter_elements``), a bad element is one skipped record placed by its line and byte
offset, and the rest is read; an element over ``read.max_record_bytes`` is skipped unread, as a
long line is. Each good element becomes the same ``Located`` the whole-document reader made
(line 0 and its index: the same post ids and sources), so nothing else changes.

Where the array's own structure breaks (a missing comma, the file cut before ``]``) the
elements before it are kept and the break is reported as a skipped record: what follows a
broken structure cannot be told apart reliably, so it is reported lost, never guessed at.
A compressed file cut between two elements tears no record: only the damage is reported
(a cut through an element skips it as ``truncated_record``), as ``argmap batch`` has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from argmap.errors import plural
from argmap.model import Problem
from argmap.options import ReadOptions
from argmap.readers import deep_json
from argmap.readers.json_array import ArrayBroken, Element, iter_elements, wrapping_array
from argmap.readers.json_members import iter_members, keyed_posts
from argmap.readers.json_places import KnownPlaces
from argmap.readers.records import Located
from argmap.readers.source import Content, RawLine, damage_problem, decode_line


def parse_elements(elements: Iterator[Element], shown: str, options: ReadOptions,
                   problems: list[Problem], under: tuple[str, ...] = ()
                   ) -> Iterator[tuple[Element, Located]]:
    """Each element as a ``Located`` record (its pointer: ``under`` and its index); one that
    cannot be a record is reported in ``problems`` and comes as ``Located`` with no record and
    no pointer (already reported)."""
    skipped = Located(0, None, None)
    for element in elements:
        if element.data is None:
            problems.append(Problem("record_too_large", f"record of {element.size:,} bytes is "
                                    f"over read.max_record_bytes={options.max_record_bytes:,}",
                                    shown, element.line, element.offset))
            yield element, skipped
            continue
        if not element.complete:
            problems.append(Problem("truncated_record", "last record cut off (the file ends "
                                    "inside it)", shown, element.line, element.offset))
            yield element, skipped
            continue
        text, problem = decode_line(RawLine(element.line, element.offset, element.data), shown)
        if problem is not None:
            problems.append(problem)
            yield element, skipped
            continue
        try:
            record = deep_json.loads(text or "")
        except (orjson.JSONDecodeError, RecursionError) as exc:
            problems.append(Problem(deep_json.problem_code(exc),
                                    f"invalid JSON ({str(exc)[:120]})", shown,
                                    element.line, element.offset))
            yield element, skipped
            continue
        yield element, Located(0, None, record, (*under, _member(element)))


def _member(element: Element) -> str | int:
    """An element's place in its container: its key (posts keyed by id), else its index."""
    return element.index if element.key is None else element.key


def broken_problem(exc: ArrayBroken, shown: str, kept: int, keyed: bool = False) -> Problem:
    """The problem a break in the array's (or keyed object's) structure is: where, and what
    was read before it."""
    what = "object of posts" if keyed else "array"
    return Problem("invalid_json", f"the JSON {what} is broken: {exc.detail}; the "
                   f"{plural(kept, 'record')} before it {'was' if kept == 1 else 'were'} read, "
                   "what follows could not be",
                   shown, exc.line, exc.offset)


# the keys under which a document holds its posts, in the order ``whole_document_records``
# takes them
WRAPPER_KEYS = ("posts", "comments", "items", "messages", "utterances", "data")


def read_array(content: Content, path: Path, options: ReadOptions, key: str | None = None,
               at: int | None = None, keyed: bool = False
               ) -> tuple[list[Located], list[Problem], KnownPlaces]:
    """The records of a file holding one JSON array (``content`` read whole, as every
    document of ``argmap map`` is), or of the array under ``key`` at byte ``at`` of its
    top-level object; their problems, and where each record is. ``keyed``: an object of
    posts keyed by id instead of an array (``json_members``), the file's own when ``key`` is
    None."""
    shown = str(path)
    problems: list[Problem] = []
    located: list[Located] = []
    known: dict[tuple[str | int, ...], tuple[int, int]] = {}
    chunks = iter([content.data])
    elements = (iter_elements(chunks, options.max_record_bytes, at) if not keyed else
                iter_members(chunks, options.max_record_bytes, None if key is None else at))
    under = () if key is None else (key,)
    try:
        for element, where in parse_elements(elements, shown, options, problems, under):
            known[(*under, _member(element))] = (element.line, element.offset)
            located.append(where)
    except ArrayBroken as exc:
        damage, read = content.damage, len(located)
        if damage is None or exc.offset < len(content.data):  # a break before any damage
            problems.append(broken_problem(exc, shown, read, keyed))
            located.append(Located(0, None, None))  # the break is a record lost
        if damage is not None:  # a cut between elements tears no record (as batch has it)
            problems.append(damage_problem(damage, shown, 0, len(content.data),
                                           f"kept the {plural(read, 'record')} read before it"))
        return located, problems, KnownPlaces(known)
    damage = content.damage
    if damage is not None:
        kept = ("the JSON array before it is complete and was read" if damage.kind == "trailing"
                else f"kept the {plural(len(located), 'record')} read before it")
        problems.append(damage_problem(damage, shown, 0, len(content.data), kept))
    return located, problems, KnownPlaces(known)


def read_wrapped(content: Content, path: Path, options: ReadOptions
                 ) -> tuple[list[Located], list[Problem], KnownPlaces] | None:
    """The records of an object wrapping its posts (``{"posts": [...]}``), element by element
    as an array is read, valid JSON or not: one bad post is one skipped record, and
    ``argmap batch``, which streams such a file (``corpus.records``), finds the same records
    and problems. None when no wrapping array can be found (before any damage)."""
    found = wrapping_array(content.data, WRAPPER_KEYS, options.max_record_bytes)
    return None if found is None else read_array(content, path, options, *found)


def read_keyed(content: Content, path: Path, options: ReadOptions
               ) -> tuple[list[Located], list[Problem], KnownPlaces] | None:
    """The records of posts keyed by id (``{"1": {...}, "2": {...}}``, or under a wrapper
    key: ``json_members``), member by member as an array is read; None when the document is
    not that (then it is one record, or none)."""
    found = keyed_posts(lambda: iter([content.data]), WRAPPER_KEYS, dict(options.fields),
                        options.max_record_bytes)
    return None if found is None else read_array(content, path, options, *found, keyed=True)
