"""Fragments: a giant thread's rows arrive at once and are written in bounded batches, to the
same bytes as rows arriving a thread at a time."""

from __future__ import annotations

import tracemalloc

from argmap.corpus import fragments
from argmap.corpus.fragments import FragmentWriter


def _rows(n: int) -> list[tuple]:
    return [(f"p{i:06d}/c0", f"p{i // 3:06d}/c1", "giant", "attack" if i % 3 else "support",
             round(0.5 + (i % 7) / 20, 2), '[{"kind": "reply", "detail": "=1+1,\\"x\\"\\n",'
             ' "weight": 0.5}]' + "é" * (i % 5)) for i in range(n)]


def _write(folder, pieces: list[list[tuple]], formats=("csv", "parquet", "sqlite")) -> dict:
    writer = FragmentWriter(folder, ("relations",), formats)
    for piece in pieces:
        writer.add("relations", piece)
    writer.close()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_fragments_one_giant_add_writes_what_many_small_ones_write(tmp_path) -> None:
    rows = _rows(3 * fragments.CSV_BATCH + 17)
    giant = _write(tmp_path / "giant", [rows])
    small = _write(tmp_path / "small", [rows[i:i + 7] for i in range(0, len(rows), 7)])
    assert giant == small
    assert giant["relations.csv"].count(b"\n") >= len(rows)


def test_fragments_a_giant_add_is_formatted_in_bounded_memory(tmp_path) -> None:
    """The CSV of 40,000 rows (~5 MB) is made ``CSV_BATCH`` rows at a time, and the SQLite
    rows are not listed first: the add allocates a fraction of the text (it made the text
    whole, and its encoding, and a list of every row: ~3x the file)."""
    rows = _rows(40_000)
    writer = FragmentWriter(tmp_path, ("relations",), ("csv", "sqlite"))
    tracemalloc.start()
    try:
        writer.add("relations", rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    writer.close()
    size = (tmp_path / "relations.csv").stat().st_size
    assert size > 4_000_000
    assert peak < size / 2
