"""One thread's outputs, produced so that a failure loses only what it has to.

Outputs that need no Graphviz (JSON, summary, the other exports, the DOT text) come first and
cannot be lost to ``dot``; then the maps are drawn (``render.maps``), each on its own: a map dot
cannot draw, even in the simple layout, is left out and reported as a ``MapFailure``; a missing
``dot`` leaves out every map and says how to install it. The HTML report is always written:
without its map when the map failed (it says why), without the overview when that failed.

``thread_outputs`` returns everything as a ``ThreadOutputs`` mapping (suffix -> bytes) with the
failures beside it, never raising for a map; ``write_thread`` writes as it goes, so the JSON and
the summary are on disk before the first ``dot`` starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argmap.errors import OutputError, RenderError
from argmap.exports.registry import export_chunks
from argmap.exports.summary import to_markdown
from argmap.files import inside, safe_filename, write_atomic
from argmap.model import Analysis, ArgumentMap
from argmap.options import Options
from argmap.render.dot import to_dot
from argmap.render.html import render_html
from argmap.render.maps import (
    HTML_MAP,
    MAIN,
    OVERVIEW,
    MapFailure,
    ThreadMaps,
    draw_maps,
    drawing_svg,
    planned_maps,
)

DRAWN = ("svg", "html")  # formats that need the system `dot`


@dataclass(frozen=True, slots=True)
class ThreadOutputs(Mapping[str, bytes]):
    """A thread's outputs by file suffix (``.json``, ``.svg``, ...), and the maps left out."""

    files: dict[str, bytes] = field(default_factory=dict)
    failures: tuple[MapFailure, ...] = ()

    def __getitem__(self, suffix: str) -> bytes:
        return self.files[suffix]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def plain_outputs(amap: ArgumentMap, analysis: Analysis, options: Options) -> dict[str, bytes]:
    """Every requested output that needs no ``dot``, in the order of ``export.formats``."""
    return {suffix: data if isinstance(data, bytes) else b"".join(data)
            for suffix, data in plain_payloads(amap, analysis, options)}


def plain_payloads(
    amap: ArgumentMap, analysis: Analysis, options: Options,
) -> Iterator[tuple[str, bytes | Iterable[bytes]]]:
    """``plain_outputs`` one at a time, each made when it is asked for, the big formats as
    chunks (``exports.registry.STREAMERS``: native JSON, AIF, GraphML, CSV): a writer holds one output
    at a time, and never a giant thread's JSON whole (245 MB and ~1 GB of dicts for 20,000
    posts)."""
    for fmt in options.export.formats:
        if fmt in DRAWN:
            continue
        if fmt == "dot":
            yield ".dot", to_dot(amap, analysis, options.render).encode("utf-8")
        elif fmt == "summary":
            yield ".summary.md", to_markdown(amap, analysis).encode("utf-8")
        else:  # the native JSON, AIF, GraphML and CSV as chunks (exports.registry.STREAMERS)
            for suffix, data in export_chunks(amap, analysis, fmt, options.export).items():
                yield (suffix if suffix.startswith(".") else "." + suffix), data


def drawn_outputs(amap: ArgumentMap, analysis: Analysis, options: Options) -> ThreadOutputs:
    """The SVG maps and the HTML report; a map that could not be drawn is a failure."""
    formats = set(options.export.formats)
    if not formats & set(DRAWN):
        return ThreadOutputs()
    plan = planned_maps(amap, analysis, options.render, topic_maps="svg" in formats,
                        html_map="html" in formats)
    maps = draw_maps(plan, options.render)
    files: dict[str, bytes] = {}
    if "svg" in formats:
        files.update({key: d.svg for key, d in maps.drawings.items() if key.endswith(".svg")})
    main = maps.drawings.get(MAIN)
    if "dot" in formats and main is not None:  # the DOT that made the SVG, after fitting
        files[".dot"] = main.dot.encode("utf-8")
    failures = list(maps.failures)
    if "html" in formats:
        html, failure = _report(amap, analysis, options, maps)
        files[".html"] = html.encode("utf-8")
        failures += [failure] if failure else []
    if "svg" not in formats:  # only the HTML wanted these maps: name them by the report
        failures = [_in_report(f) for f in failures]
    return ThreadOutputs(files, tuple(failures))


def _report(
    amap: ArgumentMap, analysis: Analysis, options: Options, maps: ThreadMaps,
) -> tuple[str, MapFailure | None]:
    """The HTML report, with whatever maps were drawn; a report whose SVG is refused is
    written without maps rather than not at all."""
    svg = drawing_svg(maps, HTML_MAP) or drawing_svg(maps, MAIN)
    missing = next((f for f in maps.failures if f.key in {HTML_MAP, MAIN}), None)
    note = f"No map drawn: {missing.reason}" if missing else None
    try:
        return render_html(amap, analysis, svg, options.render, overview=drawing_svg(
            maps, OVERVIEW), map_note=note), None
    except RenderError as exc:
        html = render_html(amap, analysis, None, options.render, map_note=f"No map drawn: {exc}")
        return html, MapFailure(".html", "the maps in the HTML report", str(exc))


def _in_report(failure: MapFailure) -> MapFailure:
    if failure.key.endswith(".svg") or failure.key == HTML_MAP:
        return MapFailure(".html", f"{failure.what} in the HTML report", failure.reason,
                          failure.missing_dot)
    return failure


def thread_outputs(amap: ArgumentMap, analysis: Analysis, options: Options) -> ThreadOutputs:
    """Every requested output of one map by suffix, plain ones first; never raises for a map
    that could not be drawn (see ``ThreadOutputs.failures``)."""
    files = plain_outputs(amap, analysis, options)
    drawn = drawn_outputs(amap, analysis, options)
    return ThreadOutputs({**files, **drawn.files}, drawn.failures)


def write_thread(
    amap: ArgumentMap, analysis: Analysis, out_dir: str | Path, options: Options, stem: str,
    *, on_output: Callable[[Path], None] | None = None,
) -> tuple[list[Path], tuple[MapFailure, ...]]:
    """Write one thread's outputs under ``out_dir`` as they are made (plain ones before any
    ``dot`` runs); returns the paths written and the maps left out. An output that cannot
    be written (a folder in its place, a full disk, no permission) or whose exporter fails
    half way does not stop the others: they are written (the failed one keeps its old file,
    ``write_atomic``), then the first error is raised, an ``OutputError`` counting the rest."""
    done = write_thread_outputs(amap, analysis, out_dir, options, stem, on_output=on_output)
    if done.refused:
        first = done.refused[0].error
        if not isinstance(first, OutputError):
            raise first
        more = (f" (and {len(done.refused) - 1} more outputs of this thread)"
                if len(done.refused) > 1 else "")
        raise type(first)(f"{first}{more}") from first
    return done.written, done.failures


@dataclass(frozen=True, slots=True)
class Refused:
    """An output of a thread that could not be written: where it was to go and why."""

    path: Path
    error: Exception


@dataclass(frozen=True, slots=True)
class WrittenThread:
    """What ``write_thread_outputs`` did: the files written, the maps ``dot`` left out, and
    the outputs that could not be written (each kept its old file, if any)."""

    written: list[Path]
    failures: tuple[MapFailure, ...]
    refused: tuple[Refused, ...]


def write_thread_outputs(
    amap: ArgumentMap, analysis: Analysis, out_dir: str | Path, options: Options, stem: str,
    *, on_output: Callable[[Path], None] | None = None,
) -> WrittenThread:
    """``write_thread`` without the raise: every output that can be written is, and the
    ones that could not are returned, for a caller (``batch --maps``) that reports them
    beside the thread's other outputs and goes on with the next thread."""
    out = Path(out_dir)
    written: list[Path] = []
    refused: list[Refused] = []

    def save(produced: Iterable[tuple[str, bytes | Iterable[bytes]]]) -> None:
        for suffix, data in produced:
            name = safe_filename(stem, suffix=suffix)
            try:
                path = write_atomic(inside(out, name), data)
            except Exception as exc:  # noqa: BLE001 - one output must not take the rest
                refused.append(Refused(out / name, exc))
                continue
            if path not in written:
                written.append(path)
                if on_output:
                    on_output(path)

    save(plain_payloads(amap, analysis, options))
    drawn = drawn_outputs(amap, analysis, options)
    save(drawn.items())
    return WrittenThread(written, drawn.failures, tuple(refused))


def file_name(stem: str, suffix: str) -> str:
    """The name an output of ``stem`` gets (or would have got)."""
    return safe_filename(stem, suffix=suffix if suffix.startswith(".") else ".html")
