"""Turn a bag of posts into a well-formed reply tree.

Real inputs are messy: the same id twice, a comment that replies to itself, reply chains that
loop, replies to posts that are not in the file. Every later stage walks the tree, so this
module repairs each of those, deterministically and with a reported ``Problem``, and returns
the posts in reply-tree pre-order. Everything is iterative: a 100,000-deep chain is ordinary
input (long chat logs), and Python's recursion limit is 1,000.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from argmap.model import Post, Problem, Thread

# where a post's record is: file, line, byte offset (None when unknown). A post's SourceRef
# keeps no byte offset (maps would change), so readers that know one pass, alongside the
# posts, the place of the i-th post; asked only for a duplicate (placing a record of a whole
# JSON document scans it: a clean file costs nothing)
Place = tuple[str, int, int | None]
PlaceOf = Callable[[int], Place | None]

ORPHAN_FLAG = "orphan"
# the parent ``with_named_parents`` gives a post cut out of a reply loop: never an input id
# (those carry their source's prefix), so the whole hangs it under its own root, silently
CYCLE_CUT = "\x00cut"


def _order_key(post: Post) -> tuple[float, str]:
    """Siblings are shown oldest first; posts without a time go last, then by id."""
    created = post.created
    if created is None or not math.isfinite(created):
        return (math.inf, post.id)
    return (created, post.id)


def orphan_target(problem: Problem) -> str | None:
    """The id an ``orphan_reply`` problem's post replied to, or None for any other problem."""
    return problem.replied_to if problem.code == "orphan_reply" else None


def with_named_parents(thread: Thread) -> list[Post]:
    """The thread's posts, each orphan given back the parent it named and each post cut out of
    a reply loop marked ``CYCLE_CUT`` (their orphan flags taken off, ``build_thread`` puts
    them back): what a thread built from one file of several must be joined from, so that the
    whole hangs them under its root as if it had been built in one piece."""
    targets = {problem.post_id: target for problem in thread.problems
               if (target := orphan_target(problem)) is not None}
    targets.update((problem.post_id, CYCLE_CUT) for problem in thread.problems
                   if problem.code == "reply_cycle" and problem.post_id is not None)
    if not targets:
        return list(thread.posts)
    return [replace(post, reply_to=targets[post.id],
                    flags=tuple(f for f in post.flags if f != ORPHAN_FLAG))
            if post.id in targets and ORPHAN_FLAG in post.flags else post
            for post in thread.posts]


def merge_parts(thread_id: str, parts: Sequence[Thread], path: str = "") -> Thread:
    """One thread from the parts several files gave it (dump shards, months, pages).

    Each file's thread was built alone, so a reply to a post in another file was an orphan
    there, its parent replaced by the root. Here every such post gets back the parent it
    named, and the whole is repaired again (``build_thread``): a reply across files is a reply,
    a post in two files is a reported duplicate, a loop across files is cut. The parts' other
    problems stay; their orphan reports give way to the whole's."""
    posts = [post for part in parts for post in with_named_parents(part)]
    title = next((part.title for part in parts if part.title), None)
    whole = build_thread(thread_id, title, posts, path)
    kept = tuple(problem for part in parts for problem in part.problems
                 if orphan_target(problem) is None)
    files = {post.id: post.source.path for post in posts if post.source.path}
    found = tuple(replace(problem, path=files.get(problem.post_id, problem.path))
                  if problem.post_id else problem for problem in whole.problems)
    return replace(whole, problems=kept + found,
                   url=next((part.url for part in parts if part.url), None))


def _with_flag(post: Post, flag: str) -> Post:
    return replace(post, flags=tuple(sorted(set(post.flags) | {flag})))


def _dedupe(posts: Sequence[Post], path: str, place_of: PlaceOf | None = None
            ) -> tuple[list[Post], list[Problem]]:
    """Keep the first post of each id: later copies are usually re-fetched pages. A later
    copy is named where its record is (``place_of(i)`` for ``posts[i]``, when given: file,
    line and byte, as every other skipped record is), else by its post's line."""
    seen: set[str] = set()
    kept: list[Post] = []
    problems: list[Problem] = []
    for index, post in enumerate(posts):
        if post.id in seen:
            place = place_of(index) if place_of is not None else None
            where = place if place is not None else (path, post.source.line, None)
            problems.append(
                Problem("duplicate_id", f"duplicate post id {post.id!r}; kept the first copy",
                        *where, post.id)
            )
            continue
        seen.add(post.id)
        kept.append(post)
    return kept, problems


def _break_cycles(parent: dict[str, str | None], path: str) -> list[Problem]:
    """Cut every reply loop at its smallest id, so the cut does not depend on input order."""
    problems: list[Problem] = []
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = known to reach a root
    for start in sorted(parent):
        walk: list[str] = []
        node: str | None = start
        while node is not None and state.get(node, 0) == 0:
            state[node] = 1
            walk.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            cycle = walk[walk.index(node):]
            cut = min(cycle)
            parent[cut] = None
            problems.append(
                Problem("reply_cycle",
                        f"reply cycle through {len(cycle)} posts; cut above {cut!r}",
                        path, 0, None, cut)
            )
        for visited in walk:
            state[visited] = 2
    return problems


def build_thread(
    thread_id: str, title: str | None, posts: Sequence[Post], path: str = "",
    place_of: PlaceOf | None = None,
) -> Thread:
    """Repair and order ``posts`` into a ``Thread`` (see the module docstring); ``place_of``
    (optional) says where the i-th post's record is, to name a duplicate there.

    Orphans (replies to unknown posts) and posts cut out of a cycle hang under the thread's
    root (the earliest post without a parent) when there is one, and are flagged "orphan".
    """
    kept, problems = _dedupe(posts, path, place_of)
    by_id = {post.id: post for post in kept}
    parent: dict[str, str | None] = {}
    for post in kept:
        target = post.reply_to
        if target == post.id:
            problems.append(Problem("self_reply", f"post {post.id!r} replies to itself",
                                    path, post.source.line, None, post.id))
            target = None
        parent[post.id] = target

    orphans = sorted(pid for pid, target in parent.items()
                     if target is not None and target not in by_id)
    for pid in orphans:
        if parent[pid] != CYCLE_CUT:  # cut out of a loop when its file was built: said then
            problems.append(Problem("orphan_reply",
                                    f"post {pid!r} replies to {parent[pid]!r}, which is not "
                                    "here", path, by_id[pid].source.line, None, pid,
                                    _replied_to=parent[pid]))
        parent[pid] = None
    cycle_problems = _break_cycles(parent, path)
    problems.extend(cycle_problems)
    repaired = set(orphans) | {p.post_id for p in cycle_problems if p.post_id}

    original_roots = [by_id[pid] for pid, target in parent.items()
                      if target is None and pid not in repaired]
    root = min(original_roots, key=_order_key).id if original_roots else None
    for pid in sorted(repaired):
        parent[pid] = root if root is not None and root != pid else None
        by_id[pid] = _with_flag(by_id[pid], ORPHAN_FLAG)

    children: dict[str | None, list[Post]] = {}
    for pid, target in parent.items():
        children.setdefault(target, []).append(by_id[pid])
    ordered: list[Post] = []
    stack = sorted(children.get(None, []), key=_order_key, reverse=True)
    while stack:
        post = stack.pop()
        if post.reply_to != parent[post.id]:
            post = replace(post, reply_to=parent[post.id])
        ordered.append(post)
        stack.extend(sorted(children.get(post.id, []), key=_order_key, reverse=True))
    return Thread(id=thread_id, title=title, posts=tuple(ordered), problems=tuple(problems))
