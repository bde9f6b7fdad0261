"""Hand-made records for the fraud tests (imported by bare name: a module name no other test folder uses)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from firmscore.datamodel import schema_for
from firmscore.fraud import FraudInputs

AS_OF = dt.date(2025, 6, 30)
_counter = itertools.count()

Writer = Callable[..., list[str]]


def table_of(record_type: str, rows: list[dict[str, Any]]) -> tuple[pa.Table, list[str]]:
    schema = schema_for(record_type)
    full, ids = [], []
    for row in rows:
        n = next(_counter)
        r: dict[str, Any] = {f.name: None for f in schema}
        r.update(source="test", source_record_id=f"{record_type}-{n}", record_id=f"rec-{n}", content_hash=f"h{n}",
                 version=1, observed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), batch_id="b1")
        if "effective_from" in row and "observed_at" not in row and row["effective_from"] is not None:
            day = row["effective_from"]
            r["observed_at"] = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
        r.update(row)
        full.append(r)
        ids.append(r["record_id"])
    return pa.Table.from_pylist(full, schema=schema), ids


def ent(eid: str, **kw: Any) -> dict[str, Any]:
    """An enterprise row, in business since 2020 unless told otherwise."""
    row: dict[str, Any] = {"enterprise_id": eid, "status": "in_business", "established_date": dt.date(2020, 1, 1),
                           "region": "110101", "industry": "F51", "insured_employees": 10}
    row.update(kw)
    return row


def rel(kind: str, src: str, dst: str, src_type: str = "enterprise", **kw: Any) -> dict[str, Any]:
    """A relation row ``src → dst`` (dst is an enterprise)."""
    return {"relation_type": kind, "src_type": src_type, "src_id": src, "dst_type": "enterprise", "dst_id": dst, **kw}


def evt(kind: str, subject: str, day: dt.date, **kw: Any) -> dict[str, Any]:
    """An event row about an enterprise, observed on its day."""
    return {"event_type": kind, "subject_type": "enterprise", "subject_id": subject, "effective_from": day, **kw}


def invoice(seller: str, buyer: str, day: dt.date, amount: float) -> dict[str, Any]:
    """The seller's sales invoice to ``buyer``."""
    return evt("invoice_out", seller, day, counterparty_id=buyer, amount=amount, code="valid")


def firm_index(inp: FraudInputs, eid: str) -> int:
    """Row of ``eid`` in the inputs' firm table."""
    return int(inp.firms.index[inp.firms["enterprise_id"] == eid][0])
