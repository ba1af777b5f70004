"""The run's memory on disk: an append-only manifest, a lock, and the clean-up of torn writes.

``OUTDIR/.argmap/manifest.jsonl`` starts with a header (format name and version, argmap
version, every option, the run settings, the inputs with size and mtime) and then one record
per step that was committed: the spill (each bucket's checksum), the topic model, each task's
fragments, splits and quarantined records, the tables. A record is appended and fsynced only
after what it describes is on disk under its final name, and every line carries a checksum of
itself, so:
- a crash can leave at most a torn last line (no newline): it is ignored and cut off before
  the next append, so it never swallows the next record;
- any other unreadable line, a first line that is not our header, or a newer format is a
  foreign or damaged manifest: refused (exit 75) with what to do, never silently restarted;
- a resume with other options or inputs is refused naming what differs.

``OUTDIR/.argmap/lock`` is held with ``flock`` for the whole run and names the owner's pid,
host and start time; a second run on the same OUTDIR is refused (exit 75). The kernel drops
the lock when the owner dies, even by ``kill -9``, so a stale lock never blocks a resume.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import time
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import EX_TEMPFAIL, ArgmapError, CannotCreate, OutputError

FORMAT = "argmap-batch-manifest"
VERSION = 2


class BatchRefused(ArgmapError):
    """The output folder cannot be used for this run as it stands (locked, foreign, changed)."""

    exit_code = EX_TEMPFAIL


def _crc(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "crc"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def line_of(record: dict[str, Any]) -> bytes:
    return orjson.dumps({**record, "crc": _crc(record)}, option=orjson.OPT_SORT_KEYS) + b"\n"


class Manifest:
    """Header and committed records of a manifest file; ``append`` adds one, durably."""

    def __init__(self, path: Path, header: dict[str, Any], records: list[dict[str, Any]],
                 good_size: int) -> None:
        self.path = path
        self.header = header
        self.records = records
        self._good_size = good_size

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        """The manifest at ``path`` (None if there is none); refuses a foreign or damaged one."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise BatchRefused(f"{path}: cannot be read ({exc.strerror}); fix its permissions "
                               "or use another output folder") from exc
        advice = ("it was not written by this argmap batch run; use another output folder, or "
                  "remove the folder .argmap (and its outputs) to start over")
        cut = data.rfind(b"\n") + 1  # what follows the last newline is a torn write
        lines = data[:cut].splitlines()
        records = []
        for number, raw in enumerate(lines, start=1):
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or record.get("crc") != _crc(record):
                raise BatchRefused(f"{path}:{number}: damaged manifest line (not the record "
                                   f"argmap wrote); {advice}")
            records.append(record)
        if not records:
            if data:
                raise BatchRefused(f"{path}: holds no complete line; {advice}")
            return None
        header = records[0]
        if header.get("type") != "header" or header.get("format") != FORMAT:
            raise BatchRefused(f"{path}: does not start with an argmap batch header; {advice}")
        if header.get("version") != VERSION:
            raise BatchRefused(f"{path}: manifest version {header.get('version')!r}, this "
                               f"argmap writes version {VERSION}; {advice}")
        return cls(path, header, records[1:], cut)

    @classmethod
    def start(cls, path: Path, header: dict[str, Any]) -> Manifest:
        """A new manifest holding only ``header`` (replacing any old one atomically)."""
        from argmap.files import write_atomic

        record = {"type": "header", "format": FORMAT, "version": VERSION, **header}
        data = line_of(record)
        write_atomic(path, data)
        return cls(path, {**record, "crc": _crc(record)}, [], len(data))

    def append(self, record: dict[str, Any]) -> None:
        data = line_of(record)
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(self._good_size)  # a torn tail from a crash goes first
                handle.seek(self._good_size)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        self._good_size += len(data)
        self.records.append({**record, "crc": _crc(record)})

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("type") == kind]


def differences(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted names of the leaves that differ between two JSON-like trees."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(differences(old.get(key), new.get(key), name))
        return out
    return [] if old == new else [prefix or "(value)"]


class OutdirLock:
    """An exclusive ``flock`` on ``.argmap/lock`` with the owner's pid, host and start time."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "lock"
        self.fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise CannotCreate(f"cannot create {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            owner = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            raise BatchRefused(f"{self.path.parent.parent} is in use by another argmap batch "
                               f"run ({owner or 'owner unknown'}); wait for it to finish or "
                               "stop it, or use another output folder") from None
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n"
                  .encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


OWNED = (".argmap", "csv", "parquet", "maps")  # folders of OUTDIR a batch run writes in


def remove_orphans(out: Path) -> int:
    """Delete the temporary files a killed run left (``.*.tmp`` in OUTDIR and the folders the
    run writes, the spill's pending file); only called while holding the lock, so none of
    them belongs to a live writer. Nothing else of OUTDIR is touched."""
    if not out.is_dir():
        return 0
    found = [p for p in out.glob(".*.tmp")]
    for name in OWNED:
        found.extend((out / name).rglob(".*.tmp"))
    pending = out / ".argmap" / "spill" / "pending.jsonl"
    found += [pending] if pending.is_file() else []
    removed = 0
    for path in found:
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
