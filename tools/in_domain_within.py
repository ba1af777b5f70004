"""Within-post structure on ChangeMyView learned from ChangeMyView itself: the in-domain
reference of the CMV within-post target. Evaluation only: CMV states no licence, so nothing
fitted here is shipped (README, "Licences of data and model").

    python tools/in_domain_within.py [--data ../shared/data]

Why: round 3 (docs/quality.md) showed that the within-post target hinges on telling a post's
points from their premises, and no structural rule did that in a way the sealed part confirms.
This asks the question the owner needs for a decision: would a model *learned from CMV* do it?
Two logistic regressions over argmap's own claims (as ``argmap eval --task maps`` maps the
records): "the claim stands for a gold unit" (arguing) and "it stands for a claim unit"
(point), from the claim's words (TF-IDF) and the structural cues of tools/study_within.py.
Each arguing non-point joins the nearest point before it, scored with the scorer's
span-overlap rule. Both models learn on the study part; for each recall level the thresholds
with the best precision are chosen on the study part's out-of-fold predictions (grouped 5-fold
by thread), then the models refitted on all of study are scored once on the sealed part with
those thresholds.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import orjson
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from study_within import CORPUS, mapped_records, nearest_point_joins

from argmap.evaluation.data import shared_data
from argmap.evaluation.splits import select

FOLDS = 5
CUES = ("first", "paragraph_first", "first_person", "normative", "premise_opener", "question",
        "evidence", "paragraph_last", "central", "central_in_paragraph", "echo_in_paragraph")
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)


def claim_rows(records: Sequence[dict]) -> list[dict]:
    """One row per claim of every post: text, cues, labels and what scoring a join needs."""
    rows = []
    for mapped in mapped_records(list(records)):
        for post_id, (claims, cues) in mapped.posts.items():
            for i, (claim, cue) in enumerate(zip(claims, cues, strict=True)):
                rows.append({"record": mapped.id, "post": post_id, "text": claim.text,
                             "cues": cue, "units": mapped.stands_for[claim.id],
                             "arguing": bool(mapped.stands_for[claim.id]),
                             "point": mapped.is_point(claim), "gold": mapped.gold,
                             "position": i / max(1, len(claims) - 1)})
    return rows


def _matrix(rows: Sequence[dict], words: TfidfVectorizer, fit: bool) -> sparse.csr_matrix:
    texts = [r["text"] for r in rows]
    tfidf = words.fit_transform(texts) if fit else words.transform(texts)
    dense = np.array([[float(r["cues"][c]) for c in CUES] + [r["position"]] for r in rows])
    return sparse.hstack([tfidf, sparse.csr_matrix(dense)]).tocsr()


def fit_predict(train: Sequence[dict], test: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
    """P(arguing), P(point) of the test claims from models fitted on the train claims."""
    words = TfidfVectorizer(min_df=2, sublinear_tf=True)
    x_train, x_test = _matrix(train, words, True), _matrix(test, words, False)
    out = []
    for label in ("arguing", "point"):
        model = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")
        model.fit(x_train, [r[label] for r in train])
        out.append(model.predict_proba(x_test)[:, 1])
    return out[0], out[1]


def score(rows: Sequence[dict], arguing: np.ndarray, point: np.ndarray, t_arg: float,
          t_point: float) -> tuple[float, float, int]:
    """(precision, within-post recall, joins) of nearest-point joins under the thresholds."""
    by_post: dict[str, list[int]] = {}
    for n, row in enumerate(rows):
        by_post.setdefault(row["post"], []).append(n)
    right = joins = 0
    found: dict[str, set] = {}
    for members in by_post.values():
        keep = [bool(arguing[n] >= t_arg) for n in members]
        points = [bool(point[n] >= t_point) for n in members]
        for i, j in nearest_point_joins(points, keep):
            a, b = rows[members[i]], rows[members[j]]
            hit = {(u, v) for u in a["units"] for v in b["units"]} & a["gold"]
            joins += 1
            right += bool(hit)
            found.setdefault(a["record"], set()).update(hit)
    gold = {row["record"]: len(row["gold"]) for row in rows}
    recall = sum(len(v) for v in found.values()) / max(1, sum(gold.values()))
    return right / max(1, joins), recall, joins


def out_of_fold(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    fold = [int.from_bytes(hashlib.sha256(r["record"].encode()).digest()[:4], "big") % FOLDS
            for r in rows]
    arguing, point = np.zeros(len(rows)), np.zeros(len(rows))
    for k in range(FOLDS):
        train = [r for r, f in zip(rows, fold, strict=True) if f != k]
        test = [n for n, f in enumerate(fold) if f == k]
        if test:
            arguing[test], point[test] = fit_predict(train, [rows[n] for n in test])
    return arguing, point


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data(__file__))
    args = parser.parse_args(argv)
    path = args.data / CORPUS / f"{CORPUS}.dev.jsonl"
    records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    study = claim_rows(select(CORPUS, records, "study"))
    sealed = claim_rows(select(CORPUS, records, "sealed"))
    arguing, point = out_of_fold(study)
    among = [n for n, r in enumerate(study) if r["arguing"]]
    print(f"claims: study {len(study)}, sealed {len(sealed)}; out-of-fold ROC AUC: arguing "
          f"{roc_auc_score([r['arguing'] for r in study], arguing):.3f}, point among arguing "
          f"{roc_auc_score([study[n]['point'] for n in among], point[among]):.3f}")
    grid = {(a, p): score(study, arguing, point, a, p) for a in THRESHOLDS for p in THRESHOLDS}
    print(f"highest within-post recall of any thresholds (study, out of fold): "
          f"{max(v[1] for v in grid.values()):.3f}")
    sealed_arguing, sealed_point = fit_predict(study, sealed)
    print("| recall at least (study) | thresholds | study OOF precision / recall (joins) | "
          "sealed precision / recall (joins) |\n|---|---|---|---|")
    for level in (0.10, 0.15, 0.20, 0.25):
        meeting = {k: v for k, v in grid.items() if v[1] >= level}
        if not meeting:
            print(f"| {level:.2f} | none reaches it | - | - |")
            continue
        best = max(meeting, key=lambda k: (meeting[k][0], meeting[k][1]))
        on_sealed = score(sealed, sealed_arguing, sealed_point, *best)
        print(f"| {level:.2f} | arguing >= {best[0]}, point >= {best[1]} | "
              f"{grid[best][0]:.3f} / {grid[best][1]:.3f} ({grid[best][2]}) | "
              f"{on_sealed[0]:.3f} / {on_sealed[1]:.3f} ({on_sealed[2]}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
