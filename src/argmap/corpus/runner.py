"""``run_batch``: a corpus in, corpus tables (and maps, a report) out; resumable.

The run, step by step; each step is recorded in the manifest once its outputs are committed,
and a resume verifies those outputs by checksum and redoes only what is missing or damaged:

1. read: every input streamed once into spill buckets by thread (``partition``);
2. topics: the corpus topic model fitted on a sample (``topic_model``);
3. map: tasks (runs of buckets, ``plan``) mapped in parallel (``schedule``, ``tasks``), each
   committing table fragments; a task that kills its worker is split or bisected (``poison``);
4. maps: per-thread maps of the threads asked for (``--maps top:N``);
5. tables: fragments joined into CSV, Parquet and SQLite (``assemble``);
6. report: ``report.html`` and ``summary.json``.

Records are conserved and checked: records in = processed + skipped + quarantined.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from argmap.corpus.inputs import expand_inputs, identity
from argmap.corpus.manifest import OWNED, BatchRefused, Manifest, OutdirLock, remove_orphans
from argmap.corpus.plan import bucket_count
from argmap.corpus.progress import Meter, Progress
from argmap.corpus.settings import (
    BatchReport,
    Settings,
    check_address,
    parse_jobs,
    parse_maps,
    parse_memory,
    parse_tables,
)
from argmap.corpus.steps import Steps
from argmap.errors import OptionsError
from argmap.link.relation_model import model_at
from argmap.model import SCHEMA_VERSION
from argmap.options import Options

OUTPUTS = ("csv", "parquet", "maps", "corpus.sqlite", "report.html", "summary.json")


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: Options | None = None,
    *,
    jobs: int | str | None = None,
    resume: bool = False,
    scheduler: str = "local",
    address: str | None = None,
    maps: str | None = None,
    tables: Sequence[str] | str | None = None,
    progress: Progress | None = None,
    memory: int | str | None = None,
) -> BatchReport:
    """Map a corpus into ``out_dir``: tables, report, maps when asked; see the module doc.

    ``jobs``: worker processes (``"auto"``/None: cores, bounded by memory). ``scheduler``:
    "local" or "dask" (``address`` of a running scheduler, else a LocalCluster). ``maps``:
    None, "all", "top:N" (largest threads) or "contested:N" (most attacks). ``tables``:
    formats among csv, parquet, sqlite (default: all that are installed). ``memory``: what the
    mapping workers may hold together (bytes, or "6G"; None/"auto": 80% of the available
    memory); a task holding a giant thread runs with fewer workers beside it to stay within.
    """
    options = options or Options()
    if scheduler not in ("local", "dask"):
        raise OptionsError("--scheduler", "local or dask", scheduler)
    budget = parse_memory(memory)
    check_address(scheduler, address)
    settings = Settings(parse_jobs(jobs, budget), scheduler, address, parse_maps(maps),
                        parse_tables(tables), budget)
    if options.link.use_model and options.link.model:
        model_at(options.link.model)  # a bad model file is refused before any work (exit 64)
    out = Path(out_dir).resolve()
    found = expand_inputs(inputs, out)
    files = found.files
    state = out / ".argmap"
    lock = OutdirLock(state)
    lock.acquire()
    try:
        manifest = _open_manifest(state / "manifest.jsonl", files, out, options, settings,
                                  resume)
        steps = Steps(files, out, options, settings, manifest, Meter(progress), lock.fd,
                      found.problems, found.found_in_folders)
        return steps.run()
    finally:
        lock.release()


def _open_manifest(path: Path, files: list[Path], out: Path, options: Options,
                   settings: Settings, resume: bool) -> Manifest:
    """The manifest to continue (``resume``, same settings), or a new one on a clean state."""
    old = Manifest.read(path)  # refuses a foreign or damaged manifest, resume or not
    remove_orphans(out)
    header: dict[str, Any] = {"argmap": _version(), "schema": SCHEMA_VERSION, "options": options.to_dict(),
              "options_fingerprint": options.fingerprint(), "run": settings.recorded(),
              "inputs": identity(files)}
    if resume and old is not None:
        _check_same(old, header)
        return old
    _clear(out, ours=old is not None)
    header["buckets"] = bucket_count(files)
    return Manifest.start(path, header)


def _check_same(old: Manifest, header: dict[str, Any]) -> None:
    from argmap.corpus.manifest import differences

    changed = differences(old.header.get("options"), header["options"])
    changed += [f"run.{n}" for n in differences(old.header.get("run"), header["run"])]
    was = {i["path"]: i for i in old.header.get("inputs", [])}
    now = {i["path"]: i for i in header["inputs"]}
    changed += [f"input {p} ({'added' if p not in was else 'removed' if p not in now else 'changed'})"
                for p in sorted(set(was) | set(now)) if was.get(p) != now.get(p)]
    if changed:
        shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8
                                           else "")
        raise BatchRefused(f"{old.path}: this output folder was started with other settings "
                           f"or inputs; these differ: {shown}. Resume with the same ones, use "
                           "another output folder, or run without --resume to start over")


def _clear(out: Path, ours: bool) -> None:
    """A fresh run starts from nothing: the run's state always, its outputs when the folder
    is known to be an argmap batch folder (a manifest was there)."""
    state = out / ".argmap"
    for name in ("spill", "results", "topics.npz", "read-problems.jsonl"):
        target = state / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    if ours:
        for name in OUTPUTS:
            target = out / name
            if target.is_dir() and name in OWNED:
                shutil.rmtree(target)
            elif target.is_file():
                target.unlink()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("argmap")
    except PackageNotFoundError:  # pragma: no cover - a source tree
        return "0+unknown"


__all__ = ["BatchReport", "run_batch"]
