"""Reddit: the ``/comments/<id>.json`` thread (two Listings) and Pushshift/Arctic NDJSON dumps.

Policies, decided once for both shapes:
- Entities: without ``raw_json=1`` Reddit escapes exactly ``&lt; &gt; &amp;`` in ``body``;
  only those three are undone (``html.unescape`` would also turn ``2 &times 3`` into ``2 × 3``).
- ``[deleted]``/``[removed]`` posts stay in the tree as placeholders flagged ``deleted`` /
  ``removed`` (their replies still need a parent); a ``[deleted]`` author becomes ``None`` so
  all deleted accounts are not merged into one "person".
- ``more`` stubs are reported as "N replies not loaded", never turned into fake posts.
- A submission's text is its title, a blank line, then its selftext (the title is usually
  the claim under discussion); the title is also kept in ``Post.title``.
- Markdown: a body is markdown source; its inline syntax is rendered (``markdown_text``: link
  and image text, escapes, emphasis, superscript) and its block markers kept for segmenting.
- Bots: a post by AutoModerator or signed "I am a bot" / "I'm a bot" / "this action was
  performed automatically" is flagged ``bot``: it stays in the tree (people reply to bots),
  and segmenting drops its text with the reason ``bot``.
- ``replies`` is ``""`` when a comment has no replies; the comment forest is walked with an
  explicit stack, so thread depth is unbounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from argmap.errors import InputError
from argmap.model import Post, Problem, SourceRef
from argmap.options import ReadOptions
from argmap.readers.jsonl import Draft, Located, read_records
from argmap.readers.markdown_text import markdown_to_text
from argmap.readers.records import (
    RecordError,
    as_id,
    as_optional_str,
    as_score,
    as_text,
    as_time,
    safe_url,
    with_fields,
)
from argmap.readers.reply_tree import build_thread
from argmap.readers.result import ReadResult
from argmap.readers.source import read_placed_document

REDDIT = "https://www.reddit.com"
DELETED_TEXT = {"[deleted]": "deleted", "[removed]": "removed"}
BOT_AUTHORS = frozenset({"AutoModerator"})
# bots sign their footers; read in the last BOT_FOOTER_CHARS characters of the rendered text
_BOT_SIGNATURE = re.compile(
    r"\bI(?:'|\u2019| a)?m a bot\b|\bthis (?:action|comment|post) was performed automatically",
    re.IGNORECASE)
BOT_FOOTER_CHARS = 600
# Every signature holds "bot" or "automat" in some case; the pattern (a word boundary, then an
# alternation, ignoring case) has no literal to scan for and was tried at each of the 600
# positions of every post: ~25 us a post, most of a dump's reading. ``str.lower`` maps exactly
# the characters the pattern takes for these letters (none of b, o, t, a, u, m has another
# case-insensitive match in ``re``; "automatically" is cut before its "i", which has: dotless ı)
_BOT_WORDS = ("bot", "automat")


def signed_by_bot(text: str) -> bool:
    """Whether the last ``BOT_FOOTER_CHARS`` characters carry a bot's signature."""
    tail = text[-BOT_FOOTER_CHARS:]
    lowered = tail.lower()
    return any(w in lowered for w in _BOT_WORDS) and _BOT_SIGNATURE.search(tail) is not None


def unescape_reddit(text: str) -> str:
    """Undo Reddit's three-entity escaping (one level only, as Reddit applied it)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def reddit_body(raw: str, author: str | None) -> tuple[str, set[str]]:
    """A Reddit body as a reader sees it, and its flags: entities undone, markdown rendered,
    ``[deleted]``/``[removed]`` placeholders and bots flagged (the module policies). Shared
    with ConvoKit's Reddit corpora, whose utterances are the same bodies."""
    text = unescape_reddit(raw)
    flags: set[str] = set()
    if text.strip() in DELETED_TEXT:
        flags.add(DELETED_TEXT[text.strip()])
    text = markdown_to_text(text)
    if author in BOT_AUTHORS or signed_by_bot(text):
        flags.add("bot")
    return text, flags


def _native(data: Mapping[str, object], prefix: str) -> str:
    name = as_id(data.get("name"), "name")
    if name and name.startswith(("t1_", "t3_")):
        return name
    native = as_id(data.get("id"), "id")
    if native is None:
        raise RecordError("missing_field", "reddit item without id or name")
    return native if native.startswith(("t1_", "t3_")) else prefix + native


def reddit_post(data: Mapping[str, object], kind: str, thread_id: str, path: str,
                line: int = 0) -> Post:
    """One t1 comment or t3 submission as a Post (see the module policies)."""
    is_submission = kind == "t3"
    native = _native(data, "t3_" if is_submission else "t1_")
    raw = data.get("selftext" if is_submission else "body")
    author = as_optional_str(data.get("author"))
    text, flags = reddit_body(as_text(raw if raw is not None or not is_submission else ""),
                              author)
    if author in DELETED_TEXT:
        author = None
    parent = as_id(data.get("parent_id"), "parent_id")
    title = as_optional_str(data.get("title"))
    if is_submission and title:  # the title is the submission's headline claim
        title = unescape_reddit(title)
        text = f"{title}\n\n{text}" if text.strip() else title
    return Post(
        id=f"reddit:{native}", thread_id=thread_id, text=text, author=author,
        reply_to=f"reddit:{parent}" if parent and not is_submission else None,
        created=as_time(data.get("created_utc", data.get("created"))),
        source=SourceRef(path, line, line, safe_url(data.get("permalink"), REDDIT)),
        flags=tuple(sorted(flags)), score=as_score(data.get("score")),
        title=title,
    )


def _listing_children(listing: object) -> list[object]:
    if isinstance(listing, Mapping) and isinstance(listing.get("data"), Mapping):
        children = listing["data"].get("children")
        if isinstance(children, list):
            return children
    return []


_CHILDREN = ("data", "children")


def _children_at(listing: object, pointer: tuple[str | int, ...]
                 ) -> list[tuple[object, tuple[str | int, ...]]]:
    """A Listing's children with their JSON pointers, last first (a stack pops the first)."""
    children = _listing_children(listing)
    return [(children[index], (*pointer, *_CHILDREN, index))
            for index in range(len(children) - 1, -1, -1)]


def read_reddit(path: Path, options: ReadOptions) -> ReadResult:
    """A ``/comments/<id>.json`` response: ``[submission Listing, comment Listing]``."""
    shown = str(path)
    document, damage, places = read_placed_document(path, options.max_input_bytes)
    if not (isinstance(document, list) and len(document) == 2):
        raise InputError("is not a Reddit thread (expected a list of two Listings)", path,
                         code="unknown_shape")
    submissions = [(index, c) for index, c in enumerate(_listing_children(document[0]))
                   if isinstance(c, Mapping) and c.get("kind") == "t3"]
    if not submissions or not isinstance(submissions[0][1].get("data"), Mapping):
        raise InputError("Reddit thread without its t3 submission", path, code="unknown_shape")
    top = submissions[0][1]["data"]
    problems: list[Problem] = list(damage)
    try:
        link = as_id(top.get("id"), "id") or "unknown"
    except RecordError:  # an object, a list, true: the submission is skipped as malformed below
        link = "unknown"
    thread_id = f"reddit:{link.removeprefix('t3_')}"
    posts: list[Post] = []
    pointers: list[tuple[str | int, ...]] = []  # each post's, to place a duplicate
    records = 1
    try:
        posts.append(reddit_post(top, "t3", thread_id, shown))
        pointers.append((0, *_CHILDREN, submissions[0][0]))
    except RecordError as exc:
        problems.append(Problem(exc.code, str(exc), shown, *places.place_or_none(
            (0, *_CHILDREN, submissions[0][0]))))
    stack = _children_at(document[1], (1,))
    while stack:
        child, pointer = stack.pop()
        if not isinstance(child, Mapping) or not isinstance(child.get("data"), Mapping):
            continue
        data = child["data"]
        if child.get("kind") == "more":
            count = data.get("count") if isinstance(data.get("count"), int) else 0
            parent = as_optional_str(data.get("parent_id")) or "?"
            message = (f"{count} replies to {parent} not loaded" if count else
                       f"deeper replies to {parent} not loaded ('continue this thread')")
            problems.append(Problem("more_replies", message, shown, 0, None,
                                    f"reddit:{parent}"))
            continue
        if child.get("kind") != "t1":
            continue
        records += 1
        try:
            posts.append(reddit_post(data, "t1", thread_id, shown))
            pointers.append(pointer)
        except RecordError as exc:
            problems.append(Problem(exc.code, str(exc), shown, *places.place_or_none(pointer)))
        stack.extend(_children_at(data.get("replies"), (*pointer, "data", "replies")))
    thread = build_thread(thread_id, posts[0].title if posts else None, posts, shown,
                          lambda i: (shown, *places.place_or_none(pointers[i])))
    problems.extend(thread.problems)
    return ReadResult((thread,) if thread.posts else (), tuple(problems), records)


# argmap's field names -> a Reddit row's keys, for ``--field`` (``text`` depends on the kind)
ROW_FIELDS = {"id": "id", "reply_to": "parent_id", "author": "author", "created": "created_utc",
              "thread": "link_id", "title": "title", "url": "permalink"}


def _dump_mapper(record: Mapping[str, object], where: Located, path: str,
                 options: ReadOptions) -> Draft:
    kind = record.get("kind")
    data = record.get("data") if kind in ("t1", "t3") else record
    if not isinstance(data, Mapping):
        raise RecordError("wrong_type", "reddit row 'data' is not an object")
    if kind not in ("t1", "t3"):
        kind = "t1" if ("parent_id" in data or "body" in data) and "title" not in data else "t3"
    if options.fields:
        data = with_fields(data, dict(options.fields),
                           {**ROW_FIELDS, "text": "body" if kind == "t1" else "selftext"})
    link = as_id(data.get("link_id"), "link_id") if kind == "t1" else _native(data, "t3_")
    if link is None:
        raise RecordError("missing_field", "reddit comment without link_id (its thread)")
    thread_id = f"reddit:{link.removeprefix('t3_')}"
    post = reddit_post(data, kind, thread_id, path, where.line)
    return Draft(post, thread_id)


def read_reddit_ndjson(path: Path, options: ReadOptions) -> ReadResult:
    """Pushshift / Arctic Shift dumps: one comment or submission per line, maybe .zst."""
    return read_records(path, options, _dump_mapper, f"reddit:{path.stem}")
