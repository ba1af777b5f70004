"""Per-thread maps written by a corpus run (``--maps all`` in the task, ``--maps top:N`` after).

Why a module of its own: a map is the one output of a corpus run that can fail for reasons
outside the data (``dot`` missing, crashed or timed out; a folder where a file goes; a full
disk), and such a failure must cost that map only: it becomes a problem row (exit 3) and the
thread's other outputs, the other threads' and the tables are written. Split from ``tasks``
in session 14.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.corpus.thread_map import MappedThread
from argmap.errors import OutputError
from argmap.files import safe_filename
from argmap.options import Options

if TYPE_CHECKING:  # outputs loads the renderers: imported when maps are written
    from argmap.outputs import Refused


def write_maps(mapped: MappedThread, out: Path, options: Options,
               problems: list[dict[str, Any]]) -> list[str]:
    """The thread's per-thread outputs (``outputs.write_thread``, as ``map`` writes them, one
    at a time and the JSON streamed) under OUTDIR/maps/. A map ``dot`` could not draw
    (missing, crashed, timed out) is left out and becomes a problem row (``dot_missing`` /
    ``map_not_drawn``, action ``left_out``: exit 3), and so does an output that cannot be
    written (a folder in its place, no permission, a full disk: ``output_not_written``); the
    thread's other outputs and the other threads' are written, and the tables. (Before, one
    unwritable map file stopped the whole run with exit 74.) An exporter that fails with
    anything but an ``OutputError`` is a bug and is raised, as in ``map``."""
    from argmap.outputs import write_thread_outputs

    thread_id = mapped.amap.threads[0].id
    done = write_thread_outputs(mapped.amap, mapped.analysis, out / "maps", options, thread_id)
    for refused in done.refused:
        if not isinstance(refused.error, OutputError):
            raise refused.error
    written = [path.relative_to(out.resolve()).as_posix() for path in done.written]
    row = {"action": "left_out", "line": 0, "byte_offset": None, "post_id": None,
           "thread_id": thread_id}
    for failure in done.failures:
        problems.append({
            **row, "code": "dot_missing" if failure.missing_dot else "map_not_drawn", "path": "",
            "message": f"could not draw {failure.what} of thread {thread_id} "
                       f"(maps/{safe_filename(thread_id, suffix=failure.key)}): "
                       f"{failure.reason}"})
    for refused in done.refused:
        shown = f"maps/{refused.path.name}"
        problems.append({**row, "code": "output_not_written", "path": shown,
                         "message": f"could not write {shown} of thread {thread_id}: "
                                    f"{_reason(refused, out)}"})
    return written


def _reason(refused: Refused, out: Path) -> str:
    """Why an output could not be written: the ``OSError`` under ``write_atomic``'s error
    (whose message names the absolute path, which the row has already), with the path it
    names when that is not the output itself (``File exists: maps``: a file where the maps
    folder goes), else the error."""
    cause = refused.error.__cause__
    if not isinstance(cause, OSError):
        return str(refused.error)
    why = cause.strerror or str(cause)
    where = Path(str(cause.filename)) if cause.filename is not None else None
    if where is None or where.name.startswith(f".{refused.path.name}."):  # the output's temp
        return why
    try:
        return f"{why}: {where.resolve().relative_to(out.resolve()).as_posix()}"
    except ValueError:
        return f"{why}: {where}"
