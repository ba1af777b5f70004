"""A mapping task: a record whose mapping raises is found by bisection and quarantined, the
rest of its thread mapped; the report summaries of two halves merge into those of the whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.corpus import plan, quarantine, tasks, thread_map
from argmap.corpus.quarantine import bisect
from argmap.corpus.spill import Entry
from argmap.corpus.task_summary import Summary
from argmap.model import Post


def _entries(n: int) -> list[Entry]:
    return [Entry("t", Post(f"p{i}", "t", f"text {i}")) for i in range(n)]


def test_tasks_bisect_finds_the_one_record_that_fails() -> None:
    entries = _entries(37)
    for bad in (0, 17, 36):
        calls: list[frozenset[str]] = []

        def fails(keep: frozenset[str], bad: int = bad, calls: list = calls) -> bool:
            calls.append(keep)
            return f"p{bad}" in keep

        assert bisect(entries, frozenset(), fails).post.id == f"p{bad}"
        assert len(calls) <= 6  # log2(37) probes, not one per record
    assert bisect(entries, frozenset({"p3"}), lambda keep: "p4" in keep).post.id == "p4"


def test_tasks_a_record_whose_mapping_raises_is_quarantined(dump, tmp_path, monkeypatch) -> None:
    original = thread_map.map_thread
    poison = "reddit:t1_c0007x002"

    def breaking(thread, *args, **kwargs):
        if any(p.id == poison for p in thread.posts):
            raise ValueError("a bug this record triggers")
        return original(thread, *args, **kwargs)

    monkeypatch.setattr(quarantine, "map_thread", breaking)
    from argmap.corpus import run_batch as batch

    report = batch([dump[0]], tmp_path / "out", jobs=1)
    assert report.quarantined == 1 and report.exit_code == 3
    assert report.processed + report.quarantined == report.records_in
    problems = (tmp_path / "out" / "csv" / "problems.csv").read_text(encoding="utf-8")
    assert poison in problems and "ValueError: a bug this record triggers" in problems


def test_tasks_summaries_of_parts_merge_into_the_summary_of_the_whole() -> None:
    rows = []
    for t in range(30):
        thread = (f"t{t:02d}", f"title {t}", None, "f", 3 + t % 7, 2, 5, 4, t % 5, 4 - t % 5,
                  t % 3, 1, 0.0, 1.0)
        claims = [(f"t{t:02d}/c{k}", "p", f"t{t:02d}", "a", f"x{k % 4}", 0.1 * ((t + k) % 9),
                   "claim", 0, 5, 0.1, "in", k % 2 == 0, False, (t + k) % 4, k % 3,
                   f"claim {t} {k}") for k in range(6)]
        rows.append({"threads": [thread], "claims": claims})
    whole = Summary(5)
    for r in rows:
        whole.add(r)
    halves = [Summary(5), Summary(5)]
    for n, r in enumerate(rows):
        halves[n % 2].add(r)
    merged = plan.merge_summaries([h.to_dict() for h in halves], 5)
    assert merged == plan.merge_summaries([whole.to_dict()], 5)


@settings(max_examples=60, deadline=None)
@given(claims=st.lists(st.tuples(st.sampled_from(["x0", "x1", "other"]),
                                 st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, -0.5]),
                                 st.text("ab\u00e9/c0", min_size=1, max_size=4)),
                       max_size=400))
def test_tasks_summary_typical_claims_are_the_top_by_similarity_then_smallest_id(claims
                                                                                ) -> None:
    """Each topic's typical claims: the ``REPORT_TOP`` highest similarities, ties by the
    smallest id, in that order (the heap turns most claims away before making their key)."""
    summary = Summary(5)
    rows = [(cid, "p", "t", "a", topic, sim, "claim", 0, 1, 0.0, "in", False, False, 0, 0,
             f"text {cid}") for topic, sim, cid in claims]
    summary.add({"threads": [("t", None, None, "f", 1, 1, len(rows), 0, 0, 0, 0, 0, None,
                              None)], "claims": rows})
    typical = summary.to_dict()["typical"]
    for topic in {topic for topic, _, _ in claims}:
        mine = sorted(((sim, cid) for t, sim, cid in claims if t == topic),
                      key=lambda item: (-item[0], item[1]))[:tasks.REPORT_TOP]
        assert [(s, c) for c, _text, s in typical[topic]] == mine


def test_tasks_an_unwritable_map_output_is_left_out_and_the_run_goes_on(tmp_path) -> None:
    """``batch --maps all`` with a folder where one thread's JSON goes (the same happens on a
    full disk or without permission): the other maps, that thread's summary and the tables are
    written, the output is listed in the problems (file, reason) and the run exits 3, saying
    so even with -q. Before, the whole run stopped with exit 74."""
    from argmap.files import safe_filename
    from tests.corpus.dumps import reddit_dump, write_jsonl
    from tests.corpus.test_runner import csv_rows
    from tests.support import run_cli

    dump = write_jsonl(tmp_path / "RC.jsonl", reddit_dump(4, seed=3))
    out = tmp_path / "out"
    blocked = safe_filename("reddit:l0001", suffix=".json")
    (out / "maps" / blocked).mkdir(parents=True)
    result = run_cli("batch", str(dump), "-o", str(out), "--maps", "all", "--export",
                     "json,summary", "--jobs", "1", "-q")
    assert result.returncode == 3, result.stderr
    assert b"1 problem listed in the problems table" in result.stderr
    maps = sorted(p.name for p in (out / "maps").iterdir() if p.is_file())
    assert len(maps) == 7 and blocked.replace(".json", ".summary.md") in maps
    rows = [r for r in csv_rows(out, "problems") if r[0] == "output_not_written"]
    assert rows == [["output_not_written", "left_out",
                     f"could not write maps/{blocked} of thread reddit:l0001: Is a directory",
                     f"maps/{blocked}", "0", "", "", "reddit:l0001"]]
    assert len(csv_rows(out, "threads")) == 4
    # a file where the maps folder goes: every output listed, the reason naming that file
    other = tmp_path / "other"
    other.mkdir()
    (other / "maps").write_bytes(b"")
    result = run_cli("batch", str(dump), "-o", str(other), "--maps", "all", "--export", "json",
                     "--jobs", "1", "-q")
    assert result.returncode == 3, result.stderr
    rows = csv_rows(other, "problems")
    assert len(rows) == 4 and all(r[0] == "output_not_written" and
                                  r[2].endswith(": File exists: maps") for r in rows)
