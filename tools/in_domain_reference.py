"""What a model trained on the corpus itself would score: the in-domain word-level reference
of a pair corpus argmap may not learn from. Evaluation only: nothing here is shipped.

Why: argmap's relation model learns only from corpora whose licence permits a derived model
(README, "Licences of data and model"). Two targets of issue 15 are judged on corpora that
state no licence (Reddit agreement, Debatepedia), so argmap meets them without ever seeing
their kind of text. The owner re-scoped Debatepedia to its in-domain word-level reference
(0.567); this tool measures that reference the same way for any pair corpus, so a target can be
read against it: is it out of reach of words, or only of the data we may learn from?

The recipe is the plainest one: TF-IDF of the responding text (``child``; ``--with-parent``
adds the parent's words as separate features), word 1-2-grams plus "!" and "?", logistic
regression with balanced classes. Its regularisation and n-grams are chosen by grouped 5-fold
CV on the **study** part (groups never split), refitted on all of study and scored **once** on
the sealed part, with a 95 % interval from a bootstrap over the sealed groups.

    python tools/in_domain_reference.py subreddit_agreement
    python tools/in_domain_reference.py debatepedia_pairs --with-parent
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import orjson
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from argmap.evaluation.data import shared_data
from argmap.evaluation.splits import group_of, select

FOLDS = 5
GRID = [(c, ngrams) for c in (0.1, 0.3, 1.0, 3.0) for ngrams in ((1, 1), (1, 2))]
TOKENS = r"(?u)\b\w+\b|[!?]"


def _fold(group: str) -> int:
    return int.from_bytes(hashlib.sha256(group.encode()).digest()[:4], "big") % FOLDS


class WordModel:
    """TF-IDF of the child (and, with ``parent``, of the parent in columns of its own) fed to a
    balanced logistic regression."""

    def __init__(self, c: float, ngrams: tuple[int, int], parent: bool) -> None:
        self.c, self.parent = c, parent
        self.child_words = TfidfVectorizer(ngram_range=ngrams, min_df=2, sublinear_tf=True,
                                           token_pattern=TOKENS)
        self.parent_words = TfidfVectorizer(ngram_range=ngrams, min_df=2, sublinear_tf=True,
                                            token_pattern=TOKENS)

    def _features(self, records: Sequence[dict], fit: bool) -> sparse.csr_matrix:
        def words(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
            return vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts)
        blocks = [words(self.child_words, [r["child"] for r in records])]
        if self.parent:
            blocks.append(words(self.parent_words, [r["parent"] for r in records]))
        return sparse.hstack(blocks).tocsr()

    def fit(self, records: Sequence[dict]) -> WordModel:
        self.model = LogisticRegression(C=self.c, max_iter=5000, class_weight="balanced")
        self.model.fit(self._features(records, fit=True), [r["label"] for r in records])
        return self

    def predict(self, records: Sequence[dict]) -> list[str]:
        return list(self.model.predict(self._features(records, fit=False)))


def macro_f1(records: Sequence[dict], predicted: Sequence[str]) -> float:
    return float(f1_score([r["label"] for r in records], list(predicted), average="macro"))


def grouped_cv(corpus: str, study: list[dict], c: float, ngrams: tuple[int, int],
               parent: bool) -> float:
    """Out-of-fold macro-F1 on the study part, folds by group."""
    folds = [_fold(group_of(corpus, r)) for r in study]
    predicted: list[str] = [""] * len(study)
    for fold in range(FOLDS):
        train = [r for r, f in zip(study, folds, strict=True) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        if not test:
            continue
        model = WordModel(c, ngrams, parent).fit(train)
        for i, label in zip(test, model.predict([study[i] for i in test]), strict=True):
            predicted[i] = label
    return macro_f1(study, predicted)


def bootstrap(corpus: str, records: list[dict], predicted: list[str], rounds: int = 2000
              ) -> tuple[float, float]:
    """95 % interval of macro-F1 over resampled sealed groups."""
    groups: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        groups.setdefault(group_of(corpus, record), []).append(i)
    members = list(groups.values())
    rng = np.random.default_rng(0)
    scores = []
    for _ in range(rounds):
        picked = [i for g in rng.integers(0, len(members), len(members)) for i in members[g]]
        scores.append(macro_f1([records[i] for i in picked], [predicted[i] for i in picked]))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a pair corpus of ../shared/data, e.g. subreddit_agreement")
    parser.add_argument("--with-parent", action="store_true",
                        help="also the parent's words (separate columns)")
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
    args = parser.parse_args(argv)
    data = args.data or shared_data(__file__)
    path = data / args.corpus / f"{args.corpus}.dev.jsonl"
    records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    study, sealed = select(args.corpus, records, "study"), select(args.corpus, records, "sealed")
    print(f"{args.corpus}: study {len(study)} records, sealed {len(sealed)}", file=sys.stderr)
    cv = {(c, ng): grouped_cv(args.corpus, study, c, ng, args.with_parent) for c, ng in GRID}
    for (c, ng), score in cv.items():
        print(f"  study CV  C={c:<4} n-grams {ng}: {score:.3f}", file=sys.stderr)
    c, ngrams = max(cv, key=lambda key: (cv[key], -key[0]))
    predicted = WordModel(c, ngrams, args.with_parent).fit(study).predict(sealed)
    score = macro_f1(sealed, predicted)
    low, high = bootstrap(args.corpus, sealed, predicted)
    print(f"chosen on study CV: C={c}, n-grams {ngrams} (CV {cv[(c, ngrams)]:.3f}); "
          f"sealed macro-F1 {score:.3f} [{low:.3f}, {high:.3f}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
