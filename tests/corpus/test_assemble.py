"""The corpus tables joined from task fragments: formats written together, each on its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from argmap.corpus import assemble
from argmap.corpus.schema import RUNNER_TABLES
from argmap.errors import OutputError

FORMATS = ("csv", "parquet", "sqlite")


def _inputs(reference: Path, tmp_path: Path) -> tuple[Path, list[Path], dict]:
    """A copy of the reference run's outputs, and its fragment folders in task order."""
    out = tmp_path / "out"
    shutil.copytree(reference, out, ignore=shutil.ignore_patterns("lock"))
    fragments = sorted(p for p in (out / ".argmap" / "results").iterdir() if p.is_dir())
    own = {table: [] for table in RUNNER_TABLES}  # the runner's own tables, empty here
    return out, fragments, own


def test_assemble_formats_written_together_give_the_bytes_of_each_alone(reference, tmp_path
                                                                        ) -> None:
    out, fragments, own = _inputs(reference, tmp_path)
    together = assemble.write_tables(out, fragments, own, FORMATS, raw=False)
    together_bytes = {rel: (out / rel).read_bytes() for rel in together}
    alone: dict[str, str] = {}
    for name in FORMATS:
        alone.update(assemble.write_tables(out, fragments, own, (name,), raw=False))
    assert alone == together  # same files, same checksums
    assert list(together) == list(alone)  # and in format order, whatever finished first
    assert {rel: (out / rel).read_bytes() for rel in alone} == together_bytes


def test_assemble_a_failing_format_leaves_the_others_whole(reference, tmp_path, monkeypatch
                                                           ) -> None:
    out, fragments, own = _inputs(reference, tmp_path)
    for rel in ("csv", "parquet", assemble.SQLITE_NAME):
        path = out / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    def full_disk(*_args: object) -> dict[str, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(assemble, "write_parquet", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        assemble.write_tables(out, fragments, own, FORMATS, raw=False)
    assert not (out / "parquet").exists()
    assert (out / "csv" / "claims.csv").stat().st_size > 0  # written before and after it
    assert (out / assemble.SQLITE_NAME).stat().st_size > 0


def test_assemble_several_failing_formats_are_all_named(reference, tmp_path, monkeypatch
                                                        ) -> None:
    out, fragments, own = _inputs(reference, tmp_path)

    def full_disk(*_args: object) -> dict[str, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(assemble, "write_parquet", full_disk)
    monkeypatch.setattr(assemble, "write_sqlite", full_disk)
    with pytest.raises(OutputError, match=r"tables not written: parquet, sqlite"):
        assemble.write_tables(out, fragments, own, FORMATS, raw=False)
