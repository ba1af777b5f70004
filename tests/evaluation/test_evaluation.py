"""``evaluate``: metrics by hand, formats A and B end to end, baselines from the same run."""

from __future__ import annotations

import json

import pytest

from argmap.errors import InputError
from argmap.evaluation import evaluate
from argmap.evaluation.data import detect_task, gold_document
from argmap.evaluation.metrics import accuracy, macro_f1, majority_label, precision_recall_f1


def _write(path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _doc(n: int, posts: bool = False) -> dict:
    first = f"The city should plant more trees in district {n}."
    second = "Because trees cool the streets in summer."
    third = "But trees cost money to water every week."
    text = f"{first}\n\n{second} {third}" if posts else f"{first} {second} {third}"
    spans = [(text.index(s), text.index(s) + len(s)) for s in (first, second, third)]
    units = [{"id": f"a{i + 1}", "start": s, "end": e, "text": text[s:e]}
             for i, (s, e) in enumerate(spans)]
    record = {"id": f"doc{n}", "text": text, "units": units,
              "relations": [{"id": "r1", "src": "a2", "dst": "a1", "stance": "support"},
                            {"id": "r2", "src": "a3", "dst": "a1", "stance": "attack"}]}
    if posts:
        cut = text.index(second)
        record["posts"] = [{"id": "p1", "start": 0, "end": len(first), "reply_to": None},
                           {"id": "p2", "start": cut, "end": len(text), "reply_to": "p1"}]
    return record


def test_evaluation_metrics_by_hand() -> None:
    prf = precision_recall_f1({(1, 2), (2, 3)}, {(1, 2), (3, 4), (5, 6)})
    assert prf["precision"] == 0.5 and prf["recall"] == pytest.approx(1 / 3)
    assert prf["f1"] == pytest.approx(0.4)
    gold, pred = ["s", "s", "a", "a"], ["s", "a", "a", "a"]
    # F1(s) = 2*1 / (2*1 + 0 + 1) = 2/3; F1(a) = 2*2 / (2*2 + 1 + 0) = 0.8
    assert macro_f1(gold, pred, ["s", "a"]) == pytest.approx((2 / 3 + 0.8) / 2)
    assert accuracy(gold, pred) == 0.75
    assert majority_label(["b", "a", "b", "a"]) == "a"
    assert precision_recall_f1([], [])["f1"] == 0.0


def test_evaluation_undercut_targets_the_source_of_the_relation() -> None:
    record = _doc(0)
    record["relations"].append({"id": "r3", "src": "a3", "dst": "r1", "stance": "attack",
                                "type": "und", "dst_is_relation": True})
    doc = gold_document(record, "toy")
    assert doc.gold[("a3", "a2")] == "attack"
    for claim in doc.claims:
        post = next(p for p in doc.thread.posts if p.id == claim.post_id)
        assert post.text[claim.start:claim.end] == claim.text


def test_evaluation_relations_figures_and_baselines(tmp_path) -> None:
    path = _write(tmp_path / "toydocs.dev.jsonl", [_doc(n) for n in range(3)])
    result = evaluate([path])
    assert result["task"] == "relations"
    figures = result["corpora"]["toydocs"]
    # each unit attaches to the one before: a2->a1 right, a3->a2 wrong, for every document
    assert figures["baseline_adjacent_attachment_f1"] == pytest.approx(0.5)
    # gold stances tie (support, attack); the majority is "attack" (ties alphabetical)
    assert figures["baseline_majority_accuracy"] == pytest.approx(0.5)
    assert figures["baseline_majority_stance_macro_f1"] == pytest.approx(1 / 3)
    for key in ("attachment_precision", "attachment_recall", "attachment_f1",
                "stance_macro_f1", "stance_accuracy", "baseline_connective_stance_macro_f1"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["gold_relations"] == 6 and figures["stance_pairs"] == 6
    # "because" after a1 is a support the linker must find
    assert figures["attachment_recall"] >= 0.5
    assert "attachment_f1_within_post" not in figures


def test_evaluation_relations_split_within_and_across_posts(tmp_path) -> None:
    path = _write(tmp_path / "toythreads.dev.jsonl", [_doc(n, posts=True) for n in range(2)])
    figures = evaluate([path])["corpora"]["toythreads"]
    assert figures["gold_relations_across_posts"] == 4
    assert figures["gold_relations_within_post"] == 0
    assert figures["attachment_f1_within_post"] is None  # no gold there: no figure, not 0
    assert 0.0 <= figures["attachment_f1_across_posts"] <= 1.0


def test_evaluation_stance_three_classes(tmp_path) -> None:
    rows = []
    for n in range(4):
        rows.append({"id": f"{n}a", "parent": "We should ban fireworks", "group": str(n),
                     "child": "I agree, fireworks scare pets", "label": "agree"})
        rows.append({"id": f"{n}d", "parent": "We should ban fireworks", "group": str(n),
                     "child": "I disagree, that is wrong", "label": "disagree"})
        rows.append({"id": f"{n}n", "parent": "We should ban fireworks", "group": str(n),
                     "child": "When is the show", "label": "neutral"})
    rows.append({"id": "x", "parent": "p", "child": "c", "label": "neutral", "group": "x"})
    path = _write(tmp_path / "toyreddit.dev.jsonl", rows)
    result = evaluate([path], task="stance")
    figures = result["corpora"]["toyreddit"]
    assert figures["labels"] == ["agree", "disagree", "neutral"] and figures["pairs"] == 13
    assert figures["baseline_majority_accuracy"] == pytest.approx(5 / 13)
    assert figures["baseline_majority_stance_macro_f1"] == pytest.approx(
        (2 * 5 / (2 * 5 + 8)) / 3)
    # explicit agree/disagree cues decide those pairs even without a model
    assert figures["baseline_connective_accuracy"] >= 8 / 13
    assert 0.0 <= figures["stance_macro_f1"] <= 1.0


def test_evaluation_stance_pools_corpora_with_different_label_names(tmp_path) -> None:
    """"agree" in one corpus is "support" in another: pooled figures use the linker's labels,
    so pooled accuracy is the pair-weighted mean of the corpora's accuracies."""
    reddit = [{"id": f"r{n}", "parent": "We should ban fireworks", "group": f"r{n}",
               "child": child, "label": label}
              for n, (child, label) in enumerate([
                  ("I agree, fireworks scare pets", "agree"),
                  ("That's not true, they are harmless", "disagree"),
                  ("Thanks, when is the show?", "neutral")] * 3)]
    debate = [{"id": f"d{n}", "parent": "Fireworks should be banned.", "group": f"d{n}",
               "child": child, "label": label}
              for n, (child, label) in enumerate([
                  ("Fireworks injure thousands of people every year", "support"),
                  ("Fireworks are a safe and beloved tradition", "attack")] * 4)]
    paths = [_write(tmp_path / "toyreddit.dev.jsonl", reddit),
             _write(tmp_path / "toydebate.dev.jsonl", debate)]
    result = evaluate(paths, task="stance")
    one, two = result["corpora"]["toydebate"], result["corpora"]["toyreddit"]
    pooled = result["pooled"]
    assert pooled["labels"] == ["attack", "none", "support"] and pooled["pairs"] == 17
    assert pooled["accuracy"] == pytest.approx(
        (one["accuracy"] * one["pairs"] + two["accuracy"] * two["pairs"]) / 17)
    assert pooled["baseline_majority_accuracy"] == pytest.approx(7 / 17)  # support: 4 + 3


def test_evaluation_task_detection_and_errors(tmp_path) -> None:
    docs = _write(tmp_path / "d.jsonl", [_doc(0)])
    pairs = _write(tmp_path / "p.jsonl", [{"id": "1", "parent": "a", "child": "b",
                                            "label": "support"}])
    assert detect_task([_doc(0)]) == "relations"
    with pytest.raises(InputError, match="different tasks"):
        evaluate([docs, pairs])
    with pytest.raises(InputError, match="unknown evaluation task"):
        evaluate([docs], task="vibes")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        evaluate([bad])
    assert info.value.line == 2
