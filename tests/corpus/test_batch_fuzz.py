"""Random multi-thread JSON Lines with hostile post texts and thread ids through the real
`argmap batch` and `argmap map` subprocesses.

What must hold whatever the input: a documented exit code and no traceback; records in =
processed + skipped + quarantined; `--jobs 1` and `--jobs 2`, under two hash seeds, write the
same bytes (tables, report, every thread's map files, under safe names); the CSV, Parquet and
SQLite tables hold the same rows (CSV with its formula guard); every thread's posts and claims
in the tables are the ones `argmap map` gives that thread; `map`'s file names are safe; the
corpus report parses and holds no script a post brought. CI runs the explicit example;
ARGMAP_FUZZ_EXAMPLES=N runs N random ones (tests/README.md, "Fuzzing").
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from argmap.corpus.schema import TABLES
from tests.corpus.dumps import SUBJECTS
from tests.support import REPO

DOCUMENTED = {0, 3, 65}
SCALE = int(os.environ.get("ARGMAP_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=SCALE or 1, deadline=None, database=None,
                phases=list(Phase) if SCALE else [Phase.explicit],  # CI: the @example alone
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
FORMULA = ("=", "+", "-", "@", "\t", "\r")
SENTENCES = [s for subject in SUBJECTS.values() for s in subject]
HOSTILE = (
    '"quoted" and ""doubled"" quotes, commas, here', "a NUL\x00in the middle", "carriage\rreturn",
    "line\r\nbreaks\nand\n\nparagraphs", "para\u2028graph\u2029sep", "\u202eevil\u202c bidi \u200f",
    "=HYPERLINK(\"http://x\",\"y\")", "+1 more", "-2h ago", "@SUM(A1:A9)", "\tTab start",
    "w" * 10_000, "🙂🔥👍", "| a | b |\n|---|---|\n| 1 | 2 |", "</script><script>alert(1)</script>",
    "lone \ud800 surrogate", "\\N \\G \\l trailing\\", "<b>bold</b> & &amp; <!-- c -->", "[deleted]",
    "", " ", "\x1b[31mred\x1b[0m", "\ufeffBOM inside", "\ufffe\uffff", "e\u0301" * 30, "中文字符没有空格。",
    "'already quoted", "> a quoted line\n\nNo, that is wrong.",
)
THREAD_IDS = ("t1", "../../etc/passwd", "CON", "a/b", "A/B", "x" * 300, "\u202eevil", "sp ace",
              "t1 ", "nul\x00id", "é", "Ω.")


def _text() -> st.SearchStrategy[str]:
    sentence = st.sampled_from(SENTENCES)
    piece = st.one_of(sentence, sentence, st.sampled_from(HOSTILE), st.text(max_size=30))
    return st.lists(piece, min_size=1, max_size=4).flatmap(
        lambda parts: st.sampled_from([" ", "\n", "\n\n"]).map(lambda sep: sep.join(parts)))


@st.composite
def corpora(draw) -> list[dict]:
    """JSON Lines records of one to four threads, interleaved; replies to earlier posts, to
    themselves, to posts that are not there."""
    records: list[dict] = []
    thread_ids = draw(st.lists(st.sampled_from(THREAD_IDS), min_size=1, max_size=4, unique=True))
    for t, thread in enumerate(thread_ids):
        ids: list[str] = []
        for p in range(draw(st.integers(1, 6))):
            post_id = f"{t}p{p}"
            reply_to = draw(st.one_of(st.none(), st.sampled_from(ids or [post_id]),
                                      st.just(post_id), st.just("gone")))
            records.append({"id": post_id, "thread": thread, "reply_to": reply_to,
                            "author": draw(st.sampled_from(("ann", "bob", None, "\u202eeve",
                                                            "=cmd"))),
                            "text": draw(_text())})
            ids.append(post_id)
    order = draw(st.permutations(range(len(records))))
    return [records[i] for i in order]


def _run(*args: str, seed: str = "0") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONHASHSEED": seed}
    try:
        return subprocess.run([sys.executable, "-m", "argmap", *args, "-q"], cwd=REPO, env=env,
                              capture_output=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail(f"argmap {args[0]} hung")


def _tables(out: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    db = sqlite3.connect(out / "corpus.sqlite")
    try:
        found = {}
        for table in TABLES:
            cursor = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (our own table names)
            found[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        return found
    finally:
        db.close()


def _csv_cell(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA) else value
    if kind == "bool":
        return "true" if value else "false"
    return repr(value)


def _check_tables_agree(out: Path, tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
    for table, (names, rows) in tables.items():
        text = (out / "csv" / f"{table}.csv").read_bytes().decode("utf-8")
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        assert parsed[0] == names, table
        assert len(parsed) - 1 == len(rows), table
        for row, line in zip(rows, parsed[1:], strict=True):
            assert len(line) == len(names), (table, line)
            for value, cell in zip(row, line, strict=True):
                kind = "bool" if cell in ("true", "false") and value in (0, 1) else ""
                assert cell == _csv_cell(value, kind), (table, value, cell)
        arrow = pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist()
        assert len(arrow) == len(rows), table
        for row, record in zip(rows, arrow, strict=True):
            for name, value in zip(names, row, strict=True):
                got = record[name]
                assert (int(got) if isinstance(got, bool) else got) == value, (table, name)


def _check_map_agrees(corpus: Path, tables, tmp: Path, batch_rc: int) -> None:
    """Every thread's posts and claims in the tables are what `argmap map` gives it."""
    out = tmp / "map"
    result = _run("map", str(corpus), "-o", str(out), "--export", "json")
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-3000:]
    assert result.returncode == batch_rc, (result.returncode, batch_rc, stderr[-2000:])
    if result.returncode == 65:
        return
    root = out.resolve()
    posts: dict[str, list[tuple]] = {}
    claims: dict[str, list[tuple]] = {}
    for file in sorted(out.iterdir()):
        assert re.fullmatch(r"[A-Za-z0-9._-]+", file.name), file.name
        assert file.resolve().parent == root
        document = json.loads(file.read_bytes())
        of_post = {}
        for thread in document["map"]["threads"]:
            for post in thread["posts"]:
                of_post[post["id"]] = thread["id"]
                posts.setdefault(thread["id"], []).append(
                    (post["id"], post["author"], post["reply_to"], post["text"]))
        for claim in document["map"]["claims"]:
            claims.setdefault(of_post[claim["post_id"]], []).append(
                (claim["id"], claim["post_id"], claim["role"], claim["start"], claim["end"],
                 claim["text"]))
    names, rows = tables["posts"]
    pick = [names.index(n) for n in ("post_id", "author", "reply_to", "text")]
    table_posts: dict[str, list[tuple]] = {}
    for row in rows:
        table_posts.setdefault(row[names.index("thread_id")], []).append(
            tuple(row[i] for i in pick))
    assert {k: sorted(v) for k, v in table_posts.items()} == \
        {k: sorted(v) for k, v in posts.items()}
    names, rows = tables["claims"]
    pick = [names.index(n) for n in ("claim_id", "post_id", "role", "start", "end", "text")]
    table_claims: dict[str, list[tuple]] = {}
    for row in rows:
        table_claims.setdefault(row[names.index("thread_id")], []).append(
            tuple(row[i] for i in pick))
    assert {k: sorted(v) for k, v in table_claims.items()} == \
        {k: sorted(v) for k, v in claims.items() if v}


def _check_report(out: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    page = HTMLParser((out / "report.html").read_bytes().decode("utf-8"))
    for script in page.css("script"):
        assert "alert(1)" not in (script.text() or ""), "a post's script reached the report"
    assert page.css_first("body") is not None


def _run_corpus(records: list[dict], tmp: Path) -> None:
    corpus = tmp / "in.jsonl"
    corpus.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    outs = {}
    for jobs in ("1", "2"):
        outs[jobs] = tmp / f"jobs{jobs}"
        result = _run("batch", str(corpus), "-o", str(outs[jobs]), "--jobs", jobs,
                      "--tables", "csv,parquet,sqlite", "--maps", "all", "--export",
                      "json,summary,argdown", seed=jobs)  # and another hash seed
        stderr = result.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr, stderr[-3000:]
        assert result.returncode in DOCUMENTED, (result.returncode, stderr[-2000:])
        if jobs == "1":
            rc = result.returncode
        assert result.returncode == rc
    if rc == 65:
        return
    files = sorted(p.relative_to(outs["1"]) for p in outs["1"].rglob("*")
                   if p.is_file() and ".argmap" not in p.parts)
    assert files == sorted(p.relative_to(outs["2"]) for p in outs["2"].rglob("*")
                           if p.is_file() and ".argmap" not in p.parts)
    for name in files:
        assert (outs["1"] / name).read_bytes() == (outs["2"] / name).read_bytes(), name
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name.name), name
        assert (outs["1"] / name).resolve().is_relative_to(outs["1"].resolve())
    counts = json.loads((outs["1"] / "summary.json").read_bytes())
    assert counts["records_in"] == len(records) == (
        counts["processed"] + counts["skipped"] + counts["quarantined"]), counts
    tables = _tables(outs["1"])
    _check_tables_agree(outs["1"], tables)
    _check_report(outs["1"])
    _check_map_agrees(corpus, tables, tmp, rc)


@FUZZ
@given(records=corpora())
@example(records=[
    {"id": "0p0", "thread": "=t", "reply_to": None, "author": "=cmd",
     "text": SENTENCES[0] + "\n\n" + "\n\n".join(HOSTILE)},
    {"id": "0p1", "thread": "=t", "reply_to": "0p0", "author": None,
     "text": "No, that is wrong. " + SENTENCES[1]},
    {"id": "1p0", "thread": "../../etc/passwd", "reply_to": "1p0", "author": "\u202eeve",
     "text": "w" * 10_000},
])
def test_batch_fuzz_hostile_threads_batch_as_map_and_jobs_agree(tmp_path_factory, records):
    _run_corpus(records, tmp_path_factory.mktemp("batchfuzz"))
