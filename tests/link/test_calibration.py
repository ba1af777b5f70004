"""Calibration: P(right) = P(attached | route, stance given, score) x P(stance right | attached),
isotonic attachment maps and stance shares fitted on licence-clean data, applied to every edge
the linker reports (and not to how it chooses them)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.link import calibration as calibration_module
from argmap.link.calibration import (
    DEFAULT_CALIBRATION_PATH,
    ROUTES,
    Calibration,
    StepMap,
    default_calibration,
    fit_steps,
)
from argmap.link.linker import link
from argmap.link.training import LICENCES
from argmap.options import LinkOptions
from tests.link.test_linker import _cue_corpus
from tests.support import load_script


def test_calibration_steps_are_shares_right_of_blocks():
    scores = [0.1] * 50 + [0.5] * 50 + [0.9] * 50
    right = [False] * 45 + [True] * 5 + [False] * 25 + [True] * 25 + [True] * 40 + [False] * 10
    steps = fit_steps(scores, right, min_block=40)
    assert steps.starts == (0.1, 0.5, 0.9)
    assert steps.values == (0.1, 0.5, 0.8)
    assert steps(0.1) == 0.1 and steps(0.5) == 0.5 and steps(0.7) == 0.5 and steps(1.0) == 0.8
    assert steps.many(np.asarray([0.1, 0.6, 0.95])).tolist() == [0.1, 0.5, 0.8]
    # below the lowest score fitted on, a score is never lifted
    assert steps(0.05) == 0.05 and steps.many(np.asarray([0.0])).tolist() == [0.0]


def test_calibration_pools_violators():
    # a higher score right less often than a lower one: the two blocks pool
    steps = fit_steps([0.2] * 40 + [0.8] * 40, [True] * 30 + [False] * 10 + [True] * 10
                      + [False] * 30, min_block=40)
    assert steps.values == (0.5,)


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), max_size=300),
       st.integers(1, 60))
def test_calibration_steps_are_monotone_and_sized(rows, min_block):
    steps = fit_steps([s for s, _ in rows], [r for _, r in rows], min_block=min_block)
    assert list(steps.values) == sorted(steps.values)
    assert list(steps.starts) == sorted(steps.starts)
    assert all(0.0 <= v <= 1.0 for v in steps.values)
    if len(rows) >= 2 * min_block:
        assert steps.examples == len(rows)


def test_calibration_route_and_stance_fall_back_to_route():
    within = StepMap((0.0,), (0.3,))
    attack = StepMap((0.0,), (0.05,))
    cal = Calibration({"within": within, "within:attack": attack}, {})
    assert cal.apply("within", "support", 0.9) == 0.3
    assert cal.apply("within", "attack", 0.9) == 0.05
    assert cal.apply("reply", "support", 0.9) == 0.9  # no map: the score passes through
    routes = np.asarray([ROUTES.index("within"), ROUTES.index("within"), ROUTES.index("reply")])
    out = cal.apply_many(routes, np.asarray([False, True, False]), np.asarray([0.9, 0.9, 0.9]))
    assert out.tolist() == [0.3, 0.05, 0.9]
    again = Calibration.from_json(json.loads(json.dumps(cal.to_json())))
    assert again.maps == cal.maps


def test_calibration_is_attachment_times_stance_share():
    attach = StepMap((0.0, 0.5), (0.2, 0.6))
    attack_attach = StepMap((0.0,), (0.1,))
    cal = Calibration({"attach:within": attach, "attach:within:attack": attack_attach,
                       "attach:reply": attach},
                      {}, {"within:support": 1.0, "across:attack": 0.6, "within:attack": 0.7})
    assert cal.apply("within", "support", 0.9) == 0.6
    assert cal.apply("within", "attack", 0.9) == 0.07  # its own attachment map x its share
    assert cal.apply("reply", "attack", 0.9) == 0.36  # the across share serves every route
    assert cal.apply("reply", "support", 0.1) == 0.2  # no share measured: 1.0
    routes = np.asarray([ROUTES.index(r) for r in ("within", "within", "reply", "reply")])
    many = cal.apply_many(routes, np.asarray([False, True, True, False]),
                          np.asarray([0.9, 0.9, 0.9, 0.1]))
    assert many.tolist() == [0.6, 0.07, 0.36, 0.2]
    again = Calibration.from_json(json.loads(json.dumps(cal.to_json())))
    assert again.maps == cal.maps and again.stance_right == cal.stance_right
    assert again.apply("within", "attack", 0.9) == 0.07


def test_calibration_first_format_still_loads():
    first = {"format": "argmap-calibration/1", "name": "x",
             "routes": {"within": {"starts": [0.0], "values": [0.3], "examples": 50}}}
    cal = Calibration.from_json(first)
    assert cal.apply("within", "attack", 0.9) == 0.3 and cal.stance_right == {}
    with pytest.raises(ValueError):
        Calibration.from_json({"format": "something else", "routes": {}})


def _calibrate_tool():
    return load_script("tools/calibrate.py", "calibrate_tool")


def test_calibration_attack_share_comes_from_stance_data_not_a_support_only_corpus():
    """The flaw of the first design: CDCP annotates supports only, so a within-post attack
    could never be right there and every one got ~0.04. Now its stance share comes from the
    licence-clean stance pairs and its attachment from whether it is a relation at all."""
    tool = _calibrate_tool()
    within = [("within", "attack", 0.4 + 0.005 * k, False, k % 2 == 0) for k in range(100)]
    within += [("within", "support", 0.4 + 0.005 * k, k % 2 == 0, k % 2 == 0)
               for k in range(100)]
    pairs = [("pair", "attack", 0.6, k % 4 != 0, True) for k in range(100)]
    pairs += [("pair", "support", 0.6, k % 5 != 0, True) for k in range(100)]
    cal = tool.fit(within + pairs, 5)
    assert cal.stance_right["within:attack"] == 0.75  # from the pairs, not 0.0
    assert cal.stance_right["within:support"] == 1.0
    assert cal.stance_right["across:support"] == 0.8
    assert "attach:within:attack" in cal.maps  # attached half the time, whatever its stance
    assert 0.3 < cal.apply("within", "attack", 0.7) < 0.45
    pooled = tool.fit(within + pairs, 5, per_stance_attach=False)
    assert "attach:within:attack" not in pooled.maps


def test_calibration_linker_reports_probabilities_without_changing_choices(monkeypatch):
    threads, claims, topics = _cue_corpus(60, seed=4)
    raw = link(threads, claims, topics, LinkOptions(calibrate=False))
    flat = Calibration({route: StepMap((0.0, 0.5), (0.11, 0.77)) for route in ROUTES}, {})
    assert all(r.confidence >= 0.0 for r in raw)
    monkeypatch.setitem(calibration_module._DEFAULT, "calibration", flat)
    calibrated = link(threads, claims, topics, LinkOptions())
    assert [(r.source, r.target, r.stance) for r in raw] == [
        (r.source, r.target, r.stance) for r in calibrated]
    assert [0.77 if r.confidence >= 0.5 else 0.11 for r in raw] == [
        r.confidence for r in calibrated]


@pytest.mark.skipif(not DEFAULT_CALIBRATION_PATH.is_file(), reason="no shipped calibration")
def test_calibration_shipped_file_is_licence_clean_and_covers_every_route():
    cal = default_calibration()
    assert cal is not None
    for route in ROUTES:
        for stance in ("support", "attack"):
            assert cal.attach_map(route, stance) is not None, (route, stance)
            assert 0.0 < cal.stance_factor(route, stance) <= 1.0
    # no stance share is measured on a corpus that annotates one stance only
    assert cal.stance_right["within:attack"] == cal.stance_right["across:attack"]
    for source in cal.meta["fitted_on"]:
        assert "NonCommercial" not in LICENCES[source["name"]]
        assert "none stated" not in LICENCES[source["name"]]
        assert source["part"] == "study"
    assert cal.meta["out_of_fold"] >= 2
    for steps in cal.maps.values():
        assert list(steps.values) == sorted(steps.values)


def test_calibration_option_off_gives_raw_scores():
    threads, claims, topics = _cue_corpus(30, seed=2)
    off = link(threads, claims, topics, replace(LinkOptions(), calibrate=False))
    assert all(0.0 <= r.confidence <= 1.0 for r in off)


def test_calibration_draw_threshold_is_the_render_default() -> None:
    from argmap.link.calibration import DRAW_THRESHOLD
    from argmap.options import AnalyseOptions, RenderOptions

    assert RenderOptions().min_confidence == DRAW_THRESHOLD
    assert AnalyseOptions().min_confidence == DRAW_THRESHOLD  # what stands = what is drawn


@settings(max_examples=200, deadline=None)
@given(scores=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12),
       attack=st.lists(st.booleans(), min_size=12, max_size=12))
def test_calibration_many_is_apply_row_by_row_below_the_fitted_range(scores, attack):
    """A score below a map's first start maps to min(the map's first value, score) whatever
    the other rows of the call: ``StepMap.many`` took the first value of the looked-up rows
    instead, so an edge's confidence depended on the edges calibrated with it (a thread's map
    changed with the threads mapped beside it)."""
    cal = Calibration({"attach:within:attack": StepMap((0.354, 0.55), (0.0, 0.0459)),
                       "attach:within": StepMap((0.3, 0.6), (0.2, 0.7))},
                      {}, {"within:attack": 0.621})
    routes = np.full(len(scores), ROUTES.index("within"))
    flags = np.asarray(attack[:len(scores)])
    many = cal.apply_many(routes, flags, np.asarray(scores)).tolist()
    assert many == [cal.apply("within", "attack" if a else "support", s)
                    for s, a in zip(scores, flags.tolist(), strict=True)]
    for s, a, m in zip(scores, flags.tolist(), many, strict=True):  # alone, the same
        assert cal.apply_many(routes[:1], np.asarray([a]), np.asarray([s])).tolist() == [m]
