"""What this machine, or the cgroup a run lives in, gives it: ``--memory auto`` and ``--jobs auto``.

``/proc/meminfo``'s MemAvailable describes the host. A run inside a container, a Slurm job or
a systemd slice is bounded by its memory cgroup instead, and the kernel's OOM killer acts on
that limit, not on the host's memory: a budget taken from the host would admit a giant
thread's task that the cgroup kills. So the room left in the tightest memory cgroup of this
process (its own or a parent's, cgroup v2 or v1) caps MemAvailable. Page cache the cgroup
could drop (``inactive_file``; reading a large dump fills it) counts as room, as the kernel
reclaims it before it kills. Off Linux (macOS) the physical memory stands in.

Cores likewise: the CPUs this process may run on (its affinity), fewer where a CPU quota
(``cpu.max``, or v1's ``cpu.cfs_quota_us``) allows less: a container limited to 2 CPUs on a
64-core host runs 2 workers, not 64 throttled ones.
"""

from __future__ import annotations

import math
import os
from pathlib import Path, PurePosixPath

PROC_MEMINFO = Path("/proc/meminfo")
PROC_CGROUP = Path("/proc/self/cgroup")
CGROUP_ROOT = Path("/sys/fs/cgroup")
UNLIMITED = 1 << 60  # cgroup v1 writes "no limit" as a number near 2**63
# A value these files cannot hold (negative, past UNLIMITED, a quota of 400 digits) is read as
# unknown, never as a limit: a garbled file must not make a budget negative or --jobs auto 1,
# nor a traceback of float arithmetic (fake trees of tests/corpus/test_machine.py).


def available_memory() -> int | None:
    """Bytes this process tree may still use: MemAvailable, capped by the memory cgroup's
    room; the physical memory where /proc/meminfo is missing; None if nothing can be read."""
    host = _meminfo_available()
    if host is None:
        host = _physical_memory()
    room = cgroup_room()
    known = [value for value in (host, room) if value is not None]
    return min(known) if known else None


def cgroup_room() -> int | None:
    """The tightest room (limit - usage + reclaimable page cache) over this process's memory
    cgroups and their parents, None where no limit is set or none can be read."""
    v2 = ("memory.max", "memory.current", "inactive_file")
    v1 = ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")
    rooms = [room for folder, unified in _cgroup_folders("memory", ("memory",))
             if (room := _room(folder, *(v2 if unified else v1))) is not None]
    return min(rooms) if rooms else None


def usable_cores() -> int:
    """The cores a run's workers may use: the affinity set, capped by the cgroup CPU quota
    (rounded up: 1.5 CPUs run 2 workers)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    return max(1, min(cores, math.ceil(quota)) if quota is not None else cores)


def cpu_quota() -> float | None:
    """CPUs the tightest CPU quota over this process's cgroups and parents allows, None
    where none is set or none can be read."""
    quotas = [quota for folder, unified in _cgroup_folders("cpu", ("cpu,cpuacct", "cpu"))
              if (quota := (_cpu_quota_v2 if unified else _cpu_quota_v1)(folder)) is not None]
    return min(quotas) if quotas else None


def _cgroup_folders(controller: str, v1_mounts: tuple[str, ...]) -> list[tuple[Path, bool]]:
    """Each folder of this process's cgroups that holds ``controller``'s files, from its own
    cgroup up to the mount, with whether it is cgroup v2 (the unified hierarchy); v1 mounts
    the controller under one of ``v1_mounts``."""
    try:
        lines = PROC_CGROUP.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            bases = [CGROUP_ROOT]
        elif controller in controllers.split(","):
            bases = [CGROUP_ROOT / mount for mount in v1_mounts]
        else:
            continue
        base = next((b for b in bases if b.is_dir()), bases[0])
        found += [(folder, controllers == "")
                  for folder in _up_from(base, PurePosixPath(path.strip() or "/"))]
    return found


def _cpu_quota_v2(folder: Path) -> float | None:
    try:
        limit, _, period = (folder / "cpu.max").read_text(encoding="ascii").strip().partition(" ")
        if limit == "max":
            return None
        return _cpus(int(limit), int(period or 100_000))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _cpu_quota_v1(folder: Path) -> float | None:
    quota, period = _read_int(folder / "cpu.cfs_quota_us"), _read_int(folder / "cpu.cfs_period_us")
    return None if quota is None or period is None else _cpus(quota, period)


def _cpus(quota: int, period: int) -> float | None:
    """CPUs a quota of ``quota`` per ``period`` microseconds allows; None when either is not
    positive (v1's -1 is no quota) or the ratio is past any machine."""
    if quota <= 0 or period <= 0 or quota >= UNLIMITED or period >= UNLIMITED:
        return None
    return quota / period


def _up_from(base: Path, path: PurePosixPath) -> list[Path]:
    """The cgroup's folder under the mount and each parent up to the mount (inside a cgroup
    namespace the mount is the cgroup itself and the longer paths do not exist)."""
    relative = path.relative_to("/") if path.is_absolute() else path
    folders = [base / relative, *(base / parent for parent in relative.parents)]
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def _room(folder: Path, limit_file: str, usage_file: str, inactive_key: str) -> int | None:
    limit, usage = _read_int(folder / limit_file), _read_int(folder / usage_file)
    if limit is None or usage is None or limit >= UNLIMITED:
        return None
    reclaimable = min(_stat(folder / "memory.stat", inactive_key), usage)  # a part of usage
    return max(0, limit - usage + reclaimable)


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
        value = None if text == "max" else int(text)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return None if value is None or value < 0 else value  # v1's "-1" is "no limit"


def _stat(path: Path, key: str) -> int:
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return max(0, int(value))
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    return 0


def _meminfo_available() -> int | None:
    try:
        with open(PROC_MEMINFO, encoding="ascii") as handle:
            info = dict(line.split(":", 1) for line in handle if ":" in line)
        available = int(info["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return None
    return available if 0 <= available < UNLIMITED else None


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
