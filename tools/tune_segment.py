"""Choose the segmenter's rule settings by cross-validation grouped by topic.

Why: one lucky number on the whole dev set says nothing about the held-out part. Each corpus
is cut into 5 folds by group (``evaluation.splits.group_of``: microtexts topic, CMV original
post, CDCP split_group), on the study part only by default (the sealed part is never tuned on). For each fold,
the setting with the best mean overlap50 F1 over the four corpora on the OTHER folds is chosen
and scored on the held-out fold. The report gives the mean held-out figure per corpus (argmap
and the one-unit-per-sentence baseline) and how often each setting was chosen.

Usage::

    python tools/tune_segment.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
from collections import Counter
from dataclasses import replace
from pathlib import Path

from argmap.evaluation.data import shared_data
from argmap.evaluation.segmentation import (
    evaluate_segmentation,
    gold_spans,
    load_records,
    match_counts,
    predict,
    sentence_baseline,
)
from argmap.evaluation.splits import group_of, select
from argmap.options import SegmentOptions

CORPORA = ("arg_microtexts", "arg_microtexts_part2", "cdcp", "cmv_hidey2017")
FOLDS = 5
GRID = {
    "min_claim_words": (2, 3, 4, 5),
    "min_clause_words": (2, 3, 4, 5),
    "split_at_and": (False, True),
    "trim_leading_connective": (False, True),
    "keep_questions": (False,),  # product choice: questions are not claims (--with-questions)
    "split_clauses": (False, True),
}




def fold_of(group: str) -> int:
    """A stable fold number from the group name (no RNG, no dependence on record order)."""
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % FOLDS


def settings(grid: dict[str, tuple]) -> list[SegmentOptions]:
    out = []
    keys = sorted(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        chosen = dict(zip(keys, values, strict=True))
        if not chosen["split_clauses"] and (
            chosen["min_clause_words"] != grid["min_clause_words"][0] or chosen["split_at_and"]
        ):
            continue  # clause settings are irrelevant without clause splitting
        out.append(replace(SegmentOptions(), **chosen))
    return out


def f1(counts: Counter) -> float:
    p = counts["overlap50"] / counts["predicted"] if counts["predicted"] else 0.0
    r = counts["overlap50"] / counts["gold"] if counts["gold"] else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = shared_data(__file__)
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument(
        "--with-questions", action="store_true", help="also try keep_questions=True"
    )
    parser.add_argument("--part", default="study", choices=("all", "study", "sealed"),
                        help="the part of each corpus to fold (default study: the sealed "
                             "part is only scored, by benchmarks/quality.py)")
    args = parser.parse_args()
    grid = dict(GRID)
    if args.with_questions:
        grid["keep_questions"] = (False, True)
    records = {c: select(c, load_records(args.data / c / f"{c}.dev.jsonl"), args.part)
               for c in CORPORA}
    candidates = settings(grid)
    # counts[setting][corpus][fold] -> Counter of match counts
    counts = [{c: [Counter() for _ in range(FOLDS)] for c in CORPORA} for _ in candidates]
    baseline = {c: [Counter() for _ in range(FOLDS)] for c in CORPORA}
    for corpus, recs in records.items():
        for record in recs:
            fold = fold_of(group_of(corpus, record))
            gold = gold_spans(record)
            baseline[corpus][fold].update(
                match_counts(record["text"], sentence_baseline(record), gold)
            )
            for index, options in enumerate(candidates):
                claims, _ = predict(record, options)
                counts[index][corpus][fold].update(match_counts(record["text"], claims, gold))

    def train_score(index: int, held_out: int) -> float:
        scores = []
        for corpus in CORPORA:
            total = Counter()
            for fold in range(FOLDS):
                if fold != held_out:
                    total.update(counts[index][corpus][fold])
            scores.append(f1(total))
        return sum(scores) / len(scores)

    chosen_count: Counter = Counter()
    held = {c: [] for c in CORPORA}
    held_base = {c: [] for c in CORPORA}
    for fold in range(FOLDS):
        best = max(range(len(candidates)), key=lambda i: (train_score(i, fold), -i))
        chosen_count[best] += 1
        for corpus in CORPORA:
            held[corpus].append(f1(counts[best][corpus][fold]))
            held_base[corpus].append(f1(baseline[corpus][fold]))
    print(f"{len(candidates)} settings, {FOLDS} folds grouped by evaluation.splits.group_of, "
          f"part {args.part}")
    print(f"{'corpus':22s} {'argmap F1@50 (held-out mean)':>30s} {'sentence baseline':>18s}")
    for corpus in CORPORA:
        mean = sum(held[corpus]) / FOLDS
        base = sum(held_base[corpus]) / FOLDS
        folds = " ".join(f"{x:.3f}" for x in held[corpus])
        print(f"{corpus:22s} {mean:30.3f} {base:18.3f}   folds: {folds}")
    for index, times in chosen_count.most_common():
        option = candidates[index]
        picked = {k: getattr(option, k) for k in sorted(GRID)}
        print(f"chosen in {times}/{FOLDS} folds: {picked}")
    overall = max(range(len(candidates)), key=lambda i: (train_score(i, -1), -i))
    picked = {k: getattr(candidates[overall], k) for k in sorted(GRID)}
    print(f"best on all folds: {picked} mean F1@50 {train_score(overall, -1):.3f}")

    print("whole dev set at the shipped defaults (SegmentOptions()), argmap | sentence baseline:")
    for corpus in CORPORA:
        figures = evaluate_segmentation(records[corpus], SegmentOptions())
        print(f"{corpus:22s} " + _row(figures, "") + " | " + _row(figures, "baseline_sentence_"))


def _row(figures: dict[str, float], prefix: str) -> str:
    parts = []
    for kind in ("overlap50", "exact"):
        p = figures[f"{prefix}segmentation_precision_{kind}"]
        r = figures[f"{prefix}segmentation_recall_{kind}"]
        f = figures[f"{prefix}segmentation_f1_{kind}"]
        parts.append(f"{kind} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    if not prefix:
        kept, dropped = figures["gold_text_kept"], figures["gold_text_dropped"]
        parts.append(f"kept {kept:.3f} dropped {dropped:.3f}")
    return "; ".join(parts)


if __name__ == "__main__":
    main()
