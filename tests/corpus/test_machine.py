"""--memory auto inside a container or a Slurm job: the memory cgroup's room caps the host's
MemAvailable (fake /proc and /sys/fs/cgroup trees, cgroup v2 and v1)."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

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


_VALUES = st.one_of(
    st.sampled_from(["", "max", "max 100000", "-1", "-5 100000", "0", "0 0", "1 -100000",
                     "9223372036854771712", "1e9", "nan", "inf", " 12 ", "\u00e9", "12 kB",
                     "9" * 400, "9" * 400 + " 1", "1 " + "9" * 400]),
    st.integers(-(1 << 70), 1 << 70).map(str),
    st.tuples(st.integers(-(1 << 70), 1 << 70), st.integers(-5, 1 << 20)).map(
        lambda pair: f"{pair[0]} {pair[1]}"),
    st.text(max_size=12))
_FILES = ("memory.max", "memory.current", "memory.stat", "cpu.max", "memory.limit_in_bytes",
          "memory.usage_in_bytes", "cpu.cfs_quota_us", "cpu.cfs_period_us")
_FOLDERS = ("", "a", "a/b", "memory/a", "memory", "cpu,cpuacct/a", "cpu,cpuacct")
_CGROUP_LINES = ("0::/", "0::/a", "0::/a/b", "4:memory:/a", "3:cpu,cpuacct:/a", "0::", "x",
                 "0::/../../..", "2:memory:", "0::/a\x00b")


@hsettings(max_examples=60, deadline=None)
@given(meminfo=_VALUES, lines=st.lists(st.sampled_from(_CGROUP_LINES), max_size=3),
       files=st.dictionaries(st.tuples(st.sampled_from(_FOLDERS), st.sampled_from(_FILES)),
                             st.one_of(_VALUES, st.just(None)), max_size=8),
       stat=st.sampled_from(["inactive_file", "total_inactive_file"]))
# found by this test: a MemAvailable of 400 digits was an OverflowError traceback out of
# --memory auto, a negative one a negative budget, a negative cpu.max quota made --jobs auto 1
@example(meminfo="9" * 400, lines=[], files={}, stat="inactive_file")
@example(meminfo="-1", lines=[], files={}, stat="inactive_file")
@example(meminfo="", lines=["0::/"], files={("", "cpu.max"): "-1"}, stat="inactive_file")
@example(meminfo="1", lines=["0::/"], files={("", "cpu.max"): "9" * 400 + " 1"},
         stat="inactive_file")
@example(meminfo="1", lines=["0::/"], files={("", "memory.max"): "100", ("", "memory.current"):
                                              "50", ("", "memory.stat"): "-999"},
         stat="inactive_file")
def test_machine_any_fake_tree_gives_a_sane_answer_never_a_traceback(
        meminfo, lines, files, stat) -> None:
    """Malformed, missing, huge (400 digits), 'max', negative and non-ASCII values in
    /proc/meminfo and the cgroup files, folders in place of files: the memory available is
    None or a whole number of bytes >= 0, the quota None or a positive finite number of CPUs,
    the cores and --jobs auto >= 1, --memory auto a budget or None. Never a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "meminfo").write_text(f"MemTotal: 1 kB\nMemAvailable: {meminfo} kB\n",
                                      encoding="utf-8")
        _write(root / "cgroup", "\n".join(lines) + "\n")
        for (where, name), value in files.items():
            path = root / "sys" / where / name
            if value is None:
                path.mkdir(parents=True, exist_ok=True)  # a folder where the file goes
            else:
                text = f"{stat} {value}\n" if name == "memory.stat" else f"{value}\n"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        with mock.patch.object(host, "PROC_MEMINFO", root / "meminfo"), \
                mock.patch.object(host, "PROC_CGROUP", root / "cgroup"), \
                mock.patch.object(host, "CGROUP_ROOT", root / "sys"), \
                mock.patch.object(settings, "MEMORY_BUDGET", None):
            available = host.available_memory()
            assert available is None or (isinstance(available, int) and available >= 0)
            quota = host.cpu_quota()
            assert quota is None or (math.isfinite(quota) and quota > 0)
            cores = host.usable_cores()
            assert isinstance(cores, int) and cores >= 1
            budget = settings.memory_budget()
            assert budget is None or (isinstance(budget, int) and budget >= 0)
            assert settings.parse_jobs("auto") >= 1
