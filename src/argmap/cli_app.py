"""The ``argmap`` application and what its verbs share: option types, flag parsing, choices.

``cli`` (map, batch, demo) and ``cli_tools`` (inspect, eval, train) register their verbs on
``app``; both import this module and neither imports the other's verbs, so the package has
no import circle (tests/test_layout.py). Nothing heavy is imported here: ``argmap --help``
answers in a fraction of a second.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import typer

from argmap.cli_output import ArgmapGroup
from argmap.errors import OptionsError
from argmap.options import READ_FORMATS, Options

EX_INTERRUPTED = 130
EVAL_TASKS = ("auto", "segmentation", "relations", "stance", "topics", "summaries", "maps")
SCHEDULERS = ("local", "dask")


app = typer.Typer(
    name="argmap",
    help=(
        "Turn online discussions into argument maps: claims, topics, support and attack edges, "
        "what is contested and unanswered, summaries. Offline and deterministic."
    ),
    no_args_is_help=True,
    cls=ArgmapGroup,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
        typer.Option("--version", callback=_version_callback, is_eager=True, metavar="",
                     help="Show the version and exit."),
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


def read_flags(input_format: str | None, fields: list[str] | None, single_post: bool,
               strict: bool) -> dict[str, object]:
    """The read options ``map`` and ``batch`` share, as option keys (None: not given)."""
    return {"read.format": input_format,
            "read.fields": ",".join(fields) if fields else None,
            "read.single_post": True if single_post else None,
            "read.strict": True if strict else None}


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """A flag value from a fixed list, or a usage error (64) that lists the list."""
    if value not in allowed:
        raise OptionsError(name, f"one of {', '.join(allowed)}", value)
    return value


FORMAT_HELP = f"Input format: {', '.join(READ_FORMATS)} ('auto' sniffs the content)."
FILES_HELP = ("Thread files or folders ('-' reads standard input): text, JSON, JSON Lines, Reddit, "
              "HN, Discourse, LessWrong, ConvoKit, argmap maps; gzip/bz2/xz/zstd compressed or not.")
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", metavar="FILE",
                 help="TOML file with \\[read], \\[segment], ... tables."),  # \[: not rich markup
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE",
                 help="Override any option: --set cluster.max_topics=20 (repeatable)."),
]
FromOpt = Annotated[str | None, typer.Option("--from", metavar="FORMAT", help=FORMAT_HELP)]
FieldOpt = Annotated[
    list[str] | None,
    typer.Option("--field", metavar="NAME=FIELD",
                 help="Map a JSON field: --field text=body --field reply_to=parent_id "
                      "(names: text, id, reply_to, author, created, thread, title, url)."),
]
SinglePostOpt = Annotated[bool, typer.Option("--single-post", metavar="",
                                             help="Keep each text file as one post.")]
StrictOpt = Annotated[bool, typer.Option("--strict", metavar="",
                                         help="Fail (65) on any malformed or skipped record.")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", metavar="",
                                        help="Print nothing but errors and what was skipped.")]
