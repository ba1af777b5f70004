"""The exporters by format name (see the package docstring): one function per format, each
``(amap, analysis, options) -> {suffix: bytes}``.

A format may give several files (the tables give one per table), so every exporter returns a
dict from file suffix (``".graphml"``, ``".claims.csv"``, ...) to the file's bytes; the caller
prefixes a safe file name and writes them atomically. ``EXPORTERS`` is a literal dict so the
list of formats is readable in one place and the CLI can offer exactly these names. The
Markdown summary, SVG and HTML are renderings, not exports, and live elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from argmap.errors import OptionsError
from argmap.exports.aif import aif_streamed, to_aif
from argmap.exports.argdown import to_argdown
from argmap.exports.graphml import graphml_streamed, to_graphml
from argmap.exports.native import json_chunks, to_json
from argmap.exports.tables import csv_streamed, to_csv, to_parquet
from argmap.model import Analysis, ArgumentMap
from argmap.options import ExportOptions

Exporter = Callable[[ArgumentMap, Analysis, ExportOptions], dict[str, bytes]]
Streamer = Callable[[ArgumentMap, Analysis, ExportOptions], dict[str, Iterable[bytes]]]


def _json(amap: ArgumentMap, analysis: Analysis, options: ExportOptions) -> dict[str, bytes]:
    """argmap's native JSON (versioned, canonical; ``exports.native.from_json`` reads it back)."""
    return {".json": to_json(amap, analysis)}


EXPORTERS: dict[str, Exporter] = {
    "json": _json,
    "graphml": to_graphml,
    "aif": to_aif,
    "argdown": to_argdown,
    "csv": to_csv,
    "parquet": to_parquet,
}


def _json_streamed(amap: ArgumentMap, analysis: Analysis, options: ExportOptions
                   ) -> dict[str, Iterable[bytes]]:
    return {".json": json_chunks(amap, analysis)}


# The formats whose files can be big (a giant thread's: 100-300 MB each) also come as chunks
# of the same bytes, which ``files.write_atomic`` writes as they are made (``outputs``).
STREAMERS: dict[str, Streamer] = {
    "json": _json_streamed,
    "graphml": graphml_streamed,
    "aif": aif_streamed,
    "csv": csv_streamed,
}


def export_chunks(
    amap: ArgumentMap, analysis: Analysis, fmt: str, options: ExportOptions
) -> dict[str, bytes | Iterable[bytes]]:
    """``export_map``'s files, as chunks for the formats in ``STREAMERS``: for writing."""
    streamer = STREAMERS.get(fmt)
    if streamer is None:
        return dict(export_map(amap, analysis, fmt, options))
    return dict(streamer(amap, analysis, options))


def export_map(
    amap: ArgumentMap, analysis: Analysis, fmt: str, options: ExportOptions
) -> dict[str, bytes]:
    """The files of one map in format ``fmt``; an unknown format names the known ones."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise OptionsError("export.formats", f"one of {sorted(EXPORTERS)}", fmt)
    return exporter(amap, analysis, options)
