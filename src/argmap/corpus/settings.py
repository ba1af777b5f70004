"""The settings of a corpus run and what it reports: parsed and checked once, up front."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from argmap.corpus.machine import available_memory, usable_cores
from argmap.errors import EX_OK, EX_PARTIAL, MissingDependency, OptionsError

TABLE_FORMATS = ("csv", "parquet", "sqlite")

# What a mapping worker needs (resident bytes, the pages it shares with the main process
# counted: the sum of RSS over the tree is what the bound is about). A worker holds one run of
# threads at a time (``tasks.PREPARE_POSTS`` posts of small threads, or one thread whole: a
# thread is never split), so its peak follows the largest thread of its task, whose posts are
# at most those of the task's largest spill bucket (a thread lives in one bucket). Measured
# with ``benchmarks/bench_big_thread.py`` (single threads of 1k-50k posts, three shapes, peak
# RSS of the worker: heated 20k 1,063 MB, 50k 2,050 MB; flat and chain 20k lower), with ~20 %
# to spare: WORKER_BASE (the forked main process and the stage tables) + POST_MEMORY a post.
WORKER_BASE = 400 << 20
POST_MEMORY = 44 << 10
ORDINARY_POSTS = 4_000  # a task of ordinary threads (plan.MAX_TASK) needs what this many do
MEMORY_SHARE = 0.8  # of the memory available when mapping starts, what the workers may hold
MEMORY_BUDGET: int | None = None  # bytes; None: MEMORY_SHARE of MemAvailable (tests set it)
WORKER_MEMORY = WORKER_BASE + POST_MEMORY * ORDINARY_POSTS  # what --jobs auto sizes by


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
    memory: int | None = None  # bytes the workers may hold together (--memory); None: auto

    def recorded(self) -> dict[str, Any]:
        """What changes the outputs (jobs, memory and the scheduler do not)."""
        return {"maps": self.maps, "tables": list(self.tables)}


def task_memory(largest_posts: int) -> int:
    """Bytes a worker mapping a task needs, from the posts of its largest thread (or of its
    largest bucket, an upper bound); ordinary tasks cost what ``ORDINARY_POSTS`` do."""
    return WORKER_BASE + POST_MEMORY * max(largest_posts, ORDINARY_POSTS)


def memory_budget(memory: int | None = None) -> int | None:
    """Bytes the mapping workers may hold together: ``memory`` (``--memory``) or
    ``MEMORY_BUDGET`` if set, else ``MEMORY_SHARE`` of the memory available now; None where
    that cannot be read."""
    if memory is not None:
        return memory
    if MEMORY_BUDGET is not None:
        return MEMORY_BUDGET
    available = available_memory()
    return None if available is None else int(available * MEMORY_SHARE)


def auto_jobs(memory: int | None = None) -> int:
    """Worker processes for ``--jobs auto``: the usable cores, fewer if the memory budget
    does not hold that many workers of ordinary tasks (a giant thread's task is admitted
    against the same budget by the scheduler, with fewer workers beside it)."""
    cores = usable_cores()
    budget = memory_budget(memory)
    if budget is None:
        return max(1, cores)
    return max(1, min(cores, budget // WORKER_MEMORY))


def parse_jobs(jobs: int | str | None, memory: int | None = None) -> int:
    if jobs is None or jobs == "auto":
        return auto_jobs(memory)
    try:
        number = int(jobs)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= MAX_JOBS:
        raise OptionsError("--jobs", f"a whole number from 1 to {MAX_JOBS:,} or 'auto'", jobs)
    return number


# Past this many workers --jobs is a typo, not a machine: the local pool forks every worker at
# its start (and 10**23 was 'OverflowError: Python int too large to convert to C int' from
# the pool's semaphore, a traceback after the input was read)
MAX_JOBS = 4096


_SIZE_UNITS = {"": 1 << 20, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
MAX_MEMORY = 1 << 63  # bytes: past any machine (a larger --memory is a typo, not a budget)


def parse_memory(memory: int | str | None) -> int | None:
    """``--memory``: None or "auto" (80% of the memory available when mapping starts), or a
    size: 6G, 4000M, 512MiB, 4294967296B (a bare number is MB; an int is bytes, as the API
    passes it), from 1M to 2**63 bytes."""
    if memory is None or memory == "auto":
        return None
    if isinstance(memory, int) and not isinstance(memory, bool):
        number = memory
    else:
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])i?b?|(b))?\s*", str(memory),
                             re.I)
        unit = (found.group(2) or found.group(3) or "").lower() if found else ""
        size = float(found.group(1)) * _SIZE_UNITS[unit] if found else 0.0
        number = int(size) if size <= MAX_MEMORY else MAX_MEMORY + 1  # inf too
    if not 1 << 20 <= number <= MAX_MEMORY:
        raise OptionsError("--memory",
                           "a size such as 6G or 4000M (from 1M to 2**63 bytes), or auto", memory)
    return number


def parse_maps(maps: str | None) -> str | None:
    if maps in (None, "", "none"):
        return None
    if maps == "all":
        return maps
    kind, _, count = str(maps).partition(":")
    # int() refuses '²' (isdigit) and 4,300 digits (ValueError tracebacks); no corpus has
    # 10**18 threads
    if (kind in ("top", "contested") and count.isascii() and count.isdigit()
            and len(count.lstrip("0")) <= 18 and int(count) > 0):
        return f"{kind}:{int(count)}"
    raise OptionsError("--maps", "all, top:N or contested:N", maps)


def check_address(scheduler: str, address: str | None) -> None:
    """``--address`` is a Dask scheduler's (``tcp://HOST:8786``, or a scheme Dask knows) and
    only with ``--scheduler dask``: checked before the input is read. Before, an unknown scheme
    was a ValueError traceback from Dask after reading and fitting, and ``--address`` without
    ``--scheduler dask`` was ignored without a word (the run went local)."""
    if not address:
        return
    if scheduler != "dask":
        raise OptionsError("--address", "given with --scheduler dask (it names a Dask "
                           "scheduler)", address)
    try:
        from distributed.comm.addressing import parse_address
        from distributed.comm.registry import get_backend
    except ImportError:  # --scheduler dask says how to install it when it starts
        return
    try:
        scheme, location = parse_address(address)
        get_backend(scheme).get_address_host(location)  # host and port, as connecting reads them
    except ValueError as exc:
        raise OptionsError("--address", "a Dask scheduler address such as tcp://HOST:8786",
                           address) from exc
    if scheme in ("tls", "wss"):  # Client(address) takes its certificates from Dask's config
        from distributed.security import Security

        if Security().get_connection_args("client").get("ssl_context") is None:
            raise OptionsError("--address", "tcp://HOST:8786, or a TLS address with Dask's TLS "
                               "settings (distributed.comm.tls in the Dask config)", address)


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
