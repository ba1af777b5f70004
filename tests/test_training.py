"""``train``: deterministic JSON model from format A and B files, with its provenance."""

from __future__ import annotations

import json

import pytest

from argmap.errors import InputError, MissingInput
from argmap.relation_model import PairContext, RelationModel
from argmap.training import train


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
