"""Table fragments: what one mapping task writes, in every table format asked for.

Why fragments in the final formats: converting tens of millions of rows is Python work per
row, so it happens in the workers, in parallel; the runner then only concatenates CSV bytes,
copies Parquet column chunks and runs ``INSERT ... SELECT`` between SQLite files, all in C.

Every file is written under a temporary name, fsynced and renamed only when the whole task is
done (``close``), and its SHA-256 is returned for the manifest; a task that fails leaves no
fragment under a final name (``abort``). ``AtomicFile`` is the same discipline for one file
written in a stream (``files.write_atomic`` takes the whole content at once).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from argmap.corpus.schema import (
    Row,
    arrow_schema,
    arrow_table,
    create_sql,
    insert_sql,
    sqlite_row,
)
from argmap.errors import OutputError
from argmap.exports.tables import csv_text

PARQUET_BATCH = 65_536


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def output_error(path: Path, exc: BaseException) -> OutputError:
    reason = getattr(exc, "strerror", None) or str(exc)
    return OutputError(f"cannot write {path}: {reason}")


class AtomicFile:
    """``with AtomicFile(path) as handle: handle.write(...)``: the file appears whole or not at
    all (temporary file in the same folder, fsync, rename; removed on any error)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.handle: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.tmp, "wb")  # noqa: SIM115 - closed in __exit__
        except OSError as exc:
            raise output_error(self.path, exc) from exc
        return self.handle

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        assert self.handle is not None
        try:
            if exc is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            self.handle.close()
            if exc is None:
                os.replace(self.tmp, self.path)
        except OSError as error:
            self.tmp.unlink(missing_ok=True)
            raise output_error(self.path, error) from error
        if exc is not None:
            self.tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise output_error(self.path, exc) from exc


CSV_BATCH = 2_048  # rows gathered before they are formatted and written (a few MB a worker)


class _Csv:
    """One table's CSV fragment. Rows arrive a thread at a time (a few dozen) and are
    formatted and written ``CSV_BATCH`` at a time: the column checks cost per call, and the
    cells do not depend on the batch they are in. The text is ``exports.tables.csv_text``:
    what ``csv.writer`` writes for ``csv_rows``, made a column at a time."""

    def __init__(self, path: Path, raw: bool) -> None:
        # bytes, encoded by one call per batch: a text file's writer encodes slower (a 27 MB
        # relations table: 0.11 s through TextIOWrapper, 0.04 s as encode + binary write)
        self.file = open(path, "wb")  # noqa: SIM115
        self.raw = raw
        self.rows: list[Row] = []

    def add(self, rows: Sequence[Row]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= CSV_BATCH:
            self.flush()

    def flush(self) -> None:
        # ``CSV_BATCH`` rows at a time even when a giant thread brings 300k at once: its text
        # whole (and encoded) was ~250 MB over the rows in a worker (a 20k-post thread)
        for start in range(0, len(self.rows), CSV_BATCH):
            self.file.write(csv_text(self.rows[start:start + CSV_BATCH], self.raw)
                            .encode("utf-8"))
        self.rows = []

    def close(self) -> None:
        self.flush()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()


class _Parquet:
    def __init__(self, path: Path, table: str) -> None:
        import pyarrow.parquet as pq

        self.table = table
        self.writer = pq.ParquetWriter(path, arrow_schema(table), compression="zstd")
        self.rows: list[Row] = []

    def add(self, rows: Sequence[Row]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= PARQUET_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(arrow_table(self.table, self.rows))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


class FragmentWriter:
    """Rows of the task tables into ``folder`` as ``<table>.csv``, ``<table>.parquet`` and one
    ``tables.sqlite``, for the formats in ``formats`` ("csv", "parquet", "sqlite")."""

    def __init__(self, folder: Path, tables: Sequence[str], formats: Sequence[str],
                 csv_raw: bool = False) -> None:
        self.folder = folder
        self.formats = tuple(formats)
        self.tables = tuple(tables)
        self.names: list[str] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.csv = {t: _Csv(self._tmp(f"{t}.csv"), csv_raw) for t in tables
                        if "csv" in formats}
            self.parquet = {t: _Parquet(self._tmp(f"{t}.parquet"), t) for t in tables
                            if "parquet" in formats}
            self.db: sqlite3.Connection | None = None
            if "sqlite" in formats:
                self.db = sqlite3.connect(self._tmp("tables.sqlite"), isolation_level=None)
                self.db.execute("PRAGMA journal_mode=OFF")
                self.db.execute("PRAGMA synchronous=OFF")
                self.db.execute("BEGIN")
                for table in tables:
                    self.db.execute(create_sql(table))
        except (OSError, sqlite3.Error) as exc:
            self.abort()
            raise output_error(folder, exc) from exc

    def _tmp(self, name: str) -> Path:
        """A fresh temporary file (a crashed attempt at this task may have left one)."""
        self.names.append(name)
        path = self.folder / f".{name}.tmp"
        path.unlink(missing_ok=True)
        return path

    def add(self, table: str, rows: Sequence[Row]) -> None:
        if not rows:
            return
        try:
            if table in self.csv:
                self.csv[table].add(rows)
            if table in self.parquet:
                self.parquet[table].add(rows)
            if self.db is not None:
                self.db.executemany(insert_sql(table), map(sqlite_row, rows))  # no list
        except (OSError, sqlite3.Error) as exc:
            self.abort()
            raise output_error(self.folder, exc) from exc
        except Exception as exc:  # pyarrow.lib.ArrowIOError on a full disk
            if "No space" in str(exc) or "File too large" in str(exc):
                self.abort()
                raise output_error(self.folder, exc) from exc
            raise

    def close(self) -> dict[str, str]:
        """Commit every file under its final name; returns {file name: sha256}."""
        try:
            writers: list[_Csv | _Parquet] = [*self.csv.values(), *self.parquet.values()]
            for writer in writers:
                writer.close()
            if self.db is not None:
                self.db.execute("COMMIT")
                self.db.close()
                self.db = None
                fsync_path(self.folder / ".tables.sqlite.tmp")
        except Exception as exc:  # OSError, sqlite3.Error, ArrowIOError: a full disk
            self.abort()
            raise output_error(self.folder, exc) from exc
        sums = {}
        for name in self.names:
            os.replace(self.folder / f".{name}.tmp", self.folder / name)
            sums[name] = sha256_of(self.folder / name)
        return sums

    def abort(self) -> None:
        """Close what is open and delete every temporary file (nothing under a final name)."""
        closers = [w.file.close for w in getattr(self, "csv", {}).values()]
        closers += [w.writer.close for w in getattr(self, "parquet", {}).values()]
        if getattr(self, "db", None) is not None:
            closers.append(self.db.close)  # type: ignore[union-attr]
            self.db = None
        for close in closers:
            try:
                close()
            except Exception:  # noqa: BLE001 - already failing; the temp files go anyway
                pass
        for name in self.names:
            (self.folder / f".{name}.tmp").unlink(missing_ok=True)
