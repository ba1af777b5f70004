"""--memory auto inside a container or a Slurm job: the memory cgroup's room caps the host's
MemAvailable (fake /proc and /sys/fs/cgroup trees, cgroup v2 and v1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.corpus import machine as host
from argmap.corpus import settings

G = 1 << 30


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="ascii")


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A fake machine with 10 GiB available on the host and a cgroup tree to fill in."""
    _write(tmp_path / "meminfo", f"MemTotal: {16 * G >> 10} kB\nMemAvailable: {10 * G >> 10} kB\n")
    monkeypatch.setattr(host, "PROC_MEMINFO", tmp_path / "meminfo")
    monkeypatch.setattr(host, "PROC_CGROUP", tmp_path / "cgroup")
    monkeypatch.setattr(host, "CGROUP_ROOT", tmp_path / "sys")
    monkeypatch.setattr(settings, "MEMORY_BUDGET", None)
    return tmp_path


def test_machine_a_cgroup_v2_limit_caps_the_host(machine) -> None:
    """In a container (cgroup namespace: the mount is the cgroup) with a 2 GiB limit, 1.5 GiB
    used of which 0.25 GiB is droppable page cache: 0.75 GiB of room, and the budget is
    80 % of it, not of the host's 10 GiB."""
    _write(machine / "cgroup", "0::/\n")
    _write(machine / "sys" / "memory.max", f"{2 * G}\n")
    _write(machine / "sys" / "memory.current", f"{3 * G // 2}\n")
    _write(machine / "sys" / "memory.stat", f"anon 1\ninactive_file {G // 4}\nactive_file 7\n")
    assert host.cgroup_room() == 3 * G // 4
    assert host.available_memory() == 3 * G // 4
    assert settings.memory_budget() == int(3 * G // 4 * settings.MEMORY_SHARE)


def test_machine_the_tightest_parent_limit_counts(machine) -> None:
    """A Slurm job's own cgroup without a limit under a slice limited to 1 GiB."""
    _write(machine / "cgroup", "0::/slurm/job_7\n")
    _write(machine / "sys" / "slurm" / "memory.max", f"{G}\n")
    _write(machine / "sys" / "slurm" / "memory.current", f"{G // 4}\n")
    _write(machine / "sys" / "slurm" / "job_7" / "memory.max", "max\n")
    _write(machine / "sys" / "slurm" / "job_7" / "memory.current", f"{G // 8}\n")
    assert host.available_memory() == 3 * G // 4


def test_machine_cgroup_v1_limits_are_read_and_no_limit_is_ignored(machine) -> None:
    _write(machine / "cgroup", "5:devices:/\n4:memory:/api/box\n0::/\n")
    v1 = machine / "sys" / "memory"
    _write(v1 / "api" / "box" / "memory.limit_in_bytes", "9223372036854771712\n")
    _write(v1 / "api" / "box" / "memory.usage_in_bytes", f"{G}\n")
    _write(v1 / "api" / "memory.limit_in_bytes", f"{3 * G}\n")
    _write(v1 / "api" / "memory.usage_in_bytes", f"{G}\n")
    _write(v1 / "api" / "memory.stat", f"cache 5\ntotal_inactive_file {G // 2}\n")
    assert host.available_memory() == 5 * G // 2


def test_machine_without_limits_or_proc_files(machine) -> None:
    """No limit anywhere: the host's MemAvailable; unreadable or garbled cgroup files change
    nothing; without /proc/meminfo (macOS) the physical memory stands in."""
    _write(machine / "cgroup", "0::/user.slice\nnot a cgroup line\n")
    _write(machine / "sys" / "user.slice" / "memory.max", "max\n")
    _write(machine / "sys" / "user.slice" / "memory.current", "12\n")
    _write(machine / "sys" / "memory.max", "garbage\n")
    assert host.cgroup_room() is None
    assert host.available_memory() == 10 * G
    (machine / "meminfo").unlink()
    (machine / "cgroup").unlink()
    physical = host.available_memory()
    assert physical is not None and physical > 64 << 20


def test_machine_a_cpu_quota_caps_the_workers_of_jobs_auto(machine, monkeypatch) -> None:
    """A container allowed 1.5 CPUs (cgroup v2 cpu.max) on a host with more cores runs 2
    workers with --jobs auto; no quota ('max'): the affinity set; cgroup v1's cfs quota of
    one CPU under a parent: 1."""
    monkeypatch.setattr(host.os, "sched_getaffinity", lambda pid: set(range(16)))
    monkeypatch.setattr(settings, "MEMORY_BUDGET", 64 * G)
    _write(machine / "cgroup", "0::/\n")
    _write(machine / "sys" / "cpu.max", "150000 100000\n")
    assert host.cpu_quota() == 1.5
    assert host.usable_cores() == 2 == settings.parse_jobs("auto")
    _write(machine / "sys" / "cpu.max", "max 100000\n")
    assert host.cpu_quota() is None and settings.parse_jobs("auto") == 16
    _write(machine / "cgroup", "3:cpu,cpuacct:/box/inner\n")
    v1 = machine / "sys" / "cpu,cpuacct"
    _write(v1 / "box" / "cpu.cfs_quota_us", "100000\n")
    _write(v1 / "box" / "cpu.cfs_period_us", "100000\n")
    _write(v1 / "box" / "inner" / "cpu.cfs_quota_us", "-1\n")
    _write(v1 / "box" / "inner" / "cpu.cfs_period_us", "100000\n")
    assert host.cpu_quota() == 1.0 and settings.parse_jobs("auto") == 1
