"""Threads linked in one pass (``link.batch.link_each``) get the relations and post relations
each gets linked alone, whatever the grouping; and the two per-thread parts of the pass (the
TF-IDF vectors, the reply-tree cosines' sum order) are each thread's own to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from argmap.link import layout
from argmap.link.batch import link_each, separable
from argmap.link.layout import _vectorise, _vectorise_groups
from argmap.link.linker import link_map
from argmap.link.routes import pair_cosines
from argmap.model import Post, Thread, Topic
from argmap.options import LinkOptions, SegmentOptions
from argmap.segment import segment

_WORDS = ("buses", "should", "be", "free", "the", "city", "pays", "tax", "cars", "people",
          "a", "zoo", "trams", "cost", "money", "we", "must", "not", "never", "good")
_OPENERS = ("", "", "", "But ", "Because ", "However, ", "I disagree. ", "Exactly. ",
            "Thanks! ", "And ", "Although ", "For example, ", "Some say ")


@st.composite
def _sentence(draw) -> str:
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=9))
    end = draw(st.sampled_from((".", "?", "!", "")))
    text = draw(st.sampled_from(_OPENERS)) + " ".join(words) + end
    return text.upper() if draw(st.integers(0, 9)) == 0 else text


@st.composite
def thread_strategy(draw, name: str) -> Thread:
    n = draw(st.integers(1, 7))
    posts = []
    for k in range(n):
        pid = f"{name}p{k}"
        parts = draw(st.lists(_sentence(), min_size=0, max_size=5))
        sep = draw(st.sampled_from((" ", "\n", "\n\n")))
        text = sep.join(parts)
        if k and draw(st.booleans()):  # quote a line of an earlier post
            quoted = draw(st.sampled_from(posts)).text.split("\n")[0]
            if quoted.strip():
                text = f"> {quoted}\n\n{text}"
        reply = draw(st.sampled_from([None, pid, "elsewhere"] + [p.id for p in posts]))
        author = draw(st.sampled_from((None, "ann", "bob", "cy", "dee")))
        posts.append(Post(pid, name, text, author=author, reply_to=reply))
    return Thread(name, draw(st.sampled_from((None, "A title"))), tuple(posts))


def linker_inputs(threads: list[Thread], topic_of: list[int]):
    items = []
    for thread in threads:
        claims, _dropped = segment((thread,), SegmentOptions())
        groups: dict[str, list[str]] = {}
        for k, claim in enumerate(claims):
            name = ("t0", "t1", "other")[topic_of[k % len(topic_of)]]
            groups.setdefault(name, []).append(claim.id)
        topics = tuple(Topic(name, name, (), tuple(ids)) for name, ids in sorted(groups.items()))
        items.append((thread, claims, topics))
    return items


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_batch_link_each_equals_link_map_alone(data) -> None:
    count = data.draw(st.integers(2, 6), label="threads")
    threads = [data.draw(thread_strategy(f"th{k}"), label=f"thread {k}") for k in range(count)]
    threads = data.draw(st.permutations(threads), label="order")
    topic_of = data.draw(st.lists(st.integers(0, 2), min_size=1, max_size=5), label="topics")
    options = LinkOptions(use_model=data.draw(st.booleans(), label="model"),
                          calibrate=data.draw(st.booleans(), label="calibrate"))
    items = linker_inputs(threads, topic_of)
    assert separable(items)
    together = link_each(items, options)
    alone = [link_map((thread,), claims, topics, options) for thread, claims, topics in items]
    assert together == alone


def test_batch_threads_sharing_a_post_id_are_linked_one_by_one() -> None:
    first = Thread("a", None, (Post("x1", "a", "Buses should be free. But they cost money."),
                               Post("x2", "a", "I disagree. The city pays.", reply_to="x1")))
    second = Thread("b", None, (Post("x1", "b", "Trams are good. Cars are not good."),))
    items = linker_inputs([first, second], [0])
    assert not separable(items)
    options = LinkOptions()
    assert link_each(items, options) == [link_map((t,), c, p, options) for t, c, p in items]


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(_WORDS + ("x", "Buses", "ZOO", "don't")),
                               max_size=8).map(" ".join), min_size=0, max_size=24),
       groups=st.lists(st.integers(0, 5), min_size=24, max_size=24),
       chunk=st.sampled_from((2_000, 1, 3, 7)))
def test_batch_vectorise_groups_are_each_group_alone(texts, groups, chunk) -> None:
    """Texts repeated inside and across groups, groups without a word (one empty column),
    groups in any order, made in one pass or in runs of groups (``VECTORISE_CHUNK``): each
    group's rows are its own matrix's bytes, its columns shifted past the groups before it."""
    group = np.asarray(groups[:len(texts)], dtype=np.int64)
    kept = layout.VECTORISE_CHUNK
    layout.VECTORISE_CHUNK = chunk
    try:
        together = _vectorise_groups(texts, group)
    finally:
        layout.VECTORISE_CHUNK = kept
    assert together.shape[0] == len(texts)
    offset = 0
    for g in sorted(set(group.tolist())):
        rows = np.nonzero(group == g)[0]
        alone = _vectorise([texts[i] for i in rows.tolist()])
        for local, row in enumerate(rows.tolist()):
            a = slice(alone.indptr[local], alone.indptr[local + 1])
            t = slice(together.indptr[row], together.indptr[row + 1])
            assert together.data[t].tobytes() == alone.data[a].tobytes()
            assert (together.indices[t] - offset).tolist() == alone.indices[a].tolist()
        offset += alone.shape[1]
    assert together.shape[1] == max(offset, 1)
    assert together.indices.dtype == together.indptr.dtype == np.int32


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_batch_pair_cosines_sum_as_each_group_alone(data) -> None:
    """Rows with sorted and unsorted indices, pairs of several groups: each group's cosines
    are the bits its own call gives (scipy multiplies sorted operands in another order)."""
    n = data.draw(st.integers(1, 8))
    rows = [data.draw(st.lists(st.integers(0, 9), unique=True, max_size=6)) for _ in range(n)]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.asarray([j for r in rows for j in r], dtype=np.int32)
    values = data.draw(st.lists(st.floats(0.01, 1.0), min_size=len(indices),
                                max_size=len(indices)))
    matrix = csr_matrix((np.asarray(values, dtype=np.float64), indices, indptr),
                        shape=(n, 10))
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                         st.integers(0, 2)), min_size=1, max_size=12))
    child, parent, group = (np.asarray(c, dtype=np.int64) for c in zip(*pairs, strict=True))
    together = pair_cosines(matrix, child, parent, group)
    for g in set(group.tolist()):
        mine = group == g
        assert together[mine].tobytes() == pair_cosines(matrix, child[mine],
                                                        parent[mine]).tobytes()


def test_batch_pair_cosines_keep_a_sorted_thread_s_sum_order() -> None:
    """One group's rows all sorted, another's not: summed in one call, the sorted group's
    cosine would take the other order and another last bit."""
    small = 2.0**-27
    matrix = csr_matrix((np.asarray([1.0, small, small, small, 1.0, 1.0]),
                         np.asarray([0, 1, 2, 3, 5, 4], dtype=np.int32),
                         np.asarray([0, 4, 6])), shape=(2, 6))
    child, parent = np.asarray([0, 1]), np.asarray([0, 1])
    group = np.asarray([0, 1])
    alone = pair_cosines(matrix[:1], child[:1], parent[:1])
    assert pair_cosines(matrix, child, parent, group)[:1].tobytes() == alone.tobytes()
    assert pair_cosines(matrix, child, parent)[:1].tobytes() != alone.tobytes()
