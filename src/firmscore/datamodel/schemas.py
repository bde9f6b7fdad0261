"""Arrow schemas of the canonical record types: the contract every stage shares.

Every record carries the same provenance and time columns (:data:`META_FIELDS`):

* ``record_id``: unique id of this *version* of the record (derived from source, source record id
  and content hash, so re-ingesting the same content yields the same id);
* ``source`` / ``source_record_id``: where it came from and the source's own key;
* ``content_hash``: SHA-256 over the canonical content (everything but provenance bookkeeping);
* ``version``: 1 for the first content seen for (source, source_record_id), then 2, 3, ...;
* ``observed_at``: when the platform learnt the fact (point-in-time features filter on it);
* ``effective_from`` / ``effective_to``: when the fact holds. For an event, ``effective_from`` is
  the day it happened and ``effective_to`` its end (listing removed, loan maturity, case closed);
  for a relation, the validity of the tie;
* ``legal_expiry``: the day from which a negative record may no longer be used (retention rules);
* ``batch_id``: the ingestion batch that stored it.
"""

from __future__ import annotations

import pyarrow as pa

from firmscore.datamodel.enums import RecordType

TIMESTAMP = pa.timestamp("us", tz="UTC")

META_FIELDS: tuple[pa.Field, ...] = (
    pa.field("record_id", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("source_record_id", pa.string(), nullable=False),
    pa.field("content_hash", pa.string(), nullable=False),
    pa.field("version", pa.int32(), nullable=False),
    pa.field("observed_at", TIMESTAMP, nullable=False),
    pa.field("effective_from", pa.date32()),
    pa.field("effective_to", pa.date32()),
    pa.field("legal_expiry", pa.date32()),
    pa.field("batch_id", pa.string(), nullable=False),
)

#: Columns that are bookkeeping, not content: excluded from the content hash.
BOOKKEEPING_COLUMNS: frozenset[str] = frozenset(
    {"record_id", "content_hash", "version", "observed_at", "batch_id"}
)

ENTERPRISE_FIELDS: tuple[pa.Field, ...] = (
    pa.field("enterprise_id", pa.string(), nullable=False),
    pa.field("uscc", pa.string()),
    pa.field("name", pa.string()),
    pa.field("legal_rep_id", pa.string()),
    pa.field("established_date", pa.date32()),
    pa.field("registered_capital", pa.float64()),
    pa.field("paid_in_capital", pa.float64()),
    pa.field("industry", pa.string()),
    pa.field("region", pa.string()),
    pa.field("enterprise_type", pa.string()),
    pa.field("status", pa.string()),
    pa.field("insured_employees", pa.int32()),
    pa.field("address", pa.string()),
    pa.field("phone", pa.string()),
    pa.field("platform_member_since", pa.date32()),
)

PERSON_FIELDS: tuple[pa.Field, ...] = (
    pa.field("person_id", pa.string(), nullable=False),
    pa.field("name_enc", pa.binary()),
    pa.field("contact_enc", pa.binary()),
    pa.field("birth_year", pa.int16()),
)

RELATION_FIELDS: tuple[pa.Field, ...] = (
    pa.field("relation_type", pa.string(), nullable=False),
    pa.field("src_type", pa.string(), nullable=False),
    pa.field("src_id", pa.string(), nullable=False),
    pa.field("dst_type", pa.string(), nullable=False),
    pa.field("dst_id", pa.string(), nullable=False),
    pa.field("share", pa.float64()),
    pa.field("amount", pa.float64()),
    pa.field("attrs", pa.string()),
)

EVENT_FIELDS: tuple[pa.Field, ...] = (
    pa.field("event_type", pa.string(), nullable=False),
    pa.field("subject_type", pa.string(), nullable=False),
    pa.field("subject_id", pa.string(), nullable=False),
    pa.field("amount", pa.float64()),
    pa.field("value", pa.float64()),
    pa.field("code", pa.string()),
    pa.field("counterparty_id", pa.string()),
    pa.field("attrs", pa.string()),
)

AUTHORIZATION_FIELDS: tuple[pa.Field, ...] = (
    pa.field("subject_id", pa.string(), nullable=False),  # person_id who authorizes
    pa.field("grantee", pa.string(), nullable=False),  # who may read (platform, lender)
    pa.field("purpose", pa.string(), nullable=False),  # e.g. credit_assessment
    pa.field("scope", pa.string(), nullable=False),  # e.g. personal_credit
    pa.field("revoked_at", TIMESTAMP),
)

RETRACTION_FIELDS: tuple[pa.Field, ...] = (
    pa.field("target_record_id", pa.string(), nullable=False),  # the record_id withdrawn
    pa.field("reason", pa.string(), nullable=False),
    pa.field("dispute_id", pa.string()),
)

_CONTENT: dict[RecordType, tuple[pa.Field, ...]] = {
    RecordType.ENTERPRISE: ENTERPRISE_FIELDS,
    RecordType.PERSON: PERSON_FIELDS,
    RecordType.RELATION: RELATION_FIELDS,
    RecordType.EVENT: EVENT_FIELDS,
    RecordType.AUTHORIZATION: AUTHORIZATION_FIELDS,
    RecordType.RETRACTION: RETRACTION_FIELDS,
}

SCHEMAS: dict[RecordType, pa.Schema] = {rt: pa.schema([*fields, *META_FIELDS]) for rt, fields in _CONTENT.items()}


def schema_for(record_type: RecordType | str) -> pa.Schema:
    """The full Arrow schema (content then metadata columns) of a record type."""
    return SCHEMAS[RecordType(record_type)]


def content_columns(record_type: RecordType | str) -> list[str]:
    """Columns whose values define the record's content (and so its content hash), in schema order."""
    return [f.name for f in schema_for(record_type) if f.name not in BOOKKEEPING_COLUMNS]


def key_column(record_type: RecordType | str) -> str | None:
    """The entity key column of a record type (``None`` for edge- and fact-like types)."""
    return {RecordType.ENTERPRISE: "enterprise_id", RecordType.PERSON: "person_id"}.get(RecordType(record_type))
