"""Errors argmap raises, each with the exit code the CLI uses for it.

Every message names the place, the problem and the way out, e.g.
``thread.jsonl:17: missing field 'body' (the post text); map it with --field text=NAME``.
Exit codes follow sysexits(3) so scripts can tell bad input from a full disk.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence

EX_OK = 0
EX_PARTIAL = 3  # completed, but some records were skipped
EX_USAGE = 64
EX_DATAERR = 65
EX_NOINPUT = 66
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70
EX_CANTCREAT = 73
EX_IOERR = 74
EX_TEMPFAIL = 75


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 thread``, ``2 threads``, ``1,204 records``: counts in messages read as English."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


class ArgmapError(Exception):
    """Base class: an error a user can act on. ``exit_code`` is what the CLI exits with."""

    exit_code = EX_SOFTWARE


class InputError(ArgmapError):
    """The input cannot be used as it is. Names the file and, when known, the line."""

    exit_code = EX_DATAERR

    def __init__(
        self,
        message: str,
        path: str | os.PathLike[str] | None = None,
        line: int | None = None,
        code: str = "bad_input",
        byte_offset: int | None = None,
    ) -> None:
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        self.code = code
        self.byte_offset = byte_offset
        self.detail = message
        where = ""
        if self.path is not None:
            where = self.path + (f":{line}" if line else "")
            where += (f" (byte {byte_offset:,})" if byte_offset is not None else "") + ": "
        super().__init__(where + message)


class MissingInput(InputError):
    """The input file or folder does not exist or cannot be read."""

    exit_code = EX_NOINPUT


class OptionsError(ArgmapError):
    """An option has a value argmap cannot use. Names the key, what it expects, what it got."""

    exit_code = EX_USAGE

    def __init__(self, key: str, expected: str, got: object) -> None:
        self.key = key
        super().__init__(f"option {key!r} must be {expected}, got {got!r}")


class UnknownOption(OptionsError):
    """A ``--set`` / ``--config`` key argmap does not have. Names the closest known keys (a
    typo is the usual cause) instead of printing all sixty."""

    def __init__(self, key: str, value: object, known: Sequence[str]) -> None:
        close = difflib.get_close_matches(key.lower(), known, n=3, cutoff=0.6)  # LINK.MODEL too
        if close:
            hint = f"did you mean {' or '.join(repr(k) for k in close)}?"
        else:
            hint = f"the known keys are {', '.join(known)}"
        self.key = key
        ArgmapError.__init__(self, f"unknown option {key!r} (given {value!r}): {hint}")


class RenderError(ArgmapError):
    """Graphviz failed or timed out on a map."""

    exit_code = EX_SOFTWARE


class MissingDependency(ArgmapError):
    """An optional dependency or system program is not installed. Says how to install it."""

    exit_code = EX_UNAVAILABLE


class ServiceUnavailable(ArgmapError):
    """A service argmap was pointed at does not answer (a Dask scheduler address)."""

    exit_code = EX_UNAVAILABLE


class OutputError(ArgmapError):
    """An output could not be written (disk full, outside the output folder, ...)."""

    exit_code = EX_IOERR


class CannotCreate(OutputError):
    """An output file or folder cannot be created there (not a folder, no permission, a name
    that would land outside the output folder)."""

    exit_code = EX_CANTCREAT
