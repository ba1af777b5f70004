"""Hacker News: the Algolia ``/items/<id>`` nested tree, Algolia search results and Firebase
items (list or lines).

HN ``text`` is HTML, so it goes through ``html_to_text``. Deleted items (no author, no text)
stay as placeholders flagged ``deleted``; ``dead`` items are flagged ``dead``. The Algolia
tree is walked with an explicit stack (threads can be hundreds of levels deep), and a reply's
parent is the node it is nested under, which is what the tree says even when ``parent_id`` is
stale. Post ids are ``hn:<item id>``; a thread is ``hn:<id of its root item>``.

Search results (``/search?tags=comment,story_<id>`` and ``/search_by_date``, the usual way to
collect a story's comments or a query's comments in bulk) are flat ``hits``: ``objectID``,
``comment_text`` or ``story_text``, ``parent_id``, ``story_id``. Each hit joins the thread of
its ``story_id``; a parent not among the hits (a page of results rarely holds the whole
thread) is reported and the reply kept at the top of its thread, as for any orphan.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeGuard

import orjson

from argmap.errors import InputError
from argmap.model import Post, Problem, SourceRef
from argmap.options import ReadOptions
from argmap.readers import deep_json
from argmap.readers.array_records import read_array
from argmap.readers.document_streams import hits_at
from argmap.readers.html_text import html_to_text
from argmap.readers.json_array import ArrayBroken, iter_elements, starts_with_array
from argmap.readers.json_places import DocumentPlaces
from argmap.readers.jsonl import Draft, Located, read_records, whole_document_records
from argmap.readers.records import (
    RecordError,
    as_id,
    as_optional_str,
    as_score,
    as_time,
    safe_url,
    with_fields,
)
from argmap.readers.result import ReadResult
from argmap.readers.source import placed_document, read_bytes, read_content

HN_TYPES = frozenset({"story", "comment", "poll", "pollopt", "job"})
# what read_hn takes, said whenever a file given as HN is none of them
HN_SHAPES = ("argmap reads Hacker News as an Algolia item tree (/api/v1/items/<id>), an Algolia "
             "search response ({\"hits\": [...]}) or Firebase items (/v0/item/<id>.json) in a "
             "JSON list or one per line")
HN_ITEM = "https://news.ycombinator.com/item?id="
HEAD_BYTES = 1 << 20  # enough to see whether the first line is a whole item


def hn_post(item: Mapping[str, object], parent: str | None, line: int, path: str) -> Post:
    """One Algolia node or Firebase item as a Post."""
    native = as_id(item.get("id"), "id")
    if native is None:
        raise RecordError("missing_field", "HN item without id")
    raw = item.get("text")
    if raw is None:
        raw = item.get("story_text") or item.get("comment_text")
    if raw is not None and not isinstance(raw, str):
        raise RecordError("wrong_type", f"HN text is {type(raw).__name__}, expected a string")
    text, _ = html_to_text(raw or "")
    title = as_optional_str(item.get("title"))
    if title:  # a story's title is its headline claim, as for Reddit submissions
        text = f"{title}\n\n{text}" if text else title
    author = as_optional_str(item.get("author", item.get("by")))
    flags = set()
    if item.get("deleted") is True or (raw is None and author is None):
        flags.add("deleted")
    if item.get("dead") is True:
        flags.add("dead")
    created = as_time(item.get("created_at_i", item.get("time")))
    if created is None:
        created = as_time(item.get("created_at"))
    return Post(
        id=f"hn:{native}", thread_id="", text=text, author=author,
        reply_to=f"hn:{parent}" if parent else None, created=created,
        source=SourceRef(path, line, line, safe_url(f"{HN_ITEM}{native}")),
        flags=tuple(sorted(flags)), score=as_score(item.get("points", item.get("score"))),
        title=title,
    )


# argmap's field names -> an HN item's keys, for ``--field``
ITEM_FIELDS = {"text": "text", "id": "id", "reply_to": "parent", "author": "author",
               "created": "created_at_i", "title": "title", "url": "url"}


def _firebase_mapper(record: Mapping[str, object], where: Located, path: str,
                     options: ReadOptions) -> Draft:
    if options.fields:
        record = with_fields(record, dict(options.fields), ITEM_FIELDS)
    parent = as_id(record.get("parent", record.get("parent_id")), "parent")
    return Draft(hn_post(record, parent, where.line, path), None)


def _read_algolia(tree: Mapping[str, object], path: Path, places: DocumentPlaces
                  ) -> ReadResult:
    from argmap.readers.reply_tree import build_thread

    shown = str(path)
    problems: list[Problem] = []
    posts: list[Post] = []
    pointers: list[tuple[str | int, ...]] = []  # each post's, to place a duplicate
    records = 0
    root_parent = as_id(tree.get("parent_id"), "parent_id") if not isinstance(
        tree.get("parent_id"), (bool, float, list, dict)) else None
    if root_parent:
        # a subtree saved from a reply (/items/<comment id>): it starts at that comment, which
        # is its root here; nothing of what the file holds is missing or skipped
        problems.append(Problem("partial_thread", f"the item tree starts at a reply (its "
                                f"parent hn:{root_parent} is not in this file); that reply is "
                                "the thread's root here", shown))
    stack: list[tuple[object, str | None, tuple[str | int, ...]]] = [(tree, None, ())]
    while stack:
        node, parent, pointer = stack.pop()
        if not isinstance(node, Mapping):
            continue
        records += 1
        try:
            post = hn_post(node, parent, 0, shown)
        except RecordError as exc:
            problems.append(Problem(exc.code, str(exc), shown, *places.place_or_none(pointer)))
            continue
        posts.append(post)
        pointers.append(pointer)
        children = node.get("children")
        if isinstance(children, list):
            native = post.id.removeprefix("hn:")
            stack.extend((children[index], native, (*pointer, "children", index))
                         for index in range(len(children) - 1, -1, -1))
    thread_id = posts[0].id if posts else "hn:unknown"
    title = as_optional_str(tree.get("title"))
    thread = build_thread(thread_id, title, posts, shown,
                          lambda i: (shown, *places.place_or_none(pointers[i])))
    problems.extend(thread.problems)
    return ReadResult((thread,) if thread.posts else (), tuple(problems), records)


def is_search_result(document: object) -> TypeGuard[Mapping[str, Any]]:
    """An Algolia search response: ``{"hits": [{"objectID": ...}, ...]}``."""
    if not isinstance(document, Mapping):
        return False
    hits = document.get("hits")
    return (isinstance(hits, list) and bool(hits) and isinstance(hits[0], Mapping)
            and "objectID" in hits[0])


def _hit_mapper(record: Mapping[str, object], where: Located, path: str,
                options: ReadOptions) -> Draft:
    native = as_id(record.get("objectID"), "objectID")
    if native is None:
        raise RecordError("missing_field", "HN search hit without objectID")
    story = as_id(record.get("story_id"), "story_id") or native
    parent = as_id(record.get("parent_id"), "parent_id")
    post = hn_post({**record, "id": native}, parent if native != story else None,
                   where.line, path)
    return Draft(post, f"hn:{story}")


def _is_object(line: bytes) -> bool:
    """The line is a whole JSON object (JSON Lines), not the start of a pretty-printed one."""
    try:
        return isinstance(deep_json.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


def recorded(document: object) -> list[tuple[str, object]] | None:
    """The (url, reply) pairs of a file of recorded API responses, else None: a list of
    ``{"url": ..., "reply": ...}`` objects, a dict of such objects, or a dict from URLs to
    replies. That is how HN client libraries keep their test fixtures (node-hacker-news-api's
    ``fixtures.json``), not a format any HN API, dump or exporter writes, and not a thread: its
    replies are unrelated searches, user profiles and item trees. Recognised so that it is
    refused by name (``recording_error``) rather than as records without text."""
    if isinstance(document, Mapping) and document and all(
            isinstance(key, str) and key.startswith(("/", "http://", "https://"))
            for key in document):
        return [(key, reply) for key, reply in document.items()]
    entries = (document if isinstance(document, list)
               else list(document.values()) if isinstance(document, Mapping) else [])
    if entries and all(isinstance(entry, Mapping) and "reply" in entry and "url" in entry
                       for entry in entries):
        return [(str(entry["url"]), entry["reply"]) for entry in entries]
    return None


_HN_URLS = ("hacker-news", "firebaseio.com", "ycombinator.com", "algolia.com", "/v0/item/",
            "/api/v1/items/", "/api/v1/search")


def is_hn_recording(document: object) -> bool:
    """Recorded responses of the HN APIs (one URL of theirs is enough): sniffed as ``hn``,
    whose reader refuses them saying what it does read."""
    pairs = recorded(document)
    return pairs is not None and any(mark in url for url, _ in pairs for mark in _HN_URLS)


def recording_error(pairs: list[tuple[str, object]], path: Path) -> InputError:
    """The error for a file of recorded API responses: what it is, what argmap reads, and how
    to take one response out of it."""
    urls = sorted({url[:200] for url, _ in pairs})
    item = next((url for url in urls if "/items/" in url or "/item/" in url), urls[0])
    return InputError(
        f"holds {len(pairs):,} recorded API responses (URLs and replies, e.g. {item!r}), not "
        f"a thread; {HN_SHAPES}: save one reply as its own file (jq can take it out)",
        path, code="unknown_shape")


def _opens_a_recording(data: bytes) -> bool:
    """Whether an array's first element is a recorded API response (``recorded``): such a
    file is refused as a whole, not read as items."""
    try:
        first = next(iter_elements(iter([data]), len(data)), None)
        entry = deep_json.loads(first.data) if first is not None and first.data else None
    except (ArrayBroken, orjson.JSONDecodeError):
        return False
    return recorded([entry]) is not None


def read_hn(path: Path, options: ReadOptions) -> ReadResult:
    """An Algolia item tree or search response, a JSON list of Firebase items, or Firebase
    items one per line."""
    head = read_bytes(path, options.max_input_bytes, head_only=HEAD_BYTES)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    first, _, rest = stripped.partition(b"\n")
    if stripped.startswith(b"{") and rest.strip() and _is_object(first):  # items one a line
        return read_records(path, options, _firebase_mapper, "hn")
    content = read_content(path, options.max_input_bytes)
    if starts_with_array(content.data) and not _opens_a_recording(content.data):
        # Firebase items in a list, element by element
        located, found, known = read_array(content, path, options)
        return read_records(path, options, _firebase_mapper, "hn", located, found, known)
    hits_start = hits_at(lambda: iter([content.data]), options.max_record_bytes)
    if hits_start is not None:  # a search response: hit by hit, as batch streams it
        located, found, known = read_array(content, path, options, "hits", hits_start)
        return read_records(path, options, _hit_mapper, "hn", located, found, known)
    document, problems, places = placed_document(content, path)
    if isinstance(document, Mapping) and "children" in document:
        result = _read_algolia(document, path, places)
        return ReadResult(result.threads, problems + result.problems, result.records_in)
    if is_search_result(document):
        hits = [Located(0, None, hit, ("hits", index))
                for index, hit in enumerate(document["hits"])]
        return read_records(path, options, _hit_mapper, "hn", hits, problems, places)
    pairs = recorded(document)
    if pairs is not None:
        raise recording_error(pairs, path)
    if isinstance(document, Mapping | list):
        located = whole_document_records(document, path)
        return read_records(path, options, _firebase_mapper, "hn", located, problems, places)
    raise InputError(f"is not a Hacker News thread; {HN_SHAPES}", path, code="unknown_shape")
