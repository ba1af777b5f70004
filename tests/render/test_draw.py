"""Drawing policy with the real dot and with fake ones: fit the aspect, force ``ratio`` when the
plan is not enough, fall back to the simple layout when dot crashes, hangs or writes garbage,
name the map when even that fails, never retry a missing dot."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from argmap.errors import MissingDependency, RenderError
from argmap.options import RenderOptions
from argmap.render.dot import to_dot
from argmap.render.draw import FIT_ATTEMPTS, MapNotDrawn, draw_map, fit
from argmap.render.svg import check_svg, render_svg
from tests.builders import DRAW_ALL, make_map

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
RIBBON = "digraph { rankdir=LR; " + " -> ".join(f"n{i}" for i in range(40)) + " }"
FAKES = {
    "crash": "#!/bin/sh\ncat > /dev/null\nkill -SEGV $$\n",
    "hang": "#!/bin/sh\nexec sleep 30\n",
    "garbage": "#!/bin/sh\ncat > /dev/null\necho 'Warning: all is well'\n",
    "no-size": "#!/bin/sh\ncat > /dev/null\necho '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'\n",
    "half": "#!/bin/sh\ncat > /dev/null\nprintf '<?xml version=\"1.0\"?>\\n<svg xmlns=\"http://"
            "www.w3.org/2000/svg\" width=\"10pt\" height=\"10pt\"><g>'\n",
    "fails": "#!/bin/sh\ncat > /dev/null\necho 'Error: trouble in init_rank' >&2\nexit 1\n",
}


def fake_dot(folder: Path, kind: str) -> Path:
    """A ``dot`` on a PATH of its own that behaves like a broken Graphviz."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "dot"
    script.write_text(FAKES[kind])
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


@needs_dot
def test_draw_fit_forces_ratio_when_replanning_cannot_fix_the_shape():
    calls: list[float] = []

    def make(aspect: float) -> str:
        calls.append(aspect)
        return RIBBON  # ignores the aspect asked for: 40 boxes in a row

    drawing = fit(make, timeout=30, simple=False)
    assert len(calls) == FIT_ATTEMPTS and drawing.attempts == FIT_ATTEMPTS + 1
    assert "ratio=" in drawing.dot
    assert 1 / 3 <= drawing.aspect <= 3
    width, height = check_svg(render_svg(RIBBON))
    assert width / height > 10  # what it was without the ratio


@needs_dot
def test_draw_map_gets_a_real_map_right_the_first_time():
    amap, analysis = make_map(120, seed=3)
    drawing = draw_map(lambda aspect, simple: to_dot(amap, analysis, RenderOptions(),
                                                     aspect=aspect, simple=simple),
                       "the main map", timeout=30)
    assert drawing.attempts == 1 and not drawing.simple and 1 / 3 <= drawing.aspect <= 3


@needs_dot
def test_draw_map_falls_back_to_the_simple_layout_when_the_full_one_fails():
    amap, analysis = make_map(120, seed=3)

    def make(aspect: float, simple: bool) -> str:
        source = to_dot(amap, analysis, RenderOptions(), aspect=aspect, simple=simple)
        return source if simple else source.replace("digraph argmap {", "digraph argmap { {", 1)

    drawing = draw_map(make, "the main map", timeout=30)
    assert drawing.simple and b"simplified" in drawing.svg
    assert "subgraph cluster_t" not in drawing.dot and "splines=line" in drawing.dot
    assert drawing.dot.count("claim-c") <= 40


@pytest.mark.parametrize("kind, message", [
    ("crash", "crashed (signal 11)"), ("garbage", "invalid SVG"), ("no-size", "width/height"),
    ("half", "invalid SVG"), ("fails", "trouble in init_rank"), ("hang", "did not finish"),
])
def test_draw_a_broken_dot_fails_the_map_by_name_after_the_simple_retry(
        tmp_path, monkeypatch, kind, message):
    monkeypatch.setenv("PATH", f"{fake_dot(tmp_path / 'bin', kind)}:{os.environ['PATH']}")
    amap, analysis = make_map(30)
    tried: list[bool] = []

    def make(aspect: float, simple: bool) -> str:
        tried.append(simple)
        return to_dot(amap, analysis, RenderOptions(), aspect=aspect, simple=simple)

    with pytest.raises(MapNotDrawn, match=re.escape(message)) as caught:
        draw_map(make, "the map of topic t03 (rents)", timeout=1)
    assert caught.value.name == "the map of topic t03 (rents)"
    assert str(caught.value).startswith("could not draw the map of topic t03 (rents): ")
    assert tried == [False, True]


def test_draw_a_missing_dot_is_not_retried(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    tried: list[bool] = []

    def make(aspect: float, simple: bool) -> str:
        tried.append(simple)
        return "digraph {}"

    with pytest.raises(MissingDependency, match="apt-get install graphviz"):
        draw_map(make, "the main map", timeout=5)
    assert tried == [False]


def test_draw_check_svg_names_what_is_wrong():
    with pytest.raises(RenderError, match="not well-formed"):
        check_svg(b"<svg")
    with pytest.raises(RenderError, match="root element"):
        check_svg(b"<html/>")
    with pytest.raises(RenderError, match="size 0 x 5"):
        check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" width="0pt" height="5pt"/>')
    assert check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" width="8pt" height="4pt"/>') == (
        8.0, 4.0)


def _svg_width(dot: str) -> float:
    svg = render_svg(dot).decode("utf-8")
    return float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))


def test_draw_a_folded_main_map_draws_edges_between_topics_straight_not_in_corridors():
    """A thread too big to draw whole: its main map's many edges across topic clusters are
    straight lines; curved, dot routed each through a corridor beside the clusters and the
    picture grew wide and mostly empty."""
    amap, analysis = make_map(600, seed=5)
    options = dataclasses.replace(DRAW_ALL, max_claims_per_map=60)
    dot = to_dot(amap, analysis, options)
    assert "most central of" in dot and "splines=line" in dot
    curved = dot.replace(" splines=line", "")
    assert _svg_width(dot) < 0.9 * _svg_width(curved)  # 0.75-0.89 over seeds 0-5
    # a map drawn whole keeps its curved edges
    small, small_analysis = make_map(30, seed=5)
    assert "splines=line" not in to_dot(small, small_analysis, DRAW_ALL)
