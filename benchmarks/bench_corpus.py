"""`argmap batch` on Reddit-dump-shaped corpora of 10k, 100k and 1M posts, with same-run baselines.

What it measures, per corpus size and run (``--jobs 1``, ``--jobs 2``, Dask with 2 workers):
wall seconds, posts/s, claims/s, peak memory of the whole process tree (sampled from /proc every
0.25 s: the sum of RSS, which counts pages shared by forked workers once per process, and the
sum of PSS, which shares them out), per-post cost growth from the smallest size, and whether
every record was accounted for (records in = processed + skipped + quarantined = lines of the
dump). Beside them, measured in the same invocation on the 10k-post dump, each in a fresh
process: the single-process ``argmap map`` pipeline (read, then one map per thread, analyse; no
rendering, as batch) and a segmentation-only ceiling (read + segment, the stage every post
must go through). ``ceiling ratio`` = batch posts/s / (segmentation posts/s x workers).

The machine is shared and noisy: compare the ratios, and rerun when the load is high (the
load average is printed with each run).

Usage: python benchmarks/bench_corpus.py [--sizes 10000,100000,1000000] [--runs jobs1,jobs2,dask]
                                         [--big-runs jobs2,dask] [--zst] [--json] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402
import make_dump  # noqa: E402

DUMPS = make_corpus.CACHE_DIR / "dumps"
RUNS = {"jobs1": ["--jobs", "1"], "jobs2": ["--jobs", "2"],
        "dask": ["--jobs", "2", "--scheduler", "dask"]}
WORKERS = {"jobs1": 1, "jobs2": 2, "dask": 2}

BASELINE = """
import sys, time
t0 = time.perf_counter()
from argmap.analysis import analyse
from argmap.options import Options
from argmap.pipeline import build_map
from argmap.readers import read_threads
options = Options()
start = time.perf_counter()
threads = read_threads([sys.argv[1]], options.read).threads
claims = 0
for thread in threads:
    amap = build_map([thread], options)
    analyse(amap, options.analyse)
    claims += len(amap.claims)
posts = sum(len(t.posts) for t in threads)
print(posts, claims, time.perf_counter() - start)
"""
CEILING = """
import sys, time
from argmap.options import Options
from argmap.readers import read_threads
from argmap.segment import segment
options = Options()
start = time.perf_counter()
threads = read_threads([sys.argv[1]], options.read).threads
claims, _ = segment(threads, options.segment)
posts = sum(len(t.posts) for t in threads)
print(posts, len(claims), time.perf_counter() - start)
"""


def ensure_dump(size: int, seed: int, zst: bool) -> Path:
    """The dump for ``size`` posts, built once (the name carries a hash of the generators)."""
    code = b"".join(Path(m.__file__).read_bytes() for m in (make_corpus, make_dump))
    version = hashlib.sha256(code).hexdigest()[:8]
    path = DUMPS / f"RC_bench-{size}-seed{seed}-{version}.{'zst' if zst else 'jsonl'}"
    if not path.is_file():
        print(f"building {path.name} ...", file=sys.stderr)
        make_dump.write_dump(make_dump.dump_records(size, seed), path, zst)
    return path


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _memory(pids: list[int]) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes of the processes."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def measured(command: list[str]) -> dict[str, Any]:
    """Run ``command``; wall time, exit code, output and the process tree's peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss, pss = _memory(_tree(process.pid))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.25)
    out, err = process.communicate()
    return {"wall": time.perf_counter() - start, "rc": process.returncode,
            "stdout": out.decode(), "stderr": err.decode(), "peak_rss_mb": peak_rss / 2**20,
            "peak_pss_mb": peak_pss / 2**20, "load": os.getloadavg()[0]}


def reference(script: str, path: Path) -> dict[str, Any]:
    result = measured([sys.executable, "-c", script, str(path)])
    if result["rc"] != 0:
        raise SystemExit(result["stderr"])
    posts, claims, seconds = result["stdout"].split()
    return {"posts": int(posts), "claims": int(claims), "seconds": float(seconds),
            "posts_per_s": int(posts) / float(seconds), "peak_rss_mb": result["peak_rss_mb"]}


def batch(path: Path, run: str, lines: int, keep: Path | None) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="argmap-bench-", dir=keep))
    try:
        result = measured([sys.executable, "-m", "argmap", "batch", str(path), "-o", str(out),
                           "-q", *RUNS[run]])
        if result["rc"] not in (0, 3):
            raise SystemExit(f"{run} failed ({result['rc']}): {result['stderr'][-2000:]}")
        summary = orjson.loads((out / "summary.json").read_bytes())
    finally:
        if keep is None:
            shutil.rmtree(out, ignore_errors=True)
    accounted = (summary["records_in"] == lines == summary["processed"] + summary["skipped"]
                 + summary["quarantined"])
    return {"run": run, "posts": summary["processed"], "claims": summary["claims"],
            "wall": result["wall"], "posts_per_s": summary["processed"] / result["wall"],
            "claims_per_s": summary["claims"] / result["wall"],
            "peak_rss_mb": result["peak_rss_mb"], "peak_pss_mb": result["peak_pss_mb"],
            "records_in": summary["records_in"], "accounted": accounted,
            "load": result["load"]}


def table(rows: list[dict[str, Any]], baseline: dict[str, Any], ceiling: dict[str, Any]) -> str:
    first: dict[str, float] = {}
    lines = [f"same run, 10k-post dump, one process: map pipeline {baseline['posts_per_s']:,.0f}"
             f" posts/s, segmentation only {ceiling['posts_per_s']:,.0f} posts/s", "",
             f"{'posts':>9} {'run':>6} {'wall s':>8} {'posts/s':>8} {'claims/s':>9} "
             f"{'RSS MB':>7} {'PSS MB':>7} {'vs map':>7} {'ceiling':>8} {'growth':>7} "
             f"{'accounted':>9} {'load':>5}"]
    for row in sorted(rows, key=lambda r: (r["run"], r["posts"])):
        per_post = row["wall"] / max(row["posts"], 1)
        first.setdefault(row["run"], per_post)
        lines.append(
            f"{row['posts']:>9,} {row['run']:>6} {row['wall']:>8.1f} {row['posts_per_s']:>8,.0f}"
            f" {row['claims_per_s']:>9,.0f} {row['peak_rss_mb']:>7,.0f} {row['peak_pss_mb']:>7,.0f}"
            f" {row['posts_per_s'] / baseline['posts_per_s']:>6.2f}x"
            f" {row['posts_per_s'] / (ceiling['posts_per_s'] * WORKERS[row['run']]):>8.2f}"
            f" {per_post / first[row['run']]:>6.2f}x {'yes' if row['accounted'] else 'NO':>9}"
            f" {row['load']:>5.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", default="jobs1,jobs2,dask")
    parser.add_argument("--big-runs", default="jobs2,dask",
                        help="runs at 1M posts and more (one worker there takes an hour)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--zst", action="store_true", help="benchmark the .zst dumps")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the output folders under DIR")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [r for r in args.runs.split(",") if r]
    big_runs = [r for r in args.big_runs.split(",") if r]
    small = ensure_dump(10_000, args.seed, zst=False)
    baseline = reference(BASELINE, small)
    ceiling = reference(CEILING, small)
    rows = []
    for size in sizes:
        path = ensure_dump(size, args.seed, args.zst)
        lines = size  # one record per post
        for run in (big_runs if size >= 1_000_000 else runs):
            rows.append(batch(path, run, lines, args.keep))
            print(table(rows, baseline, ceiling), file=sys.stderr)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps({"baseline": baseline, "ceiling": ceiling,
                                              "rows": rows}, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print(table(rows, baseline, ceiling))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
