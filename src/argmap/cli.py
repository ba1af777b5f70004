"""The ``argmap`` command: a thin typer skin over ``argmap.api``.

Each command parses its flags into ``Options``, makes one API call and reports. Messages go to
stderr (one line per output written; errors as one red line); data goes to stdout
(``cli_output``). Exit codes (README "Exit codes", ``errors``): 0 done; 2 command-line syntax
(unknown flag, missing argument); 3 finished, but something was left out (records skipped, a
map not drawn: stderr says what); 64 bad option value; 65 unusable input or error budget
exceeded; 66 missing input; 69 missing dependency or unreachable scheduler; 73/74 cannot
write output; 75 batch locked or resume refused; 130 interrupted; 141 stdout closed by its
reader.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from argmap.cli_app import (
    EX_INTERRUPTED,
    FILES_HELP,
    SCHEDULERS,
    ConfigOpt,
    FieldOpt,
    FromOpt,
    QuietOpt,
    SetOpt,
    SinglePostOpt,
    StrictOpt,
    _choice,
    app,
    build_options,
    read_flags,
)
from argmap.cli_output import (
    EX_PIPE,
    ArgmapCommand,
    StdoutClosed,
    batch_progress,
    batch_warnings,
    clear_progress_line,
    err,
    finish_report,
    os_error_exit,
    progress_bar,
    safe_terminal,
    silence_stdout,
    spooled_inputs,
)
from argmap.errors import (
    EX_OK,
    ArgmapError,
    ServiceUnavailable,
    plural,
)
from argmap.options import EXPORT_FORMATS
from argmap.readers.inputs import must_exist

_written: list[Path] = []  # outputs announced so far, for the message on Ctrl-C
_manifest: list[Path] = []  # batch: where the finished inputs are recorded


@app.command("map", cls=ArgmapCommand)
def map_command(
    inputs: Annotated[list[Path], typer.Argument(metavar="FILE...", help=FILES_HELP)],
    out: Annotated[Path, typer.Option("-o", "--out", metavar="DIR",
                                      help="Output folder (created if missing).")] = Path("argmap-out"),
    input_format: FromOpt = None,
    fields: FieldOpt = None,
    single_post: SinglePostOpt = False,
    export: Annotated[
        str | None,
        typer.Option("--export", metavar="FORMAT,...",
                     help=f"Outputs per thread, a comma list of: {', '.join(EXPORT_FORMATS)} "
                          "(default: svg,json,summary)."),
    ] = None,
    strict: StrictOpt = False,
    seed: Annotated[int | None, typer.Option("--seed", metavar="N",
                                             help="Seed for topic clustering.")] = None,
    quiet: QuietOpt = False,
    config: ConfigOpt = None,
    settings: SetOpt = None,
) -> None:
    """Map each thread in FILE...: an SVG map, a summary and a JSON export per thread."""
    options = build_options(
        config,
        settings,
        **{
            **read_flags(input_format, fields, single_post, strict),
            "export.formats": export,
            "cluster.seed": seed,
        },
    )
    with spooled_inputs(inputs) as (paths, names), progress_bar(quiet) as progress:
        for path in paths:  # a mistyped name fails before the pipeline is imported (~2 s)
            must_exist(Path(path))
        from argmap.api import map_inputs

        report = map_inputs(
            paths,
            out,
            options,
            on_output=_announce if not quiet else _written.append,
            progress=progress,
            source_names=names,
        )
    _finish(report, quiet)


@app.command(cls=ArgmapCommand)
def batch(
    inputs: Annotated[list[Path], typer.Argument(
        metavar="PATH...", help="Corpus files or folders, any size, compressed or not (every "
                                "format map reads).")],
    out: Annotated[Path, typer.Option("-o", "--out", metavar="DIR",
                                      help="Output folder: corpus tables, report, maps.")],
    jobs: Annotated[str, typer.Option(
        "--jobs", metavar="N|auto",
        help="Worker processes; auto: the cores, fewer if memory is short.")] = "auto",
    memory: Annotated[str, typer.Option(
        "--memory", metavar="SIZE|auto",
        help="Memory the workers may hold together, e.g. 6G; a giant thread then runs with "
             "fewer workers beside it (auto: 80% of what is available).")] = "auto",
    resume: Annotated[bool, typer.Option(
        "--resume", metavar="", help="Continue an interrupted run (same inputs and options); "
                                     "finished partitions are verified, not redone.")] = False,
    scheduler: Annotated[str, typer.Option(
        metavar="local|dask", help="local (worker processes) or dask (a LocalCluster, or the "
                                   "scheduler at --address).")] = "local",
    address: Annotated[str | None, typer.Option(
        metavar="URL", help="Dask scheduler address, e.g. tcp://host:8786 (default: start a "
                            "LocalCluster).")] = None,
    input_format: FromOpt = None,
    fields: FieldOpt = None,
    single_post: SinglePostOpt = False,
    strict: StrictOpt = False,
    maps: Annotated[str | None, typer.Option(
        "--maps", metavar="all|top:N|contested:N",
        help="Also write per-thread maps: all, the N largest threads, or the N most "
             "attacked.")] = None,
    export: Annotated[str | None, typer.Option(
        "--export", metavar="FORMAT,...",
        help=f"Formats of the per-thread maps, a comma list of: {', '.join(EXPORT_FORMATS)}."
    )] = None,
    tables: Annotated[str | None, typer.Option(
        "--tables", metavar="FORMAT,...",
        help="Table formats: csv,parquet,sqlite (default: all installed).")] = None,
    quiet: QuietOpt = False,
    config: ConfigOpt = None,
    settings: SetOpt = None,
) -> None:
    """Map a corpus (one dump of millions of posts, or many files) into corpus tables.

    Streams the inputs once into spill files by thread, fits one topic model for the whole
    corpus, maps every thread in parallel, and writes posts, claims, relations, post
    relations (who agrees or disagrees with whom), topics, threads, camps and problems as CSV,
    Parquet and SQLite, plus report.html.
    """
    from argmap.corpus.runner import run_batch

    _choice("--scheduler", scheduler, SCHEDULERS)
    _manifest.append(out / ".argmap" / "manifest.jsonl")
    options = build_options(
        config,
        settings,
        **{
            **read_flags(input_format, fields, single_post, strict),
            "export.formats": export,
        },
    )
    with _scheduler_errors(scheduler, address):
        report = run_batch(
            inputs, out, options, jobs=jobs, resume=resume, scheduler=scheduler,
            address=address, maps=maps, tables=tables, memory=memory,
            progress=batch_warnings() if quiet else batch_progress(),
        )
    lost = report.skipped + report.quarantined
    if not quiet:
        clear_progress_line()
    if not quiet or lost:  # --quiet still says what was skipped (its help promises it)
        err.print(
            f"records in {report.records_in:,} = processed {report.processed:,} + skipped "
            f"{report.skipped:,} + quarantined {report.quarantined:,}; "
            f"{plural(report.threads, 'thread')}, {plural(report.claims, 'claim')}, "
            f"{plural(report.relations, 'relation')}, {plural(report.topics, 'topic')}"
        )
    if not quiet:
        reused = f" ({report.tasks_reused} of them already done)" if report.tasks_reused else ""
        err.print(f"{plural(report.tasks_run + report.tasks_reused, 'task')}{reused} on "
                  f"{plural(report.jobs, 'worker')}; tables and report.html in {safe_terminal(report.out)}")
    if report.problems and (not quiet or report.exit_code):  # -q: said when they cost exit 3
        err.print(f"[yellow]{plural(report.problems, 'problem')} listed in the problems table "
                  f"({safe_terminal(report.out / 'corpus.sqlite')}, csv/problems.csv)[/]")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@contextmanager
def _scheduler_errors(scheduler: str, address: str | None) -> Iterator[None]:
    """A Dask scheduler that does not answer is unavailable (69), not an output error."""
    try:
        yield
    except OSError as exc:
        text = str(exc)
        if scheduler == "dask" and ("connect" in text.lower() or isinstance(
                exc, ConnectionError | TimeoutError)):
            raise ServiceUnavailable(
                f"cannot reach the Dask scheduler at {address or 'the LocalCluster'} ({text}); "
                "is it running, and is the address right? Or drop --address to start a "
                "LocalCluster") from exc
        raise


def packaged_corpora() -> Path:
    """The demo corpora shipped inside the package (a copy of the repository's corpora/)."""
    return Path(__file__).resolve().parent / "resources" / "corpora"


@app.command(cls=ArgmapCommand)
def demo(
    corpora: Annotated[Path | None, typer.Option(
        metavar="DIR", help="Folder of demo corpora (default: the two seed documents shipped "
                            "with argmap).")] = None,
    out: Annotated[Path, typer.Option("-o", "--out", metavar="DIR",
                                      help="Where the maps go.")] = Path("outputs"),
    quiet: QuietOpt = False,
) -> None:
    """Render the demo corpora into the --out folder (SVG, DOT, JSON, summary, HTML), from any folder."""
    from argmap.api import demo as run_demo

    folder = corpora if corpora is not None else packaged_corpora()
    if not folder.is_dir():
        from argmap.errors import MissingInput

        raise MissingInput("no such folder of demo corpora", folder, code="missing_input")
    report = run_demo(folder, out, on_output=_announce if not quiet else _written.append)
    _finish(report, quiet)


def _announce(path: Path) -> None:
    _written.append(path)
    err.print(f"wrote {safe_terminal(path)}")


def _finish(report: Any, quiet: bool) -> None:
    code = finish_report(report, quiet)
    if code:
        raise typer.Exit(code)


def _interrupted() -> None:
    if _manifest:
        err.print(f"[red]interrupted[/]: the inputs finished before it are recorded in "
                  f"{safe_terminal(_manifest[0])}; run the same command with --resume to "
                  "continue")
    elif _written:
        was = "was" if len(_written) == 1 else "were"
        err.print(f"[red]interrupted[/]: {plural(len(_written), 'file')} {was} written before "
                  "it, each whole (outputs are written atomically); the rest were not written")
    else:
        err.print("[red]interrupted[/]: no output was written")


def main() -> None:
    """Entry point: run the app, turning argmap errors into one red line and an exit code."""
    try:
        rc = app(standalone_mode=False, prog_name="argmap")
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at interpreter exit
    except ArgmapError as exc:
        err.print(f"[bold red]error:[/] {safe_terminal(exc)}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _interrupted()
        sys.exit(EX_INTERRUPTED)
    except (StdoutClosed, BrokenPipeError):
        silence_stdout()
        sys.exit(EX_PIPE)
    except OSError as exc:
        silence_stdout()
        sys.exit(os_error_exit(exc))
    except Exception as exc:
        # Usage errors come from the click that typer bundles (typer._click in recent typer,
        # click itself in older ones): recognise them by behaviour, not by class.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        raise
    if rc == EX_INTERRUPTED:  # typer turns Ctrl-C inside a command into Exit(130)
        _interrupted()
    sys.exit(rc if isinstance(rc, int) else EX_OK)


# the verbs around mapping (inspect, eval, train) register themselves on ``app``: imported
# last so that --help lists them after map, batch and demo
from argmap import cli_tools  # noqa: E402, F401
