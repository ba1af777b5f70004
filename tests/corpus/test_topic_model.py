"""The corpus topic model: fitted the same from the same sample, saved and loaded without
pickles, and a claim's topic depends on its own post only, never on the threads beside it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.corpus.topic_model import CorpusTopics, context_stems, fit, sample_rows
from argmap.model import Claim, Post, Thread
from argmap.options import ClusterOptions, SegmentOptions
from argmap.segment import segment
from argmap.topics.clustering import content_word_tuple
from tests.corpus.dumps import SUBJECTS


def _claims(n_posts: int, offset: int = 0) -> tuple[Claim, ...]:
    subjects = sorted(SUBJECTS)
    posts = []
    for i in range(n_posts):
        lines = SUBJECTS[subjects[i % 3]]
        text = " ".join(lines[(i + k) % len(lines)] for k in range(3))
        posts.append(Post(f"p{i + offset}", "t", text))
    claims, _ = segment((Thread("t", None, tuple(posts)),), SegmentOptions())
    return claims


def _fitted() -> CorpusTopics:
    claims = _claims(90)
    return fit(claims, context_stems(claims, True), ClusterOptions())


def test_topic_model_fit_is_deterministic_and_survives_save_and_load(tmp_path) -> None:
    first, second = _fitted(), _fitted()
    assert first.digest() == second.digest()
    assert len([t for t in first.topics if not t.is_other]) >= 2
    first.save(tmp_path / "m.npz")
    loaded = CorpusTopics.load(tmp_path / "m.npz")  # np.load with allow_pickle=False
    assert loaded.digest() == first.digest()
    claims = _claims(12, offset=500)
    assert loaded.assign(claims)[0] == first.assign(claims)[0]


def test_topic_model_a_claims_topic_does_not_depend_on_other_threads() -> None:
    model = _fitted()
    claims = _claims(30, offset=1000)
    together, _ = model.assign(claims)
    alone = [model.assign([c for c in claims if c.post_id == claim.post_id])[0][
        [c.id for c in claims if c.post_id == claim.post_id].index(claim.id)]
        for claim in claims]
    assert together == alone
    topics, similarity = model.thread_topics(claims)
    assert sorted(cid for t in topics for cid in t.claim_ids) == sorted(c.id for c in claims)
    assert set(similarity) == {c.id for c in claims}
    subjects = {topics_id for topics_id in together}
    assert len(subjects) >= 2  # three subjects do not collapse into one topic


def test_topic_model_tiny_and_empty_samples() -> None:
    tiny = fit(_claims(1), context_stems(_claims(1), True), ClusterOptions())
    assert [t.id for t in tiny.topics] == ["t00"]
    assert set(tiny.assign(_claims(4))[0]) == {"t00"}
    empty = fit([], [], ClusterOptions())
    assert empty.assign([])[0] == [] and empty.thread_topics([]) == ((), {})


def test_topic_model_sample_takes_at_most_the_cap_spread_over_the_thread() -> None:
    claims = _claims(200)
    rows = sample_rows(claims, cap=50)
    assert len(rows) == 50 and rows == sorted(rows)
    assert rows[0] < len(claims) // 4 and rows[-1] > 3 * len(claims) // 4
    assert sample_rows(claims, cap=50) == rows
    assert np.isfinite(_fitted().centres).all()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_topic_model_projections_from_counts_equal_the_joined_word_lists(data) -> None:
    """``assign_many`` counts each claim's words once and makes a context row's counts as
    its own plus its post's sums; the projections are the bits of projecting the word lists
    ``context_stems`` joins (groups sharing posts, a claim twice, empty groups, claims with
    no known word, with and without post context)."""
    model = _FITTED
    pool = list(_claims(8, offset=2000)) + [
        replace(_claims(1, offset=3000)[0], id="x1", text=""),
        replace(_claims(1, offset=3000)[0], id="x2", text="12 34 qqqq zzzz"),
        replace(_claims(1, offset=3000)[0], id="x3", text="tax tax tax tax")]
    groups = data.draw(st.lists(st.lists(st.sampled_from(pool), max_size=14), max_size=5),
                       label="groups")
    for context in (True, False):
        topics = replace(model, post_context=context)
        made = topics._projections(topics._model(), groups)
        if not any(groups):
            assert made == (None, None)
            continue
        own = [[s for s, _ in content_word_tuple(c.text)] for g in groups for c in g]
        joined = [row for g in groups
                  for row in context_stems(g, context)]
        expected = (topics._model().project(joined), topics._model().project(own))
        for got, want in zip(made, expected, strict=True):
            assert got.tobytes() == want.tobytes() and got.shape == want.shape


_FITTED = _fitted()
