"""What a batch run reads: the input files, never its own output folder, and their identity.

Folders stand for the files under them (sorted; hidden entries, symlink loops and ConvoKit
corpus folders handled as ``readers.read_threads`` handles them), so a corpus folder and the
same files listed by hand are the same run. OUTDIR is never read: an input inside it is
refused, and when OUTDIR sits inside an input folder its subtree is left out (otherwise the
next run would map its own outputs).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from argmap.errors import EX_USAGE, ArgmapError, InputError, MissingInput


class InputIsOutput(ArgmapError):
    """An input is the output folder or inside it."""

    exit_code = EX_USAGE


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def expand_inputs(inputs: Sequence[str | Path], out: Path) -> list[Path]:
    """Input files (and ConvoKit folders) in a stable order, OUTDIR left out."""
    out = out.resolve()
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if not path.exists():
            raise MissingInput("no such file or folder", path, code="missing_input")
        if _inside(path.resolve(), out):
            raise InputIsOutput(f"{path}: is inside the output folder {out}; argmap never "
                                "reads its own outputs (choose another --out)")
        if path.is_dir() and not (path / "utterances.jsonl").is_file():
            files.extend(_walk(path, out))
        else:
            files.append(path)
    if not files:
        raise InputError("no input files found", ", ".join(str(i) for i in inputs),
                         code="empty_input")
    return files


def _walk(folder: Path, out: Path) -> list[Path]:
    found: list[Path] = []
    seen: set[Path] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = Path(root).resolve()
        if real in seen or _inside(real, out):
            dirs[:] = []
            continue
        seen.add(real)
        keep = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            child = Path(root) / name
            if (child / "utterances.jsonl").is_file():
                found.append(child)  # a ConvoKit corpus is one input, read whole
            elif not _inside(child.resolve(), out):
                keep.append(name)
        dirs[:] = keep
        found.extend(Path(root) / n for n in sorted(names) if not n.startswith(".")
                     and not _inside((Path(root) / n).resolve(), out))
    return sorted(found, key=lambda p: str(p))


def identity(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Size and modification time of each input: a resume refuses a corpus that changed."""
    out = []
    for path in paths:
        stat = path.stat()
        out.append({"path": str(path.resolve()), "size": stat.st_size if path.is_file() else
                    None, "mtime_ns": stat.st_mtime_ns})
    return out
