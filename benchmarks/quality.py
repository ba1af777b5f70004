"""Regenerate the README's quality table: every labelled corpus, every task, argmap beside the
baselines computed in the same run and the published anchors.

    python benchmarks/quality.py [--data ../shared/data] [--json]

It calls ``argmap.evaluate`` (the same code as ``argmap eval``) on the development part of each
corpus. These are dev-set figures of the shipped configuration; the held-out part is never seen.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import orjson

import argmap

# (task, corpus folder, figure, baseline figures, published anchor)
ROWS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("segmentation", "arg_microtexts", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "—"),
    ("segmentation", "arg_microtexts_part2", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "—"),
    ("segmentation", "cdcp", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "—"),
    ("segmentation", "cmv_hidey2017", "segmentation_f1_overlap50", ("baseline_sentence_segmentation_f1_overlap50",), "claim F1 67.1 (AMPERSAND)"),
    ("relations", "arg_microtexts", "attachment_f1", ("baseline_adjacent_attachment_f1",), "—"),
    ("relations", "arg_microtexts", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "0.70 in-domain / 0.61 cross-domain (transformers)"),
    ("relations", "arg_microtexts_part2", "attachment_f1", ("baseline_adjacent_attachment_f1",), "—"),
    ("relations", "arg_microtexts_part2", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("relations", "cmv_hidey2017", "attachment_f1", ("baseline_adjacent_attachment_f1",), "inter-turn precision 18.9 (AMPERSAND)"),
    ("relations", "cmv_hidey2017", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("relations", "createdebate_argmin2016", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("stance", "ibm_claim_stance", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("stance", "debatepedia_pairs", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "—"),
    ("stance", "subreddit_agreement", "stance_macro_f1", ("baseline_majority_stance_macro_f1", "baseline_connective_stance_macro_f1"), "62–64 % accuracy (BERT-class, DEBAGREEMENT)"),
    ("stance", "subreddit_agreement", "accuracy", ("baseline_majority_accuracy",), "62–64 % (BERT-class)"),
    ("topics", "argkp", "topic_v_measure", ("baseline_one_cluster_v_measure", "baseline_kmeans_v_measure"), "—"),
    ("topics", "argkp", "topic_ari", ("baseline_kmeans_ari",), "—"),
    ("summaries", "argkp", "keypoint_coverage", ("baseline_random_keypoint_coverage", "baseline_centroid_keypoint_coverage", "baseline_kmeans_medoids_keypoint_coverage"), "—"),
    ("summaries", "argkp", "redundancy", ("baseline_random_redundancy", "baseline_centroid_redundancy", "baseline_kmeans_medoids_redundancy"), "—"),
]


def default_data() -> Path:
    here = Path(__file__).resolve().parents[1]
    for candidate in (here.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    return here.parent / "shared" / "data"


def corpus_figures(data: Path, task: str, corpus: str, cache: dict) -> dict:
    key = (task, corpus)
    if key not in cache:
        path = data / corpus / f"{corpus}.dev.jsonl"
        result = argmap.evaluate([str(path)], task=task)
        figures = result.get("pooled") or next(iter(result.get("corpora", {}).values()), {})
        cache[key] = figures
    return cache[key]


def training_corpora() -> set[str]:
    """Corpora the shipped relation model learned from: their dev figures are not held out."""
    path = Path(argmap.__file__).parent / "resources" / "relation_model.json"
    if not path.exists():
        return set()
    return {c["name"] for c in orjson.loads(path.read_bytes()).get("training_corpora", [])}


def fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else ("—" if value is None else str(value))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cache: dict = {}
    trained_on = training_corpora()
    rows = []
    started = time.perf_counter()
    for task, corpus, figure, baselines, anchor in ROWS:
        figures = corpus_figures(args.data, task, corpus, cache)
        rows.append(
            {
                "task": task,
                "corpus": corpus,
                "figure": figure,
                "argmap": figures.get(figure),
                "baselines": {b: figures.get(b) for b in baselines},
                "anchor": anchor,
                "training_data": task in ("relations", "stance") and corpus in trained_on,
            }
        )
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    print("| task | corpus (dev) | figure | argmap | baselines (same run) | published anchor |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        base = ", ".join(
            f"{name.removeprefix('baseline_').removesuffix('_' + row['figure'])} {fmt(v)}"
            for name, v in row["baselines"].items()
        )
        mark = " (trained on: not held out)" if row["training_data"] else ""
        print(
            f"| {row['task']} | {row['corpus']}{mark} | {row['figure']} | **{fmt(row['argmap'])}** | "
            f"{base} | {row['anchor']} |"
        )
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
