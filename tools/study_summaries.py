"""Key-point coverage of summary variants on ArgKP: studied on the study part, confirmed on sealed.

Usage: python tools/study_summaries.py [--data ../shared/data/argkp/argkp.dev.jsonl]
                                       [--only NAME,...] [--boot 2000] [--retune] [--pairs]

Why: the shipped summariser (``analysis/summarize.py``: greedy coverage of shared content-word
concepts) scores 0.691 on the study part and 0.600 on the sealed part; the held-out target is
0.65. Every idea worth trying is a different objective or prior inside the same greedy loop, so
each variant here is one score function over the same group facts, run on the same groups as
``argmap eval --task summaries`` (k = the group's number of key points).

Printed per variant: mean coverage on study and sealed; the same "smoothed" over k-1, k, k+1
(covered share of the k key points; a single k moves in steps of 1/k, so one pick decides a
group and method differences drown in that granularity); the spread of per-topic means on
sealed; a 95 % bootstrap interval over sealed debate topics (resampling topics, both stances of
a topic together); and the paired bootstrap interval of (variant - shipped) on sealed. Last, the
correlation over variants of the study and sealed figures: when it is not clearly positive,
choosing a variant on study tells nothing about sealed, and a sealed gain is noise.

``--retune`` first reruns ``tools/tune_topics.py``'s grid of the summariser's constants with its
5-fold cross-validation by debate topic on the study part only (the shipped constants were
tuned on all of dev before the split) and scores its choice on sealed.

``--pairs`` prints how well each similarity tells apart two matched arguments that share a key
point from two that do not (ROC AUC over all such pairs of a group): the ceiling of any
similarity-driven choice.

The variants are measured, not shipped: only ``shipped`` is what argmap runs. Learned
variants (a summary-worthiness model fitted on the study part, a learned greedy step, a learned
pair score) are in tools/learn_summaries.py, concept-level ones measured on study only in
tools/summary_concepts.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

from argmap.analysis import summarize as S
from argmap.evaluation.data import shared_data
from argmap.evaluation.splits import select
from argmap.evaluation.summaries import coverage_and_redundancy
from argmap.evaluation.topics import KeyPointGroup, key_point_groups
from argmap.model import Claim
from argmap.topics.clustering import content_word_tuple


@dataclass
class Facts:
    """What every variant reads of one group's arguments (in id order)."""

    texts: list[str]
    stems: list[list[str]]
    counts: sparse.csr_matrix
    tfidf: sparse.csr_matrix
    binary: sparse.csr_matrix  # claim x term, 1 where the claim has the term
    weight: np.ndarray  # each term's concept weight, as summarize._concepts gives it
    allowed: np.ndarray  # the quality floor, as summarize._choose applies it
    density: np.ndarray  # mean TF-IDF cosine to the 5 nearest other arguments, max 1


def facts_of(texts: Sequence[str], k: int) -> Facts:
    stems = [[stem for stem, _ in content_word_tuple(t)] for t in texts]
    counts = S._term_counts(stems)
    tfidf = S._tfidf(counts)
    binary, weight = S._concepts(counts)
    words = np.array([len(t.split()) for t in texts])
    distinct = np.diff(counts.indptr)
    allowed = np.ones(len(texts), dtype=bool)
    for floor in (S.MIN_WORDS, S.FALLBACK_MIN_WORDS, 0):
        allowed = (np.ones(len(texts), dtype=bool) if floor == 0 else
                   (words >= floor) & (words <= S.MAX_WORDS) & (distinct >= S.MIN_CONTENT_WORDS))
        if allowed.sum() >= k:
            break
    sims = (tfidf @ tfidf.T).toarray()
    np.fill_diagonal(sims, 0.0)
    density = np.sort(sims, axis=1)[:, -5:].mean(axis=1)
    return Facts(list(texts), stems, counts, tfidf, binary, weight, allowed,
                 density / max(float(density.max()), 1e-9))


Scorer = Callable[[Facts, list[int]], np.ndarray]  # (facts, taken so far) -> score per claim


def greedy(facts: Facts, k: int, score: Scorer) -> list[int]:
    """k picks, each the allowed, untaken claim of highest score (ties: lowest id)."""
    blocked = ~facts.allowed.copy()
    taken: list[int] = []
    for _ in range(k):
        values = np.asarray(score(facts, taken), dtype=np.float64).copy()
        values[blocked] = -np.inf
        pick = int(np.argmax(values))
        if not np.isfinite(values[pick]):
            break
        taken.append(pick)
        blocked[pick] = True
    return taken


def _uncovered(facts: Facts, taken: list[int], weight: np.ndarray | None = None,
               decay: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    left = (facts.weight if weight is None else weight).copy()
    unseen = np.ones(left.size)
    for j in taken:
        terms = facts.binary.indices[facts.binary.indptr[j]:facts.binary.indptr[j + 1]]
        left[terms] *= decay
        unseen[terms] = 0.0
    return left, unseen


def concept_gain(facts: Facts, taken: list[int], decay: float = 0.0) -> np.ndarray:
    left, unseen = _uncovered(facts, taken, decay=decay)
    return facts.binary @ left + 1e-4 * (facts.binary @ unseen)


def shipped(group: KeyPointGroup, k: int) -> list[int]:
    claims = [Claim(id=f"{i:06d}", post_id=str(i), start=0, end=len(t), text=t)
              for i, (_, t) in enumerate(group.arguments)]
    return [int(item.claim_id) for item in S.summarize(claims, k)]


def facility_location(similarity: Callable[[Facts], np.ndarray]) -> Callable[..., list[int]]:
    """Greedy facility location: each claim is served by its most similar pick."""
    def pick(facts: Facts, k: int) -> list[int]:
        sims = similarity(facts)

        def score(_: Facts, taken: list[int]) -> np.ndarray:
            served = sims[taken].max(axis=0) if taken else np.zeros(len(sims))
            return np.maximum(sims - served[None, :], 0.0).sum(axis=1)
        return greedy(facts, k, score)
    return pick


def point_weighted_location(similarity: Callable[[Facts], np.ndarray]
                            ) -> Callable[..., list[int]]:
    """Facility location where each claim weighs 1 / (its summed similarity): a point made by
    3 claims counts about as much as one made by 60, as key points count in the coverage."""
    def pick(facts: Facts, k: int) -> list[int]:
        sims = np.maximum(similarity(facts), 0.0)
        np.fill_diagonal(sims, 1.0)
        each = 1.0 / sims.sum(axis=1)

        def score(_: Facts, taken: list[int]) -> np.ndarray:
            served = sims[taken].max(axis=0) if taken else np.zeros(len(sims))
            return np.maximum(sims - served[None, :], 0.0) @ each
        return greedy(facts, k, score)
    return pick


def tfidf_similarity(facts: Facts) -> np.ndarray:
    return (facts.tfidf @ facts.tfidf.T).toarray()


def lsa_similarity(facts: Facts, dims: int = 20) -> np.ndarray:
    dims = max(1, min(dims, min(facts.tfidf.shape) - 1))
    points = TruncatedSVD(dims, random_state=0).fit_transform(facts.tfidf)
    norms = np.linalg.norm(points, axis=1, keepdims=True)
    points = points / np.where(norms > 0, norms, 1.0)
    return np.maximum(points @ points.T, 0.0)


def concept_similarity(facts: Facts) -> np.ndarray:
    rows = facts.binary.multiply(facts.weight[None, :]).toarray()
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    rows = rows / np.where(norms > 0, norms, 1.0)
    return rows @ rows.T


def with_prior(prior: Callable[[Facts], np.ndarray], decay: float = 0.0
               ) -> Callable[..., list[int]]:
    def pick(facts: Facts, k: int) -> list[int]:
        scale = prior(facts)
        return greedy(facts, k, lambda f, t: scale * concept_gain(f, t, decay))
    return pick


def mmr(lam: float, similarity: Callable[[Facts], np.ndarray]) -> Callable[..., list[int]]:
    """Concept gain times (1 - lam * the most similar pick's similarity)."""
    def pick(facts: Facts, k: int) -> list[int]:
        sims = similarity(facts)

        def score(f: Facts, taken: list[int]) -> np.ndarray:
            nearest = sims[taken].max(axis=0) if taken else np.zeros(len(sims))
            return (1.0 - lam * nearest) * concept_gain(f, taken)
        return greedy(facts, k, score)
    return pick


def constants(**values: float) -> Callable[..., list[int]]:
    """The shipped method with other module constants (CONCEPT_POWER, ...)."""
    def pick(facts: Facts, k: int) -> list[int]:
        saved = {name: getattr(S, name) for name in values}
        try:
            for name, value in values.items():
                setattr(S, name, value)
            binary, weight = S._concepts(facts.counts)
        finally:
            for name, value in saved.items():
                setattr(S, name, value)
        changed = Facts(facts.texts, facts.stems, facts.counts, facts.tfidf, binary, weight,
                        facts.allowed, facts.density)
        return greedy(changed, k, concept_gain)
    return pick


def word_pairs(window: int) -> Callable[..., list[int]]:
    """Concepts are stems and pairs of stems within ``window`` content words of each other."""
    def pick(facts: Facts, k: int) -> list[int]:
        stems = [s + ["~".join(sorted((s[i], s[j])))
                      for i in range(len(s)) for j in range(i + 1, min(len(s), i + window))]
                 for s in facts.stems]
        binary, weight = S._concepts(S._term_counts(stems))
        changed = Facts(facts.texts, stems, facts.counts, facts.tfidf, binary, weight,
                        facts.allowed, facts.density)
        return greedy(changed, k, concept_gain)
    return pick


def _words(facts: Facts) -> np.ndarray:
    return np.array([max(len(t.split()), 1) for t in facts.texts], dtype=np.float64)


VARIANTS: dict[str, Callable[..., list[int]]] = {
    "shipped_reimplemented": constants(),  # the harness check: must print shipped's figures
    "facility_location_tfidf": facility_location(tfidf_similarity),
    "facility_location_lsa20": facility_location(lsa_similarity),
    "facility_location_concepts": facility_location(concept_similarity),
    "point_weighted_location_tfidf": point_weighted_location(tfidf_similarity),
    "point_weighted_location_lsa20": point_weighted_location(lsa_similarity),
    "mmr_tfidf_0.6": mmr(0.6, tfidf_similarity),
    "mmr_concepts_0.6": mmr(0.6, concept_similarity),
    "soft_coverage_decay_0.2": with_prior(lambda f: np.ones(len(f.texts)), decay=0.2),
    "density_prior_0.25": with_prior(lambda f: f.density ** 0.25),
    "density_prior_0.5": with_prior(lambda f: f.density ** 0.5),
    "short_prior_0.3": with_prior(lambda f: _words(f) ** -0.3),
    "long_prior_0.3": with_prior(lambda f: _words(f) ** 0.3),
    "word_pairs_3": word_pairs(3),
    "concept_power_0.5": constants(CONCEPT_POWER=0.5),
    "max_concept_share_0.2": constants(MAX_CONCEPT_SHARE=0.2),
    "subject_damping_2": constants(SUBJECT_DAMPING=2.0),
    "min_concept_claims_3": constants(MIN_CONCEPT_CLAIMS=3),
}


def coverage_rows(groups: Sequence[KeyPointGroup], method: Callable[..., list[int]] | None
                  ) -> list[tuple[str, float, float]]:
    """Per group: (debate topic, coverage at k, covered share of the k key points averaged
    over k-1, k and k+1 picks)."""
    rows = []
    for group in groups:
        k = len(group.key_points)
        ids = [a for a, _ in group.arguments]
        texts = [t for _, t in group.arguments]
        smooth = []
        at_k = 0.0
        for size in (k - 1, k, k + 1):
            if size < 1:
                continue
            picks = (shipped(group, size) if method is None
                     else method(facts_of(texts, size), size))
            covered, _ = coverage_and_redundancy([ids[i] for i in picks], group.matches,
                                                 group.key_points)
            smooth.append(covered)
            if size == k:
                at_k = covered
        rows.append((group.topic, at_k, float(np.mean(smooth))))
    return rows


def topic_bootstrap(rows: Sequence[tuple[str, float]], draws: int, seed: int = 0
                    ) -> tuple[float, float]:
    """95 % interval of the mean over groups when debate topics are resampled."""
    topics = sorted({t for t, _ in rows})
    values = [np.array([v for t, v in rows if t == topic]) for topic in topics]
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(draws):
        sample = rng.integers(0, len(topics), len(topics))
        means.append(float(np.concatenate([values[i] for i in sample]).mean()))
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def pair_separation(groups: Sequence[KeyPointGroup]) -> dict[str, float]:
    """ROC AUC of each similarity for "shares a key point" over pairs of matched arguments."""
    from sklearn.metrics import roc_auc_score

    same: list[int] = []
    scores: dict[str, list[float]] = {"tfidf": [], "lsa20": [], "concepts": []}
    for group in groups:
        ids = [a for a, _ in group.arguments]
        facts = facts_of([t for _, t in group.arguments], 1)
        sims = {"tfidf": tfidf_similarity(facts), "lsa20": lsa_similarity(facts),
                "concepts": concept_similarity(facts)}
        matched = [i for i, a in enumerate(ids) if group.matches[a]]
        rows, cols = np.triu_indices(len(matched), 1)
        left, right = np.array(matched)[rows], np.array(matched)[cols]
        same += [int(bool(set(group.matches[ids[i]]) & set(group.matches[ids[j]])))
                 for i, j in zip(left.tolist(), right.tolist(), strict=True)]
        for name, matrix in sims.items():
            scores[name] += matrix[left, right].tolist()
    return {name: float(roc_auc_score(same, values)) for name, values in scores.items()}


def retune(records: Sequence[dict]) -> None:
    """tune_topics' summary grid, cross-validated on the study part, its choice scored on
    sealed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tune_topics import SUMMARY_GRID, cross_validate, score_summaries

    study = select("argkp", records, "study")
    choice = cross_validate(study, SUMMARY_GRID, score_summaries, 5)
    sealed = score_summaries(select("argkp", records, "sealed"), choice)
    print(f"study-only choice {choice}: sealed {np.mean(list(sealed.values())):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--only", default="", help="comma-separated variant names")
    parser.add_argument("--boot", type=int, default=2000)
    parser.add_argument("--retune", action="store_true")
    parser.add_argument("--pairs", action="store_true")
    args = parser.parse_args()
    data = args.data or shared_data(__file__) / "argkp" / "argkp.dev.jsonl"
    records = [orjson.loads(line) for line in data.read_bytes().splitlines() if line]
    if args.retune:
        retune(records)
    groups = {part: key_point_groups(select("argkp", records, part))
              for part in ("study", "sealed")}
    if args.pairs:
        for part, part_groups in groups.items():
            aucs = ", ".join(f"{n} {v:.3f}" for n, v in pair_separation(part_groups).items())
            print(f"{part}: same key point vs not, ROC AUC: {aucs}")
    wanted = [n for n in args.only.split(",") if n] or list(VARIANTS)
    base = {part: coverage_rows(groups[part], None) for part in groups}
    print(f"{'variant':30s} {'study':>6s} {'~':>6s} {'sealed':>6s} {'~':>6s}  sealed topics"
          "    95% CI (topics)   sealed - shipped, 95% CI")
    study_means, sealed_means = [], []
    for name in ["shipped", *wanted]:
        rows = base if name == "shipped" else {
            part: coverage_rows(groups[part], VARIANTS[name]) for part in groups}
        study = float(np.mean([r[1] for r in rows["study"]]))
        sealed = float(np.mean([r[1] for r in rows["sealed"]]))
        study_means.append(study)
        sealed_means.append(sealed)
        topics = sorted({r[0] for r in rows["sealed"]})
        per_topic = [np.mean([r[1] for r in rows["sealed"] if r[0] == t]) for t in topics]
        low, high = topic_bootstrap([(r[0], r[1]) for r in rows["sealed"]], args.boot)
        paired = [(r[0], r[1] - b[1]) for r, b in zip(rows["sealed"], base["sealed"],
                                                      strict=True)]
        d_low, d_high = topic_bootstrap(paired, args.boot)
        print(f"{name:30s} {study:6.3f} {np.mean([r[2] for r in rows['study']]):6.3f} "
              f"{sealed:6.3f} {np.mean([r[2] for r in rows['sealed']]):6.3f}  "
              f"{min(per_topic):.2f}-{max(per_topic):.2f}  [{low:.3f}, {high:.3f}]  "
              f"{sealed - sealed_means[0]:+.3f} [{d_low:+.3f}, {d_high:+.3f}]", flush=True)
    if len(study_means) > 2:
        corr = float(np.corrcoef(study_means, sealed_means)[0, 1])
        print(f"correlation over variants of study and sealed coverage: {corr:+.2f}")


if __name__ == "__main__":
    main()
