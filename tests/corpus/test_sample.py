"""The topic sample's threads are segmented as alone, and a kept segmentation is reused only
for exactly the thread it was made from."""

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


def test_sample_threads_in_bucket_order_segmented_as_alone(spill) -> None:
    options = Options()
    found = list(sample.sample_threads(spill, 8, options, frozenset()))
    assert len(found) == 48
    for item in found:
        assert (item.claims, item.dropped) == segment((item.thread,), options.segment)
    excluded = frozenset({found[0].thread.posts[-1].id})
    first = next(sample.sample_threads(spill, 8, options, excluded))
    assert first.thread.posts == found[0].thread.posts[:-1]


def test_sample_kept_segmentation_is_reused_only_for_the_same_posts_and_options(spill) -> None:
    options = Options()
    found = next(sample.sample_threads(spill, 8, options, frozenset()))
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
