"""Fixtures of the feature tests: a history builder bound to an empty data home."""

from __future__ import annotations

import pytest

from firmscore.store import DataHome

from .history import History


@pytest.fixture
def history(home: DataHome) -> History:
    return History(home)
