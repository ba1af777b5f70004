"""One giant thread through `argmap map` and `argmap batch`: time and peak memory per size and shape.

Reddit megathreads hold 50,000-200,000 comments. For each shape (``make_corpus.build_thread``:
``heated`` replies to recent posts, ``flat`` is one post with a huge fan-out, ``chain`` a reply
chain as deep as the thread, ``balanced`` a tree three wide) and size, one JSONL file of that
one thread is run through the real CLI in a fresh process: ``argmap map`` (the default outputs:
SVG maps, native JSON, summary) and ``argmap batch --jobs 2`` (the corpus tables). Each process
tree is sampled from /proc every 0.25 s: the peaks of the sums of RSS and of PSS over the tree
(RSS counts a page shared by forked workers once per process, PSS shares it out) and of the
largest single process. Beside them, in the same run, the 1,000-post thread of the same shape:
``growth`` is the per-post wall time against it (1.00 = linear; the fixed costs of a run make
small sizes look dear), ``MB/1k`` the peak tree PSS per 1,000 posts.

``--code NAME=SRC`` runs every case again with another source tree first on ``PYTHONPATH``
(``git archive <rev> src | tar -x -C /tmp/old``), so a before/after comparison is one run under
one load. The machine is shared: compare ratios within a run, not seconds across runs.

Usage: python benchmarks/bench_big_thread.py [--sizes 5000,20000,50000] [--shapes heated,flat,chain]
                                             [--runs map,batch] [--code before=/tmp/old/src] [--json]
"""

from __future__ import annotations

import argparse
import os
import re
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
from bench_corpus import _tree  # noqa: E402

THREADS = make_corpus.CACHE_DIR / "big-threads"
BASE_POSTS = 1_000
CLAIMS = re.compile(r"([\d,]+) claims")


def ensure_thread(shape: str, posts: int, seed: int) -> Path:
    """The JSONL file of one ``shape`` thread of ``posts`` posts, built once."""
    path = THREADS / f"{shape}-{posts}-seed{seed}.jsonl"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_corpus.write_corpus(make_corpus.build_thread(posts, shape, seed), path)
    return path


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in bytes; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def measured(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``command``: wall seconds, exit code, output, the peak over the tree of the sum of
    RSS (pages shared by forked workers, or by a child between its fork and exec, counted in
    each) and of PSS (shared pages divided among the processes), and the largest process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak_tree = peak_pss = peak_one = 0
    while process.poll() is None:
        sizes = [_memory(pid) for pid in _tree(process.pid)]
        peak_tree = max(peak_tree, sum(rss for rss, _ in sizes))
        peak_pss = max(peak_pss, sum(pss for _, pss in sizes))
        peak_one = max(peak_one, *(rss for rss, _ in sizes), 0)
        time.sleep(0.25)
    out, err = process.communicate()
    return {"wall": time.perf_counter() - start, "rc": process.returncode,
            "output": out.decode() + err.decode(), "tree_mb": peak_tree / 2**20,
            "pss_mb": peak_pss / 2**20, "one_mb": peak_one / 2**20,
            "load": os.getloadavg()[0]}


def run_case(run: str, path: Path, env: dict[str, str]) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="argmap-big-"))
    try:
        if run == "map":
            result = measured([sys.executable, "-m", "argmap", "map", str(path), "-o", str(out)],
                              env)
            found = CLAIMS.search(result["output"])
            claims = int(found.group(1).replace(",", "")) if found else 0
            accounted = result["rc"] == 0
        else:
            result = measured([sys.executable, "-m", "argmap", "batch", str(path), "-o",
                               str(out), "-q", "--jobs", "2"], env)
            summary = orjson.loads((out / "summary.json").read_bytes()) if result["rc"] in (
                0, 3) else {}
            claims = summary.get("claims", 0)
            lines = sum(1 for _ in path.open("rb"))
            accounted = summary.get("records_in") == lines == (
                summary.get("processed", -1) + summary.get("skipped", 0)
                + summary.get("quarantined", 0))
        if result["rc"] not in (0, 3):
            raise SystemExit(f"{run} {path.name} failed ({result['rc']}): "
                             f"{result['output'][-2000:]}")
        json_mb = sum(p.stat().st_size for p in out.glob("*.json")) / 2**20
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {**{k: v for k, v in result.items() if k != "output"}, "claims": claims,
            "accounted": accounted, "json_mb": json_mb}


def table(rows: list[dict[str, Any]]) -> str:
    base = {(r["code"], r["run"], r["shape"]): r for r in rows if r["posts"] == BASE_POSTS}
    lines = [f"{'code':>7} {'run':>5} {'shape':>8} {'posts':>7} {'claims':>8} {'wall s':>7} "
             f"{'posts/s':>7} {'claims/s':>8} {'tree MB':>8} {'PSS MB':>7} {'1 proc':>7} {'MB/1k':>6} "
             f"{'JSON MB':>7} {'growth':>6} {'ok':>3} {'load':>5}"]
    for r in rows:
        first = base.get((r["code"], r["run"], r["shape"]))
        growth = (r["wall"] / r["posts"]) / (first["wall"] / first["posts"]) if first else 0.0
        lines.append(
            f"{r['code']:>7} {r['run']:>5} {r['shape']:>8} {r['posts']:>7,} {r['claims']:>8,}"
            f" {r['wall']:>7.1f} {r['posts'] / r['wall']:>7,.0f} {r['claims'] / r['wall']:>8,.0f}"
            f" {r['tree_mb']:>8,.0f} {r['pss_mb']:>7,.0f} {r['one_mb']:>7,.0f}"
            f" {r['pss_mb'] * 1000 / r['posts']:>6,.0f}"
            f" {r['json_mb']:>7,.0f} {growth:>5.2f}x {'yes' if r['accounted'] else 'NO':>3}"
            f" {r['load']:>5.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,20000,50000")
    parser.add_argument("--shapes", default="heated,flat,chain")
    parser.add_argument("--runs", default="map,batch")
    parser.add_argument("--code", action="append", default=[],
                        help="NAME=SRC: also run every case with SRC first on PYTHONPATH")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = [BASE_POSTS, *(int(s) for s in args.sizes.split(",") if int(s) != BASE_POSTS)]
    codes = [("now", os.environ.copy())]
    for item in args.code:
        name, _, src = item.partition("=")
        env = os.environ.copy()
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
        codes.append((name, env))
    rows: list[dict[str, Any]] = []
    for shape in args.shapes.split(","):
        for posts in sizes:
            path = ensure_thread(shape, posts, args.seed)
            for run in args.runs.split(","):
                for code, env in codes:  # one after the other: never two big runs at once
                    rows.append({"code": code, "run": run, "shape": shape, "posts": posts,
                                 **run_case(run, path, env)})
                    print(table(rows).splitlines()[-1], file=sys.stderr, flush=True)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
