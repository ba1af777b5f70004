"""Tests for extractive summaries: coverage over redundancy, verbatim items, shares, determinism."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.analysis.summarize import TextFacts, summarize
from argmap.model import Claim


def make_claim(post: str, text: str, n: int = 0) -> Claim:
    return Claim(id=f"{post}/c{n}", post_id=post, start=0, end=len(text), text=text)


# Three key points; the first is repeated in many near-identical wordings to tempt a
# centrality-only summary into picking it again and again.
POINTS = {
    "bullying": [
        f"School uniforms reduce bullying because poorer students no longer stand out {tail}"
        for tail in ("at all", "in class", "at school", "so much", "every day", "anymore",
                     "among peers", "in the playground")
    ],
    "cost": [
        "Buying the uniform costs families too much money every year as the kids keep growing",
        "Poor families cannot afford the money the uniform costs when the school demands it",
        "The uniform costs parents real money, a burden for families with several children",
    ],
    "expression": [
        "Children lose the chance to express their identity through the clothing they choose",
        "Clothing lets students express an identity of their own, which a uniform takes away",
        "Students should express their identity and creativity in the clothing they pick",
    ],
}


def point_claims() -> tuple[list[Claim], dict[str, str]]:
    claims, point_of = [], {}
    for point, texts in sorted(POINTS.items()):
        for n, text in enumerate(texts):
            claim = make_claim(f"p:{point}{n}", text)
            claims.append(claim)
            point_of[claim.id] = point
    return claims, point_of


def test_summarize_covers_each_point_once_despite_near_duplicates() -> None:
    claims, point_of = point_claims()
    items = summarize(claims, 3)
    assert len(items) == 3
    assert sorted(point_of[i.claim_id] for i in items) == ["bullying", "cost", "expression"]


def test_summarize_items_are_verbatim_and_linked() -> None:
    claims, _ = point_claims()
    by_id = {c.id: c for c in claims}
    urls = {c.post_id: f"https://example.org/{c.post_id}" for c in claims}
    for item in summarize(claims, 3, urls=urls):
        claim = by_id[item.claim_id]
        assert item.text == claim.text and item.post_id == claim.post_id
        assert item.url == f"https://example.org/{claim.post_id}"


def test_summarize_share_is_fraction_of_nearest_claims() -> None:
    cats = [
        make_claim("p:a", "Cats sleep most of the day and hunt mice during the quiet night"),
        make_claim("p:b", "Cats hunt mice at night and sleep through most of the long day"),
        make_claim("p:c", "Most cats sleep all day long and then hunt mice around the night"),
    ]
    dog = make_claim("p:d", "Dogs need long walks in the park with their owners every morning")
    items = summarize([*cats, dog], 2)
    shares = {("cat" if i.claim_id != dog.id else "dog"): i.share for i in items}
    assert shares == {"cat": 0.75, "dog": 0.25}


def test_summarize_weights_steer_the_first_choice() -> None:
    claims, point_of = point_claims()
    balanced = [c for c in claims if point_of[c.id] != "bullying"]  # two points, 3 claims each
    first = point_of[summarize(balanced, 1)[0].claim_id]
    favoured = next(c.id for c in balanced if point_of[c.id] != first)
    items = summarize(balanced, 1, weights={favoured: 10.0})
    assert point_of[items[0].claim_id] != first


def test_summarize_edge_cases() -> None:
    claims, _ = point_claims()
    assert summarize([], 3) == ()
    assert summarize(claims, 0) == ()
    everything = summarize(claims, 100)
    assert len({i.claim_id for i in everything}) == len(everything) <= len(claims)


def test_summarize_is_independent_of_input_order() -> None:
    claims, _ = point_claims()
    reference = summarize(claims, 3)
    for seed in range(3):
        shuffled = list(claims)
        random.Random(seed).shuffle(shuffled)
        assert summarize(shuffled, 3) == reference


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=20), st.integers(min_value=0, max_value=6))
def test_summarize_survives_hostile_text(texts: list[str], k: int) -> None:
    claims = [make_claim(f"p:{i}", t) for i, t in enumerate(texts)]
    items = summarize(claims, k)
    assert len(items) <= min(k, len(claims))
    assert all(0.0 <= i.share <= 1.0 for i in items)
    assert sum(i.share for i in items) <= 1.0 + 1e-9
    assert {i.text for i in items} <= {c.text for c in claims}


def test_summarize_shared_text_cache_changes_nothing() -> None:
    claims, _ = point_claims()
    cache: dict[str, TextFacts] = {}
    first_group, second_group = claims[:7], claims[5:]
    assert summarize(first_group, 2, text_cache=cache) == summarize(first_group, 2)
    assert summarize(second_group, 3, text_cache=cache) == summarize(second_group, 3)
    assert set(cache) == {c.text for c in claims}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from("ab bb ca de ef zz".split()), max_size=6), max_size=8))
def test_summarize_counts_are_laid_out_like_count_vectorizer(docs: list[list[str]]) -> None:
    # The hand-built matrices must sum in scikit-learn's order, or summaries drift in ties.
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from argmap.analysis.summarize import _concepts, _term_counts, _tfidf

    counts = _term_counts(docs)
    if not any(docs):
        assert counts.shape == (len(docs), 0)
        return
    binary = CountVectorizer(analyzer=list, binary=True).fit_transform(docs).tocsr()
    tfidf = TfidfVectorizer(analyzer=list, sublinear_tf=True).fit_transform(docs)
    for mine, theirs in ((_concepts(counts)[0], binary.astype(float)), (_tfidf(counts), tfidf)):
        assert mine.indptr.tolist() == theirs.indptr.tolist()
        assert mine.indices.tolist() == theirs.indices.tolist()
        assert mine.data.tolist() == theirs.data.tolist()


def test_summarize_ties_go_to_the_lowest_id_whatever_the_noise() -> None:
    """Claims that cover the group equally and weigh the same (leaves of equal centrality)
    tie exactly; weights off by 1e-12 used to pick whichever came out larger."""
    words = "rent control keeps tenants homes protects families landlords".split()
    texts = [" ".join(words[n:] + words[:n]) for n in range(3)]  # one concept set, 3 orders
    claims = [make_claim(f"p:{n}", text) for n, text in enumerate(texts)]
    clean = summarize(claims, 1, weights={c.id: 0.25 for c in claims})
    assert clean[0].claim_id == "p:0/c0"
    rng = random.Random(4)
    for _ in range(10):
        noisy = {c.id: 0.25 * (1.0 + 1e-12 * rng.gauss(0.0, 1.0)) for c in claims}
        assert summarize(claims, 1, weights=noisy) == clean
