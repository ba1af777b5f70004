"""What the ``argmap`` command prints - help, tables, problems, exit messages - and how it
survives the terminal and the pipe it prints to.

Help reads like a Unix manual (``ArgmapCommand``): ``argmap map [OPTIONS] FILE...`` and
metavars that name what is expected, never Python type names.

Data goes to stdout, messages to stderr. Text from inputs (file names, post ids, messages that
quote records) is made inert before it reaches a terminal. A reader that closes stdout early
(``argmap inspect --json | head``) ends the run quietly, as the Python docs advise for
SIGPIPE: stdout is pointed at /dev/null and the exit code is 141, what a shell reports for a
Unix tool stopped by SIGPIPE, so pipelines and ``set -o pipefail`` treat argmap like ``cat``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperArgument, TyperCommand, TyperGroup

from argmap.errors import (
    EX_CANTCREAT,
    EX_IOERR,
    EX_NOINPUT,
    EX_PARTIAL,
    EX_UNAVAILABLE,
    OutputError,
    plural,
)
from argmap.model import Problem
from argmap.readers.result import is_loss

EX_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool whose reader went away
SHOWN_PROBLEMS = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
REPAIR_WORDS = {
    "orphan_reply": "replies to posts not in the input, kept under their thread's root",
    "reply_cycle": "reply cycles, cut at the smallest post id",
    "self_reply": "posts replying to themselves, kept as roots",
    "duplicate_number": "repeated post numbers, kept under new ids",
    "invalid_utf8_repaired": "lines with bytes that are not UTF-8, replaced with U+FFFD",
    "partial_thread": "threads saved from a reply: that reply is the root",
    "more_replies": "places where the export did not load more replies",
    "posts_not_loaded": "topics only partly in the file",
    "bad_topic_id": "topic ids of the wrong type, passed over (the thread named otherwise)",
    "binary_metadata_ignored": "ConvoKit pickle files, never loaded",
    "symlink_loop": "symbolic links back into a folder being read, not followed",
    "duplicate_folder": "second ways into a folder already read",
    "duplicate_file": "second names of a file already read",
}


class StdoutClosed(Exception):
    """Whoever reads our stdout went away (a closed pipe)."""


class _Console(Console):
    def on_broken_pipe(self) -> None:  # rich would raise SystemExit(1) itself
        self.quiet = True
        raise StdoutClosed()


err = Console(stderr=True, highlight=False, soft_wrap=True)


def out_console() -> Console:
    """A console on stdout that reports a closed pipe as ``StdoutClosed``."""
    return _Console(highlight=False)


def write_stdout(data: bytes) -> None:
    """Write data to stdout: a closed pipe is ``StdoutClosed``, a full disk an OutputError."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError as exc:
        raise StdoutClosed() from exc
    except OSError as exc:
        raise OutputError(f"cannot write output: {exc.strerror or exc}") from exc


def silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail a second time."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def safe_terminal(text: object) -> str:
    """Text from inputs, made inert for a terminal: control and bidi characters (ANSI escapes
    start with one) are replaced and rich markup is escaped."""
    return escape(_CONTROL.sub("\ufffd", str(text)))


def where(problem: Problem) -> str:
    """``file:line (byte N)``: as much of the place as is known."""
    place = problem.path or "input"
    if problem.line:
        place += f":{problem.line}"
    if problem.byte_offset is not None:
        place += f" (byte {problem.byte_offset:,})"
    return place


def report_problems(problems: Sequence[Problem], *, quiet: bool) -> None:
    """What was left out, each with its place (the first SHOWN_PROBLEMS), then the repairs
    grouped by kind in one line each (not in quiet mode: they lose nothing)."""
    losses = [p for p in problems if is_loss(p)]
    for problem in losses[:SHOWN_PROBLEMS]:
        err.print(f"[yellow]{safe_terminal(where(problem))}: "
                  f"{safe_terminal(problem.message)}[/]")
    if len(losses) > SHOWN_PROBLEMS:
        err.print(f"[yellow]… and {plural(len(losses) - SHOWN_PROBLEMS, 'more problem')} "
                  "(argmap inspect --json lists them all)[/]")
    if quiet:
        return
    repairs = Counter(p.code for p in problems if not is_loss(p))
    for code, count in sorted(repairs.items()):
        first = next(p for p in problems if p.code == code)
        what = REPAIR_WORDS.get(code, code)
        err.print(f"repaired, nothing lost: {count:,} {safe_terminal(what)} ({code}); first: "
                  f"{safe_terminal(where(first))}: {safe_terminal(first.message)}")


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr, only when stderr is a terminal (never in pipes or logs)."""
    if quiet or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True,
    ) as bar:
        task = bar.add_task("mapping threads", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _needs_spooling(path: Path) -> bool:
    """``-`` (stdin) or a pipe given by name (``<(zcat dump.gz)``): readers open each input
    more than once (sniff, then read), which a pipe cannot give them."""
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


@contextlib.contextmanager
def spooled_inputs(inputs: Sequence[Path]) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """Inputs with ``-`` and pipes spooled to temporary files (``-`` is named ``stdin`` there,
    so its thread id is ``...:stdin``), and the names to give them back in records."""
    if not any(_needs_spooling(p) for p in inputs):
        yield list(inputs), {}
        return
    with tempfile.TemporaryDirectory(prefix="argmap-stdin-") as folder:
        paths: list[Path] = []
        names: dict[str, str] = {}
        for n, path in enumerate(inputs):
            if not _needs_spooling(path):
                paths.append(path)
                continue
            name = "stdin" if str(path) == "-" else Path(path).name
            spooled = Path(folder) / str(n) / name
            spooled.parent.mkdir()
            with open(spooled, "wb") as handle:
                if str(path) == "-":
                    shutil.copyfileobj(sys.stdin.buffer, handle)
                else:
                    with open(path, "rb") as source:
                        shutil.copyfileobj(source, handle)
            paths.append(spooled)
            names[str(spooled)] = str(path)
        yield paths, names


def _no_type(ctx: Any) -> None:
    return None


class ArgmapCommand(TyperCommand):
    """Help as Unix manuals write it: ``argmap map [OPTIONS] FILE...`` (typer would print
    ``{inputs}...``), metavars that name what is expected and no Python type names
    (``<list[Path]>``, ``<bool>``) beside them."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "ARG").upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = _no_type  # type: ignore[method-assign]
        return params

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


class ArgmapGroup(TyperGroup):
    """The top-level ``argmap --help``, without ``<bool>`` beside --help."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


MAX_THREAD_ROWS = 40


def print_inspection(info: dict[str, Any]) -> None:
    console = out_console()
    files = Table("file", "format", "compression", "records", "posts")
    for f in info["files"]:
        files.add_row(safe_terminal(f["path"]), f["format"], f["codec"] or "none",
                      f"{f['records']:,}", f"{f['posts']:,}")
    console.print(files)
    rows = info["threads"]
    if len(rows) > MAX_THREAD_ROWS:  # a dump's thousands of threads: the largest ones
        rows = sorted(rows, key=lambda t: (-t["posts"], t["id"]))[:MAX_THREAD_ROWS]
    threads = Table("thread", "title", "posts")
    for t in rows:
        threads.add_row(safe_terminal(t["id"]), safe_terminal(t["title"] or ""), f"{t['posts']:,}")
    if len(rows) < len(info["threads"]):
        threads.add_row(f"… {len(info['threads']) - len(rows):,} more threads", "(the largest "
                        f"{len(rows)} are shown; --json lists them all)", "")
    console.print(threads)
    streamed = [f["path"] for f in info["files"] if f.get("streamed")]
    if streamed:
        err.print(f"{plural(len(streamed), 'file')} over 64 MiB counted as a stream (records, "
                  "posts, threads, skipped records and reply-tree repairs as batch finds them)")


def print_eval(result: dict) -> None:
    """Each corpus's figures as a table, then its reliability curves (lists of bins)."""
    console = out_console()
    tables = sorted((result.get("corpora") or {}).items())
    if result.get("pooled"):
        tables.append(("pooled", result["pooled"]))
    for name, figures in tables:
        table = Table(title=safe_terminal(f"{name} ({result.get('task', '')})"))
        table.add_column("figure")
        table.add_column("value", justify="right")
        curves = {}
        for key, value in sorted(figures.items()):
            if isinstance(value, list) and value and isinstance(value[0], dict):  # a curve
                curves[key] = value
                continue
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            table.add_row(safe_terminal(key), safe_terminal(shown))
        console.print(table)
        for key, curve in curves.items():
            print_curve(console, f"{name}: {key}", curve)


def print_curve(console: Console, title: str, curve: list) -> None:
    """A reliability curve: per confidence bin, the mean confidence, the share right, the count."""
    table = Table(title=safe_terminal(title))
    for column in ("confidence bin", "mean confidence", "share right", "edges"):
        table.add_column(column, justify="right")
    for row in curve:
        table.add_row(f"{row['from']:.1f}-{row['to']:.1f}", f"{row['mean_confidence']:.3f}",
                      f"{row['accuracy']:.3f}", str(row["count"]))
    console.print(table)


def os_error_exit(exc: OSError) -> int:
    """An OSError no command turned into an argmap error: say what and where, and exit with
    the code its cause calls for."""
    name = f"{safe_terminal(exc.filename)}: " if exc.filename else ""
    reason = safe_terminal(exc.strerror or exc)
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        err.print(f"[bold red]error:[/] {name}{reason}")
        return EX_NOINPUT
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.EEXIST, errno.EISDIR):
        err.print(f"[bold red]error:[/] cannot create output: {name}{reason}")
        return EX_CANTCREAT
    if isinstance(exc, ConnectionError | TimeoutError):
        err.print(f"[bold red]error:[/] cannot reach a service: {name}{reason}")
        return EX_UNAVAILABLE
    err.print(f"[bold red]error:[/] cannot write output: {name}{reason}")
    return EX_IOERR


def batch_progress() -> Callable[[object], None]:
    """Progress lines on stderr: rewritten in place on a terminal, every few seconds in a log."""
    import time

    from argmap.corpus.progress import describe

    last: dict[str, Any] = {"at": 0.0, "phase": ""}
    interval = 0.2 if err.is_terminal else 5.0

    def show(event: object) -> None:
        now = time.monotonic()
        phase = getattr(event, "phase", "")
        if phase == "warning":
            batch_warnings()(event)
            return
        finished = getattr(event, "fraction", None) == 1.0
        if phase == last["phase"] and now - last["at"] < interval and not finished:
            return
        last["at"], last["phase"] = now, phase
        line = describe(event)  # type: ignore[arg-type]
        if err.is_terminal:
            err.file.write("\r\x1b[2K" + line)
            err.file.flush()
        else:
            err.print(escape(line))

    return show


def batch_warnings() -> Callable[[object], None]:
    """Only the warnings of a corpus run (``--quiet`` still shows them), each on a line of
    its own in yellow."""
    from argmap.corpus.progress import describe

    def show(event: object) -> None:
        if getattr(event, "phase", "") != "warning":
            return
        clear_progress_line()
        err.print(f"[yellow]{safe_terminal(describe(event))}[/]")  # type: ignore[arg-type]

    return show


def clear_progress_line() -> None:
    if err.is_terminal:
        err.file.write("\r\x1b[2K")
        err.file.flush()


def finish_report(report: Any, quiet: bool) -> int:
    """After a map or demo run: what was left out (one red line each: everything else was
    written), the totals with records in = mapped + skipped, then the problems; the exit code
    (3 when something was lost or left out)."""
    for line in report.left_out_lines():
        err.print(f"[bold red]error:[/] {safe_terminal(line)}")
    problems = tuple(getattr(report, "problems", ()))
    posts = getattr(report, "posts", None)
    if not quiet:
        err.print(escape(f"{plural(report.threads, 'thread')}, {plural(report.claims, 'claim')}, "
                         f"{plural(report.relations, 'relation')}"))
        if posts is not None:
            skipped = report.records_in - posts
            err.print(f"{plural(report.records_in, 'record')} read = {posts:,} mapped + "
                      f"{skipped:,} skipped")
    report_problems(problems, quiet=quiet)
    code = getattr(report, "exit_code", None)
    if code is None:
        code = EX_PARTIAL if any(is_loss(p) for p in problems) else 0
    return code
