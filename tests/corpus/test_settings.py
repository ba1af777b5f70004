"""Run settings are checked before anything is read, with the option named."""

from __future__ import annotations

import pytest

from argmap.corpus import settings
from argmap.corpus.settings import exit_code_of, parse_jobs, parse_maps, parse_tables
from argmap.errors import EX_OK, EX_PARTIAL, EX_USAGE, OptionsError
from tests.support import SEED, run_cli


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


def test_settings_memory_takes_sizes_and_bounds_jobs_auto(monkeypatch) -> None:
    from argmap.corpus.settings import parse_memory

    assert parse_memory(None) is None and parse_memory("auto") is None
    assert parse_memory("6G") == parse_memory("6 GiB") == parse_memory("6gb") == 6 << 30
    assert parse_memory("4000") == parse_memory("4000M") == 4000 << 20
    assert parse_memory("1.5G") == 3 << 29 and parse_memory(5 << 30) == 5 << 30
    for bad in ("lots", "0", "-1G", "512K", "6X", True):
        with pytest.raises(OptionsError, match="--memory") as caught:
            parse_memory(bad)
        assert caught.value.exit_code == EX_USAGE
    monkeypatch.setattr(settings, "WORKER_MEMORY", 1 << 30)
    assert parse_jobs("auto", 1 << 30) == 1  # a budget of one worker: one job
    assert parse_jobs("5", 1 << 30) == 5  # an explicit --jobs stays; the scheduler bounds it
    assert settings.memory_budget(3 << 30) == 3 << 30


def test_settings_memory_refuses_sizes_past_any_machine_and_reads_b_as_bytes(tmp_path) -> None:
    """``--memory`` with 400 digits (float inf) was an OverflowError traceback (exit 1) and
    ``4294967296B`` was read as 4,294,967,296 MB (a bare B counted as the bare number's MB);
    now a size of more than 2**63 bytes is refused (64) and B means bytes."""
    from argmap.corpus.settings import parse_memory

    assert parse_memory("4294967296B") == parse_memory("4294967296 b") == 4 << 30
    assert parse_memory("2048KiB") == parse_memory("2048 kb") == 2 << 20
    for bad in ("9" * 400 + "G", "1" + "0" * 30, "9999999999T", "1048575B", 1 << 64):
        with pytest.raises(OptionsError, match="--memory") as caught:
            parse_memory(bad)
        assert caught.value.exit_code == EX_USAGE
    result = run_cli("batch", str(SEED), "-o", str(tmp_path / "out"), "--memory", "9" * 400 + "G")
    message = result.stderr.decode()
    assert result.returncode == EX_USAGE and "--memory" in message and "Traceback" not in message


def test_settings_absurd_jobs_maps_and_addresses_are_bad_option_values() -> None:
    """Found by the batch options campaign, each a traceback (exit 1) after the input was read:
    --jobs 10**23 (the pool's semaphore: 'Python int too large to convert to C int'), --maps
    top:<5,000 digits> or top:² (int() refuses them), --scheduler dask --address nonsense://x,
    ':::', 'tcp://' or tls:// without Dask's TLS settings; and --address without --scheduler
    dask was ignored without a word. Now each is refused first (64), naming the option."""
    from argmap.corpus.settings import MAX_JOBS, check_address

    assert parse_jobs(str(MAX_JOBS)) == MAX_JOBS
    for bad in (str(MAX_JOBS + 1), "9" * 23, "9" * 5_000, "²"):
        with pytest.raises(OptionsError, match="--jobs"):
            parse_jobs(bad)
    assert parse_maps("top:" + "0" * 30 + "7") == "top:7"
    for bad in ("top:" + "9" * 5_000, "top:²", "contested:" + "9" * 19):
        with pytest.raises(OptionsError, match="--maps"):
            parse_maps(bad)
    check_address("local", None)
    for fine in ("tcp://10.0.0.1:8786", "10.0.0.1:8786", "tcp://[::1]:8786"):
        check_address("dask", fine)
    for scheduler, bad in (("local", "tcp://10.0.0.1:8786"), ("dask", "nonsense://x"),
                           ("dask", ":::"), ("dask", "tcp://"), ("dask", "tls://h:8786")):
        with pytest.raises(OptionsError, match="--address") as caught:
            check_address(scheduler, bad)
        assert caught.value.exit_code == EX_USAGE
