"""``link.model``: map with a relation model ``argmap train`` wrote, from the CLI and the API.

Why: ``argmap train`` writes a model, and a researcher who trains one on their own labelled
threads must be able to map with it (``--set link.model=FILE``, batch too). The shipped
calibration belongs to the shipped model, so another model's confidences are its own scores.
"""

from __future__ import annotations

import json
import shutil

import pytest

import argmap
from argmap.errors import OptionsError
from argmap.link.relation_model import DEFAULT_MODEL_PATH
from argmap.options import Options
from tests.support import SEED, run_cli
from tests.test_cli_eval import _format_a, _format_b


def _relations(folder) -> list[dict]:
    (document,) = list(folder.glob("*.json"))
    return json.loads(document.read_bytes())["map"]["relations"]


def _shifted_model(tmp_path, bias: float):
    """The shipped model with its attachment head pushed towards "attached" by ``bias``."""
    model = json.loads(DEFAULT_MODEL_PATH.read_bytes())
    model["heads"]["attach"]["intercept"] += bias
    path = tmp_path / f"shifted-{bias}.json"
    path.write_text(json.dumps(model))
    return path


def test_model_option_a_copy_of_the_shipped_model_maps_as_the_uncalibrated_default(tmp_path):
    copy = tmp_path / "model.json"
    shutil.copy(DEFAULT_MODEL_PATH, copy)
    default = run_cli("map", str(SEED), "-o", str(tmp_path / "a"), "-q", "--export", "json",
                      "--set", "link.calibrate=false")
    given = run_cli("map", str(SEED), "-o", str(tmp_path / "b"), "-q", "--export", "json",
                    "--set", f"link.model={copy}")
    assert default.returncode == given.returncode == 0, given.stderr.decode()
    assert _relations(tmp_path / "b") == _relations(tmp_path / "a")


def test_model_option_another_model_changes_the_edges_in_map_and_batch(tmp_path):
    shifted = _shifted_model(tmp_path, 3.0)
    base = run_cli("map", str(SEED), "-o", str(tmp_path / "a"), "-q", "--export", "json",
                   "--set", "link.calibrate=false")
    mapped = run_cli("map", str(SEED), "-o", str(tmp_path / "b"), "-q", "--export", "json",
                     "--set", f"link.model={shifted}")
    assert base.returncode == mapped.returncode == 0, mapped.stderr.decode()
    before, after = _relations(tmp_path / "a"), _relations(tmp_path / "b")
    model_votes = [r for r in after if any(e["kind"] == "model" for e in r["evidence"])]
    assert model_votes and after != before
    def mean_confidence(relations: list[dict]) -> float:
        return sum(r["confidence"] for r in relations) / len(relations)
    assert len(after) > len(before) and mean_confidence(after) > mean_confidence(before)
    batched = run_cli("batch", str(SEED), "-o", str(tmp_path / "c"), "-q", "--jobs", "1",
                      "--tables", "csv", "--set", f"link.model={shifted}")
    assert batched.returncode == 0, batched.stderr.decode()
    rows = (tmp_path / "c" / "csv" / "relations.csv").read_text().splitlines()
    assert len(rows) - 1 == len(after)


def test_model_option_bad_files_are_refused_naming_the_option(tmp_path):
    not_json = tmp_path / "model.json"
    not_json.write_text("not a model")
    wrong = tmp_path / "other.json"
    wrong.write_text('{"format": "something else"}')
    for path in (tmp_path / "missing.json", not_json, wrong):
        result = run_cli("map", str(SEED), "-o", str(tmp_path / "out"), "-q",
                         "--set", f"link.model={path}")
        assert result.returncode == 64, result.stderr.decode()
        message = result.stderr.decode()
        assert "link.model" in message and path.name in message and "Traceback" not in message
    with pytest.raises(OptionsError, match="link.model"):
        argmap.build_map(argmap.read_threads([str(SEED)]).threads,
                         Options().with_overrides({"link.model": str(not_json)}))


def test_model_option_fingerprint_follows_the_file_content(tmp_path):
    first, moved = tmp_path / "a.json", tmp_path / "b.json"
    shutil.copy(DEFAULT_MODEL_PATH, first)
    shutil.copy(DEFAULT_MODEL_PATH, moved)
    at_first = Options().with_overrides({"link.model": str(first)}).fingerprint()
    assert Options().with_overrides({"link.model": str(moved)}).fingerprint() == at_first
    assert at_first != Options().fingerprint()
    retrained = _shifted_model(tmp_path, 1.0)
    shutil.copy(retrained, first)
    assert Options().with_overrides({"link.model": str(first)}).fingerprint() != at_first


def test_model_option_maps_with_a_model_argmap_train_wrote(tmp_path):
    pairs, docs = tmp_path / "pairs.jsonl", tmp_path / "docs.jsonl"
    _format_b(pairs)
    _format_a(docs)
    model = tmp_path / "model.json"
    trained = run_cli("train", str(pairs), str(docs), "-o", str(model))
    assert trained.returncode == 0, trained.stderr.decode()
    result = run_cli("map", str(SEED), "-o", str(tmp_path / "out"), "-q", "--export", "json",
                     "--set", f"link.model={model}")
    assert result.returncode == 0, result.stderr.decode()
    assert _relations(tmp_path / "out") != []


def test_model_option_eval_scores_a_given_model(tmp_path):
    """``argmap eval --model FILE`` scores the model as ``map`` would use it; a bad file is
    refused before any work."""
    pairs = tmp_path / "pairs.jsonl"
    _format_b(pairs)
    copy = tmp_path / "copy.json"
    shutil.copy(DEFAULT_MODEL_PATH, copy)
    shipped = json.loads(run_cli("eval", str(pairs), "--json").stdout)
    given = run_cli("eval", str(pairs), "--json", "--model", str(copy))
    assert given.returncode == 0, given.stderr.decode()
    figures = json.loads(given.stdout)
    assert figures["pooled"]["stance_macro_f1"] == shipped["pooled"]["stance_macro_f1"]
    docs = tmp_path / "docs.jsonl"
    _format_a(docs)
    shifted = _shifted_model(tmp_path, -8.0)  # attaches nothing: no relation is found
    relations = run_cli("eval", str(docs), "--task", "relations", "--json", "--model",
                        str(shifted))
    assert relations.returncode == 0, relations.stderr.decode()
    base = json.loads(run_cli("eval", str(docs), "--task", "relations", "--json").stdout)
    assert json.loads(relations.stdout)["pooled"] != base["pooled"]
    missing = run_cli("eval", str(pairs), "--model", str(tmp_path / "nope.json"))
    assert missing.returncode == 64 and "link.model" in missing.stderr.decode()
