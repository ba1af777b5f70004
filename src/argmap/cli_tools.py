"""The verbs around mapping: ``inspect`` (what is in these files?), ``eval`` and ``train``.

They register on ``cli_app.app`` when ``argmap.cli`` imports this module (its last import),
so ``argmap --help`` lists them after map, batch and demo, with the same option types and
conventions; they live here so that ``cli`` stays the skin of the mapping verbs (each module
well under 500 lines). Like ``cli``, this imports nothing heavy: each verb imports what it runs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from argmap.cli_app import EVAL_TASKS, FromOpt, _choice, app, build_options
from argmap.cli_output import (
    ArgmapCommand,
    err,
    print_eval,
    print_inspection,
    report_problems,
    safe_terminal,
    spooled_inputs,
    write_stdout,
)
from argmap.errors import EX_PARTIAL, plural
from argmap.evaluation.splits import PARTS


@app.command("eval", cls=ArgmapCommand)
def eval_command(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="Labelled JSONL files (format A documents or B pairs).")],
    task: Annotated[str, typer.Option(metavar="TASK", help=f"One of {', '.join(EVAL_TASKS)}.")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", metavar="",
                                          help="Print one JSON object with every figure.")] = False,
    part: Annotated[str, typer.Option(
        metavar="PART", help=f"One of {', '.join(PARTS)}: the part of each corpus to score "
                             "(sealed: never tuned on).")] = "all",
    model: Annotated[Path | None, typer.Option(
        metavar="FILE", help="A relation model 'argmap train' wrote (default: the shipped one).")
    ] = None,
) -> None:
    """Score argmap against labelled data, beside trivial baselines computed in the same run."""
    from argmap.evaluation import evaluate

    _choice("--task", task, EVAL_TASKS)
    _choice("--part", part, PARTS)
    result = evaluate([str(f) for f in files], task=task, part=part, model=model)
    if as_json:
        write_stdout(orjson.dumps(result, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n")
        return
    print_eval(result)


@app.command(cls=ArgmapCommand)
def train(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...",
                                                help="Labelled JSONL files to learn from.")],
    out: Annotated[Path, typer.Option("-o", "--out", metavar="FILE",
                                      help="Where to write the model (JSON text).")],
    seed: Annotated[int, typer.Option(metavar="N", help="Seed for the training run.")] = 0,
    part: Annotated[str, typer.Option(
        metavar="PART", help=f"One of {', '.join(PARTS)}: the part of each corpus to learn "
                             "from (study keeps the sealed figures honest).")] = "all",
) -> None:
    """Train the relation model from labelled files and write it as JSON text (never a pickle)."""
    from argmap.link.training import train as run_train

    _choice("--part", part, PARTS)
    figures = run_train([str(f) for f in files], out, seed=seed, part=part)
    err.print(f"wrote {safe_terminal(out)}")
    for key, value in sorted(figures.items()):
        err.print(f"  {safe_terminal(key)}: {safe_terminal(value)}")


@app.command(cls=ArgmapCommand)
def inspect(
    inputs: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="Files or folders to look at ('-' reads standard input).")],
    input_format: FromOpt = None,
    fields: Annotated[list[str] | None, typer.Option(
        "--field", metavar="NAME=FIELD", help="Map a JSON field, as for map.")] = None,
    as_json: Annotated[bool, typer.Option("--json", metavar="",
                                          help="Print JSON (every problem, not the first 20).")] = False,
) -> None:
    """Show each file's sniffed format, threads, posts and problems, without mapping.

    Also each file's compression and record counts. Exits 3 when records would be skipped and 65 when they are over the error budget, as map would.
    """
    from argmap.corpus.survey import survey, wants_survey
    from argmap.readers import check_budget, read_threads

    options = build_options(None, None, **{"read.format": input_format,
                                           "read.fields": ",".join(fields) if fields else None})
    with spooled_inputs(inputs) as (paths, names):
        if wants_survey(paths):  # a dump: counted as it streams, never held
            result: Any = survey(paths, options.read)
            threads = [(t.id, t.title, t.posts) for t in result.threads]
            streamed = [names.get(p, p) for p in result.streamed]
        else:
            result = read_threads(paths, options.read, budget=False)  # show all, then judge
            threads = [(t.id, t.title, len(t.posts)) for t in result.threads]
            streamed = []
    shown = dict(names)
    problems = tuple(replace(p, path=shown.get(p.path, p.path)) for p in result.problems)
    info = {
        "records_in": result.records_in,
        "posts": result.posts_kept,
        "skipped": result.skipped,
        "files": [{"path": shown.get(s.path, s.path), "format": s.format, "codec": s.codec,
                   "records": s.records_in, "posts": s.posts_kept,
                   "streamed": shown.get(s.path, s.path) in streamed} for s in result.sources],
        "threads": [{"id": key, "title": title, "posts": count}
                    for key, title, count in threads],
        "problems": [{"code": p.code, "path": p.path, "line": p.line,
                      "byte_offset": p.byte_offset, "message": p.message, "post_id": p.post_id}
                     for p in problems],
    }
    if as_json:
        write_stdout(orjson.dumps(info, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print_inspection(info)
        report_problems(problems, quiet=False)
        err.print(f"{plural(result.records_in, 'record')} read: {result.posts_kept:,} "
                  f"{'post' if result.posts_kept == 1 else 'posts'} kept, "
                  f"{result.skipped:,} skipped")
    check_budget(result, options.read)
    if result.losses:
        raise typer.Exit(EX_PARTIAL)
