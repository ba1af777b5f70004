"""The corpus topic model: fitted once on a sample of the corpus's claims, applied to every thread.

Why one model: a thread clustered on its own names its topics t00, t01, ... by size inside that
thread, so "t03" means something else in every thread and nothing can be counted across a
corpus. Here the topics are fitted once (``topics.TopicModel``: TF-IDF over stems with post
context, LSA, spherical k-means, k from the data) on a deterministic sample, and every claim of
every thread is projected onto the same centres: a topic id means the same thing everywhere,
and a thread's result does not depend on which other threads were mapped beside it.

The sample: threads in (hash, id) order, the order of the spill buckets, up to
``cluster.fit_sample`` claims (or as many posts), at most ``SAMPLE_PER_THREAD`` claims per
thread so one long thread cannot make the topics. Same corpus, same sample, on any machine
and any --jobs.

The fitted arrays (vocabulary, idf, LSA components, centres) are saved with ``numpy.savez`` and
loaded with ``allow_pickle=False``: workers and Dask nodes read numbers and strings, never a
pickle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import orjson
from scipy import sparse

from argmap.blas import one_blas_thread
from argmap.model import Claim, Topic
from argmap.options import ClusterOptions
from argmap.topics import OTHER_ID, TopicModel
from argmap.topics.fitting import _KERNELS
from argmap.topics.labels import label_topics, make_topic
from argmap.topics.term_counts import stem_counts
from argmap.topics.words import content_word_tuple

SAMPLE_PER_THREAD = 200


def context_stems(claims: Sequence[Claim], post_context: bool) -> list[list[str]]:
    """Each claim's stems, plus its post's when the post has more than one claim (the same
    documents ``topics.clustering`` clusters: a short claim says little on its own)."""
    own = [[stem for stem, _ in content_word_tuple(c.text)] for c in claims]
    return _with_context(claims, own, post_context)


def _with_context(claims: Sequence[Claim], own: list[list[str]], post_context: bool
                  ) -> list[list[str]]:
    if not post_context:
        return own
    by_post: dict[str, list[str]] = {}
    count: dict[str, int] = {}
    for claim, stems in zip(claims, own, strict=True):
        by_post.setdefault(claim.post_id, []).extend(stems)
        count[claim.post_id] = count.get(claim.post_id, 0) + 1
    return [stems + by_post[c.post_id] if count[c.post_id] > 1 else stems
            for c, stems in zip(claims, own, strict=True)]


def _context_counts(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                    keys: Sequence[tuple[int, str]], n_terms: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The counts of ``_with_context``'s rows from the own rows' counts (CSR arrays as
    ``stem_counts`` makes them): a claim whose post (``keys``: group and post id) has more
    than one claim gets its own counts plus the post's sums. Counts are small integers in
    float64, so every sum is exact; the result is canonical (columns sorted, no duplicates),
    hence the very arrays ``stem_counts`` makes of the joined lists."""
    n = len(keys)
    number: dict[tuple[int, str], int] = {}
    post = np.fromiter((number.setdefault(key, len(number)) for key in keys), np.int64, n)
    multi = np.bincount(post, minlength=len(number))[post] > 1
    if not multi.any():
        return data, indices, indptr
    own = sparse.csr_array((data, indices, indptr), shape=(n, n_terms))
    gather = sparse.csr_array((np.ones(n), post, np.arange(n + 1)), shape=(n, len(number)))
    sums = (gather.T @ own).tocsr()
    sums.sum_duplicates()
    spread_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(multi, out=spread_ptr[1:])
    spread = sparse.csr_array((np.ones(int(spread_ptr[-1])), post[multi], spread_ptr),
                              shape=(n, len(number)))
    added = (spread @ sums).tocsr()
    added.sum_duplicates()
    context = (own + added).tocsr()
    context.sum_duplicates()
    return (context.data.astype(np.float64), context.indices.astype(np.int32),
            context.indptr.astype(np.int32))


@dataclass(frozen=True, eq=False)
class CorpusTopics:
    """Fitted centres and the corpus topics they stand for (``topic_of_centre[i]`` indexes
    ``topics``, -1 = "other"); ``topics`` carries ids, labels and terms, no claims."""

    terms: tuple[str, ...]
    idf: np.ndarray
    components: np.ndarray
    centres: np.ndarray
    topic_of_centre: tuple[int, ...]
    topics: tuple[Topic, ...]
    min_similarity: float
    post_context: bool
    sample_claims: int

    def _model(self) -> TopicModel:
        vectorizer = SimpleNamespace(vocabulary_={t: i for i, t in enumerate(self.terms)},
                                     idf_=self.idf)
        # Fortran order: ``project`` multiplies by ``components.T``, which is then C-contiguous;
        # otherwise scipy copied the whole projection (~10 MB) on every call. Same numbers.
        return TopicModel(vectorizer, np.asfortranarray(self.components),
                          self.centres, self.min_similarity)

    def assign(self, claims: Sequence[Claim]) -> tuple[list[str], np.ndarray]:
        """Topic id of each claim (claims as given), chosen with its post context, and the
        cosine of the claim's own words to that topic's centre (how typical it is: with post
        context a vague claim sits at the centre only because of its post's words)."""
        return self.assign_many([claims])[0]

    def assign_many(self, groups: Sequence[Sequence[Claim]]
                    ) -> list[tuple[list[str], np.ndarray]]:
        """``assign`` of each group (one thread's claims), every group's the same bytes as
        alone: the stems of all groups are projected in one pass (``project`` is row by row:
        counts, TF-IDF, L2 and the sparse product each sum within a row), and the dense
        product with the centres, the choice and the cosines are taken per group, on the same
        rows as alone. Why: a corpus task holds hundreds of threads of a few dozen claims,
        and two projections per thread were mostly fixed costs."""
        other = next((t.id for t in self.topics if t.is_other), OTHER_ID)
        if self.centres.size == 0 or not self.topic_of_centre:
            first = self.topics[0].id if self.topics else other
            return [([first] * len(g), np.zeros(len(g))) for g in groups]
        model = getattr(self, "_cached", None)
        if model is None:
            model = self._model()
            object.__setattr__(self, "_cached", model)
        out: list[tuple[list[str], np.ndarray]] = []
        with one_blas_thread():
            context, own_vectors = self._projections(model, groups)
            at = 0
            for claims in groups:
                n = len(claims)
                if not n:
                    out.append(([], np.zeros(0)))
                    continue
                assert context is not None and own_vectors is not None
                sims = context[at:at + n] @ self.centres.T
                best = sims.argmax(axis=1)
                close = sims[np.arange(n), best]
                typical = np.einsum("ij,ij->i", own_vectors[at:at + n], self.centres[best])
                at += n
                ids = []
                for centre, sim in zip(best.tolist(), close.tolist(), strict=True):
                    topic = (self.topic_of_centre[centre]
                             if sim >= self.min_similarity and sim > 0 else -1)
                    ids.append(self.topics[topic].id if topic >= 0 else other)
                out.append((ids, typical))
        return out

    def _projections(self, model: TopicModel, groups: Sequence[Sequence[Claim]]
                     ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The context and own projections of every claim of ``groups`` (None: no claims).
        Each claim's words are counted once: a context row's counts are its own plus, when
        its post has more than one claim in its group, the sums of that post's claims
        (``_context_counts``; integers, so exactly the counts of the joined word lists
        ``context_stems`` makes, and the same canonical arrays)."""
        own_all = [[stem for stem, _ in content_word_tuple(c.text)]
                   for claims in groups for c in claims]
        if not own_all:
            return None, None
        if not _KERNELS:  # pragma: no cover - the word lists, projected as before
            context_all = [stems for claims in groups for stems in _with_context(
                claims, [[s for s, _ in content_word_tuple(c.text)] for c in claims],
                self.post_context)]
            return model.project(context_all), model.project(own_all)
        n_terms = len(model.vectorizer.idf_)
        data, indices, indptr = stem_counts(own_all, model.vectorizer.vocabulary_, n_terms)
        own = (data.copy(), indices, indptr)  # weighing is in place
        if self.post_context:
            keys = [(g, c.post_id) for g, claims in enumerate(groups) for c in claims]
            data, indices, indptr = _context_counts(data, indices, indptr, keys, n_terms)
        return (model.project_count_arrays(data, indices, indptr),
                model.project_count_arrays(*own))

    def thread_topics(self, claims: Sequence[Claim]) -> tuple[tuple[Topic, ...], dict[str, float]]:
        """The corpus topics present among ``claims`` as ``Topic`` records of these claims
        (ids in id order, the most typical one as representative), and each claim's cosine
        of its own words to its topic's centre."""
        return self.thread_topics_many([claims])[0]

    def thread_topics_many(self, groups: Sequence[Sequence[Claim]]
                           ) -> list[tuple[tuple[Topic, ...], dict[str, float]]]:
        """``thread_topics`` of each group, assigned together (``assign_many``)."""
        ordered_groups = [sorted(claims, key=lambda c: c.id) for claims in groups]
        return [self._present(ordered, ids, close) for ordered, (ids, close) in
                zip(ordered_groups, self.assign_many(ordered_groups), strict=True)]

    def _present(self, ordered: list[Claim], ids: list[str], close: np.ndarray
                 ) -> tuple[tuple[Topic, ...], dict[str, float]]:
        members: dict[str, list[int]] = {}
        for i, topic_id in enumerate(ids):
            members.setdefault(topic_id, []).append(i)
        topics = []
        for topic in self.topics:
            rows = members.get(topic.id)
            if not rows:
                continue
            best = None if topic.is_other else rows[int(np.argmax(close[rows]))]
            topics.append(Topic(topic.id, topic.label, topic.terms,
                                tuple(ordered[i].id for i in rows),
                                ordered[best].id if best is not None else None, topic.is_other))
        similarity = {c.id: float(s) for c, s in zip(ordered, close.tolist(), strict=True)}
        return tuple(topics), similarity

    def save(self, path: Path) -> None:
        meta = {"topics": [[t.id, t.label, list(t.terms), t.is_other] for t in self.topics],
                "topic_of_centre": list(self.topic_of_centre),
                "min_similarity": self.min_similarity, "post_context": self.post_context,
                "sample_claims": self.sample_claims}
        with open(path, "wb") as handle:
            np.savez(handle, terms=np.asarray(self.terms, dtype=str), idf=self.idf,
                     components=self.components, centres=self.centres,
                     meta=np.asarray(orjson.dumps(meta).decode("utf-8")))

    @classmethod
    def load(cls, path: Path) -> CorpusTopics:
        with np.load(path, allow_pickle=False) as data:
            meta = orjson.loads(str(data["meta"]))
            return cls(tuple(str(t) for t in data["terms"].tolist()), data["idf"],
                       data["components"], data["centres"], tuple(meta["topic_of_centre"]),
                       tuple(Topic(i, label, tuple(terms), (), None, other)
                             for i, label, terms, other in meta["topics"]),
                       float(meta["min_similarity"]), bool(meta["post_context"]),
                       int(meta["sample_claims"]))

    def digest(self) -> str:
        """A fingerprint of the fitted numbers and labels (the same fit gives the same one)."""
        h = hashlib.sha256()
        for array in (self.idf, self.components, self.centres):
            h.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
        h.update(orjson.dumps([self.terms, [[t.id, t.label, t.terms] for t in self.topics],
                               self.topic_of_centre]))
        return h.hexdigest()


def sample_rows(claims: Sequence[Claim], cap: int = SAMPLE_PER_THREAD) -> list[int]:
    """Which of one thread's claims go into the sample: all, or ``cap`` chosen by a hash of
    the claim id (spread over the thread, the same on every run)."""
    if len(claims) <= cap:
        return list(range(len(claims)))
    keyed = sorted(range(len(claims)), key=lambda i: (
        hashlib.blake2b(claims[i].id.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
        claims[i].id))
    return sorted(keyed[:cap])


def fit(claims: Sequence[Claim], context: Sequence[list[str]],
        options: ClusterOptions) -> CorpusTopics:
    """Fit on sample claims and their context stems (rows aligned)."""
    order = sorted(range(len(claims)), key=lambda i: claims[i].id)
    ordered = [claims[i] for i in order]
    stems = [context[i] for i in order]
    words = [content_word_tuple(c.text) for c in ordered]
    empty = np.zeros((0, 0))
    with one_blas_thread():
        model = (TopicModel.fit_stems([c.text for c in ordered], stems, options)
                 if len(ordered) > options.min_graceful else None)
        if model is None or model.centres.size == 0:
            only = make_topic("t00", ordered, list(range(len(ordered))), None)
            topics = label_topics((only,), ordered, words, options) if ordered else (only,)
            return CorpusTopics((), np.zeros(0), empty, empty, (), _bare(topics),
                                options.min_similarity, options.post_context, len(ordered))
        sims = model.project(stems) @ model.centres.T
    best, close = sims.argmax(axis=1), sims.max(axis=1)
    groups: dict[int, list[int]] = {}
    other: list[int] = []
    for i, (centre, sim) in enumerate(zip(best.tolist(), close.tolist(), strict=True)):
        (groups.setdefault(centre, []) if sim >= model.min_similarity and sim > 0
         else other).append(i)
    kept: list[tuple[int, list[int]]] = []
    for centre in sorted(groups):
        rows = groups[centre]
        if len(rows) < options.min_topic_size or float(np.mean(close[rows])) < options.min_coherence:
            other.extend(rows)
        else:
            kept.append((centre, rows))
    kept.sort(key=lambda cr: (-len(cr[1]), ordered[cr[1][0]].id))
    topic_of_centre = [-1] * model.centres.shape[0]
    records = []
    for n, (centre, rows) in enumerate(kept):
        topic_of_centre[centre] = n
        records.append(make_topic(f"t{n:02d}", ordered, rows, close))
    records.append(make_topic(OTHER_ID, ordered, sorted(other), None))
    labelled = label_topics(tuple(records), ordered, words, options)
    vocabulary = model.vectorizer.vocabulary_
    terms = tuple(sorted(vocabulary, key=vocabulary.__getitem__))
    return CorpusTopics(terms, np.asarray(model.vectorizer.idf_), model.components,
                        model.centres, tuple(topic_of_centre), _bare(labelled),
                        model.min_similarity, options.post_context, len(ordered))


def _bare(topics: Sequence[Topic]) -> tuple[Topic, ...]:
    return tuple(Topic(t.id, t.label, t.terms, (), None, t.is_other) for t in topics)
