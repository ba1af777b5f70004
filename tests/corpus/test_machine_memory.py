"""--memory auto inside a container or a Slurm job: the memory cgroup's room caps the host's
MemAvailable (fake /proc and /sys/fs/cgroup trees, cgroup v2 and v1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.corpus import machine_memory, settings

G = 1 << 30


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="ascii")


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A fake machine with 10 GiB available on the host and a cgroup tree to fill in."""
    _write(tmp_path / "meminfo", f"MemTotal: {16 * G >> 10} kB\nMemAvailable: {10 * G >> 10} kB\n")
    monkeypatch.setattr(machine_memory, "PROC_MEMINFO", tmp_path / "meminfo")
    monkeypatch.setattr(machine_memory, "PROC_CGROUP", tmp_path / "cgroup")
    monkeypatch.setattr(machine_memory, "CGROUP_ROOT", tmp_path / "sys")
    monkeypatch.setattr(settings, "MEMORY_BUDGET", None)
    return tmp_path


def test_machine_memory_a_cgroup_v2_limit_caps_the_host(machine) -> None:
    """In a container (cgroup namespace: the mount is the cgroup) with a 2 GiB limit, 1.5 GiB
    used of which 0.25 GiB is droppable page cache: 0.75 GiB of room, and the budget is
    80 % of it, not of the host's 10 GiB."""
    _write(machine / "cgroup", "0::/\n")
    _write(machine / "sys" / "memory.max", f"{2 * G}\n")
    _write(machine / "sys" / "memory.current", f"{3 * G // 2}\n")
    _write(machine / "sys" / "memory.stat", f"anon 1\ninactive_file {G // 4}\nactive_file 7\n")
    assert machine_memory.cgroup_room() == 3 * G // 4
    assert machine_memory.available_memory() == 3 * G // 4
    assert settings.memory_budget() == int(3 * G // 4 * settings.MEMORY_SHARE)


def test_machine_memory_the_tightest_parent_limit_counts(machine) -> None:
    """A Slurm job's own cgroup without a limit under a slice limited to 1 GiB."""
    _write(machine / "cgroup", "0::/slurm/job_7\n")
    _write(machine / "sys" / "slurm" / "memory.max", f"{G}\n")
    _write(machine / "sys" / "slurm" / "memory.current", f"{G // 4}\n")
    _write(machine / "sys" / "slurm" / "job_7" / "memory.max", "max\n")
    _write(machine / "sys" / "slurm" / "job_7" / "memory.current", f"{G // 8}\n")
    assert machine_memory.available_memory() == 3 * G // 4


def test_machine_memory_cgroup_v1_limits_are_read_and_no_limit_is_ignored(machine) -> None:
    _write(machine / "cgroup", "5:devices:/\n4:memory:/api/box\n0::/\n")
    v1 = machine / "sys" / "memory"
    _write(v1 / "api" / "box" / "memory.limit_in_bytes", "9223372036854771712\n")
    _write(v1 / "api" / "box" / "memory.usage_in_bytes", f"{G}\n")
    _write(v1 / "api" / "memory.limit_in_bytes", f"{3 * G}\n")
    _write(v1 / "api" / "memory.usage_in_bytes", f"{G}\n")
    _write(v1 / "api" / "memory.stat", f"cache 5\ntotal_inactive_file {G // 2}\n")
    assert machine_memory.available_memory() == 5 * G // 2


def test_machine_memory_without_limits_or_proc_files(machine) -> None:
    """No limit anywhere: the host's MemAvailable; unreadable or garbled cgroup files change
    nothing; without /proc/meminfo (macOS) the physical memory stands in."""
    _write(machine / "cgroup", "0::/user.slice\nnot a cgroup line\n")
    _write(machine / "sys" / "user.slice" / "memory.max", "max\n")
    _write(machine / "sys" / "user.slice" / "memory.current", "12\n")
    _write(machine / "sys" / "memory.max", "garbage\n")
    assert machine_memory.cgroup_room() is None
    assert machine_memory.available_memory() == 10 * G
    (machine / "meminfo").unlink()
    (machine / "cgroup").unlink()
    physical = machine_memory.available_memory()
    assert physical is not None and physical > 64 << 20
