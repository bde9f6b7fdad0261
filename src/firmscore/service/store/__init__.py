"""The operational store: institutions, clients, accounts, consents, revoked tokens and the query log.

SQLAlchemy 2 models (:mod:`.models`) with Alembic migrations shipped in the package
(:mod:`.migrations`); SQLite in WAL mode inside the data home by default, PostgreSQL by URL.
"""

from firmscore.service.store.db import connect_store, upgrade
from firmscore.service.store.models import (
    Account,
    ApiClient,
    ApiKey,
    Base,
    Consent,
    Institution,
    QueryLogEntry,
    RevokedToken,
)

__all__ = [
    "Account",
    "ApiClient",
    "ApiKey",
    "Base",
    "Consent",
    "Institution",
    "QueryLogEntry",
    "RevokedToken",
    "connect_store",
    "upgrade",
]
