"""Plain-text threads (.txt, .md, pasted dumps): one file is one thread.

Three shapes are understood, most explicit first:
1. CreateDebate-style headers, ``#3 UserA Disputed #2`` on a line of their own: posts with
   authors and replies (Disputed/Supported/Clarified become a post flag).
2. Chat lines, ``Alice: text``, when most lines have that form and at least two speakers
   alternate: each line is a post replying to the previous speaker's post; the ``Alice: ``
   prefix is kept out of the text (it is the author, not something Alice claims).
3. Anything else: post boundaries are recovered from the text itself (``boundaries``), so a
   pasted dump of several forum posts does not become one blob; ``single_post`` turns that off.
Post text is exactly the source lines joined with ``\\n`` and ``SourceRef`` names the 1-based
line range, so offsets in a post map back to the file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from argmap.errors import plural
from argmap.model import Post, Problem, Quote, SourceRef
from argmap.options import ReadOptions
from argmap.readers import boundaries
from argmap.readers.reply_tree import build_thread
from argmap.readers.result import ReadResult
from argmap.readers.source import damage_problem, decode_text, read_content

_DEBATE_HEADER = re.compile(
    r"#(?P<n>\d{1,6})[ \t]+(?P<author>\S{1,80})"
    r"(?:[ \t]+(?P<stance>Disputed|Supported|Clarified)[ \t]+#[ \t]*(?P<target>\d{1,6}))?[ \t]*$"
)
_CHAT_LINE = re.compile(r"(?P<author>[A-Za-z][\w.' -]{0,30}?)[ \t]*:[ \t]+\S")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOPIC = re.compile(r"Topic:[ \t]*(?P<title>.+)$")


def _clean_lines(text: str) -> list[str]:
    text = _CONTROL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.split("\n")


def _quotes(lines: Sequence[str]) -> tuple[Quote, ...]:
    """Runs of ``>`` lines as quotes of an unknown post (kept in the text too)."""
    quotes: list[Quote] = []
    run: list[str] = []
    for line in [*lines, ""]:
        stripped = line.lstrip()
        if stripped.startswith(">"):
            run.append(stripped.lstrip(">").strip())
        elif run:
            body = "\n".join(run).strip()
            if body:
                quotes.append(Quote(body))
            run = []
    return tuple(quotes)


def _post(thread_id: str, n: int, lines: list[str], first: int, last: int, path: str,
          **extra: object) -> Post:
    while first <= last and not lines[first].strip():
        first += 1
    while last >= first and not lines[last].strip():
        last -= 1
    body = lines[first:last + 1]
    return Post(
        id=f"{thread_id}#p{n}", thread_id=thread_id, text="\n".join(body),
        source=SourceRef(path, first + 1, last + 1), quotes=_quotes(body), **extra,  # type: ignore[arg-type]
    )


def _debate_posts(thread_id: str, lines: list[str], path: str,
                  problems: list[Problem]) -> list[Post] | None:
    headers = [(i, m) for i, line in enumerate(lines) if (m := _DEBATE_HEADER.match(line))]
    if len(headers) < 2 or int(headers[0][1]["n"]) != 1:
        return None
    posts = []
    seen: dict[int, int] = {}
    for k, (index, match) in enumerate(headers):
        end = headers[k + 1][0] - 1 if k + 1 < len(headers) else len(lines) - 1
        target = match["target"]
        stance = match["stance"]
        number = int(match["n"])
        post = _post(thread_id, number, lines, index + 1, end, path,
                     author=match["author"],
                     reply_to=f"{thread_id}#p{int(target)}" if target else None,
                     flags=(stance.lower(),) if stance else ())
        seen[number] = seen.get(number, 0) + 1
        if seen[number] > 1:  # real exports repeat numbers; keep the post under a new id
            post = replace(post, id=f"{post.id}.{seen[number]}")
            problems.append(Problem("duplicate_number", f"post number #{number} appears "
                                    f"again; kept as {post.id}", path, index + 1, None,
                                    post.id))
        posts.append(post)
    return posts


def _chat_posts(thread_id: str, lines: list[str], path: str) -> list[Post] | None:
    nonblank = [(i, line) for i, line in enumerate(lines) if line.strip()]
    matches = [(i, _CHAT_LINE.match(line)) for i, line in nonblank]
    speakers = [m["author"].strip() for _, m in matches if m]
    if len(speakers) < 3 or len(speakers) < 0.8 * len(nonblank) or len(set(speakers)) < 2:
        return None
    if max(Counter(speakers).values()) < 2:
        return None  # "Pet peeve: ..." and "Note: ..." are not speakers
    turns: list[tuple[int, int, int, str]] = []  # first line, last line, prefix length, author
    for i, match in matches:
        if match is not None:
            turns.append((i, i, match.end() - 1, match["author"].strip()))
        elif turns:  # a continuation line belongs to the current speaker
            first, _, prefix, author = turns[-1]
            turns[-1] = (first, i, prefix, author)
    posts: list[Post] = []
    for n, (first, last, prefix, author) in enumerate(turns, start=1):
        if not posts:
            reply_to = None
        elif posts[-1].author != author:
            reply_to = posts[-1].id
        else:
            reply_to = posts[-1].reply_to
        post = _post(thread_id, n, lines, first, last, path, author=author, reply_to=reply_to)
        posts.append(replace(post, text=post.text[prefix:]))
    return posts


def _recovered_posts(thread_id: str, lines: list[str], path: str,
                     single_post: bool) -> list[Post]:
    units = boundaries.split_units(lines)
    if not units:
        return []
    starts = [0] if single_post else boundaries.find_boundaries(units)
    posts = []
    for k, start in enumerate(starts):
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(units) - 1
        posts.append(_post(thread_id, k + 1, lines, units[start].first, units[end].last, path))
    return posts


def read_text(path: Path, options: ReadOptions) -> ReadResult:
    """Read one plain-text thread; see the module docstring for the shapes understood."""
    shown = str(path)
    content = read_content(path, options.max_input_bytes)
    text, problems = decode_text(content.data, shown)
    lines = _clean_lines(text)
    if content.damage is not None:
        problems.append(damage_problem(content.damage, shown, len(lines), len(content.data),
                                       f"read the {plural(len(content.data), 'byte')} of text "
                                       "before it" + ("" if content.damage.kind == "trailing"
                                                      else "; whatever followed is lost")))
    thread_id = f"text:{path.stem}"
    title = next((m["title"].strip() for line in lines[:5] if (m := _TOPIC.match(line))), None)
    if options.single_post:
        posts = _recovered_posts(thread_id, lines, shown, single_post=True)
    else:
        posts = (_debate_posts(thread_id, lines, shown, problems)
                 or _chat_posts(thread_id, lines, shown)
                 or _recovered_posts(thread_id, lines, shown, single_post=False))
    posts = [p for p in posts if p.text.strip()]
    overlong = [p for p in posts if len(p.text) > options.max_text_chars]
    for post in overlong:
        problems.append(Problem("text_too_long", f"post is {len(post.text)} characters; kept "
                                f"the first {options.max_text_chars}", shown, post.source.line,
                                None, post.id))
    posts = [p if len(p.text) <= options.max_text_chars else
             _truncate(p, options.max_text_chars) for p in posts]
    thread = build_thread(thread_id, title, posts, shown)
    problems.extend(thread.problems)
    threads = (thread,) if thread.posts else ()
    return ReadResult(threads, tuple(problems), len(posts))


def _truncate(post: Post, limit: int) -> Post:
    return replace(post, text=post.text[:limit], flags=tuple(sorted({*post.flags, "truncated"})))
