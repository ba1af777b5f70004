"""Fixtures shared by every test folder (the plain helpers live in ``tests/support.py``), and the
long fuzzing campaigns: ``ARGMAP_FUZZ_FACTOR=N`` multiplies every hypothesis test's
``max_examples`` by N and draws fresh random examples (CI runs the modest, fixed counts each test
declares). ``tests/test_cli_fuzz.py`` has its own ``ARGMAP_FUZZ_EXAMPLES``."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests.support import run_cli

FUZZ_FACTOR = int(os.environ.get("ARGMAP_FUZZ_FACTOR", "0") or 0)


@pytest.fixture
def cli():
    return run_cli


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ARGMAP_FUZZ_FACTOR, raise each hypothesis test's example count (its own
    ``@settings`` would otherwise win over any profile) and let it draw new examples."""
    if FUZZ_FACTOR <= 1:
        return
    seen: set[int] = set()
    for item in items:
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is None or id(test) in seen:
            continue
        seen.add(id(test))
        test._hypothesis_internal_use_settings = settings(
            current, max_examples=current.max_examples * FUZZ_FACTOR, derandomize=False,
            deadline=None, database=None)
