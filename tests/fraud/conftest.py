"""Fixtures of the fraud tests: a hand-made home written with ``DataHome.append`` and its detector inputs."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from fraud_cases import AS_OF, Writer, table_of

from firmscore.fraud import FraudInputs, load_inputs
from firmscore.store import DataHome

_batches = itertools.count()


@pytest.fixture
def write(home: DataHome) -> Writer:
    """``write(record_type, rows)`` appends rows as a new batch and returns their record ids."""

    def _write(record_type: str, rows: list[dict[str, Any]]) -> list[str]:
        table, ids = table_of(record_type, rows)
        home.append(record_type, table, batch_id=f"batch{next(_batches)}")
        return ids

    return _write


@pytest.fixture
def inputs(home: DataHome) -> Callable[..., FraudInputs]:
    """``inputs(as_of=AS_OF)``: the detectors' point-in-time inputs of the test home."""

    def _inputs(as_of: dt.date = AS_OF) -> FraudInputs:
        con = home.connect()
        try:
            return load_inputs(con, as_of)
        finally:
            con.close()

    return _inputs
