"""Consent: a firm's authorization of its legal representative's personal credit, per institution and purpose.

A grant and a revocation are ``authorization_grant`` records (a revocation is version 2 of the
grant's record, with ``revoked_at``) written to the data home as a new Parquet part and to the
evidence ledger, like any ingested record, and mirrored in the operational store's ``consent``
table, which each request reads: a revocation holds for the very next request.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from firmscore.datamodel import RecordType, schema_for
from firmscore.ingest.staging import content_hash_sql
from firmscore.service import ledger_adapter
from firmscore.service.store.models import Consent
from firmscore.store.home import DataHome

SOURCE = "firmscore-service"
SCOPE = "personal_credit"
_WRITE_LOCK = threading.Lock()  # one writer of data-home parts and ledger batches at a time


def _utc(t: Any) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


#: built once: each request only binds its three values (the ORM query and its session cost more
#: than the lookup itself, and this runs on every score, report and evidence answer)
_VALID_GRANTS = select(Consent.grant_id, Consent.effective_from, Consent.effective_to).where(
    Consent.enterprise_id == bindparam("enterprise_id"), Consent.institution_id == bindparam("institution_id"),
    Consent.purpose == bindparam("purpose"), Consent.revoked_at.is_(None))


def valid_grant(engine: Engine, enterprise_id: str, institution_id: str, purpose: str,
                now: dt.datetime | None = None) -> str | None:
    """The id of the authorization valid right now for (firm, institution, purpose), if any.

    Read from the store on every call, never cached: a revocation holds for the very next request."""
    now = now or dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        rows = conn.execute(_VALID_GRANTS, {"enterprise_id": enterprise_id, "institution_id": institution_id,
                                            "purpose": purpose}).all()
    for grant_id, effective_from, effective_to in rows:
        if _utc(effective_from) <= now and (effective_to is None or now < _utc(effective_to)):
            return str(grant_id)
    return None


def authorization_record(*, grant_id: str, person_id: str, institution_id: str, purpose: str, version: int,
                         observed_at: dt.datetime, effective_from: dt.date, effective_to: dt.date | None,
                         revoked_at: dt.datetime | None) -> pa.Table:
    """One canonical ``authorization_grant`` row, with the content hash and record id ingestion would give it."""
    schema = schema_for(RecordType.AUTHORIZATION)
    row: dict[str, Any] = {
        "subject_id": person_id, "grantee": institution_id, "purpose": purpose, "scope": SCOPE,
        "revoked_at": revoked_at, "record_id": "", "source": SOURCE, "source_record_id": grant_id,
        "content_hash": "", "version": version, "observed_at": observed_at, "effective_from": effective_from,
        "effective_to": effective_to, "legal_expiry": None, "batch_id": f"svc-{grant_id}-v{version}",
    }
    table = pa.Table.from_pylist([row], schema=schema)
    con = duckdb.connect(":memory:")
    try:
        ch = content_hash_sql(RecordType.AUTHORIZATION, set(table.column_names))
        got = con.from_arrow(table).select(f"{ch} AS h").fetchall()[0]
    finally:
        con.close()
    assert got is not None
    content_hash = str(got[0])
    import hashlib

    rid = hashlib.sha256(f"{SOURCE}\x1f{grant_id}\x1f{content_hash}".encode()).hexdigest()[:32]
    return table.set_column(schema.get_field_index("record_id"), "record_id", pa.array([rid], pa.string())) \
        .set_column(schema.get_field_index("content_hash"), "content_hash", pa.array([content_hash], pa.string()))


def _write(home: DataHome, table: pa.Table) -> str:
    """Write one record to the data home (a new part) and the ledger; returns its record id."""
    batch_id = str(table.column("batch_id")[0].as_py())
    with _WRITE_LOCK:
        home.append(RecordType.AUTHORIZATION, table, batch_id)
        with ledger_adapter.open_ledger(home) as ledger:
            ledger_adapter.append_records(ledger, RecordType.AUTHORIZATION.value, table)
    return str(table.column("record_id")[0].as_py())


@dataclass(frozen=True)
class ConsentService:
    home: DataHome
    sessions: sessionmaker[Session]

    def grant(self, *, enterprise_id: str, person_id: str, institution_id: str, purpose: str,
              valid_days: int) -> Consent:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        grant_id = "g-" + uuid.uuid4().hex[:24]
        start, end = now.date(), now.date() + dt.timedelta(days=valid_days)
        table = authorization_record(grant_id=grant_id, person_id=person_id, institution_id=institution_id,
                                     purpose=purpose, version=1, observed_at=now, effective_from=start,
                                     effective_to=end, revoked_at=None)
        record_id = _write(self.home, table)
        c = Consent(grant_id=grant_id, enterprise_id=enterprise_id, person_id=person_id,
                    institution_id=institution_id, purpose=purpose,
                    effective_from=dt.datetime.combine(start, dt.time(), dt.UTC),
                    effective_to=dt.datetime.combine(end, dt.time(), dt.UTC), granted_at=now, revoked_at=None,
                    record_id=record_id, revocation_record_id=None)
        with self.sessions.begin() as s:
            s.add(c)
        return c

    def revoke(self, *, enterprise_id: str, grant_id: str) -> Consent | None:
        with self.sessions() as s:
            c = s.get(Consent, grant_id)
        if c is None or c.enterprise_id != enterprise_id or c.revoked_at is not None:
            return None
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        end = _utc(c.effective_to).date() if c.effective_to else None
        table = authorization_record(grant_id=grant_id, person_id=c.person_id, institution_id=c.institution_id,
                                     purpose=c.purpose, version=2, observed_at=now,
                                     effective_from=_utc(c.effective_from).date(), effective_to=end, revoked_at=now)
        record_id = _write(self.home, table)
        with self.sessions.begin() as s:
            row = s.get(Consent, grant_id)
            assert row is not None
            row.revoked_at = now
            row.revocation_record_id = record_id
        c.revoked_at, c.revocation_record_id = now, record_id
        return c

    def list(self, enterprise_id: str) -> list[Consent]:
        with self.sessions() as s:
            return list(s.scalars(select(Consent).where(Consent.enterprise_id == enterprise_id)
                                  .order_by(Consent.granted_at, Consent.grant_id)))
