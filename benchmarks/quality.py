"""Regenerate the README's quality table: every labelled corpus, every task, argmap on the whole
development part, its study part and its sealed part side by side, beside the baselines computed
in the same run on the sealed part and the published anchors.

    python benchmarks/quality.py [--data ../shared/data] [--json] [--cv] [--parts all,study,sealed]

It calls ``argmap.evaluate`` (the same code as ``argmap eval --part ...``). The sealed part
(``argmap.evaluation.splits``, ~30 % of each corpus by group, the way the held-out part was cut)
is never tuned or trained on: its column is the honest estimate of a held-out figure. The dev
and study columns are optimistic: rules and cue lists were chosen while reading them. ``--cv``
adds grouped 5-fold cross-validation on the study part for the rows whose corpus the shipped
model learns from (each fold trained like the shipped model: the other study folds plus the
study parts of the other shippable corpora); it trains ten models (several minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import orjson

import argmap
from argmap.evaluation.data import shared_data

# (task, corpus folder, figure, baseline figures, published anchor)
ROWS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("segmentation", "arg_microtexts", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "—"),
    ("segmentation", "arg_microtexts_part2", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "—"),
    ("segmentation", "cdcp", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "—"),
    ("segmentation", "cmv_hidey2017", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "claim F1 67.1 (AMPERSAND)"),
    ("relations", "arg_microtexts", "attachment_f1", ("baseline_adjacent_attachment_f1",), "—"),
    ("relations", "arg_microtexts", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "0.70 in-domain / 0.61 cross-domain (transformers)"),
    ("relations", "arg_microtexts", "calibration_ece", (), "—"),
    ("relations", "arg_microtexts_part2", "attachment_f1", ("baseline_adjacent_attachment_f1",), "—"),
    ("relations", "arg_microtexts_part2", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("relations", "cdcp", "attachment_f1", ("baseline_adjacent_attachment_f1",), "—"),
    ("relations", "cdcp", "calibration_ece", (), "—"),
    ("relations", "cmv_hidey2017", "attachment_f1", ("baseline_adjacent_attachment_f1",), "inter-turn precision 18.9 (AMPERSAND)"),
    ("relations", "cmv_hidey2017", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("relations", "cmv_hidey2017", "calibration_ece", (), "—"),
    ("relations", "createdebate_argmin2016", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("stance", "ibm_claim_stance", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("stance", "ibm_claim_stance", "calibration_ece", (), "—"),
    ("stance", "debatepedia_pairs", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "in-domain TF-IDF + LR 0.567"),
    ("stance", "subreddit_agreement", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "62–64 % accuracy (BERT-class, DEBAGREEMENT)"),
    ("stance", "subreddit_agreement", "accuracy", ("baseline_majority_accuracy",), "62–64 % (BERT-class)"),
    ("stance", "subreddit_agreement", "post_stance_macro_f1", (), "—"),
    ("stance", "subreddit_agreement", "post_precision", (), "—"),
    ("maps", "cmv_hidey2017", "drawn_precision", (), "target >= 0.35 held out (0.17 before)"),
    ("maps", "cmv_hidey2017", "within_post_recall", (), "target >= 0.25 held out"),
    ("maps", "cmv_hidey2017", "post_precision", (), "target >= 0.60 held out"),
    ("maps", "cmv_hidey2017", "post_recall", (), "target >= 0.30 held out"),
    ("maps", "cmv_hidey2017", "calibration_ece", (), "—"),
    ("maps", "cdcp", "drawn_precision", (), "—"),
    ("maps", "cdcp", "calibration_ece", (), "—"),
    ("maps", "createdebate_argmin2016", "drawn_precision", (), "—"),
    ("maps", "createdebate_argmin2016", "post_precision", (), "—"),
    ("topics", "argkp", "topic_v_measure", ("baseline_one_cluster_v_measure", "baseline_kmeans_v_measure"), "—"),
    ("topics", "argkp", "topic_ari", ("baseline_kmeans_ari",), "—"),
    ("summaries", "argkp", "keypoint_coverage", ("baseline_random_keypoint_coverage", "baseline_centroid_keypoint_coverage", "baseline_kmeans_medoids_keypoint_coverage"), "—"),
    ("summaries", "argkp", "redundancy", ("baseline_random_redundancy", "baseline_centroid_redundancy", "baseline_kmeans_medoids_redundancy"), "—"),
]
SHIPPABLE = ("argkp", "cdcp", "createdebate_argmin2016", "ibm_claim_stance")
FOLDS = 5




def corpus_path(data: Path, corpus: str) -> Path:
    return data / corpus / f"{corpus}.dev.jsonl"


def corpus_figures(data: Path, task: str, corpus: str, part: str, cache: dict) -> dict:
    key = (task, corpus, part)
    if key not in cache:
        result = argmap.evaluate([str(corpus_path(data, corpus))], task=task, part=part)
        cache[key] = result.get("pooled") or next(iter(result.get("corpora", {}).values()), {})
    return cache[key]


def training_corpora() -> set[str]:
    """Corpora the shipped relation model learned from."""
    path = Path(argmap.__file__).parent / "resources" / "relation_model.json"
    if not path.exists():
        return set()
    return {c["name"] for c in orjson.loads(path.read_bytes()).get("training_corpora", [])}


def cross_validated(data: Path, task: str, corpus: str, cache: dict) -> dict:
    """Mean over grouped folds of the study part, each fold's model trained like the shipped
    one (the other folds plus the study parts of the other shippable corpora)."""
    key = ("cv", task, corpus)
    if key in cache:
        return cache[key]
    from argmap.evaluation import load_corpora
    from argmap.evaluation.relations import evaluate_relations
    from argmap.evaluation.splits import group_of
    from argmap.evaluation.stance import evaluate_stance
    from argmap.link.training import fit_model

    records = load_corpora([corpus_path(data, corpus)], "study")[corpus]
    others = load_corpora([corpus_path(data, c) for c in SHIPPABLE if c != corpus], "study")
    folds: list[list[dict]] = [[] for _ in range(FOLDS)]
    for record in records:
        digest = hashlib.sha256(group_of(corpus, record).encode()).digest()
        folds[int.from_bytes(digest[:4], "big") % FOLDS].append(record)
    figures: dict[str, list[float]] = {}
    for k, test in enumerate(folds):
        if not test:
            continue
        train = [r for j, fold in enumerate(folds) if j != k for r in fold]
        model, _ = fit_model({**others, corpus: train}, part="study")
        scorer = evaluate_stance if task == "stance" else evaluate_relations
        for name, value in scorer({corpus: test}, model=model)["pooled"].items():
            if isinstance(value, float):
                figures.setdefault(name, []).append(value)
    cache[key] = {name: sum(v) / len(v) for name, v in figures.items()}
    return cache[key]


def fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else ("—" if value is None else str(value))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data(__file__))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cv", action="store_true", help="add grouped CV on the study part "
                        "for corpora the shipped model learns from (slow)")
    parser.add_argument("--parts", default="all,study,sealed")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    cache: dict = {}
    trained_on = training_corpora()
    rows = []
    started = time.perf_counter()
    for task, corpus, figure, baselines, anchor in ROWS:
        trained = task in ("relations", "stance", "maps") and corpus in trained_on
        row = {"task": task, "corpus": corpus, "figure": figure, "anchor": anchor,
               "training_data": trained}
        for part in parts:
            row[part] = corpus_figures(args.data, task, corpus, part, cache).get(figure)
        base_part = "sealed" if "sealed" in parts else parts[-1]
        figures = corpus_figures(args.data, task, corpus, base_part, cache)
        row["baselines"] = {b: figures.get(b) for b in baselines}
        row["baselines_part"] = base_part
        if args.cv and trained and task in ("relations", "stance"):
            row["cv"] = cross_validated(args.data, task, corpus, cache).get(figure)
        rows.append(row)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    names = {"all": "dev (all)", "study": "study", "sealed": "**sealed**"}
    head = [names.get(p, p) for p in parts] + (["CV (study)"] if args.cv else [])
    print(f"| task | corpus | figure | {' | '.join(head)} | baselines (sealed, same run) "
          "| target / anchor |")
    print("|---|---|---|" + "---|" * len(head) + "---|---|")
    for row in rows:
        base = ", ".join(
            f"{name.removeprefix('baseline_').removesuffix('_' + row['figure'])} {fmt(v)}"
            for name, v in row["baselines"].items()) or "—"
        mark = " (model learns from its study part)" if row["training_data"] else ""
        cells = [f"**{fmt(row[p])}**" if p == "sealed" else fmt(row[p]) for p in parts]
        if args.cv:
            cells.append(fmt(row.get("cv")))
        print(f"| {row['task']} | {row['corpus']}{mark} | {row['figure']} | "
              f"{' | '.join(cells)} | {base} | {row['anchor']} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
