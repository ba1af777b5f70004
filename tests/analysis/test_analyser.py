"""Maps analysed together (``analyse_each``: the summaries of all of them in one pass) get the
analysis each gets alone, whatever the maps and options."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.analysis.analyser import analyse, analyse_each
from argmap.link.linker import link_map
from argmap.model import ArgumentMap, Post, Thread
from argmap.options import AnalyseOptions, LinkOptions
from tests.link.test_batch import linker_inputs, thread_strategy


def _maps(threads: list[Thread], topic_of: list[int]) -> list[ArgumentMap]:
    maps = []
    for thread, claims, topics in linker_inputs(threads, topic_of):
        relations, post_relations = link_map((thread,), claims, topics, LinkOptions())
        maps.append(ArgumentMap(threads=(thread,), claims=claims, dropped=(), topics=topics,
                                relations=relations, options_fingerprint="x",
                                post_relations=post_relations))
    return maps


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_analyser_analyse_each_equals_analyse_alone(data) -> None:
    count = data.draw(st.integers(2, 6), label="maps")
    threads = [data.draw(thread_strategy(f"th{k}"), label=f"thread {k}") for k in range(count)]
    topic_of = data.draw(st.lists(st.integers(0, 2), min_size=1, max_size=5), label="topics")
    options = AnalyseOptions(summary_size=data.draw(st.sampled_from((0, 1, 3, 5))),
                             min_confidence=data.draw(st.sampled_from((0.0, 0.35))),
                             damping=data.draw(st.sampled_from((0.85, 0.5))))
    maps = _maps(threads, topic_of)
    assert analyse_each(maps, options) == [analyse(amap, options) for amap in maps]


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_analyser_analyse_each_without_summaries_keeps_every_other_field(data) -> None:
    """A corpus run that writes no per-thread maps skips the summaries; every field the
    tables read is still the one ``analyse`` makes alone (maps sharing ids included)."""
    count = data.draw(st.integers(1, 5), label="maps")
    threads = [data.draw(thread_strategy(f"th{k}"), label=f"thread {k}") for k in range(count)]
    if count > 1 and data.draw(st.booleans(), label="a thread twice"):
        threads.append(threads[0])
    topic_of = data.draw(st.lists(st.integers(0, 2), min_size=1, max_size=5), label="topics")
    options = AnalyseOptions(summary_size=data.draw(st.sampled_from((0, 3))),
                             min_confidence=data.draw(st.sampled_from((0.0, 0.35))))
    maps = _maps(threads, topic_of)
    assert analyse_each(maps, options, summaries=False) == \
        [replace(analyse(amap, options), summaries=()) for amap in maps]


def test_analyser_maps_sharing_a_post_id_are_analysed_one_by_one() -> None:
    first = Thread("a", None, (Post("x1", "a", "Buses should be free. But they cost money.",
                                    author="ann"),
                               Post("x2", "a", "I disagree. The city pays.", author="bob",
                                    reply_to="x1")))
    second = Thread("b", "B", (Post("x1", "b", "Trams are good. Cars are not good.",
                                    author="cy"),))
    maps = _maps([first, second], [0])
    options = AnalyseOptions(min_confidence=0.0)
    assert analyse_each(maps, options) == [analyse(amap, options) for amap in maps]
