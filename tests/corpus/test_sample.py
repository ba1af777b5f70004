"""The topic sample segmented by forked workers is the serial pass's, and a kept segmentation
is reused only for exactly the thread it was made from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from argmap.corpus import sample
from argmap.corpus.partition import partition
from argmap.options import Options
from argmap.segment import segment


@pytest.fixture
def spill(dump, tmp_path) -> Path:
    folder = tmp_path / "spill"
    partition([dump[0]], Options().read, folder, 8)
    return folder


def _flat(buckets) -> list[tuple]:
    return [(found.thread, found.claims, found.dropped, found.stems)
            for bucket in buckets for found in bucket]


def test_sample_buckets_in_parallel_equal_the_serial_pass(spill) -> None:
    options = Options()
    serial = _flat(sample.sample_buckets(spill, 8, options, frozenset(), 1))
    parallel = _flat(sample.sample_buckets(spill, 8, options, frozenset(), 2))
    assert parallel == serial and len(serial) == 48
    excluded = frozenset({serial[0][0].posts[-1].id})
    without = _flat(sample.sample_buckets(spill, 8, options, excluded, 2))
    assert without[0][0].posts == serial[0][0].posts[:-1]


def test_sample_buckets_stop_early_without_leaving_workers(spill) -> None:
    import multiprocessing

    buckets = sample.sample_buckets(spill, 8, Options(), frozenset(), 2)
    first = next(buckets)
    buckets.close()
    assert first and not multiprocessing.active_children()


def test_sample_kept_segmentation_is_reused_only_for_the_same_posts_and_options(spill) -> None:
    options = Options()
    found = next(sample.sample_buckets(spill, 8, options, frozenset(), 1))[0]
    thread = found.thread
    try:
        sample.remember(found, options.segment)
        assert sample.segmented(thread, options.segment) == segment((thread,), options.segment)
        edited = replace(thread, posts=(replace(thread.posts[0], text="Something else."),
                                        *thread.posts[1:]))
        assert sample.segmented(edited, options.segment) is None
        assert sample.segmented(replace(thread, posts=thread.posts[:-1]),
                                options.segment) is None
        other = replace(options.segment, min_claim_words=options.segment.min_claim_words + 1)
        assert sample.segmented(thread, other) is None
    finally:
        sample.forget()
    assert sample.segmented(thread, options.segment) is None
