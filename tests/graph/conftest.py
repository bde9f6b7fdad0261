"""Hand-made data homes for the graph tests: canonical records written with ``DataHome.append``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pytest

from firmscore.datamodel import schema_for
from firmscore.store import DataHome

_counter = itertools.count()

Writer = Callable[..., None]


def records(record_type: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (content columns, optionally metadata) → a canonical table with metadata filled in."""
    schema = schema_for(record_type)
    full = []
    for row in rows:
        n = next(_counter)
        r: dict[str, Any] = {f.name: None for f in schema}
        r.update(
            source="test",
            source_record_id=f"{record_type}-{n}",
            record_id=f"rec-{n}",
            content_hash=f"h{n}",
            version=1,
            observed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            batch_id="b1",
        )
        r.update(row)
        full.append(r)
    return pa.Table.from_pylist(full, schema=schema)


@pytest.fixture
def write(home: DataHome) -> Writer:
    """``write(record_type, rows)`` appends rows as a new batch of the test home."""

    def _write(record_type: str, rows: list[dict[str, Any]]) -> None:
        n = next(_counter)
        home.append(record_type, records(record_type, rows), batch_id=f"batch{n}")

    return _write


def ent(eid: str, **kw: Any) -> dict[str, Any]:
    """An enterprise row."""
    return {"enterprise_id": eid, **kw}


def rel(kind: str, src: str, dst: str, src_type: str = "enterprise", **kw: Any) -> dict[str, Any]:
    """A relation row ``src → dst`` (dst is an enterprise)."""
    return {"relation_type": kind, "src_type": src_type, "src_id": src, "dst_type": "enterprise", "dst_id": dst, **kw}


def evt(kind: str, subject: str, day: dt.date, **kw: Any) -> dict[str, Any]:
    """An event row about an enterprise."""
    return {"event_type": kind, "subject_type": "enterprise", "subject_id": subject, "effective_from": day, **kw}
