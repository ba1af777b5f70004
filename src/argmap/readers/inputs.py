"""Which files a list of inputs stands for: the one expansion `map`, `inspect` and `batch` share.

A named file is read (and an error if it cannot be); a named folder stands for the files under
it, walked in name order, hidden entries left out, a ConvoKit corpus folder (one holding
``utterances.jsonl``) kept whole. Folders found by the walk are real-world folders: symlinks
that loop back (``a/link -> ..``), point nowhere, or reach a file already listed, and entries
that are not regular files (sockets, FIFOs, devices) are skipped with a ``Problem`` rather than
followed forever or aborting the run. The walk is iterative and each real directory is
entered once, so neither a loop nor a deep tree can exhaust the stack.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from argmap.errors import InputError, MissingInput
from argmap.model import Problem

CONVOKIT_MARKER = "utterances.jsonl"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One unit to read. ``named``: given by the user, so a failure to read it is an error;
    otherwise found in a folder, where a file that is not a thread is skipped and reported."""

    path: Path
    named: bool


@dataclass(frozen=True, slots=True)
class Inputs:
    """The files to read, in a deterministic order, and what the walk skipped."""

    files: tuple[InputFile, ...]
    problems: tuple[Problem, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(f.path for f in self.files)


def is_convokit_folder(path: Path) -> bool:
    return path.is_dir() and (path / CONVOKIT_MARKER).is_file()


def _real(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop or a dangling link
        return None


def expand_inputs(paths: Sequence[str | os.PathLike[str]]) -> Inputs:
    """Files for ``paths`` (see the module docstring). A missing named input is a
    ``MissingInput``; a named folder with nothing readable in it is an ``InputError``."""
    files: list[InputFile] = []
    problems: list[Problem] = []
    seen_files: dict[Path, Path] = {}
    seen_dirs: set[Path] = set()

    def add(path: Path, real: Path, named: bool) -> None:
        if real in seen_files:
            problems.append(Problem("duplicate_file", f"same file as {seen_files[real]}; read "
                                    "once", str(path)))
            return
        seen_files[real] = path
        files.append(InputFile(path, named))

    for item in paths:
        path = Path(item)
        real = must_exist(path)
        if not real.is_dir() or is_convokit_folder(real):
            add(path, real, named=True)
            continue
        if real in seen_dirs:
            problems.append(_seen_folder(path, real))
            continue
        before = len(files)
        _walk(path, real, seen_dirs, add, problems)
        if len(files) == before:
            raise InputError("no thread files in this folder (it is empty, or holds only "
                             "hidden or skipped entries)", path, code="empty_input")
    return Inputs(tuple(files), tuple(problems))


def must_exist(path: Path) -> Path:
    """The resolved path of a named input, or ``MissingInput`` (exit 66) saying why not. The
    CLI asks this before it imports the pipeline, so a mistyped name fails at once."""
    real = _real(path)
    if real is None:
        if path.is_symlink():
            raise MissingInput("is a symbolic link that points nowhere or loops", path,
                               code="missing_input")
        raise MissingInput("no such file or folder", path, code="missing_input")
    return real


def _seen_folder(entry: Path, target: Path) -> Problem:
    """A folder reached a second time: through a link to one of its own ancestors (a loop),
    or a second way into a folder already read. Either way its files are read once."""
    parent = _real(entry.parent)
    if parent is not None and (parent == target or target in parent.parents):
        return Problem("symlink_loop", f"links back to {target}, a folder it is inside (a "
                       "symbolic link loop); not followed", str(entry))
    return Problem("duplicate_folder", f"same folder as {target}, already read; read once",
                   str(entry))


def _listing(folder: Path, problems: list[Problem]) -> list[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        problems.append(Problem("unreadable_file", f"folder cannot be listed ({exc.strerror})",
                                str(folder)))
        return []
    return [folder / name for name in names if not name.startswith(".")]


def _walk(top: Path, real_top: Path, seen_dirs: set[Path],
          add: Callable[[Path, Path, bool], None], problems: list[Problem]) -> None:
    """Name-ordered, depth-first walk of ``top`` (like ``find | sort``) that enters each real
    directory once; iterative, so a deep tree cannot exhaust the stack."""
    seen_dirs.add(real_top)
    stack: list[Iterator[Path]] = [iter(_listing(top, problems))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        target = _real(entry)
        if target is None:
            problems.append(Problem("broken_link", "symbolic link that points nowhere or "
                                    "loops; skipped", str(entry)))
            continue
        try:
            mode = os.stat(target).st_mode
        except OSError as exc:
            problems.append(Problem("unreadable_file", f"cannot be read ({exc.strerror})",
                                    str(entry)))
            continue
        if stat.S_ISDIR(mode) and not is_convokit_folder(target):
            if target in seen_dirs:
                problems.append(_seen_folder(entry, target))
                continue
            seen_dirs.add(target)
            stack.append(iter(_listing(entry, problems)))
        elif stat.S_ISDIR(mode) or stat.S_ISREG(mode):
            add(entry, target, False)
        else:
            problems.append(Problem("not_a_file", "not a regular file (a socket, FIFO or "
                                    "device); skipped", str(entry)))
