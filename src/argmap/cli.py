"""The ``argmap`` command: a thin typer skin over ``argmap.api``.

Each command parses its flags into ``Options``, makes one API call and reports. Messages go to
stderr (one line per output written; errors as one red line); data goes to stdout. Exit codes
follow sysexits: 64 usage, 65 bad data, 66 missing input, 69 missing dependency, 73/74 output
problems, 3 when the run finished but skipped records, 130 on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from argmap.errors import EX_IOERR, EX_PARTIAL, ArgmapError, OptionsError
from argmap.options import Options

app = typer.Typer(
    name="argmap",
    help=(
        "Turn online discussions into argument maps: claims, topics, support and attack edges, "
        "what is contested and unanswered, summaries. Offline and deterministic."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version() -> str:
    try:
        return package_version("argmap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"argmap {_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """argmap: offline argument maps of discussions."""


def build_options(
    config: Path | None,
    settings: list[str] | None,
    **flags: object,
) -> Options:
    """Defaults, then the TOML file, then ``--set section.key=value``, then the named flags."""
    options = Options.from_toml(config) if config else Options()
    overrides: dict[str, object] = {}
    for item in settings or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise OptionsError("--set", "SECTION.KEY=VALUE", item)
        overrides[key.strip()] = value.strip()
    overrides.update({k: v for k, v in flags.items() if v is not None})
    return options.with_overrides(overrides)


ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML file with \\[read], \\[segment], ... tables.")  # \[: not rich markup
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override any option: --set cluster.max_topics=20 (repeatable)."),
]


@app.command("map")
def map_command(
    inputs: Annotated[list[Path], typer.Argument(help="Thread files (text, JSON, JSONL, Reddit, HN, Discourse, ...).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder (created if missing).")] = Path("argmap-out"),
    input_format: Annotated[str | None, typer.Option("--from", help="Input format; 'auto' sniffs the content.")] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option("--field", help="Map a JSON field: --field text=body --field reply_to=parent_id."),
    ] = None,
    single_post: Annotated[bool, typer.Option("--single-post", help="Keep each text file as one post.")] = False,
    export: Annotated[
        str | None,
        typer.Option("--export", help="Comma list: svg,dot,json,summary,html,graphml,aif,argdown,csv,parquet."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any malformed record.")] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for topic clustering.")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")] = False,
    config: ConfigOpt = None,
    settings: SetOpt = None,
) -> None:
    """Map each thread in INPUTS: an SVG map, a summary and a JSON export per thread."""
    from argmap.api import map_inputs

    options = build_options(
        config,
        settings,
        **{
            "read.format": input_format,
            "read.fields": ",".join(fields) if fields else None,
            "read.single_post": True if single_post else None,
            "read.strict": True if strict else None,
            "export.formats": export,
            "cluster.seed": seed,
        },
    )
    with _stdin_as_file(inputs) as (paths, names), _progress_bar(quiet) as progress:
        report = map_inputs(
            paths,
            out,
            options,
            on_output=None if quiet else _announce,
            progress=progress,
            source_names=names,
        )
    _finish(report.problems, quiet, f"{report.threads} threads, {report.claims} claims, {report.relations} relations")


@app.command()
def batch(
    inputs: Annotated[list[Path], typer.Argument(help="Corpus files or folders (any size; compressed or not).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder: corpus tables, report, maps.")],
    jobs: Annotated[str, typer.Option("--jobs", metavar="N|auto", help="Worker processes; auto: the cores, fewer if memory is short.")] = "auto",
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run (same inputs and options).")] = False,
    scheduler: Annotated[str, typer.Option(help="local (worker processes) or dask.")] = "local",
    address: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster).")] = None,
    input_format: Annotated[str | None, typer.Option("--from", help="Input format; 'auto' sniffs the content.")] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option("--field", help="Map a JSON field: --field text=body --field reply_to=parent_id."),
    ] = None,
    single_post: Annotated[bool, typer.Option("--single-post", help="Keep each text file as one post.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any malformed record.")] = False,
    maps: Annotated[str | None, typer.Option("--maps", metavar="all|top:N|contested:N", help="Also write per-thread maps: all, the N largest threads, or the N most attacked.")] = None,
    export: Annotated[str | None, typer.Option("--export", help="Formats of the per-thread maps (as for map).")] = None,
    tables: Annotated[str | None, typer.Option("--tables", help="Comma list of table formats: csv,parquet,sqlite (default: all installed).")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")] = False,
    config: ConfigOpt = None,
    settings: SetOpt = None,
) -> None:
    """Map a corpus (one dump of millions of posts, or many files) into corpus tables.

    Streams the inputs once into spill files by thread, fits one topic model for the whole
    corpus, maps every thread in parallel, and writes posts, claims, relations, topics,
    threads, camps and problems as CSV, Parquet and SQLite, plus report.html.
    """
    from argmap.corpus.runner import run_batch

    options = build_options(
        config,
        settings,
        **{
            "read.format": input_format,
            "read.fields": ",".join(fields) if fields else None,
            "read.single_post": True if single_post else None,
            "read.strict": True if strict else None,
            "export.formats": export,
        },
    )
    report = run_batch(
        inputs, out, options, jobs=jobs, resume=resume, scheduler=scheduler, address=address,
        maps=maps, tables=tables, progress=None if quiet else _batch_progress(),
    )
    if not quiet:
        _clear_progress_line()
        err.print(
            f"records in {report.records_in:,} = processed {report.processed:,} + skipped "
            f"{report.skipped:,} + quarantined {report.quarantined:,}; {report.threads:,} threads, "
            f"{report.claims:,} claims, {report.relations:,} relations, {report.topics} topics"
        )
        reused = f" ({report.tasks_reused} of them already done)" if report.tasks_reused else ""
        err.print(f"{report.tasks_run + report.tasks_reused} tasks{reused} on {report.jobs} "
                  f"workers; tables and report.html in {safe_terminal(report.out)}")
        if report.problems:
            err.print(f"[yellow]{report.problems:,} problems listed in the problems table "
                      f"({safe_terminal(report.out / 'corpus.sqlite')}, csv/problems.csv)[/]")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _batch_progress() -> Callable[[object], None]:
    """Progress lines on stderr: rewritten in place on a terminal, every few seconds in a log."""
    import time

    from argmap.corpus.progress import describe

    last = {"at": 0.0, "phase": ""}
    interval = 0.2 if err.is_terminal else 5.0

    def show(event: object) -> None:
        now = time.monotonic()
        phase = getattr(event, "phase", "")
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


def _clear_progress_line() -> None:
    if err.is_terminal:
        err.file.write("\r\x1b[2K")
        err.file.flush()


@app.command()
def demo(
    corpora: Annotated[Path, typer.Option(help="Folder of demo corpora.")] = Path("corpora"),
    out: Annotated[Path, typer.Option("-o", "--out", help="Where the maps go.")] = Path("outputs"),
    quiet: Annotated[bool, typer.Option("-q", "--quiet")] = False,
) -> None:
    """Render every corpus under corpora/ into outputs/ (SVG, DOT, JSON, summary, HTML)."""
    from argmap.api import demo as run_demo

    report = run_demo(corpora, out, on_output=None if quiet else _announce)
    _finish(report.problems, quiet, f"{report.threads} threads, {report.claims} claims, {report.relations} relations")


@app.command("eval")
def eval_command(
    files: Annotated[list[Path], typer.Argument(help="Labelled JSONL files (format A documents or B pairs).")],
    task: Annotated[
        str, typer.Option(help="auto|segmentation|relations|stance|topics|summaries")
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object with every figure.")] = False,
) -> None:
    """Score argmap against labelled data, beside trivial baselines computed in the same run."""
    from argmap.evaluation import evaluate

    result = evaluate([str(f) for f in files], task=task)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n")
        return
    _print_eval(result)


@app.command()
def train(
    files: Annotated[list[Path], typer.Argument(help="Labelled JSONL files to learn from.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the model (JSON text).")],
    seed: Annotated[int, typer.Option(help="Seed for the training run.")] = 0,
) -> None:
    """Train the relation model from labelled files and write it as JSON text (never a pickle)."""
    from argmap.link.training import train as run_train

    figures = run_train([str(f) for f in files], out, seed=seed)
    err.print(f"wrote {escape(str(out))}")
    for key, value in sorted(figures.items()):
        err.print(f"  {escape(str(key))}: {escape(str(value))}")


@app.command()
def inspect(
    inputs: Annotated[list[Path], typer.Argument(help="Files to look at.")],
    input_format: Annotated[str | None, typer.Option("--from", help="Input format; 'auto' sniffs.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the sniffed format, threads, posts and problems of each input, without mapping."""
    from argmap.readers import read_threads

    options = build_options(None, None, **{"read.format": input_format})
    result = read_threads(inputs, options.read)
    info = {
        "records_in": result.records_in,
        "threads": [
            {"id": t.id, "title": t.title, "posts": len(t.posts)} for t in result.threads
        ],
        "problems": [
            {"code": p.code, "path": p.path, "line": p.line, "message": p.message}
            for p in result.problems
        ],
    }
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(info, option=orjson.OPT_INDENT_2) + b"\n")
        return
    table = Table("thread", "title", "posts")
    for t in info["threads"]:
        table.add_row(safe_terminal(t["id"]), safe_terminal(t["title"] or ""), str(t["posts"]))
    Console().print(table)
    for p in info["problems"]:
        err.print(f"[yellow]{safe_terminal(p['path'])}:{p['line']}: {safe_terminal(p['message'])}[/]")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_terminal(text: object) -> str:
    """Text from inputs, made inert for a terminal: control and bidi characters (ANSI escapes
    start with one) are replaced and rich markup is escaped."""
    return escape(_CONTROL.sub("\ufffd", str(text)))


@contextlib.contextmanager
def _progress_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
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


@contextlib.contextmanager
def _stdin_as_file(inputs: list[Path]) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """``-`` among the inputs means standard input: spooled to a temporary file named
    ``stdin`` (so its thread id is ``...:stdin``), sniffed like any other input."""
    if not any(str(p) == "-" for p in inputs):
        yield inputs, {}
        return
    with tempfile.TemporaryDirectory(prefix="argmap-stdin-") as folder:
        spooled = Path(folder) / "stdin"
        with open(spooled, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield [spooled if str(p) == "-" else p for p in inputs], {str(spooled): "-"}


def _announce(path: Path) -> None:
    err.print(f"wrote {safe_terminal(path)}")


def _finish(problems: tuple, quiet: bool, totals: str) -> None:
    if not quiet:
        err.print(escape(totals))
    if problems:
        for p in problems[:20]:
            err.print(f"[yellow]{safe_terminal(p.path)}:{p.line}: {safe_terminal(p.message)}[/]")
        if len(problems) > 20:
            err.print(f"[yellow]… and {len(problems) - 20} more problems[/]")
        raise typer.Exit(EX_PARTIAL)


def _print_eval(result: dict) -> None:
    console = Console()
    tables = sorted((result.get("corpora") or {}).items())
    if result.get("pooled"):
        tables.append(("pooled", result["pooled"]))
    for name, figures in tables:
        table = Table(title=safe_terminal(f"{name} ({result.get('task', '')})"))
        table.add_column("figure")
        table.add_column("value", justify="right")
        for key, value in sorted(figures.items()):
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            table.add_row(safe_terminal(key), safe_terminal(shown))
        console.print(table)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail a second time."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main() -> None:
    """Entry point: run the app, turning argmap errors into one red line and an exit code."""
    try:
        rc = app(standalone_mode=False)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at interpreter exit
    except ArgmapError as exc:
        err.print(f"[bold red]error:[/] {safe_terminal(exc)}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("[red]interrupted[/]")
        sys.exit(130)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(1)
    except OSError as exc:  # writing results to standard output: ENOSPC, EIO, EFBIG
        _silence_stdout()
        err.print(f"[bold red]error:[/] cannot write output: {safe_terminal(exc.strerror or exc)}")
        sys.exit(EX_IOERR)
    except Exception as exc:
        # Usage errors come from the click that typer bundles (typer._click in recent typer,
        # click itself in older ones): recognise them by behaviour, not by class.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)
