"""argmap's own map JSON read back as threads: map a saved map again with other options.

Why: the native JSON (``exports/native.py``) is lossless: it holds every post as first read
(id, text, author, reply tree, source file and line) and the problems met reading it. A
moderator who kept only the map can map the thread again with other settings (a drawing
threshold, clause splitting, their own relation model) without the original export, and
``argmap inspect`` shows what a map file holds. The posts come back exactly as they were, so
the new map's ids, texts and sources are the old map's; the old claims, topics and relations
are not read (they are what is being made again).
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from argmap.errors import InputError
from argmap.model import Problem, Thread
from argmap.options import ReadOptions
from argmap.readers.reply_tree import build_thread
from argmap.readers.result import ReadResult
from argmap.readers.source import read_content


def read_argmap(path: Path, options: ReadOptions) -> ReadResult:
    """The threads of a map ``argmap map`` wrote (``"format": "argmap"``), one record per
    post, with the problems first met reading them (a map made from damaged input still
    lacks what was lost, so those losses count again)."""
    content = read_content(path, options.max_input_bytes)
    if content.damage is not None:
        raise InputError(f"{content.damage.describe()}; an argmap map is one JSON document, so "
                         "nothing could be read", path, code=content.damage.code,
                         byte_offset=len(content.data))
    from argmap.exports.native import from_json  # the exporters load only when a map is read

    try:
        amap, _ = from_json(content.data.lstrip(b"\xef\xbb\xbf"))
    except InputError as exc:
        raise InputError(f"an argmap map that cannot be read back: {exc.detail}", path,
                         code=exc.code) from exc
    threads = tuple(sorted((_as_tree(_with_named_parents(thread), str(path))
                            for thread in amap.threads), key=lambda thread: thread.id))
    problems = tuple(problem for thread in threads for problem in thread.problems)
    return ReadResult(threads, problems, sum(len(thread.posts) for thread in amap.threads))


def _as_tree(thread: Thread, path: str) -> Thread:
    """``thread`` as argmap wrote it when its posts form a reply tree in pre-order (every map
    argmap writes), else repaired as every reader's threads are (``build_thread``: a post id
    twice, a reply loop, a reply to itself or to a post not there, replies before their
    parents), each repair reported after the problems the map already held, at the post's
    source file and line as the map gives them: a map edited by hand or another tool is no
    more trusted than any input."""
    if _is_preorder_tree(thread):
        return thread
    rebuilt = build_thread(thread.id, thread.title, thread.posts, path)
    files = {post.id: post.source.path for post in thread.posts if post.source.path}
    found = tuple(replace(problem, path=files.get(problem.post_id, problem.path))
                  if problem.post_id else problem for problem in rebuilt.problems)
    return replace(rebuilt, problems=thread.problems + found, url=thread.url)


def _with_named_parents(thread: Thread) -> Thread:
    """``thread`` with each ``orphan_reply`` problem's ``replied_to`` given back: a saved map
    names an orphan's parent only in that problem's message (the field is not written, so maps
    keep schema 1.1), and a saved thread joined with another file of the same thread
    (``merge_parts``, ``batch``) hangs the orphan under that parent again when it is there.
    This is the one place a message is read for data: the saved map's own words."""
    if not any(problem.code == "orphan_reply" for problem in thread.problems):
        return thread
    return replace(thread, problems=tuple(
        replace(problem, _replied_to=_saved_parent(problem))
        if problem.code == "orphan_reply" and problem.replied_to is None else problem
        for problem in thread.problems))


def _saved_parent(problem: Problem) -> str | None:
    """The parent ``reply_tree.build_thread`` wrote into an orphan's message, ``post 'ID'
    replies to 'PARENT', which is not here`` (both as Python literals), or None."""
    head, tail = f"post {problem.post_id!r} replies to ", ", which is not here"
    message = problem.message
    if problem.post_id is None or not message.startswith(head) or not message.endswith(tail):
        return None
    try:
        parent = ast.literal_eval(message[len(head):-len(tail)])
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return parent if isinstance(parent, str) else None


def _is_preorder_tree(thread: Thread) -> bool:
    """Unique ids, and each post a root or a reply to a post on the path above it."""
    seen: set[str] = set()
    above: list[str] = []
    for post in thread.posts:
        if post.id in seen:
            return False
        seen.add(post.id)
        if post.reply_to is None:
            above = [post.id]
            continue
        while above and above[-1] != post.reply_to:
            above.pop()
        if not above:
            return False
        above.append(post.id)
    return True
