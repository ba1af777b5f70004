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

from argmap.errors import InputError, MissingInput, plural
from argmap.gcpause import collector_paused
from argmap.model import Problem, Thread
from argmap.options import ReadOptions
from argmap.readers import deep_json
from argmap.readers.argmap_json import read_argmap
from argmap.readers.array_records import WRAPPER_KEYS
from argmap.readers.codecs import DAMAGE_CODES, codec_of
from argmap.readers.convokit import read_convokit
from argmap.readers.discourse import read_discourse
from argmap.readers.hn import HN_TYPES, is_hn_recording, is_search_result, read_hn
from argmap.readers.inputs import expand_inputs
from argmap.readers.json_array import ArrayBroken, iter_elements, wrapping_array
from argmap.readers.json_members import keyed_posts
from argmap.readers.json_outline import outline
from argmap.readers.jsonl import read_json, read_jsonl
from argmap.readers.lesswrong import read_lesswrong
from argmap.readers.reddit import read_reddit, read_reddit_ndjson
from argmap.readers.reply_tree import merge_parts
from argmap.readers.result import Counts, ReadResult, SourceInfo, is_loss
from argmap.readers.source import Source, read_bytes
from argmap.readers.text import read_text
from argmap.readers.wide_text import looks_like_unmarked_utf16

__all__ = ["FORMATS", "ReadResult", "SourceInfo", "check_budget", "expand_inputs", "is_loss",
           "read_threads", "sniff"]

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
    "argmap": read_argmap,
}
SNIFF_BYTES = 1 << 16


def _is_reddit_row(record: dict[str, object]) -> bool:
    if record.get("kind") in ("t1", "t3"):
        return True
    ids = [record.get("parent_id"), record.get("link_id")]
    if any(isinstance(v, str) and v[:3] in ("t1_", "t3_") for v in ids):
        return True
    # a submission row whose text field was renamed still has Pushshift's submission keys
    return "subreddit" in record and ("body" in record or "selftext" in record
                                      or "num_comments" in record)


def _is_hn_item(record: object) -> bool:
    return (isinstance(record, dict) and record.get("type") in HN_TYPES
            and ("by" in record or "kids" in record or "parent" in record))


def _shape_of_document(document: object) -> str:
    """Name the format of a whole JSON document from its shape (see formats-in.md A1.8)."""
    if isinstance(document, list):
        if (len(document) == 2 and all(isinstance(x, dict) and x.get("kind") == "Listing"
                                       for x in document)):
            return "reddit"
        if document and _is_hn_item(document[0]) or is_hn_recording(document):
            return "hn"
        return "json"
    if isinstance(document, dict):
        if document.get("format") == "argmap" and isinstance(document.get("map"), dict):
            return "argmap"
        stream = document.get("post_stream")
        if isinstance(stream, dict) and isinstance(stream.get("posts"), list):
            return "discourse"
        data = document.get("data")
        comments = data.get("comments") if isinstance(data, dict) else None
        if isinstance(comments, dict) and isinstance(comments.get("results"), list):
            return "lesswrong"
        if "children" in document and ("story_id" in document or "created_at_i" in document):
            return "hn"
        if _is_hn_item(document) or is_search_result(document) or is_hn_recording(document):
            return "hn"
    return "json"


def _wraps_posts(content: bytes) -> bool:
    """Whether content that is not valid JSON opens an object wrapping its posts in an array
    (``{"posts": [...`` and the like) or keyed by id (``{"1": {...``): the json reader
    salvages its posts one by one."""
    return (wrapping_array(content, WRAPPER_KEYS, 1 << 30) is not None
            or keyed_posts(lambda: iter([content]), WRAPPER_KEYS, {}, 1 << 30) is not None)


def _shape_of_array(path: Path) -> str:
    """``_shape_of_document`` for a file holding an array, decided from its first elements:
    an export of a million posts is never parsed whole just to name its format. An array that
    is not valid JSON is "json" (its reader says what is wrong), as a whole parse decided."""
    first: list[object] = []
    try:
        with Source(path) as source:
            for element in iter_elements(source.chunks(), 1 << 30):
                if len(first) == 2 or not element.complete or element.data is None:
                    return "json"  # a third element: not a Reddit thread's two Listings
                first.append(deep_json.loads(element.data))
                if len(first) == 1 and (_is_hn_item(first[0]) or is_hn_recording(first)):
                    return "hn"  # HN items, or recorded HN API responses (refused by name)
    except (ArrayBroken, InputError, orjson.JSONDecodeError):
        return "json"
    return _shape_of_document(first)


def _outlined(path: Path) -> object | None:
    """The outline of a JSON object document longer than the sniffed head
    (``json_outline``: a million-post export is never parsed whole just to name its format),
    or None when it is not one whole document (then it is read whole, as before)."""
    try:
        with Source(path) as source:
            return outline(source.chunks())
    except InputError:
        return None


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
        if looks_like_unmarked_utf16(body):
            raise InputError("looks like UTF-16 text without a byte-order mark; convert it to "
                             "UTF-8 (iconv -f UTF-16LE -t UTF-8, or UTF-16BE) or save it with "
                             "its mark", path, code="unknown_format")
        raise InputError("looks binary (NUL bytes), not a thread; supported: text, JSON, JSON "
                         "Lines, Reddit, HN, Discourse, LessWrong, ConvoKit, argmap maps", path,
                         code="unknown_format")
    stripped = body.lstrip()
    if not stripped[:1] or stripped[:1] not in b"[{":
        return "text"
    first, _, rest = stripped.partition(b"\n")
    if stripped[:1] == b"{" and rest.strip():
        try:
            record = deep_json.loads(first)
        except orjson.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            if _is_reddit_row(record):
                return "reddit-ndjson"
            return "hn" if _is_hn_item(record) else "jsonl"
    if stripped[:1] == b"[":
        return _shape_of_array(path)
    document = _outlined(path) if len(head) >= SNIFF_BYTES else None
    if document is None:
        try:
            content = read_bytes(path, 1 << 30)
            document = deep_json.loads(content.lstrip(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError:  # a broken object wrapping its posts is still a document
            return "json" if _wraps_posts(content) else "jsonl"
        except InputError:  # damaged compressed data: its head may still wrap posts
            return "json" if _wraps_posts(head) else "jsonl"
    if isinstance(document, dict) and not rest.strip() and _is_reddit_row(document):
        return "reddit-ndjson"  # a dump of one record (`head -1 RC_...`) is still a dump
    shape = _shape_of_document(document)
    if shape == "json" and isinstance(document, dict) and not rest.strip() and _named_lines(path):
        return "jsonl"  # a JSON Lines file of one record: its thread as in a longer file
    return shape


def _named_lines(path: Path) -> bool:
    """The file's name says JSON Lines (``.jsonl``, ``.ndjson``, compressed or not): only
    then is a one-line object a record rather than a minified document."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in (".gz", ".zst", ".bz2", ".xz"):
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in (".jsonl", ".ndjson")


def _codec(path: Path) -> str | None:
    if path.is_dir():
        return None
    with open(path, "rb") as handle:
        return codec_of(handle.read(6))


def _read_one(path: Path, options: ReadOptions) -> tuple[SourceInfo, ReadResult]:
    name = options.format if options.format != "auto" else sniff(path)
    reader = FORMATS.get(name)
    if reader is None:
        raise InputError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}", path,
                         code="unknown_format")
    result = reader(path, options)
    if result.records_in == 0 or (not result.posts_kept and not result.problems):
        raise InputError("no posts found", path, code="empty_input")
    info = SourceInfo(str(path), name, _codec(path), result.records_in, result.posts_kept)
    return info, result


def _merge(threads: list[Thread], problems: list[Problem]) -> tuple[Thread, ...]:
    """Threads split over several files (dump shards) become one thread per id
    (``merge_parts``); ``problems`` trades the parts' orphan reports for the whole's."""
    by_id: dict[str, list[Thread]] = {}
    for thread in threads:
        by_id.setdefault(thread.id, []).append(thread)
    merged = []
    for thread_id in sorted(by_id):
        parts = by_id[thread_id]
        if len(parts) == 1:
            merged.append(parts[0])
            continue
        whole = merge_parts(thread_id, parts, parts[0].posts[0].source.path
                            if parts[0].posts else "")
        before = {problem for part in parts for problem in part.problems}
        after = set(whole.problems)
        problems[:] = [p for p in problems if p not in before or p in after]
        problems.extend(p for p in whole.problems if p not in before)
        merged.append(whole)
    return tuple(merged)


def read_threads(paths: Sequence[str | Path], options: ReadOptions | None = None, *,
                 budget: bool = True) -> ReadResult:
    """Read every file in ``paths`` (folders are expanded, ``expand_inputs``) into threads
    sorted by id, then apply the error budget (``check_budget``; ``budget=False`` leaves that
    to the caller, as ``inspect`` does to show every problem first)."""
    options = options or ReadOptions()
    if isinstance(paths, str | Path):
        paths = [paths]
    inputs = expand_inputs(paths)
    threads: list[Thread] = []
    problems: list[Problem] = list(inputs.problems)
    sources: list[SourceInfo] = []
    records_in = 0
    # posts, records and parsed JSON are trees without cycles: the cyclic collector's full
    # passes over the growing heap were ~30% of read time at 10k posts (``gcpause``)
    with collector_paused():
        for item in inputs.files:
            try:
                info, result = _read_one(item.path, options)
            except InputError as exc:
                if item.named or isinstance(exc, MissingInput):
                    raise
                problems.append(Problem(exc.code, f"file skipped: {exc.detail}", str(item.path),
                                        exc.line or 0, exc.byte_offset))
                continue
            sources.append(info)
            threads.extend(result.threads)
            problems.extend(result.problems)
            records_in += result.records_in
        merged = _merge(threads, problems)
    if not sources:
        first = problems[0] if problems else None
        raise InputError("no file could be read as a thread"
                         + (f"; first: {first.path}: {first.message}" if first else ""),
                         ", ".join(str(p) for p in paths), code="empty_input")
    result = ReadResult(merged, tuple(problems), records_in, tuple(sources))
    if budget:
        check_budget(result, options)
    return result


def check_budget(result: Counts, options: ReadOptions) -> None:
    """Fail (InputError, exit 65) when the input is too broken to map as if it were whole.

    The budget is ``max(read.max_errors_min, read.max_errors x records)`` skipped records:
    a real share of a real number, so one bad line in a 7-record file is skipped and reported
    (exit 3), while 2 % of 100,000 records fails the run. A file of which no record could be
    read fails whatever the budget, and ``--strict`` fails on anything left out."""
    skipped = result.skipped
    losses = result.losses
    allowed = max(options.max_errors_min, options.max_errors * result.records_in)
    if options.strict:
        failed = bool(losses) or skipped > 0
        why = "strict mode"
    elif skipped > 0 and result.posts_kept == 0:
        failed, why = True, "no record could be read"
    else:
        failed = skipped > allowed
        why = (f"over the error budget: max(read.max_errors_min={options.max_errors_min}, "
               f"read.max_errors={options.max_errors:g} x {plural(result.records_in, 'record')})")
    if not failed:
        return
    damaged = [p for p in losses if p.code in DAMAGE_CODES]  # the cause, when there is one
    first = next((p for p in damaged + list(losses) if p.line or p.byte_offset is not None),
                 losses[0] if losses else None)
    detail = f"; first: {first.code}: {first.message}" if first else ""
    way_out = ("; fix the record(s), or drop --strict to skip them" if options.strict else
               "; fix the record(s), or allow more with --set read.max_errors=0.5")
    raise InputError(f"skipped {skipped:,} of {plural(result.records_in, 'record')} ({why})"
                     f"{detail}"
                     f"{way_out}", first.path if first else None, first.line if first else None,
                     code="too_many_errors", byte_offset=first.byte_offset if first else None)
