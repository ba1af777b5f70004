"""The public API the CLI is a thin skin over: each verb of ``argmap`` is one function here.

``map_inputs`` is what ``argmap map`` does: read, build one map per thread, analyse, render and
export, writing every file atomically under the output folder with names that never come from
post text. Library code never prints: progress and per-file results go to callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from argmap.analysis import analyse
from argmap.errors import InputError
from argmap.exports import export_map
from argmap.exports.summary import to_markdown
from argmap.files import inside, safe_filename, write_atomic
from argmap.model import Analysis, ArgumentMap, Post, Problem, Thread
from argmap.options import Options
from argmap.pipeline import Progress, build_map
from argmap.readers import ReadResult, read_threads
from argmap.render.dot import overview_dot, to_dot
from argmap.render.html import render_html
from argmap.render.svg import render_svg, require_dot

DEMO_FORMATS = ("svg", "dot", "json", "summary", "html")
OVERVIEW_MIN_TOPICS = 3  # below this an overview of topics says nothing the map does not
CORPUS_SUFFIXES = {".txt", ".md", ".json", ".jsonl"}


@dataclass(frozen=True, slots=True)
class RenderedMap:
    """A map drawn by Graphviz: the DOT argmap wrote and the SVG ``dot`` made from it."""

    dot: str
    svg: bytes


@dataclass(frozen=True, slots=True)
class MapReport:
    """What ``map_inputs`` did: the files it wrote and the problems it met in the input."""

    outputs: tuple[Path, ...]
    threads: int
    claims: int
    relations: int
    problems: tuple[Problem, ...]
    records_in: int
    posts: int = 0  # records kept as posts: records_in = posts + skipped


def render_map(
    amap: ArgumentMap, analysis: Analysis, options: Options | None = None
) -> RenderedMap:
    """DOT and SVG of a map (SVG through the system ``dot``, with the configured timeout)."""
    options = options or Options()
    dot = to_dot(amap, analysis, options.render)
    return RenderedMap(dot=dot, svg=render_svg(dot, timeout=options.render.dot_timeout))


def map_threads(
    threads: Sequence[Thread],
    out_dir: str | Path,
    options: Options | None = None,
    *,
    on_output: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
) -> MapReport:
    """One map per thread, written under ``out_dir`` in every format of ``options.export``."""
    options = options or Options()
    out = Path(out_dir)
    written: list[Path] = []
    claims = relations = 0
    ordered = sorted(threads, key=lambda t: t.id)
    report = progress or (lambda stage, done, total: None)
    for done, thread in enumerate(ordered):
        report("threads", done, len(ordered))
        amap = build_map([thread], options)
        analysis = analyse(amap, options.analyse)
        claims += len(amap.claims)
        relations += len(amap.relations)
        for path in write_outputs(amap, analysis, out, options, name=thread.id):
            written.append(path)
            if on_output:
                on_output(path)
    report("threads", len(ordered), len(ordered))
    return MapReport(tuple(written), len(threads), claims, relations, (), 0)


def thread_outputs(amap: ArgumentMap, analysis: Analysis, options: Options) -> dict[str, bytes]:
    """Every requested output of one map, keyed by file suffix (``.svg``, ``.json``, ...)."""
    formats = options.export.formats
    outputs: dict[str, bytes] = {}
    dot = to_dot(amap, analysis, options.render) if {"svg", "dot", "html"} & set(formats) else ""
    svg = b""
    views: dict[str, bytes] = {}
    if {"svg", "html"} & set(formats):  # only these need the system `dot`
        svg = render_svg(dot, timeout=options.render.dot_timeout)
        views = _detail_maps(amap, analysis, options, topic_maps="svg" in formats)
    for fmt in formats:
        if fmt == "svg":
            outputs[".svg"] = svg
            outputs.update(views)
        elif fmt == "dot":
            outputs[".dot"] = dot.encode("utf-8")
        elif fmt == "html":
            overview = views.get(".overview.svg")
            html = render_html(
                amap, analysis, svg.decode("utf-8"), options.render,
                overview=overview.decode("utf-8") if overview else None,
            )
            outputs[".html"] = html.encode("utf-8")
        elif fmt == "summary":
            outputs[".summary.md"] = to_markdown(amap, analysis).encode("utf-8")
        else:
            for suffix, data in export_map(amap, analysis, fmt, options.export).items():
                outputs[suffix if suffix.startswith(".") else "." + suffix] = data
    return outputs


def _detail_maps(
    amap: ArgumentMap, analysis: Analysis, options: Options, *, topic_maps: bool = True
) -> dict[str, bytes]:
    """The views that keep a big thread readable: a topic overview once there are a few topics,
    and one detail map per topic once the main map had to leave claims out."""
    maps: dict[str, bytes] = {}
    timeout = options.render.dot_timeout
    topics = [t for t in amap.topics if not t.is_other]
    if len(topics) >= OVERVIEW_MIN_TOPICS:
        maps[".overview.svg"] = render_svg(overview_dot(amap, analysis, options.render), timeout=timeout)
    if topic_maps and len(amap.claims) > options.render.max_claims_per_map:
        for topic in topics:
            dot = to_dot(amap, analysis, options.render, topic_id=topic.id)
            maps[f".topic-{topic.id}.svg"] = render_svg(dot, timeout=timeout)
    return maps


def map_inputs(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: Options | None = None,
    *,
    on_output: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
    source_names: Mapping[str | Path, str] | None = None,
) -> MapReport:
    """``argmap map``: read the inputs, then write one map per thread under ``out_dir``.

    ``source_names`` renames input paths in the records (the CLI spools standard input to a
    temporary file and calls it ``-``), so outputs never carry a temporary path."""
    options = options or Options()
    if {"svg", "html"} & set(options.export.formats):
        require_dot()  # fail before the work, not after it
    result: ReadResult = read_threads(inputs, options.read)
    if source_names:
        result = _rename_sources(result, {str(k): v for k, v in source_names.items()})
    if not any(t.posts for t in result.threads):
        raise InputError("no posts found", path=", ".join(str(i) for i in inputs), code="empty")
    report = map_threads(result.threads, out_dir, options, on_output=on_output, progress=progress)
    return replace(report, problems=result.problems, records_in=result.records_in,
                   posts=result.posts_kept)


def _rename_sources(result: ReadResult, names: dict[str, str]) -> ReadResult:
    def post(p: Post) -> Post:
        name = names.get(p.source.path)
        return replace(p, source=replace(p.source, path=name)) if name else p

    threads = tuple(replace(t, posts=tuple(post(p) for p in t.posts)) for t in result.threads)
    problems = tuple(replace(p, path=names.get(p.path, p.path)) for p in result.problems)
    return replace(result, threads=threads, problems=problems)


def demo(
    corpora: str | Path = "corpora",
    outputs: str | Path = "outputs",
    options: Options | None = None,
    *,
    on_output: Callable[[Path], None] | None = None,
) -> MapReport:
    """``argmap demo``: render every corpus file under ``corpora`` into ``outputs``."""
    options = options or Options()
    if options.export.formats == Options().export.formats:
        options = replace(options, export=replace(options.export, formats=DEMO_FORMATS))
    files = sorted(
        p
        for p in Path(corpora).iterdir()
        if p.is_file() and p.suffix in CORPUS_SUFFIXES and not p.name.upper().startswith("README")
    )
    if not files:
        raise InputError("no corpus files (*.txt, *.md, *.json, *.jsonl) found", path=corpora)
    # Records name each corpus file as "<folder>/<file>", wherever it was run from, so the
    # committed outputs are reproducible byte for byte from any working directory.
    names = {str(f): f"{Path(corpora).resolve().name}/{f.name}" for f in files}
    return map_inputs(files, outputs, options, on_output=on_output, source_names=names)


def write_outputs(
    amap: ArgumentMap,
    analysis: Analysis,
    out_dir: str | Path,
    options: Options | None = None,
    *,
    name: str | None = None,
) -> list[Path]:
    """Write every output of one map under ``out_dir``; file names derive from ``name`` or the
    map's first thread id, never from post text."""
    options = options or Options()
    stem = name or (amap.threads[0].id if amap.threads else "map")
    out = Path(out_dir)
    return [
        write_atomic(inside(out, safe_filename(stem, suffix=suffix)), data)
        for suffix, data in thread_outputs(amap, analysis, options).items()
    ]
