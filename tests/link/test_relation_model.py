"""The relation model: cue detection, probabilities, JSON round trip, the shipped model."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.link.relation_model import (
    PairContext,
    RelationModel,
    default_model,
    is_base_rate_feature,
    takes_no_side,
    text_cues,
    within_post_cues,
)
from argmap.link.training import fit_model

SHIPPABLE = {"cdcp", "createdebate_argmin2016", "ibm_claim_stance", "argkp"}


def _pairs() -> list[dict]:
    rows = []
    for n in range(12):
        rows.append({"id": f"s{n}", "parent": f"Cities should build more bike lanes {n}",
                     "child": f"Bike lanes reduce traffic deaths and pollution {n}",
                     "label": "support", "group": f"g{n % 3}"})
        rows.append({"id": f"a{n}", "parent": f"Cities should build more bike lanes {n}",
                     "child": f"But bike lanes are wrong because they waste road space {n}",
                     "label": "attack", "group": f"g{n % 3}"})
    return rows


def test_relation_model_cues_of_seed_disagreement() -> None:
    cues = text_cues("But, I'm not so sure it's a small change: we don't know the fraction.")
    assert cues.connective == "but" and cues.connective_class == "attack"
    assert "not so sure" in cues.disagree
    assert cues.negations


def test_relation_model_cues_handle_debatepedia_apostrophes() -> None:
    assert "doesn't" in text_cues('Fair use doesn"t give holders enough rights').negations


def test_relation_model_json_round_trip_gives_same_predictions(tmp_path) -> None:
    model, figures = fit_model({"toy": _pairs()})
    assert figures["stance_examples"] == 24
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"].startswith("argmap-relation-model")
    assert data["training_corpora"] == [{"name": "toy", "licence": data["training_corpora"][0]
                                         ["licence"]}]
    loaded = RelationModel.load(path)
    ctx = PairContext(reply=True)
    for parent, child in [("Cities should build lanes", "But lanes are wrong"),
                          ("Cities should build lanes", "Lanes reduce deaths")]:
        assert loaded.stance_proba(parent, child, ctx) == model.stance_proba(parent, child, ctx)
    attack = loaded.stance_proba("Cities should build lanes", "But lanes are wrong", ctx)
    support = loaded.stance_proba("Cities should build lanes", "Lanes reduce deaths", ctx)
    assert attack["attack"] > attack["support"] and support["support"] > support["attack"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200), st.booleans(), st.integers(-9, 9))
def test_relation_model_probabilities_valid_on_any_text(parent, child, same, distance) -> None:
    model = default_model()
    if model is None:
        return
    proba = model.stance_proba(parent, child, PairContext(same_post=same, distance=distance))
    assert all(0.0 <= proba[k] <= 1.0 for k in ("none", "support", "attack", "attach"))
    assert abs(proba["none"] + proba["support"] + proba["attack"] - 1.0) < 1e-9


def test_relation_model_shipped_model_is_licence_clean() -> None:
    model = default_model()
    assert model is not None, "src/argmap/resources/relation_model.json is missing"
    names = {c["name"] for c in model.meta["training_corpora"]}
    assert names and names <= SHIPPABLE
    assert all(c["licence"] for c in model.meta["training_corpora"])
    assert not any(is_base_rate_feature(name) for name in model.stance.weights)


def _no_side(parent: str, child: str) -> bool:
    return takes_no_side(text_cues(parent), text_cues(child))


def test_replies_that_take_no_side() -> None:
    claim = "Masks cut transmission in crowded rooms."
    assert _no_side(claim, "Thanks, I did not know that about ventilation.")
    assert _no_side(claim, "Oh, where did you read that?")
    assert _no_side(claim, "Yes, but only when people wear them properly.")  # partial
    assert _no_side(claim, "My son caught it at school last week.")  # own experience
    assert _no_side("Does anyone know when the clinic opens?", "It opens at nine on Mondays.")


def test_replies_that_take_a_side() -> None:
    claim = "Masks cut transmission in crowded rooms."
    assert not _no_side(claim, "Exactly, the studies from Japan show the same.")
    assert not _no_side(claim, "That's not true, the trials found no effect.")
    assert not _no_side(claim, "I think the evidence is weak and mixed.")  # an opinion
    assert not _no_side(claim, "Masks cannot stop aerosols at all.")
    assert not _no_side("Is this right?", "I agree, it is right.")  # a cue decides


def test_reported_views_are_no_concession_after_the_sealed_ablation() -> None:
    # "Dog owners may think ..." as a concession was chosen on dev; switched off, the sealed
    # figures did not fall (tools/ablate_rules.py: reported_view), so it is gone
    assert not text_cues("Dog owners may think that dog dirt is harmless,").concession
    assert text_cues("Some say that dog dirt is harmless,").concession


def test_a_concessive_clause_attacks_the_claim_it_concedes_against() -> None:
    claim = text_cues("the EU should not intervene in local politics.")
    conceded = text_cues("Although Ukraine is a European country,")
    for distance in (1, 2, -2):  # after or before the claim, near it
        _evidence, votes = within_post_cues(conceded, claim, distance, False)
        assert votes > 0, distance
    _evidence, far = within_post_cues(conceded, claim, 5, False)
    assert far == 0
    # "despite" governs a noun phrase: its unit carries the author's own point
    despite = text_cues("Despite the death penalty there are more homicides in the US.")
    _evidence, votes = within_post_cues(despite, claim, 1, False)
    assert votes == 0


def test_the_claim_after_a_concession_answers_it() -> None:
    conceded = text_cues("Though there'd be the advantage of forgoing a visit to the doctor,")
    answer = text_cues("women should still be informed about the risks.")
    evidence, votes = within_post_cues(answer, conceded, 1, False)
    assert votes > 0
    assert any("though" in e.detail for e in evidence)
    _evidence, later = within_post_cues(answer, conceded, 2, False)
    assert later == 0


def _motion_pairs() -> list[dict]:
    """Claims on six motions, "for" and "against": the stance is the claim's polarity
    (negations and "reduce" compose it) times the motion's direction."""
    rows = []
    for n, obj in enumerate(("nuclear power", "school uniforms", "wind farms", "zoos",
                             "homework", "tolls")):
        motion = f"We should ban {obj}" if n % 2 else f"We should support {obj}"
        sign = -1 if n % 2 else 1
        for k, (claim, good) in enumerate((("are safe", 1), ("are not safe", -1),
                                           ("reduce costs", 1), ("are costly", -1),
                                           ("are dangerous", -1), ("are not dangerous", 1))):
            label = "support" if good * sign > 0 else "attack"
            rows.append({"id": f"{n}-{k}", "parent": motion, "group": str(n),
                         "child": f"{obj.capitalize()} {claim}", "label": label})
    return rows


def test_learned_lexicon_round_trips_through_the_model_json(tmp_path) -> None:
    model, _ = fit_model({"toy": _motion_pairs()})
    lex = {k: v for k, v in model.stance.weights.items() if k.startswith("lex:")}
    about = model.meta["stance_lexicon"]
    assert lex and about["words"] >= len(lex) and about["feature_weight"] > 0
    path = tmp_path / "model.json"
    model.save(path)
    stored = json.loads(path.read_text(encoding="utf-8"))["heads"]["stance"]["weights"]
    assert {k: v for k, v in stored.items() if k.startswith("lex:")} == lex
    loaded = RelationModel.load(path)
    assert loaded.stance.weights == model.stance.weights
    ctx = PairContext(reply=True)
    for parent, child in [("We should ban trams", "Trams are not safe"),
                          ("We should support trams", "Trams reduce costs")]:
        assert loaded.stance_proba(parent, child, ctx) == model.stance_proba(parent, child, ctx)
    # the words move the stance: without their weights the prediction changes
    bare = RelationModel(model.attach, type(model.stance)(
        model.stance.positive, model.stance.negative, model.stance.intercept,
        {k: v for k, v in model.stance.weights.items() if not k.startswith("lex:")}),
        model.meta)
    assert (bare.stance_proba("We should ban trams", "Trams are not safe", ctx)
            != model.stance_proba("We should ban trams", "Trams are not safe", ctx))


def test_batch_scorer_equals_the_per_pair_sum_with_a_learned_lexicon() -> None:
    import numpy as np

    from argmap.link.pair_scores import BatchScorer
    from argmap.link.relation_model import pair_features

    model, _ = fit_model({"toy": _motion_pairs()})
    assert any(k.startswith("lex:") for k in model.stance.weights)
    texts = ["We should ban zoos", "We should support tolls", "Zoos are not safe at all",
             "Tolls reduce costs and are safe", "Homework is costly", "", "Is it dangerous?",
             "It does not reduce costs, it is dangerous and not safe"]
    cues = [text_cues(t) for t in texts]
    pairs = [(c, p) for c in range(len(texts)) for p in range(len(texts)) if c != p]
    children = np.asarray([c for c, _ in pairs], np.int64)
    parents = np.asarray([p for _, p in pairs], np.int64)
    contexts = [PairContext(reply=True), PairContext(same_post=True, distance=1)]
    ctx_of = [contexts[k % 2] for k in range(len(pairs))]
    attach, stance = BatchScorer(model).logits(cues, children, parents, ctx_of)
    for k, (c, p) in enumerate(pairs):
        pc, cc = cues[p], cues[c]
        pp, cp = model.side_scores(pc, "p"), model.side_scores(cc, "c")
        pair = pair_features(pc, cc, ctx_of[k])
        assert stance[k] == model.stance.intercept + pp[1] + cp[1] + model.stance.partial(pair)
        assert attach[k] == model.attach.intercept + pp[0] + cp[0] + model.attach.partial(pair)


def test_relation_model_weights_that_are_not_finite_numbers_are_refused(tmp_path) -> None:
    """A model file whose weights or intercepts are strings ("nan", "inf", "1.5"), booleans
    or so large that a score's sum overflows is refused naming the file and the option, in
    ``map`` and in ``batch`` (64, nothing written); before, float() took "nan" and "inf" and
    every relation the weight touched got a NaN confidence (numpy 'invalid value' warnings on
    stderr, exit 0)."""
    import pytest

    from argmap.errors import OptionsError
    from argmap.link.relation_model import DEFAULT_MODEL_PATH, model_at
    from tests.support import SEED, run_cli

    shipped = json.loads(DEFAULT_MODEL_PATH.read_bytes())
    first_word = next(iter(shipped["heads"]["attach"]["weights"]))
    bad_values = {"nan": "nan", "inf": "inf", "text": "1.5", "bool": True, "huge": 1e300}
    paths = {}
    for name, value in bad_values.items():
        for where in ("weight", "intercept"):
            model = json.loads(DEFAULT_MODEL_PATH.read_bytes())
            if where == "weight":
                model["heads"]["attach"]["weights"][first_word] = value
            else:
                model["heads"]["stance"]["intercept"] = value
            path = paths[name, where] = tmp_path / f"{name}-{where}.json"
            path.write_text(json.dumps(model))
            with pytest.raises(OptionsError, match=f"link.model.*{path.name}"):
                model_at(str(path))
    label = json.loads(DEFAULT_MODEL_PATH.read_bytes())
    label["heads"]["attach"]["positive"] = {"not": "a label"}
    (tmp_path / "label.json").write_text(json.dumps(label))
    with pytest.raises(OptionsError, match="label.json"):
        model_at(str(tmp_path / "label.json"))
    for command in ("map", "batch"):
        out = tmp_path / command
        result = run_cli(command, str(SEED), "-o", str(out), "-q",
                         "--set", f"link.model={paths['nan', 'weight']}")
        message = result.stderr.decode()
        assert result.returncode == 64, message
        assert "nan-weight.json" in message and "Traceback" not in message
        assert not out.exists() or not any(out.iterdir())


def test_relation_model_a_device_fifo_or_huge_file_is_refused_without_reading_it(tmp_path):
    """``--set link.model=/dev/zero`` read zeros until memory ran out ('thread t:a was not
    mapped: MemoryError', exit 3, or the machine's memory gone without a limit), a FIFO
    blocked for ever, and a file of gigabytes was read whole before being found not a model.
    Now only a regular file of at most ``MAX_MODEL_BYTES`` is read; the rest is refused
    naming the file (64). Run in a subprocess with a memory limit and a timeout, so a
    regression fails instead of taking the machine's memory."""
    import os
    import resource
    import subprocess
    import sys

    from argmap.link.relation_model import MAX_MODEL_BYTES

    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_MODEL_BYTES + 1)  # sparse: no disk used
    script = (
        "import sys\n"
        "from argmap.errors import OptionsError\n"
        "from argmap.link.relation_model import model_at\n"
        "from argmap.options import Options\n"
        "for path in sys.argv[1:]:\n"
        "    Options().with_overrides({'link.model': path}).fingerprint()\n"
        "    try:\n"
        "        model_at(path)\n"
        "    except OptionsError as exc:\n"
        "        print(exc)\n")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    result = subprocess.run([sys.executable, "-c", script, "/dev/zero", str(fifo), str(huge)],
                            capture_output=True, timeout=60, preexec_fn=limited)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert len(lines) == 3 and all("link.model" in line for line in lines)
    assert "/dev/zero: not a regular file" in lines[0]
    assert "model.fifo: not a regular file" in lines[1]
    assert f"huge.json: {MAX_MODEL_BYTES + 1:,} bytes" in lines[2]
