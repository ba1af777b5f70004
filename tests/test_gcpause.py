"""gcpause.collector_paused: the collector is off inside, restored after, nothing left frozen."""

from __future__ import annotations

import gc

import pytest

from argmap.gcpause import collector_paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector can free it


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_gcpause_off_inside_restored_after_and_nothing_frozen(collector_on):
    with collector_paused():
        assert not gc.isenabled()
        kept = [_Node() for _ in range(100)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # promoted to the oldest generation, not left frozen
    # what the stage made is in the oldest generation: young collections skip it, a full one
    # still sees it (a cycle dropped later is collected)
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(node) in oldest for node in kept)
    del kept, oldest
    assert gc.collect() >= 100


def test_gcpause_leaves_collector_off_when_it_was_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_gcpause_leaves_a_callers_frozen_objects_frozen(collector_on):
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            [_Node() for _ in range(10)]
        # the caller's freeze is not undone (an unfreeze would empty the permanent generation);
        # the count can still drop by a few where a frozen object elsewhere is freed meanwhile
        assert frozen > 1000 and gc.get_freeze_count() >= frozen - 100
    finally:
        gc.unfreeze()
