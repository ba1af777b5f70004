"""The committed demo outputs are reproducible from corpora/ byte for byte (DOT, JSON, summary)
and structurally for SVG (which embeds the Graphviz version and float coordinates)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.support import CORPORA, OUTPUTS, run_cli

SVG_NS = "{http://www.w3.org/2000/svg}"


def _svg_shape(data: bytes) -> tuple[int, int, set[str]]:
    root = ET.fromstring(data)
    groups = [g for g in root.iter(f"{SVG_NS}g")]
    nodes = [g for g in groups if g.get("class") == "node"]
    edges = [g for g in groups if g.get("class") == "edge"]
    titles = {t.text or "" for g in nodes for t in g.iter(f"{SVG_NS}title")}
    return len(nodes), len(edges), titles


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--corpora", str(CORPORA), "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    return out


def test_demo_outputs_are_committed_for_every_corpus(regenerated):
    produced = sorted(p.name for p in regenerated.iterdir())
    committed = sorted(p.name for p in OUTPUTS.iterdir() if p.is_file() and not p.name.endswith(".png"))
    assert produced == committed
    assert len([n for n in produced if n.endswith(".svg")]) >= 2


@pytest.mark.parametrize("suffix", [".dot", ".json", ".summary.md", ".html"])
def test_demo_text_outputs_byte_identical(regenerated, suffix):
    files = sorted(p for p in regenerated.iterdir() if p.name.endswith(suffix))
    assert files
    for path in files:
        assert path.read_bytes() == (OUTPUTS / path.name).read_bytes(), path.name


def test_demo_svg_structure_matches_committed(regenerated):
    for path in sorted(regenerated.glob("*.svg")):
        assert _svg_shape(path.read_bytes()) == _svg_shape((OUTPUTS / path.name).read_bytes())
