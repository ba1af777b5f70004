"""The steps of a corpus run (see ``runner``), each skipped on resume when its record verifies.

Read (partition into spill buckets), topics (the corpus topic model's sample and fit), map
(tasks on the pool or Dask; a task that kills its worker goes to ``hunts``), then the tables
(``assemble``), the maps chosen by ``--maps top:N`` and the report (``batch_report``).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from argmap.corpus import assemble, disk, plan, sample
from argmap.corpus.batch_report import topic_rows, write_report
from argmap.corpus.fragments import fsync_path, sha256_of
from argmap.corpus.hunts import Hunts, as_error
from argmap.corpus.manifest import Manifest
from argmap.corpus.partition import check_error_budget, partition, walk_row
from argmap.corpus.progress import Meter
from argmap.corpus.schedule import DaskScheduler, LocalScheduler, preload
from argmap.corpus.settings import BatchReport, Settings, exit_code_of
from argmap.corpus.spill import bucket_name
from argmap.corpus.tasks import REPORT_TOP, Task, map_selected
from argmap.corpus.topic_model import CorpusTopics, fit, sample_rows
from argmap.errors import InputError
from argmap.files import write_atomic
from argmap.model import Problem
from argmap.options import Options


def _verified(base: Path, files: dict[str, str]) -> bool:
    """Every file exists with the recorded checksum (a truncated or edited one does not)."""
    try:
        return all((base / rel).is_file() and sha256_of(base / rel) == sha
                   for rel, sha in files.items())
    except OSError:
        return False


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in rows)


class Steps:
    def __init__(self, files: list[Path], out: Path, options: Options, settings: Settings,
                 manifest: Manifest, meter: Meter, lock_fd: int | None,
                 walk_problems: Sequence[Problem] = (),
                 found_in_folders: frozenset[Path] = frozenset()) -> None:
        self.files, self.out, self.options, self.settings = files, out, options, settings
        self.walk_problems = walk_problems  # entries of input folders that were not read
        self.found_in_folders = found_in_folders  # files not named: skipped if not threads
        self.manifest, self.meter, self.lock_fd = manifest, meter, lock_fd
        self.state = out / ".argmap"
        self.spill = self.state / "spill"
        self.results = self.state / "results"
        self.buckets = int(manifest.header["buckets"])
        self.tasks_run = self.tasks_reused = 0

    def _last(self, kind: str) -> dict[str, Any] | None:
        found = self.manifest.of_type(kind)
        return found[-1] if found else None

    # 1. read ------------------------------------------------------------------------------

    def read(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        record = self._last("spill")
        problems_path = self.state / "read-problems.jsonl"
        spill_files = {f"spill/{bucket_name(b['bucket'])}": b["sha256"]
                       for b in (record or {}).get("buckets", [])}
        if record is None or not _verified(self.state, {**spill_files, "read-problems.jsonl":
                                                        record["problems_sha256"]}):
            self.meter.begin("read")
            found = partition(self.files, self.options.read, self.spill, self.buckets,
                              lambda n, done, total: self.meter.update(
                                  n, None, "records", done / total if total else None),
                              self.found_in_folders)
            walked = [walk_row(p) for p in self.walk_problems]
            write_atomic(problems_path, _jsonl(walked + found.problems))
            record = {"type": "spill", "buckets": found.buckets, "records_in": found.records_in,
                      "skipped": found.skipped, "posts": found.posts, "inputs": found.inputs,
                      "problems_sha256": sha256_of(problems_path)}
            self.manifest.append(record)
        problems = [orjson.loads(line) for line in problems_path.read_bytes().splitlines()]
        check_error_budget(record["records_in"], record["skipped"], record["posts"],
                           self.options.read, problems)
        if record["posts"] == 0:
            raise InputError("no posts found in the inputs", ", ".join(map(str, self.files)),
                             code="empty_input")
        return record, problems

    # 2. topics ----------------------------------------------------------------------------

    def topics(self) -> tuple[CorpusTopics, dict[str, Any]]:
        record = self._last("topics")
        path = self.state / "topics.npz"
        if record is not None and _verified(self.state, {"topics.npz": record["sha256"]}):
            model = CorpusTopics.load(path)
            if model.digest() == record["digest"]:
                return model, record
        self.meter.note("topics")
        model = self._fit()
        tmp = self.state / ".topics.npz.tmp"
        model.save(tmp)
        fsync_path(tmp)
        os.replace(tmp, path)
        record = {"type": "topics", "sha256": sha256_of(path), "digest": model.digest(),
                  "topics": len(model.topics), "sample_claims": model.sample_claims}
        self.manifest.append(record)
        return model, record

    def _fit(self) -> CorpusTopics:
        """Fit on the first threads in (hash, id) order, up to ``cluster.fit_sample`` claims
        (or as many posts, in a corpus whose posts hold few claims). Each sample thread's
        segmentation is kept for the map step (``sample``)."""
        options = self.options
        claims, context = [], []
        posts = 0
        for found in sample.sample_threads(self.spill, self.buckets, options,
                                           self._quarantined()):
            sample.remember(found, options.segment)
            for row in sample_rows(found.claims):
                claims.append(found.claims[row])
                context.append(found.stems[row])
            posts += len(found.thread.posts)
            if len(claims) >= options.cluster.fit_sample or posts >= options.cluster.fit_sample:
                break
        return fit(claims, context, options.cluster)

    def _quarantined(self) -> frozenset[str]:
        return frozenset(r["row"]["post_id"] for r in self.manifest.of_type("quarantine"))

    # 3. map -------------------------------------------------------------------------------

    def map(self, spill: dict[str, Any], model_record: dict[str, Any]) -> list[Task]:
        posts = [b["posts"] for b in spill["buckets"]]
        tasks = plan.apply_splits(plan.plan_tasks(posts), self.manifest.of_type("split"))
        done = {r["name"] for r in self.manifest.of_type("task")
                if _verified(self.results / r["name"], r["fragments"])
                and _verified(self.out, r.get("maps", {}))}
        self.tasks_reused = sum(1 for t in tasks if t.name in done)
        queue = deque(t for t in tasks if t.name not in done)
        if not queue:
            return tasks
        ctx = self._context(model_record)
        total = sum(posts)
        # posts of reused tasks; the scheduler counts what it maps itself
        base = sum(r["counts"]["posts"] for r in self.manifest.of_type("task")
                   if r["name"] in done)
        self.meter.begin("map")
        largest, budget, warn = plan.largest_posts(posts), self.settings.memory, self.meter.warn
        if self.settings.scheduler == "dask":
            scheduler: Any = DaskScheduler(self.settings.jobs, ctx, self.settings.address,
                                           largest=largest, budget=budget, warn=warn)
        else:
            preload(self.settings.maps)
            scheduler = LocalScheduler(self.settings.jobs, ctx, self.lock_fd, largest=largest,
                                       budget=budget, warn=warn)
        hunts = Hunts(self.spill, self.manifest)
        try:
            for kind, task, value in scheduler.run(queue, lambda n: self.meter.update(
                    min(base + n, total), total, "posts")):
                if task.probe is not None:
                    hunts.probed(task, kind, value, queue, ctx)
                elif kind == "done":
                    self._commit(value)
                elif kind == "crashed":
                    hunts.crashed(task, queue, ctx)
                else:
                    raise as_error(task, value)
        finally:
            if isinstance(scheduler, DaskScheduler):
                scheduler.close()
        self.meter.update(total, total, "posts")
        sample.forget()
        return plan.apply_splits(plan.plan_tasks(posts), self.manifest.of_type("split"))

    def _context(self, model_record: dict[str, Any]) -> dict[str, Any]:
        maps = self.settings.maps
        top = int(maps.split(":")[1]) if maps and ":" in maps else REPORT_TOP
        return {"options": self.options.to_dict(), "spill": str(self.spill),
                "results": str(self.results), "out": str(self.out),
                "topic_model": str(self.state / "topics.npz"),
                "topic_digest": model_record["digest"], "formats": list(self.settings.tables),
                "maps": maps, "quarantined": sorted(self._quarantined()),
                "report_top": max(REPORT_TOP, top)}

    def _commit(self, result: dict[str, Any]) -> None:
        self.tasks_run += 1
        self.manifest.append({"type": "task", "name": result["name"], "task": result["task"],
                              "fragments": result["fragments"], "counts": result["counts"],
                              "maps": result["maps"]})

    # 4-6. maps, tables, report ------------------------------------------------------------

    def results_of(self, tasks: list[Task]) -> list[dict[str, Any]]:
        by_name = {r["name"]: r for r in self.manifest.of_type("task")}
        return [by_name[t.name] for t in sorted(tasks, key=lambda t: t.order)]

    def selected_maps(self, merged: dict[str, Any], tasks: list[Task]
                      ) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """Maps of ``--maps top:N|contested:N`` and the maps among them not drawn."""
        maps = self.settings.maps
        if not maps or maps == "all":
            return {}, []
        kind, count = maps.split(":")
        chosen = merged["largest" if kind == "top" else "contested_threads"][: int(count)]
        wanted = {item[0] for item in chosen}
        record = self._last("maps")
        if record and record.get("threads") == sorted(wanted) and _verified(self.out,
                                                                             record["files"]):
            return record["files"], record.get("problems", [])
        self.meter.note("maps")
        ctx = self._context(self._last("topics") or {})
        files: dict[str, str] = {}
        problems: list[dict[str, Any]] = []
        for task in sorted({Task(t.lo, t.hi) for t in tasks}, key=lambda t: (t.lo, t.hi)):
            for rel in map_selected(task, ctx, sorted(wanted), problems):
                files[rel] = sha256_of(self.out / rel)
        self.manifest.append({"type": "maps", "threads": sorted(wanted), "files": files,
                              "problems": problems})
        return files, problems

    def run(self) -> BatchReport:
        spill, read_problems = self.read()
        self.check_disk(spill)
        model, model_record = self.topics()
        tasks = self.map(spill, model_record)
        results = self.results_of(tasks)
        folders = [self.results / r["name"] for r in results]
        problems = list(read_problems)
        summaries = []
        for folder in folders:
            problems += [orjson.loads(x) for x in (folder / "problems.jsonl").read_bytes()
                         .splitlines()]
            summaries.append(orjson.loads((folder / "summary.json").read_bytes()))
        problems += [r["row"] for r in self.manifest.of_type("quarantine")]
        top = self._context(model_record)["report_top"]
        merged = plan.merge_summaries(summaries, top)
        maps = {rel: sha for r in results for rel, sha in r.get("maps", {}).items()}
        selected, not_drawn = self.selected_maps(merged, tasks)
        maps.update(selected)
        problems += not_drawn
        counts = {k: sum(r["counts"][k] for r in results)
                  for k in ("posts", "claims", "relations", "threads", "skipped")}
        quarantined = sum(1 for p in problems if p["action"] == "quarantined")
        skipped = spill["skipped"] + counts["skipped"]
        missing = spill["records_in"] - counts["posts"] - skipped - quarantined
        if missing:
            problems.append({"code": "unaccounted_records", "action": "noted", "message":
                             f"{missing} records are not accounted for (an argmap bug: please "
                             "report it)", "path": "", "line": 0, "byte_offset": None,
                             "post_id": None, "thread_id": None})
        problems.sort(key=lambda p: (p["path"] or "", p["line"] or 0, p["byte_offset"] or -1,
                                     p["code"], p["post_id"] or "", p["message"]))
        own = {"topics": topic_rows(model, merged),
               "problems": [tuple(p[c] for c in ("code", "action", "message", "path", "line",
                                                 "byte_offset", "post_id", "thread_id"))
                            for p in problems]}
        record = self._last("tables")
        if record is None or self.tasks_run or not _verified(self.out, record["files"]):
            self.meter.note("tables")
            files = assemble.write_tables(self.out, folders, own, self.settings.tables,
                                          self.options.export.csv_raw)
            self.manifest.append({"type": "tables", "files": files})
        else:
            files = record["files"]
        report = BatchReport(
            out=self.out, records_in=spill["records_in"], processed=counts["posts"],
            skipped=skipped, quarantined=quarantined, threads=counts["threads"],
            claims=counts["claims"], relations=counts["relations"], topics=len(model.topics),
            problems=len(problems), outputs=(), tasks_run=self.tasks_run,
            tasks_reused=self.tasks_reused, jobs=self.settings.jobs,
            manifest=self.manifest.path, exit_code=exit_code_of(skipped, quarantined, problems))
        self.meter.note("report")
        written = {**files, **maps, **write_report(self.out, self.settings.tables, report,
                                                   merged, model, problems, maps)}
        outputs = tuple(sorted(self.out / rel for rel in written))
        self.manifest.append({"type": "complete", "records_in": report.records_in,
                              "processed": report.processed, "skipped": report.skipped,
                              "quarantined": report.quarantined})
        return replace(report, outputs=outputs)

    def check_disk(self, spill: dict[str, Any]) -> None:
        """Warn now if OUTDIR's disk will likely fill before the tables are written
        (``corpus.disk``); what an earlier attempt wrote there already counts as written."""
        written = disk.size_of([self.results, self.out / "csv", self.out / "parquet",
                                self.out / assemble.SQLITE_NAME])
        message = disk.shortfall(self.out, sum(b.get("bytes", 0) for b in spill["buckets"]),
                                 self.settings.tables, written)
        if message is not None:
            self.meter.warn(message)
