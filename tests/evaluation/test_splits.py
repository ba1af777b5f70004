"""The study/sealed split: a stable rule by group, groups never straddle it, about 30 % sealed,
and ``argmap eval --part`` scores only the part asked for."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from argmap.errors import InputError
from argmap.evaluation import evaluate, load_corpora
from argmap.evaluation.splits import describe, group_of, is_sealed, is_sealed_group, select
from tests.support import run_cli, shared_dir


def test_splits_rule_is_the_documented_hash():
    for corpus, group in (("ibm_claim_stance", "t1"), ("cmv_hidey2017", "2rppq9"), ("x", "")):
        value = int(hashlib.sha256(f"{corpus}\0{group}".encode()).hexdigest()[:8], 16)
        assert is_sealed_group(corpus, group) == (value % 100 < 30)


def test_splits_group_of_each_corpus_kind():
    assert group_of("arg_microtexts", {"id": "b001", "topic": "waste"}) == "waste"
    assert group_of("arg_microtexts_part2", {"id": "d01"}) == "d01"  # no topic: its own group
    # CMV: paths of one thread share the original post and must stay together
    cmv = {"id": "negative_3", "posts": [{"id": "2rppq9"}, {"id": "abc"}]}
    assert group_of("cmv_hidey2017", cmv) == "2rppq9"
    assert group_of("cdcp", {"id": "00194", "meta": {"split_group": "00190"}}) == "00190"
    assert group_of("ibm_claim_stance", {"id": "7", "group": "topic 3", "parent": "p",
                                         "child": "c"}) == "topic 3"
    assert group_of("createdebate_argmin2016", {"id": "Ac001"}) == "Ac001"


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=40))
def test_splits_parts_partition_and_keep_groups_together(groups):
    records = [{"id": str(n), "group": g, "parent": "p", "child": "c", "label": "support"}
               for n, g in enumerate(groups)]
    study = select("debatepedia_pairs", records, "study")
    sealed = select("debatepedia_pairs", records, "sealed")
    assert len(study) + len(sealed) == len(records)
    assert {r["group"] for r in study}.isdisjoint({r["group"] for r in sealed})
    assert select("debatepedia_pairs", records, "all") == records
    # the rule does not depend on which other records are present
    assert all(is_sealed("debatepedia_pairs", r) for r in select("debatepedia_pairs", sealed,
                                                                  "sealed"))


def test_splits_about_thirty_percent_of_groups():
    groups = [f"g{n}" for n in range(2000)]
    share = sum(is_sealed_group("c", g) for g in groups) / len(groups)
    assert 0.27 < share < 0.33


def test_splits_unknown_part_is_refused():
    with pytest.raises(InputError, match="unknown part"):
        select("cdcp", [], "heldout")


def _pairs(path, n=60):
    lines = []
    for i in range(n):
        label = "support" if i % 2 else "attack"
        child = "That is wrong and harmful." if label == "attack" else "Yes, good and right."
        lines.append(json.dumps({"id": f"p{i}", "parent": "We should ban cars.", "child": child,
                                 "label": label, "group": f"g{i // 2}"}))
    path.write_text("\n".join(lines) + "\n")


def test_splits_evaluate_scores_only_the_part(tmp_path):
    data = tmp_path / "pairs.jsonl"
    _pairs(data)
    records = load_corpora([data])["pairs"]
    sealed = describe("pairs", records)["sealed_records"]
    assert 0 < sealed < len(records)
    by_part = {part: evaluate([data], part=part) for part in ("all", "study", "sealed")}
    assert by_part["sealed"]["pooled"]["pairs"] == sealed
    assert by_part["study"]["pooled"]["pairs"] == len(records) - sealed
    assert by_part["all"]["pooled"]["pairs"] == len(records)
    assert by_part["sealed"]["part"] == "sealed"


def test_splits_cli_eval_part_sealed(tmp_path):
    data = tmp_path / "pairs.jsonl"
    _pairs(data)
    result = run_cli("eval", str(data), "--part", "sealed", "--json")
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout)
    assert figures["part"] == "sealed"
    assert figures["pooled"]["pairs"] == describe("pairs", load_corpora([data])["pairs"])[
        "sealed_records"]
    bad = run_cli("eval", str(data), "--part", "heldout", "--json")
    assert bad.returncode == 64 and "one of all, study, sealed" in bad.stderr.decode()


@pytest.mark.skipif(shared_dir() is None, reason="needs ../shared/data")
def test_splits_dev_corpora_seal_about_a_third_by_group():
    data = shared_dir() / "data"
    for corpus in ("cmv_hidey2017", "debatepedia_pairs", "cdcp", "subreddit_agreement"):
        records = load_corpora([data / corpus / f"{corpus}.dev.jsonl"])[corpus]
        counts = describe(corpus, records)
        assert 0.15 < counts["sealed_records"] / counts["records"] < 0.45, (corpus, counts)
        sealed_groups = {group_of(corpus, r) for r in select(corpus, records, "sealed")}
        study_groups = {group_of(corpus, r) for r in select(corpus, records, "study")}
        assert sealed_groups.isdisjoint(study_groups)
