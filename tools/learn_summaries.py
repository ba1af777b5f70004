"""Learned summary-worthiness on ArgKP: fitted on the study part, CV by debate topic, sealed once.

Usage: python tools/learn_summaries.py [--data ../shared/data/argkp/argkp.dev.jsonl]
                                       [--folds 5] [--skip-steps] [--sealed count:floor:0.1]

Why: every earlier variant of the summariser (tools/study_summaries.py) was hand-shaped. What
carries the shipped choice is picking claims that make several points at once, and ArgKP
(CDLA-Sharing 1.0) labels which key points each argument matches, so the question here is
whether a score LEARNED from that, on topic-independent features of an argument within its
group (no topic words), picks better. Everything is fitted on the study part only, with
cross-validation grouped by debate topic (``--folds`` folds, topics dealt round-robin in sorted
order as tools/tune_topics.py deals them): each study group is scored by a model fitted without
its topic. Printed:

1. the headroom: the shipped greedy with an oracle prior (1 if the argument matches a key
   point, else 0.1; or 0.3 + the number it matches), and the shipped picks' waste (picks that
   match nothing, picks that only repeat covered key points);
2. each feature's ROC AUC for "matches a key point", within groups;
3. per-argument worthiness (logistic "matches any", Poisson "how many", logistic "two or
   more"), its out-of-fold AUC, and the greedy with ``prior * concept gain``, prior =
   exp(alpha * the worthiness standardised within the group), for several alpha (alpha 0 is
   the shipped choice): coverage at k and smoothed over k-1, k, k+1; then the worthiness as a
   floor (the lowest-scored share of a group is never picked);
4. unless ``--skip-steps``: a learned greedy STEP (imitation): at each step of a rollout (the
   shipped greedy and an oracle one), every candidate's features plus its redundancy with the
   picks so far (TF-IDF and concept cosines, the share of its concept gain still uncovered),
   target "adds a key point not yet covered"; policies: the learned probability alone, times
   the concept gain, or re-ranking the concept gain's top M;
5. the pair model: "two matched arguments share a key point" from their TF-IDF, concept and
   LSA cosines, shared concept weight, Jaccard and lengths (out-of-fold ROC AUC);

``--sealed MODEL:prior:ALPHA`` or ``MODEL:floor:SHARE`` (e.g. ``count:floor:0.1``) fits MODEL
on the whole study part and scores the sealed part ONCE that way, beside the shipped choice on
the same groups. Measured,
not shipped: see docs/quality.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import study_summaries as SS  # noqa: E402  (a sibling script, not a package)

from argmap.analysis import summarize as S  # noqa: E402
from argmap.evaluation.data import shared_data
from argmap.evaluation.splits import select  # noqa: E402
from argmap.evaluation.summaries import coverage_and_redundancy  # noqa: E402
from argmap.evaluation.topics import KeyPointGroup, key_point_groups  # noqa: E402

_NEGATION = re.compile(r"\b(?:not|no|never|nothing|none|cannot)\b|n't")
_HEDGE = re.compile(r"\b(?:may|might|could|can|some|often|sometimes|perhaps|maybe|possibly)\b")
_FIRST = re.compile(r"\b(?:i|my|me|we|our|us)\b")
_SECOND = re.compile(r"\b(?:you|your)\b")
_CAUSE = re.compile(r"\b(?:because|since|as|so|therefore|thus|which|leads?|causes?)\b")
_AND = re.compile(r"\b(?:and|also)\b|\bas well\b")

FEATURES = (
    "gain_rel",  # concept gain before any pick (summarize's first-step score) / the group's top
    "gain_log",  # log(1 + that gain)
    "concept_density",  # share of the argument's distinct stems that are concepts
    "words_log", "distinct_log",  # log(1 + words), log(1 + distinct content stems)
    "centroid",  # mean TF-IDF cosine to the group's other arguments / the group's top
    "density5",  # mean cosine to its 5 nearest arguments / the group's top
    "max_similarity",  # cosine to its nearest argument
    "subject_words",  # stems in more than MAX_CONCEPT_SHARE of the group (the debate's subject)
    "negations", "hedges", "first_person", "second_person", "causal", "and_also", "commas",
    "question", "passes_floor",
)


def argument_features(texts: Sequence[str]) -> np.ndarray:
    """One row of FEATURES per argument, each relative to its group where a scale would carry
    the topic (no word identities: nothing a model learns names a debate's subject)."""
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    facts = SS.facts_of(texts, 1)
    counts, binary, weight, tfidf = facts.counts, facts.binary, facts.weight, facts.tfidf
    gain = binary @ weight
    distinct = np.diff(counts.indptr).astype(np.float64)
    concepts = binary @ (weight > 0).astype(np.float64)
    claims_with = np.bincount(binary.indices, minlength=binary.shape[1])
    subject = binary @ (claims_with > S.MAX_CONCEPT_SHARE * n).astype(np.float64)
    sims = (tfidf @ tfidf.T).toarray()
    np.fill_diagonal(sims, 0.0)
    centroid = sims.sum(axis=1) / max(n - 1, 1)
    density = np.sort(sims, axis=1)[:, -5:].mean(axis=1)
    words = np.array([len(t.split()) for t in texts], dtype=np.float64)
    low = [t.lower() for t in texts]

    def scaled(values: np.ndarray) -> np.ndarray:
        return values / max(float(values.max()), 1e-9) if n else values

    def hits(pattern: re.Pattern[str]) -> list[int]:
        return [len(pattern.findall(t)) for t in low]

    columns = [
        scaled(gain), np.log1p(gain), concepts / np.maximum(distinct, 1.0), np.log1p(words),
        np.log1p(distinct), scaled(centroid), scaled(density), sims.max(axis=1) if n > 1
        else np.zeros(n), subject, hits(_NEGATION), hits(_HEDGE), hits(_FIRST), hits(_SECOND),
        hits(_CAUSE), hits(_AND), [t.count(",") for t in texts], ["?" in t for t in texts],
        (words >= S.MIN_WORDS) & (words <= S.MAX_WORDS) & (distinct >= S.MIN_CONTENT_WORDS),
    ]
    return np.column_stack([np.asarray(c, dtype=np.float64).reshape(n) for c in columns])


def standardised(matrix: np.ndarray) -> np.ndarray:
    """Columns to zero mean and unit spread (constant columns to 0)."""
    spread = matrix.std(axis=0)
    return (matrix - matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


@dataclass
class Group:
    """A (topic, stance) group of ArgKP with what every experiment reads of it."""

    source: KeyPointGroup
    ids: list[str]
    texts: list[str]
    points: list[frozenset[str]]  # the key points each argument matches
    k: int
    features: np.ndarray  # argument_features, standardised within the group
    facts: dict[int, SS.Facts] = field(default_factory=dict)  # by summary size

    @property
    def topic(self) -> str:
        return self.source.topic

    @property
    def matched(self) -> np.ndarray:
        return np.array([len(p) for p in self.points], dtype=np.float64)

    def facts_at(self, size: int) -> SS.Facts:
        if size not in self.facts:
            self.facts[size] = SS.facts_of(self.texts, size)
        return self.facts[size]

    def coverage(self, picks: Sequence[int]) -> float:
        return coverage_and_redundancy([self.ids[i] for i in picks], self.source.matches,
                                       self.source.key_points)[0]


def groups_of(records: Sequence[dict], part: str) -> list[Group]:
    out = []
    for group in key_point_groups(select("argkp", records, part)):
        k = len(group.key_points)
        if k == 0 or len(group.arguments) < k:
            continue  # as evaluation.summaries skips them
        ids = [a for a, _ in group.arguments]
        texts = [t for _, t in group.arguments]
        out.append(Group(group, ids, texts, [frozenset(group.matches[a]) for a in ids], k,
                         standardised(argument_features(texts))))
    return out


def folds_of(topics: Sequence[str], folds: int) -> dict[str, int]:
    """Debate topic -> fold, dealt round-robin in sorted order (as tools/tune_topics.py)."""
    return {topic: i % folds for i, topic in enumerate(sorted(set(topics)))}


TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "any": lambda y: (y > 0).astype(int),
    "count": lambda y: y,
    "multi": lambda y: (y >= 2).astype(int),
}


def fit(kind: str, groups: Sequence[Group]):
    """A small linear model of the worthiness target ``kind`` on the groups' features."""
    x = np.vstack([g.features for g in groups])
    y = TARGETS[kind](np.concatenate([g.matched for g in groups]))
    if kind == "count":
        return PoissonRegressor(alpha=0.1, max_iter=1000).fit(x, y)
    return LogisticRegression(C=0.1, max_iter=2000).fit(x, y)


def worthiness(model, group: Group) -> np.ndarray:
    """The model's linear score of each argument, standardised within the group."""
    raw = (np.log(np.maximum(model.predict(group.features), 1e-12))
           if isinstance(model, PoissonRegressor) else model.decision_function(group.features))
    return (raw - raw.mean()) / max(float(raw.std()), 1e-9)


def prior_greedy(group: Group, size: int, prior: np.ndarray) -> list[int]:
    """The shipped greedy (concept gain, quality floor, lowest index on ties) times a prior."""
    return SS.greedy(group.facts_at(size), size, lambda f, t: prior * SS.concept_gain(f, t))


def coverage_of(groups: Sequence[Group], priors: Sequence[np.ndarray]) -> tuple[float, float]:
    """(mean coverage at k, mean coverage smoothed over k-1, k, k+1) of the prior greedy."""
    at_k, smooth = [], []
    for group, prior in zip(groups, priors, strict=True):
        values = {size: group.coverage(prior_greedy(group, size, prior))
                  for size in (group.k - 1, group.k, group.k + 1) if size >= 1}
        at_k.append(values[group.k])
        smooth.append(float(np.mean(list(values.values()))))
    return float(np.mean(at_k)), float(np.mean(smooth))


def out_of_fold(groups: Sequence[Group], folds: dict[str, int],
                make: Callable[[Sequence[Group]], Callable[[Group], np.ndarray]]
                ) -> list[np.ndarray]:
    """Each group's score from a model made without its fold."""
    result: list[np.ndarray | None] = [None] * len(groups)
    for fold in sorted(set(folds.values())):
        score = make([g for g in groups if folds[g.topic] != fold])
        for i, group in enumerate(groups):
            if folds[group.topic] == fold:
                result[i] = score(group)
    return [r for r in result if r is not None]


def within_auc(groups: Sequence[Group], scores: Sequence[np.ndarray]) -> float:
    """Mean over groups of the ROC AUC of ``scores`` for "matches a key point"."""
    aucs = [roc_auc_score(g.matched > 0, s) for g, s in zip(groups, scores, strict=True)
            if 0 < (g.matched > 0).sum() < len(g.matched)]
    return float(np.mean(aucs))


def headroom(groups: Sequence[Group]) -> None:
    shipped = [SS.greedy(g.facts_at(g.k), g.k, SS.concept_gain) for g in groups]
    unmatched = sum(int(g.matched[i] == 0) for g, p in zip(groups, shipped, strict=True)
                    for i in p)
    repeats = 0
    for group, picks in zip(groups, shipped, strict=True):
        covered: set[str] = set()
        for i in picks:
            repeats += int(bool(group.points[i]) and group.points[i] <= covered)
            covered |= group.points[i]
    print(f"  shipped: {coverage_of(groups, [np.ones(len(g.ids)) for g in groups])[0]:.3f}; "
          f"of {sum(map(len, shipped))} picks {unmatched} match nothing, {repeats} repeat")
    for name, make in (("oracle matches-any prior", lambda g: 0.1 + 0.9 * (g.matched > 0)),
                       ("oracle count prior", lambda g: 0.3 + g.matched)):
        print(f"  {name}: {coverage_of(groups, [make(g) for g in groups])[0]:.3f}")


ALPHAS = (0.0, 0.01, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0)
FILTER_SHARES = (0.1, 0.2, 0.3, 0.5)


def learned_prior(groups: Sequence[Group], folds: dict[str, int]) -> None:
    for kind in TARGETS:
        def make(train: Sequence[Group], kind: str = kind) -> Callable[[Group], np.ndarray]:
            model = fit(kind, train)
            return lambda group: worthiness(model, group)
        scores = out_of_fold(groups, folds, make)
        cells = []
        for alpha in ALPHAS:
            at_k, smooth = coverage_of(groups, [np.exp(alpha * s) for s in scores])
            cells.append(f"{alpha:g}: {at_k:.3f}/{smooth:.3f}")
        print(f"  {kind:6s} (AUC {within_auc(groups, scores):.3f})  " + "  ".join(cells),
              flush=True)
        cells = []
        for share in FILTER_SHARES:  # a floor instead of a prior: the lowest share never picked
            at_k, smooth = coverage_of(groups, [np.where(s >= np.quantile(s, share), 1.0, 1e-9)
                                                for s in scores])
            cells.append(f"{share:g}: {at_k:.3f}/{smooth:.3f}")
        print(f"  {kind:6s} as a floor, share dropped:  " + "  ".join(cells), flush=True)


# ---- a learned greedy step (imitation of an oracle's marginal gain) ----

STEP_FEATURES = ("gain_now_rel", "gain_left", "max_cos_taken", "mean_cos_taken",
                 "max_concept_cos_taken", "step")


@dataclass
class Similarities:
    tfidf: np.ndarray
    concepts: np.ndarray


def similarities(group: Group) -> Similarities:
    facts = group.facts_at(group.k)
    tfidf = SS.tfidf_similarity(facts)
    concepts = SS.concept_similarity(facts)
    np.fill_diagonal(tfidf, 0.0)
    np.fill_diagonal(concepts, 0.0)
    return Similarities(tfidf, concepts)


def step_features(group: Group, sims: Similarities, taken: list[int]) -> np.ndarray:
    facts = group.facts_at(group.k)
    gain = SS.concept_gain(facts, taken)
    first = SS.concept_gain(facts, [])
    open_ = facts.allowed.copy()
    open_[taken] = False
    top = float(gain[open_].max()) if open_.any() else 1.0
    if taken:
        near = [sims.tfidf[:, taken].max(axis=1), sims.tfidf[:, taken].mean(axis=1),
                sims.concepts[:, taken].max(axis=1)]
    else:
        near = [np.zeros(len(gain))] * 3
    own = np.column_stack([gain / max(top, 1e-9), gain / np.maximum(first, 1e-9), *near,
                           np.full(len(gain), float(len(taken)))])
    return np.column_stack([group.features, own])


def new_points(group: Group, taken: list[int]) -> np.ndarray:
    covered = frozenset().union(*(group.points[i] for i in taken))
    return np.array([len(p - covered) for p in group.points], dtype=np.float64)


Policy = Callable[[Group, list[int], np.ndarray], np.ndarray]


def rollout(group: Group, sims: Similarities, policy: Policy, steps: int,
            rows: list[tuple[np.ndarray, np.ndarray]] | None = None) -> list[int]:
    """``steps`` picks by ``policy``; with ``rows``, each step's open candidates' features and
    targets (new key points) are appended to it."""
    facts = group.facts_at(group.k)
    taken: list[int] = []
    for _ in range(steps):
        features = step_features(group, sims, taken)
        open_ = facts.allowed.copy()
        open_[taken] = False
        if not open_.any():
            break
        if rows is not None:
            rows.append((features[open_], new_points(group, taken)[open_]))
        score = np.where(open_, policy(group, taken, features), -np.inf)
        taken.append(int(np.argmax(score)))
    return taken


def shipped_policy(group: Group, taken: list[int], _: np.ndarray) -> np.ndarray:
    return SS.concept_gain(group.facts_at(group.k), taken)


def oracle_policy(group: Group, taken: list[int], _: np.ndarray) -> np.ndarray:
    return new_points(group, taken) + 1e-3 * shipped_policy(group, taken, _)


def learned_steps(groups: Sequence[Group], folds: dict[str, int]) -> None:
    sims = [similarities(g) for g in groups]
    for blend in ("alone", "times_gain", "top3", "top10"):
        covered = []
        for fold in sorted(set(folds.values())):
            rows: list[tuple[np.ndarray, np.ndarray]] = []
            for group, sim in zip(groups, sims, strict=True):
                if folds[group.topic] != fold:
                    for policy in (shipped_policy, oracle_policy):
                        rollout(group, sim, policy, group.k + 2, rows)
            x = np.vstack([r[0] for r in rows])
            centre, spread = x.mean(axis=0), np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
            model = LogisticRegression(C=0.1, max_iter=2000).fit(
                (x - centre) / spread, (np.concatenate([r[1] for r in rows]) > 0).astype(int))

            def policy(group: Group, taken: list[int], features: np.ndarray, model=model,
                       centre=centre, spread=spread, blend=blend) -> np.ndarray:
                p = model.predict_proba((features - centre) / spread)[:, 1]
                gain = shipped_policy(group, taken, features)
                if blend == "alone":
                    return p
                if blend == "times_gain":
                    return p * gain
                top = int(blend[3:])
                open_gain = np.where(group.facts_at(group.k).allowed, gain, -np.inf)
                open_gain[taken] = -np.inf
                best = np.lexsort((np.arange(len(gain)), -open_gain))[:top]
                return np.where(np.isin(np.arange(len(gain)), best), p, -np.inf)
            for group, sim in zip(groups, sims, strict=True):
                if folds[group.topic] == fold:
                    covered.append(group.coverage(rollout(group, sim, policy, group.k)))
        print(f"  learned step, {blend:10s}: {np.mean(covered):.3f}", flush=True)


def pair_model(groups: Sequence[Group], folds: dict[str, int]) -> None:
    names = ("tfidf", "concepts", "lsa20", "shared_weight", "jaccard", "length_gap",
             "length_sum")
    x, y, fold_of = [], [], []
    for group in groups:
        facts = group.facts_at(1)
        tfidf, concepts = SS.tfidf_similarity(facts), SS.concept_similarity(facts)
        lsa = SS.lsa_similarity(facts)
        binary = facts.binary.toarray()
        shared = (binary * facts.weight[None, :]) @ binary.T
        both = binary @ binary.T
        sizes = binary.sum(axis=1)
        jaccard = both / np.maximum(sizes[:, None] + sizes[None, :] - both, 1.0)
        length = np.log1p([len(t.split()) for t in group.texts])
        matched = np.flatnonzero(group.matched > 0)
        left, right = np.triu_indices(len(matched), 1)
        for a, b in zip(matched[left].tolist(), matched[right].tolist(), strict=True):
            x.append([tfidf[a, b], concepts[a, b], lsa[a, b], shared[a, b], jaccard[a, b],
                      abs(length[a] - length[b]), length[a] + length[b]])
            y.append(int(bool(group.points[a] & group.points[b])))
            fold_of.append(folds[group.topic])
    xs, ys, fs = np.array(x), np.array(y), np.array(fold_of)
    print("  single similarities: " + ", ".join(
        f"{n} {roc_auc_score(ys, xs[:, j]):.3f}" for j, n in enumerate(names)))
    scores = np.zeros(len(ys))
    for fold in sorted(set(fs.tolist())):
        train = fs != fold
        centre, spread = xs[train].mean(axis=0), xs[train].std(axis=0)
        model = LogisticRegression(C=1.0, max_iter=2000).fit((xs[train] - centre) / spread,
                                                             ys[train])
        scores[~train] = model.decision_function((xs[~train] - centre) / spread)
    print(f"  learned pair model, out of fold: ROC AUC {roc_auc_score(ys, scores):.3f} "
          f"(pairs {len(ys)}, share {ys.mean():.2f})")


def sealed_once(study: Sequence[Group], sealed: Sequence[Group], choice: str) -> None:
    """Fit the chosen model on all of study; score the sealed groups with it once."""
    kind, use, value_text = choice.split(":")
    value = float(value_text)
    model = fit(kind, study)
    scores = [worthiness(model, g) for g in sealed]
    if use == "prior":
        priors = [np.exp(value * s) for s in scores]
    elif use == "floor":
        priors = [np.where(s >= np.quantile(s, value), 1.0, 1e-9) for s in scores]
    else:
        raise SystemExit(f"--sealed: use MODEL:prior:ALPHA or MODEL:floor:SHARE, not {choice!r}")
    learned = coverage_of(sealed, priors)
    shipped = coverage_of(sealed, [np.ones(len(g.ids)) for g in sealed])
    print(f"sealed ({len(sealed)} groups), {choice} fitted on all of study: {learned[0]:.3f} at "
          f"k, {learned[1]:.3f} smoothed; shipped {shipped[0]:.3f} / {shipped[1]:.3f}")
    print("headroom on sealed:")
    headroom(sealed)
    print("coefficients (features standardised within the group): " + ", ".join(
        f"{n} {c:+.2f}" for n, c in zip(FEATURES, np.ravel(model.coef_), strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-steps", action="store_true")
    parser.add_argument("--sealed", default="", metavar="MODEL:prior:ALPHA|MODEL:floor:SHARE")
    args = parser.parse_args()
    data = args.data or shared_data(__file__) / "argkp" / "argkp.dev.jsonl"
    records = [orjson.loads(line) for line in data.read_bytes().splitlines() if line]
    study = groups_of(records, "study")
    folds = folds_of([g.topic for g in study], args.folds)
    if args.sealed:
        sealed_once(study, groups_of(records, "sealed"), args.sealed)
        return
    print(f"study: {len(study)} groups, {len(folds)} debate topics, {args.folds} folds")
    print("1. headroom (study)")
    headroom(study)
    print("2. single features, ROC AUC for 'matches a key point' within groups")
    print("  " + ", ".join(f"{name} {within_auc(study, [g.features[:, j] for g in study]):.3f}"
                           for j, name in enumerate(FEATURES)))
    print("3. learned worthiness prior, out-of-fold: alpha: coverage at k / smoothed")
    learned_prior(study, folds)
    if not args.skip_steps:
        print("4. learned greedy step, out-of-fold coverage at k")
        learned_steps(study, folds)
    print("5. pairs of matched arguments: same key point or not")
    pair_model(study, folds)


if __name__ == "__main__":
    main()
