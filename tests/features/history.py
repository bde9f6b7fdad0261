"""Hand-made canonical histories for feature tests: a few records with known answers.

Records are written through the real :meth:`DataHome.append` with every metadata column filled,
exactly as ingestion would, so the tests exercise the real point-in-time views.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from firmscore.datamodel import schema_for
from firmscore.features import compute_features
from firmscore.store import DataHome

_SEQ = itertools.count()


def _ts(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if len(value) == 10:
        return dt.datetime.fromisoformat(value + "T12:00:00+00:00")
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _d(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class History:
    """Accumulate records per type, then :meth:`flush` them as one batch."""

    def __init__(self, home: DataHome, source: str = "hand") -> None:
        self.home = home
        self.source = source
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.batches = 0

    def _add(self, record_type: str, content: dict[str, Any], observed: str | dt.datetime, srid: str | None,
             version: int, effective_from: Any = None, effective_to: Any = None,
             legal_expiry: Any = None) -> str:
        srid = srid or f"{record_type}-{next(_SEQ)}"
        digest = hashlib.sha256(repr(sorted(content.items())).encode()).hexdigest()
        record_id = f"{self.source}:{srid}:v{version}"
        row = {
            **content,
            "record_id": record_id,
            "source": self.source,
            "source_record_id": srid,
            "content_hash": digest,
            "version": version,
            "observed_at": _ts(observed),
            "effective_from": _d(effective_from),
            "effective_to": _d(effective_to),
            "legal_expiry": _d(legal_expiry),
            "batch_id": "",
        }
        self.rows[record_type].append(row)
        return record_id

    def enterprise(self, enterprise_id: str, observed: str = "2020-01-01", srid: str | None = None,
                   version: int = 1, **fields: Any) -> str:
        content = {"enterprise_id": enterprise_id, "established_date": _d("2015-01-01"), "status": "in_business",
                   "registered_capital": 1_000_000.0, "industry": "5211", "region": "110105",
                   "enterprise_type": "limited_company"}
        content.update({k: _d(v) if k in ("established_date", "platform_member_since") else v
                        for k, v in fields.items()})
        return self._add("enterprise", content, observed, srid or f"ent-{enterprise_id}", version)

    def person(self, person_id: str, observed: str = "2020-01-01", birth_year: int | None = 1980) -> str:
        return self._add("person", {"person_id": person_id, "birth_year": birth_year}, observed, f"p-{person_id}", 1)

    def event(self, subject_id: str, event_type: str, date: str, observed: str | None = None,
              subject_type: str = "enterprise", amount: float | None = None, value: float | None = None,
              code: str | None = None, counterparty_id: str | None = None, attrs: str | None = None,
              end_date: str | None = None, legal_expiry: str | None = None, srid: str | None = None,
              version: int = 1) -> str:
        content = {"event_type": event_type, "subject_type": subject_type, "subject_id": subject_id,
                   "amount": amount, "value": value, "code": code, "counterparty_id": counterparty_id,
                   "attrs": attrs}
        return self._add("event", content, observed or date, srid, version, date, end_date, legal_expiry)

    def relation(self, relation_type: str, src: str, dst: str, start: str = "2018-01-01", end: str | None = None,
                 src_type: str = "enterprise", dst_type: str = "enterprise", share: float | None = None,
                 amount: float | None = None, observed: str | None = None) -> str:
        content = {"relation_type": relation_type, "src_type": src_type, "src_id": src, "dst_type": dst_type,
                   "dst_id": dst, "share": share, "amount": amount, "attrs": None}
        return self._add("relation", content, observed or start, None, 1, start, end)

    def grant(self, person_id: str, start: str, end: str | None = None, scope: str = "personal_credit",
              revoked_at: str | None = None, observed: str | None = None, srid: str | None = None,
              version: int = 1) -> str:
        content = {"subject_id": person_id, "grantee": "platform", "purpose": "credit_assessment", "scope": scope,
                   "revoked_at": _ts(revoked_at) if revoked_at else None}
        return self._add("authorization_grant", content, observed or start, srid, version, start, end)

    def retract(self, target_record_id: str, observed: str) -> str:
        content = {"target_record_id": target_record_id, "reason": "dispute upheld", "dispute_id": "d-1"}
        return self._add("retraction", content, observed, None, 1)

    def flush(self) -> None:
        """Write everything accumulated as a new batch (new immutable Parquet parts)."""
        self.batches += 1
        batch_id = f"b{self.batches:03d}-{next(_SEQ)}"
        for record_type, rows in self.rows.items():
            for row in rows:
                row["batch_id"] = batch_id
            schema = schema_for(record_type)
            table = pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in rows], schema=schema)
            self.home.append(record_type, table, batch_id)
        self.rows.clear()


AS_OF = dt.date(2025, 6, 30)


def matrix(home: DataHome, as_of: dt.date = AS_OF) -> pd.DataFrame:
    """The feature matrix as a frame indexed by enterprise id."""
    return compute_features(home, as_of).table.to_pandas().set_index("enterprise_id")


def value(frame: pd.DataFrame, enterprise_id: str, feature: str) -> float:
    return float(frame.loc[enterprise_id, feature])  # type: ignore[arg-type]


def is_missing(frame: pd.DataFrame, enterprise_id: str, feature: str) -> bool:
    return bool(np.isnan(value(frame, enterprise_id, feature)))
