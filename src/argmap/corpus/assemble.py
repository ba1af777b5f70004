"""The corpus tables: task fragments joined in task order, each file written atomically.

Tasks are contiguous bucket ranges in bucket order, and buckets are ranges of the thread hash,
so joining fragments in task order gives every table in (thread hash, thread id) order,
whatever the number of buckets, tasks or workers. CSV fragments are concatenated under one
header; Parquet row groups are re-cut to ``ROW_GROUP`` rows, so the file does not depend on
where tasks began; SQLite fragments are copied with ``INSERT ... SELECT`` and the indexes built
once at the end. Each output goes to a temporary file first and is renamed only when whole, so
a full disk or a kill leaves the previous file or none, never half of one.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from argmap.corpus.fragments import AtomicFile, fsync_path, output_error, sha256_of
from argmap.corpus.schema import (
    RUNNER_TABLES,
    TASK_TABLES,
    Row,
    arrow_schema,
    arrow_table,
    cell,
    columns,
    create_sql,
    index_sql,
    insert_sql,
    sqlite_row,
)
from argmap.errors import OutputError

ROW_GROUP = 131_072
SQLITE_NAME = "corpus.sqlite"


def _csv_text(rows: Sequence[Row], raw: bool, header: Sequence[str] | None = None) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows([cell(v, raw) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_csv(out: Path, fragments: Sequence[Path], own: dict[str, list[Row]],
              raw: bool) -> dict[str, str]:
    written = {}
    for table in (*TASK_TABLES, *RUNNER_TABLES):
        target = out / "csv" / f"{table}.csv"
        with AtomicFile(target) as handle:
            handle.write(_csv_text([], raw, columns(table)))
            if table in own:
                handle.write(_csv_text(own[table], raw))
            else:
                for folder in fragments:
                    with open(folder / f"{table}.csv", "rb") as part:
                        shutil.copyfileobj(part, handle, 1 << 20)
        written[f"csv/{table}.csv"] = sha256_of(target)
    return written


class _RowGroups:
    """Writes tables as row groups of exactly ``ROW_GROUP`` rows (the last one shorter), so
    the file does not depend on how the rows arrived."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.held: list[Any] = []
        self.count = 0

    def add(self, table: Any) -> None:
        self.held.append(table)
        self.count += table.num_rows
        self._emit(final=False)

    def _emit(self, final: bool) -> None:
        import pyarrow as pa

        while self.count >= ROW_GROUP or (final and self.count):
            joined = pa.concat_tables(self.held).combine_chunks()
            size = min(ROW_GROUP, self.count)
            self.writer.write_table(joined.slice(0, size), row_group_size=ROW_GROUP)
            rest = joined.slice(size)
            self.held, self.count = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> None:
        self._emit(final=True)


def write_parquet(out: Path, fragments: Sequence[Path], own: dict[str, list[Row]]
                  ) -> dict[str, str]:
    import pyarrow.parquet as pq

    written = {}
    for table in (*TASK_TABLES, *RUNNER_TABLES):
        target = out / "parquet" / f"{table}.parquet"
        with AtomicFile(target) as handle:
            writer = pq.ParquetWriter(handle, arrow_schema(table), compression="zstd")
            try:
                groups = _RowGroups(writer)
                if table in own:
                    groups.add(arrow_table(table, own[table]))
                else:
                    for folder in fragments:
                        groups.add(pq.read_table(folder / f"{table}.parquet"))
                groups.close()
            finally:
                writer.close()
        written[f"parquet/{table}.parquet"] = sha256_of(target)
    return written


def write_sqlite(out: Path, fragments: Sequence[Path], own: dict[str, list[Row]]
                 ) -> dict[str, str]:
    """Fragments copied in C (``INSERT ... SELECT``), then ``VACUUM INTO`` the final file: a
    fresh copy whose bytes depend on the rows only, not on how many transactions built it
    (the header counts them)."""
    target = out / SQLITE_NAME
    build = out / f".{SQLITE_NAME}.build.{os.getpid()}.tmp"
    tmp = out / f".{SQLITE_NAME}.{os.getpid()}.tmp"
    for path in (build, tmp):
        path.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(build, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("BEGIN")
            for table in (*TASK_TABLES, *RUNNER_TABLES):
                db.execute(create_sql(table))
            db.execute("COMMIT")
            for folder in fragments:
                db.execute("ATTACH DATABASE ? AS part", (str(folder / "tables.sqlite"),))
                db.execute("BEGIN")
                for table in TASK_TABLES:
                    db.execute(f'INSERT INTO main."{table}" SELECT * FROM part."{table}" '
                               "ORDER BY rowid")
                db.execute("COMMIT")
                db.execute("DETACH DATABASE part")
            db.execute("BEGIN")
            for table in RUNNER_TABLES:
                db.executemany(insert_sql(table), [sqlite_row(r) for r in own[table]])
            for statement in index_sql():
                db.execute(statement)
            db.execute("COMMIT")
            db.execute("VACUUM INTO ?", (str(tmp),))
        finally:
            db.close()
            build.unlink(missing_ok=True)
        fsync_path(tmp)
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(target, exc) from exc
    return {SQLITE_NAME: sha256_of(target)}


def write_tables(out: Path, fragments: Sequence[Path], own: dict[str, list[Row]],
                 formats: Sequence[str], raw: bool) -> dict[str, str]:
    """Every corpus table in every format asked for; {relative path: sha256}.

    The formats are written at once, one thread each: the work is pyarrow's and SQLite's C
    code (and file copies), which release the GIL, so the serial end of a run uses both cores
    (10k-post dump: ~1.3 s one after the other). Each format is written whatever happens to
    the others: a format that fails leaves the others whole, then its error is raised
    (several: the first, naming every format that failed)."""
    writers = {"csv": lambda: write_csv(out, fragments, own, raw),
               "parquet": lambda: write_parquet(out, fragments, own),
               "sqlite": lambda: write_sqlite(out, fragments, own)}
    chosen = [name for name in writers if name in formats]
    written: dict[str, str] = {}
    failed: list[tuple[str, BaseException]] = []
    with ThreadPoolExecutor(max_workers=max(1, len(chosen)),
                            thread_name_prefix="argmap-tables") as pool:
        futures = {name: pool.submit(writers[name]) for name in chosen}
        for name in chosen:  # in format order: the same dict whatever finishes first
            try:
                written.update(futures[name].result())
            except OSError as exc:
                failed.append((name, output_error(out / name, exc)))
            except Exception as exc:  # noqa: BLE001 - raised below, after the others are whole
                failed.append((name, exc))
    if failed:
        name, first = failed[0]
        if len(failed) > 1 and isinstance(first, OutputError):
            names = ", ".join(n for n, _ in failed)
            raise OutputError(f"{first} (tables not written: {names})") from first
        raise first
    return written
