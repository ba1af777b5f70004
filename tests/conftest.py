"""Fixtures shared by every test folder (the plain helpers live in ``tests/support.py``)."""

from __future__ import annotations

import pytest

from tests.support import run_cli


@pytest.fixture
def cli():
    return run_cli
