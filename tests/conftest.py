"""Shared fixtures and the rule for external dependencies.

Under CI (``CI=true``) a test whose dependency (PostgreSQL, ``../shared`` data, Java, a browser)
is missing must fail, not skip: :func:`require` does that. On a developer machine it skips with
the reason, so a partial checkout still runs the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmscore.config import shared_datasets_dir
from firmscore.store import DataHome

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (under CI) when a test's external dependency is missing."""
    if condition:
        return
    if ON_CI:
        pytest.fail(f"dependency missing under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def home(tmp_path: Path) -> DataHome:
    """An empty data home in a temporary folder."""
    return DataHome(tmp_path / "home")


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    """``../shared/datasets`` (or ``$FIRMSCORE_DATASETS``); fails under CI when absent."""
    d = shared_datasets_dir()
    require(d.is_dir(), f"shared datasets not found at {d}")
    return d


@pytest.fixture(scope="session")
def merkle_vectors_dir() -> Path:
    """The transparency-dev/merkle proof vectors, copied into ``tests/data`` so they run everywhere."""
    d = Path(__file__).parent / "data" / "merkle-vectors"
    assert d.is_dir(), f"merkle test vectors missing from the repository at {d}"
    return d


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """DSN of a real PostgreSQL server (``FIRMSCORE_PG_DSN``, started by ``scripts/pg-start.sh``)."""
    dsn = os.environ.get("FIRMSCORE_PG_DSN")
    require(bool(dsn), "FIRMSCORE_PG_DSN is not set (run scripts/pg-start.sh)")
    assert dsn is not None
    yield dsn


@pytest.fixture(scope="session")
def requirement() -> object:
    """The :func:`require` rule as a fixture, for test modules that cannot import this conftest."""
    return require
