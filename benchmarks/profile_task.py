"""Profile the per-thread cost of a corpus run: ``argmap.corpus.tasks.run_task`` in this process.

Why: ``argmap batch`` maps every thread alone, and a Reddit-shaped dump averages ~8 posts per
thread, so the stages' fixed costs per map, not their per-post costs, bound a corpus run.
``bench_corpus.py`` measures the whole run; this script shows where one task's time goes.

    python benchmarks/profile_task.py DUMP [--out DIR] [--tasks N] [--top 40] [--sort tottime]

A first ``argmap batch DUMP -o DIR --jobs 1 --tables csv`` (skipped when DIR already holds
one) leaves the spill buckets and the topic model; then the first N tasks are re-run here under
cProfile (their fragments go to a scratch folder) and the cumulative profile is printed with
posts, threads and ms per thread.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import tempfile
import time
from pathlib import Path

import orjson

from argmap.corpus import plan
from argmap.corpus.runner import run_batch
from argmap.corpus.tasks import run_task
from argmap.options import Options


def _context(out: Path, scratch: Path, formats: list[str]) -> tuple[dict, list]:
    records = [orjson.loads(line) for line in
               (out / ".argmap" / "manifest.jsonl").read_bytes().splitlines() if line.strip()]
    by_type: dict[str, list[dict]] = {}
    for record in records:
        by_type.setdefault(record.get("type", ""), []).append(record)
    model = by_type["topics"][-1]
    spill = by_type["spill"][-1]
    tasks = plan.plan_tasks([b["posts"] for b in spill["buckets"]])
    ctx = {"options": Options().to_dict(), "spill": str(out / ".argmap" / "spill"),
           "results": str(scratch), "out": str(scratch), "topic_model":
           str(out / ".argmap" / "topics.npz"), "topic_digest": model["digest"],
           "formats": formats, "maps": None, "quarantined": [], "report_top": 50}
    return ctx, tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--out", default=None)
    parser.add_argument("--tasks", type=int, default=1)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--formats", default="csv",
                        help="table formats the task writes: csv,parquet,sqlite (a batch default)")
    parser.add_argument("--callers", default=None, help="also who calls functions matching this")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="argmap-prof-"))
    if not (out / ".argmap" / "manifest.jsonl").exists():
        run_batch([args.dump], out, jobs=1, tables="csv")
    with tempfile.TemporaryDirectory() as scratch:
        ctx, tasks = _context(out, Path(scratch), args.formats.split(","))
        run_task(tasks[0], ctx)  # warm imports and the topic model
        # as in a pool worker, whose heap is the main process's frozen one: the collection at a
        # task's end (``release_text_caches``) then walks the task's objects only, not this
        # process's modules (~0.1 s a task here otherwise, ~0.01 s in a worker)
        gc.freeze()
        profile = cProfile.Profile()
        started = time.process_time()
        posts = threads = 0
        for task in tasks[: args.tasks]:
            if not args.no_profile:
                profile.enable()
            result = run_task(task, ctx)
            profile.disable()
            posts += result["counts"]["posts"]
            threads += result["counts"]["threads"]
        cpu = time.process_time() - started
    print(f"{args.tasks} task(s): {threads} threads, {posts} posts, {cpu:.2f} CPU s, "
          f"{1000 * cpu / max(threads, 1):.2f} ms/thread, {posts / cpu:.0f} posts/CPU-s"
          f" ({'profiled' if not args.no_profile else 'not profiled'})")
    if not args.no_profile:
        stats = pstats.Stats(profile).sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
