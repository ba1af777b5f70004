"""Tune topic and summary settings on ArgKP with cross-validation grouped by debate topic.

Every candidate setting is scored per (debate topic, stance) group once. Then, for each fold of
debate topics held out, the setting with the best mean on the other topics is chosen and
scored on the held-out topics. The mean held-out figure is what to expect on unseen topics;
the setting chosen most often is what to ship (ARGUMENT_OPTIONS in evaluation/topics.py, the
constants at the top of summarize.py).

    python tools/tune_topics.py /work/shared/data/argkp/argkp.dev.jsonl --task topics
    python tools/tune_topics.py /work/shared/data/argkp/argkp.dev.jsonl --task summaries
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from argmap.analysis import summarize as summarize_module
from argmap.evaluation.summaries import summary_group_figures
from argmap.evaluation.topics import ARGUMENT_OPTIONS, topic_group_figures

TOPIC_GRID = {  # (an earlier, wider grid showed max_topic_share=0.1 always wins; lsa_dims 40 loses)
    "claims_per_topic": [8, 14],
    "max_topic_share": [0.1],
    "min_similarity": [0.0, 0.2],
    "lsa_dims": [5, 10, 20],
    "min_topic_size": [2, 3],
}
SUMMARY_GRID = {  # (an earlier grid: CONCEPT_POWER 0 and 0.5 and MAX_CONCEPT_SHARE 0.2 lose)
    "CONCEPT_POWER": [0.25, 0.5],
    "MAX_CONCEPT_SHARE": [0.3, 0.5],
    "SUBJECT_DAMPING": [0.0, 1.0, 2.0],
}


def score_topics(records: list[dict], setting: dict[str, Any]) -> dict[str, float]:
    rows = topic_group_figures(records, replace(ARGUMENT_OPTIONS, **setting), baselines=False)
    return {f"{r['topic']}|{r['stance']}": float(r["topic_v_measure"]) for r in rows}


def score_summaries(records: list[dict], setting: dict[str, Any]) -> dict[str, float]:
    saved = {name: getattr(summarize_module, name) for name in setting}
    try:
        for name, value in setting.items():
            setattr(summarize_module, name, value)
        rows = summary_group_figures(records, baselines=False)
    finally:
        for name, value in saved.items():
            setattr(summarize_module, name, value)
    return {f"{r['topic']}|{r['stance']}": float(r["keypoint_coverage"]) for r in rows}


def cross_validate(
    records: list[dict],
    grid: dict[str, list[Any]],
    score: Callable[[list[dict], dict[str, Any]], dict[str, float]],
    folds: int,
) -> dict[str, Any]:
    """Print each fold's choice and held-out score; return the setting chosen most often."""
    names = sorted(grid)
    settings = [dict(zip(names, values, strict=True))
                for values in itertools.product(*(grid[n] for n in names))]
    scores = []
    for setting in settings:
        scores.append(score(records, setting))
        print(setting, "all-dev", round(float(np.mean(list(scores[-1].values()))), 4), flush=True)
    keys = sorted(scores[0])
    topics = sorted({key.split("|")[0] for key in keys})
    fold_of = {topic: i % folds for i, topic in enumerate(topics)}  # round-robin, sorted
    held_out, chosen = [], Counter()
    for fold in range(folds):
        train = [k for k in keys if fold_of[k.split("|")[0]] != fold]
        test = [k for k in keys if fold_of[k.split("|")[0]] == fold]
        best = max(range(len(settings)),
                   key=lambda i: (float(np.mean([scores[i][k] for k in train])), -i))
        chosen[best] += 1
        held_out.append(float(np.mean([scores[best][k] for k in test])))
        print(f"fold {fold}: chose {settings[best]}, held-out {held_out[-1]:.4f}")
    print(f"mean held-out: {np.mean(held_out):.4f} (sd over folds {np.std(held_out):.4f})")
    top = chosen.most_common(1)[0][0]
    print("chosen most often:", settings[top],
          "all-dev", round(float(np.mean(list(scores[top].values()))), 4))
    return settings[top]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--task", choices=["topics", "summaries"], default="topics")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    records = [orjson.loads(line) for line in args.data.read_bytes().splitlines() if line]
    if args.task == "topics":
        cross_validate(records, TOPIC_GRID, score_topics, args.folds)
    else:
        cross_validate(records, SUMMARY_GRID, score_summaries, args.folds)


if __name__ == "__main__":
    main()
