"""``train``: deterministic JSON model from format A and B files, with its provenance."""

from __future__ import annotations

import json

import pytest

from argmap.errors import InputError, MissingInput
from argmap.link.relation_model import PairContext, RelationModel
from argmap.link.training import (
    LEXICON_FOLDS,
    LEXICON_PREFIX,
    _fold_of,
    cross_fitted_lexicon_values,
    fit_model,
    learn_lexicon,
    train,
)


def _doc(n: int) -> dict:
    text = (f"The city should plant more trees {n}. Because trees cool the streets in summer. "
            f"But trees cost money to water every week.")
    a, b = text.index("Because"), text.index("But")
    units = [{"id": "a1", "start": 0, "end": a - 1, "text": text[: a - 1]},
             {"id": "a2", "start": a, "end": b - 1, "text": text[a: b - 1]},
             {"id": "a3", "start": b, "end": len(text), "text": text[b:]}]
    return {"id": f"doc{n:03d}", "text": text, "units": units,
            "relations": [{"id": "r1", "src": "a2", "dst": "a1", "stance": "support"},
                          {"id": "r2", "src": "a3", "dst": "a1", "stance": "attack"}]}


def _pairs() -> list[dict]:
    rows = []
    for n in range(10):
        rows.append({"id": f"p{n}a", "parent": "We should ban fireworks", "group": f"g{n}",
                     "child": f"Fireworks scare pets and wildlife {n}", "label": "agree"})
        rows.append({"id": f"p{n}b", "parent": "We should ban fireworks", "group": f"g{n}",
                     "child": f"No, that is wrong, they are a tradition {n}", "label": "disagree"})
        rows.append({"id": f"p{n}c", "parent": "We should ban fireworks", "group": f"g{n}",
                     "child": f"What time does the show start {n}", "label": "neutral"})
    return rows


def _write(path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.fixture()
def labelled(tmp_path):
    docs = _write(tmp_path / "toydocs.dev.jsonl", [_doc(n) for n in range(8)])
    pairs = _write(tmp_path / "toypairs.dev.jsonl", _pairs())
    return [docs, pairs]


def test_training_twice_gives_identical_bytes(labelled, tmp_path) -> None:
    first = train(labelled, tmp_path / "one.json", seed=0)
    second = train(labelled, tmp_path / "two.json", seed=0)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert first["stance_examples"] == second["stance_examples"] == 8 * 2 + 20
    assert first["attach_positive"] >= 8 * 2


def test_training_records_corpora_and_learns_cues(labelled, tmp_path) -> None:
    out = tmp_path / "model.json"
    train(labelled, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [c["name"] for c in data["training_corpora"]] == ["toydocs", "toypairs"]
    assert all("licence" in c for c in data["training_corpora"])
    assert data["argmap_version"]
    model = RelationModel.load(out)
    ctx = PairContext(reply=True)
    disagree = model.stance_proba("We should ban fireworks", "No, that is wrong", ctx)
    agree = model.stance_proba("We should ban fireworks", "Fireworks scare pets", ctx)
    assert disagree["attack"] > disagree["support"]
    assert agree["support"] > agree["attack"]


def test_training_rejects_missing_and_unknown_files(tmp_path) -> None:
    with pytest.raises(MissingInput):
        train([tmp_path / "nope.jsonl"], tmp_path / "m.json")
    odd = _write(tmp_path / "odd.jsonl", [{"hello": "world"}])
    with pytest.raises(InputError):
        train([odd], tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_training_reads_argument_stance_from_key_point_records(tmp_path) -> None:
    """Key-point match records say nothing about stance between claims, but each argument's
    stance on the topic is a topic -> claim stance example (one per distinct argument)."""
    rows = []
    for n in range(6):
        for kp in range(3):  # every argument appears once per key point: counted once
            rows.append({"id": f"a{n}|k{kp}", "parent": f"key point {kp}", "child_id": f"a{n}",
                         "child": f"Guns cause many deaths and injuries {n}",
                         "label": "match" if kp == 0 else "no_match", "stance": -1,
                         "topic": "We should legalize guns", "group": "guns"})
            rows.append({"id": f"b{n}|k{kp}", "parent": f"key point {kp}", "child_id": f"b{n}",
                         "child": f"Guns protect families from harm {n}",
                         "label": "no_match", "stance": 1,
                         "topic": "We should legalize guns", "group": "guns"})
    path = _write(tmp_path / "argkp.dev.jsonl", rows)
    figures = train([path], tmp_path / "model.json")
    assert figures["counts"]["argkp:stance"] == 12
    assert figures["stance_examples"] == 12 and figures["stance_support"] == 6
    model = RelationModel.load(tmp_path / "model.json")
    ctx = PairContext(reply=True)
    against = model.stance_proba("We should legalize guns", "Guns cause deaths", ctx)
    assert against["support_given_attached"] < 0.5


def _topic_pairs() -> list[dict]:
    """Claims on six motions, half "for", half "against": "safe"/"cheap" speak well,
    "dangerous"/"costly" ill; the stance is that polarity times the motion's direction."""
    rows = []
    for n, obj in enumerate(("nuclear power", "school uniforms", "wind farms", "zoos",
                             "homework", "tolls")):
        motion = f"We should ban {obj}" if n % 2 else f"We should support {obj}"
        sign = -1 if n % 2 else 1
        for k in range(4):
            for word, good in (("safe", 1), ("cheap", 1), ("dangerous", -1), ("costly", -1)):
                label = "support" if good * sign > 0 else "attack"
                rows.append({"id": f"{n}-{k}-{word}", "parent": motion, "group": str(n),
                             "child": f"{obj.capitalize()} are {word} topic{n}word",
                             "label": label})
    return rows


def test_learned_lexicon_gives_words_their_polarity_across_directions() -> None:
    model, figures = fit_model({"toy": _topic_pairs()})
    lex = {k[len(LEXICON_PREFIX):]: v for k, v in model.stance.weights.items()
           if k.startswith(LEXICON_PREFIX)}
    assert model.meta["stance_lexicon"]["words"] == figures["features_stance"] - len(
        [k for k in model.stance.weights if not k.startswith(LEXICON_PREFIX)])
    # support grows with a good word under "support X" and with a bad one under "ban X"
    assert lex["safe"] > 0 and lex["cheap"] > 0 and lex["dangerous"] < 0 and lex["costly"] < 0
    # a word seen under one motion only is that topic's vocabulary, not a polarity
    assert not any(w.startswith("topic") for w in lex)
    assert "nuclear" not in lex


def test_learned_lexicon_negation_counts_for_the_opposite_side() -> None:
    from argmap.link.relation_model import all_features

    ctx = PairContext(reply=True)
    xs, ys, parents = [], [], []
    for motion in ("We should support zoos", "We should support tolls",
                   "We should ban homework"):
        for child, label in (("It is not safe", "attack"), ("It is safe", "support"),
                             ("It is harmful", "attack"), ("It is not harmful", "support")):
            if "ban" in motion:
                label = "support" if label == "attack" else "attack"
            xs.append(all_features(motion, child, ctx))
            ys.append(int(label == "support"))
            parents.append(motion)
    # "safe" says well of what the motion is for, "harmful" ill, once signs are composed
    # (counted as bare words, each is on both sides equally often)
    lexicon = learn_lexicon(xs, ys, parents)
    assert set(lexicon) == {"safe", "harmful"}
    assert lexicon["safe"] > 0 > lexicon["harmful"]


def test_cross_fitted_lexicon_never_sees_its_own_group_of_parents() -> None:
    from argmap.link.relation_model import all_features

    ctx = PairContext(reply=True)
    rows = _topic_pairs()
    xs = [all_features(r["parent"], r["child"], ctx) for r in rows]
    ys = [int(r["label"] == "support") for r in rows]
    parents = [r["parent"] for r in rows]
    values = cross_fitted_lexicon_values(xs, ys, parents)
    folds = {_fold_of(p) for p in parents}
    assert len(folds) > 1 and max(folds) < LEXICON_FOLDS
    for k in folds:  # the value of a held-out example equals the one of a lexicon without it
        keep = [i for i, p in enumerate(parents) if _fold_of(p) != k]
        lex = learn_lexicon([xs[i] for i in keep], [ys[i] for i in keep],
                            [parents[i] for i in keep])
        for i, p in enumerate(parents):
            if _fold_of(p) == k:
                expected = sum(lex[w] * v for w, v in (
                    (name[len(LEXICON_PREFIX):], v) for name, v in xs[i].items()
                    if name.startswith(LEXICON_PREFIX)) if w in lex)
                assert values[i] == expected


def test_lexicon_of_a_training_fold_has_no_word_only_in_the_held_out_fold() -> None:
    rows = _topic_pairs()
    extra = [{"id": f"x{k}", "parent": p, "group": "9", "child": f"Zebras are {w}",
              "label": lab} for k, (p, w, lab) in enumerate([
                  ("We should support trams", "glorious", "support"),
                  ("We should support ferries", "glorious", "support"),
                  ("We should ban trams", "glorious", "attack"),
                  ("We should support ferries", "dreadful", "attack"),
                  ("We should ban trams", "dreadful", "support")])]
    with_extra, _ = fit_model({"toy": rows + extra})
    without, _ = fit_model({"toy": rows})
    assert f"{LEXICON_PREFIX}glorious" in with_extra.stance.weights
    held_out_only = {"zebras", "glorious", "dreadful", "trams", "ferries"}
    assert not {k for k in without.stance.weights if k.startswith(LEXICON_PREFIX)} & {
        LEXICON_PREFIX + w for w in held_out_only}
    assert not any(k.startswith(LEXICON_PREFIX) for k in without.attach.weights)
