"""How much disk a corpus run needs, said after reading rather than when the disk fills.

Why: a corpus run writes far more than it reads. Each task leaves its rows as fragments in
every table format (what ``--resume`` needs), the final tables are assembled beside them, and
the SQLite file is built once and then copied by ``VACUUM INTO`` (so its bytes do not depend on
how many transactions built it). On a one-file Reddit dump the peak, at the end of the tables
step, is about 32 bytes per byte of spilled posts with all three formats; a 1M-post month
needed ~25 GB and, on a full disk, stopped with exit 74 after the hours of mapping. The spill
is written before any thread is mapped, so its size is known early enough to warn.

The warning changes nothing else: the run goes on (the estimate is a ratio, and the disk may be
freed meanwhile; a run stopped by a full disk resumes with ``--resume``), and it is not a row of
the problems table, whose bytes must not depend on the machine's free space.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

# Bytes written per byte of spilled posts, at the peak of a run (fragments + final tables;
# SQLite also its build copy), measured on the Reddit-shaped 10k and 1M dumps of
# ``benchmarks/make_dump.py``: spill 9.2 MB -> CSV fragments 52 + tables 52 MB, Parquet
# 6.4 + 6.3 MB, SQLite 52.7 + 63.2 (+ 63.2 build) MB, task summaries 2.7 MB.
PER_SPILL_BYTE = {"csv": 11.3, "parquet": 1.4, "sqlite": 19.5}
ALWAYS_PER_SPILL_BYTE = 0.3  # the tasks' summaries and problems, the report


def needed_bytes(spill_bytes: int, formats: Sequence[str]) -> int:
    """About how many bytes the rest of a run writes after its spill, with these formats."""
    ratio = ALWAYS_PER_SPILL_BYTE + sum(PER_SPILL_BYTE.get(f, 0.0) for f in formats)
    return int(spill_bytes * ratio)


def size_of(paths: Iterable[Path]) -> int:
    """Bytes of the files under ``paths`` (files or folders; missing ones count nothing)."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def shortfall(out: Path, spill_bytes: int, formats: Sequence[str], written: int = 0
              ) -> str | None:
    """A warning when ``out``'s disk has less free space than the run will likely write,
    else None. ``written``: bytes already there from an earlier attempt (``--resume``)."""
    need = max(0, needed_bytes(spill_bytes, formats) - written)
    free = free_bytes(out)
    if free >= need:
        return None
    lean = needed_bytes(spill_bytes, ("parquet",))
    return (f"{out} has {_size(free)} free, and this run will likely write about {_size(need)} "
            f"more ({', '.join(formats)} tables and the work files --resume needs); it stops "
            f"with exit 74 if the disk fills. Free space (a run stopped so goes on with "
            f"--resume), or run with fewer table formats (--tables parquet writes about "
            f"{_size(lean)}).")


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n / 1e3:,.0f} kB"
