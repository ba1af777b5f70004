"""`argmap eval` and `argmap train` as real subprocesses on small fixtures in formats A and B."""

from __future__ import annotations

import json

from tests.support import run_cli

DOC_TEXT = (
    "Cars pollute the air in our cities every single day. "
    "Therefore the council should ban them from the centre. "
    "However, shop owners depend on customers who arrive by car."
)


def _format_a(path):
    units, start = [], 0
    for n, sentence in enumerate(DOC_TEXT.split(". ")):
        text = sentence if sentence.endswith(".") else sentence + "."
        begin = DOC_TEXT.index(text, start)
        units.append({"id": f"a{n + 1}", "start": begin, "end": begin + len(text), "text": text, "type": "pro"})
        start = begin + len(text)
    record = {
        "id": "doc1", "text": DOC_TEXT, "units": units,
        "relations": [
            {"id": "r1", "src": "a1", "dst": "a2", "type": "sup", "stance": "support"},
            {"id": "r2", "src": "a3", "dst": "a2", "type": "reb", "stance": "attack"},
        ],
        "topic": "cars",
    }
    path.write_text(json.dumps(record) + "\n")


def _format_b(path):
    pairs = [
        ("We should ban cars from city centres.", "Cars pollute the air and harm children.", "support"),
        ("We should ban cars from city centres.", "I disagree, shops would lose their customers.", "attack"),
        ("School uniforms should be compulsory.", "Uniforms reduce bullying over clothes.", "support"),
        ("School uniforms should be compulsory.", "That is wrong: uniforms suppress self-expression.", "attack"),
    ]
    lines = [
        json.dumps({"id": f"p{i}", "parent": p, "child": c, "label": label, "group": f"g{i // 2}", "topic": p})
        for i, (p, c, label) in enumerate(pairs)
    ]
    path.write_text("\n".join(lines) + "\n")


def test_cli_eval_segmentation_json_has_plain_keys_and_baselines(tmp_path):
    data = tmp_path / "docs.jsonl"
    _format_a(data)
    result = run_cli("eval", str(data), "--task", "segmentation", "--json")
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout)
    pooled = figures["pooled"]
    for key in ("segmentation_f1_exact", "segmentation_f1_overlap50", "baseline_sentence_segmentation_f1_overlap50"):
        assert 0.0 <= pooled[key] <= 1.0
    # three clean sentences, each one gold unit: argmap must find all three
    assert pooled["segmentation_f1_overlap50"] == 1.0


def test_cli_eval_relations_and_stance_json(tmp_path):
    docs = tmp_path / "docs.jsonl"
    _format_a(docs)
    relations = json.loads(run_cli("eval", str(docs), "--task", "relations", "--json").stdout)
    assert {"attachment_f1", "stance_macro_f1", "baseline_majority_stance_macro_f1"} <= set(relations["pooled"])
    pairs = tmp_path / "pairs.jsonl"
    _format_b(pairs)
    result = run_cli("eval", str(pairs), "--json")  # task detected from the records
    assert result.returncode == 0, result.stderr.decode()
    stance = json.loads(result.stdout)
    assert stance["task"] == "stance"
    assert {"accuracy", "stance_macro_f1", "baseline_majority_accuracy"} <= set(stance["pooled"])
    # the cues are explicit ("I disagree", "That is wrong"): argmap beats the majority class
    assert stance["pooled"]["stance_macro_f1"] > stance["pooled"]["baseline_majority_stance_macro_f1"]


def test_cli_eval_table_without_json_and_bad_file(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    _format_b(pairs)
    table = run_cli("eval", str(pairs))
    assert table.returncode == 0 and "stance_macro_f1" in table.stdout.decode()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\nnot json\n')
    result = run_cli("eval", str(bad), "--json")
    assert result.returncode in (64, 65)
    assert "bad.jsonl" in result.stderr.decode()


def test_cli_train_twice_identical_bytes(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    _format_b(pairs)
    docs = tmp_path / "docs.jsonl"
    _format_a(docs)
    outputs = []
    for n in range(2):
        out = tmp_path / f"model{n}.json"
        result = run_cli("train", str(pairs), str(docs), "-o", str(out))
        assert result.returncode == 0, result.stderr.decode()
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    model = json.loads(outputs[0])
    assert model  # a JSON object, never a pickle


def test_cli_eval_a_task_given_for_the_other_format_is_refused_naming_what_fits(tmp_path):
    """``--task stance`` on format A documents, ``--task relations`` or ``maps`` on B pairs:
    exit 65 saying which format the task scores and which tasks the records fit. Before, a
    KeyError traceback (exit 1), or for maps 'no posts found' of a temporary file."""
    from argmap.errors import InputError
    from argmap.evaluation import evaluate

    docs, pairs = tmp_path / "docs.jsonl", tmp_path / "pairs.jsonl"
    _format_a(docs)
    _format_b(pairs)
    for path, task, fits in ((docs, "stance", "segmentation / relations / maps"),
                             (docs, "topics", "segmentation / relations / maps"),
                             (docs, "summaries", "segmentation / relations / maps"),
                             (pairs, "segmentation", "stance / topics / summaries"),
                             (pairs, "relations", "stance / topics / summaries"),
                             (pairs, "maps", "stance / topics / summaries")):
        try:
            evaluate([path], task=task)
        except InputError as exc:
            assert f"--task {task} scores" in str(exc) and f"they fit --task {fits}" in str(exc)
        else:
            raise AssertionError(f"{task} on {path.name} was not refused")
    result = run_cli("eval", str(docs), "--task", "stance")
    assert result.returncode == 65 and b"Traceback" not in result.stderr
    assert b"they fit --task segmentation / relations / maps" in result.stderr
