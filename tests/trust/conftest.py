"""Fixtures of the trust tests (helpers live in ``trust_homes.py``, a unique module name)."""

from __future__ import annotations

import pytest
from trust_homes import Writer, writer

from firmscore.store import DataHome


@pytest.fixture
def write(home: DataHome) -> Writer:
    """``write(record_type, rows)`` appends rows as a new batch of the test home."""
    return writer(home)
