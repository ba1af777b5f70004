"""Run settings are checked before anything is read, with the option named."""

from __future__ import annotations

import pytest

from argmap.corpus import settings
from argmap.corpus.settings import exit_code_of, parse_jobs, parse_maps, parse_tables
from argmap.errors import EX_OK, EX_PARTIAL, EX_USAGE, OptionsError


def test_settings_jobs_auto_is_bounded_by_cores_and_memory(monkeypatch) -> None:
    assert 1 <= parse_jobs("auto") == parse_jobs(None)
    assert parse_jobs("3") == 3
    monkeypatch.setattr(settings, "WORKER_MEMORY", 1 << 60)  # a machine without the memory
    assert parse_jobs("auto") == 1
    for bad in ("0", "-2", "many"):
        with pytest.raises(OptionsError, match="--jobs") as caught:
            parse_jobs(bad)
        assert caught.value.exit_code == EX_USAGE


def test_settings_maps_and_tables() -> None:
    assert [parse_maps(m) for m in (None, "all", "top:05", "contested:3")] == [
        None, "all", "top:5", "contested:3"]
    for bad in ("top", "top:0", "largest:3"):
        with pytest.raises(OptionsError, match="--maps"):
            parse_maps(bad)
    assert parse_tables("sqlite,csv") == ("csv", "sqlite")
    assert parse_tables(None) == ("csv", "parquet", "sqlite")
    with pytest.raises(OptionsError, match="--tables"):
        parse_tables("csv,xlsx")


def test_settings_exit_code_says_when_records_were_lost() -> None:
    repaired = [{"code": "orphan_reply", "action": "repaired"}]
    assert exit_code_of(0, 0, repaired) == EX_OK
    assert exit_code_of(1, 0, []) == exit_code_of(0, 1, []) == EX_PARTIAL
    assert exit_code_of(0, 0, [{"code": "truncated_input", "action": "left_out"}]) == EX_PARTIAL
    assert exit_code_of(0, 0, [{"code": "empty_input", "action": "noted"}]) == EX_OK
