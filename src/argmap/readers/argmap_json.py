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

from pathlib import Path

from argmap.errors import InputError
from argmap.options import ReadOptions
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
    threads = tuple(sorted(amap.threads, key=lambda thread: thread.id))
    problems = tuple(problem for thread in threads for problem in thread.problems)
    return ReadResult(threads, problems, sum(len(thread.posts) for thread in threads))
