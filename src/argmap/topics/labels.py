"""Topic records and their labels: class-based TF-IDF terms, the representative claim, the
explicit "other" topic, and the figures benchmarks report. Split from ``cluster`` (which finds
the groups) because naming a group is its own concern and needs every group's counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from argmap.model import Claim, Topic
from argmap.options import ClusterOptions
from argmap.robust import first_max_index, significant
from argmap.topics.term_counts import ClaimTerms

OTHER_ID = "other"
OTHER_LABEL = "other (claims that fit no topic)"


def make_topic(
    topic_id: str, ordered: Sequence[Claim], members: Sequence[int], closeness: np.ndarray | None
) -> Topic:
    """A topic without its terms yet (they need every topic's counts). The representative is
    the member closest to the topic centre (the first, lowest id, on ties)."""
    ids = tuple(ordered[i].id for i in members)
    representative = ids[0] if ids else None
    if closeness is not None and len(members) and topic_id != OTHER_ID:
        # ties within the tolerance (equal texts, noise) go to the first member, lowest id
        representative = ids[first_max_index(closeness[list(members)])]
    return Topic(
        id=topic_id,
        label=OTHER_LABEL if topic_id == OTHER_ID else "",
        terms=(),
        claim_ids=ids,
        representative=representative if topic_id != OTHER_ID else None,
        is_other=topic_id == OTHER_ID,
    )


def label_topics(
    topics: tuple[Topic, ...],
    ordered: Sequence[Claim],
    words: Sequence[Sequence[tuple[str, str]]],
    options: ClusterOptions,
    counted: tuple[ClaimTerms, Sequence[Sequence[int]]] | None = None,
) -> tuple[Topic, ...]:
    """Terms by class-based TF-IDF: frequent in the topic, rare in the other topics.

    ``counted`` (the claims' term ids and each topic's member indexes, every claim in exactly
    one topic) counts with one sparse product instead of a set per claim; same integers."""
    if counted is not None:
        counts = _topic_stem_counts(*counted)
        pair_counts = Counter(chain.from_iterable(words))
    else:
        words_of = {c.id: pairs for c, pairs in zip(ordered, words, strict=True)}
        # Counting in C (Counter over one chained iterable) rather than an update per claim.
        counts = [
            Counter(chain.from_iterable(
                {stem for stem, _ in words_of[cid]} for cid in topic.claim_ids
            ))
            for topic in topics
        ]
        pair_counts = Counter(
            chain.from_iterable(words_of[cid] for topic in topics for cid in topic.claim_ids)
        )
    surface: dict[str, dict[str, int]] = {}  # stem -> surface word -> occurrences
    for (stem, word), count in pair_counts.items():
        surface.setdefault(stem, {})[word] = count
    total: Counter[str] = Counter()
    for counter in counts:
        total.update(counter)
    # A word in most claims (the debate's own subject) tells the topics apart from nothing.
    claims_total = sum(len(t.claim_ids) for t in topics)
    too_common = {s for s, n in total.items() if claims_total >= 20 and n > 0.5 * claims_total}
    average = max(1.0, sum(total.values()) / max(len(topics), 1))
    labelled = []
    for topic, counter in zip(topics, counts, strict=True):
        size = max(len(topic.claim_ids), 1)
        min_count = 1 if size < 10 else 2
        stems = [stem for stem, count in counter.items()
                 if count >= min_count and stem not in too_common]
        counts_of = np.fromiter((counter[stem] for stem in stems), np.float64, len(stems))
        totals = np.fromiter((total[stem] for stem in stems), np.float64, len(stems))
        # scores settled to 12 significant digits: equal in exact arithmetic, equal on every
        # machine, and then ranked by stem
        weights = significant(-(counts_of / size) * np.log(1.0 + average / totals), 12)
        scored = sorted(zip(weights.tolist(), stems, strict=True))
        terms = tuple(
            min(surface[stem].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            for _, stem in scored[: options.label_terms]
        )
        label = topic.label or (" · ".join(terms) if terms else "miscellaneous")
        labelled.append(Topic(topic.id, label, terms, topic.claim_ids, topic.representative,
                              topic.is_other))
    return tuple(labelled)


def _topic_stem_counts(
    terms: ClaimTerms, members: Sequence[Sequence[int]]
) -> list[dict[str, int]]:
    """For each topic, how many of its claims contain each stem (stems it has only)."""
    n_terms = len(terms.names)
    binary = terms.counts(np.arange(terms.n), np.arange(n_terms), n_terms, context=False)
    binary.data[:] = 1.0
    rows = np.repeat(np.arange(len(members)), [len(m) for m in members])
    columns = np.fromiter(chain.from_iterable(members), dtype=np.int64, count=len(rows))
    indicator = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(members), terms.n)
    )
    per_topic = (indicator @ binary).tocsr()
    names = terms.names
    result = []
    for topic in range(len(members)):
        lo, hi = per_topic.indptr[topic], per_topic.indptr[topic + 1]
        stems = [names[j] for j in per_topic.indices[lo:hi].tolist()]
        result.append(dict(zip(stems, per_topic.data[lo:hi].astype(np.int64).tolist(),
                               strict=True)))
    return result


def topic_stats(topics: Sequence[Topic]) -> dict[str, float]:
    """Figures a benchmark reports about a topic model's output."""
    total = sum(len(t.claim_ids) for t in topics)
    real = [len(t.claim_ids) for t in topics if not t.is_other]
    other = sum(len(t.claim_ids) for t in topics if t.is_other)
    return {
        "claims": float(total),
        "topics": float(len(real)),
        "largest_topic_share": (max(real) / total) if real and total else 0.0,
        "other_share": other / total if total else 0.0,
        "median_topic_size": float(np.median(real)) if real else 0.0,
    }


def topic_assignment(topics: Sequence[Topic]) -> dict[str, str]:
    """claim id -> topic id, e.g. to compare two runs with an adjusted Rand index."""
    return {cid: t.id for t in topics for cid in t.claim_ids}
