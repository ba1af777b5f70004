"""Where the posts of a Discourse topic and of an HN Algolia search response are, for
``argmap batch`` to stream them as it streams ``{"posts": [...]}``.

Both are documents whose posts sit in one array (``post_stream.posts``, ``hits``) next to a
few members that say how to read them (the topic's id and title; whether the response is an
Algolia item tree after all). Read whole, a topic or a page of search results of a few hundred
megabytes (a scraper's concatenated pages, a big topic's ``posts.json``) was parsed in the main
process of ``batch``. Here a few passes that hold one member at a time find the array and what
the reader takes from the rest of the document; then the array is streamed element by element
(``corpus.records``) and each element mapped by the reader's own mapper, so the posts, their
ids, threads and problems are those of the whole read. Whatever these passes cannot settle as
the whole read would (a topic without a usable ``id``, which the reader then takes from its
posts or the file's name) is left to the whole read: None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from argmap.errors import InputError
from argmap.model import Problem
from argmap.readers import deep_json
from argmap.readers.json_array import ArrayBroken, _Cursor, _top_members, iter_elements
from argmap.readers.json_outline import outline
from argmap.readers.records import RecordError, as_id, as_optional_str

Chunks = Callable[[], Iterator[bytes]]


def _members(chunks: Chunks, keys: frozenset[str], cap: int, at: int | None = None
             ) -> dict[str, tuple[int, bytes]]:
    try:
        return _top_members(_Cursor(chunks()), cap, keys, at)
    except InputError:
        return {}


def hits_at(chunks: Chunks, cap: int) -> int | None:
    """The byte where an Algolia search response's ``hits`` array starts, when the document
    is one as ``read_hn`` decides it (no ``children``: not an item tree; its first hit has an
    ``objectID``), else None."""
    members = _members(chunks, frozenset({"hits", "children"}), cap)
    if "children" in members or members.get("hits", (0, b""))[1] != b"[":
        return None
    at = members["hits"][0]
    try:
        first = next(iter_elements(chunks(), cap, at), None)
        hit = deep_json.loads(first.data) if first is not None and first.data else None
    except (ArrayBroken, InputError, orjson.JSONDecodeError, RecursionError):
        return None
    return at if isinstance(hit, dict) and "objectID" in hit else None


@dataclass(frozen=True, slots=True)
class TopicStream:
    """What ``read_discourse`` takes from a topic besides its posts, and where they are."""

    topic: str
    title: str | None
    at: int
    notes: tuple[Problem, ...]


def _count(chunks: Chunks, at: int) -> int | None:
    """The elements of the array at ``at`` (none held), or None when it is broken."""
    try:
        return sum(1 for _ in iter_elements(chunks(), 0, at))
    except (ArrayBroken, InputError):
        return None


def topic_at(chunks: Chunks, path: Path, cap: int) -> TopicStream | None:
    """The topic's id, title, the byte where ``post_stream.posts`` starts and the note on
    posts not loaded, as ``read_discourse`` has them; None when only a whole read can tell
    (no usable topic ``id``, or no ``post_stream.posts`` array)."""
    try:
        document = outline(chunks())
    except InputError:
        return None
    if not isinstance(document, dict):
        return None
    try:
        topic = as_id(document.get("id"), "id")
    except RecordError:
        return None
    if topic is None:
        return None
    stream = _members(chunks, frozenset({"post_stream"}), cap)
    if stream.get("post_stream", (0, b""))[1] != b"{":
        return None
    inner = _members(chunks, frozenset({"posts", "stream"}), cap, stream["post_stream"][0])
    if inner.get("posts", (0, b""))[1] != b"[":
        return None
    notes: tuple[Problem, ...] = ()
    if inner.get("stream", (0, b""))[1] == b"[":
        ids, posts = _count(chunks, inner["stream"][0]), _count(chunks, inner["posts"][0])
        if ids is None or posts is None:
            return None
        if ids > posts:
            notes = (Problem("posts_not_loaded", f"{ids - posts} posts of the topic are not "
                             f"in this file (fetch /t/{topic}/posts.json)", str(path)),)
    return TopicStream(topic, as_optional_str(document.get("title")), inner["posts"][0],
                       notes)
