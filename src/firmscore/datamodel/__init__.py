"""The canonical data model: record types, vocabularies, schemas, identifier rules, PII protection."""

from firmscore.datamodel.enums import (
    NEGATIVE_EVENT_TYPES,
    PERSONAL_EVENT_TYPES,
    EnterpriseType,
    EventType,
    RecordType,
    RegistryStatus,
    RelationType,
    SubjectType,
)
from firmscore.datamodel.schemas import SCHEMAS, content_columns, schema_for

__all__ = [
    "NEGATIVE_EVENT_TYPES",
    "PERSONAL_EVENT_TYPES",
    "SCHEMAS",
    "EnterpriseType",
    "EventType",
    "RecordType",
    "RegistryStatus",
    "RelationType",
    "SubjectType",
    "content_columns",
    "schema_for",
]
