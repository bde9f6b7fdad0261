"""Fixtures of the service tests: one scored synthetic home per session, an operational store per module.

The store fixture runs every module twice, on SQLite (the embedded default) and on PostgreSQL
(``FIRMSCORE_PG_DSN``; under CI a missing server fails the PostgreSQL runs).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from firmscore.features import build_labels, compute_features, write_features, write_labels
from firmscore.ingest import ingest_paths
from firmscore.scoring import score_enterprises, train_model
from firmscore.service import ServiceSettings, admin, create_app
from firmscore.service.roles import Role
from firmscore.service.scorebook import ScoreBook
from firmscore.store import DataHome
from firmscore.synth import generate

AS_OF = dt.date(2025, 6, 30)
N_FIRMS = 1500
pytestmark = pytest.mark.xdist_group("service")


@pytest.fixture(scope="session")
def scored_home(tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    root = tmp_path_factory.mktemp("service")
    generate(root / "in", N_FIRMS, seed=11, as_of=AS_OF, progress=False)
    home = DataHome(root / "home")
    ingest_paths(home, [root / "in"], source="synth")
    write_features(home, compute_features(home, AS_OF))
    write_labels(home, AS_OF, "12m", build_labels(home, AS_OF, "12m"))
    train_model(home, AS_OF, challenger=False, n_bootstrap=10)
    score_enterprises(home, AS_OF)
    return home


@pytest.fixture(scope="session")
def score_book(scored_home: DataHome) -> ScoreBook:
    return ScoreBook(scored_home)


def pg_database_url(dsn: str) -> str:
    """A fresh PostgreSQL database on the test server, as a SQLAlchemy psycopg URL."""
    import psycopg

    name = "fs_service_" + secrets.token_hex(4)
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    base = dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, requirement: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store') / 'operational.db'}"
    dsn = os.environ.get("FIRMSCORE_PG_DSN")
    requirement(bool(dsn), "FIRMSCORE_PG_DSN is not set (run scripts/pg-start.sh)")
    assert dsn is not None
    return pg_database_url(dsn)


@dataclass
class Api:
    """A running app (TestClient) with two institutions, their clients and analysts, two firms' accounts, an admin."""

    client: TestClient
    home: DataHome
    book: ScoreBook
    firm_a: str
    firm_b: str
    creds: dict[str, Any] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    @property
    def service(self) -> Any:
        return self.client.app.state.service  # type: ignore[attr-defined]

    def fresh_token(self, who: str) -> str:
        kind, ident, secret = self.creds[who]
        data = ({"grant_type": "client_credentials", "client_id": ident, "client_secret": secret} if kind == "client"
                else {"grant_type": "password", "username": ident, "password": secret})
        r = self.client.post("/v1/oauth/token", data=data)
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        if who == "anonymous":
            return dict(extra)
        if who not in self._tokens:
            self._tokens[who] = self.fresh_token(who)
        return {"Authorization": f"Bearer {self._tokens[who]}", **extra}

    def wait_ledger(self, entry_id: str, who: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            r = self.client.get(f"/v1/query-log/{entry_id}/proof", headers=self.headers(who))
            if r.status_code != 409 or time.monotonic() > deadline:
                assert r.status_code == 200, r.text
                return dict(r.json())
            time.sleep(0.1)


def firms_with_personal_credit(book: ScoreBook, n: int) -> list[str]:
    return sorted(book.na_rows)[:n]


def populate(app: Any, book: ScoreBook) -> tuple[dict[str, Any], str, str]:
    sessions = app.state.service.sessions
    firm_a, firm_b = firms_with_personal_credit(book, 2)
    creds: dict[str, Any] = {}
    for inst in ("bank-a", "bank-b"):
        admin.add_institution(sessions, inst, f"{inst} 银行", f"{inst} bank")
        c = admin.add_client(sessions, inst, "loans", client_id=f"{inst}-loans")
        creds[f"client:{inst}"] = ("client", c.id, c.secret)
        a = admin.add_account(sessions, f"analyst-{inst}", Role.ANALYST, institution_id=inst)
        creds[f"analyst:{inst}"] = ("account", a.id, a.secret)
    for label, firm in (("a", firm_a), ("b", firm_b)):
        s = admin.add_account(sessions, f"firm-{label}", Role.SUBJECT, enterprise_id=firm)
        creds[f"subject:{label}"] = ("account", s.id, s.secret)
    ad = admin.add_account(sessions, "root", Role.ADMIN)
    creds["admin"] = ("account", ad.id, ad.secret)
    return creds, firm_a, firm_b


@pytest.fixture(scope="module")
def api(scored_home: DataHome, score_book: ScoreBook, db_url: str) -> Iterator[Api]:
    settings = ServiceSettings(home=scored_home.root, database_url=db_url, ledger_commit_interval_s=0.05)
    app = create_app(settings, scores=score_book)
    creds, firm_a, firm_b = populate(app, score_book)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, scored_home, score_book, firm_a, firm_b, creds)
