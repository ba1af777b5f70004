"""Pipeline throughput, memory and topic quality on real-sentence corpora, with a same-run baseline.

Why this shape: the machine is shared and noisy, so absolute posts/s mean little; each size
runs in a fresh subprocess (its own peak RSS from ``getrusage``, no tracemalloc slowdown) and
also times a naive baseline (orjson + untrained NLTK Punkt + TfidfVectorizer + KMeans, the
"reference pipeline" floor of performance.md) in the same process, so ``argmap / baseline``
compares across machines. Render is not included (see bench_render.py).

Measured per size: read (argmap.readers.read_threads, jsonl), build_map stages (segment,
cluster, link, timed through build_map's progress callback), analyse; posts/s, claims/s,
peak RSS; topic count, largest topic's share, "other" share; on the sizes in
``--stability-sizes`` the adjusted Rand index of claim->topic labels between 3 runs with
shuffled input line order (should be 1.0: argmap promises order independence) and between 3
cluster seeds.

Usage: python benchmarks/bench_pipeline.py [--sizes 1000,10000] [--json] [--profile 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

CORPUS_DIR = make_corpus.CACHE_DIR / "corpora"
Row = dict[str, Any]
READER = "argmap.readers"
MISSING: list[str] = []


def ensure_corpus(size: int, seed: int) -> Path:
    """Build (once) and return the corpus file for ``size`` posts; deterministic for a seed.

    The cache name carries a hash of make_corpus.py, so an edited generator never reuses a
    stale corpus."""
    version = hashlib.sha256(Path(make_corpus.__file__).read_bytes()).hexdigest()[:8]
    path = CORPUS_DIR / f"bench-{size}-seed{seed}-{version}.jsonl"
    if not path.is_file():
        posts = make_corpus.build_posts(size, seed)
        tmp = path.with_suffix(".tmp")
        make_corpus.write_corpus(posts, tmp)
        tmp.replace(path)
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def read_corpus(path: Path) -> tuple[Any, ...]:
    """Threads through argmap's jsonl reader (or a stand-in while the readers are missing)."""
    from argmap.options import ReadOptions

    try:
        from argmap.readers import read_threads
    except ImportError:
        return _stand_in_reader(path)
    return tuple(read_threads([str(path)], ReadOptions(format="jsonl")).threads)


def _stand_in_reader(path: Path) -> tuple[Any, ...]:
    """Minimal jsonl -> Thread conversion used only when argmap.readers is not there yet."""
    from argmap.model import Post, Thread

    global READER
    READER = "stand-in"
    MISSING.append("argmap.readers.read_threads")
    by_thread: dict[str, list[Post]] = {}
    titles: dict[str, str | None] = {}
    for line in path.read_bytes().splitlines():
        record = orjson.loads(line)
        thread = str(record["thread"])
        titles.setdefault(thread, record.get("title"))
        by_thread.setdefault(thread, []).append(Post(
            id=f"bench:{record['id']}", thread_id=thread, text=record["text"],
            author=record.get("author"), created=float(record["created"]),
            reply_to=f"bench:{record['reply_to']}" if record.get("reply_to") else None))
    return tuple(Thread(id=t, title=titles[t], posts=tuple(sorted(posts, key=lambda p: p.id)))
                 for t, posts in sorted(by_thread.items()))


def time_pipeline(path: Path) -> Row:
    """Read + build_map + analyse once, with per-stage seconds."""
    from argmap.options import Options
    from argmap.pipeline import build_map

    try:
        from argmap.analysis import analyse
    except ImportError as exc:  # a module still being written: measure the rest, say so
        MISSING.append(f"analyse ({exc})")
        analyse = None
    options = Options()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    threads = read_corpus(path)
    t_read = time.perf_counter()
    cpu_read = time.process_time()
    marks: list[tuple[str, float, float]] = []
    amap = build_map(threads, options, lambda stage, done, total: marks.append(
        (stage, time.perf_counter(), time.process_time())))
    t_built = time.perf_counter()
    if analyse is not None:
        try:
            analyse(amap, options.analyse)
        except ModuleNotFoundError as exc:  # analyse imports a missing stage lazily
            MISSING.append(f"analyse ({exc})")
    t_done = time.perf_counter()
    cpu = time.process_time() - cpu0
    stages: Row = {"read": t_read - t0}
    stage_cpu: Row = {"read": cpu_read - cpu0}
    for (stage, start, cpu_start), (_, end, cpu_end) in zip(marks, marks[1:], strict=False):
        stages[stage] = end - start
        stage_cpu[stage] = cpu_end - cpu_start
    stages["analyse"] = t_done - t_built
    stage_cpu["analyse"] = cpu0 + cpu - marks[-1][2] if marks else 0.0
    posts = sum(len(t.posts) for t in threads)
    total = t_done - t0
    row: Row = {
        "posts": posts, "threads": len(threads), "claims": len(amap.claims),
        "relations": len(amap.relations), "seconds": total, "stages": stages,
        "cpu_seconds": cpu, "posts_per_cpu_s": posts / cpu, "stage_cpu": stage_cpu,
        "posts_per_s": posts / total, "claims_per_s": len(amap.claims) / total,
        "peak_rss_mb": _peak_rss_mb(),
    }
    row.update(topic_figures(amap.topics, len(amap.claims)))
    return row


def topic_figures(topics: tuple[Any, ...], n_claims: int) -> Row:
    """Topic count, largest non-"other" topic's share and the "other" share of claims."""
    regular = [len(t.claim_ids) for t in topics if not t.is_other]
    other = sum(len(t.claim_ids) for t in topics if t.is_other)
    n = max(1, n_claims)
    return {"topics": len(regular), "largest_topic_share": max(regular, default=0) / n,
            "other_share": other / n}


def baseline(path: Path, k: int = 50) -> Row:
    """The naive floor: orjson + untrained Punkt sentences + float32 TF-IDF + KMeans(k=50)."""
    import numpy as np
    from nltk.tokenize.punkt import PunktSentenceTokenizer
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    posts = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    t1 = time.perf_counter()
    splitter = PunktSentenceTokenizer()
    sentences = [s for p in posts for s in splitter.tokenize(p["text"])]
    t2 = time.perf_counter()
    matrix = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.5, sublinear_tf=True,
                             dtype=np.float32).fit_transform(sentences)
    t3 = time.perf_counter()
    labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit_predict(matrix)
    t4 = time.perf_counter()
    counts = np.bincount(labels)
    return {"seconds": t4 - t0, "cpu_seconds": time.process_time() - cpu0, "posts_per_s": len(posts) / (t4 - t0),
            "sentences": len(sentences), "largest_topic_share": float(counts.max() / len(sentences)),
            "stages": {"read": t1 - t0, "sentences": t2 - t1, "tfidf": t3 - t2, "kmeans": t4 - t3}}


def _labels(path: Path, seed: int) -> dict[str, str]:
    """claim id -> topic id through read + segment + cluster (what topics depend on)."""
    from dataclasses import replace

    from argmap.options import Options
    from argmap.segment.segmenter import segment
    from argmap.topics.clustering import cluster

    options = Options()
    threads = tuple(sorted(read_corpus(path), key=lambda t: t.id))
    claims, _ = segment(threads, options.segment)
    topics = cluster(claims, replace(options.cluster, seed=seed))
    return {cid: t.id for t in topics for cid in t.claim_ids}


def _ari(first: dict[str, str], second: dict[str, str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    common = sorted(set(first) & set(second))
    return float(adjusted_rand_score([first[c] for c in common], [second[c] for c in common]))


def stability(path: Path, runs: int = 3) -> Row:
    """ARI between runs on shuffled line orders (same seed) and between cluster seeds."""
    lines = path.read_bytes().splitlines(keepends=True)
    by_order: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            shuffled = list(lines)
            random.Random(run + 1).shuffle(shuffled)
            shuffled_path = Path(tmp) / f"shuffled{run}.jsonl"
            shuffled_path.write_bytes(b"".join(shuffled))
            by_order.append(_labels(shuffled_path, seed=0))
    by_seed = [by_order[0]] + [_labels(path, seed=s) for s in range(1, runs)]
    pairs = [(i, j) for i in range(runs) for j in range(i + 1, runs)]
    return {"ari_shuffled_order_min": min(_ari(by_order[i], by_order[j]) for i, j in pairs),
            "ari_cluster_seed_min": min(_ari(by_seed[i], by_seed[j]) for i, j in pairs)}


def worker(path: Path, with_stability: bool, profile_out: str | None) -> Row:
    """Everything measured in one fresh process for one corpus size."""
    t0 = time.perf_counter()
    import argmap.analysis.analyser  # noqa: F401  (import cost is reported, not timed in posts/s)
    import argmap.pipeline  # noqa: F401

    imports = time.perf_counter() - t0
    if profile_out:
        import cProfile

        profiler = cProfile.Profile()
        row = profiler.runcall(time_pipeline, path)
        profiler.dump_stats(profile_out)
    else:
        row = time_pipeline(path)
    row["import_seconds"] = imports
    row["reader"] = READER
    row["missing"] = MISSING
    row["baseline"] = baseline(path)
    row["vs_baseline"] = row["seconds"] / row["baseline"]["seconds"]
    row["vs_baseline_cpu"] = row["cpu_seconds"] / row["baseline"]["cpu_seconds"]
    if with_stability:
        row.update(stability(path))
    return row


def run_size(size: int, seed: int, with_stability: bool, profile_out: str | None) -> Row:
    """Run ``worker`` for one size in a fresh interpreter and parse its JSON line."""
    path = ensure_corpus(size, seed)
    command = [sys.executable, __file__, "--worker", str(path)]
    if with_stability:
        command.append("--stability")
    if profile_out:
        command += ["--profile-out", profile_out]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"size": size, "error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    row = orjson.loads(done.stdout.strip().splitlines()[-1])
    row["size"] = size
    return row


def _stage_seconds(stage: str) -> Callable[[Row], str]:
    return lambda r: f"{r['stages'].get(stage, 0):.2f} ({r['stage_cpu'].get(stage, 0):.1f})"


def format_table(rows: list[Row]) -> str:
    """A readable table: one column per size, then the 1k->10k cost ratio and the aims."""
    ok = [r for r in rows if "error" not in r]
    lines = [f"{'':28}" + "".join(f"{r['size']:>16,}" for r in ok)]
    lines.append(f"{'reader':28}" + "".join(f"{r.get('reader', '?'):>16}" for r in ok))
    fmt: list[tuple[str, Callable[[Row], str]]] = [
        ("posts/s", lambda r: f"{r['posts_per_s']:,.0f}"),
        ("posts/CPU-s", lambda r: f"{r['posts_per_cpu_s']:,.0f}"),
        ("claims/s", lambda r: f"{r['claims_per_s']:,.0f}"),
        ("claims / relations", lambda r: f"{r['claims']}/{r['relations']}"),
        ("seconds total (CPU s)", lambda r: f"{r['seconds']:.2f} ({r['cpu_seconds']:.1f})"),
        *[(f"  {s}", _stage_seconds(s)) for s in ("read", "segment", "cluster", "link", "analyse")],
        ("peak RSS MB", lambda r: f"{r['peak_rss_mb']:.0f}"),
        ("import s", lambda r: f"{r['import_seconds']:.2f}"),
        ("baseline s", lambda r: f"{r['baseline']['seconds']:.2f}"),
        ("argmap / baseline time", lambda r: f"{r['vs_baseline']:.2f}x"),
        ("argmap / baseline CPU", lambda r: f"{r['vs_baseline_cpu']:.2f}x"),
        ("topics", lambda r: str(r["topics"])),
        ("largest topic share", lambda r: f"{r['largest_topic_share']:.1%}"),
        ("other share", lambda r: f"{r['other_share']:.1%}"),
        ("baseline largest topic", lambda r: f"{r['baseline']['largest_topic_share']:.1%}"),
        ("ARI shuffled order (min)", lambda r: f"{r.get('ari_shuffled_order_min', float('nan')):.3f}"),
        ("ARI cluster seeds (min)", lambda r: f"{r.get('ari_cluster_seed_min', float('nan')):.3f}"),
    ]
    for name, show in fmt:
        lines.append(f"{name:28}" + "".join(f"{show(r):>16}" for r in ok))
    if len(ok) >= 2:
        small, large = ok[0], ok[-1]
        growth = (large["seconds"] / large["posts"]) / (small["seconds"] / small["posts"])
        cpu_growth = ((large["cpu_seconds"] / large["posts"])
                      / (small["cpu_seconds"] / small["posts"]))
        lines.append(f"per-post cost {small['size']}->{large['size']}: {growth:.2f}x wall, "
                     f"{cpu_growth:.2f}x CPU (aim < 1.2x)")
    for r in rows:
        if r.get("missing"):
            missing = sorted(set(r["missing"]))
            lines.append(f"size {r['size']}: modules missing, figures partial: {missing}")
        if "error" in r:
            lines.append(f"size {r['size']}: FAILED: {r['error']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stability-sizes", default="1000", help="sizes that run the ARI checks")
    parser.add_argument("--profile", type=int, default=0, help="cProfile this size to /tmp")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stability", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(orjson.dumps(worker(args.worker, args.stability, args.profile_out)).decode())
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    stable = {int(s) for s in args.stability_sizes.split(",") if s}
    rows = []
    for size in sizes:
        profile_out = f"/tmp/argmap-bench-{size}.prof" if size == args.profile else None
        rows.append(run_size(size, args.seed, size in stable, profile_out))
    print(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() if args.json
          else format_table(rows))
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
