"""tools/learn_summaries.py: topic-free features, folds by topic, a harness equal to the scorer."""

from __future__ import annotations

import numpy as np

from argmap.evaluation.summaries import summary_group_figures
from tests.support import load_script

TEXTS = [
    "School uniforms reduce bullying because poorer students no longer stand out in class",
    "Uniforms cost families a lot of money, and children keep growing out of them",
    "A uniform stops children from expressing who they are through their clothing",
    "School uniforms reduce bullying since nobody can tell who is rich or poor",
    "The uniform is cheaper than buying fashionable clothes for every school day",
    "Can students not express themselves in other ways than clothing?",
    "I think uniforms are ugly",
]


def _tool():
    return load_script("tools/learn_summaries.py", "learn_summaries_tool")


def test_learn_summaries_features_carry_no_topic_words():
    tool = _tool()
    features = tool.argument_features(TEXTS)
    assert features.shape == (len(TEXTS), len(tool.FEATURES))
    assert np.isfinite(features).all()
    # the same arguments about another subject: every feature the same (no word identities)
    renamed = [t.replace("uniforms", "helmets").replace("uniform", "helmet")
               .replace("Uniforms", "Helmets") for t in TEXTS]
    assert np.allclose(tool.argument_features(renamed), features)
    # the question and the first person are seen
    names = list(tool.FEATURES)
    assert features[5, names.index("question")] == 1.0
    assert features[6, names.index("first_person")] == 1.0
    assert tool.argument_features([]).shape == (0, len(tool.FEATURES))
    assert np.isfinite(tool.argument_features(["One argument alone."])).all()


def test_learn_summaries_folds_keep_a_topic_together_and_deal_round_robin():
    tool = _tool()
    folds = tool.folds_of(["b", "a", "c", "a", "d"], 2)
    assert folds == {"a": 0, "b": 1, "c": 0, "d": 1}


def _records() -> list[dict]:
    """Format B pairs: two topics x one stance, key points matched by some arguments."""
    records = []
    for topic in ("We should ban school uniforms", "We should ban homework"):
        points = {"kp_cost": (1, 4), "kp_bully": (0, 3), "kp_self": (2, 5)}
        for i, text in enumerate(TEXTS):
            for kp, matched in points.items():
                records.append({
                    "id": f"dev:{topic[:12]}{i}|{kp}", "parent": kp, "child": text,
                    "label": "match" if i in matched else "no_match", "group": topic,
                    "topic": topic, "stance": 1, "parent_id": f"{topic[:12]}{kp}",
                    "child_id": f"{topic[:12]}{i}"})
    return records


def test_learn_summaries_prior_of_ones_is_the_shipped_coverage():
    tool = _tool()
    records = _records()
    groups = tool.groups_of(records, "all")
    assert [g.k for g in groups] == [3, 3]
    shipped = np.mean([row["keypoint_coverage"] for row in
                       summary_group_figures(records, baselines=False)])
    at_k, _ = tool.coverage_of(groups, [np.ones(len(g.ids)) for g in groups])
    assert at_k == shipped
    # the prior is honoured: one that favours both wordings of the bullying point picks them
    # both, so one key point of three is lost
    favour = np.array([1000.0, 1, 1, 1000.0, 1, 1, 1])
    assert tool.coverage_of(groups, [favour, favour])[0] == 2 / 3
