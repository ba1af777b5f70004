"""A JSON array of posts through the real CLI (``argmap map``, ``batch``, ``inspect --json``):
the exit codes of README "Exit codes", and every skipped record named ``file:line (byte N)``
alike by the three commands, compressed or not."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import orjson

from tests.support import run_cli

GOOD = [{"id": f"p{i}", "thread": "t", "text": f"Post {i} argues that cars cost {i * 7919 % 997}."}
        for i in range(300)]


def _places(text: str) -> set[tuple[str, int, int]]:
    return {(p["code"], p["line"], p["byte_offset"]) for p in orjson.loads(text)["problems"]}


def _cut_gzip_array_broken_before_the_cut(tmp_path: Path) -> Path:
    """A gzip array whose structure breaks (a missing comma) long before the file is cut."""
    content = (b'[{"id": "a", "thread": "t", "text": "Yes, cars must go."}\n'
               b'{"id": "b", "thread": "t", "text": "No."},\n' + json.dumps(GOOD).encode()[1:])
    packed = gzip.compress(content, mtime=0)
    path = tmp_path / "broken.json.gz"
    path.write_bytes(packed[:-40])
    return path


def test_array_records_a_break_before_a_compressed_cut_is_reported_by_map_batch_and_inspect(
        tmp_path) -> None:
    # before: map called the break the truncation (truncated_input at the break's byte) and
    # batch and inspect never said the file was cut (the gzip damage was silently dropped)
    path = _cut_gzip_array_broken_before_the_cut(tmp_path)
    mapped = run_cli("map", str(path), "-o", str(tmp_path / "map"), "-q")
    assert mapped.returncode == 3, mapped.stderr.decode()
    err = mapped.stderr.decode()
    assert f"{path}:2 (byte 58): the JSON array is broken: expected ',' or ']' after element " \
           "1, found '{'; the 1 record before it was read" in err
    assert "gzip data is truncated" in err
    inspected = run_cli("inspect", "--json", str(path))
    assert inspected.returncode == 3
    listed = orjson.loads(inspected.stdout)
    assert (listed["records_in"], listed["posts"], listed["skipped"]) == (2, 1, 1)
    assert _places(inspected.stdout) >= {("invalid_json", 2, 58)}
    assert "truncated_input" in {code for code, _, _ in _places(inspected.stdout)}
    batch = run_cli("batch", str(path), "-o", str(tmp_path / "batch"), "-q", "--jobs", "1")
    assert batch.returncode == 3, batch.stderr.decode()
    with open(tmp_path / "batch" / "csv" / "problems.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["code"], r["action"], r["line"], r["byte_offset"]) for r in rows} >= {
        ("invalid_json", "skipped", "2", "58")}
    assert "truncated_input" in {r["code"] for r in rows}


def test_array_records_exit_codes_of_an_array(tmp_path) -> None:
    one_bad = tmp_path / "one_bad.json"
    one_bad.write_bytes(b'[{"id": "a", "text": "Cars must go from the old town."},\n'
                        b' {"id": "b", "text": tru},\n {"id": "c", "text": "No."}]')
    all_bad = tmp_path / "all_bad.json"
    all_bad.write_bytes(b"[1, null, [2]]")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"[]")
    cases = [((str(one_bad),), 3, f"{one_bad}:2 (byte 58): invalid JSON"),
             ((str(all_bad),), 65, f"{all_bad}:1 (byte 1): skipped 3 of 3 records"),
             ((str(empty),), 65, "no posts"),
             ((str(tmp_path / "missing.json"),), 66, "no such file"),
             ((str(one_bad), "--from", "arrays"), 64, "must be one of"),
             ((str(one_bad), "--strict"), 65, f"{one_bad}:2 (byte 58)")]
    for args, code, message in cases:
        # batch checks options and inputs as map does; it is run on the two read outcomes
        for command in ("map", "batch") if args in ((str(one_bad),), (str(all_bad),)) else ("map",):
            out = ["-o", str(tmp_path / f"{command}-{code}")]
            result = run_cli(command, *args, *out, "-q")
            err = result.stderr.decode()
            assert result.returncode == code, (command, args, err)
            assert "Traceback" not in err
            if command == "map":
                assert message in err, (command, args, err)
    inspected = run_cli("inspect", "--json", str(one_bad))
    assert inspected.returncode == 3
    assert _places(inspected.stdout) == {("invalid_json", 2, 58)}
