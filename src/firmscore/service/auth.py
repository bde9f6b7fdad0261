"""Who is calling: a bearer JWT or an API key, resolved to a :class:`Principal`.

Tokens are checked for signature, ``kid``, issuer, audience and expiry (:mod:`.tokens`), then
against the revocation list and the state of the client or account they were issued to: a
revoked token, a disabled client or a disabled account is refused at the next request. The
revocation list and the disabled set are refreshed from the operational store at most every
``refresh_s`` seconds and at once after a change made by this process.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from firmscore.service.problems import ProblemError
from firmscore.service.roles import Role
from firmscore.service.secrets import api_key_id, api_key_matches
from firmscore.service.store.models import Account, ApiClient, ApiKey, Institution, RevokedToken
from firmscore.service.tokens import TokenError, TokenIssuer


@dataclass(frozen=True, kw_only=True)
class Principal:
    """An authenticated caller."""

    subject: str  # client id or username
    role: Role
    scopes: frozenset[str]
    institution_id: str | None = None
    enterprise_id: str | None = None
    jti: str | None = None
    expires_at: int | None = None
    via: str = "token"

    @property
    def rate_key(self) -> str:
        return f"{self.role}:{self.subject}"


@dataclass
class Authenticator:
    issuer: TokenIssuer
    sessions: sessionmaker[Session]
    refresh_s: float = 1.0
    _revoked: set[str] = field(default_factory=set)
    _disabled: set[str] = field(default_factory=set)
    _loaded_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: tokens whose signature and claims were checked: a token is immutable, so the check is done once
    #: (expiry is re-checked on every use, revocation and disabled state too)
    _verified: dict[str, dict[str, object]] = field(default_factory=dict)
    cache_size: int = 50_000

    def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._loaded_at < self.refresh_s:
            return
        with self._lock, self.sessions() as s:
            utc = dt.datetime.now(dt.UTC)
            revoked = set(s.scalars(select(RevokedToken.jti).where(RevokedToken.expires_at > utc)))
            disabled = {f"client:{c}" for c in s.scalars(select(ApiClient.client_id).where(~ApiClient.active))}
            disabled |= {f"account:{a}" for a in s.scalars(select(Account.username).where(~Account.active))}
            disabled |= {f"inst:{i}" for i in s.scalars(select(Institution.institution_id)
                                                         .where(~Institution.active))}
            self._revoked, self._disabled, self._loaded_at = revoked, disabled, now

    def changed(self) -> None:
        """Something was revoked, disabled or rotated: reload now and forget verified tokens."""
        self._verified.clear()
        self._refresh(force=True)

    def _claims(self, token: str) -> dict[str, Any]:
        cached = self._verified.get(token)
        if cached is not None and int(str(cached["exp"])) > time.time():
            return cached
        try:
            claims = self.issuer.verify(token)
        except TokenError as exc:
            self._verified.pop(token, None)
            raise ProblemError(401, "invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                               reason=str(exc)) from exc
        if len(self._verified) >= self.cache_size:
            self._verified.clear()
        self._verified[token] = claims
        return claims

    def from_token(self, token: str) -> Principal:
        claims = self._claims(token)
        self._refresh()
        try:
            role = Role(str(claims.get("role")))
        except ValueError as exc:
            raise ProblemError(401, "invalid_token", reason="unknown role") from exc
        kind = "client" if role is Role.CLIENT else "account"
        inst = claims.get("inst")
        if (claims["jti"] in self._revoked or f"{kind}:{claims['sub']}" in self._disabled
                or (inst and f"inst:{inst}" in self._disabled)):
            raise ProblemError(401, "invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                               reason="revoked")
        return Principal(subject=str(claims["sub"]), role=role, scopes=frozenset(str(claims.get("scope", "")).split()),
                         institution_id=inst, enterprise_id=claims.get("ent"), jti=str(claims["jti"]),
                         expires_at=int(claims["exp"]))

    def from_api_key(self, key: str) -> Principal:
        key_id = api_key_id(key)
        if key_id is None:
            raise ProblemError(401, "unauthenticated")
        with self.sessions() as s:
            row = s.get(ApiKey, key_id)
            client = s.get(ApiClient, row.client_id) if row is not None else None
            inst = s.get(Institution, client.institution_id) if client is not None else None
        if (row is None or client is None or inst is None or not row.active or not client.active or not inst.active
                or not api_key_matches(row.key_hash, key)):
            raise ProblemError(401, "invalid_token", reason="unknown or revoked API key")
        return Principal(subject=client.client_id, role=Role.CLIENT, scopes=frozenset(client.scopes.split()),
                         institution_id=client.institution_id, via="api_key")

    def authenticate(self, authorization: str | None, api_key: str | None) -> Principal:
        if api_key:
            return self.from_api_key(api_key)
        if not authorization:
            raise ProblemError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise ProblemError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
        credentials = credentials.strip()
        if api_key_id(credentials) is not None:
            return self.from_api_key(credentials)
        return self.from_token(credentials)
