"""Where a whole ``argmap batch`` run's time goes: wall and main-process CPU per step.

Why: with ``--jobs 2`` only the map step runs on both cores; reading (partition into spill
buckets), the topic-model fit, and joining the tables run in the main process alone, so a
serial step caps the run's throughput whatever the per-thread cost.

    python benchmarks/batch_phases.py DUMP [--jobs 2] [--tables csv] [--out DIR]

Prints per step (read, topics, map, tables+report): wall seconds, main-process CPU seconds,
the CPU seconds of the worker processes that ended in the step (pool workers are reaped when
the step's pool shuts down), and the step's share of the run's wall time. The topic step is
also shown in its two parts: the sample (reading and segmenting the sample threads, their
stems) and the fit (``topic_model.fit``: TF-IDF, LSA, k-means, labels).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from argmap.corpus import steps as steps_module
from argmap.corpus.runner import run_batch

STEPS = ("read", "topics", "map")


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(record: dict[str, list[float]], name: str, method: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu, children = time.perf_counter(), time.process_time(), _children()
        try:
            return method(*args, **kwargs)
        finally:
            record[name] = [time.perf_counter() - wall, time.process_time() - cpu,
                            _children() - children]
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--tables", default="csv")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="argmap-phases-"))
    record: dict[str, list[float]] = {}
    for name in STEPS:
        setattr(steps_module.Steps, name, _timed(record, name,
                                                  getattr(steps_module.Steps, name)))
    parts: dict[str, list[float]] = {}
    steps_module.fit = _timed(parts, "fit", steps_module.fit)
    wall, cpu, children = time.perf_counter(), time.process_time(), _children()
    report = run_batch([args.dump], out, jobs=args.jobs, tables=args.tables)
    total = [time.perf_counter() - wall, time.process_time() - cpu, _children() - children]
    record["tables+report"] = [t - sum(v[i] for v in record.values())
                               for i, t in enumerate(total)]
    print(f"{report.processed:,} posts, {report.threads:,} threads, jobs {args.jobs}: "
          f"{total[0]:.2f} s wall, {report.processed / total[0]:,.0f} posts/s, CPU "
          f"{total[1] + total[2]:.2f} s ({1000 * (total[1] + total[2]) / report.processed:.2f}"
          " ms/post)")
    print(f"{'step':<15}{'wall s':>9}{'main CPU s':>12}{'worker CPU s':>14}{'share':>8}")
    if "fit" in parts and "topics" in record:
        parts["sample"] = [t - f for t, f in zip(record["topics"], parts["fit"], strict=True)]
    for name, (w, c, k) in record.items():
        print(f"{name:<15}{w:>9.2f}{c:>12.2f}{k:>14.2f}{w / total[0]:>8.1%}")
        if name == "topics":
            for part in ("sample", "fit"):
                if part in parts:
                    w, c, k = parts[part]
                    print(f"  {part:<13}{w:>9.2f}{c:>12.2f}{k:>14.2f}{w / total[0]:>8.1%}")
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
