"""Topics: group claims by subject with TF-IDF -> LSA -> spherical k-means, plus an "other" topic.

Why not plain k-means over TF-IDF: short claims share few words, so their TF-IDF vectors are
nearly orthogonal and k-means puts most of them in one catch-all cluster (measured ~75 %).
Projecting onto a few dozen LSA dimensions first makes related wordings close, and k-means on
unit vectors (spherical k-means) then spreads them over topics of comparable size. Claims that
sit far from every centre, and clusters that are too small or incoherent, go to an explicit
"other" topic instead of polluting a real one.

Determinism and order invariance: the model is fitted on the texts sorted canonically, on a
sample chosen by a hash of each text (not by position), with fixed-state SVD and k-means++; so a
shuffled input gives the identical topics. Fitting is bounded by ``fit_sample`` and assigning
is one sparse product per claim, which keeps 500k claims near-linear.

The model itself (TF-IDF, LSA, k-means, projection) is ``fitting.TopicModel`` and the words
are ``words.content_word_tuple``: the corpus topic model fits and projects through them too,
while this module is what one map does with a model (its groups, "other", typical claims).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from argmap.gcpause import collector_paused
from argmap.model import Claim, Topic
from argmap.options import ClusterOptions
from argmap.robust import first_max, settle
from argmap.topics.fitting import (  # noqa: F401  (_choose_k: tools/ read it here)
    TopicModel,
    _choose_k,
    inplace_csr_row_normalize_l2,
)
from argmap.topics.labels import (  # noqa: F401  (OTHER_ID, topic_stats, topic_assignment: public here)
    OTHER_ID,
    OTHER_LABEL,
    label_topics,
    make_topic,
    topic_assignment,
    topic_stats,
)
from argmap.topics.term_counts import ClaimTerms, stream_fit_available
from argmap.topics.words import content_word_tuple, content_words  # noqa: F401  (public here)


def cluster(claims: Sequence[Claim], options: ClusterOptions) -> tuple[Topic, ...]:
    """Group claims into topics; every claim id lands in exactly one topic.

    Topics are ordered by size (largest first, ties by first claim id) and named t00, t01, ...;
    the explicit "other" topic, if any claim needs it, comes last. The cyclic collector is
    paused (``gcpause``): the word tuples and arrays made here hold no cycles, and its
    automatic full collections walked the whole heap (~0.2 CPU s at 10k posts).
    """
    with collector_paused():
        return _cluster(claims, options)


def _cluster(claims: Sequence[Claim], options: ClusterOptions) -> tuple[Topic, ...]:
    ordered = sorted(claims, key=lambda c: c.id)
    if not ordered:
        return ()
    texts = [c.text for c in ordered]
    # Discussions repeat themselves (quotes, stock phrases): tokenise each distinct text once.
    # The lists are shared between claims with the same text and only read from then on.
    words_of_text: dict[str, tuple[tuple[str, str], ...]] = {}
    stems_of_text: dict[str, list[str]] = {}
    for text in texts:
        if text not in words_of_text:
            pairs = words_of_text[text] = content_word_tuple(text)
            stems_of_text[text] = [stem for stem, _ in pairs]
    words = [words_of_text[t] for t in texts]
    own_stems = [stems_of_text[t] for t in texts]
    if len(ordered) <= options.min_graceful:
        topic = make_topic("t00", ordered, list(range(len(ordered))), None)
        return label_topics((topic,), ordered, words, options)
    # Integer term ids and count matrices instead of each claim's words joined with its
    # post's (cluster_counts): the same model and the same sums, without the long lists.
    terms = ClaimTerms(own_stems, [c.post_id for c in ordered], options.post_context)
    # One BLAS/OpenMP thread: the data are small and batch runs already use every core, where
    # oversubscribed k-means and SVD threads were measured 5-10x slower.
    with threadpool_limits(limits=1):
        if stream_fit_available():
            model = TopicModel.fit_terms(texts, terms, options)
        else:  # pragma: no cover - a scikit-learn without the counting hook
            model = TopicModel.fit_stems(texts, _with_post_context(ordered, own_stems, options),
                                         options)
        best, closeness = _nearest_centres(model, terms, context=True)
        # The typical claim is judged by its own words: with post context a vague claim
        # ("but I feel it's important") sits at the centre only because of its post's words.
        typicality = _own_closeness(model, terms, best) if options.post_context else closeness
    groups: dict[int, list[int]] = {}
    other: list[int] = []
    # thresholds compare settled values: a cosine equal to one in exact arithmetic reaches it
    # on every machine, and -1e-17 is not above zero
    for i, (label, sim) in enumerate(zip(best.tolist(), settle(closeness).tolist(),
                                         strict=True)):
        if sim >= model.min_similarity and sim > 0:
            groups.setdefault(label, []).append(i)
        else:
            other.append(i)
    kept: list[list[int]] = []
    for label in sorted(groups):
        members = groups[label]
        coherence = float(settle(np.mean(settle(closeness[members]))))
        if len(members) < options.min_topic_size or coherence < options.min_coherence:
            other.extend(members)
        else:
            kept.append(members)
    kept.sort(key=lambda m: (-len(m), ordered[m[0]].id))
    if other:
        kept.append(sorted(other))
    topics = [
        make_topic(OTHER_ID if other and n == len(kept) - 1 else f"t{n:02d}", ordered, members,
                    typicality)
        for n, members in enumerate(kept)
    ]
    return label_topics(tuple(topics), ordered, words, options, (terms, kept))


def _with_post_context(
    claims: Sequence[Claim], stems: list[list[str]], options: ClusterOptions
) -> list[list[str]]:
    """Each claim's stems plus the stems of its whole post (its own words so count twice).

    A short claim says little on its own ("so they should care what the public thinks"); the
    post it sits in says what it is about. Without this, a thread of a few posts on different
    subjects came out as topics that cut across every post. Claims that are alone in their
    post (key-point arguments, one-sentence replies) are left exactly as they are.
    """
    if not options.post_context:
        return stems
    by_post: dict[str, list[str]] = {}
    claims_in_post: dict[str, int] = {}
    for claim, own in zip(claims, stems, strict=True):
        by_post.setdefault(claim.post_id, []).extend(own)
        claims_in_post[claim.post_id] = claims_in_post.get(claim.post_id, 0) + 1
    return [
        own + by_post[claim.post_id] if claims_in_post[claim.post_id] > 1 else own
        for claim, own in zip(claims, stems, strict=True)
    ]


def _columns(model: TopicModel, terms: ClaimTerms) -> np.ndarray:
    """Each term id of ``terms`` -> its column in the model's vocabulary (-1: not in it)."""
    vocabulary = model.vectorizer.vocabulary_
    return np.fromiter((vocabulary.get(name, -1) for name in terms.names), dtype=np.int64,
                       count=len(terms.names))


def _nearest_centres(
    model: TopicModel, terms: ClaimTerms, context: bool, chunk: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """Each claim's nearest topic centre and its cosine to it, in chunks so that memory stays
    bounded by the chunk, not the corpus (500k claims x LSA dims would be ~400 MB)."""
    best = np.full(terms.n, -1, dtype=np.int64)
    closeness = np.zeros(terms.n)
    if model.centres.size == 0:
        return best, closeness
    columns, n_columns = _columns(model, terms), len(model.vectorizer.idf_)
    for start in range(0, terms.n, chunk):
        rows = np.arange(start, min(start + chunk, terms.n))
        counts = terms.counts(rows, columns, n_columns, context=context)
        sims = model.project_counts(counts) @ model.centres.T
        best[start : start + len(sims)] = first_max(sims, axis=1)  # ties: the lower centre
        closeness[start : start + len(sims)] = sims.max(axis=1)
    return best, closeness


def _own_closeness(
    model: TopicModel, terms: ClaimTerms, best: np.ndarray, chunk: int = 20_000
) -> np.ndarray:
    """Cosine of each claim's own words to the centre of the topic it was assigned to."""
    closeness = np.zeros(terms.n)
    if model.centres.size == 0:
        return closeness
    columns, n_columns = _columns(model, terms), len(model.vectorizer.idf_)
    for start in range(0, terms.n, chunk):
        rows = np.arange(start, min(start + chunk, terms.n))
        points = model.project_counts(terms.counts(rows, columns, n_columns, context=False))
        centres = model.centres[best[start : start + len(points)]]
        closeness[start : start + len(points)] = np.einsum("ij,ij->i", points, centres)
    return closeness
