"""Per-thread cost before/after a change, in one run: ``run_task`` CPU time of two source trees.

    python benchmarks/ab_tasks.py DUMP --base SRC_DIR [--out DIR] [--tasks 3] [--rounds 3]

``SRC_DIR`` is the ``src`` folder of the baseline (for example ``git archive <commit> src | tar
-x -C /tmp/base``). Both trees map the same tasks of the same spill (``profile_task.py
--no-profile``, fresh processes, alternating base/new so a busy machine slows both alike);
the figure to trust is the ratio of their CPU seconds, per round and in total.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_LINE = re.compile(r"(\d+) threads, (\d+) posts, ([\d.]+) CPU s")


def _run(dump: str, out: str, tasks: int, src: str | None) -> tuple[int, int, float]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, str(HERE / "profile_task.py"), dump, "--out", out,
                           "--tasks", str(tasks), "--no-profile"], env=env, check=True,
                          capture_output=True, text=True)
    found = _LINE.search(done.stdout)
    assert found, done.stdout + done.stderr
    return int(found[1]), int(found[2]), float(found[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump")
    parser.add_argument("--base", required=True, help="the baseline's src folder")
    parser.add_argument("--out", default=None, help="a batch OUTDIR to reuse (spill, model)")
    parser.add_argument("--tasks", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="argmap-ab-")
    totals = {"base": 0.0, "new": 0.0}
    print(f"{'round':>5} {'threads':>8} {'posts':>7} {'base CPU s':>11} {'new CPU s':>10} "
          f"{'base ms/thr':>12} {'new ms/thr':>11} {'new/base':>9}")
    for k in range(args.rounds):
        threads, posts, base = _run(args.dump, out, args.tasks, args.base)
        _, _, new = _run(args.dump, out, args.tasks, None)
        totals["base"] += base
        totals["new"] += new
        print(f"{k + 1:>5} {threads:>8} {posts:>7} {base:>11.2f} {new:>10.2f} "
              f"{1000 * base / threads:>12.2f} {1000 * new / threads:>11.2f} "
              f"{new / base:>9.3f}")
    ratio = totals["new"] / totals["base"]
    print(f"total: base {totals['base']:.2f} CPU s, new {totals['new']:.2f} CPU s, "
          f"new/base {ratio:.3f} (throughput x{1 / ratio:.2f})")


if __name__ == "__main__":
    main()
