"""What a batch run reads: the input files, never its own output folder, and their identity.

Folders stand for the files under them (sorted; hidden entries, symlink loops and ConvoKit
corpus folders handled as ``readers.read_threads`` handles them), so a corpus folder and the
same files listed by hand are the same run. OUTDIR is never read: an input inside it is
refused, and when OUTDIR sits inside an input folder its subtree is left out (otherwise the
next run would map its own outputs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argmap.errors import EX_USAGE, ArgmapError, InputError
from argmap.model import Problem
from argmap.readers.inputs import expand_inputs as read_inputs


class InputIsOutput(ArgmapError):
    """An input is the output folder or inside it."""

    exit_code = EX_USAGE


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass(frozen=True, slots=True)
class CorpusInputs:
    files: list[Path]  # in a stable order, OUTDIR left out
    found_in_folders: frozenset[Path]  # not named by the user: skipped if not a thread
    problems: list[Problem]  # what the folder walk skipped (loops, broken links, duplicates)


def expand_inputs(inputs: Sequence[str | Path], out: Path) -> CorpusInputs:
    """Input files (and ConvoKit folders) by ``readers.expand_inputs``, the expansion ``map``
    uses, with OUTDIR left out."""
    out = out.resolve()
    for item in inputs:
        path = Path(item)
        real = _real(path)
        if real is not None and _inside(real, out):
            raise InputIsOutput(f"{path}: is inside the output folder {out}; argmap never "
                                "reads its own outputs (choose another --out)")
    found = read_inputs(inputs)
    kept = [f for f in found.files if not _inside(_real(f.path) or f.path, out)]
    files = [f.path for f in kept]
    if not files:
        raise InputError("no input files found", ", ".join(str(i) for i in inputs),
                         code="empty_input")
    return CorpusInputs(files, frozenset(f.path for f in kept if not f.named),
                        list(found.problems))


def _real(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def identity(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Size and modification time of each input: a resume refuses a corpus that changed."""
    out = []
    for path in paths:
        stat = path.stat()
        out.append({"path": str(path.resolve()), "size": stat.st_size if path.is_file() else
                    None, "mtime_ns": stat.st_mtime_ns})
    return out
