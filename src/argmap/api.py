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
from argmap.errors import EX_OK, EX_PARTIAL, EX_UNAVAILABLE, InputError, OptionsError, RenderError
from argmap.files import remove_dead_temps
from argmap.model import Analysis, ArgumentMap, Post, Problem, Thread
from argmap.options import Options
from argmap.outputs import ThreadOutputs, file_name, thread_outputs, write_thread
from argmap.pipeline import Progress, build_map
from argmap.readers import ReadResult, read_threads
from argmap.readers.result import is_loss
from argmap.render.dot import to_dot
from argmap.render.draw import draw_map
from argmap.render.svg import INSTALL_HINT

DEMO_FORMATS = ("svg", "dot", "json", "summary", "html")
CORPUS_SUFFIXES = {".txt", ".md", ".json", ".jsonl"}
MAX_LISTED = 8  # file names listed in one "not drawn" line before "+N more"

__all__ = ["LeftOut", "MapReport", "MapsNotDrawn", "RenderedMap", "ThreadOutputs", "demo",
           "map_inputs", "map_threads", "render_map", "thread_outputs", "write_outputs"]


@dataclass(frozen=True, slots=True)
class RenderedMap:
    """A map drawn by Graphviz: the DOT argmap wrote and the SVG ``dot`` made from it."""

    dot: str
    svg: bytes


@dataclass(frozen=True, slots=True)
class LeftOut:
    """What a run could not produce: one map of a thread (``output`` names its file), or a
    whole thread that failed in a stage (``output`` empty)."""

    thread_id: str
    output: str
    what: str
    reason: str
    missing_dot: bool = False

    def message(self) -> str:
        if not self.output:
            return f"thread {self.thread_id} was not mapped: {self.reason}"
        return f"could not draw {self.what} of thread {self.thread_id} ({self.output}): {self.reason}"


@dataclass(frozen=True, slots=True)
class MapReport:
    """What ``map_inputs`` did: the files it wrote, the problems it met in the input and what
    it had to leave out. ``exit_code`` is what the CLI exits with."""

    outputs: tuple[Path, ...]
    threads: int
    claims: int
    relations: int
    problems: tuple[Problem, ...]
    records_in: int
    posts: int = 0  # records kept as posts: records_in = posts + skipped
    left_out: tuple[LeftOut, ...] = ()

    @property
    def exit_code(self) -> int:
        """69 when ``dot`` is missing, 3 when a record was lost or an output left out, else 0
        (a repaired reply tree loses nothing: not a reason to exit 3)."""
        if any(item.missing_dot for item in self.left_out):
            return EX_UNAVAILABLE
        return EX_PARTIAL if self.left_out or any(is_loss(p) for p in self.problems) else EX_OK

    def left_out_lines(self) -> list[str]:
        """One line per map or thread left out; every map a missing ``dot`` took in one line
        that names the install command."""
        return left_out_lines(self.left_out)


def left_out_lines(items: Sequence[LeftOut]) -> list[str]:
    missing = [item.output for item in items if item.missing_dot]
    lines = [item.message() for item in items if not item.missing_dot]
    if missing:
        shown = ", ".join(missing[:MAX_LISTED]) + (
            f" (+{len(missing) - MAX_LISTED} more)" if len(missing) > MAX_LISTED else "")
        lines.insert(0, f"{INSTALL_HINT}. Not drawn: {shown}; every other output was written")
    return lines


class MapsNotDrawn(RenderError):
    """``write_outputs`` wrote every other output, but these maps could not be drawn."""

    def __init__(self, written: list[Path], left_out: Sequence[LeftOut]) -> None:
        self.written = written
        self.left_out = tuple(left_out)
        self.exit_code = (EX_UNAVAILABLE if any(i.missing_dot for i in left_out)
                          else EX_PARTIAL)
        super().__init__("; ".join(left_out_lines(left_out)))


def render_map(
    amap: ArgumentMap, analysis: Analysis, options: Options | None = None
) -> RenderedMap:
    """DOT and SVG of a map (SVG through the system ``dot``, fitted to 1:3..3:1, retried in
    the simple layout if dot fails; ``draw.MapNotDrawn`` if that fails too)."""
    options = options or Options()
    drawing = draw_map(lambda aspect, simple: to_dot(amap, analysis, options.render,
                                                     aspect=aspect, simple=simple),
                       "the main map", timeout=options.render.dot_timeout)
    return RenderedMap(dot=drawing.dot, svg=drawing.svg)


def map_threads(
    threads: Sequence[Thread],
    out_dir: str | Path,
    options: Options | None = None,
    *,
    on_output: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
) -> MapReport:
    """One map per thread, written under ``out_dir`` in every format of ``options.export``.

    A thread that fails in any stage is reported (``LeftOut`` with its id and the error) and
    the threads after it are still mapped; a map ``dot`` cannot draw is reported the same way
    and every other output of its thread is written. Only a failure to write stops the run.
    """
    options = options or Options()
    remove_dead_temps(out_dir)  # what a run killed while writing here left (kill -9)
    written: list[Path] = []
    left_out: list[LeftOut] = []
    claims = relations = 0
    ordered = sorted(threads, key=lambda t: t.id)
    report = progress or (lambda stage, done, total: None)
    for done, thread in enumerate(ordered):
        report("threads", done, len(ordered))
        try:
            amap = build_map([thread], options)
            analysis = analyse(amap, options.analyse)
        except OptionsError:  # an option every thread shares: no thread can be mapped
            raise
        except Exception as exc:  # noqa: BLE001 - one thread must not take the others down
            left_out.append(LeftOut(thread.id, "", "the thread", f"{type(exc).__name__}: {exc}"))
            continue
        claims += len(amap.claims)
        relations += len(amap.relations)
        paths, failures = write_thread(amap, analysis, out_dir, options, thread.id,
                                       on_output=on_output)
        written += paths
        left_out += [LeftOut(thread.id, file_name(thread.id, f.key), f.what, f.reason,
                             f.missing_dot) for f in failures]
    report("threads", len(ordered), len(ordered))
    return MapReport(tuple(written), len(threads), claims, relations, (), 0,
                     left_out=tuple(left_out))


def map_inputs(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: Options | None = None,
    *,
    on_output: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
    source_names: Mapping[str, str] | Mapping[Path, str] | None = None,
) -> MapReport:
    """``argmap map``: read the inputs, then write one map per thread under ``out_dir``.

    ``source_names`` renames input paths in the records (the CLI spools standard input to a
    temporary file and calls it ``-``), so outputs never carry a temporary path."""
    options = options or Options()
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
    map's first thread id, never from post text. If a map cannot be drawn, every other output
    is written first and then ``MapsNotDrawn`` says which (exit code 69 without ``dot``, else 3).
    """
    options = options or Options()
    stem = name or (amap.threads[0].id if amap.threads else "map")
    remove_dead_temps(out_dir)
    written, failures = write_thread(amap, analysis, out_dir, options, stem)
    if failures:
        raise MapsNotDrawn(written, [LeftOut(stem, file_name(stem, f.key), f.what, f.reason,
                                             f.missing_dot) for f in failures])
    return written
