"""argmap's own JSON format: the whole map and its analysis, lossless and versioned.

Layout (keys sorted, 2-space indent, newline at the end: the bytes of ``files.canonical_json``,
written piece by piece by ``json_stream.chunks``, so a giant thread never has its JSON whole)::

    {
      "format": "argmap",
      "schema_version": "1.0",            # model.SCHEMA_VERSION; major must match to load
      "map": {                            # model.ArgumentMap
        "threads": [{"id", "title", "url", "problems": [...], "posts": [{"id", "thread_id",
                     "text", "author", "reply_to", "created", "score", "title", "flags",
                     "quotes": [{"text", "post_id"}], "source": {"path", "line",
                     "end_line", "url"}}]}],
        "claims":    [{"id", "post_id", "start", "end", "text", "role"}],
        "dropped":   [{"post_id", "start", "end", "reason", "text"}],
        "topics":    [{"id", "label", "terms", "claim_ids", "representative", "is_other"}],
        "relations": [{"source", "target", "stance", "confidence",
                       "evidence": [{"kind", "detail", "weight"}]}],
        "post_relations": [{"source", "target", "stance", "confidence", "source_claim",
                            "target_claim", "evidence": [...]}],   # since 1.1
        "options_fingerprint": "..."
      },
      "analysis": null | {                # model.Analysis
        "centrality": [[claim_id, score], ...],  "status": [[claim_id, "in"|"out"|"undecided"]],
        "contested": [...], "unanswered": [...],
        "camps": [{"id", "authors", "claim_ids"}],
        "summaries": [{"scope", "scope_id", "title", "items": [{"claim_id", "post_id", "text",
                       "share", "url"}]}]
      }
    }

Every record field is written, ``null`` included, so a reader never guesses defaults. Enums are
written as their values. ``from_json`` rebuilds the frozen records from the dataclass type
hints, so ``from_json(to_json(m, a)) == (m, a)`` for every map, which the tests check with
hostile text. Posts keep their text verbatim: escaping belongs to the formats that need it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator
from enum import Enum
from functools import cache
from typing import Any

import orjson

from argmap.errors import InputError
from argmap.exports.json_stream import chunks
from argmap.model import SCHEMA_VERSION, Analysis, ArgumentMap, Thread

FORMAT_NAME = "argmap"


def to_json(amap: ArgumentMap, analysis: Analysis | None) -> bytes:
    """The map and its analysis (or ``null``) as canonical, versioned JSON bytes."""
    return b"".join(json_chunks(amap, analysis))


def json_chunks(amap: ArgumentMap, analysis: Analysis | None) -> Iterator[bytes]:
    """The bytes of ``to_json`` in pieces of a few hundred records, for writing a giant
    thread's map without holding its whole JSON (``files.write_atomic`` takes them)."""
    document = {"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION, "map": amap,
                "analysis": analysis}
    return chunks(document, expand=(ArgumentMap, Analysis, Thread))


def from_json(data: bytes) -> tuple[ArgumentMap, Analysis | None]:
    """Records equal to the ones ``to_json`` wrote; ``InputError`` naming the problem if not."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", code="invalid_json") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise InputError("not an argmap JSON file (expected \"format\": \"argmap\")",
                         code="wrong_format")
    version = document.get("schema_version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        raise InputError(f"schema_version must be a string such as {SCHEMA_VERSION!r}, got the "
                         f"number {version!r}", code="schema_version")
    if not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError(f"schema_version {version!r} cannot be read by this argmap "
                         f"(it reads {SCHEMA_VERSION}); use the argmap release that wrote it",
                         code="schema_version")
    try:
        amap = _decoder(ArgumentMap)(document.get("map"), "map")
        raw = document.get("analysis")
        analysis = None if raw is None else _decoder(Analysis)(raw, "analysis")
    except (TypeError, ValueError) as exc:
        if _newer(version):  # a later minor version adds fields this one does not know
            raise InputError(f"written by a newer argmap (schema {version}; this one reads "
                             f"{SCHEMA_VERSION}): use that release or a later one ({exc})",
                             code="schema_version") from exc
        raise InputError(f"malformed argmap JSON: {exc}", code="bad_record") from exc
    return amap, analysis


def _newer(version: str) -> bool:
    """Whether ``version`` (same major) is a later minor version than ``SCHEMA_VERSION``."""
    try:
        return int(version.split(".")[1]) > int(SCHEMA_VERSION.split(".")[1])
    except (IndexError, ValueError):
        return False


Decoder = Callable[[Any, str], Any]


@cache
def _decoder(hint: Any) -> Decoder:
    """A function that rebuilds a JSON value as type ``hint``; built once per type, because
    maps hold hundreds of thousands of records and re-inspecting hints per value is slow."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(o for o in typing.get_args(hint) if o is not type(None)))
        nullable = type(None) in typing.get_args(hint)
        return lambda v, where: None if v is None and nullable else inner(v, where)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record_decoder(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda v, where: hint(v)
    if hint is float:
        def number(v: Any, where: str) -> float:
            if isinstance(v, int | float) and not isinstance(v, bool):
                return float(v)
            raise TypeError(f"{where}: expected a number, got {v!r:.60}")
        return number

    def scalar(v: Any, where: str) -> Any:
        if type(v) is hint:
            return v
        raise TypeError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {v!r:.60}")
    return scalar


def _tuple_decoder(args: tuple[Any, ...]) -> Decoder:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def many(v: Any, where: str) -> tuple[Any, ...]:
            if not isinstance(v, list):
                raise TypeError(f"{where}: expected a list, got {type(v).__name__}")
            return tuple(item(x, where) for x in v)
        return many
    items = [_decoder(a) for a in args]

    def fixed(v: Any, where: str) -> tuple[Any, ...]:
        if not isinstance(v, list) or len(v) != len(items):
            raise TypeError(f"{where}: expected a list of {len(items)} items, got {v!r:.60}")
        return tuple(d(x, where) for d, x in zip(items, v, strict=True))
    return fixed


def _record_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls)}

    def record(v: Any, where: str) -> Any:
        if not isinstance(v, dict):
            raise TypeError(f"{where}: expected an object for {cls.__name__}, got {v!r:.60}")
        unknown = set(v) - fields.keys()
        if unknown:
            raise TypeError(f"{where}: unknown field(s) {sorted(unknown)} in {cls.__name__}")
        return cls(**{k: fields[k](x, f"{where}.{k}") for k, x in v.items()})
    return record
