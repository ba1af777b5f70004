"""Contract tests over every exporter, plus each format's own round trip on hostile text."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.analysis import analyse
from argmap.errors import MissingDependency, OptionsError
from argmap.exports import EXPORTERS, export_map
from argmap.exports.aif import to_aif_dict
from argmap.exports.argdown import NO_TOPIC, one_line, parse_argdown
from argmap.exports.graphml import safe_graph, xml_safe
from argmap.exports.tables import SCHEMAS, table_rows
from argmap.files import safe_filename, write_atomic
from argmap.model import (
    ArgumentMap,
    Claim,
    Evidence,
    EvidenceKind,
    Post,
    Relation,
    SourceRef,
    Stance,
    Thread,
    Topic,
)
from argmap.options import AnalyseOptions, ExportOptions

NASTY = [
    "=HYPERLINK(\"https://evil.example\",\"x\")", "@SUM(A1:A9)", "+1", "-2h", "\tx", "\rx",
    "</script><script>alert(1)</script>", "a\x00b\x07c\x1b[31m", "\ufffe\uffff", "lone \ud800",
    "[title]: fake\n  <+ [c0]\n\n# heading", "<arg> #tag @[m] {a: b} // c /* d */ :happy:",
    "trailing backslash \\", "line\r\nbreaks\u2028and\u2029more", "\u202eevil\u202c", "",
    "   ", "\\N \\G \\l", 'quote " and \' and & and ]]>', "x" * 3000,
]
hostile_text = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=60).map(lambda b: b.decode("utf-8", "replace")),
    st.sampled_from(NASTY),
)


def build_map(texts: list[str]) -> ArgumentMap:
    """One post and one claim per text; every text is also used in ids, authors, labels."""
    posts, claims = [], []
    for i, text in enumerate(texts):
        pid = f"src:{i}:{text[:20]}"
        posts.append(
            Post(pid, "thread", text, author=text[:12] or None, reply_to=posts[-1].id if posts else None,
                 created=1_700_000_000.0 + i, source=SourceRef("in.jsonl", i + 1, i + 1, "https://e.org/x"),
                 title=text[:10], flags=("edited",) if i % 2 else ())
        )
        claims.append(Claim(f"{pid}/c0", pid, 0, len(text), text))
    relations = tuple(
        Relation(claims[i].id, claims[i - 1].id, Stance.ATTACK if i % 2 else Stance.SUPPORT,
                 0.5 + i / 100, (Evidence(EvidenceKind.CONNECTIVE, texts[i][:15], 0.5),))
        for i in range(1, len(claims))
    )
    half = len(claims) // 2
    topics = (
        Topic("t00", texts[0][:30], tuple(t[:8] for t in texts[:2]), tuple(c.id for c in claims[:half])),
        Topic("other", "other", (), tuple(c.id for c in claims[half:]), is_other=True),
    )
    return ArgumentMap((Thread("thread", texts[0], tuple(posts)),), tuple(claims), (), topics, relations)


def analysed(amap: ArgumentMap):
    return analyse(amap, AnalyseOptions(summary_size=0))


CALM = build_map(["Taxes should rise.", "No, growth matters more.", "Growth is overrated.",
                  "=1+1 is not a formula here", "Schools need money."])
NAMES = sorted(EXPORTERS)


@pytest.mark.parametrize("fmt", NAMES)
def test_exports_every_exporter_writes_files_deterministically(fmt, tmp_path):
    amap = CALM
    first = export_map(amap, analysed(amap), fmt, ExportOptions())
    assert first and all(k.startswith(".") and isinstance(v, bytes) and v for k, v in first.items())
    assert export_map(amap, analysed(amap), fmt, ExportOptions()) == first
    for suffix, data in first.items():
        path = write_atomic(tmp_path / safe_filename("thread", suffix), data)
        assert path.read_bytes() == data


@pytest.mark.parametrize("fmt", ["graphml", "aif", "argdown", "csv", "parquet"])
def test_exports_ignore_relation_input_order(fmt):
    shuffled = replace(CALM, relations=tuple(reversed(CALM.relations)))
    assert export_map(shuffled, analysed(CALM), fmt, ExportOptions()) == export_map(
        CALM, analysed(CALM), fmt, ExportOptions()
    )


@pytest.mark.parametrize("fmt", NAMES)
def test_exports_empty_map(fmt):
    empty = ArgumentMap((Thread("t", None, ()),), (), (), (), ())
    assert export_map(empty, analysed(empty), fmt, ExportOptions())


def test_exports_unknown_format_names_the_known_ones():
    with pytest.raises(OptionsError, match="graphml"):
        export_map(CALM, analysed(CALM), "xlsx", ExportOptions())


def test_exports_parquet_without_pyarrow_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingDependency, match=r"argmap\[tables\]"):
        export_map(CALM, analysed(CALM), "parquet", ExportOptions())


def check_graphml(amap, analysis, path: Path) -> None:
    ET.parse(path)  # strict XML parser
    expected, got = safe_graph(amap, analysis), nx.read_graphml(path)
    assert nx.is_isomorphic(expected, got)
    assert list(got.nodes(data=True)) == list(expected.nodes(data=True))
    assert sorted(got.edges(data=True)) == sorted(expected.edges(data=True))
    assert got.number_of_nodes() == len(amap.claims)


def check_aif(amap, path: Path) -> None:
    doc = json.loads(path.read_bytes())
    ids = [n["nodeID"] for n in doc["nodes"]]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) for i in ids)
    by_id = {n["nodeID"]: n for n in doc["nodes"]}
    assert all(e["fromID"] in by_id and e["toID"] in by_id for e in doc["edges"])
    for node in doc["nodes"]:
        if node["type"] in {"RA", "CA"}:
            premises = [e for e in doc["edges"] if e["toID"] == node["nodeID"]]
            conclusions = [e for e in doc["edges"] if e["fromID"] == node["nodeID"]]
            assert len(conclusions) == 1 and len(premises) >= 1
    assert not any(by_id[e["fromID"]]["type"] == by_id[e["toID"]]["type"] == "I" for e in doc["edges"])
    texts = [n["text"] for n in doc["nodes"] if n["type"] == "I"]
    assert texts == [xml_safe(c.text) for c in amap.claims]
    kinds = sorted(n["type"] for n in doc["nodes"] if n["type"] in {"RA", "CA"})
    assert kinds == sorted("CA" if r.stance is Stance.ATTACK else "RA" for r in amap.relations)


def check_argdown(amap, path: Path) -> None:
    parsed = parse_argdown(path.read_text(encoding="utf-8"))
    claims = {c.id: c for c in amap.claims}
    written_order = list(dict.fromkeys(cid for t in amap.topics for cid in t.claim_ids))
    written_order += [c.id for c in amap.claims if c.id not in written_order]  # no topic: last
    assert len(parsed.statements) == len(written_order)
    title_of = {cid: title for cid, (title, _) in zip(written_order, parsed.statements, strict=True)}
    assert len(set(title_of.values())) == len(title_of)
    for cid, (_, text) in zip(written_order, parsed.statements, strict=True):
        assert text == one_line(claims[cid].text)
    assert sorted(parsed.relations) == sorted(
        (title_of[r.source], title_of[r.target], r.stance.value) for r in amap.relations
    )
    section = dict(parsed.section_of)
    for topic in amap.topics:
        heading = one_line(topic.label) or one_line(topic.id) or NO_TOPIC
        assert all(section[title_of[cid]] == heading for cid in topic.claim_ids)


def check_csv(amap, analysis, files: dict[str, bytes], raw: bool) -> None:
    tables = table_rows(amap, analysis)
    for name, columns in SCHEMAS.items():
        rows = list(csv.reader(io.StringIO(files[f".{name}.csv"].decode("utf-8"), newline="")))
        assert rows[0] == [c for c, _ in columns] and len(rows) == len(tables[name]) + 1
        for got, want in zip(rows[1:], tables[name], strict=True):
            for cell, (column, kind) in zip(got, columns, strict=True):
                value = want[column]
                if kind != "string" or value is None:
                    continue
                if raw:
                    assert cell == value
                else:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                    assert cell in (value, "'" + value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(hostile_text, min_size=1, max_size=4))
def test_exports_hostile_text_round_trips_through_every_format(tmp_path, texts):
    amap = build_map(texts)
    analysis = analysed(amap)
    written = {}
    has_surrogate = any("\ud800" <= ch <= "\udfff" for t in texts for ch in t)
    for fmt in NAMES:
        if fmt == "json" and has_surrogate:
            continue  # native JSON relies on readers replacing lone surrogates at ingest
        for suffix, data in export_map(amap, analysis, fmt, ExportOptions()).items():
            written[suffix] = write_atomic(tmp_path / f"out{suffix}", data)
    check_graphml(amap, analysis, written[".graphml"])
    check_aif(amap, written[".aif.json"])
    check_argdown(amap, written[".argdown"])
    check_csv(amap, analysis, {s: p.read_bytes() for s, p in written.items()}, raw=False)
    raw = export_map(amap, analysis, "csv", ExportOptions(csv_raw=True))
    check_csv(amap, analysis, raw, raw=True)
    import pyarrow.parquet as pq

    tables = table_rows(amap, analysis)
    for name in SCHEMAS:
        assert pq.read_table(written[f".{name}.parquet"]).to_pylist() == tables[name]
    if not has_surrogate:
        assert json.loads(written[".json"].read_bytes())


def test_exports_aif_links_claims_and_relations_to_argmap_ids():
    doc = to_aif_dict(CALM, analysed(CALM))
    claims = doc["argmap"]["claims"]
    assert sorted(v["claim_id"] for v in claims.values()) == sorted(c.id for c in CALM.claims)
    assert len(doc["locutions"]) == len(CALM.claims)
    assert all(0.0 <= v["confidence"] <= 1.0 for v in doc["argmap"]["relations"].values())


ARGDOWN_PARSE_JS = """
const { ArgdownApplication, ParserPlugin, ModelPlugin } = require("@argdown/core");
const input = require("fs").readFileSync(process.argv[2], "utf8");
const app = new ArgdownApplication();
app.addPlugin(new ParserPlugin(), "parse-input");
app.addPlugin(new ModelPlugin(), "build-model");
const r = app.run({ input, process: ["parse-input", "build-model"] });
const statements = {};
for (const [title, ec] of Object.entries(r.statements || {}))
  statements[title] = ec.members.map(m => m.text).filter(t => t !== undefined);
const relations = (r.relations || []).map(x => [x.from.title, x.to.title, x.relationType]);
const errors = (r.lexerErrors || []).length + (r.parserErrors || []).length;
process.stdout.write(JSON.stringify({ statements, relations, errors }));
"""


@pytest.mark.skipif(
    not os.environ.get("ARGDOWN_CORE_DIR") or not shutil.which("node"),
    reason="set ARGDOWN_CORE_DIR to a folder with node_modules/@argdown/core to run",
)
def test_exports_argdown_parses_with_argdown_core(tmp_path):
    amap = build_map([t for t in NASTY if t.strip() and "\ud800" not in t])
    path = tmp_path / "map.argdown"
    path.write_bytes(export_map(amap, analysed(amap), "argdown", ExportOptions())[".argdown"])
    script = Path(os.environ["ARGDOWN_CORE_DIR"]) / "argmap_parse_test.js"
    script.write_text(ARGDOWN_PARSE_JS)
    result = subprocess.run(["node", str(script), str(path)], capture_output=True, timeout=60,
                            check=True, cwd=os.environ["ARGDOWN_CORE_DIR"])
    official = json.loads(result.stdout)
    ours = parse_argdown(path.read_text(encoding="utf-8"))
    assert official["errors"] == 0
    assert {t: [text] for t, text in ours.statements} == official["statements"]
    assert sorted(map(list, ours.relations)) == sorted(official["relations"])


def test_graphml_writer_round_trips_hostile_ids_and_types() -> None:
    from argmap.exports.graphml import graphml_bytes

    graph = nx.DiGraph()
    odd = 'a\tb\nc\r"d" & <e>'
    graph.add_node(odd, text="line one\r\nline two & <three>", flag=True, score=0.1 + 0.2)
    graph.add_node("plain", text="", flag=False, score=1e-300)
    graph.add_edge(odd, "plain", stance="attack", confidence=0.7071067811865476)
    back = nx.read_graphml(io.BytesIO(graphml_bytes(graph)))
    assert list(back.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(back.edges(data=True)) == list(graph.edges(data=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40), chunk=st.integers(1, 4))
def test_exports_streamed_formats_are_the_bytes_export_map_gives(text, chunk):
    """JSON, AIF, GraphML and CSV as ``outputs`` writes them (chunks, cut every few records
    here) are the bytes of the whole-document encoders: canonical JSON of the AIF dict, one
    csv.writer over every row, the GraphML text joined at once."""
    from argmap.exports import STREAMERS, export_chunks, graphml, tables
    from argmap.exports.graphml import graphml_chunks
    from argmap.files import canonical_json

    amap = build_map(["Taxes should rise.", f"No, {text} matters more.", text or "x",
                      f"=1+1 {text}", "Schools need money."])
    analysis = analysed(amap)
    saved = graphml.CHUNK_ELEMENTS, tables.CHUNK_ROWS
    graphml.CHUNK_ELEMENTS, tables.CHUNK_ROWS = chunk, chunk
    try:
        streamed = {fmt: {k: list(v) for k, v in export_chunks(amap, analysis, fmt,
                                                                ExportOptions()).items()}
                    for fmt in STREAMERS}
        assert len(streamed["graphml"][".graphml"]) >= 2  # cut at least once
        assert len(streamed["csv"][".claims.csv"]) >= 2
    finally:
        graphml.CHUNK_ELEMENTS, tables.CHUNK_ROWS = saved
    for fmt, files in streamed.items():
        assert {k: b"".join(v) for k, v in files.items()} == export_map(
            amap, analysis, fmt, ExportOptions())
    assert b"".join(streamed["aif"][".aif.json"]) == canonical_json(to_aif_dict(amap, analysis))
    assert b"".join(streamed["graphml"][".graphml"]) == b"".join(
        graphml_chunks(safe_graph(amap, analysis)))
    rows = table_rows(amap, analysis)["claims"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    columns = [c for c, _ in SCHEMAS["claims"]]
    writer.writerow(columns)
    writer.writerows([tables.csv_cell(row[c], False) for c in columns] for row in rows)
    assert b"".join(streamed["csv"][".claims.csv"]) == buffer.getvalue().encode("utf-8")
