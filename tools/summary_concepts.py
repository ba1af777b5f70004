"""Concept-level summary variants on ArgKP, measured on the study part only (CV by debate topic).

Usage: python tools/summary_concepts.py [--data ../shared/data/argkp/argkp.dev.jsonl]

Why: tools/learn_summaries.py found that a learned per-argument score does not improve the
shipped greedy concept coverage; its waste on the study part is as much repetition (37 of 151
picks only repeat a covered key point) as unmatched picks (26). These variants attack the
repetition and the concepts themselves, still without topic words:

1. co-occurrence coverage: picking a claim also partly covers the concepts that co-occur with
   its own (after a pick with terms T, each concept t keeps (1 - max over s in T of
   P(t | s))**gamma of its weight, P from the group's claims), so a second wording of a point
   with other words gains less;
2. generic words: a concept found in many OTHER debate topics (the share of the training
   folds' topics using the stem, or its mean share of their arguments) is damped by
   (1 - that share)**beta, learned out of fold;
3. cohesive concepts: a concept's weight times (the mean TF-IDF cosine among the claims that
   share it, over the group's highest) ** gamma: a word whose claims also agree otherwise
   should be a point (its Spearman correlation with key-point purity is only 0.17);
4. richer neighbourhood features (TF-IDF, LSA and concept cosines: mean of the 1, 3, 10, 20
   nearest, mean, share above 0.3) added to learn_summaries' features for the "matches a key
   point" model, as a prior and as a floor.
5. cross-topic word associations for redundancy: from the training folds' topics, for every
   pair of stems used in at least 2, 3 or 5 topics, the smoothed lift of "two matched arguments,
   one with each stem, share a key point"; two arguments' score is the sum (or mean, or the
   shared stems' own lift only) over their stem pairs; out-of-fold ROC AUC over pairs of
   matched arguments, beside TF-IDF cosine.

Each prints coverage at k / smoothed over k-1, k, k+1 (gamma, beta 0: the shipped choice).
Nothing here touches the sealed part. Measured, not shipped: see docs/quality.md.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import orjson
from sklearn.linear_model import LogisticRegression

from argmap.evaluation.data import shared_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learn_summaries as L  # noqa: E402  (sibling scripts, not a package)
import study_summaries as SS  # noqa: E402


def cooccurrence_greedy(facts: SS.Facts, size: int, gamma: float) -> list[int]:
    """The shipped greedy where a pick also damps the concepts co-occurring with its own."""
    dense = facts.binary.toarray()
    together = dense.T @ dense
    given = together / np.maximum(np.diag(together)[:, None], 1.0)  # P(column | row)
    np.fill_diagonal(given, 0.0)
    left, unseen = facts.weight.copy(), np.ones(facts.weight.size)
    blocked, taken = ~facts.allowed.copy(), []
    for _ in range(size):
        score = facts.binary @ left + 1e-4 * (facts.binary @ unseen)
        score[blocked] = -np.inf
        pick = int(np.argmax(score))
        if not np.isfinite(score[pick]):
            break
        taken.append(pick)
        blocked[pick] = True
        terms = facts.binary.indices[facts.binary.indptr[pick]:facts.binary.indptr[pick + 1]]
        left[terms] = 0.0
        unseen[terms] = 0.0
        if len(terms):
            left *= (1.0 - given[terms].max(axis=0)) ** gamma
    return taken


def smoothed(groups: Sequence[L.Group], pick) -> tuple[float, float]:
    """(coverage at k, coverage smoothed over k-1, k, k+1) of ``pick(group, size)``."""
    at_k, smooth = [], []
    for group in groups:
        values = {size: group.coverage(pick(group, size))
                  for size in (group.k - 1, group.k, group.k + 1) if size >= 1}
        at_k.append(values[group.k])
        smooth.append(float(np.mean(list(values.values()))))
    return float(np.mean(at_k)), float(np.mean(smooth))


def topic_spread(groups: Sequence[L.Group]) -> tuple[Counter, Counter]:
    """Per stem: the share of these groups' topics using it, and its mean share of a topic's
    arguments."""
    topics = sorted({g.topic for g in groups})
    used, share = Counter(), Counter()
    for topic in topics:
        stems = [set(s) for g in groups if g.topic == topic for s in g.facts_at(1).stems]
        counts = Counter(stem for one in stems for stem in one)
        for stem, count in counts.items():
            used[stem] += 1 / len(topics)
            share[stem] += count / len(stems) / len(topics)
    return used, share


def generic_greedy(group: L.Group, size: int, damping: dict[str, float]) -> list[int]:
    facts = group.facts_at(size)
    vocabulary = sorted(set().union(*facts.stems))
    weight = facts.weight * np.array([damping.get(stem, 1.0) for stem in vocabulary])
    changed = SS.Facts(facts.texts, facts.stems, facts.counts, facts.tfidf, facts.binary,
                       weight, facts.allowed, facts.density)
    return SS.greedy(changed, size, SS.concept_gain)


def cohesion(facts: SS.Facts) -> np.ndarray:
    """Per term: the mean TF-IDF cosine among the claims having it (0 below two claims)."""
    sims = SS.tfidf_similarity(facts)
    np.fill_diagonal(sims, 0.0)
    by_term = facts.binary.tocsc()
    out = np.zeros(by_term.shape[1])
    for term in range(by_term.shape[1]):
        rows = by_term.indices[by_term.indptr[term]:by_term.indptr[term + 1]]
        if len(rows) >= 2:
            out[term] = sims[np.ix_(rows, rows)].sum() / (len(rows) * (len(rows) - 1))
    return out


def cohesive_greedy(facts: SS.Facts, size: int, gamma: float) -> list[int]:
    together = cohesion(facts)
    weight = facts.weight * (np.maximum(together, 1e-6) / max(float(together.max()), 1e-9)
                             ) ** gamma
    changed = SS.Facts(facts.texts, facts.stems, facts.counts, facts.tfidf, facts.binary,
                       weight, facts.allowed, facts.density)
    return SS.greedy(changed, size, SS.concept_gain)


def neighbourhood(group: L.Group) -> np.ndarray:
    facts = group.facts_at(1)
    columns = []
    for similarity in (SS.tfidf_similarity, SS.lsa_similarity, SS.concept_similarity):
        sims = similarity(facts)
        np.fill_diagonal(sims, 0.0)
        ranked = np.sort(sims, axis=1)
        columns += [ranked[:, -n:].mean(axis=1) for n in (1, 3, 10, 20)]
        columns += [sims.mean(axis=1), (sims > 0.3).mean(axis=1)]
    return L.standardised(np.column_stack(columns))


def associations(groups: Sequence[L.Group], min_topics: int, prior: float = 5.0
                 ) -> tuple[dict[str, int], np.ndarray]:
    """Stem -> row, and the log lift of "same key point" for every pair of generic stems."""
    used = Counter(stem for topic in sorted({g.topic for g in groups})
                   for stem in set().union(*(set(s) for g in groups if g.topic == topic
                                             for s in g.facts_at(1).stems)))
    row = {stem: i for i, stem in enumerate(sorted(s for s, n in used.items()
                                                   if n >= min_topics))}
    same, every = np.zeros((len(row), len(row))), np.zeros((len(row), len(row)))
    for group in groups:
        x, matched = _generic_rows(group, row)
        shares = np.array([[float(bool(group.points[i] & group.points[j])) for j in matched]
                           for i in matched]).reshape(len(matched), len(matched))
        others = np.ones_like(shares)
        np.fill_diagonal(shares, 0.0)
        np.fill_diagonal(others, 0.0)
        same += x.T @ shares @ x
        every += x.T @ others @ x
    base = same.sum() / max(every.sum(), 1.0)
    return row, np.log((same + prior * base) / (every + prior)) - np.log(base)


def _generic_rows(group: L.Group, row: dict[str, int]) -> tuple[np.ndarray, list[int]]:
    matched = [i for i in range(len(group.ids)) if group.points[i]]
    x = np.zeros((len(matched), len(row)))
    for r, i in enumerate(matched):
        for stem in set(group.facts_at(1).stems[i]):
            if stem in row:
                x[r, row[stem]] = 1.0
    return x, matched


def association_auc(study: Sequence[L.Group], folds: dict[str, int]) -> None:
    from sklearn.metrics import roc_auc_score

    for min_topics in (2, 3, 5):
        scores: dict[str, list[float]] = {"sum": [], "mean": [], "shared": [], "tfidf": []}
        same: list[int] = []
        for fold in sorted(set(folds.values())):
            row, lift = associations([g for g in study if folds[g.topic] != fold], min_topics)
            for group in (g for g in study if folds[g.topic] == fold):
                x, matched = _generic_rows(group, row)
                left, right = np.triu_indices(len(matched), 1)
                total = x @ lift @ x.T
                sizes = x.sum(axis=1)
                cosine = SS.tfidf_similarity(group.facts_at(1))[np.ix_(matched, matched)]
                for name, matrix in (("sum", total),
                                     ("mean", total / np.maximum(np.outer(sizes, sizes), 1.0)),
                                     ("shared", x @ np.diag(np.diag(lift)) @ x.T),
                                     ("tfidf", cosine)):
                    scores[name] += matrix[left, right].tolist()
                same += [int(bool(group.points[matched[a]] & group.points[matched[b]]))
                         for a, b in zip(left.tolist(), right.tolist(), strict=True)]
        print(f"  stems in >= {min_topics} topics: " + ", ".join(
            f"{name} {roc_auc_score(same, values):.3f}" for name, values in scores.items()),
            flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    data = args.data or shared_data(__file__) / "argkp" / "argkp.dev.jsonl"
    records = [orjson.loads(line) for line in data.read_bytes().splitlines() if line]
    study = L.groups_of(records, "study")
    folds = L.folds_of([g.topic for g in study], args.folds)
    print("1. co-occurrence coverage, gamma: at k / smoothed")
    for gamma in (0.0, 0.25, 0.5, 1.0, 2.0):
        at_k, smooth = smoothed(study, lambda g, n, gamma=gamma: cooccurrence_greedy(
            g.facts_at(n), n, gamma))
        print(f"  {gamma:g}: {at_k:.3f} / {smooth:.3f}", flush=True)
    print("2. generic words damped, learned out of fold: at k / smoothed")
    spread = {fold: topic_spread([g for g in study if folds[g.topic] != fold])
              for fold in sorted(set(folds.values()))}
    for kind, index, scale in (("topics using the stem", 0, 1.0),
                               ("5 x mean share of arguments", 1, 5.0)):
        for beta in (0.5, 1.0, 2.0, 4.0):
            def pick(group: L.Group, n: int, beta=beta, index=index, scale=scale) -> list[int]:
                source = spread[folds[group.topic]][index]
                damping = {s: (1.0 - min(v * scale, 0.99)) ** beta for s, v in source.items()}
                return generic_greedy(group, n, damping)
            at_k, smooth = smoothed(study, pick)
            print(f"  {kind}, beta {beta:g}: {at_k:.3f} / {smooth:.3f}", flush=True)
    print("3. cohesive concepts, gamma: at k / smoothed")
    for gamma in (-0.5, 0.25, 0.5, 1.0):
        at_k, smooth = smoothed(study, lambda g, n, gamma=gamma: cohesive_greedy(
            g.facts_at(n), n, gamma))
        print(f"  {gamma:g}: {at_k:.3f} / {smooth:.3f}", flush=True)
    print("4. learn_summaries' features + neighbourhood features, 'matches any' model")
    for group in study:
        group.features = np.column_stack([group.features, neighbourhood(group)])

    def make(train: Sequence[L.Group]):
        x = np.vstack([g.features for g in train])
        model = LogisticRegression(C=0.1, max_iter=3000).fit(
            x, np.concatenate([g.matched for g in train]) > 0)
        return lambda group: model.decision_function(group.features)
    scores = [(s - s.mean()) / max(float(s.std()), 1e-9)
              for s in L.out_of_fold(study, folds, make)]
    print(f"  out-of-fold AUC within groups {L.within_auc(study, scores):.3f}")
    for alpha in (0.03, 0.1, 0.25):
        at_k, smooth = L.coverage_of(study, [np.exp(alpha * s) for s in scores])
        print(f"  prior alpha {alpha:g}: {at_k:.3f} / {smooth:.3f}")
    for share in (0.1, 0.2, 0.3):
        at_k, smooth = L.coverage_of(study, [np.where(s >= np.quantile(s, share), 1.0, 1e-9)
                                             for s in scores])
        print(f"  floor {share:g}: {at_k:.3f} / {smooth:.3f}")
    print("5. cross-topic word associations, out-of-fold ROC AUC for 'same key point'")
    association_auc(study, folds)


if __name__ == "__main__":
    main()
