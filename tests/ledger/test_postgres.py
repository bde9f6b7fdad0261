"""The core ledger behaviour against a real PostgreSQL (fresh schema per test)."""

from __future__ import annotations

import psycopg
import pytest

from firmscore.ledger import EvidenceLedger
from firmscore.ledger.bundles import join_bundle, split_bundle
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage import open_storage
from firmscore.ledger.verify import verify_consistency, verify_inclusion

from .conftest import event_table


def test_append_prove_restart_and_erase(pg_ledger: EvidenceLedger, pg_url: str) -> None:
    for b in range(3):
        pg_ledger.append_records("event", event_table(["invoice_out", "lawsuit"] * 150, start=300 * b))
    assert pg_ledger.size == 900
    proof = pg_ledger.prove("ev-000777")
    proof.verify(pg_ledger.verifier)
    pg_ledger.consistency(300).verify()
    pg_ledger.erase("ev-000001", "rule-x", "2031-05-05")
    assert pg_ledger.lookup("ev-000001").erased
    assert pg_ledger.lookup("ev-000000").content is not None
    report = pg_ledger.verify_all()
    assert report.ok and report.leaves_checked == 900
    restarted = MerkleLog(open_storage(pg_url))
    try:
        assert (restarted.size, restarted.root) == (900, pg_ledger.log.root)
        for i in (0, 255, 256, 899):
            verify_inclusion(i, 900, restarted.leaf_hash(i), restarted.inclusion_proof(i), restarted.root)
        verify_consistency(17, 900, restarted.root_at(17), restarted.root, restarted.consistency_proof(17))
    finally:
        restarted.storage.close()


def test_triggers_refuse_changes_and_tampering_is_named(pg_ledger: EvidenceLedger) -> None:
    pg_ledger.append_records("event", event_table(["invoice_out"] * 400))
    conn = pg_ledger.storage.conn
    for sql in ("UPDATE ledger_bundles SET entries = entries", "DELETE FROM ledger_tiles", "TRUNCATE ledger_states"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute(sql)
        conn.rollback()
    conn.execute("ALTER TABLE ledger_bundles DISABLE TRIGGER USER")
    width, blob = conn.execute("SELECT width, entries FROM ledger_bundles WHERE bundle_index = 0 "
                               "ORDER BY width DESC LIMIT 1").fetchone()
    entries = split_bundle(bytes(blob))
    entries[3] = entries[3].replace(b'"src-3"', b'"src-8"')
    conn.execute("UPDATE ledger_bundles SET entries = %s WHERE bundle_index = 0 AND width = %s",
                 (join_bundle(entries), width))
    conn.execute("DELETE FROM ledger_bundles WHERE bundle_index = 1")
    conn.commit()
    kinds = pg_ledger.verify_all().kinds()
    assert kinds["leaf_modified"] == ["3"] and kinds["leaf_removed"] == [str(i) for i in range(256, 400)]
