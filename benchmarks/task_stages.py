"""Where a corpus task's CPU goes, stage by stage, measured directly (no sampling profiler).

    python benchmarks/task_stages.py DUMP [--out DIR] [--tasks 4]

Why: a sampling profiler (py-spy) misplaces time in generator-heavy code (it put ~6 % of a
task in Punkt's break decisions, which a direct count puts at ~1 %), and cProfile inflates
the many small calls. Here the stage functions ``run_task`` reaches are wrapped, each call
timed with ``time.process_time``, on tasks 2..N+1 of a batch OUTDIR's spill (made first, as
``profile_task.py`` does, when DIR holds none; the first task warms imports and the topic
model). Nested stages are inside their parents' figures (``make_layout`` inside
``generate_columns`` inside ``link_each``); a cached function (``text_cues``) is timed on
every call, hits included, so its figure is a little high.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from argmap.corpus import quarantine, thread_map
from argmap.corpus import tasks as task_module
from argmap.corpus.fragments import FragmentWriter
from argmap.corpus.runner import run_batch
from argmap.corpus.topic_model import CorpusTopics
from argmap.link import candidates, layout, linker
from profile_task import _context

SPENT: Counter[str] = Counter()


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] += time.process_time() - started
    return timed


def _wrap(owner: Any, name: str, label: str | None = None) -> None:
    setattr(owner, name, _timed(label or name, getattr(owner, name)))


def instrument() -> None:
    """Wrap the stages where their callers look them up (module globals, class methods)."""
    for name in ("segment_post", "link_each", "analyse_each"):
        _wrap(thread_map, name)
    _wrap(CorpusTopics, "thread_topics_many", "corpus topics (thread_topics_many)")
    for name in ("generate_columns", "select_relations"):
        _wrap(linker, name, f"  {name}")
    _wrap(candidates, "make_layout", "    make_layout")
    _wrap(layout, "text_cues", "      text_cues")
    for name in ("thread_rows", "release_text_caches", "task_threads", "assemble_thread"):
        _wrap(task_module, name)
    _wrap(quarantine, "map_thread")
    _wrap(FragmentWriter, "add", "FragmentWriter.add (CSV text)")
    _wrap(FragmentWriter, "close", "FragmentWriter.close")
    _wrap(task_module.Summary, "add", "Summary.add")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--out", default=None)
    parser.add_argument("--tasks", type=int, default=4)
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="argmap-stages-"))
    if not (out / ".argmap" / "manifest.jsonl").exists():
        run_batch([args.dump], out, jobs=1, tables="csv")
    instrument()
    with tempfile.TemporaryDirectory() as scratch:
        ctx, tasks = _context(out, Path(scratch), ["csv"])
        task_module.run_task(tasks[0], ctx)  # warm imports and the topic model
        gc.freeze()  # as in a forked pool worker (see profile_task.py)
        SPENT.clear()
        started = time.process_time()
        posts = 0
        for task in tasks[1:1 + args.tasks]:
            posts += task_module.run_task(task, ctx)["counts"]["posts"]
        total = time.process_time() - started
    print(f"{min(args.tasks, len(tasks) - 1)} task(s), {posts} posts, {total:.2f} CPU s, "
          f"{1000 * total / max(posts, 1):.3f} CPU ms per post")
    for label, spent in sorted(SPENT.items(), key=lambda item: -item[1]):
        print(f"{label:40s} {spent:7.2f} s {100 * spent / total:6.1f} %")


if __name__ == "__main__":
    main()
