"""Grouped cross-validation of the relation model, per corpus, plus the shipped model's figures.

Usage: python tools/cv_relations.py [--folds 5] [--part study] [--data ../shared/data] [--shipped-recipe] [CORPUS ...]

Folds are cut from the study part by default (``evaluation.splits``): the sealed part is only
ever scored.

For each corpus the records are split into folds by group (microtext topic, CMV original post,
CreateDebate thread, CDCP split group, pair-corpus group), so no topic or discussion is both
trained and tested on. Each fold trains an in-domain model on the other folds (``fit_model``)
and scores the held-out fold with the same ``evaluate_relations``/``evaluate_stance`` the
product's ``evaluate`` uses. Printed: mean held-out figures, the baselines of the same folds,
and the shipped model on the whole development part (marked when the shipped model was
trained on that corpus, i.e. the figure is not held out).

``--shipped-folds`` trains nothing: it scores the shipped model on each fold, the spread a
held-out part of that size may show. ``--shipped-recipe`` trains each fold the way the shipped model is trained: the held-in folds
plus every other shippable corpus (SHIPPABLE). For a corpus the shipped model learns from
(claim stance), that fold mean is the honest estimate of its held-out figure.

``--bow-reference`` adds, for the pair corpora, what a supervised bag-of-words model reaches
when it is trained on the corpus itself (TF-IDF of word 1-2-grams of both texts, logistic
regression, the same grouped folds). It is a ceiling for word-level evidence, not a product
figure: the shipped model may not learn from most of these corpora, so a target the in-domain
reference cannot reach needs more than words (entailment, world knowledge).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from argmap.evaluation import load_corpora
from argmap.evaluation.data import shared_data
from argmap.evaluation.relations import evaluate_relations
from argmap.evaluation.splits import group_of
from argmap.evaluation.stance import evaluate_stance
from argmap.link.relation_model import default_model
from argmap.link.training import fit_model

RELATION_CORPORA = ("arg_microtexts", "arg_microtexts_part2", "cmv_hidey2017",
                    "createdebate_argmin2016", "cdcp")
STANCE_CORPORA = ("ibm_claim_stance", "debatepedia_pairs", "subreddit_agreement")
# The corpora the shipped model is trained on (their licences permit a derived model).
SHIPPABLE = ("argkp", "cdcp", "createdebate_argmin2016", "ibm_claim_stance")
KEYS = ("attachment_f1", "baseline_adjacent_attachment_f1", "stance_macro_f1",
        "baseline_connective_stance_macro_f1", "baseline_majority_stance_macro_f1",
        "attachment_f1_within_post", "attachment_f1_across_posts",
        "stance_macro_f1_within_post", "stance_macro_f1_across_posts", "accuracy",
        "baseline_majority_accuracy", "baseline_connective_accuracy")


def folds(corpus: str, records: list[dict], k: int) -> list[list[int]]:
    """Record indices per fold; a group goes to the fold its hashed name picks."""
    out: list[list[int]] = [[] for _ in range(k)]
    for i, record in enumerate(records):
        digest = hashlib.sha256(group_of(corpus, record).encode()).digest()
        out[int.from_bytes(digest[:4], "big") % k].append(i)
    return out


def score(corpus: str, records: list[dict], model) -> dict:
    data = {corpus: records}
    if corpus in STANCE_CORPORA:
        return evaluate_stance(data, model=model)["pooled"]
    return evaluate_relations(data, model=model)["pooled"]


def cross_validate(corpus: str, records: list[dict], k: int,
                   extra: dict[str, list[dict]] | None = None) -> dict:
    per_fold = []
    for test in folds(corpus, records, k):
        if not test:
            continue
        held = set(test)
        train = [r for i, r in enumerate(records) if i not in held]
        model, _ = fit_model({**(extra or {}), corpus: train})
        per_fold.append(score(corpus, [records[i] for i in test], model))
    means = {}
    for key in KEYS:
        values = [f[key] for f in per_fold if f.get(key) is not None]
        if values:
            means[key] = round(sum(values) / len(values), 4)
    return {"folds": len(per_fold), **means}


def _pair_matrix(vectorisers: tuple, rows: list[dict], fit: bool):
    """Child and parent TF-IDF side by side (fitted on the training rows only)."""
    from scipy.sparse import hstack

    parts = []
    for vectoriser, field in zip(vectorisers, ("child", "parent"), strict=True):
        texts = [r[field] for r in rows]
        parts.append(vectoriser.fit_transform(texts) if fit else vectoriser.transform(texts))
    return hstack(parts).tocsr()


def bow_reference(corpus: str, records: list[dict], k: int) -> dict:
    """Grouped-CV macro-F1 of an in-domain TF-IDF + logistic regression pair classifier."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    usable = [r for r in records if r.get("label") in STANCE_LABELS]
    scores = []
    for test in folds(corpus, usable, k):
        held = set(test)
        train = [r for i, r in enumerate(usable) if i not in held]
        if not test or len({r["label"] for r in train}) < 2:
            continue
        vectorisers = tuple(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
                            for _ in range(2))
        clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        clf.fit(_pair_matrix(vectorisers, train, True), [r["label"] for r in train])
        tested = [usable[i] for i in test]
        predicted = clf.predict(_pair_matrix(vectorisers, tested, False))
        scores.append(f1_score([r["label"] for r in tested], predicted, average="macro"))
    return {"folds": len(scores),
            "stance_macro_f1": round(sum(scores) / len(scores), 4) if scores else None,
            "fold_figures": [round(v, 4) for v in scores]}


STANCE_LABELS = ("support", "attack", "agree", "disagree", "neutral")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", default=[*RELATION_CORPORA, *STANCE_CORPORA])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--part", default="study", choices=("all", "study", "sealed"),
                        help="the part of each corpus to fold (default study: the sealed "
                             "part is only scored, by benchmarks/quality.py)")
    parser.add_argument("--data", default=str(shared_data(__file__)))
    parser.add_argument("--shipped-recipe", action="store_true",
                        help="train every fold on the other shippable corpora too")
    parser.add_argument("--shipped-folds", action="store_true",
                        help="no training: the shipped model on each fold (its spread)")
    parser.add_argument("--bow-reference", action="store_true",
                        help="pair corpora: add an in-domain TF-IDF + LR reference (a ceiling "
                             "for word-level evidence, never shipped)")
    args = parser.parse_args(argv)
    shipped = default_model()
    shipped_on = {c["name"] for c in (shipped.meta.get("training_corpora", []) if shipped else [])}
    report = {}
    for corpus in args.corpora:
        path = Path(args.data) / corpus / f"{corpus}.dev.jsonl"
        records = load_corpora([path], args.part)[corpus]
        shipped_fig = score(corpus, records, shipped)
        extra = None
        if args.shipped_recipe:
            others = [Path(args.data) / c / f"{c}.dev.jsonl" for c in SHIPPABLE if c != corpus]
            extra = load_corpora(others, args.part)
        if args.shipped_folds:
            per_fold = [score(corpus, [records[i] for i in test], shipped)
                        for test in folds(corpus, records, args.folds) if test]
            figure = "stance_macro_f1" if corpus in STANCE_CORPORA else "attachment_f1"
            values = [f[figure] for f in per_fold if f.get(figure) is not None]
            report[corpus] = {"shipped_model_folds": {
                figure: round(sum(values) / len(values), 4),
                "folds": [round(v, 4) for v in values]}}
            print(json.dumps({corpus: report[corpus]}, sort_keys=True), flush=True)
            continue
        report[corpus] = {
            ("shipped_recipe_cv" if extra else "in_domain_cv"):
                cross_validate(corpus, records, args.folds, extra),
            "shipped_model": {k: round(v, 4) for k, v in shipped_fig.items()
                              if k in KEYS and v is not None},
            "shipped_model_trained_on_this_corpus": corpus in shipped_on,
        }
        if args.bow_reference and corpus in STANCE_CORPORA:
            report[corpus]["in_domain_bag_of_words"] = bow_reference(corpus, records,
                                                                     args.folds)
        print(json.dumps({corpus: report[corpus]}, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
