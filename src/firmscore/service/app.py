"""The app factory: builds the service's parts from :class:`ServiceSettings` and mounts the routes."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from firmscore.service.auth import Authenticator
from firmscore.service.consent import ConsentService
from firmscore.service.keys import KeyRing
from firmscore.service.middleware import BodyLimit, SecurityHeaders, Timeout
from firmscore.service.pagination import Cursors
from firmscore.service.problems import install_problem_handlers
from firmscore.service.querylog import QueryLog
from firmscore.service.ratelimit import TokenBuckets
from firmscore.service.routes import admin, enterprises, me, oauth, public, querylog
from firmscore.service.scorebook import ScoreBook
from firmscore.service.settings import ServiceSettings
from firmscore.service.state import Service
from firmscore.service.store.db import connect_store
from firmscore.service.tokens import TokenIssuer
from firmscore.store.home import DataHome

DESCRIPTION = """Enterprise credit scores with evidence, for institutions and for the firms themselves.

Every answer that carries enterprise data names a **purpose**, is scored under the firm's
**authorization** (or without its legal representative's personal credit), and is written to the
**query log** — which the firm itself can read, each entry with a ledger inclusion proof — before
it is sent. Errors are RFC 9457 `application/problem+json` with a stable `code`, in Chinese or
English by `Accept-Language`.
"""


def build_service(settings: ServiceSettings, scores: ScoreBook | None = None) -> Service:
    home = DataHome.open(settings.home)
    engine, sessions = connect_store(settings.db_url, migrate=not settings.pool_worker)
    keys = KeyRing(settings.signing_key_dir)
    issuer = TokenIssuer(keys=keys, issuer=settings.issuer, audience=settings.audience, ttl_s=settings.token_ttl_s)
    return Service(
        settings=settings, home=home, engine=engine, sessions=sessions, keys=keys, issuer=issuer,
        authenticator=Authenticator(issuer, sessions),
        buckets=TokenBuckets(settings.rate_per_s, settings.rate_burst),
        token_buckets=TokenBuckets(20.0, 40.0),
        scores=scores if scores is not None else ScoreBook(home),
        querylog=QueryLog(sessions, home, interval_s=settings.ledger_commit_interval_s,
                          max_batch=settings.ledger_commit_max, ledger=not settings.pool_worker),
        consents=ConsentService(home, sessions),
    )


def _mount(app: FastAPI) -> None:
    for r in (oauth.router, public.router, enterprises.router, querylog.router, me.router, admin.router):
        app.include_router(r)


def _bare_app(lifespan: object = None) -> FastAPI:
    return FastAPI(title="firmscore credit service / 企业信用服务", version="1", description=DESCRIPTION,
                   openapi_url="/v1/openapi.json", docs_url="/docs", redoc_url=None,
                   lifespan=lifespan)  # type: ignore[arg-type]


def openapi_document() -> dict[str, object]:
    """The OpenAPI 3.1 document of the API, without a running service (for docs and schema tests)."""
    app = _bare_app()
    _mount(app)
    doc: dict[str, object] = app.openapi()
    return doc


def create_app(settings: ServiceSettings, scores: ScoreBook | None = None) -> FastAPI:
    """The ASGI app of the service (``firmscore serve`` runs it under uvicorn).

    ``scores`` lets several apps over one data home share the loaded scores (tests do).
    """
    service = build_service(settings, scores)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the loaded scores are millions of long-lived objects: keep them out of the cyclic collector, whose
        # full passes over them paused every request of the process (the p99 tail under load)
        gc.collect()
        gc.freeze()
        service.querylog.start()
        try:
            yield
        finally:
            service.querylog.stop()
            service.engine.dispose()

    app = _bare_app(lifespan)
    app.state.service = service
    app.state.cursors = Cursors(settings.signing_key_dir)
    install_problem_handlers(app)
    _mount(app)
    app.add_middleware(Timeout, seconds=settings.request_timeout_s)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``firmscore serve --workers N`` (uvicorn's factory)."""
    from firmscore.service.appender import die_with_parent

    die_with_parent()  # SIGTERM: a graceful stop flushes the entries this worker holds
    return create_app(ServiceSettings.from_environment())


def prepare_pool(settings: ServiceSettings) -> None:
    """What the workers of a pool must find ready: the store migrated, the signing and cursor keys made.

    Done once in the parent, so that N workers do not race to migrate or to create different keys.
    """
    from firmscore.service.store.db import upgrade

    upgrade(settings.db_url)
    KeyRing(settings.signing_key_dir)
    Cursors(settings.signing_key_dir)
