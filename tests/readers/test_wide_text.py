"""UTF-16/32 files with a byte-order mark are read as the same text in UTF-8, as they stream.

Windows PowerShell 5.1 writes UTF-16 LE with a mark by default; such files were refused as
"looks binary (NUL bytes)"."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.errors import InputError
from argmap.readers.wide_text import MARKS, as_utf8

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


def _pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from([m for m, _ in MARKS]), st.lists(st.integers(0, 900), max_size=8))
def test_wide_text_any_text_in_any_marked_encoding_and_any_chunking_is_its_utf8(text, mark,
                                                                               cuts):
    encoding = dict(MARKS)[mark]
    data = mark + text.encode(encoding)
    assert b"".join(as_utf8(_pieces(data, cuts), "f")) == text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=6))
def test_wide_text_content_without_a_mark_passes_unchanged(data, cuts):
    if any(data.startswith(m) for m, _ in MARKS):
        data = b"x" + data
    assert b"".join(as_utf8(_pieces(data, cuts), "f")) == data


def test_wide_text_a_lone_surrogate_is_an_error_at_its_byte():
    data = b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8" + "cd".encode("utf-16-le")
    with pytest.raises(InputError) as caught:
        b"".join(as_utf8([data[:5], data[5:]], "f.jsonl"))
    assert caught.value.code == "invalid_encoding" and caught.value.byte_offset == 6


THREAD = ('{"id": "1", "text": "Taxes should be lower because growth matters."}\n'
          '{"id": "2", "reply_to": "1", "text": "No, lower taxes starve the schools, and '
          'schools matter more."}\n'
          '{"id": "3", "reply_to": "2", "text": "I agree: schools come first. Café débats."}\n')
PASTED = ("Alice: Taxes should be lower because growth matters.\n\n"
          "Bob: No, lower taxes starve the schools, and schools matter more.\n")


def _without_paths(folder: Path) -> dict[str, object]:
    found = {}
    for path in sorted(folder.glob("*.json")):
        text = path.read_text().replace("utf16/", "utf8/")
        found[path.name] = orjson.loads(text)
    return found


@pytest.mark.parametrize("encoding", ["utf-16"])  # the others: the property tests above
def test_wide_text_map_and_batch_read_a_marked_file_as_its_utf8_twin(tmp_path: Path, encoding):
    utf8, wide = tmp_path / "utf8", tmp_path / "utf16"
    utf8.mkdir()
    wide.mkdir()
    for name, text in (("posts.jsonl", THREAD), ("pasted.txt", PASTED)):
        (utf8 / name).write_text(text, encoding="utf-8")
        if encoding == "utf-16-be-marked":
            data = b"\xfe\xff" + text.encode("utf-16-be")
        else:
            data = text.encode(encoding)  # Python writes the mark
        (wide / name).write_bytes(data)
    for folder in (utf8, wide):
        done = subprocess.run([sys.executable, "-m", "argmap", "map", str(folder), "-o",
                               str(tmp_path / f"map-{folder.name}"), "--export", "json"],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert _without_paths(tmp_path / "map-utf8") == _without_paths(tmp_path / "map-utf16")
    for folder in (utf8, wide):
        done = subprocess.run([sys.executable, "-m", "argmap", "batch", folder.name, "-o",
                               f"batch-{folder.name}", "--tables", "csv", "-q"],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    for table in ("posts.csv", "claims.csv", "relations.csv"):
        plain = (tmp_path / "batch-utf8" / "csv" / table).read_text()
        wide_table = (tmp_path / "batch-utf16" / "csv" / table).read_text()
        assert wide_table.replace("utf16/", "utf8/") == plain, table
    shutil.rmtree(tmp_path / "batch-utf16")


def test_wide_text_unmarked_utf16_is_refused_with_how_to_convert(tmp_path: Path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(THREAD.encode("utf-16-le"))
    done = subprocess.run([sys.executable, "-m", "argmap", "map", str(path), "-o",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 65
    assert "looks like UTF-16 text without a byte-order mark" in done.stderr
    assert "iconv -f UTF-16LE -t UTF-8" in done.stderr
