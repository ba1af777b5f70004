"""Discourse topics: ``/t/<id>.json`` (``post_stream.posts``) and ``/t/<id>/posts.json``.

``reply_to_post_number`` names a post *number* inside the topic, so posts are identified as
``discourse:<topic>#<post_number>`` and replies resolve without a lookup table. Quotes
(``<aside class="quote" data-post=N>``) are taken out of ``cooked`` before flattening and
become ``Quote(post_id)``: otherwise the quoted words would be counted as the replier's own
claim. Hidden posts carry a moderation message instead of their text; they are kept as
placeholders flagged ``hidden`` with empty text. Only the first chunk of a long topic is in
``/t/<id>.json``; the ``stream`` ids that are missing are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from argmap.errors import InputError
from argmap.model import Post, Problem, Quote, SourceRef
from argmap.options import ReadOptions
from argmap.readers.html_text import html_to_text
from argmap.readers.jsonl import Draft, Located, Mapper
from argmap.readers.records import RecordError, as_id, as_optional_str, as_score, as_time
from argmap.readers.reply_tree import build_thread
from argmap.readers.result import ReadResult
from argmap.readers.source import read_placed_document


def _post(raw: Mapping[str, object], topic: str, path: str) -> Post:
    number = as_id(raw.get("post_number"), "post_number")
    if number is None:
        raise RecordError("missing_field", "Discourse post without post_number")
    cooked = raw.get("cooked")
    if cooked is not None and not isinstance(cooked, str):
        raise RecordError("wrong_type", "Discourse 'cooked' is not a string")
    flags = set[str]()
    if raw.get("hidden") is True or raw.get("cooked_hidden") is True:  # cooked_hidden alone:
        flags.add("hidden")  # BasicPostSerializer's mark, its cooked the flagging notice
    if raw.get("deleted_at") or raw.get("user_deleted") is True:
        flags.add("deleted")
    text, html_quotes = html_to_text(cooked or "")
    if "hidden" in flags:
        text = ""
    quotes = tuple(
        Quote(q.text, f"discourse:{topic}#{q.post_number}" if q.post_number and
              q.post_number.isdigit() else None)
        for q in html_quotes
    )
    parent = as_id(raw.get("reply_to_post_number"), "reply_to_post_number")
    return Post(
        id=f"discourse:{topic}#{number}", thread_id=f"discourse:{topic}", text=text,
        author=as_optional_str(raw.get("username")),
        reply_to=f"discourse:{topic}#{parent}" if parent else None,
        created=as_time(raw.get("created_at")), source=SourceRef(path, 0, 0, None),
        quotes=quotes, flags=tuple(sorted(flags)), score=as_score(raw.get("score")),
    )


def topic_mapper(topic: str) -> Mapper:
    """The mapper of a topic's posts streamed one by one (``argmap batch``: ``corpus.records``
    with ``document_streams.topic_at``): each post as ``read_discourse`` makes it, its
    problems worded alike (``post #<index>: ...``)."""

    def mapper(record: Mapping[str, object], where: Located, path: str,
               options: ReadOptions) -> Draft:
        index = where.pointer[-1] if where.pointer else 0
        try:
            post = _post(record, topic, path)
        except RecordError as exc:
            raise RecordError(exc.code, f"post #{index}: {exc}") from exc
        return Draft(post, f"discourse:{topic}")

    return mapper


def _topic_id(document: Mapping[str, object], raw_posts: list[object], path: Path,
              problems: list[Problem]) -> str:
    """The topic's id (the thread is ``discourse:<id>``): the document's ``id``, else the
    first post's ``topic_id``, else the file's name. An id of the wrong type (an object, a
    list, true) is reported and passed over; it was a RecordError traceback (exit 1)."""
    candidates = [("id", document.get("id"))] + [
        ("topic_id", raw.get("topic_id")) for raw in raw_posts
        if isinstance(raw, Mapping) and raw.get("topic_id") is not None]
    for what, value in candidates:
        try:
            found = as_id(value, what)
        except RecordError as exc:
            problems.append(Problem("bad_topic_id", f"the topic's {exc}; passed over",
                                    str(path)))
            continue
        if found is not None:
            return found
    return path.stem


def read_discourse(path: Path, options: ReadOptions) -> ReadResult:
    """One Discourse topic (or a posts.json page of one)."""
    shown = str(path)
    document, damage, places = read_placed_document(path, options.max_input_bytes)
    stream = document.get("post_stream") if isinstance(document, Mapping) else None
    raw_posts = stream.get("posts") if isinstance(stream, Mapping) else None
    if not isinstance(document, Mapping) or not isinstance(raw_posts, list):
        raise InputError("is not a Discourse topic (no post_stream.posts)", path,
                         code="unknown_shape")
    problems: list[Problem] = list(damage)
    topic = _topic_id(document, raw_posts, path, problems)
    posts: list[Post] = []
    pointers: list[tuple[str | int, ...]] = []  # each post's, to place a duplicate
    for index, raw in enumerate(raw_posts):
        if not isinstance(raw, Mapping):  # worded as batch's streamed records say it
            problems.append(Problem("wrong_type", f"record is {type(raw).__name__}, expected "
                                    "an object", shown,
                                    *places.place_or_none(("post_stream", "posts", index))))
            continue
        try:
            posts.append(_post(raw, topic, shown))
            pointers.append(("post_stream", "posts", index))
        except RecordError as exc:
            problems.append(Problem(exc.code, f"post #{index}: {exc}", shown,
                                    *places.place_or_none(("post_stream", "posts", index))))
    ids = stream.get("stream") if isinstance(stream, Mapping) else None
    if isinstance(ids, list) and len(ids) > len(raw_posts):
        problems.append(Problem("posts_not_loaded", f"{len(ids) - len(raw_posts)} posts of "
                                f"the topic are not in this file (fetch /t/{topic}/posts.json)",
                                shown))
    title = as_optional_str(document.get("title"))
    thread = build_thread(f"discourse:{topic}", title, posts, shown,
                          lambda i: (shown, *places.place_or_none(pointers[i])))
    problems.extend(thread.problems)
    return ReadResult((thread,) if thread.posts else (), tuple(problems), len(raw_posts))
