"""Hostile post text through the whole product: one real `argmap map` run with every export,
then each output checked by a strict parser (ecosystem-and-reliability.md, hostile inputs
#25-#35 and #42)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import networkx as nx

from argmap.render.svg import svg_problems
from tests.support import run_cli

HOSTILE = [
    "</script><script>alert(1)</script> because cars are bad",
    "<lambda> <map> is how we should think about it, so it matters",
    "Backslashes \\N \\G \\l and a trailing one \\",
    'Quotes " { | } : ; node subgraph edge -> digraph are fine words',
    "NUL\x00 and \x01 \x0c controls \x1b[31m red \x1b[0m should vanish",
    "RTL \u202e override and zero\u200bwidth and \ufffe noncharacter text",
    "=HYPERLINK(\"https://evil.example\", \"click\") is a formula",
    "@SUM(1+1) and +1 and -2h start cells badly in spreadsheets",
    "javascript:alert(1) is not a link but we mention it anyway",
    "Emoji 🙂 CJK 中文字符没有空格 and combining e\u0301 marks are text",
    "&#60;b&#62;bold&#60;/b&#62; and &amp; entities stay literal",
    "A very long post " + "that goes on and on " * 400,
]


def test_hostile_text_through_every_output_stays_inert(tmp_path):
    records = [
        {"id": f"h{i}", "reply_to": None if i == 0 else "h0", "author": f"<b>author{i}</b>\u202e",
         "url": "javascript:alert(1)", "text": text}
        for i, text in enumerate(HOSTILE)
    ]
    source = tmp_path / "hostile.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    out = tmp_path / "out"
    result = run_cli(
        "map", str(source), "-o", str(out),
        "--export", "svg,dot,html,json,summary,graphml,aif,argdown,csv",
    )
    assert result.returncode == 0, result.stderr.decode()
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    by_suffix = lambda s: [v for k, v in files.items() if k.endswith(s)]  # noqa: E731

    for svg in by_suffix(".svg"):
        assert svg_problems(svg) == []
    for html in by_suffix(".html"):
        text = html.decode("utf-8")
        scripts = re.findall(r"<script\b[^>]*>", text)
        assert len(scripts) == 2  # argmap's data block and its one inline script
        assert "<script>alert(1)" not in text
        assert not re.search(r"""href=["']\s*javascript:""", text, re.I)
    for graphml in by_suffix(".graphml"):
        ET.fromstring(graphml)
        graph = nx.read_graphml(io.BytesIO(graphml))
        assert graph.number_of_nodes() > 0
    for aif in by_suffix(".aif.json"):
        document = json.loads(aif)
        ids = {n["nodeID"] for n in document["nodes"]}
        assert all(e["fromID"] in ids and e["toID"] in ids for e in document["edges"])
    for table in [v for k, v in files.items() if k.endswith(".csv")]:
        for row in csv.reader(io.StringIO(table.decode("utf-8"))):
            for cell in row:
                assert not cell or cell[0] not in "=+-@\t\r", cell
    native = json.loads(next(v for k, v in files.items() if k.endswith(".json") and ".aif." not in k))
    texts = sorted(p["text"] for t in native["map"]["threads"] for p in t["posts"])
    # the native JSON is lossless: formulas and markup stay verbatim there (escaping belongs to
    # the formats that need it); only NUL-like controls may have been repaired at ingest
    assert any(t.startswith("=HYPERLINK(") for t in texts)
    assert any(t.startswith("</script><script>") for t in texts)
    assert all(name.isascii() and "/" not in name for name in files)
    summary = by_suffix(".summary.md")[0].decode("utf-8")
    assert "<script>" not in summary and "\x1b" not in summary
