"""Per-task cost before/after a change, two trees in lockstep: ``run_task`` CPU of a baseline
``src`` tree and of this one, one task at a time, alternating.

    python benchmarks/ab_lockstep.py DUMP --base SRC_DIR [--out DIR] [--tasks 8] [--rounds 3]

Why beside ``ab_tasks.py``: that one alternates whole processes (~30 s each), and on a
machine shared with other runs the load changes on that time scale, so its per-round ratios
swing by +-15 % and hide a few-percent change. Here two long-lived processes (one per tree,
each warmed on task 0 with its heap frozen as a pool worker's is) map the same task one after
the other, the order flipped every task, so both see nearly the same load; the figures are
the ratio of the CPU sums and the median of the per-task ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_WORKER = r"""
import gc, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from profile_task import _context
from argmap.corpus.tasks import run_task
with tempfile.TemporaryDirectory() as scratch:
    ctx, tasks = _context(Path(sys.argv[1]), Path(scratch), ["csv"])
    run_task(tasks[0], ctx)
    gc.freeze()
    print("ready", flush=True)
    for line in sys.stdin:
        index = int(line)
        started = time.process_time()
        result = run_task(tasks[index], ctx)
        print(time.process_time() - started, result["counts"]["posts"], flush=True)
"""


def _start(out: str, src: str | None) -> subprocess.Popen:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, out, str(HERE)], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    return worker


def _ask(worker: subprocess.Popen, index: int) -> tuple[float, int]:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(f"{index}\n")
    worker.stdin.flush()
    cpu, posts = worker.stdout.readline().split()
    return float(cpu), int(posts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--base", required=True, help="the baseline's src folder")
    parser.add_argument("--out", default=None, help="a batch OUTDIR holding the spill")
    parser.add_argument("--tasks", type=int, default=8, help="tasks 1..N of the spill")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="argmap-ab-")
    if not (Path(out) / ".argmap" / "manifest.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "profile_task.py"), args.dump, "--out", out,
                        "--tasks", "1", "--no-profile"], check=True, capture_output=True)
    base, new = _start(out, args.base), _start(out, None)
    sums = {"base": 0.0, "new": 0.0}
    ratios = []
    posts = 0
    try:
        step = 0
        for round_ in range(args.rounds):
            for index in range(1, args.tasks + 1):
                order = [("base", base), ("new", new)] if step % 2 == 0 else \
                    [("new", new), ("base", base)]
                step += 1
                cpu = {}
                for label, worker in order:
                    cpu[label], count = _ask(worker, index)
                    sums[label] += cpu[label]
                posts += count
                ratios.append(cpu["new"] / cpu["base"])
                print(f"round {round_ + 1} task {index}: base {cpu['base']:.3f} new "
                      f"{cpu['new']:.3f} CPU s, new/base {ratios[-1]:.3f}", flush=True)
    finally:
        for worker in (base, new):
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait()
    print(f"total: {len(ratios)} task pairs, {posts} posts each side; base {sums['base']:.2f} "
          f"new {sums['new']:.2f} CPU s, new/base {sums['new'] / sums['base']:.3f}, median "
          f"per task {statistics.median(ratios):.3f}; CPU ms/post base "
          f"{1000 * sums['base'] / posts:.3f} new {1000 * sums['new'] / posts:.3f}")


if __name__ == "__main__":
    main()
