"""Tables of the operational store (SQLAlchemy 2 declarative models).

Designed so that the disputes, alerts and console issues add tables rather than change these:
every row that belongs to an institution carries ``institution_id`` (tenant isolation is a
``WHERE`` on it), accounts name their role and, for a subject, the firm they speak for.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Institution(Base):
    """A bank, platform or guarantor using the service (a tenant)."""

    __tablename__ = "institution"
    institution_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiClient(Base):
    """An institution's system: OAuth2 client credentials (the secret stored as an Argon2 hash)."""

    __tablename__ = "api_client"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.institution_id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[str] = mapped_column(Text)  # space-separated, as in OAuth2
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    """The simple alternative to tokens: a random key whose SHA-256 is stored (the key is shown once)."""

    __tablename__ = "api_key"
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the public prefix of the key
    client_id: Mapped[str] = mapped_column(ForeignKey("api_client.client_id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Account(Base):
    """A person or a firm that signs in: admin, analyst (of an institution) or subject (of a firm)."""

    __tablename__ = "account"
    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[str | None] = mapped_column(ForeignKey("institution.institution_id"), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RevokedToken(Base):
    """A token revoked before its expiry (RFC 7009); rows may be pruned after ``expires_at``."""

    __tablename__ = "revoked_token"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Consent(Base):
    """A firm's authorization of its legal representative's personal credit for one institution and purpose.

    Mirrors the ``authorization_grant`` record written to the data home and the ledger
    (``record_id``); a revocation is a new version of that record (``revocation_record_id``).
    """

    __tablename__ = "consent"
    grant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(128))
    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.institution_id"))
    purpose: Mapped[str] = mapped_column(String(32))
    effective_from: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    effective_to: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    record_id: Mapped[str] = mapped_column(String(128))
    revocation_record_id: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (Index("ix_consent_lookup", "enterprise_id", "institution_id", "purpose"),)


class QueryLogEntry(Base):
    """One response that carried enterprise data: who asked, when, why, about whom, what was returned.

    Append-only (database triggers refuse updates of the content and deletes); ``leaf_index`` is
    set once, when the entry's group commit reaches the evidence ledger.
    """

    __tablename__ = "query_log"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(40), unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    institution_id: Mapped[str | None] = mapped_column(String(64), index=True)
    principal: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    endpoint: Mapped[str] = mapped_column(String(64))
    enterprise_id: Mapped[str | None] = mapped_column(String(64), index=True)
    returned: Mapped[str] = mapped_column(Text)  # JSON: score id, record ids
    leaf_index: Mapped[int | None] = mapped_column(BigInteger, index=True)
