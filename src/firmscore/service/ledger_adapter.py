"""The one place the service touches the evidence ledger (an adapter, so ledger changes stay here).

The service adds two kinds of leaves to the data home's ledger: ``authorization_grant`` records
(through the ledger's normal record path, like ingestion) and query-log entries (leaf type
``query_log``: canonical JSON with the entry's ``record_id``, appended with the ledger's own
:meth:`~firmscore.ledger.EvidenceLedger.append_prepared`, so the record index, the signed
checkpoint and ``ledger verify`` cover them too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from firmscore.ledger import EvidenceLedger, RecordProof
from firmscore.ledger.encoding import canonical_json
from firmscore.ledger.ledger import PREPARED_SCHEMA, PreparedLeaves
from firmscore.store.home import DataHome

QUERY_LOG_LEAF = "query_log"


def open_ledger(home: DataHome) -> EvidenceLedger:
    return EvidenceLedger.for_home(home)


def query_log_leaf(record_id: str, content: dict[str, Any]) -> bytes:
    """Canonical (RFC 8785) JSON of one query-log entry; contains the ``"record_id":"…"`` marker."""
    return canonical_json({"record": content, "record_id": record_id, "record_type": QUERY_LOG_LEAF})


def append_query_log(ledger: EvidenceLedger, entries: Sequence[tuple[str, dict[str, Any]]]) -> list[int]:
    """Log ``(record id, content)`` entries as leaves in one transaction; returns their leaf indexes."""
    ids = [rid for rid, _ in entries]
    leaves = [query_log_leaf(rid, content) for rid, content in entries]
    n = len(ids)
    nulls = pa.nulls(n, pa.binary())
    table = pa.Table.from_arrays([pa.array(ids, pa.string()), pa.array(leaves, pa.binary()), nulls, nulls, nulls],
                                 schema=PREPARED_SCHEMA)
    return [int(i) for i in ledger.append_prepared(PreparedLeaves(QUERY_LOG_LEAF, table))]


def append_records(ledger: EvidenceLedger, record_type: str, table: pa.Table) -> list[int]:
    return [int(i) for i in ledger.append_records(record_type, table)]


def prove(ledger: EvidenceLedger, record_id: str) -> RecordProof:
    return ledger.prove(record_id)


def checkpoint_note(ledger: EvidenceLedger) -> str:
    return ledger.checkpoint().note


def public_key(ledger: EvidenceLedger) -> str:
    return ledger.public_key()
