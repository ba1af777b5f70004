"""A corpus run says after reading when OUTDIR's disk will likely fill (``corpus.disk``), and
the warning changes nothing else."""

from __future__ import annotations

import subprocess
import sys

import pytest

from argmap.corpus import disk, run_batch
from argmap.errors import EX_OK
from tests.corpus.test_runner import outputs
from tests.support import REPO


def test_disk_needed_bytes_grows_with_the_formats_and_the_spill():
    assert disk.needed_bytes(0, ("csv", "parquet", "sqlite")) == 0
    lean = disk.needed_bytes(10_000_000, ("parquet",))
    every = disk.needed_bytes(10_000_000, ("csv", "parquet", "sqlite"))
    assert 10_000_000 < lean < disk.needed_bytes(10_000_000, ("csv",)) < every
    assert every > 30 * 10_000_000  # the measured peak: ~32 bytes per spilled byte
    assert disk.needed_bytes(20_000_000, ("parquet",)) == pytest.approx(2 * lean, rel=1e-6)


def test_disk_shortfall_names_the_folder_the_sizes_and_the_way_out(tmp_path, monkeypatch):
    monkeypatch.setattr(disk, "free_bytes", lambda folder: 2_000_000_000)
    assert disk.shortfall(tmp_path, 10_000_000, ("csv", "parquet", "sqlite")) is None
    message = disk.shortfall(tmp_path, 200_000_000, ("csv", "parquet", "sqlite"))
    assert message is not None
    assert str(tmp_path) in message and "2.0 GB free" in message
    assert "about 6.5 GB more" in message  # 200 MB x 32.5
    assert "--tables parquet writes about 340.0 MB" in message
    assert "exit 74" in message and "--resume" in message and "--tables parquet" in message
    # what an earlier attempt already wrote there is not needed again
    assert disk.shortfall(tmp_path, 200_000_000, ("csv", "parquet", "sqlite"),
                          written=4_600_000_000) is None


def test_disk_size_of_counts_files_and_folders_and_skips_missing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.bin").write_bytes(b"1" * 300)
    (tmp_path / "a" / "deep").mkdir()
    (tmp_path / "a" / "deep" / "y.bin").write_bytes(b"1" * 200)
    (tmp_path / "z.bin").write_bytes(b"1" * 7)
    assert disk.size_of([tmp_path / "a", tmp_path / "z.bin", tmp_path / "missing"]) == 507


def test_disk_warning_comes_before_mapping_and_changes_no_output(dump, reference, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(disk, "free_bytes", lambda folder: 1_000)
    events = []
    report = run_batch([dump[0]], tmp_path / "out", jobs=1, progress=events.append)
    assert report.exit_code == EX_OK
    phases = [e.phase for e in events]
    warning = next(e for e in events if e.phase == "warning")
    assert phases.index("warning") < phases.index("map")
    assert "1 kB free" in warning.message and str(tmp_path / "out") in warning.message
    assert outputs(tmp_path / "out") == outputs(reference)


def test_disk_no_warning_with_room(dump, tmp_path, monkeypatch):
    monkeypatch.setattr(disk, "free_bytes", lambda folder: 10**15)
    events = []
    run_batch([dump[0]], tmp_path / "out", jobs=1, progress=events.append)
    assert "warning" not in [e.phase for e in events]


_PATCHED_CLI = ("import sys; import argmap.corpus.disk as d; d.free_bytes = lambda f: 1000; "
                "from argmap.cli import main; sys.argv = ['argmap', *sys.argv[1:]]; main()")


@pytest.mark.parametrize("quiet", [False, True])
def test_disk_cli_prints_the_warning_even_when_quiet(dump, tmp_path, quiet):
    out = tmp_path / "out\x1b[31m"
    args = ["batch", str(dump[0]), "-o", str(out), "--jobs", "1", *(["-q"] if quiet else [])]
    result = subprocess.run([sys.executable, "-c", _PATCHED_CLI, *args], capture_output=True,
                            cwd=REPO, env={"NO_COLOR": "1", "COLUMNS": "400",
                                           "PATH": "/usr/bin:/bin"}, timeout=300)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert stderr.count("warning:") == 1
    assert "will likely write about" in stderr and "exit 74" in stderr
    assert "\x1b[31m" not in stderr  # the folder name is made inert for the terminal
    assert (out / "corpus.sqlite").is_file()
