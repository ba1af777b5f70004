"""LessWrong / EA Forum (ForumMagnum) GraphQL comment results.

Shape: ``{"data": {"comments": {"results": [...]}}}``; each comment has ``_id``,
``parentCommentId`` (null = top level), ``postId``, ``postedAt``, ``htmlBody`` (or
``contents.html``), ``user.displayName`` and the flags ``deleted`` / ``retracted``. Post ids are
``lesswrong:<_id>``; a thread is ``lesswrong:<postId>``, and top-level comments are siblings.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from argmap.errors import InputError
from argmap.model import Post, SourceRef
from argmap.options import ReadOptions
from argmap.readers.html_text import html_to_text
from argmap.readers.jsonl import Draft, Located, read_records, whole_document_records
from argmap.readers.records import (
    RecordError,
    as_id,
    as_optional_str,
    as_score,
    as_time,
    lookup,
    safe_url,
)
from argmap.readers.result import ReadResult
from argmap.readers.source import read_placed_document


def _mapper(record: Mapping[str, object], where: Located, path: str,
            options: ReadOptions) -> Draft:
    native = as_id(record.get("_id"), "_id")
    if native is None:
        raise RecordError("missing_field", "comment without _id")
    html = record.get("htmlBody")
    if html is None:
        html = lookup(record, "contents.html")
    if html is not None and not isinstance(html, str):
        raise RecordError("wrong_type", "htmlBody is not a string")
    text, _ = html_to_text(html or "")
    flags = {name for name in ("deleted", "retracted") if record.get(name) is True}
    parent = as_id(record.get("parentCommentId"), "parentCommentId")
    post_id = as_id(record.get("postId"), "postId")
    author = as_optional_str(lookup(record, "user.displayName")) or as_optional_str(
        record.get("author"))
    post = Post(
        id=f"lesswrong:{native}", thread_id="", text=text, author=author,
        reply_to=f"lesswrong:{parent}" if parent else None,
        created=as_time(record.get("postedAt")),
        source=SourceRef(path, where.line, where.line, safe_url(record.get("pageUrl"))),
        flags=tuple(sorted(flags)), score=as_score(record.get("baseScore")),
    )
    return Draft(post, f"lesswrong:{post_id}" if post_id else None)


def read_lesswrong(path: Path, options: ReadOptions) -> ReadResult:
    """A saved GraphQL response of comments."""
    document, problems, places = read_placed_document(path, options.max_input_bytes)
    results = lookup(document, "data.comments.results") if isinstance(document, Mapping) else None
    if not isinstance(results, list):
        raise InputError("is not a LessWrong comments response (no data.comments.results)",
                         path, code="unknown_shape")
    located = whole_document_records(results, path, ("data", "comments", "results"))
    return read_records(path, options, _mapper, f"lesswrong:{path.stem}", located, problems,
                        places)
