"""The manifest's line checksums and torn tails, option differences by name, the lock."""

from __future__ import annotations

import os

import pytest

from argmap.corpus.manifest import BatchRefused, Manifest, OutdirLock, differences


def test_manifest_appends_after_a_torn_tail_without_swallowing_the_next_record(tmp_path) -> None:
    path = tmp_path / "manifest.jsonl"
    manifest = Manifest.start(path, {"buckets": 4})
    manifest.append({"type": "task", "name": "a"})
    with open(path, "ab") as handle:
        handle.write(b'{"type": "task", "na')  # killed mid-append
    again = Manifest.read(path)
    assert [r["name"] for r in again.of_type("task")] == ["a"]
    again.append({"type": "task", "name": "b"})
    assert [r["name"] for r in Manifest.read(path).of_type("task")] == ["a", "b"]


def test_manifest_refuses_an_edited_line(tmp_path) -> None:
    path = tmp_path / "manifest.jsonl"
    Manifest.start(path, {"buckets": 4}).append({"type": "task", "name": "a", "posts": 3})
    path.write_bytes(path.read_bytes().replace(b'"posts":3', b'"posts":4'))
    with pytest.raises(BatchRefused, match="manifest.jsonl:2: damaged"):
        Manifest.read(path)


def test_manifest_differences_name_the_changed_options() -> None:
    old = {"read": {"fields": [], "strict": False}, "segment": {"min_claim_words": 4}}
    new = {"read": {"fields": [["text", "body"]], "strict": False},
           "segment": {"min_claim_words": 4}}
    assert differences(old, new) == ["read.fields"]
    assert differences(old, old) == []


def test_manifest_lock_is_exclusive_and_freed_when_released(tmp_path) -> None:
    first = OutdirLock(tmp_path)
    first.acquire()
    with pytest.raises(BatchRefused, match=f"pid {os.getpid()}"):
        OutdirLock(tmp_path).acquire()
    first.release()
    second = OutdirLock(tmp_path)
    second.acquire()
    second.release()


def test_manifest_an_outdir_that_cannot_be_created_exits_73_as_map_does(tmp_path):
    """``argmap batch -o FILE/sub`` (a folder that cannot be created: under a file, or in a
    read-only folder) exited 74 ('cannot write') where README's exit codes and ``map`` say 73
    ('cannot be created'); the lock's folder is now a CannotCreate."""
    from tests.support import SEED, run_cli

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    for command in ("map", "batch"):
        result = run_cli(command, str(SEED), "-o", str(blocker / "sub"), "-q")
        message = result.stderr.decode()
        assert result.returncode == 73, (command, message)
        assert "Not a directory" in message and "Traceback" not in message
