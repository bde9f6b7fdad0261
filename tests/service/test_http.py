"""Real HTTP to ``firmscore serve`` in a subprocess: a client session, durability under SIGKILL, schemathesis."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import text

from firmscore.ledger import EvidenceLedger
from firmscore.service.app import openapi_document
from firmscore.service.scorebook import ScoreBook
from firmscore.service.store.db import make_engine
from firmscore.store import DataHome

from .conftest import firms_with_personal_credit
from .live import LiveServer, burst

pytestmark = pytest.mark.xdist_group("service")
VERIFY = Path(__file__).resolve().parents[2] / "scripts" / "verify_proof.py"


@pytest.fixture(scope="module")
def firms(score_book: ScoreBook) -> tuple[str, str]:
    a, b = firms_with_personal_credit(score_book, 2)
    return a, b


@pytest.fixture(scope="module")
def live(scored_home: DataHome, firms: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[LiveServer]:
    d = tmp_path_factory.mktemp("live")
    server = LiveServer(scored_home, f"sqlite:///{d / 'op.db'}", d / "server.log")
    server.provision(*firms)
    server.start()
    yield server
    server.stop()


def test_client_session_over_real_http(live: LiveServer, firms: tuple[str, str], tmp_path: Path) -> None:
    firm = firms[0]
    h = {"Authorization": f"Bearer {live.token('client')}", "Accept-Language": "en"}
    with httpx.Client(base_url=live.url, timeout=30) as http:
        s = http.get(f"/v1/enterprises/{firm}/score", params={"purpose": "loan_approval"}, headers=h)
        assert s.status_code == 200 and s.headers["x-content-type-options"] == "nosniff"
        rid = next(x for r in s.json()["reasons"] for x in r["record_ids"])
        ev = http.get(f"/v1/enterprises/{firm}/evidence/{rid}", params={"purpose": "loan_approval"}, headers=h)
        assert ev.status_code == 200
        (tmp_path / "p.json").write_text(ev.text, encoding="utf-8")
        with EvidenceLedger.for_home(live.home) as ledger:
            key = ledger.public_key()
        done = subprocess.run([sys.executable, str(VERIFY), str(tmp_path / "p.json"), key], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
        sh = {"Authorization": f"Bearer {live.token('subject')}"}
        items = http.get("/v1/me/query-log", headers=sh).json()["items"]
        ids = {i["entry_id"] for i in items}
        assert {s.json()["query_id"], ev.json()["query_id"]} <= ids
        nd = http.post("/v1/scores/batch", json={"purpose": "trade_credit", "enterprise_ids": list(firms)}, headers=h)
        assert [json.loads(x)["enterprise_id"] for x in nd.text.splitlines()] == list(firms)
        bad = http.get("/v1/enterprises/NOPE/score", params={"purpose": "loan_approval"}, headers=h)
        assert bad.status_code == 404 and bad.json()["code"] == "enterprise_not_found"


def test_sigkill_during_a_burst_loses_no_logged_answer(scored_home: DataHome, firms: tuple[str, str],
                                                        score_book: ScoreBook,
                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    d = tmp_path_factory.mktemp("kill")
    server = LiveServer(scored_home, f"sqlite:///{d / 'op.db'}", d / "server.log")
    server.provision(*firms)
    server.start()
    received, errors = burst(server, sorted(score_book.position)[:200], 300, kill=True)  # SIGKILL mid-burst
    assert len(received) >= 300 and errors, "the burst was cut by the kill"
    engine = make_engine(server.db_url)
    try:
        with engine.connect() as con:
            stored = {r[0] for r in con.execute(text("SELECT entry_id FROM query_log"))}
        assert set(received) <= stored, f"{len(set(received) - stored)} answers without a log entry"
        server.start()  # the restart commits what the crash left pending to the ledger
        with engine.connect() as con:
            pending = con.execute(text("SELECT count(*) FROM query_log WHERE leaf_index IS NULL")).scalar_one()
        assert pending == 0
    finally:
        server.stop()
        engine.dispose()
    with EvidenceLedger.for_home(scored_home) as ledger:
        report = ledger.verify_all()
        assert report.ok, report.problems[:5]
        leaves = ledger.leaf_indexes(received[:50])
    assert len(leaves) == len(set(received[:50]))


# the document the live server serves (test_live_schema_is_the_document checks they are the same)
schema = schemathesis.openapi.from_dict(openapi_document())


def test_live_schema_is_the_document(live: LiveServer) -> None:
    served = httpx.get(f"{live.url}/v1/openapi.json", timeout=10).json()
    assert served == json.loads(json.dumps(openapi_document()))


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_live(case: Any, live: LiveServer) -> None:
    """Every operation, schema-generated requests: documented statuses and bodies, never a 5xx."""
    headers = {"Authorization": f"Bearer {live.token('client')}"}
    if case.path.startswith("/v1/me"):
        headers = {"Authorization": f"Bearer {live.token('subject')}"}
    if case.path == "/v1/oauth/revoke":
        return  # revoking would spend the token the other cases use; covered by the matrix test
    response = case.call(base_url=live.url, headers=headers)
    assert response.status_code < 500, response.text[:500]
    # a forged cursor is schema-valid (an opaque string) yet must be refused: that one check is excluded
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
