"""Tests for the topic stage: partition, order invariance, the "other" topic, labels."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.lexicon import STOPWORDS
from argmap.model import Claim, Topic, claim_id
from argmap.options import ClusterOptions
from argmap.topics.clustering import OTHER_ID, TopicModel, cluster, topic_assignment, topic_stats

SUBJECTS = {
    "security": "insiders weights theft security employees hackers access safeguards".split(),
    "football": "football league goal striker referee match stadium season".split(),
    "cooking": "pasta recipe garlic oven sauce kitchen flour baking".split(),
    "housing": "rent landlord tenants housing mortgage eviction apartment council".split(),
}
FILLERS = ["I believe that", "It is clear that", "Honestly", "In my view", "Frankly"]


def subject_claims(per_subject: int = 30, seed: int = 7) -> tuple[list[Claim], dict[str, str]]:
    """Claims about four subjects with disjoint vocabularies, and each claim's subject."""
    rng = random.Random(seed)
    claims, truth = [], {}
    for subject, words in sorted(SUBJECTS.items()):
        for n in range(per_subject):
            picked = rng.sample(words, 4)
            text = f"{rng.choice(FILLERS)} the {picked[0]} and {picked[1]} affect {picked[2]} {picked[3]}."
            post = f"p:{subject}{n:03d}"
            claim = Claim(id=f"{post}/c0", post_id=post, start=0, end=len(text), text=text)
            claims.append(claim)
            truth[claim.id] = subject
    return claims, truth


def make_claim(n: int, text: str) -> Claim:
    return Claim(id=f"p:{n:04d}/c0", post_id=f"p:{n:04d}", start=0, end=len(text), text=text)


def test_cluster_every_claim_in_exactly_one_topic() -> None:
    claims, _ = subject_claims()
    topics = cluster(claims, ClusterOptions())
    seen = [cid for t in topics for cid in t.claim_ids]
    assert sorted(seen) == sorted(c.id for c in claims)
    assert len(seen) == len(set(seen))


def test_cluster_separates_distinct_subjects() -> None:
    claims, truth = subject_claims()
    topics = cluster(claims, ClusterOptions(claims_per_topic=30, max_topic_share=0.0))
    for topic in topics:
        if topic.is_other:
            continue
        subjects = {truth[cid] for cid in topic.claim_ids}
        assert len(subjects) == 1, (topic.label, subjects)
    largest = topic_stats(topics)["largest_topic_share"]
    assert largest <= 0.25 + 1e-9


def test_cluster_ids_and_order() -> None:
    claims, _ = subject_claims()
    noise = [make_claim(900 + i, f"Zebra{chr(97 + i)}x quokka{chr(97 + i)}y") for i in range(3)]
    topics = cluster(claims + noise, ClusterOptions())
    real = [t for t in topics if not t.is_other]
    assert [t.id for t in real] == [f"t{i:02d}" for i in range(len(real))]
    sizes = [len(t.claim_ids) for t in real]
    assert sizes == sorted(sizes, reverse=True)
    assert topics[-1].is_other and topics[-1].id == OTHER_ID
    assert "other" in topics[-1].label
    for topic in real:
        assert topic.representative in topic.claim_ids


def test_cluster_empty_and_tiny_inputs() -> None:
    assert cluster([], ClusterOptions()) == ()
    few = [make_claim(i, f"Nuclear power plants are safe number {i}") for i in range(5)]
    topics = cluster(few, ClusterOptions())
    assert len(topics) == 1 and sorted(topics[0].claim_ids) == sorted(c.id for c in few)
    assert "nuclear" in topics[0].terms


def test_cluster_labels_have_no_stopwords_or_numbers() -> None:
    claims, _ = subject_claims()
    numbered = [make_claim(500 + i, f"The 2024 budget of 300 million is the the and {i}") for i in
                range(8)]
    for topic in cluster(claims + numbered, ClusterOptions()):
        for term in topic.terms:
            assert term not in STOPWORDS
            assert not re.fullmatch(r"[\d\W_]+", term)
        if not topic.is_other:
            assert topic.label == " · ".join(topic.terms)


def test_cluster_shuffled_input_gives_identical_topics() -> None:
    claims, _ = subject_claims()
    reference = cluster(claims, ClusterOptions())
    for seed in range(3):
        shuffled = list(claims)
        random.Random(seed).shuffle(shuffled)
        assert cluster(shuffled, ClusterOptions()) == reference


words = st.sampled_from(
    "alpha beta gamma delta tax tariff vote climate carbon ocean 42 the and is of".split()
)


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(st.lists(words, min_size=0, max_size=9).map(" ".join), max_size=40),
    seed=st.randoms(use_true_random=False),
)
def test_cluster_order_independent_on_arbitrary_text(texts: list[str], seed: random.Random) -> None:
    claims = [make_claim(i, t) for i, t in enumerate(texts)]
    shuffled = list(claims)
    seed.shuffle(shuffled)
    first, second = cluster(claims, ClusterOptions()), cluster(shuffled, ClusterOptions())
    assert first == second
    assert sorted(topic_assignment(first)) == sorted(c.id for c in claims)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=25))
def test_cluster_survives_hostile_text(texts: list[str]) -> None:
    claims = [make_claim(i, t) for i, t in enumerate(texts)]
    topics = cluster(claims, ClusterOptions())
    assert sorted(topic_assignment(topics)) == sorted(c.id for c in claims)


def test_cluster_topic_model_assigns_new_texts() -> None:
    claims, truth = subject_claims()
    model = TopicModel.fit([c.text for c in claims], ClusterOptions(claims_per_topic=30))
    found = model.assign(["The pasta sauce needs garlic from the kitchen oven.",
                          "The striker scored a goal in the stadium match.",
                          "qwertyuiop asdfghjkl"])
    assert found[0] != found[1] and found[0] >= 0 and found[1] >= 0
    assert found[2] == -1


def test_cluster_topic_stats_counts() -> None:
    topics = (
        Topic("t00", "a", ("a",), ("x1", "x2", "x3")),
        Topic("t01", "b", ("b",), ("x4",)),
        Topic(OTHER_ID, "other", (), ("x5", "x6", "x7", "x8"), is_other=True),
    )
    stats = topic_stats(topics)
    assert stats["claims"] == 8
    assert stats["topics"] == 2
    assert stats["largest_topic_share"] == 3 / 8
    assert stats["other_share"] == 4 / 8


def test_cluster_seed_does_not_change_topics() -> None:
    claims, _ = subject_claims()
    assert cluster(claims, ClusterOptions(seed=0)) == cluster(claims, ClusterOptions(seed=12345))


def test_cluster_fits_on_a_sample_and_assigns_the_rest() -> None:
    claims, truth = subject_claims()
    options = ClusterOptions(fit_sample=40, claims_per_topic=10, max_topic_share=0.0)
    topics = cluster(claims, options)
    assert sorted(topic_assignment(topics)) == sorted(c.id for c in claims)
    shuffled = list(claims)
    random.Random(5).shuffle(shuffled)
    assert cluster(shuffled, options) == topics
    for topic in topics:  # claims outside the sample still land with their own subject
        if not topic.is_other:
            assert len({truth[cid] for cid in topic.claim_ids}) == 1


def test_cluster_projects_stems_exactly_like_texts() -> None:
    # cluster() projects precomputed stems through a numpy path; it must give the vectoriser's
    # very floats, or topics would depend on which path a caller took.
    from argmap.topics.clustering import content_words

    claims, _ = subject_claims(per_subject=10)
    texts = [c.text for c in claims] + ["qwertyuiop", "", "pasta pasta pasta garlic"]
    model = TopicModel.fit(texts, ClusterOptions(claims_per_topic=10))
    stems = [[stem for stem, _ in content_words(t)] for t in texts]
    assert model.project(stems).tolist() == model.project(texts).tolist()
    assert not any(model.project(stems)[len(claims)])  # no known word: a zero row


def test_cluster_post_context_keeps_a_posts_vague_claims_with_its_subject():

    subjects = {
        "cars": ["Cars pollute the city centre air badly", "Electric cars still need parking space",
                 "Drivers would need better buses first"],
        "uniforms": ["School uniforms reduce bullying over clothes", "Uniform costs burden poor families",
                     "Pupils lose a way to express themselves"],
        "vaccines": ["Vaccines prevent measles outbreaks in schools", "Vaccine side effects are very rare",
                     "Herd immunity protects newborn babies"],
        "taxes": ["Wealth taxes raise revenue for hospitals", "Rich people move money abroad quickly",
                  "Tax havens make the wealth levy leaky"],
    }
    claims = []
    for n, (_subject, texts) in enumerate(sorted(subjects.items())):
        vague = "I think this matters a lot for everyone honestly"
        for i, text in enumerate([*texts, vague]):
            claims.append(Claim(claim_id(f"post{n}", i), f"post{n}", 0, len(text), text))
    topics = cluster(claims, ClusterOptions(min_topic_size=2))
    topic_of = topic_assignment(topics)
    for topic in topics:
        if not topic.is_other:  # the typical claim is judged by its own words, not its post's
            assert not topic.representative.endswith("/c3"), topic
    subject_topics = set()
    for n in range(len(subjects)):
        post_topics = {topic_of[c.id] for c in claims if c.post_id == f"post{n}"} - {OTHER_ID}
        assert len(post_topics) == 1, (n, post_topics)
        # the vague last claim (same words in every post) sits with its own post's subject
        assert topic_of[claim_id(f"post{n}", 3)] in post_topics
        subject_topics |= post_topics
    assert len(subject_topics) == len(subjects)


def test_cluster_project_stems_kernels_same_bits_as_scipy_matrices(monkeypatch) -> None:
    # the corpus projects each thread's stems through scipy's and scikit-learn's kernels on
    # bare arrays; the floats must be those of the matrix objects, repeated and unknown stems,
    # empty claims and a single claim included
    import argmap.topics.fitting as fitting
    from argmap.topics.words import content_words

    claims, _ = subject_claims(per_subject=10)
    texts = [c.text for c in claims]
    model = TopicModel.fit(texts, ClusterOptions(claims_per_topic=10))
    stems = [[stem for stem, _ in content_words(t)] for t in texts]
    batches = [stems, [stems[0] * 3 + ["qwertyuiop"], [], stems[1] + stems[2]], [stems[5]],
               [[]], [["qwertyuiop"]]]
    assert fitting._KERNELS
    fast = [model.project(batch) for batch in batches]
    monkeypatch.setattr(fitting, "_KERNELS", False)
    for batch, got in zip(batches, fast, strict=True):
        assert got.tobytes() == model.project(batch).tobytes()


_STEM_DOCS = st.lists(st.lists(st.sampled_from(["tax", "rent", "bus", "car", "pasta", "ével", "x"]),
                               max_size=8), max_size=40)


@settings(max_examples=150, deadline=None)
@given(docs=_STEM_DOCS, min_words=st.integers(0, 3), seed=st.randoms())
def test_clustering_fit_lists_counts_like_the_vectoriser(docs: list[list[str]], min_words: int,
                                                         seed: random.Random) -> None:
    # the corpus fit counts its stem lists with numpy; the vectoriser, its vocabulary, idf and
    # matrix (values, column order within rows) must be what the vectoriser's own loop makes
    import argmap.topics.fitting as fitting

    order = list(range(len(docs)))
    seed.shuffle(order)
    options = ClusterOptions(min_content_words=min_words)
    fast, fast_tfidf = fitting._fit_lists(docs, order, options)
    real = fitting.stream_fit_available
    try:
        fitting.stream_fit_available = lambda: False
        plain, plain_tfidf = fitting._fit_lists(docs, order, options)
    finally:
        fitting.stream_fit_available = real
    assert (fast_tfidf is None) == (plain_tfidf is None)
    if plain_tfidf is None:
        return
    assert fast.vocabulary_ == plain.vocabulary_
    assert fast.idf_.tobytes() == plain.idf_.tobytes()
    for part in ("data", "indices", "indptr"):
        assert getattr(fast_tfidf, part).tobytes() == getattr(plain_tfidf, part).tobytes(), part
    assert fast_tfidf.shape == plain_tfidf.shape



@settings(max_examples=60, deadline=None)
@given(docs=st.lists(st.lists(st.sampled_from(["tax", "rent", "bus", "car", "pasta", "zzz"]),
                              max_size=12), max_size=30))
def test_clustering_count_arrays_sum_in_rows_like_the_sort(docs: list[list[str]]) -> None:
    # many tokens are counted by summing within rows, few by sorting every key: the same
    # arrays (values, dtypes, columns sorted in each row), so projections keep their bits
    import argmap.topics.term_counts as term_counts

    claims, _ = subject_claims(per_subject=6)
    texts = [c.text for c in claims] + ["tax rent bus car pasta"] * 3
    model = TopicModel.fit(texts, ClusterOptions(claims_per_topic=5))
    assert "zzz" not in model.vectorizer.vocabulary_  # a stem outside every column
    real = term_counts.SUM_IN_ROWS_FROM
    try:
        term_counts.SUM_IN_ROWS_FROM = 10**9
        sorted_keys = model._count_arrays(docs)
        term_counts.SUM_IN_ROWS_FROM = 0
        summed = model._count_arrays(docs)
    finally:
        term_counts.SUM_IN_ROWS_FROM = real
    for a, b in zip(sorted_keys, summed, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


@given(st.text(st.sampled_from(list("aZk09'\u2019-_ .,\u212a\u0130\u00e9\u0661xY")),
               max_size=40))
def test_clustering_content_words_ascii_shortcut_same_words(text: str) -> None:
    """``content_word_tuple`` reads lower-case ASCII text with an ASCII pattern: the same
    (stem, word) pairs as the Unicode pattern gives (apostrophes, hyphens, digits, letters
    whose lower case is or is not ASCII)."""
    from argmap.topics.words import _WORD, _normalise, content_word_tuple

    expected = tuple(filter(None, map(_normalise, _WORD.findall(text.lower()))))
    assert content_word_tuple.__wrapped__(text) == expected
