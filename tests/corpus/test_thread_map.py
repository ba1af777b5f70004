"""Threads prepared together (segmentation through one memo, topics in one projection, links in
one pass) map to the same rows as each thread mapped alone, whatever the grouping."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.corpus.spill import assemble_thread, bucket_name, group_threads, read_entries
from argmap.corpus.thread_map import map_thread, prepare_threads, thread_rows
from argmap.corpus.topic_model import CorpusTopics
from argmap.model import Post, Thread
from argmap.options import Options
from argmap.segment import segment


@cache
def _corpus(reference: Path) -> tuple[list[Thread], CorpusTopics]:
    state = reference / ".argmap"
    paths = sorted((state / "spill").glob("bucket-*.jsonl"))
    assert paths == [state / "spill" / bucket_name(i) for i in range(len(paths))]
    threads = [assemble_thread(key, entries)
               for key, entries in group_threads(read_entries(paths))]
    return threads, CorpusTopics.load(state / "topics.npz")


def _degenerate() -> list[Thread]:
    """Threads with no claim at all, one word, a deleted post, a self-reply."""
    return [Thread("empty", None, (Post("e1", "empty", ""),)),
            Thread("word", None, (Post("w1", "word", "No."),
                                  Post("w2", "word", "[deleted]", reply_to="w1"))),
            Thread("self", None, (Post("s1", "self", "Buses should be free for everyone.",
                                       reply_to="s1"),))]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_thread_map_prepared_together_equals_each_thread_alone(reference, data) -> None:
    threads, topics = _corpus(reference)
    pool = threads + _degenerate()
    # distinct threads are linked in one pass; a thread drawn twice makes the group one the
    # linker maps thread by thread (``link.batch.separable``)
    group = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=12,
                               unique_by=(lambda t: t.id) if data.draw(st.integers(0, 3))
                               else None), label="group")
    options = Options()
    prepared = prepare_threads(group, topics, options)
    assert len(prepared) == len(group)
    for thread, made in zip(group, prepared, strict=True):
        assert made is not None
        alone = segment((thread,), options.segment)
        assert (made.claims, made.dropped) == alone
        assert (made.topics, made.similarity) == topics.thread_topics(alone[0])
        assert thread_rows(map_thread(thread, topics, options, prepared=made)) == \
            thread_rows(map_thread(thread, topics, options))


def test_thread_map_a_thread_whose_segmentation_raises_is_left_to_map_alone(
        reference, monkeypatch) -> None:
    from argmap.corpus import thread_map

    threads, topics = _corpus(reference)
    original = thread_map.segment_post

    def breaking(post, *args, **kwargs):
        if post.id == threads[1].posts[0].id:
            raise ValueError("a bug this post triggers")
        return original(post, *args, **kwargs)

    monkeypatch.setattr(thread_map, "segment_post", breaking)
    options = Options()
    prepared = prepare_threads(threads[:3], topics, options)
    assert prepared[0] is not None and prepared[1] is None and prepared[2] is not None
    made = prepared[2]
    assert (made.claims, made.dropped) == segment((threads[2],), options.segment)


def test_thread_map_a_sentence_that_raises_leaves_no_half_made_memo_entry(
        reference, monkeypatch) -> None:
    """The sentence memo is shared by the threads prepared together: a sentence whose
    segmentation raised must not be found half made by the next thread that holds it."""
    from argmap.segment import segmenter

    threads, topics = _corpus(reference)
    text = "Public transport should be free for everyone in the city."
    first = Thread("a", None, (Post("a1", "a", text), Post("a2", "a", "Bad post here now.")))
    second = Thread("b", None, (Post("b1", "b", text),))
    original = segmenter._segment_sentence
    calls = {"n": 0}

    def flaky(sentence, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("fails once")
        return original(sentence, *args, **kwargs)

    monkeypatch.setattr(segmenter, "_segment_sentence", flaky)
    options = Options()
    prepared = prepare_threads([first, second], topics, options)
    monkeypatch.setattr(segmenter, "_segment_sentence", original)
    assert prepared[0] is None
    assert prepared[1] is not None
    assert (prepared[1].claims, prepared[1].dropped) == segment((second,), options.segment)
    assert prepared[1].claims


_DETAILS = st.text(alphabet=st.sampled_from('ab "\\é\ud800\n<>,:[]{}'), max_size=12)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_thread_map_evidence_json_memo_writes_the_bytes_of_one_dump(data) -> None:
    """Relations' evidence written through one memo per thread (each Evidence object dumped
    once, the array joined): the text of one ``orjson.dumps`` of the whole list, for shared
    and distinct objects, empty lists, quotes, escapes and lone surrogates (cleaned)."""
    from argmap.corpus.thread_map import _evidence_json
    from argmap.model import Evidence, EvidenceKind

    pool = [Evidence(data.draw(st.sampled_from(list(EvidenceKind))), data.draw(_DETAILS),
                     data.draw(st.sampled_from((0.0, 0.3, 0.7, 0.35, 1.0, 0.123456789, 2))))
            for _ in range(data.draw(st.integers(1, 6)))]
    lists = data.draw(st.lists(st.lists(st.sampled_from(pool), max_size=5), max_size=8))
    memo: dict[int, str] = {}
    assert [_evidence_json(ev, memo) for ev in lists] == [_evidence_json(ev) for ev in lists]
