"""Consent: grant → personal credit used; revoke → the next request scores without it; expired; wrong purpose."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
import pytest
from sqlalchemy import update

from firmscore.ledger import EvidenceLedger
from firmscore.service.store import Consent

from .conftest import Api

pytestmark = pytest.mark.xdist_group("service")


def ask(api: Api, purpose: str = "loan_approval", who: str = "client:bank-a") -> dict[str, object]:
    r = api.client.get(f"/v1/enterprises/{api.firm_b}/score", params={"purpose": purpose}, headers=api.headers(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_grant_then_revoke_changes_the_very_next_answer(api: Api) -> None:
    stored, _ = api.book.row(api.firm_b, True)
    withheld, _ = api.book.row(api.firm_b, False)
    before = ask(api)
    assert before["consent"]["status"] == "not_authorized"  # type: ignore[index]
    assert before["score"] == withheld["score"] and before["score_id"].endswith("/not_authorized")  # type: ignore
    assert "未获授权" in before["consent"]["message_zh"] and "not authorized" in before["consent"]["message_en"]  # type: ignore
    personal = [r for r in before["reasons"] if r["feature"].startswith("lr_personal")]  # type: ignore[attr-defined]
    assert all(r["record_ids"] == [] for r in personal)  # an unauthorized credit file is never cited

    r = api.client.post("/v1/me/authorizations", json={"institution_id": "bank-a", "purpose": "loan_approval",
                                                       "valid_days": 30}, headers=api.headers("subject:b"))
    assert r.status_code == 201
    grant = r.json()
    after = ask(api)
    assert after["consent"] == {**after["consent"], "status": "used", "grant_id": grant["grant_id"]}  # type: ignore
    assert after["score"] == stored["score"] and after["pd"] == stored["pd"]
    # only that institution and that purpose
    assert ask(api, "trade_credit")["consent"]["status"] == "not_authorized"  # type: ignore[index]
    assert ask(api, who="client:bank-b")["consent"]["status"] == "not_authorized"  # type: ignore[index]

    r = api.client.delete(f"/v1/me/authorizations/{grant['grant_id']}", headers=api.headers("subject:b"))
    assert r.status_code == 200 and r.json()["valid"] is False and r.json()["revocation_record_id"]
    again = ask(api)
    assert again["consent"]["status"] == "not_authorized" and again["score"] == withheld["score"]  # type: ignore

    # both records are in the data home and the ledger: the grant and its revocation (version 2)
    con = api.home.connect()
    try:
        rows = con.sql("SELECT record_id, version, grantee, purpose, revoked_at FROM authorization_grant "
                       "WHERE source_record_id = ? ORDER BY version", params=[grant["grant_id"]]).fetchall()
    finally:
        con.close()
    assert [(r[1], r[2], r[3], r[4] is not None) for r in rows] == [(1, "bank-a", "loan_approval", False),
                                                                    (2, "bank-a", "loan_approval", True)]
    assert rows[0][0] == grant["record_id"] and rows[1][0] == r.json()["revocation_record_id"]
    with EvidenceLedger.for_home(api.home) as ledger:
        proof = ledger.prove(rows[1][0])
        proof.verify(ledger.verifier)
    parts = sorted((api.home.root / "data" / "authorization_grant").glob("svc-*.parquet"))
    assert parts and all(pq.read_metadata(p).num_rows == 1 for p in parts)


def test_expired_grant_is_not_used(api: Api) -> None:
    r = api.client.post("/v1/me/authorizations", json={"institution_id": "bank-b", "purpose": "guarantee_review",
                                                       "valid_days": 1}, headers=api.headers("subject:b"))
    gid = r.json()["grant_id"]
    assert ask(api, "guarantee_review", "client:bank-b")["consent"]["status"] == "used"  # type: ignore[index]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with api.service.sessions.begin() as s:
        s.execute(update(Consent).where(Consent.grant_id == gid).values(effective_to=past))
    assert ask(api, "guarantee_review", "client:bank-b")["consent"]["status"] == "not_authorized"  # type: ignore


def test_grants_are_listed_and_only_the_own_firm_revokes(api: Api) -> None:
    r = api.client.post("/v1/me/authorizations", json={"institution_id": "bank-a", "purpose": "trade_credit"},
                        headers=api.headers("subject:a"))
    gid = r.json()["grant_id"]
    mine = api.client.get("/v1/me/authorizations", headers=api.headers("subject:a")).json()["items"]
    assert gid in [g["grant_id"] for g in mine]
    theirs = api.client.get("/v1/me/authorizations", headers=api.headers("subject:b")).json()["items"]
    assert gid not in [g["grant_id"] for g in theirs]
    r = api.client.delete(f"/v1/me/authorizations/{gid}", headers=api.headers("subject:b"))
    assert r.status_code == 404 and r.json()["code"] == "grant_not_found"
    r = api.client.post("/v1/me/authorizations", json={"institution_id": "no-such-bank", "purpose": "trade_credit"},
                        headers=api.headers("subject:a"))
    assert r.status_code == 404 and r.json()["code"] == "institution_not_found"
