"""Readers: files in, ``Thread`` records out, every skipped or repaired record reported.

``read_threads`` is the one entry point. The format of each file is sniffed from its content
(magic bytes, JSON shape), never trusted from its extension, because downloaded files are
routinely misnamed (``comments.json`` holding JSON Lines, ``.txt`` holding JSON). A record that
cannot be read is skipped with a ``Problem`` naming file, line and byte offset; the run fails
with ``InputError`` when too many are skipped (``max_errors``) or when ``strict`` is set, so a
half-read input is never passed on as if it were whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from argmap.errors import InputError, MissingInput
from argmap.gcpause import collector_paused
from argmap.model import Thread
from argmap.options import ReadOptions
from argmap.readers.convokit import read_convokit
from argmap.readers.discourse import read_discourse
from argmap.readers.hn import HN_TYPES, is_search_result, read_hn
from argmap.readers.jsonl import read_json, read_jsonl
from argmap.readers.lesswrong import read_lesswrong
from argmap.readers.reddit import read_reddit, read_reddit_ndjson
from argmap.readers.reply_tree import build_thread
from argmap.readers.result import ReadResult
from argmap.readers.source import read_bytes
from argmap.readers.text import read_text

__all__ = ["FORMATS", "ReadResult", "read_threads", "sniff"]

FORMATS: dict[str, Callable[[Path, ReadOptions], ReadResult]] = {
    "text": read_text,
    "jsonl": read_jsonl,
    "json": read_json,
    "reddit": read_reddit,
    "reddit-ndjson": read_reddit_ndjson,
    "hn": read_hn,
    "discourse": read_discourse,
    "lesswrong": read_lesswrong,
    "convokit": read_convokit,
}
SNIFF_BYTES = 1 << 16


def _is_reddit_row(record: dict[str, object]) -> bool:
    if record.get("kind") in ("t1", "t3"):
        return True
    ids = [record.get("parent_id"), record.get("link_id")]
    if any(isinstance(v, str) and v[:3] in ("t1_", "t3_") for v in ids):
        return True
    return "subreddit" in record and ("body" in record or "selftext" in record)


def _is_hn_item(record: object) -> bool:
    return (isinstance(record, dict) and record.get("type") in HN_TYPES
            and ("by" in record or "kids" in record or "parent" in record))


def _shape_of_document(document: object) -> str:
    """Name the format of a whole JSON document from its shape (see formats-in.md A1.8)."""
    if isinstance(document, list):
        if (len(document) == 2 and all(isinstance(x, dict) and x.get("kind") == "Listing"
                                       for x in document)):
            return "reddit"
        if document and _is_hn_item(document[0]):
            return "hn"
        return "json"
    if isinstance(document, dict):
        stream = document.get("post_stream")
        if isinstance(stream, dict) and isinstance(stream.get("posts"), list):
            return "discourse"
        data = document.get("data")
        comments = data.get("comments") if isinstance(data, dict) else None
        if isinstance(comments, dict) and isinstance(comments.get("results"), list):
            return "lesswrong"
        if "children" in document and ("story_id" in document or "created_at_i" in document):
            return "hn"
        if _is_hn_item(document) or is_search_result(document):
            return "hn"
    return "json"


def sniff(path: Path) -> str:
    """The reader for ``path``, decided from its content."""
    path = Path(path)
    if path.is_dir():
        if (path / "utterances.jsonl").is_file():
            return "convokit"
        raise InputError("is a folder without utterances.jsonl (not a ConvoKit corpus)", path,
                         code="unknown_format")
    head = read_bytes(path, SNIFF_BYTES, head_only=SNIFF_BYTES)
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if b"\x00" in body[:8192]:
        raise InputError("looks binary (NUL bytes), not a thread; supported: text, JSON, JSON "
                         "Lines, Reddit, HN, Discourse, LessWrong, ConvoKit", path,
                         code="unknown_format")
    stripped = body.lstrip()
    if not stripped[:1] or stripped[:1] not in b"[{":
        return "text"
    first, _, rest = stripped.partition(b"\n")
    if stripped[:1] == b"{" and rest.strip():
        try:
            record = orjson.loads(first)
        except orjson.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            if _is_reddit_row(record):
                return "reddit-ndjson"
            return "hn" if _is_hn_item(record) else "jsonl"
    try:
        document = orjson.loads(read_bytes(path, 1 << 30).lstrip(b"\xef\xbb\xbf"))
    except (orjson.JSONDecodeError, InputError):
        return "jsonl" if stripped[:1] == b"{" else "json"
    return _shape_of_document(document)


def _expand(paths: Sequence[str | Path]) -> list[Path]:
    """Files to read: a plain folder stands for its visible files, a ConvoKit folder for itself."""
    expanded: list[Path] = []
    for item in paths:
        path = Path(item)
        if not path.exists():
            raise MissingInput("no such file or folder", path, code="missing_input")
        if path.is_dir() and not (path / "utterances.jsonl").is_file():
            children = sorted(p for p in path.iterdir()
                              if not p.name.startswith(".") and (p.is_file() or p.is_dir()))
            if not children:
                raise InputError("no posts found in this folder (it is empty)", path,
                                 code="empty_input")
            expanded.extend(_expand(children))
        else:
            expanded.append(path)
    return expanded


def _read_one(path: Path, options: ReadOptions) -> ReadResult:
    name = options.format if options.format != "auto" else sniff(path)
    reader = FORMATS.get(name)
    if reader is None:
        raise InputError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}", path,
                         code="unknown_format")
    result = reader(path, options)
    if result.records_in == 0 or (not result.posts_kept and not result.problems):
        raise InputError(f"no posts found in {path}", path, code="empty_input")
    return result


def _merge(threads: list[Thread]) -> tuple[Thread, ...]:
    """Threads split over several files (dump shards) become one thread per id."""
    by_id: dict[str, list[Thread]] = {}
    for thread in threads:
        by_id.setdefault(thread.id, []).append(thread)
    merged = []
    for thread_id in sorted(by_id):
        parts = by_id[thread_id]
        if len(parts) == 1:
            merged.append(parts[0])
            continue
        title = next((p.title for p in parts if p.title), None)
        posts = [post for part in parts for post in part.posts]
        rebuilt = build_thread(thread_id, title, posts, parts[0].posts[0].source.path
                               if parts[0].posts else "")
        merged.append(rebuilt)
    return tuple(merged)


def read_threads(paths: Sequence[str | Path], options: ReadOptions | None = None) -> ReadResult:
    """Read every file in ``paths`` (folders are expanded) into threads sorted by id."""
    options = options or ReadOptions()
    if isinstance(paths, str | Path):
        paths = [paths]
    threads: list[Thread] = []
    problems = []
    records_in = 0
    # posts, records and parsed JSON are trees without cycles: the cyclic collector's full
    # passes over the growing heap were ~30% of read time at 10k posts (``gcpause``)
    with collector_paused():
        for path in _expand(paths):
            result = _read_one(path, options)
            threads.extend(result.threads)
            problems.extend(result.problems)
            records_in += result.records_in
        merged = _merge(threads)
    kept = sum(len(t.posts) for t in merged)
    skipped = records_in - kept
    if skipped > 0 and (options.strict or skipped / records_in > options.max_errors):
        first = next((p for p in problems if p.line or p.byte_offset is not None),
                     problems[0] if problems else None)
        why = "strict mode" if options.strict else f"over read.max_errors={options.max_errors}"
        detail = f"; first: {first.code}: {first.message}" if first else ""
        way_out = ("; fix the record(s), or drop --strict to skip them" if options.strict else
                   "; fix the record(s), or allow more with --set read.max_errors=0.5")
        raise InputError(f"skipped {skipped} of {records_in} records ({why}){detail}{way_out}",
                         first.path if first else None, first.line if first else None,
                         code="too_many_errors",
                         byte_offset=first.byte_offset if first else None)
    return ReadResult(merged, tuple(problems), records_in)
