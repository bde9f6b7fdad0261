"""Hand-made data homes for the trust tests: canonical records written with ``DataHome.append``."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from firmscore.datamodel import schema_for
from firmscore.store import DataHome

_counter = itertools.count()

Writer = Callable[..., None]
AS_OF = dt.date(2025, 6, 30)
EARLY = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def records(record_type: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (content columns, optionally metadata) → a canonical table with metadata filled in."""
    schema = schema_for(record_type)
    full = []
    for row in rows:
        n = next(_counter)
        r: dict[str, Any] = {f.name: None for f in schema}
        r.update(source="test", source_record_id=f"{record_type}-{n}", record_id=f"rec-{n}",
                 content_hash=f"h{n}", version=1, observed_at=EARLY, batch_id="b1")
        r.update(row)
        full.append(r)
    return pa.Table.from_pylist(full, schema=schema)


def writer(home: DataHome) -> Writer:
    """``write(record_type, rows)`` appends rows as a new batch of ``home``."""

    def _write(record_type: str, rows: list[dict[str, Any]]) -> None:
        n = next(_counter)
        home.append(record_type, records(record_type, rows), batch_id=f"batch{n}")

    return _write


def ent(eid: str, **kw: Any) -> dict[str, Any]:
    """An enterprise row (established 2015 unless told otherwise)."""
    return {"enterprise_id": eid, "established_date": dt.date(2015, 1, 1), **kw}


def evt(kind: str, subject: str, day: dt.date, observed: dt.datetime | None = None, **kw: Any) -> dict[str, Any]:
    """An event row about an enterprise, observed the day after it happened unless told otherwise."""
    seen = observed or dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    return {"event_type": kind, "subject_type": "enterprise", "subject_id": subject, "effective_from": day,
            "observed_at": seen, **kw}


def months(start: dt.date, n: int) -> list[dt.date]:
    """The 15th of ``n`` consecutive months from ``start``'s month."""
    out = []
    y, m = start.year, start.month
    for _ in range(n):
        out.append(dt.date(y, m, 15))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def report(eid: str, year: int, revenue: float | None, employees: float | None = None,
           observed: dt.datetime | None = None) -> dict[str, Any]:
    """An annual report for ``year`` filed on 1 March of the next year."""
    return evt("annual_report", eid, dt.date(year + 1, 3, 1), observed, amount=revenue, value=employees,
               attrs=json.dumps({"year": year}))


def invoices(eid: str, start: dt.date, n: int, amount: float, code: str = "valid") -> list[dict[str, Any]]:
    """``n`` monthly sales-invoice rows of ``amount``."""
    return [evt("invoice_out", eid, d, amount=amount, value=1.0, code=code) for d in months(start, n)]


def taxes(eid: str, days: list[dt.date], amount: float) -> list[dict[str, Any]]:
    return [evt("tax_payment", eid, d, amount=amount) for d in days]
