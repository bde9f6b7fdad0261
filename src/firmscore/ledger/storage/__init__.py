"""Storage of the evidence ledger in the operational database (SQLite by default, PostgreSQL supported)."""

from firmscore.ledger.storage.base import APPEND_ONLY_TABLES, LedgerStorage, SqlStorage
from firmscore.ledger.storage.open import open_storage

__all__ = ["APPEND_ONLY_TABLES", "LedgerStorage", "SqlStorage", "open_storage"]
