"""Random inputs through the real `argmap map` subprocess: no traceback, no hang, a documented
exit code, and well-formed outputs, whatever the input.

Three families, each drawn by hypothesis and written to a real file: unicode text files (with
the shapes the text reader looks for: quotes, bullets, chat lines, debate headers, blank lines,
bad bytes), reply trees as JSON Lines (self-replies, cycles, orphans, duplicate ids, empty
texts, deep chains, huge fan-out, broken lines), and arbitrary JSON records. Examples are
derandomised, so CI runs the same ones every time; ARGMAP_FUZZ_EXAMPLES=200 runs more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import REPO

DOCUMENTED = {0, 3, 65}  # done; finished with something left out; unusable input
HANG_SECONDS = 60
SCALE = int(os.environ.get("ARGMAP_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=SCALE or 6, deadline=None, derandomize=not SCALE,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

WORDS = ("cars", "cities", "should", "ban", "because", "pollution", "but", "shops", "not",
         "agree", "I", "think", "the", "council", "is", "wrong", "trains", "cost", "money")
PIECES = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
    st.sampled_from(["", " ", "Thanks!", "🙂🙂🙂", "> quoted line", "1 2 3 4 5", "[deleted]",
                     "* a bullet point here", "No, that is wrong.", "#1 alice", "#2 bob Disputed #1",
                     "Alice: cars are bad", "Bob: no they are not", "Pet peeve: meetings.",
                     "\u202e\u200b\ufeff", "\x00\x1b[31mred", "a." * 300, "x" * 3000,
                     "中文字符没有空格", "e\u0301" * 20, "http://example.com", "```code```"]),
    st.text(max_size=80),
)


def _run_map(folder: Path, out: Path, export: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    try:
        return subprocess.run([sys.executable, "-m", "argmap", "map", str(folder), "-o", str(out),
                               "--export", export, "-q"], cwd=REPO, env=env,
                              capture_output=True, timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"argmap map hung for more than {HANG_SECONDS} s on {_shown(folder)}")


def _shown(folder: Path) -> str:
    return "; ".join(f"{f.name}: {f.read_bytes()[:300]!r}" for f in sorted(folder.iterdir()))


def _run_and_check(files: dict[str, bytes], tmp_path_factory, export: str = "json,summary") -> None:
    """Write ``files`` into a folder, map the folder (one subprocess for several inputs; a file
    that is not a thread is skipped and reported there), and check what came out."""
    base = tmp_path_factory.mktemp("fuzz")
    folder = base / "in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = base / "out"
    result = _run_map(folder, out, export)
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, (stderr[-3000:], _shown(folder))
    assert result.returncode in DOCUMENTED, (result.returncode, stderr[-2000:], _shown(folder))
    if result.returncode == 65:
        assert stderr.startswith("error:") and len(stderr.strip().splitlines()) == 1, stderr
        return
    written = sorted(out.iterdir()) if out.exists() else []
    assert any(f.name.endswith(".json") for f in written), (stderr, _shown(folder))
    for file in written:
        data = file.read_bytes()
        if file.name.endswith(".json"):
            document = json.loads(data)
            assert "map" in document and isinstance(document["map"]["threads"], list)
        elif file.name.endswith(".md"):
            data.decode("utf-8")
            assert b"\x1b" not in data
        elif file.name.endswith(".svg"):
            assert ET.fromstring(data).tag.endswith("svg")


def _texts() -> st.SearchStrategy[bytes]:
    lines = st.lists(st.one_of(PIECES, st.just("")), min_size=0, max_size=40)
    as_text = lines.map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))
    return st.one_of(as_text, st.binary(max_size=600),
                     st.text(max_size=1500).map(lambda t: t.encode("utf-8", "surrogatepass")))


@FUZZ
@given(contents=st.lists(_texts(), min_size=1, max_size=4))
def test_cli_fuzz_random_text_files(tmp_path_factory, contents: list[bytes]):
    _run_and_check({f"t{i}.txt": c for i, c in enumerate(contents)}, tmp_path_factory)


@st.composite
def _reply_trees(draw) -> bytes:
    n = draw(st.integers(1, 60))
    ids = draw(st.lists(st.sampled_from([str(i) for i in range(n + 3)] + ["x", "", "0"]),
                        min_size=n, max_size=n))
    shape = draw(st.sampled_from(["random", "chain", "fan", "cycle", "self"]))
    rows: list[bytes] = []
    for k, post_id in enumerate(ids):
        if shape == "chain":
            parent: object = ids[k - 1] if k else None
        elif shape == "fan":
            parent = ids[0] if k else None
        elif shape == "cycle":
            parent = ids[(k + 1) % n]
        elif shape == "self":
            parent = post_id
        else:
            parent = draw(st.one_of(st.none(), st.sampled_from(ids), st.just("missing"),
                                    st.integers(-2, 5)))
        record = {"id": post_id, "reply_to": parent, "author": draw(st.sampled_from(
            ["a", "b", None, "[deleted]", "\u202eevil"])), "text": draw(PIECES)}
        if draw(st.integers(0, 30)) == 0:
            rows.append(draw(st.sampled_from([b'{"id": "broken", "text": ', b"\xff\xfe",
                                              b"[1, 2]", b'{"text": 5}'])))
        rows.append(json.dumps(record, ensure_ascii=draw(st.booleans())).encode())
    return b"\n".join(rows) + draw(st.sampled_from([b"\n", b""]))


@FUZZ
@given(contents=st.lists(_reply_trees(), min_size=1, max_size=4))
def test_cli_fuzz_random_reply_trees(tmp_path_factory, contents: list[bytes]):
    _run_and_check({f"r{i}.jsonl": c for i, c in enumerate(contents)}, tmp_path_factory)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "text", "body", "reply_to", "parent_id", "author", "thread",
                         "created", "title", "kind", "data", "children", "posts", "x"]),
        inner, max_size=6),
    max_leaves=20,
)


@FUZZ
@given(documents=st.lists(st.tuples(st.lists(JSON, min_size=1, max_size=12), st.booleans()),
                          min_size=1, max_size=4))
def test_cli_fuzz_random_json_records(tmp_path_factory, documents):
    files = {}
    for i, (records, whole) in enumerate(documents):
        files[f"j{i}.json" if whole else f"j{i}.jsonl"] = (
            json.dumps(records).encode() if whole else
            b"\n".join(json.dumps(r).encode() for r in records) + b"\n")
    _run_and_check(files, tmp_path_factory)


@settings(FUZZ, max_examples=SCALE or 2)
@given(contents=st.lists(_reply_trees(), min_size=1, max_size=2))
def test_cli_fuzz_reply_trees_with_svg(tmp_path_factory, contents: list[bytes]):
    _run_and_check({f"s{i}.jsonl": c for i, c in enumerate(contents)}, tmp_path_factory,
                   export="json,summary,svg")


def _run_batch_and_check(files: dict[str, bytes], tmp_path_factory) -> None:
    """The same inputs through `argmap batch` (the corpus path: streamed spill, corpus topics,
    worker processes): no traceback, a documented exit code, every record accounted for."""
    base = tmp_path_factory.mktemp("fuzzbatch")
    folder = base / "in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = base / "out"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "argmap", "batch", str(folder), "-o", str(out), "--jobs", "1",
             "--tables", "csv", "-q"], cwd=REPO, env=env, capture_output=True,
            timeout=HANG_SECONDS * 2)
    except subprocess.TimeoutExpired:
        pytest.fail(f"argmap batch hung on {_shown(folder)}")
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, (stderr[-3000:], _shown(folder))
    assert result.returncode in DOCUMENTED, (result.returncode, stderr[-2000:], _shown(folder))
    if result.returncode == 65:
        assert stderr.startswith("error:"), stderr
        return
    counts = json.loads((out / "summary.json").read_bytes())
    assert counts["records_in"] == (counts["processed"] + counts["skipped"]
                                    + counts["quarantined"]), counts
    header = (out / "csv" / "posts.csv").read_bytes().split(b"\r\n", 1)[0]
    assert header.startswith(b"post_id,thread_id")


@settings(FUZZ, max_examples=SCALE or 3)
@given(trees=st.lists(_reply_trees(), min_size=1, max_size=3),
       texts=st.lists(_texts(), min_size=0, max_size=2))
def test_cli_fuzz_batch_random_reply_trees_and_texts(tmp_path_factory, trees: list[bytes],
                                                     texts: list[bytes]):
    files = {f"r{i}.jsonl": c for i, c in enumerate(trees)}
    files.update({f"t{i}.txt": c for i, c in enumerate(texts)})
    _run_batch_and_check(files, tmp_path_factory)
