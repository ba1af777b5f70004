"""run_batch end to end on small Reddit-shaped dumps: tables, invariance, accounting, resume.

Runs are in-process (workers forked from the test); the fault tests that need a real main
process to kill or to limit are in test_faults.py.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

from argmap.corpus import plan, run_batch
from argmap.corpus.manifest import BatchRefused, OutdirLock
from argmap.corpus.schema import TABLES, cell, columns
from argmap.errors import EX_OK, EX_PARTIAL, InputError
from argmap.options import Options
from tests.corpus.dumps import by_thread, reddit_dump, write_jsonl
from tests.support import run_cli

OUTPUT_FILES = [f"csv/{t}.csv" for t in TABLES] + [f"parquet/{t}.parquet" for t in TABLES] + [
    "corpus.sqlite", "report.html", "summary.json"]


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def csv_rows(out: Path, table: str) -> list[list[str]]:
    with open(out / "csv" / f"{table}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def test_runner_tables_do_not_depend_on_jobs_or_buckets(dump, reference, tmp_path,
                                                        monkeypatch) -> None:
    two = run_batch([dump[0]], tmp_path / "two", jobs=2)
    assert two.tasks_run >= 2  # really split over workers
    assert outputs(tmp_path / "two") == outputs(reference)
    monkeypatch.setattr(plan, "MIN_BUCKETS", 128)
    monkeypatch.setattr(plan, "MIN_TASK", 50)
    many = run_batch([dump[0]], tmp_path / "many", jobs=2)
    header = orjson.loads((tmp_path / "many/.argmap/manifest.jsonl").read_bytes().split(b"\n")[0])
    assert header["buckets"] == 128 and many.tasks_run > two.tasks_run
    assert outputs(tmp_path / "many") == outputs(reference)


def test_runner_thread_spread_over_the_dump_maps_as_in_its_own_file(dump, reference,
                                                                    tmp_path) -> None:
    """Each thread in its own file (and the files in another order) gives the same claims,
    relations, topics, threads and camps as the interleaved time-ordered dump."""
    folder = tmp_path / "threads"
    folder.mkdir()
    for n, (key, records) in enumerate(sorted(by_thread(dump[1]).items(), reverse=True)):
        write_jsonl(folder / f"{n:03d}-{key}.jsonl", list(reversed(records)))
    run_batch([folder], tmp_path / "split", jobs=2)
    for table in ("claims", "relations", "topics", "camps"):
        assert csv_rows(tmp_path / "split", table) == csv_rows(reference, table), table
    source = columns("threads").index("source")
    strip = [[c for i, c in enumerate(row) if i != source]
             for row in csv_rows(reference, "threads")]
    assert strip == [[c for i, c in enumerate(row) if i != source]
                     for row in csv_rows(tmp_path / "split", "threads")]


def test_runner_csv_parquet_and_sqlite_hold_the_same_rows(reference) -> None:
    db = sqlite3.connect(reference / "corpus.sqlite")
    for table, spec in TABLES.items():
        parquet = pq.read_table(reference / "parquet" / f"{table}.parquet").to_pylist()
        rows = [tuple(r[c] for c in columns(table)) for r in parquet]
        sqlite_rows = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        bools = [i for i, (_, kind, _) in enumerate(spec) if kind == "bool_"]
        assert [tuple(bool(v) if i in bools and v is not None else v
                      for i, v in enumerate(r)) for r in sqlite_rows] == rows, table
        assert csv_rows(reference, table) == [[cell(v, False) for v in r] for r in rows], table
        assert rows or table == "problems"
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"claims_topic", "relations_target", "claims_thread"} <= indexes


def test_runner_tables_are_consistent_with_the_records(dump, reference) -> None:
    summary = orjson.loads((reference / "summary.json").read_bytes())
    records = dump[1]
    assert summary["records_in"] == len(records) == summary["processed"]
    posts = csv_rows(reference, "posts")
    assert sorted(r[0] for r in posts) == sorted(
        f"reddit:{'t1_' if 'link_id' in r else 't3_'}{r['id']}" for r in records)
    claims = csv_rows(reference, "claims")
    post_ids = {r[0] for r in posts}
    assert claims and all(c[1] in post_ids for c in claims)
    claim_ids = {c[0] for c in claims}
    relations = csv_rows(reference, "relations")
    assert relations and all(r[0] in claim_ids and r[1] in claim_ids for r in relations)
    assert all(orjson.loads(r[5]) for r in relations)  # every relation carries evidence
    topics = {r[0]: int(r[3]) for r in csv_rows(reference, "topics")}
    assert sum(topics.values()) == len(claims)
    assert {c[4] for c in claims} <= set(topics)
    threads = csv_rows(reference, "threads")
    assert len(threads) == len(by_thread(records)) == summary["threads"]
    assert sum(int(t[4]) for t in threads) == len(posts)


def test_runner_counts_and_lists_every_skipped_record(tmp_path) -> None:
    records = reddit_dump(12, seed=5)
    lines = [orjson.dumps(r) for r in records]
    lines[3] = b'{"id": "broken", "body": '  # truncated JSON
    lines[7] = b'{"id": "x", "link_id": "t3_l0001", "body": "caf\xe9 au lait"}'  # bad UTF-8
    lines[9] = b"[1, 2, 3]"
    lines[11] = orjson.dumps({"id": "nobody", "link_id": "t3_l0001", "parent_id": "t3_l0001"})
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    report = run_batch([path], tmp_path / "out", Options().with_overrides(
        {"read.max_errors": 0.5}), jobs=1)
    assert report.exit_code == EX_PARTIAL
    assert report.records_in == len(lines) == report.processed + report.skipped
    assert report.skipped == 4
    problems = [r for r in csv_rows(tmp_path / "out", "problems") if r[1] == "skipped"]
    assert {(p[0], int(p[4]), int(p[5])) for p in problems} == {
        ("invalid_json", 4, offsets[3]), ("invalid_utf8", 8, offsets[7] + 47),
        ("wrong_type", 10, offsets[9]), ("missing_field", 12, offsets[11])}
    assert all(p[3] == str(path) for p in problems)


def test_runner_strict_and_error_budget_fail_before_any_table(tmp_path) -> None:
    records = reddit_dump(6, seed=2)
    lines = [orjson.dumps(r) for r in records]
    lines[2] = b"not json"
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(InputError) as strict:
        run_batch([path], tmp_path / "strict", Options().with_overrides({"read.strict": True}))
    assert strict.value.line == 3 and strict.value.exit_code == 65
    assert not (tmp_path / "strict" / "csv").exists()
    tight = Options().with_overrides({"read.max_errors_min": 0})
    with pytest.raises(InputError) as budget:  # 1 of ~40 records is over 1% without a floor
        run_batch([path], tmp_path / "budget", tight)
    assert "read.max_errors" in str(budget.value) and budget.value.exit_code == 65
    assert not (tmp_path / "budget" / "corpus.sqlite").exists()
    small = run_batch([path], tmp_path / "small")  # by default (floor of 10) skipped, listed
    assert small.exit_code == 3 and small.skipped == 1
    assert small.records_in == small.processed + small.skipped + small.quarantined


def test_runner_resume_reuses_verified_work_and_redoes_damaged_outputs(dump, reference,
                                                                       tmp_path) -> None:
    out = tmp_path / "out"
    first = run_batch([dump[0]], out, jobs=2)
    again = run_batch([dump[0]], out, jobs=1, resume=True)
    assert again.tasks_run == 0 and again.tasks_reused == first.tasks_run
    claims = out / "csv" / "claims.csv"
    claims.write_bytes(claims.read_bytes()[:100])  # a damaged output does not survive
    fragment = next((out / ".argmap" / "results").iterdir()) / "claims.csv"
    fragment.write_bytes(b"")  # nor does a damaged fragment: its task runs again
    third = run_batch([dump[0]], out, jobs=2, resume=True)
    assert third.tasks_run == 1
    assert outputs(out) == outputs(reference)


def test_runner_resume_refuses_other_options_naming_them(dump, tmp_path) -> None:
    out = tmp_path / "out"
    run_batch([dump[0]], out, jobs=2)
    other = Options().with_overrides({"segment.min_claim_words": 6, "read.max_errors": 0.2})
    with pytest.raises(BatchRefused) as caught:
        run_batch([dump[0]], out, other, resume=True)
    assert caught.value.exit_code == 75
    assert "segment.min_claim_words" in str(caught.value)
    assert "read.max_errors" in str(caught.value)
    with pytest.raises(BatchRefused, match="run.maps"):
        run_batch([dump[0]], out, resume=True, maps="top:2")
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(dump[0].read_bytes())
    with pytest.raises(BatchRefused, match="copy.jsonl \\(added\\)"):
        run_batch([dump[0], copy], out, resume=True)


def test_runner_manifest_torn_tail_is_cut_garbage_and_foreign_are_refused(dump, reference,
                                                                          tmp_path) -> None:
    out = tmp_path / "out"
    run_batch([dump[0]], out, jobs=2)
    manifest = out / ".argmap" / "manifest.jsonl"
    good = manifest.read_bytes()
    lines = good.splitlines(keepends=True)
    manifest.write_bytes(b"".join(lines[:4]) + lines[4][:25])  # killed mid-append
    resumed = run_batch([dump[0]], out, jobs=2, resume=True)
    assert resumed.tasks_reused >= 1 and outputs(out) == outputs(reference)
    assert all(orjson.loads(line) for line in manifest.read_bytes().splitlines())
    manifest.write_bytes(lines[0] + b'{"type": "task", "name": "x"}\n' + b"".join(lines[1:]))
    with pytest.raises(BatchRefused, match=r"manifest.jsonl:2: damaged"):
        run_batch([dump[0]], out, resume=True)
    manifest.write_bytes(b"".join(lines[1:]))  # the header is gone
    with pytest.raises(BatchRefused, match="does not start with an argmap batch header"):
        run_batch([dump[0]], out, resume=True)
    with pytest.raises(BatchRefused):  # never silently restarted, with or without --resume
        run_batch([dump[0]], out)


def test_runner_refuses_a_second_run_on_a_locked_folder(dump, tmp_path) -> None:
    lock = OutdirLock(tmp_path / "out" / ".argmap")
    lock.acquire()
    try:
        with pytest.raises(BatchRefused) as caught:
            run_batch([dump[0]], tmp_path / "out")
        assert caught.value.exit_code == 75
        assert f"pid {__import__('os').getpid()}" in str(caught.value)
    finally:
        lock.release()


def test_runner_never_reads_its_own_output_folder(dump, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", dump[1])
    first = run_batch([corpus], corpus / "out", jobs=2)
    second = run_batch([corpus], corpus / "out", jobs=2)  # out/ now holds CSV and JSON files
    assert second.records_in == first.records_in == len(dump[1])
    with pytest.raises(Exception, match="inside the output folder") as caught:
        run_batch([corpus / "out" / "csv"], corpus / "out")
    assert caught.value.exit_code == 64  # type: ignore[attr-defined]


def test_runner_removes_orphan_temporary_files(dump, tmp_path) -> None:
    out = tmp_path / "out"
    run_batch([dump[0]], out, jobs=1)
    orphans = [out / "csv" / ".claims.csv.123.tmp", out / ".argmap" / "results" / ".x.tmp",
               out / ".corpus.sqlite.99.tmp"]
    for path in orphans:
        path.write_bytes(b"half")
    keep = out / "notes.tmp"  # not ours: left alone
    keep.write_bytes(b"mine")
    run_batch([dump[0]], out, jobs=1, resume=True)
    assert not any(p.exists() for p in orphans) and keep.exists()


def test_runner_compressed_dumps_give_the_same_tables(dump, reference, tmp_path) -> None:
    for kind in ("zst", "gz"):
        path = write_jsonl(tmp_path / f"RC_2023-11.{kind}", dump[1], compress=kind)
        run_batch([path], tmp_path / kind, jobs=2)
        for table in ("claims", "relations", "topics", "threads", "camps"):
            rows = csv_rows(tmp_path / kind, table)
            expected = csv_rows(reference, table)
            if table == "threads":
                rows = [r[:3] + r[4:] for r in rows]
                expected = [r[:3] + r[4:] for r in expected]
            assert rows == expected, (kind, table)


def test_runner_writes_maps_of_the_largest_threads_and_links_them(dump, tmp_path) -> None:
    options = Options().with_overrides({"export.formats": "json,summary"})
    report = run_batch([dump[0]], tmp_path / "out", options, jobs=2, maps="top:3")
    maps = sorted(p.name for p in (tmp_path / "out" / "maps").iterdir())
    assert len(maps) == 6 and sum(n.endswith(".json") for n in maps) == 3
    threads = sorted(csv_rows(tmp_path / "out", "threads"), key=lambda r: (-int(r[4]), r[0]))
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for row in threads[:3]:
        document = next(orjson.loads(p.read_bytes()) for p in (tmp_path / "out/maps").iterdir()
                        if p.suffix == ".json" and row[0].encode() in p.read_bytes())
        assert document
    assert html.count('href="maps/') >= 3
    assert any(p.name == "report.html" for p in report.outputs)


def test_runner_maps_all_and_top_share_maps_and_tables(dump, reference, tmp_path) -> None:
    """Tasks skip the key-point summaries unless they write every thread's map
    (``--maps all``): the tables are the same either way, and a map written by a task (with
    summaries, threads analysed together) is the one ``--maps top:N`` draws alone."""
    options = Options().with_overrides({"export.formats": "json"})
    run_batch([dump[0]], tmp_path / "all", options, jobs=2, maps="all")
    run_batch([dump[0]], tmp_path / "top", options, jobs=1, maps="top:3")
    for table in TABLES:
        name = f"csv/{table}.csv"
        assert (tmp_path / "all" / name).read_bytes() == (reference / name).read_bytes()
        assert (tmp_path / "top" / name).read_bytes() == (reference / name).read_bytes()
    top = sorted((tmp_path / "top" / "maps").iterdir())
    assert len(top) == 3
    every = {p.name: p.read_bytes() for p in (tmp_path / "all" / "maps").iterdir()}
    assert len(every) == len(csv_rows(reference, "threads"))
    for path in top:
        assert every[path.name] == path.read_bytes()
        assert orjson.loads(path.read_bytes())["analysis"]["summaries"]


def test_runner_readme_sql_runs_on_the_corpus_database(reference) -> None:
    from tests.support import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sql = readme.split("```sql\n", 1)[1].split("```", 1)[0]
    db = sqlite3.connect(reference / "corpus.sqlite")
    results = [db.execute(q).fetchall() for q in sql.split(";") if q.strip()]
    assert len(results) == 4 and all(results[:3])
    # post_relations: one row per reply, to the post it answers, as in the posts table
    pairs = db.execute("SELECT r.source, r.target, p.reply_to FROM post_relations r "
                       "JOIN posts p ON p.post_id = r.source").fetchall()
    assert pairs and all(target == reply_to for _, target, reply_to in pairs)
    assert db.execute("SELECT count(*) FROM post_relations").fetchone()[0] == len(pairs)
    contested = results[0]
    assert all(row[2] + row[3] >= 2 for row in contested)  # attacked and supported


def test_runner_reads_field_mapped_jsonl_and_document_formats_in_one_folder(tmp_path) -> None:
    """What `map` reads, batch reads: JSON Lines with --field mappings, a gzipped file, a
    Reddit thread JSON and a pasted text dump side by side; --single-post for text."""
    from tests.support import SEED

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [{"uid": f"u{i}", "msg": f"Cities should ban cars from the centre {i}. But shops "
             "need drivers who come from far away.", "parent": None if i % 5 == 0 else
             f"u{i - i % 5}", "conv": f"c{i // 5}", "who": f"a{i % 3}"} for i in range(25)]
    write_jsonl(corpus / "forum.jsonl", rows)
    write_jsonl(corpus / "forum-2.jsonl.gz", rows[:10], compress="gz")
    (corpus / "seed.txt").write_bytes(SEED.read_bytes())
    listing = {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
        "id": "abc", "title": "Should homework be banned?", "selftext": "It takes the time "
        "children need to play.", "author": "op", "created_utc": 1}}]}}
    comments = {"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {
        "id": "x1", "parent_id": "t3_abc", "body": "I disagree. Homework teaches discipline "
        "children will need.", "author": "b", "created_utc": 2}}]}}
    (corpus / "thread.json").write_bytes(orjson.dumps([listing, comments]))
    options = Options().with_overrides({"read.fields": "id=uid,text=msg,reply_to=parent,"
                                        "thread=conv,author=who", "read.single_post": True})
    report = run_batch([corpus], tmp_path / "out", options, jobs=2)
    assert report.exit_code == EX_OK and report.records_in == 25 + 10 + 1 + 2
    threads = {r[0]: int(r[4]) for r in csv_rows(tmp_path / "out", "threads")}
    assert threads["forum:c0"] == 5 and threads["forum-2.jsonl:c1"] == 5
    assert threads["reddit:abc"] == 2 and sum(threads.values()) == report.processed
    assert any(t.startswith("text:") and n == 1 for t, n in threads.items())  # --single-post


def test_runner_field_mapping_applies_to_a_reddit_shaped_dump(tmp_path) -> None:
    """A Reddit dump whose text field is renamed (`content`): `argmap batch --field
    text=content` skipped every record as missing its text (the Reddit reader ignored the
    mapping) and stopped over the error budget; now it maps the same threads as the dump with
    Reddit's own field names. (A comment comes first: the format is sniffed from line 1.)"""
    rows = reddit_dump(12, seed=5)
    first_comment = next(i for i, r in enumerate(rows) if "body" in r)
    rows.insert(0, rows.pop(first_comment))
    renamed = [{("content" if k in ("body", "selftext") else k): v for k, v in r.items()}
               for r in rows]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_jsonl(tmp_path / "a" / "RC.jsonl", rows)
    write_jsonl(tmp_path / "b" / "RC.jsonl", renamed)
    plain = run_cli("batch", str(tmp_path / "a" / "RC.jsonl"), "-o", str(tmp_path / "out-a"),
                    "-q", "--jobs", "1", "--tables", "csv")
    mapped = run_cli("batch", str(tmp_path / "b" / "RC.jsonl"), "--field", "text=content",
                     "-o", str(tmp_path / "out-b"), "-q", "--jobs", "2", "--tables", "csv")
    assert plain.returncode == mapped.returncode == EX_OK, mapped.stderr.decode()
    for table in ("posts", "claims", "relations", "threads"):
        keep = [i for i, name in enumerate(columns(table)) if name != "source" or
                table == "relations"]
        a, b = (csv_rows(tmp_path / out, table) for out in ("out-a", "out-b"))
        assert [[r[i] for i in keep] for r in b] == [[r[i] for i in keep] for r in a], table
    assert len(csv_rows(tmp_path / "out-b", "posts")) == len(rows)


def test_runner_folder_walk_lists_what_it_did_not_read_and_maps_the_rest(tmp_path) -> None:
    """A corpus folder as users have them: a symlink loop, a dangling link and a picture beside
    the threads. The threads are mapped; the picture and the dangling link are listed as left
    out (exit 3), the loop as noted (its files are read once), as `argmap map` does."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    write_jsonl(corpus / "sub" / "dump.jsonl", reddit_dump(3, seed=4))
    (corpus / "sub" / "up").symlink_to(corpus, target_is_directory=True)
    (corpus / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (corpus / "gone").symlink_to(corpus / "nowhere")
    report = run_batch([corpus], tmp_path / "out", jobs=1)
    assert report.exit_code == EX_PARTIAL and report.skipped == report.quarantined == 0
    assert report.processed == report.records_in > 0
    problems = {(Path(r[3]).name, r[1]) for r in csv_rows(tmp_path / "out", "problems")}
    assert ("picture.png", "left_out") in problems and ("gone", "left_out") in problems
    assert ("up", "noted") in problems
    messages = [r[2] for r in csv_rows(tmp_path / "out", "problems")]
    assert any(m.startswith("file skipped:") for m in messages)


def test_runner_quiet_batch_still_says_what_was_skipped(tmp_path) -> None:
    """`batch -q` with a malformed record exited 3 without a word, while its help (and `map -q`)
    promise "nothing but errors and what was skipped": the accounting line and where the
    problems are listed still come; a clean run stays silent."""
    path = write_jsonl(tmp_path / "RC.jsonl", reddit_dump(3, seed=4))
    clean = run_cli("batch", str(path), "-o", str(tmp_path / "clean"), "-q", "--jobs", "1",
                    "--tables", "csv")
    assert clean.returncode == EX_OK and clean.stderr == b""
    with path.open("ab") as handle:
        handle.write(b'{"id": "broken\n')
    dirty = run_cli("batch", str(path), "-o", str(tmp_path / "dirty"), "-q", "--jobs", "1",
                    "--tables", "csv")
    message = dirty.stderr.decode()
    assert dirty.returncode == 3, message
    assert "skipped 1" in message and "problems table" in message
