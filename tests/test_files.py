"""files: atomic writes, safe file names, containment, canonical JSON."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.errors import OutputError
from argmap.files import canonical_json, inside, safe_filename, write_atomic

NASTY_IDS = ["../../etc/passwd", "CON", "a/b", "", "x" * 300, "Post", "post", "..", "nul", "a\x00b"]


@pytest.mark.parametrize("identifier", NASTY_IDS)
def test_files_safe_filename_stays_inside(tmp_path, identifier):
    name = safe_filename(identifier, ".svg")
    path = inside(tmp_path, name)
    assert path.parent == tmp_path.resolve()
    assert name.endswith(".svg") and "/" not in name and not name.startswith(".")
    assert len(name) < 80


def test_files_safe_filename_distinguishes_case_only_ids():
    assert safe_filename("Post").lower() != safe_filename("post").lower()


@settings(max_examples=200)
@given(st.lists(st.text(), min_size=2, max_size=6, unique=True))
def test_files_safe_filename_distinct_ids_distinct_names(ids):
    names = [safe_filename(i).lower() for i in ids]
    assert len(set(names)) == len(ids)
    assert all(n.isascii() for n in names)


def test_files_inside_refuses_escape(tmp_path):
    with pytest.raises(OutputError, match="outside"):
        inside(tmp_path, "../escape.txt")


def test_files_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sub" / "out.json"
    write_atomic(target, "first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


def test_files_write_atomic_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    write_atomic(target, "old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_files_canonical_json_sorted_and_newline():
    assert canonical_json({"b": 1, "a": [1, 2]}) == b'{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'


def test_files_write_atomic_uses_umask_mode_not_private_temp_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "mode.txt", "x")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_files_temps_of_a_killed_run_are_removed_by_the_next_map(tmp_path):
    """``argmap map`` killed with SIGKILL while streaming a big output leaves its temp file
    (no ``finally`` runs); the next ``map`` into the folder removes it. Temps carry the
    writer's pid, so a live writer's temp and every other file are left alone. Before, the
    temp stayed for good (each kill added one: ~300 KB to 250 MB of a giant thread's JSON)."""
    import subprocess

    from argmap.files import remove_dead_temps
    from tests.support import SEED, run_cli

    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = tmp_path / f".seed-0123456789.json.{finished.pid}.k2x_9a.tmp"
    live = tmp_path / f".seed-0123456789.json.{os.getppid()}.q8zz01.tmp"
    other = [tmp_path / ".notes.tmp", tmp_path / "seed.json.1.a.tmp", tmp_path / ".x.abc.tmp"]
    for path in (dead, live, *other):
        path.write_bytes(b'{"half": ')
    (tmp_path / f".link.{finished.pid}.ab.tmp").symlink_to(live)
    result = run_cli("map", str(SEED), "-o", str(tmp_path), "-q", "--export", "json")
    assert result.returncode == 0, result.stderr.decode()
    assert not dead.exists() and live.exists() and all(p.exists() for p in other)
    assert (tmp_path / f".link.{finished.pid}.ab.tmp").is_symlink()
    assert remove_dead_temps(tmp_path) == 0 and remove_dead_temps(tmp_path / "none") == 0
    seen = []
    real = os.replace
    try:  # the temp write_atomic makes names this process
        os.replace = lambda src, dst: (seen.append(os.path.basename(src)), real(src, dst))
        write_atomic(tmp_path / "x.json", b"{}")
    finally:
        os.replace = real
    assert seen[0].startswith(f".x.json.{os.getpid()}.") and seen[0].endswith(".tmp")
