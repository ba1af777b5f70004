"""The argmap command as a real subprocess: outputs on disk, messages, exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from argmap.errors import EX_DATAERR, EX_NOINPUT, EX_PARTIAL, EX_USAGE
from argmap.options import EXPORT_FORMATS, READ_FORMATS
from tests.support import CORPORA, OUTPUTS, REPO, SEED, run_cli


def test_cli_version_and_help():
    version = run_cli("--version")
    assert version.returncode == 0
    assert version.stdout.decode().startswith("argmap ")
    helptext = run_cli("--help").stdout.decode()
    for command in ("map", "demo", "eval", "train", "inspect"):
        assert command in helptext
    # option help is rendered as rich markup: bracketed words must survive it
    for command in ("map", "batch"):
        shown = run_cli(command, "--help").stdout.decode()
        assert "[read]" in shown and "[segment]" in shown


def test_cli_help_names_what_is_expected_not_python_types():
    usage = {"map": "Usage: argmap map [OPTIONS] FILE...", "batch": "Usage: argmap batch [OPTIONS] PATH...",
             "inspect": "Usage: argmap inspect [OPTIONS] FILE...", "eval": "Usage: argmap eval [OPTIONS] FILE...",
             "train": "Usage: argmap train [OPTIONS] FILE...", "demo": "Usage: argmap demo [OPTIONS]"}
    for command, line in usage.items():
        shown = run_cli(command, "--help").stdout.decode()
        assert line in shown, shown
        for python_type in ("<bool>", "<str>", "<int>", "<path>", "<list[", "{inputs}", "{files}", "<Path"):
            assert python_type not in shown, (command, python_type)
    mapping = " ".join(run_cli("map", "--help").stdout.decode().split())
    for metavar in ("FILE...", "DIR", "FORMAT", "NAME=FIELD", "FORMAT,...", "KEY=VALUE", "N"):
        assert f" {metavar} " in mapping, metavar
    for name in READ_FORMATS:  # --from lists its choices
        assert name in mapping
    for name in EXPORT_FORMATS:
        assert name in mapping
    assert "<bool>" not in run_cli("--help").stdout.decode()


def test_cli_bad_option_values_exit_64_listing_every_valid_value(tmp_path):
    cases = [
        (("map", str(SEED), "--from", "nonsense"), READ_FORMATS),
        (("map", str(SEED), "--export", "svg,bogus"), EXPORT_FORMATS),
        (("batch", str(SEED), "--scheduler", "bogus"), ("local", "dask")),
        (("batch", str(SEED), "--memory", "lots"), ("6G", "4000M", "auto")),
        (("eval", str(SEED), "--task", "bogus"), ("segmentation", "relations", "stance", "topics")),
        (("inspect", str(SEED), "--from", "nope"), READ_FORMATS),
    ]
    for args, valid in cases:
        out = tmp_path / f"o{len(args)}{args[0]}"
        result = run_cli(*args, "-o", str(out)) if args[0] in ("map", "batch") else run_cli(*args)
        stderr = result.stderr.decode()
        assert result.returncode == EX_USAGE, (args, stderr)
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in stderr
        for value in valid:
            assert value in lines[0], (args, value)
        assert not out.exists() or not any(out.rglob("*.json"))


def test_cli_map_writes_svg_summary_json_and_announces_each(tmp_path):
    out = tmp_path / "out"
    result = run_cli("map", str(SEED), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    written = sorted(p.name for p in out.iterdir())
    assert any(n.endswith(".svg") for n in written)
    assert any(n.endswith(".json") for n in written)
    assert any(n.endswith(".summary.md") for n in written)
    stderr = result.stderr.decode()
    for name in written:
        assert name in stderr
    svg = next(p for p in out.iterdir() if p.name.endswith(".svg"))
    root = ET.fromstring(svg.read_bytes())
    assert root.tag.endswith("svg")
    data = json.loads(next(p for p in out.iterdir() if p.name.endswith(".json")).read_bytes())
    assert data["map"]["claims"] and data["map"]["relations"]


def test_cli_missing_input_is_one_line_and_exit_66(tmp_path):
    result = run_cli("map", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o"))
    assert result.returncode == EX_NOINPUT
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "nope.jsonl" in lines[0] and lines[0].startswith("error:")
    assert not (tmp_path / "o").exists()


def test_cli_empty_input_is_a_data_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = run_cli("map", str(empty), "-o", str(tmp_path / "o"))
    assert result.returncode == EX_DATAERR
    assert "empty.jsonl" in result.stderr.decode()
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_cli_bad_record_is_skipped_reported_and_rest_mapped(tmp_path):
    good = [
        {"id": str(i), "reply_to": None if i == 0 else "0", "author": f"u{i % 3}",
         "text": f"Point number {i} is that public transport should be free because cars pollute cities."}
        for i in range(8)
    ]
    lines = [json.dumps(r) for r in good]
    lines.insert(4, '{"id": "broken", "text": ')
    source = tmp_path / "thread.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "o"
    result = run_cli("map", str(source), "-o", str(out), "--set", "read.max_errors=0.5")
    assert result.returncode == EX_PARTIAL, result.stderr.decode()
    assert "thread.jsonl:5" in result.stderr.decode()
    data = json.loads(next(p for p in out.iterdir() if p.name.endswith(".json")).read_bytes())
    assert len([p for t in data["map"]["threads"] for p in t["posts"]]) == 8
    strict = run_cli("map", str(source), "-o", str(tmp_path / "o2"), "--strict")
    assert strict.returncode == EX_DATAERR


def test_cli_bad_option_names_the_key(tmp_path):
    result = run_cli("map", str(SEED), "-o", str(tmp_path), "--set", "cluster.max_topics=lots")
    assert result.returncode == 64
    assert "cluster.max_topics" in result.stderr.decode()


def test_cli_python_dash_m_and_console_script_agree():
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    script = shutil.which("argmap") or str(Path(sys.executable).parent / "argmap")
    console = subprocess.run([script, "--version"], capture_output=True)
    assert console.returncode == 0
    assert console.stdout == run_cli("--version").stdout


def _write_thread(path, prefix):
    records = [
        {"id": f"{prefix}-{j}", "reply_to": None if j == 0 else f"{prefix}-0", "author": f"a{j % 2}",
         "text": f"Cities should ban cars in the centre because pollution harms children {j}. "
                 "But shops depend on drivers who come from far away."}
        for j in range(5)
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")


def test_cli_batch_maps_a_folder_resumes_and_refuses_changed_options(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        _write_thread(corpus / f"t{i}.jsonl", f"t{i}")
    out = tmp_path / "out"
    first = run_cli("batch", str(corpus), "-o", str(out), "--jobs", "2", "--export", "json")
    assert first.returncode == 0, first.stderr.decode()
    assert "records in 15 = processed 15 + skipped 0 + quarantined 0" in first.stderr.decode()
    produced = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()
                      and ".argmap" not in p.parts)
    assert {"corpus.sqlite", "report.html", "csv/claims.csv"} <= {p.as_posix() for p in produced}
    before = {p: (out / p).read_bytes() for p in produced}
    again = run_cli("batch", str(corpus), "-o", str(out), "--resume", "--export", "json",
                    "--memory", "2G")  # how much memory the workers get changes no output
    assert again.returncode == 0
    assert "already done" in again.stderr.decode()
    assert {p: (out / p).read_bytes() for p in produced} == before
    changed = run_cli("batch", str(corpus), "-o", str(out), "--resume", "--export", "json,summary")
    assert changed.returncode == 75
    assert "export.formats" in changed.stderr.decode()


def test_cli_terminal_output_neutralises_ansi_and_markup_from_input(tmp_path):
    hostile = tmp_path / "evil\x1b[31mname.jsonl"
    hostile.write_text('{"id": "1", "text": "fine text about cars and cities and pollution."}\n{"id": "\\u001b[2J[bold]x[/bold]", "text": 5}\n')
    result = run_cli("inspect", str(hostile))
    stderr = result.stderr.decode()
    stdout = result.stdout.decode()
    assert "\x1b" not in stderr and "\x1b" not in stdout
    assert "name.jsonl:2" in stderr  # the skipped record is reported, with its path made inert


def test_cli_big_thread_gets_overview_and_per_topic_maps(tmp_path):
    out = tmp_path / "out"
    result = run_cli("map", str(SEED), "-o", str(out), "--export", "svg",
                     "--set", "render.max_claims_per_map=20")
    assert result.returncode == 0, result.stderr.decode()
    names = sorted(p.name for p in out.iterdir())
    topic_maps = [n for n in names if ".topic-t" in n]
    assert any(n.endswith(".overview.svg") for n in names)
    assert len(topic_maps) >= 3
    for name in topic_maps:
        root = ET.fromstring((out / name).read_bytes())
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        assert titles  # a real drawing with nodes
    small = run_cli("map", str(SEED), "-o", str(tmp_path / "small"), "--export", "svg")
    assert small.returncode == 0
    assert not [p for p in (tmp_path / "small").iterdir() if ".topic-t" in p.name]


def test_cli_map_reads_standard_input_deterministically(tmp_path):
    data = SEED.read_bytes()
    outs = []
    for n in range(2):
        out = tmp_path / f"o{n}"
        result = run_cli("map", "-", "-o", str(out), "--export", "json", stdin=data)
        assert result.returncode == 0, result.stderr.decode()
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]
    document = json.loads(next(iter(outs[0].values())))
    paths = {p["source"]["path"] for t in document["map"]["threads"] for p in t["posts"]}
    assert paths == {"-"}


def test_cli_missing_dot_writes_the_rest_and_names_the_missing_maps(tmp_path):
    """Agreed scheme (issue 13): without dot the JSON and summary are still written; exit 69
    and one error line naming the install command and the maps that were not drawn."""
    import os
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")
    out = tmp_path / "out"
    no_dot = {"PATH": str(bin_dir), "LOKY_MAX_CPU_COUNT": "1"}  # loky runs lscpu otherwise
    result = run_cli("map", str(SEED), "-o", str(out), "-q", env=no_dot)
    assert result.returncode == 69
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "install graphviz" in lines[0]
    written = sorted(p.name for p in out.iterdir())
    stem = written[0].split(".")[0]
    assert written == [f"{stem}.json", f"{stem}.summary.md"]
    assert f"{stem}.svg" in lines[0] and f"{stem}.overview.svg" in lines[0]
    # formats that need no Graphviz work without it and exit 0
    json_only = run_cli("map", str(SEED), "-o", str(out), "--export", "json,dot", env=no_dot)
    assert json_only.returncode == 0, json_only.stderr.decode()


def test_cli_html_report_embeds_the_topic_overview_linking_to_topic_sections(tmp_path):
    import re

    out = tmp_path / "out"
    result = run_cli("map", str(SEED), "-o", str(out), "--export", "html")
    assert result.returncode == 0, result.stderr.decode()
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    overview = html[html.index('<div id="overview">'):]
    overview = overview[: overview.index("</svg>")]
    targets = re.findall(r'xlink:href="([^"]+)"', overview)
    assert targets and all(t.startswith("#topic-") for t in targets)
    for target in set(targets):
        assert f'id="{target[1:]}"' in html  # every overview node jumps to its topic section


def test_cli_usage_errors_exit_2_without_traceback(tmp_path):
    for args in (("map", "--bogus"), ("map",), ("nosuchcommand",)):
        result = run_cli(*args)
        stderr = result.stderr.decode()
        assert result.returncode == 2, (args, stderr)
        assert "Traceback" not in stderr and stderr.strip()


def test_cli_full_disk_on_stdout_is_one_line_and_exit_74():
    with open("/dev/full", "wb") as full:
        import subprocess
        import sys

        result = subprocess.run(
            [sys.executable, "-m", "argmap", "inspect", str(SEED), "--json"],
            stdout=full, stderr=subprocess.PIPE, timeout=120,
        )
    assert result.returncode == 74
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "No space left" in lines[0]


def _jsonl_thread(path, n=7, bad_at=None):
    rows = [json.dumps({"id": str(i), "reply_to": None if i == 0 else "0", "author": f"u{i % 3}",
                        "text": f"Point {i}: public transport should be free because cars pollute cities."})
            for i in range(n)]
    if bad_at is not None:
        rows.insert(bad_at, '{"id": "broken", "text": ')
    path.write_text("\n".join(rows) + "\n")
    return path


def test_cli_records_in_equals_mapped_plus_skipped_with_line_and_byte_offset(tmp_path):
    source = _jsonl_thread(tmp_path / "small.jsonl", n=6, bad_at=3)  # 1 bad line in 7 records
    out = tmp_path / "out"
    result = run_cli("map", str(source), "-o", str(out), "--export", "json,summary")
    stderr = result.stderr.decode()
    assert result.returncode == EX_PARTIAL, stderr  # skipped and reported, not a failed run
    offset = source.read_bytes().index(b'{"id": "broken"')
    assert f"small.jsonl:4 (byte {offset:,}): invalid JSON" in stderr
    assert "7 records read = 6 mapped + 1 skipped" in stderr
    assert "1 thread, " in stderr and "1 threads" not in stderr
    assert any(p.name.endswith(".json") for p in out.iterdir())


def test_cli_error_budget_exceeded_exits_65_and_writes_nothing(tmp_path):
    source = tmp_path / "broken.jsonl"
    good = [json.dumps({"id": i, "text": f"Cars pollute the air in city {i}."}) for i in range(80)]
    source.write_text("\n".join(good + ["{bad"] * 20) + "\n")  # 20 of 100: over max(10, 1 %)
    out = tmp_path / "out"
    result = run_cli("map", str(source), "-o", str(out), "--export", "json")
    stderr = result.stderr.decode()
    assert result.returncode == EX_DATAERR, stderr
    assert "broken.jsonl:81" in stderr and "skipped 20 of 100 records" in stderr
    assert "read.max_errors_min=10" in stderr and not out.exists()


def test_cli_truncated_zst_dump_is_reported_and_what_was_read_is_mapped(tmp_path):
    import zstandard

    rows = [json.dumps({"id": f"c{i}", "link_id": "t3_x", "parent_id": "t3_x", "author": f"u{i % 4}",
                        "subreddit": "test", "created_utc": 1000 + i,
                        "body": f"Comment {i} says buses beat cars {i * 7919 % 1000} times."})
            for i in range(400)]
    compressor = zstandard.ZstdCompressor()
    first = compressor.compress(("\n".join(rows[:200]) + "\n").encode())
    second = compressor.compress(("\n".join(rows[200:]) + "\n").encode())
    dump = tmp_path / "RC_cut.zst"
    dump.write_bytes(first + second[: len(second) // 2])  # cut inside the second frame
    out = tmp_path / "out"
    result = run_cli("map", str(dump), "-o", str(out), "--export", "json")
    stderr = result.stderr.decode()
    assert result.returncode == EX_PARTIAL, stderr
    assert "zstd data is truncated" in stderr and "records read before it" in stderr
    kept = int(stderr.split("kept the ")[1].split(" records")[0].replace(",", ""))
    assert 200 <= kept < 400  # the whole first frame, and what of the second could be decoded
    counts = stderr.split(" records read = ")
    read_in = int(counts[0].rsplit("\n", 1)[-1].replace(",", ""))
    mapped, skipped = (int(x.replace(",", "")) for x in counts[1].split(" skipped")[0].split(" mapped + "))
    assert mapped == kept and read_in == mapped + skipped
    document = json.loads(next(out.glob("*.json")).read_bytes())
    assert sum(len(t["posts"]) for t in document["map"]["threads"]) == kept


def test_cli_hn_subtree_is_complete_not_a_skip(tmp_path):
    tree = {"id": 17, "type": "comment", "author": "a", "parent_id": 15, "created_at_i": 1,
            "text": "<p>Cities should ban cars because pollution harms children.</p>",
            "children": [{"id": 18, "type": "comment", "author": "b", "parent_id": 17,
                          "created_at_i": 2, "text": "I disagree, shops need drivers from far away.",
                          "children": []}]}
    source = tmp_path / "item17.json"
    source.write_text(json.dumps(tree))
    result = run_cli("map", str(source), "-o", str(tmp_path / "out"), "--export", "json")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr  # was 3, "records skipped", with nothing skipped
    assert "2 records read = 2 mapped + 0 skipped" in stderr
    assert "repaired, nothing lost" in stderr and "partial_thread" in stderr


def test_cli_closed_stdout_pipe_exits_141_without_a_traceback(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "thread": i, "text": "x" * 40})
                                for i in range(20_000)) + "\n")
    for extra in (("--json",), ()):
        process = subprocess.Popen([sys.executable, "-m", "argmap", "inspect", str(source), *extra],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # the reader goes away before argmap writes
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 141, stderr.decode()
        assert b"Traceback" not in stderr and b"Broken pipe" not in stderr


def test_cli_sigint_says_interrupted_and_counts_what_was_written(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "dot-started"
    fake_dot = bin_dir / "dot"
    fake_dot.write_text(f"#!/bin/sh\ntouch {marker}\nexec sleep 600\n")  # a dot that hangs
    fake_dot.chmod(0o755)
    env = {**os.environ, "NO_COLOR": "1", "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "argmap", "map", str(SEED), "-o", str(out),
                                "--export", "json,summary,svg"], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert marker.exists(), process.stderr.read().decode() if process.poll() is not None else ""
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    text = stderr.decode()
    assert process.returncode == 130, text
    assert "Traceback" not in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("interrupted:"), text
    written = text.count("wrote ")
    assert (f"{written} file" in last) if written else "no output was written" in last
    assert len(list(out.glob("*"))) == written if out.exists() else written == 0


def test_cli_demo_works_outside_the_repository(tmp_path):
    from argmap.cli import packaged_corpora

    for original in CORPORA.glob("*.txt"):  # the shipped copies are the repository's files
        assert (packaged_corpora() / original.name).read_bytes() == original.read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("demo", "-o", "maps", "-q", cwd=elsewhere)
    assert result.returncode == 0, result.stderr.decode()
    made = sorted(p.name for p in (elsewhere / "maps").iterdir())
    assert made == sorted(p.name for p in OUTPUTS.iterdir())
    for name in made:
        if name.endswith(".dot"):  # the drawing input is the committed one
            assert (elsewhere / "maps" / name).read_bytes() == (OUTPUTS / name).read_bytes()
    missing = run_cli("demo", "--corpora", str(tmp_path / "none"), "-o", str(tmp_path / "x"))
    assert missing.returncode == EX_NOINPUT and "demo corpora" in missing.stderr.decode()


def test_cli_unreachable_dask_scheduler_exits_69_saying_so(tmp_path):
    import socket

    pytest.importorskip("distributed")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _jsonl_thread(corpus / "t.jsonl")
    result = run_cli("batch", str(corpus), "-o", str(tmp_path / "out"), "--scheduler", "dask",
                     "--address", f"tcp://127.0.0.1:{port}", "--export", "json",
                     env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    stderr = result.stderr.decode()
    assert result.returncode == 69, stderr
    assert "cannot reach the Dask scheduler" in stderr and "cannot write output" not in stderr
    assert "Traceback" not in stderr


def test_cli_inspect_reads_stdin_and_shows_each_file_format(tmp_path):
    import gzip

    packed = gzip.compress(_jsonl_thread(tmp_path / "t.jsonl").read_bytes())
    text = tmp_path / "notes.txt"
    text.write_text("Cities should ban cars because pollution harms children.\n")
    result = run_cli("inspect", "-", str(text), "--json", stdin=packed)
    assert result.returncode == 0, result.stderr.decode()
    info = json.loads(result.stdout)
    assert [(f["path"], f["format"], f["codec"], f["records"]) for f in info["files"]] == [
        ("-", "jsonl", "gzip", 7), (str(text), "text", None, 1)]
    table = run_cli("inspect", "-", stdin=packed).stdout.decode()
    assert "jsonl" in table and "gzip" in table and "no such file" not in table


def test_cli_inspect_exit_codes_follow_map(tmp_path):
    skipped = run_cli("inspect", str(_jsonl_thread(tmp_path / "a.jsonl", bad_at=2)))
    assert skipped.returncode == EX_PARTIAL
    assert "a.jsonl:3" in skipped.stderr.decode()
    broken = tmp_path / "b.jsonl"
    broken.write_text("\n".join(["{bad"] * 30 + [json.dumps({"id": 1, "text": "one post"})]) + "\n")
    over = run_cli("inspect", str(broken), "--json")
    assert over.returncode == EX_DATAERR
    assert len(json.loads(over.stdout)["problems"]) == 30  # everything shown before judging


def test_cli_folder_with_a_symlink_loop_and_a_picture_maps_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    _jsonl_thread(corpus / "sub" / "t.jsonl")
    (corpus / "sub" / "up").symlink_to(corpus, target_is_directory=True)
    (corpus / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (corpus / "loop").symlink_to(corpus / "loop")
    out = tmp_path / "out"
    mapped = run_cli("map", str(corpus), "-o", str(out), "--export", "json")
    stderr = mapped.stderr.decode()
    assert mapped.returncode == EX_PARTIAL, stderr
    assert "picture.png: file skipped" in stderr and "loop: symbolic link" in stderr
    assert "symlink_loop" in stderr and "Traceback" not in stderr
    assert len(list(out.glob("*.json"))) == 1
    batch = run_cli("batch", str(corpus), "-o", str(tmp_path / "bout"), "--export", "json")
    assert "Traceback" not in batch.stderr.decode()
    assert batch.returncode in (0, EX_PARTIAL), batch.stderr.decode()


def test_cli_every_exit_code_is_documented_in_the_readme():
    from argmap import errors
    from argmap.cli import EX_INTERRUPTED
    from argmap.cli_output import EX_PIPE

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Exit codes"):]
    section = section[: section.index("\n## ", 5)]
    codes = {errors.EX_OK, 2, errors.EX_PARTIAL, errors.EX_USAGE, errors.EX_DATAERR,
             errors.EX_NOINPUT, errors.EX_UNAVAILABLE, errors.EX_CANTCREAT, errors.EX_IOERR,
             errors.EX_TEMPFAIL, EX_INTERRUPTED, EX_PIPE}
    for code in codes:
        assert f"| {code} |" in section, code


def test_cli_output_that_cannot_be_created_exits_73(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("map", str(SEED), "-o", str(blocker / "out"), "--export", "json")
    stderr = result.stderr.decode()
    assert result.returncode == 73, stderr
    assert stderr.startswith("error: cannot create") and "Traceback" not in stderr


def test_cli_help_imports_no_pipeline_stage() -> None:
    """`argmap --help` and a subcommand's help load the CLI without NLTK, scikit-learn, scipy
    or networkx (they cost ~2 s of imports a command that maps pays anyway)."""
    import subprocess
    import sys

    probe = ("import sys, argmap.cli; "
             "print(sorted(m for m in ('nltk', 'sklearn', 'scipy', 'networkx') "
             "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
