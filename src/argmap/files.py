"""The only code that creates files.

Outputs are written atomically (temp file in the same folder, fsync, ``os.replace``, fsync the
folder), so a crash or a full disk never leaves a half-written map behind. File names never
come from post text: ``safe_filename`` turns any id into an allow-listed slug plus a hash, and
``inside`` checks that the result stays in the output folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from argmap.errors import CannotCreate, OutputError

_SLUG_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_WINDOWS_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def safe_filename(identifier: str, suffix: str = "", max_slug: int = 40) -> str:
    """A file name for ``identifier``: lowercase slug, a hash of the exact id, the suffix.

    Distinct ids give distinct names (the hash covers the exact id, case included), and the
    name is safe on every platform (no separators, no dots-only names, no reserved names).
    """
    normalized = unicodedata.normalize("NFKD", identifier)
    ascii_only = normalized.encode("ascii", "ignore").decode("ascii").lower()
    slug = _SLUG_UNSAFE.sub("-", ascii_only).strip(".-_")[:max_slug].strip(".-_")
    if not slug or slug in _WINDOWS_RESERVED:
        slug = "x-" + slug if slug else "x"
    digest = hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug}-{digest}{suffix}"


def inside(base: Path, name: str) -> Path:
    """``base / name``, refusing any result that resolves outside ``base``."""
    root = base.resolve()
    target = (root / name).resolve()
    if target != root and root not in target.parents:
        raise CannotCreate(f"refusing to write {name!r}: it resolves outside {root}")
    return target


def canonical_json(obj: Any) -> bytes:
    """JSON with sorted keys and 2-space indent, ending in a newline: the same bytes every run."""
    return (
        orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        + b"\n"
    )


def write_atomic(path: str | os.PathLike[str], data: bytes | str | Iterable[bytes]) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    ``data`` may be an iterable of byte chunks (``exports.native.json_chunks``): they are
    written as they come, so a giant output is never whole in memory; an exception raised
    while producing them removes the temp file and propagates, and the old file stays."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.",
                                        suffix=".tmp")
    except OSError as exc:
        raise CannotCreate(f"cannot create {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_current_umask())
            if isinstance(payload, bytes | bytearray | memoryview):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        _unlink(tmp_name)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:  # a chunk producer failed (or the run was interrupted): no half file
        _unlink(tmp_name)
        raise
    _fsync_dir(target.parent)
    return target


def remove_dead_temps(folder: str | os.PathLike[str]) -> int:
    """Delete the temp files ``write_atomic`` left in ``folder`` when its process was killed
    (SIGKILL, power loss: no ``finally`` ran): ``.NAME.PID.XXXX.tmp`` whose PID is no longer
    a running process. A live writer's temp (another run into the same folder) is left alone,
    and so is every other file. One scan of the folder; returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        parts = name[1:-len(".tmp")].rsplit(".", 2)
        if len(parts) != 3 or not parts[1].isdigit() or not _dead(int(parts[1])):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


def _dead(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _current_umask() -> int:
    """The process umask (mkstemp makes 0600 files; outputs should get the usual mode)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
