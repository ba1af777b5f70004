"""Batch mode: many input files -> one folder of per-thread outputs per input, resumable.

Why it is built this way:
- One input file is the unit of work. It runs in a worker process, so a crash, a hang-prone
  input or a memory blow-up in one file cannot take the whole run down: a broken pool is
  rebuilt and the unfinished inputs requeued; an input that was in flight during two breaks is
  run alone, and if it breaks the pool alone it is skipped as ``worker_crashed``.
- The manifest ``OUT/.argmap/manifest.jsonl`` is append-only: a header (argmap version, options
  fingerprint), then one line per finished input, appended and fsynced only after that input's
  outputs were written atomically. A crash can lose at most the line being written (ignored on
  resume), never claim an output that is not on disk. ``resume=True`` skips inputs whose line
  is there with the same content hash and whose outputs exist; it refuses a manifest written
  with other options (``ManifestMismatch``, exit 75), since mixing settings in one output
  folder would make results silently inconsistent.
- Problems never stop the run: unreadable inputs and skipped records go to ``OUT/skipped.jsonl``
  (sorted, rewritten atomically at the end) and the report's exit code says 3 (partial).
- ``scheduler="dask"`` sends the same per-input function to a dask.distributed cluster (a
  LocalCluster of ``jobs`` worker processes, or ``address``); a process pool stays the default
  because its per-task overhead is ~40x lower on one machine.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import (
    EX_OK,
    EX_PARTIAL,
    EX_TEMPFAIL,
    ArgmapError,
    MissingDependency,
    MissingInput,
)
from argmap.files import inside, safe_filename, write_atomic
from argmap.model import SCHEMA_VERSION
from argmap.options import Options

MANIFEST_VERSION = 1
Progress = Callable[[str, int, int], None]
WorkItem = tuple[str, str, dict[str, Any]]  # (input path, output folder, options as a mapping)
Worker = Callable[[WorkItem], dict[str, Any]]


class ManifestMismatch(ArgmapError):
    """The output folder was started with other options; resuming would mix results."""

    exit_code = EX_TEMPFAIL


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What a batch run did. ``exit_code`` is 0, or 3 when anything was skipped."""

    done: tuple[str, ...]  # inputs mapped by this run
    resumed: tuple[str, ...]  # inputs skipped because the manifest already had them
    failed: tuple[str, ...]  # inputs skipped with a problem (see skipped.jsonl)
    outputs: tuple[Path, ...]
    threads: int
    problems: int  # lines written to skipped.jsonl
    manifest: Path
    exit_code: int


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Folders become the files under them (sorted, hidden entries and symlink loops skipped),
    so a corpus folder is a list of units of work; plain files pass through unchanged."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            files.append(path)
            continue
        seen: set[Path] = set()
        for root, dirs, names in os.walk(path, followlinks=True):
            real = Path(root).resolve()
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return files


def input_key(path: str | Path) -> str:
    """The identity of an input in the manifest: its absolute path (a symbolic link loop has
    no real path: it keeps its absolute one, and fails as an unreadable input, not a crash)."""
    try:
        return str(Path(path).resolve())
    except (RuntimeError, OSError):
        return str(Path(path).absolute())


def input_folder(key: str) -> str:
    """Output sub-folder of one input: its file name as a slug plus a hash of its full path."""
    name = Path(key).name
    return safe_filename(f"{name}|{key}", max_slug=min(40, max(1, len(name))))


def content_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_input(item: WorkItem) -> dict[str, Any]:
    """Map one input file: every thread to its outputs, written atomically. Runs in a worker."""
    from argmap.analysis import analyse
    from argmap.pipeline import build_map
    from argmap.readers import read_threads

    path, out_dir, option_map = item
    options = Options.from_mapping(option_map)
    try:
        sha = content_hash(path)
    except OSError as exc:
        raise MissingInput(f"cannot read input: {exc.strerror or exc}", path=path,
                           code="missing_input") from exc
    result = read_threads([path], options.read)
    folder = Path(out_dir) / input_folder(input_key(path))
    written: list[str] = []
    not_drawn: list[dict[str, Any]] = []
    for thread in result.threads:
        amap = build_map([thread], options)
        analysis = analyse(amap, options.analyse)
        outputs = _thread_outputs(amap, analysis, options)
        for suffix, data in outputs.items():
            target = write_atomic(inside(folder, safe_filename(thread.id, suffix=suffix)), data)
            written.append(target.relative_to(Path(out_dir).resolve()).as_posix())
        # maps dot could not draw: every other output was written (api.ThreadOutputs)
        not_drawn += [{"code": "dot_missing" if f.missing_dot else "map_not_drawn",
                       "message": f"thread {thread.id}: could not draw {f.what} ({f.key}): "
                                  f"{f.reason}", "line": 0, "post_id": None}
                      for f in getattr(outputs, "failures", ())]
    problems = [
        {"code": p.code, "message": p.message, "line": p.line, "post_id": p.post_id}
        for p in result.problems
    ] + not_drawn
    return {"sha256": sha, "threads": len(result.threads), "outputs": sorted(written),
            "problems": problems}


def _thread_outputs(amap: Any, analysis: Any, options: Options) -> dict[str, bytes]:
    """The lead's per-thread outputs when ``api`` provides them, else the native JSON export."""
    try:
        from argmap.api import thread_outputs
    except ImportError:  # pragma: no cover - api is part of the package
        from argmap.exports.native import to_json

        return {".json": to_json(amap, analysis)}
    return thread_outputs(amap, analysis, options)


def _safe_call(worker: Worker, item: WorkItem) -> dict[str, Any]:
    """Run ``worker`` and turn a Python error into a skip record (a crash stays a crash)."""
    try:
        return {"ok": True, **worker(item)}
    except ArgmapError as exc:
        return {"ok": False, "code": getattr(exc, "code", type(exc).__name__), "message": str(exc)}
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
        return {"ok": False, "code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}


# --- manifest ---------------------------------------------------------------------------------


def _read_manifest(path: Path) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """Header and done entries (by input key); a torn last line from a crash is ignored."""
    if not path.is_file():
        return None, {}
    header, done = None, {}
    for line in path.read_bytes().splitlines():
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(record, dict):
            continue
        if record.get("type") == "header" and header is None:
            header = record
        elif record.get("type") == "done" and isinstance(record.get("input"), str):
            done[record["input"]] = record
    return header, done


def _append(path: Path, record: dict[str, Any]) -> None:
    with open(path, "ab") as handle:
        handle.write(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())


def _still_valid(entry: dict[str, Any], key: str, out: Path) -> bool:
    """A done entry counts only if the input is unchanged and every output is still there."""
    try:
        same = entry.get("sha256") == content_hash(key)
    except OSError:
        return False
    outputs = entry.get("outputs")
    if not same or not isinstance(outputs, list):
        return False
    try:
        return all(isinstance(rel, str) and inside(out, rel).is_file() for rel in outputs)
    except ArgmapError:  # a manifest entry pointing outside the folder is not trusted
        return False


# --- schedulers -------------------------------------------------------------------------------


def _local(items: list[WorkItem], jobs: int, worker: Worker) -> Iterator[tuple[WorkItem, dict]]:
    """Yield (item, result) as inputs finish; rebuild the pool when a worker dies.

    At most ``jobs`` inputs are in flight, so a break blames only those: each gets an attempt;
    one with two attempts runs alone, and breaking the pool alone skips it as worker_crashed.
    """
    attempts = {item[0]: 0 for item in items}
    queue = list(items)
    while queue:
        suspects = [i for i in queue if attempts[i[0]] >= 2]
        waiting = suspects[:1] if suspects else list(queue)
        width = 1 if suspects else max(1, min(jobs, len(queue)))
        pending: dict[Future, WorkItem] = {}
        broken = False
        with ProcessPoolExecutor(max_workers=width) as pool:
            while (pending or waiting) and not broken:
                while waiting and len(pending) < width and not broken:
                    try:
                        pending[pool.submit(_safe_call, worker, waiting[0])] = waiting[0]
                        waiting.pop(0)
                    except BrokenProcessPool:
                        broken = True
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: pending[f][0]):
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    item = pending.pop(future)
                    queue.remove(item)
                    yield item, result
        for item in sorted(pending.values()):  # in flight when the pool broke
            attempts[item[0]] += 1
            if attempts[item[0]] >= 3:
                queue.remove(item)
                yield item, {"ok": False, "code": "worker_crashed",
                             "message": "the worker process died on this input, also alone"}


def _dask(items: list[WorkItem], jobs: int, worker: Worker,
          address: str | None) -> Iterator[tuple[WorkItem, dict]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise MissingDependency("scheduler='dask' needs dask[distributed]: "
                                "pip install 'argmap[dask]'") from exc
    cluster = None if address else LocalCluster(
        n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR)
    client = Client(address or cluster)
    try:
        futures = {client.submit(_safe_call, worker, item, pure=False): item for item in items}
        for future in as_completed(futures):
            item = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker and friends
                result = {"ok": False, "code": "worker_crashed",
                          "message": f"{type(exc).__name__}: {exc}"}
            yield item, result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _preload() -> None:
    """Import the stages once in the parent: forked workers then start warm (~2 s saved each)."""
    from argmap import analysis, api, pipeline, readers  # noqa: F401


# --- the entry point --------------------------------------------------------------------------


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: Options | None = None,
    *,
    jobs: int | None = None,
    resume: bool = False,
    scheduler: str = "local",
    address: str | None = None,
    progress: Progress | None = None,
    worker: Worker = process_input,
) -> BatchReport:
    """Map every input file into ``out_dir``; see the module docstring for the guarantees.

    ``worker`` maps one ``(input, out_dir, options mapping)`` item; tests swap it to crash.
    """
    options = options or Options()
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    if scheduler not in ("local", "dask"):
        raise ValueError(f"scheduler must be 'local' or 'dask', got {scheduler!r}")
    out = Path(out_dir).resolve()
    manifest = out / ".argmap" / "manifest.jsonl"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    header, done_before = _read_manifest(manifest)
    fingerprint = options.fingerprint()
    if resume and header is not None and header.get("options_fingerprint") != fingerprint:
        raise ManifestMismatch(
            f"{manifest}: written with options {header.get('options_fingerprint')}, these are "
            f"{fingerprint}; use the same options, another output folder, or no --resume")
    if not resume or header is None:
        done_before = {}
        write_atomic(manifest, orjson.dumps({
            "type": "header", "version": MANIFEST_VERSION, "schema": SCHEMA_VERSION,
            "options_fingerprint": fingerprint}, option=orjson.OPT_SORT_KEYS) + b"\n")
    keys = sorted({input_key(p) for p in expand_inputs(inputs)})
    resumed = [k for k in keys if k in done_before and _still_valid(done_before[k], k, out)]
    todo = [(k, str(out), options.to_dict()) for k in keys if k not in set(resumed)]
    report = progress or (lambda stage, done, total: None)
    done: list[str] = []
    failed: list[str] = []
    outputs: list[Path] = [out / rel for k in resumed for rel in done_before[k]["outputs"]]
    skipped: list[dict[str, Any]] = []
    threads = sum(int(done_before[k].get("threads", 0)) for k in resumed)
    skipped.extend({"input": k, **p} for k in resumed for p in done_before[k].get("problems", []))
    if scheduler == "local" and todo:
        _preload()
    results = _dask(todo, jobs, worker, address) if scheduler == "dask" else _local(
        todo, jobs, worker)
    for count, (item, result) in enumerate(results, start=1):
        key = item[0]
        if result.get("ok"):
            _append(manifest, {"type": "done", "input": key, "sha256": result["sha256"],
                               "threads": result["threads"], "outputs": result["outputs"],
                               "problems": result["problems"]})
            done.append(key)
            threads += result["threads"]
            outputs.extend(out / rel for rel in result["outputs"])
            skipped.extend({"input": key, **p} for p in result["problems"])
        else:
            failed.append(key)
            skipped.append({"input": key, "code": result["code"], "message": result["message"]})
        report("batch", count, len(todo))
    skipped.sort(key=lambda r: (r["input"], r.get("line") or 0, r["code"], r["message"]))
    write_atomic(out / "skipped.jsonl", b"".join(
        orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in skipped))
    return BatchReport(
        done=tuple(sorted(done)), resumed=tuple(resumed), failed=tuple(sorted(failed)),
        outputs=tuple(sorted(outputs)), threads=threads, problems=len(skipped),
        manifest=manifest, exit_code=EX_PARTIAL if skipped else EX_OK)
