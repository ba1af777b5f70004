"""Any thread, however degenerate, goes through build_map -> analyse -> every exporter and the
DOT writers without an exception, and the documented invariants hold (issue 13).

Degenerate cases are where the bugs were: a thread that yields no claim at all ("Thanks!", all
"[deleted]", empty texts, one word, emoji, "> quotes" or numbers only) ended in an IndexError in
the linker. Hypothesis draws threads from those texts and from real sentences, with self-replies,
replies to unknown posts, reply cycles, one author or none, deep chains and wide fan-outs, and
several threads at once. (The CLI-level fuzz test, through the readers, is tests/test_cli.)
"""

from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import argmap
from argmap.exports import EXPORTERS
from argmap.exports.native import from_json
from argmap.exports.summary import to_markdown
from argmap.model import Analysis, ArgumentMap, Post, Thread
from argmap.options import Options
from argmap.render.dot import to_dot
from argmap.render.overview import overview_dot

SENTENCES = (
    "Nuclear power is the safest source of energy we have.",
    "But the waste stays dangerous for thousands of years, so we should not build more plants.",
    "I disagree, because renewables are cheaper now and storage keeps improving.",
    "That is simply wrong: storage costs are still far too high for a whole grid.",
    "Exactly. The cost of batteries fell by ninety percent in ten years.",
    "Some say wind is unreliable. However, a wide grid smooths it out.",
)
DEGENERATE = (
    "", " ", "\n\n", "Thanks!", "[deleted]", "[removed]", "word", "😀🔥👍", "12 34 56 7.5",
    "> quoted text only\n> and more quoted text", "!!!", "?", "- \n- \n-", "https://example.org",
    "a" * 300, "Thanks! " * 20,
)
texts = st.one_of(
    st.sampled_from(DEGENERATE),
    st.sampled_from(SENTENCES),
    st.lists(st.sampled_from(SENTENCES), min_size=2, max_size=5).map(" ".join),
    st.text(max_size=80),
)


@st.composite
def threads(draw, thread_id: str = "t") -> Thread:
    """One thread: posts with drawn texts, authors and reply links (any link at all: the
    pipeline must survive what a reader would have repaired)."""
    shape = draw(st.sampled_from(["tree", "chain", "fan", "same_text"]))
    n = draw(st.integers(1, 40 if shape in ("chain", "fan") else 12))
    same = draw(texts) if shape == "same_text" else None
    authors = draw(st.sampled_from([None, ("solo",), ("ann", "bob", "cy")]))
    posts = []
    for i in range(n):
        if shape == "chain":
            reply_to = f"{thread_id}:p{i - 1}" if i else None
        elif shape == "fan":
            reply_to = f"{thread_id}:p0" if i else None
        else:
            reply_to = draw(st.one_of(
                st.none(),
                st.integers(0, max(0, i - 1)).map(lambda k: f"{thread_id}:p{k}"),
                st.just(f"{thread_id}:p{i}"),  # a self-reply
                st.just(f"{thread_id}:p{i + 1}"),  # a reply to a later post: a cycle, maybe
                st.just("elsewhere:p9"),  # an orphan
            ))
        posts.append(Post(
            id=f"{thread_id}:p{i}", thread_id=thread_id, text=same if same is not None
            else draw(texts), author=authors[i % len(authors)] if authors else None,
            reply_to=reply_to, created=1_600_000_000.0 + i))
    return Thread(id=thread_id, title=draw(st.one_of(st.none(), st.sampled_from(SENTENCES))),
                  posts=tuple(posts))


@st.composite
def thread_sets(draw) -> list[Thread]:
    count = draw(st.integers(1, 3))
    return [draw(threads(f"t{k}")) for k in range(count)]


def check_invariants(amap: ArgumentMap, analysis: Analysis) -> None:
    posts = {p.id: p for t in amap.threads for p in t.posts}
    claim_ids = [c.id for c in amap.claims]
    assert len(claim_ids) == len(set(claim_ids))
    for claim in amap.claims:
        assert posts[claim.post_id].text[claim.start:claim.end] == claim.text
    in_topics = [cid for topic in amap.topics for cid in topic.claim_ids]
    assert sorted(in_topics) == sorted(claim_ids)  # every claim in exactly one topic
    known = set(claim_ids)
    for relation in amap.relations:
        assert relation.evidence and 0.0 <= relation.confidence <= 1.0
        assert relation.source in known and relation.target in known
    for dropped in amap.dropped:
        assert dropped.post_id in posts and dropped.reason
    assert sorted(cid for cid, _ in analysis.status) == sorted(claim_ids)
    assert {cid for cid, _ in analysis.centrality} <= known
    camp_authors = [a for camp in analysis.camps for a in camp.authors]
    assert len(camp_authors) == len(set(camp_authors))


def run_everything(threads_: list[Thread]) -> None:
    options = Options()
    amap = argmap.build_map(threads_, options)
    analysis = argmap.analyse(amap, options.analyse)
    check_invariants(amap, analysis)
    for name, exporter in EXPORTERS.items():
        if name == "parquet":
            pytest.importorskip("pyarrow")
        files = exporter(amap, analysis, options.export)
        assert files and all(isinstance(data, bytes) for data in files.values()), name
    native = EXPORTERS["json"](amap, analysis, options.export)[".json"]
    assert from_json(native)[0] == amap  # round-trips
    orjson.loads(native)
    assert isinstance(to_markdown(amap, analysis), str)
    assert to_dot(amap, analysis, options.render).startswith("digraph")
    assert overview_dot(amap, analysis, options.render).startswith("digraph")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(thread_sets())
def test_degenerate_any_threads_map_analyse_and_export(drawn):
    run_everything(drawn)


@pytest.mark.parametrize("texts_", [
    ["Thanks!"], ["[deleted]", "[deleted]", "[removed]"], ["", "", ""], ["word"], ["😀🔥👍"],
    ["> only a quote\n> of something"], ["12 34 56"], [SENTENCES[0]],
    [SENTENCES[0]] * 6, [SENTENCES[1], "Thanks!", ""],
], ids=["thanks", "deleted", "empty", "one-word", "emoji", "quotes", "numbers", "one-claim",
        "identical", "mixed"])
def test_degenerate_named_cases_of_the_issue(texts_):
    posts = tuple(Post(id=f"t:p{i}", thread_id="t", text=text, author="solo",
                       reply_to="t:p0" if i else None) for i, text in enumerate(texts_))
    run_everything([Thread(id="t", title=None, posts=posts)])


def test_degenerate_no_threads_and_empty_threads():
    run_everything([])
    run_everything([Thread(id="t", title=None, posts=())])
