"""Fixtures of the corpus tests: one small dump and its reference run, made once a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.corpus import run_batch
from argmap.errors import EX_OK
from tests.corpus.dumps import reddit_dump, write_jsonl


@pytest.fixture(scope="session")
def dump(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    folder = tmp_path_factory.mktemp("dump")
    records = reddit_dump(48, seed=3)
    return write_jsonl(folder / "RC_2023-11.jsonl", records), records


@pytest.fixture(scope="session")
def reference(dump: tuple[Path, list[dict]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    report = run_batch([dump[0]], out, jobs=1)
    assert report.exit_code == EX_OK
    return out
