"""Extractive summaries: pick k verbatim claims that together cover a group of claims.

Why coverage and not just centrality: the k most central claims of a debate are usually k
wordings of its single most repeated point. The choice here is a greedy maximal marginal
relevance over *concepts* (the content-word stems that several claims of the group share):
each step takes the claim whose not-yet-covered concepts weigh the most, so a second wording of
a point already chosen gains almost nothing (the redundancy term), while a point made by fewer
people but in its own words still counts (the coverage term). A concept weighs its document
frequency to a power below 1 (common points matter more, but not overwhelmingly), and words in
most claims (the debate's own subject) are no concept at all. On ArgKP (key-point coverage,
study part 0.691, sealed 0.600) nothing tried beat it on the study part and held on the sealed
part (tools/study_summaries.py): facility location over TF-IDF, LSA or concept similarity
(0.56-0.58 study, 0.42-0.58 sealed: it rewards the most repeated point, and weighing each claim
by 1 / its similarity mass does not fix it), MMR, soft coverage, density, length and
word-pair variants, other concept constants (all 0.60-0.69 study; sealed gains of at most 1-2
key points, inside the noise of 5 sealed debate topics). Nor did a LEARNED worthiness
(tools/learn_summaries.py: linear models of the key points an argument matches, fitted on the
study part with CV by topic, as a prior, a floor or a learned greedy step): lexical features
tell a matching argument with AUC 0.68, mostly by centrality, which favours the most repeated
point; the study-CV choice scored exactly 0.600 on sealed. A quality floor keeps fragments and
walls of text out when enough proper claims exist; ``weights`` (e.g. centrality) scale a
claim's gain. (Starting from the most central claim was tried: it lowered key-point coverage
and did not make the largest key point more likely to be covered, 0.91 of groups either way.)

Each item says which share of the group it stands for: the fraction of the group's claims whose
nearest chosen item (TF-IDF cosine) it is. Claims sharing no term with any chosen item are
represented by none, so the shares can sum to less than 1. Deterministic: claims are sorted by
id first and every tie goes to the lower id. Linear in the group size (sparse products only).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np
from scipy import sparse

try:  # the kernel sklearn.preprocessing.normalize runs, without its per-call validation
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
except ImportError:  # pragma: no cover - a future scikit-learn may move it
    from sklearn.preprocessing import normalize

    def inplace_csr_row_normalize_l2(matrix: sparse.csr_matrix) -> None:
        normalize(matrix, norm="l2", copy=False)

from argmap.model import Claim, SummaryItem
from argmap.robust import first_max, first_max_index, settle
from argmap.topics.clustering import content_word_tuple

CONCEPT_POWER = 0.25  # a concept weighs (claims sharing it) ** this (tuned on ArgKP)
MAX_CONCEPT_SHARE = 0.3  # words in more than this share of the claims are the subject, not a point
SUBJECT_DAMPING = 1.0  # weight *= (1 - share of claims with the word) ** this: subject words fade
MIN_CONCEPT_CLAIMS = 2  # a word in one claim only is nobody else's point
MIN_WORDS = 8  # quality floor: shorter claims are often bare verdicts
FALLBACK_MIN_WORDS = 4  # the floor used when too few claims reach MIN_WORDS
MAX_WORDS = 60  # quality ceiling: longer claims are paragraphs, not points
MIN_CONTENT_WORDS = 2


class TextFacts(NamedTuple):
    """What the summariser needs of one claim text, computed once per distinct text."""

    stems: list[str]  # content-word stems, in text order
    words: int  # whitespace-separated words (the quality floor and ceiling)
    normalised: str  # lower case, single spaces: two claims saying this are one item
    # The stems as ranks in one sorted vocabulary shared by the whole cache (see
    # ``rank_stems``), or None; lets ``_term_counts`` skip its per-group vocabulary.
    ids: np.ndarray | None = None


TextCache = MutableMapping[str, TextFacts]  # claim text -> its facts


def _stems(doc: str) -> list[str]:
    return [stem for stem, _ in content_word_tuple(doc)]


def _facts(text: str) -> TextFacts:
    words = text.split()
    return TextFacts(_stems(text), len(words), " ".join(text.lower().split()))


def facts_of(ordered: Sequence[Claim], cache: TextCache | None) -> list[TextFacts]:
    """Each claim's facts, through ``cache`` when given: a caller summarising many groups of
    one map (threads, topics, camps) tokenises each claim text once instead of once a group."""
    if cache is None:
        return [_facts(c.text) for c in ordered]
    result = []
    for claim in ordered:
        facts = cache.get(claim.text)
        if facts is None:
            facts = cache[claim.text] = _facts(claim.text)
        result.append(facts)
    return result


def rank_stems(cache: TextCache) -> None:
    """Give every entry of ``cache`` its ``ids``: its stems' ranks in the sorted vocabulary of
    all the cache's stems. A caller summarising many groups of one map (analysis) fills the
    cache first and calls this once; each group's counts then come from integer arrays instead
    of a per-group set, sort and dictionary (a third of the summaries' time at 10k posts)."""
    vocabulary = sorted(set().union(*(facts.stems for facts in cache.values())))
    rank = {stem: i for i, stem in enumerate(vocabulary)}
    for text, facts in cache.items():
        ids = np.fromiter(map(rank.__getitem__, facts.stems), dtype=np.int64,
                          count=len(facts.stems))
        cache[text] = facts._replace(ids=ids)


def _passes_floor(facts: TextFacts, distinct_stems: int, min_words: int) -> bool:
    return min_words <= facts.words <= MAX_WORDS and distinct_stems >= MIN_CONTENT_WORDS


def _prior(ordered: Sequence[Claim], weights: Mapping[str, float] | None) -> np.ndarray:
    """Relevance prior in [0.5, 1]: a claim with the top weight counts twice the least."""
    if not weights:
        return np.ones(len(ordered))
    raw = np.array([max(float(weights.get(c.id, 0.0)), 0.0) for c in ordered])
    top = raw.max()
    return 0.5 + 0.5 * (raw / top) if top > 0 else np.ones(len(ordered))


def _term_counts(
    stems: Sequence[list[str]], ids: Sequence[np.ndarray | None] | None = None
) -> sparse.csr_matrix:
    """Claim x term count matrix, terms in alphabetical order.

    Built with numpy rather than a scikit-learn vectoriser: a map has a thousand small groups
    and the vectoriser's per-call validation and per-token Python loop cost more than the
    counting. The layout (each row's entries ordered by the term's first occurrence in the
    group) is the one CountVectorizer produces, so every sparse product sums in the same order
    and the summaries are the same to the last bit.
    """
    n_claims = len(stems)
    known = [row for row in ids if row is not None] if ids is not None else []
    if ids is not None and len(known) == len(ids):
        # Ranks in a sorted vocabulary sort as the stems do: the group's distinct ranks in
        # order are its columns, the same columns as the sorted set below gives.
        ranked = np.concatenate([np.zeros(0, dtype=np.int64), *known])
        if len(ranked) == 0:
            return sparse.csr_matrix((n_claims, 0))
        columns, first_at, tokens = np.unique(ranked, return_index=True, return_inverse=True)
        n_terms = len(columns)
    else:
        vocabulary = sorted(set().union(*stems))
        if not vocabulary:
            return sparse.csr_matrix((n_claims, 0))
        column_of = {stem: column for column, stem in enumerate(vocabulary)}
        tokens = np.fromiter(
            map(column_of.__getitem__, chain.from_iterable(stems)), dtype=np.int64
        )
        _, first_at = np.unique(tokens, return_index=True)  # every column occurs
        n_terms = len(vocabulary)
    claim_of = np.repeat(np.arange(n_claims), [len(doc) for doc in stems])
    by_first_sight = np.argsort(first_at)  # first-seen rank -> column
    sight_rank = np.empty_like(by_first_sight)
    sight_rank[by_first_sight] = np.arange(n_terms)
    keys, counts = np.unique(claim_of * n_terms + sight_rank[tokens], return_counts=True)
    rows = keys // n_terms
    return sparse.csr_matrix(
        (
            counts.astype(np.float64),
            by_first_sight[keys % n_terms].astype(np.int32),
            np.searchsorted(rows, np.arange(n_claims + 1)).astype(np.int32),
        ),
        shape=(n_claims, n_terms),
    )


def _concepts(counts: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Binary claim x concept matrix and each concept's weight (0 for non-concepts)."""
    n_claims = counts.shape[0]
    matrix = sparse.csr_matrix(
        (np.ones(counts.nnz), counts.indices.copy(), counts.indptr.copy()), shape=counts.shape
    )
    matrix.sort_indices()  # the layout CountVectorizer(binary=True) gave: the same sums
    claims_with = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64)
    weight = claims_with**CONCEPT_POWER * (1.0 - claims_with / n_claims) ** SUBJECT_DAMPING
    weight[claims_with < MIN_CONCEPT_CLAIMS] = 0.0
    if n_claims >= 10:
        weight[claims_with > MAX_CONCEPT_SHARE * n_claims] = 0.0
    return matrix, weight


def choose(
    ordered: Sequence[Claim],
    k: int,
    weights: Mapping[str, float] | None = None,
    *,
    text_cache: TextCache | None = None,
) -> list[int]:
    """Indices (into ``ordered``) of the chosen claims, in the order they were chosen."""
    if k <= 0 or not ordered:
        return []
    facts = facts_of(ordered, text_cache)
    return _choose(ordered, k, weights, facts, _term_counts([f.stems for f in facts],
                                                            [f.ids for f in facts]))


def _choose(
    ordered: Sequence[Claim],
    k: int,
    weights: Mapping[str, float] | None,
    facts: Sequence[TextFacts],
    counts: sparse.csr_matrix,
) -> list[int]:
    distinct = np.diff(counts.indptr).tolist()  # a row holds each of its terms once
    for floor in (MIN_WORDS, FALLBACK_MIN_WORDS, 0):
        allowed = np.array([floor == 0 or _passes_floor(f, d, floor)
                            for f, d in zip(facts, distinct, strict=True)])
        if allowed.sum() >= k:
            break
    matrix, weight = _concepts(counts)
    prior = _prior(ordered, weights)
    uncovered = weight.copy()
    unseen = np.ones(weight.size)  # words not in any chosen claim, concept or not
    same_text: dict[str, list[int]] = {}
    for j, fact in enumerate(facts):
        same_text.setdefault(fact.normalised, []).append(j)
    blocked = ~allowed  # not allowed, already taken, or a repeat of a taken text
    taken: list[int] = []
    for _ in range(min(k, len(ordered))):
        # One product for both columns (a matrix of ones sums them in the same order as
        # two matrix-vector products do, so the scores are the same to the last bit).
        if weight.size:
            both = matrix @ np.column_stack((uncovered, unseen))
            gain, novelty = both[:, 0], both[:, 1]
        else:
            gain = novelty = np.zeros(len(ordered))
        # New concepts first; between claims adding the same, the one saying most that is new
        # (so a point made by one person beats a rewording of a point already chosen).
        score = prior * (gain + 1e-4 * novelty)
        score[blocked] = -np.inf
        pick = first_max_index(score)  # ties within the tolerance: the lowest id
        if not np.isfinite(score[pick]):
            break
        taken.append(pick)
        blocked[same_text[facts[pick].normalised]] = True
        if weight.size:
            words = matrix.indices[matrix.indptr[pick] : matrix.indptr[pick + 1]]
            uncovered[words] = 0.0
            unseen[words] = 0.0
    return taken


def summarize(
    claims: Sequence[Claim],
    k: int,
    *,
    urls: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
    text_cache: TextCache | None = None,
) -> tuple[SummaryItem, ...]:
    """At most k verbatim claims covering the group, each with the share it stands for.

    ``weights`` (e.g. centrality) raise a claim's relevance; ``urls`` maps a post id (or a
    claim id) to the link shown with the item; ``text_cache`` (any dict, filled as a side
    effect) lets a caller summarising many groups of the same claims tokenise each text once.
    """
    if k <= 0 or not claims:
        return ()
    ordered = sorted(claims, key=lambda c: c.id)
    facts = facts_of(ordered, text_cache)
    counts = _term_counts([f.stems for f in facts], [f.ids for f in facts])
    chosen = _choose(ordered, k, weights, facts, counts)
    if not chosen:
        return ()
    shares = _shares(counts, chosen)
    urls = urls or {}
    return tuple(
        SummaryItem(
            claim_id=ordered[i].id,
            post_id=ordered[i].post_id,
            text=ordered[i].text,
            share=share,
            url=urls.get(ordered[i].id) or urls.get(ordered[i].post_id),
        )
        for i, share in zip(chosen, shares, strict=True)
    )


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Unit rows of sublinear, smoothed-idf TF-IDF: the arithmetic of scikit-learn's
    TfidfVectorizer(sublinear_tf=True), step by step, on counts laid out as it lays them out."""
    n_claims, n_terms = counts.shape
    df = np.bincount(counts.indices, minlength=n_terms).astype(np.float64)
    df += 1.0
    idf = np.full_like(df, fill_value=n_claims + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    matrix = counts.copy()
    np.log(matrix.data, matrix.data)
    matrix.data += 1.0
    matrix.data *= idf[matrix.indices]
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def _shares(counts: sparse.csr_matrix, chosen: Sequence[int]) -> list[float]:
    """Fraction of all claims whose nearest chosen item (TF-IDF cosine; ties: chosen first) is
    each item."""
    if counts.shape[1] == 0:  # no claim has a content word
        return [0.0] * len(chosen)
    matrix = _tfidf(counts)
    sims = (matrix @ matrix[list(chosen)].T).toarray()
    nearest = first_max(sims, axis=1)  # ties within the tolerance: the item chosen first
    represented = settle(sims.max(axis=1)) > 0
    per_item = np.bincount(nearest[represented], minlength=len(chosen))
    return [round(float(c) / counts.shape[0], 6) for c in per_item]
