"""tools/in_domain_reference.py and tools/in_domain_within.py: the in-domain references of
issue 15's targets (evaluation only). What they must get right: groups never split between
training and scoring, the interval around the sealed figure, and the within-post scoring."""

from __future__ import annotations

import sys

import numpy as np

from tests.support import REPO, load_script


def _reference():
    return load_script("tools/in_domain_reference.py", "in_domain_reference_tool")


def _within():
    sys.path.insert(0, str(REPO / "tools"))  # it imports study_within beside it
    try:
        return load_script("tools/in_domain_within.py", "in_domain_within_tool")
    finally:
        sys.path.remove(str(REPO / "tools"))


def _pairs(n_groups: int) -> list[dict]:
    agree = ["I agree, well said", "exactly right", "so true, thank you"]
    disagree = ["no, that is wrong", "I disagree completely", "not true at all"]
    rows = []
    for g in range(n_groups):
        for k, (text, label) in enumerate([(agree[g % 3], "agree"), (disagree[g % 3], "disagree")]):
            rows.append({"id": f"{g}-{k}", "parent": "a claim", "child": text, "label": label,
                         "group": f"g{g}"})
    return rows


def test_in_domain_reference_cv_keeps_each_group_on_one_side(monkeypatch):
    tool = _reference()
    rows = _pairs(20)
    seen: list[tuple[set, set]] = []
    fit = tool.WordModel.fit

    def spying_fit(self, records):
        seen.append({r["group"] for r in records})
        return fit(self, records)
    monkeypatch.setattr(tool.WordModel, "fit", spying_fit)
    score = tool.grouped_cv("subreddit_agreement", rows, 1.0, (1, 1), parent=False)
    assert score > 0.9  # the words say it
    everything = {r["group"] for r in rows}
    folds = [{r["group"] for r in rows if tool._fold(r["group"]) == fold}
             for fold in range(tool.FOLDS)]
    # each model learned from all groups but exactly one fold's, which it then scored
    assert len(seen) == sum(bool(f) for f in folds)
    assert all(everything - groups in folds for groups in seen)


def test_in_domain_reference_bootstrap_interval_brackets_the_figure():
    tool = _reference()
    rows = _pairs(30)
    predicted = [r["label"] if i % 5 else "agree" for i, r in enumerate(rows)]
    figure = tool.macro_f1(rows, predicted)
    low, high = tool.bootstrap("subreddit_agreement", rows, predicted, rounds=300)
    assert low <= figure <= high and high - low < 0.5


def test_in_domain_within_scores_nearest_point_joins_against_gold():
    tool = _within()
    gold = {("u2", "u1"), ("u3", "u1")}
    rows = [{"record": "r", "post": "p", "units": {"u1"}, "gold": gold},
            {"record": "r", "post": "p", "units": {"u2"}, "gold": gold},
            {"record": "r", "post": "p", "units": set(), "gold": gold},
            {"record": "r", "post": "p", "units": {"u3"}, "gold": gold}]
    arguing = np.array([0.9, 0.9, 0.1, 0.9])
    point = np.array([0.9, 0.1, 0.1, 0.1])
    precision, recall, joins = tool.score(rows, arguing, point, 0.5, 0.5)
    assert (precision, recall, joins) == (1.0, 1.0, 2)
    # the unarguing claim kept: a third join, wrong
    precision, recall, joins = tool.score(rows, arguing, point, 0.0, 0.5)
    assert joins == 3 and recall == 1.0 and abs(precision - 2 / 3) < 1e-12
