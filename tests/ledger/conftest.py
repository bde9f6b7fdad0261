"""Fixtures of the ledger tests: small canonical tables and ledgers on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from firmscore.datamodel import schema_for
from firmscore.ledger import EvidenceLedger
from firmscore.store import DataHome


def _meta(n: int, prefix: str, start: int) -> dict[str, list[object]]:
    return {
        "record_id": [f"{prefix}-{start + i:06d}" for i in range(n)],
        "source": ["test"] * n,
        "source_record_id": [f"src-{start + i}" for i in range(n)],
        "content_hash": ["0" * 64] * n,
        "version": [1] * n,
        "observed_at": [datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=start + i) for i in range(n)],
        "effective_from": [date(2023, 1, 1) + timedelta(days=(start + i) % 300) for i in range(n)],
        "effective_to": [None] * n,
        "legal_expiry": [None] * n,
        "batch_id": ["b1"] * n,
    }


def event_table(event_types: list[str], start: int = 0, prefix: str = "ev") -> pa.Table:
    """Events of the given types (one row each) with the canonical schema."""
    n = len(event_types)
    cols: dict[str, list[object]] = {
        "event_type": list(event_types),
        "subject_type": ["enterprise"] * n,
        "subject_id": [f"E{(start + i) % 17:04d}" for i in range(n)],
        "amount": [float(start + i) * 1.5 for i in range(n)],
        "value": [None] * n,
        "code": ["valid"] * n,
        "counterparty_id": [None] * n,
        "attrs": ['{"k": "值"}'] * n,
        **_meta(n, prefix, start),
    }
    return pa.table(cols, schema=schema_for("event"))


def person_table(n: int, start: int = 0) -> pa.Table:
    cols: dict[str, list[object]] = {
        "person_id": [f"P{start + i:039d}" for i in range(n)],
        "name_enc": [bytes([i % 256]) * 12 for i in range(n)],
        "contact_enc": [None] * n,
        "birth_year": [1970 + i % 30 for i in range(n)],
        **_meta(n, "pe", start),
    }
    return pa.table(cols, schema=schema_for("person"))


@pytest.fixture
def ledger(home: DataHome) -> Iterator[EvidenceLedger]:
    led = EvidenceLedger.for_home(home)
    yield led
    led.close()


@pytest.fixture
def pg_url(pg_dsn: str) -> str:
    """The test PostgreSQL with a fresh schema for this test (so parallel runs never collide)."""
    sep = "&" if "?" in pg_dsn else "?"
    return f"{pg_dsn}{sep}schema=ledger_t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def pg_ledger(pg_url: str, tmp_path: Path) -> Iterator[EvidenceLedger]:
    led = EvidenceLedger.connect(pg_url, key_dir=tmp_path / "keys")
    yield led
    schema = led.storage.schema  # type: ignore[attr-defined]
    led.storage.conn.rollback()
    led.storage.conn.execute(f"DROP SCHEMA {schema} CASCADE")
    led.storage.conn.commit()
    led.close()
