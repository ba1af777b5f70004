"""Which maps a thread gets, and drawing them: in parallel or one by one the same bytes, a
missing dot turns every map into a named failure without running anything."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from argmap.options import RenderOptions
from argmap.render.maps import HTML_MAP, MAIN, OVERVIEW, draw_maps, planned_maps
from tests.builders import DRAW_ALL, make_map


def test_maps_planned_by_size_topics_and_threshold():
    small, analysis = make_map(30)  # 2 topics, fewer claims than one map shows
    assert list(planned_maps(small, analysis, DRAW_ALL)) == [MAIN]
    big, analysis = make_map(200, seed=2)  # 16 topics, more claims than one map shows
    plan = planned_maps(big, analysis, DRAW_ALL)
    assert list(plan)[:2] == [MAIN, OVERVIEW]
    assert sorted(k for k in plan if k.startswith(".topic-")) == sorted(
        f".topic-{t.id}.svg" for t in big.topics)
    assert "(" in plan[".topic-t00.svg"][0] and plan[OVERVIEW][0] == "the topic overview"
    assert list(planned_maps(big, analysis, DRAW_ALL, topic_maps=False)) == [MAIN, OVERVIEW]
    assert HTML_MAP not in planned_maps(big, analysis, DRAW_ALL, html_map=True)
    assert HTML_MAP in planned_maps(big, analysis, RenderOptions(min_confidence=0.5),
                                    html_map=True)
    other = dataclasses.replace(big, topics=tuple(dataclasses.replace(t, is_other=i > 1)
                                                  for i, t in enumerate(big.topics)))
    assert OVERVIEW not in planned_maps(other, analysis, DRAW_ALL)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
def test_maps_drawn_in_parallel_are_the_bytes_drawn_one_by_one():
    amap, analysis = make_map(200, seed=2)
    plan = planned_maps(amap, analysis, DRAW_ALL)
    serial = draw_maps(plan, RenderOptions(min_confidence=0.0, dot_jobs=1))
    parallel = draw_maps(plan, RenderOptions(min_confidence=0.0, dot_jobs=4))
    assert serial.failures == parallel.failures == ()
    assert list(serial.drawings) == list(plan) == list(parallel.drawings)
    assert all(serial.drawings[k].svg == parallel.drawings[k].svg for k in plan)


def test_maps_without_dot_are_failures_that_say_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    amap, analysis = make_map(200, seed=2)

    def never(aspect: float, simple: bool) -> str:
        raise AssertionError("nothing is drawn without dot")

    plan = {key: (what, never) for key, (what, _) in planned_maps(
        amap, analysis, DRAW_ALL).items()}
    maps = draw_maps(plan, DRAW_ALL)
    assert maps.drawings == {}
    assert [f.key for f in maps.failures] == list(plan)
    assert all(f.missing_dot and "apt-get install graphviz" in f.reason for f in maps.failures)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
def test_maps_a_bug_in_one_map_fails_that_map_only():
    amap, analysis = make_map(200, seed=2)
    plan = planned_maps(amap, analysis, DRAW_ALL, topic_maps=False)

    def broken(aspect: float, simple: bool) -> str:
        raise ValueError("planner bug")

    plan[OVERVIEW] = ("the topic overview", broken)
    maps = draw_maps(plan, DRAW_ALL)
    assert list(maps.drawings) == [MAIN]
    assert [(f.key, f.reason) for f in maps.failures] == [
        (OVERVIEW, "internal error: ValueError: planner bug")]
