"""The output contract between the generator and ingestion.

Columns are the record type's content columns (``content_columns``) plus ``observed_at``, without
the bookkeeping that ingestion adds (``record_id``, ``content_hash``, ``version``, ``batch_id``).
Person files carry raw personal data (``id_number``, ``name``, ``phone``) instead of the keyed hash
and ciphertexts, which ingestion computes.
"""

from __future__ import annotations

import pyarrow as pa

from firmscore.datamodel.schemas import schema_for

INGEST_ADDED = frozenset({"record_id", "content_hash", "version", "batch_id"})
RAW_PERSON_FIELDS = (
    pa.field("id_number", pa.string(), nullable=False),
    pa.field("name", pa.string()),
    pa.field("phone", pa.string()),
)


def output_schema(record_type: str) -> pa.Schema:
    """Arrow schema of ``<out>/<record_type>/part-*.parquet``."""
    fields = [f for f in schema_for(record_type) if f.name not in INGEST_ADDED]
    if record_type == "person":
        fields = [f for f in fields if f.name not in {"person_id", "name_enc", "contact_enc"}]
        fields = [*RAW_PERSON_FIELDS, *fields]
    return pa.schema(fields)


def truth_schema() -> pa.Schema:
    """Arrow schema of ``<out>/truth/enterprise_truth.parquet`` (never ingested)."""
    return pa.schema([
        pa.field("enterprise_id", pa.string(), nullable=False),
        pa.field("active_at_as_of", pa.bool_()),
        pa.field("latent_health", pa.float64()),
        pa.field("pd_own_12m", pa.float64()),
        pa.field("default_12m", pa.bool_()),
        pa.field("default_date", pa.date32()),
        pa.field("default_cause", pa.string()),
        pa.field("fraud_ring_id", pa.int64()),
        pa.field("guarantee_circle_id", pa.int64()),
        pa.field("contagion_sources", pa.list_(pa.string())),
    ])
