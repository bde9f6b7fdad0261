"""The query log: every data answer logged before it is sent, visible to the firm, proven in the ledger."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from firmscore.ledger import EvidenceLedger

from .conftest import Api

pytestmark = pytest.mark.xdist_group("service")
VERIFY = Path(__file__).resolve().parents[2] / "scripts" / "verify_proof.py"


def verify_script(tmp_path: Path, body: dict[str, object], public_key: str) -> subprocess.CompletedProcess[str]:
    f = tmp_path / "proof.json"
    f.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, str(VERIFY), str(f), public_key], capture_output=True, text=True,
                          check=False)


def test_every_answer_is_logged_and_the_firm_sees_it(api: Api) -> None:
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/report", params={"purpose": "post_loan_management"},
                       headers=api.headers("client:bank-b"))
    assert r.status_code == 200
    qid = r.json()["query_id"]
    with api.service.sessions() as s:  # durable before the answer: it is there as soon as the answer is
        row = s.execute(text("SELECT institution_id, purpose, endpoint, enterprise_id, returned FROM query_log "
                             "WHERE entry_id = :e"), {"e": qid}).one()
    assert row[:4] == ("bank-b", "post_loan_management", "report", api.firm_a)
    assert json.loads(row[4])["score_id"] == r.json()["score_id"]
    items = api.client.get("/v1/me/query-log", headers=api.headers("subject:a")).json()["items"]
    mine = next(i for i in items if i["entry_id"] == qid)
    assert mine["institution_id"] == "bank-b" and mine["purpose_label"] == "贷后管理"
    assert mine["returned"]["record_ids"] == sorted({x for rr in r.json()["reasons_bilingual"]
                                                     for x in rr["record_ids"]})
    # another firm does not see it; the other institution does not either; bank-b does
    assert qid not in [i["entry_id"] for i in api.client.get("/v1/me/query-log",
                                                             headers=api.headers("subject:b")).json()["items"]]
    assert qid not in [i["entry_id"] for i in api.client.get("/v1/query-log",
                                                             headers=api.headers("client:bank-a")).json()["items"]]
    assert qid in [i["entry_id"] for i in api.client.get("/v1/query-log?limit=500",
                                                         headers=api.headers("analyst:bank-b")).json()["items"]]


def test_entry_proof_verifies_with_the_standalone_script(api: Api, tmp_path: Path) -> None:
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                       headers=api.headers("client:bank-a"))
    proof = api.wait_ledger(r.json()["query_id"], "subject:a")
    assert proof["entry"]["endpoint"] == "score"
    with EvidenceLedger.for_home(api.home) as ledger:
        published = ledger.public_key()  # the key as the operator publishes it, not from this response
    done = verify_script(tmp_path, proof, published)
    assert done.returncode == 0 and done.stdout.startswith("OK"), done.stderr
    forged = dict(proof, leaf=proof["leaf"].replace('"score"', '"report"'))
    bad = verify_script(tmp_path, forged, published)
    assert bad.returncode == 1 and "FAILED" in bad.stderr


def test_evidence_record_proof_verifies_without_trusting_the_server(api: Api, tmp_path: Path) -> None:
    row, _ = api.book.row(api.firm_a, False)
    rid = row["reasons"][0]["record_ids"][0]
    r = api.client.get(f"/v1/enterprises/{api.firm_a}/evidence/{rid}", params={"purpose": "loan_approval"},
                       headers=api.headers("client:bank-a"))
    assert r.status_code == 200
    body = r.json()
    with EvidenceLedger.for_home(api.home) as ledger:
        published = ledger.public_key()
    done = verify_script(tmp_path, body, published)
    assert done.returncode == 0, done.stderr
    tampered_path = dict(body, inclusion_proof=list(reversed(body["inclusion_proof"])))
    if len(body["inclusion_proof"]) > 1:
        assert verify_script(tmp_path, tampered_path, published).returncode == 1
    other_key = "firmscore.local/ledger/x+00000000+" + "AQ" + "A" * 42 + "="
    assert verify_script(tmp_path, body, other_key).returncode == 1


def test_query_log_is_append_only_in_the_store(api: Api) -> None:
    api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                   headers=api.headers("client:bank-a"))  # at least one entry, whichever test ran before
    with api.service.engine.connect() as con:
        seq = con.execute(text("SELECT min(seq) FROM query_log")).scalar_one()
    assert seq is not None
    for stmt in ("UPDATE query_log SET purpose = 'trade_credit' WHERE seq = :s",
                 "DELETE FROM query_log WHERE seq = :s"):
        with pytest.raises(Exception, match="append-only"), api.service.engine.begin() as con:
            con.execute(text(stmt), {"s": seq})


def test_ledger_verifies_with_the_query_log_leaves(api: Api) -> None:
    api.client.get(f"/v1/enterprises/{api.firm_a}/score", params={"purpose": "loan_approval"},
                   headers=api.headers("client:bank-a"))
    api.service.querylog.commit_to_ledger()
    with api.service.sessions() as s:
        pending = s.execute(text("SELECT count(*) FROM query_log WHERE leaf_index IS NULL")).scalar_one()
    assert pending == 0
    with EvidenceLedger.for_home(api.home) as ledger:
        report = ledger.verify_all()
    assert report.ok, report.problems[:5]
