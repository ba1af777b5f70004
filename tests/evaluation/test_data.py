"""Where the tools and benchmarks find the labelled corpora (``evaluation.data.shared_data``)."""

from __future__ import annotations

from pathlib import Path

from argmap.evaluation.data import shared_data


def _script(root: Path, *parts: str) -> Path:
    script = root.joinpath(*parts)
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("# a tool\n", encoding="utf-8")
    return script


def test_data_shared_data_beside_a_clone(tmp_path):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    script = _script(tmp_path, "argmap", "tools", "calibrate.py")
    assert shared_data(script) == (tmp_path / "shared" / "data").resolve()


def test_data_shared_data_beside_a_worktree_one_level_deeper(tmp_path):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    script = _script(tmp_path, "wt", "helper", "benchmarks", "quality.py")
    assert shared_data(script) == (tmp_path / "shared" / "data").resolve()


def test_data_shared_data_nearest_folder_wins(tmp_path):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    (tmp_path / "wt" / "shared" / "data").mkdir(parents=True)
    script = _script(tmp_path, "wt", "helper", "tools", "fit.py")
    assert shared_data(script) == (tmp_path / "wt" / "shared" / "data").resolve()


def test_data_shared_data_missing_names_the_folder_beside_the_checkout(tmp_path):
    script = _script(tmp_path, "argmap", "tools", "calibrate.py")
    found = shared_data(script)
    assert found == (tmp_path / "shared" / "data").resolve()
    assert not found.exists()
