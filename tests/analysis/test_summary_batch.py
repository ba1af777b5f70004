"""summary_batch.GroupSummariser: every group's summary equals summarize.summarize's.

Why this matters: analysis summarises all threads, topics and camps of a map in one batched
pass (a speed path), while ``summarize`` stays the reference. Any drift between the two would
change the maps' summaries silently, so the two are compared on hostile groupings: claims
without content words, equal texts, weights missing, empty or all zero, k above the group.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.analysis.summarize import summarize
from argmap.analysis.summary_batch import GroupSummariser
from argmap.model import Claim, Role

_VOCAB = ("tax taxes school schools health cost costs price freedom speech safety risk car "
          "cars city energy power nuclear solar wind water food farm").split()
_TEXT = st.one_of(
    st.lists(st.sampled_from(_VOCAB), min_size=2, max_size=14).map(lambda w: " ".join(w) + "."),
    st.sampled_from(["ok", "I think so too, yes.", "Nuclear power is safe.", ""]),
)


@st.composite
def _maps(draw):
    texts = draw(st.lists(_TEXT, min_size=1, max_size=30))
    claims = [Claim(f"p{draw(st.integers(0, 6))}/c{i:02d}", f"p{i % 4}", 0, 1, text, Role.CLAIM)
              for i, text in enumerate(texts)]
    n = len(claims)
    weights = draw(st.one_of(
        st.none(), st.just({}),
        st.lists(st.sampled_from([0.0, 0.0, 0.3, 1.0, 2.5]), min_size=n, max_size=n).map(
            lambda ws: {c.id: w for c, w in zip(claims, ws, strict=True)})))
    groups = draw(st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True),
                           min_size=1, max_size=5))
    k = draw(st.sampled_from([1, 2, 3, 5, 8]))
    return claims, weights, groups, k


@settings(max_examples=150, deadline=None)
@given(_maps())
def test_batched_summaries_equal_the_reference_for_every_group(drawn):
    claims, weights, groups, k = drawn
    urls = {"p0": "https://forum.example/p0", "p2": "https://forum.example/p2"}
    batched = GroupSummariser(claims, weights, urls).summarize_all(
        [np.asarray(g, dtype=np.int64) for g in groups], k)
    assert batched == [summarize([claims[i] for i in g], k, urls=urls, weights=weights)
                       for g in groups]


def test_batched_summary_picks_the_claims_that_cover_the_group():
    texts = ["Nuclear power is safe and cheap.", "Solar power is cheap.",
             "Nuclear power is safe.", "Wind farms harm birds near the coast.",
             "Wind farms harm birds."]
    claims = [Claim(f"p{i}/c0", f"p{i}", 0, 1, t, Role.CLAIM) for i, t in enumerate(texts)]
    (items,) = GroupSummariser(claims, None, None).summarize_all([np.arange(5)], 2)
    # one claim about nuclear/solar power and one about wind farms, never two of one subject
    assert len(items) == 2
    assert sum("Wind" in item.text for item in items) == 1
    assert sum(item.share for item in items) <= 1.0 + 1e-9


@settings(max_examples=40, deadline=None)
@given(_maps(), st.sampled_from([1 << 31, (1 << 63) - 1]))
def test_summary_batch_a_size_past_every_group_is_the_whole_group(drawn, huge):
    """analyse.summary_size accepts any whole number below 2**63; 2**31 made every thread
    fail (a groups x 2**31 array: 'Unable to allocate 128. GiB', exit 3). Past the largest
    group the summaries are those of a size the groups cannot fill."""
    claims, weights, groups, _ = drawn
    arrays = [np.asarray(g, dtype=np.int64) for g in groups]
    summariser = GroupSummariser(claims, weights, None)
    assert summariser.summarize_all(arrays, huge) == summariser.summarize_all(arrays, 31)
