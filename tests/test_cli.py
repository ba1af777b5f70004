"""The argmap command as a real subprocess: outputs on disk, messages, exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from argmap.errors import EX_DATAERR, EX_NOINPUT, EX_PARTIAL
from tests.support import SEED, run_cli


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
    again = run_cli("batch", str(corpus), "-o", str(out), "--resume", "--export", "json")
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


def test_cli_missing_dot_fails_fast_with_install_advice(tmp_path):
    import os
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")
    out = tmp_path / "out"
    result = run_cli("map", str(SEED), "-o", str(out), env={"PATH": str(bin_dir)})
    assert result.returncode == 69
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "install graphviz" in lines[0]
    assert not out.exists()
    # formats that need no Graphviz still work without it
    json_only = run_cli("map", str(SEED), "-o", str(out), "--export", "json,dot", env={"PATH": str(bin_dir)})
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
