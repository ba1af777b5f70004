"""A thread's outputs through the API and the real CLI: nothing is lost to a broken or missing
``dot`` (JSON and summary always written, each missing map named, exit 3 or 69), a thread that
fails does not stop the next, and 3,000-post threads map with every output readable."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import stat
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest

from argmap.api import MapsNotDrawn, map_threads, thread_outputs, write_outputs
from argmap.errors import EX_PARTIAL, EX_UNAVAILABLE
from argmap.options import Options
from argmap.outputs import file_name
from argmap.readers import read_threads
from tests.builders import make_map
from tests.support import SEED, load_script, run_cli

REAL_DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(REAL_DOT is None, reason="Graphviz 'dot' not installed")
SVG = "{http://www.w3.org/2000/svg}"
FAKES = {
    "crash": "#!/bin/sh\ncat > /dev/null\nkill -SEGV $$\n",
    "hang": "#!/bin/sh\nexec sleep 60\n",
    "garbage": "#!/bin/sh\ncat > /dev/null\necho 'not an svg at all'\n",
    # fails on clusters only, so the simple layout (no clusters) gets drawn by the real dot
    "clusters": "#!/bin/sh\ninput=$(cat)\ncase \"$input\" in *'subgraph cluster_'*) "
                "echo 'Error: trouble in init_rank' >&2; exit 1;; esac\n"
                "printf '%s' \"$input\" | exec {real} \"$@\"\n",
}


def _fake_dot_env(tmp_path: Path, kind: str) -> dict[str, str]:
    folder = tmp_path / f"fake-{kind}"
    folder.mkdir()
    script = folder / "dot"
    script.write_text(FAKES[kind].replace("{real}", REAL_DOT or "false"))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{folder}:{os.environ['PATH']}"}


def _outputs(out: Path) -> dict[str, str]:
    """Output files by their suffix after the thread stem (".json", ".overview.svg", ...)."""
    return {p.name.split(".", 1)[1]: p.name for p in out.iterdir() if p.is_file()}


@pytest.mark.parametrize("kind, reason", [
    ("crash", "crashed (signal 11)"), ("garbage", "invalid SVG"), ("hang", "did not finish"),
])
def test_api_broken_dot_keeps_json_summary_and_html_and_names_each_map(tmp_path, kind, reason):
    out = tmp_path / "out"
    result = run_cli("map", str(SEED), "-o", str(out), "-q", "--export", "svg,html,json,summary",
                     "--set", "render.dot_timeout=1", "--set", "render.min_confidence=0",
                     env=_fake_dot_env(tmp_path, kind))
    stderr = result.stderr.decode()
    assert result.returncode == EX_PARTIAL, stderr
    files = _outputs(out)
    assert {"json", "summary.md", "html"} <= set(files) and not any(
        f.endswith("svg") for f in files)
    stem = files["json"].rsplit(".", 1)[0]
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 2, stderr
    assert lines[0].startswith("error: could not draw the main map of thread ") and (
        f"({stem}.svg)" in lines[0] and reason in lines[0])
    assert "the topic overview of thread" in lines[1] and f"({stem}.overview.svg)" in lines[1]
    assert "No map drawn: " in (out / files["html"]).read_text()
    document = orjson.loads((out / files["json"]).read_bytes())
    assert document["map"]["claims"]


@needs_dot
def test_api_a_map_dot_fails_on_is_drawn_again_in_the_simple_layout(tmp_path):
    out = tmp_path / "out"
    result = run_cli("map", str(SEED), "-o", str(out), "-q", "--export", "svg,json",
                     env=_fake_dot_env(tmp_path, "clusters"))
    assert result.returncode == 0, result.stderr.decode()
    svg = (out / _outputs(out)["svg"]).read_bytes()
    assert b"simplified: Graphviz failed on the full layout" in svg
    ET.fromstring(svg)


def test_api_batch_without_dot_still_writes_tables_json_and_summary(tmp_path):
    out = tmp_path / "out"
    env = {"PATH": str(tmp_path), "LOKY_MAX_CPU_COUNT": "1"}
    os.symlink(sys.executable, tmp_path / "python")
    result = run_cli("batch", str(SEED), "-o", str(out), "--jobs", "1", "--maps", "all",
                     "--export", "svg,json,summary", "--tables", "csv", "-q", env=env)
    assert result.returncode == EX_PARTIAL, result.stderr.decode()
    written = [p.name for p in (out / "maps").iterdir()]
    assert any(n.endswith(".json") for n in written) and any(n.endswith(".summary.md")
                                                              for n in written)
    assert not any(n.endswith(".svg") for n in written)
    assert (out / "csv" / "claims.csv").stat().st_size > 100  # the tables need no dot
    with open(out / "csv" / "problems.csv", newline="", encoding="utf-8") as handle:
        problems = list(csv.DictReader(handle))
    assert {p["code"] for p in problems} == {"dot_missing"}
    assert {p["action"] for p in problems} == {"left_out"}
    assert any("the main map" in p["message"] for p in problems)


def test_api_thread_outputs_reports_failures_and_never_raises(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot at all
    amap, analysis = make_map(40)
    options = Options().with_overrides({"export.formats": "svg,html,json,summary",
                                        "render.min_confidence": 0.0})
    produced = thread_outputs(amap, analysis, options)
    assert list(produced)[:2] == [".json", ".summary.md"]  # what needs no dot comes first
    assert ".html" in produced and ".svg" not in produced
    assert {f.key for f in produced.failures} >= {".svg", ".overview.svg"}
    assert all(f.missing_dot and "apt-get install graphviz" in f.reason for f in produced.failures)
    with pytest.raises(MapsNotDrawn) as caught:
        write_outputs(amap, analysis, tmp_path / "out", options, name="t")
    assert caught.value.exit_code == EX_UNAVAILABLE
    assert sorted(p.name for p in caught.value.written) == sorted(
        file_name("t", s) for s in (".html", ".json", ".summary.md"))
    assert f"Not drawn: {file_name('t', '.svg')}, {file_name('t', '.overview.svg')}" in str(
        caught.value)


def test_api_a_failing_thread_does_not_stop_the_next(tmp_path, monkeypatch):
    import argmap.api as api

    threads = read_threads([SEED], Options().read).threads
    base = threads[0]
    three = [dataclasses.replace(base, id=f"{base.id}-{k}",
                                 posts=tuple(dataclasses.replace(p, thread_id=f"{base.id}-{k}")
                                             for p in base.posts)) for k in "abc"]
    real_build = api.build_map

    def build(selected, options):
        if selected[0].id.endswith("-b"):
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        return real_build(selected, options)

    monkeypatch.setattr(api, "build_map", build)
    options = Options().with_overrides({"export.formats": "json,summary"})
    report = map_threads(three, tmp_path, options)
    names = sorted(p.name for p in report.outputs)
    assert names == sorted(file_name(f"{base.id}-{k}", s) for k in "ac"
                           for s in (".json", ".summary.md"))
    assert [item.thread_id for item in report.left_out] == [f"{base.id}-b"]
    assert report.left_out[0].message().startswith(f"thread {base.id}-b was not mapped: IndexError")
    assert report.exit_code == EX_PARTIAL


def test_api_threads_after_one_without_claims_are_still_mapped(tmp_path):
    """Through the CLI: a thread of "Thanks!" before a real one. Whether the first maps or
    fails (the stages' business), the second is written and any failure is named."""
    records = [{"id": "a1", "thread": "a", "text": "Thanks!"},
               {"id": "b1", "thread": "b", "text": "Rent control keeps tenants in their homes "
                "because landlords cannot raise rents at will."},
               {"id": "b2", "thread": "b", "reply_to": "b1", "text": "No, rent control shrinks "
                "the housing supply because landlords stop building new homes."}]
    source = tmp_path / "two.jsonl"
    source.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    out = tmp_path / "out"
    result = run_cli("map", str(source), "-o", str(out), "-q", "--export", "json,summary")
    assert result.returncode in {0, EX_PARTIAL}, result.stderr.decode()
    names = [p.name for p in out.iterdir()]
    assert any(re.search(r"\bb\b|:b", n) and n.endswith(".json") for n in names), names
    if result.returncode:
        assert "thread" in result.stderr.decode() and "was not mapped" in result.stderr.decode()


def _make_corpus():
    return load_script("benchmarks/make_corpus.py", "make_corpus")


@pytest.mark.slow
@needs_dot
@pytest.mark.parametrize("shape", ["heated", "balanced"])
def test_api_a_3000_post_thread_gives_every_output_readable(tmp_path, shape):
    """Issue 13: a 3,000-post heated thread exited 70 with nothing written (dot aborted on a
    1,403-edge overview); topic maps of another came out 3.3:1."""
    corpus = _make_corpus()
    source = tmp_path / f"{shape}.jsonl"
    corpus.write_corpus(corpus.build_thread(3000, shape, 0, corpus.offline_documents(0)), source)
    out = tmp_path / "out"
    result = run_cli("map", str(source), "-o", str(out), "-q",
                     "--export", "svg,html,json,summary")
    assert result.returncode == 0, result.stderr.decode()
    files = _outputs(out)
    assert {"json", "summary.md", "html", "svg", "overview.svg"} <= set(files)
    topic_maps = [f for f in files if f.startswith("topic-")]
    assert len(topic_maps) >= 10
    first_map = min((out / files[k]).stat().st_mtime_ns for k in files if k.endswith("svg"))
    assert (out / files["json"]).stat().st_mtime_ns <= first_map  # JSON and summary first
    assert (out / files["summary.md"]).stat().st_mtime_ns <= first_map
    for key, name in files.items():
        if not key.endswith("svg"):
            continue
        root = ET.fromstring((out / name).read_bytes())
        width, height = (float(root.get(a).removesuffix("pt")) for a in ("width", "height"))
        assert 1 / 3 <= width / height <= 3, (name, width, height)
    overview = ET.fromstring((out / files["overview.svg"]).read_bytes())
    links = [g for g in overview.iter(f"{SVG}g") if (g.get("id") or "").startswith("link-")]
    assert 10 <= len(links) <= 100
    assert all(any(e.tag == f"{SVG}polygon" for e in g.iter()) for g in links)  # arrowheads
    titles = {t.text for t in overview.iter(f"{SVG}title")}
    assert "cluster_legend" in titles
    # who disagrees with whom (issue 15): in the report, the summary and on the maps' edges
    replies = len(orjson.loads((out / files["json"]).read_bytes())["map"]["post_relations"])
    assert replies == 2999
    assert f"Who disagrees with whom ({replies} replies)" in (out / files["html"]).read_text()
    assert "## Disagreements between posts" in (out / files["summary.md"]).read_text()
    if shape == "heated":
        assert any(b"reply: disagrees" in (out / name).read_bytes() for key, name in files.items()
                   if key.endswith("svg"))
