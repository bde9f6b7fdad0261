"""The running service's parts, built once by the app factory and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from firmscore.service.auth import Authenticator
from firmscore.service.consent import ConsentService
from firmscore.service.keys import KeyRing
from firmscore.service.querylog import QueryLog
from firmscore.service.ratelimit import TokenBuckets
from firmscore.service.scorebook import ScoreBook
from firmscore.service.settings import ServiceSettings
from firmscore.service.tokens import TokenIssuer
from firmscore.store.home import DataHome


@dataclass(kw_only=True)
class Service:
    settings: ServiceSettings
    home: DataHome
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyRing
    issuer: TokenIssuer
    authenticator: Authenticator
    buckets: TokenBuckets
    token_buckets: TokenBuckets
    scores: ScoreBook
    querylog: QueryLog
    consents: ConsentService
