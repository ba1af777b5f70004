"""The settings of a corpus run and what it reports: parsed and checked once, up front."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import EX_OK, EX_PARTIAL, MissingDependency, OptionsError

TABLE_FORMATS = ("csv", "parquet", "sqlite")
WORKER_MEMORY = 700 << 20  # bytes one mapping worker may need (a task of ~20k posts)


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What a corpus run did. ``exit_code`` is 0, or 3 when records were skipped or
    quarantined (all listed in the problems table)."""

    out: Path
    records_in: int
    processed: int
    skipped: int
    quarantined: int
    threads: int
    claims: int
    relations: int
    topics: int
    problems: int
    outputs: tuple[Path, ...]
    tasks_run: int
    tasks_reused: int
    jobs: int
    manifest: Path
    exit_code: int


@dataclass(frozen=True, slots=True)
class Settings:
    jobs: int
    scheduler: str
    address: str | None
    maps: str | None  # None, "all", "top:N", "contested:N"
    tables: tuple[str, ...]

    def recorded(self) -> dict[str, Any]:
        """What changes the outputs (jobs and the scheduler do not)."""
        return {"maps": self.maps, "tables": list(self.tables)}


def auto_jobs() -> int:
    """Worker processes for ``--jobs auto``: the usable cores, fewer if memory is short."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            info = dict(line.split(":", 1) for line in handle if ":" in line)
        available = int(info["MemAvailable"].split()[0]) * 1024
        return max(1, min(cores, available // WORKER_MEMORY))
    except (OSError, KeyError, ValueError):
        return max(1, cores)


def parse_jobs(jobs: int | str | None) -> int:
    if jobs is None or jobs == "auto":
        return auto_jobs()
    try:
        number = int(jobs)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise OptionsError("--jobs", "a whole number >= 1 or 'auto'", jobs)
    return number


def parse_maps(maps: str | None) -> str | None:
    if maps in (None, "", "none"):
        return None
    if maps == "all":
        return maps
    kind, _, count = str(maps).partition(":")
    if kind in ("top", "contested") and count.isdigit() and int(count) > 0:
        return f"{kind}:{int(count)}"
    raise OptionsError("--maps", "all, top:N or contested:N", maps)


def parse_tables(tables: Sequence[str] | str | None) -> tuple[str, ...]:
    if tables is None:
        wanted = [f for f in TABLE_FORMATS if f != "parquet" or _has_pyarrow()]
    else:
        items = tables.split(",") if isinstance(tables, str) else list(tables)
        wanted = [t.strip() for t in items if t.strip()]
    unknown = [t for t in wanted if t not in TABLE_FORMATS]
    if unknown or not wanted:
        raise OptionsError("--tables", f"a comma list of {', '.join(TABLE_FORMATS)}", tables)
    if "parquet" in wanted and not _has_pyarrow():
        raise MissingDependency("Parquet tables need pyarrow: pip install 'argmap[tables]' "
                                "(or --tables csv,sqlite)")
    return tuple(f for f in TABLE_FORMATS if f in wanted)


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def exit_code_of(skipped: int, quarantined: int, problems: Sequence[dict[str, Any]]) -> int:
    """3 when anything read was lost: records skipped or quarantined, or input left unread (a
    compressed file cut short or corrupt, a file in a folder that is not a thread)."""
    left_out = any(p["action"] == "left_out" for p in problems)
    return EX_PARTIAL if skipped or quarantined or left_out else EX_OK


def summary_json(report: BatchReport) -> bytes:
    body = {"records_in": report.records_in, "processed": report.processed,
            "skipped": report.skipped, "quarantined": report.quarantined,
            "threads": report.threads, "claims": report.claims,
            "relations": report.relations, "topics": report.topics,
            "problems": report.problems}
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"
