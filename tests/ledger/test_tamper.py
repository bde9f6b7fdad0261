"""Tamper tests: edit, delete and reorder rows directly in the SQLite file; ``verify_all`` must name them.

An attacker with write access to the database drops the append-only triggers first, so each test
does the same before it changes anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmscore.ledger import EvidenceLedger, LedgerVerifyReport
from firmscore.ledger.bundles import BundleError, join_bundle, split_bundle
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.base import APPEND_ONLY_TABLES
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.store import DataHome

from .conftest import event_table
from .tampering import attacker, replace_in_leaf, rewrite_bundle

TYPES = ["invoice_out", "tax_payment", "lawsuit", "annual_report", "penalty"]


@pytest.fixture
def filled(home: DataHome) -> Iterator[tuple[EvidenceLedger, Path]]:
    led = EvidenceLedger.for_home(home)
    for b in range(3):
        led.append_records("event", event_table([TYPES[i % 5] for i in range(200)], start=200 * b))
    led.erase("ev-000002", "test-rule", "2030-01-01")  # so that the tombstone table has a row too
    assert led.verify_all().ok
    path = home.root / "ledger" / "ledger.db"
    yield led, path
    led.close()


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_triggers_refuse_update_and_delete(filled: tuple[EvidenceLedger, Path], table: str) -> None:
    _, path = filled
    con = sqlite3.connect(str(path))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(f"DELETE FROM {table}")
    col = con.execute(f"SELECT * FROM {table} LIMIT 1").description[0][0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(f"UPDATE {table} SET {col} = {col}")
    con.close()


def test_modified_leaf_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    replace_in_leaf(attacker(path), 1, b'"subject_id":"E0001"', b'"subject_id":"E0999"')
    report = led.verify_all()
    assert report.kinds() == {"leaf_modified": ["1"]}
    assert "leaf 1 was modified" in report.problems[0].en


def test_removed_leaves_are_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    con.execute("DELETE FROM ledger_bundles WHERE bundle_index = 1")  # leaves 256..511
    rewrite_bundle(con, 2, lambda entries: entries[:-1])  # drop the last leaf, 599
    kinds = led.verify_all().kinds()
    assert kinds["leaf_removed"] == [str(i) for i in range(256, 512)] + ["599"]


def test_reordered_leaves_are_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    leaf3, leaf300 = led.storage.read_leaf(3), led.storage.read_leaf(300)
    assert leaf3 is not None and leaf300 is not None
    rewrite_bundle(con, 0, lambda e: [*e[:3], leaf300, *e[4:]])
    rewrite_bundle(con, 1, lambda e: [*e[:44], leaf3, *e[45:]])
    report = led.verify_all()
    assert report.kinds()["leaf_reordered"] == ["3", "300"]
    assert any("leaf 3 holds the entry of leaf 300" in p.en for p in report.problems)


def test_modified_interior_node_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    width, blob = con.execute("SELECT width, hashes FROM ledger_tiles WHERE tile_level = 0 AND tile_index = 0 "
                              "ORDER BY width DESC LIMIT 1").fetchone()
    assert width == 256
    off = 256 * 32 + 5 * 32  # row 1 (level 1), position 5
    forged = blob[:off] + bytes([blob[off] ^ 1]) + blob[off + 1 :]
    con.execute("UPDATE ledger_tiles SET hashes = ? WHERE tile_level = 0 AND tile_index = 0 AND width = 256", (forged,))
    assert led.verify_all().kinds()["node_modified"] == ["1/5"]


def test_removed_tile_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    attacker(path).execute("DELETE FROM ledger_tiles WHERE tile_level = 0 AND tile_index = 1")
    assert "0/1" in led.verify_all().kinds()["tile_removed"]


def test_consistent_forgery_fails_on_signed_checkpoints(filled: tuple[EvidenceLedger, Path], tmp_path: Path) -> None:
    """Rewrite a leaf and recompute every tile and state: only the signatures can catch it, and they do."""
    led, path = filled
    con = attacker(path)
    datas = [d for _, d in led.storage.read_leaves(0, 600)]
    assert b"E0010" in datas[10]
    datas[10] = datas[10].replace(b"E0010", b"E9999")
    forged = MerkleLog(SqliteStorage(tmp_path / "forged.db"))
    for lo in (0, 200, 400):
        forged.append(datas[lo : lo + 200])
    forged.storage.close()
    con.execute(f"ATTACH DATABASE '{tmp_path / 'forged.db'}' AS f")
    for table in ("ledger_bundles", "ledger_tiles", "ledger_states"):
        con.execute(f"DELETE FROM main.{table}")
        con.execute(f"INSERT INTO main.{table} SELECT * FROM f.{table}")
    con.execute("DETACH DATABASE f")
    report = _fresh_audit(led)
    kinds = report.kinds()
    assert set(kinds) == {"root_mismatch"}
    assert kinds["root_mismatch"] == ["checkpoint@200", "checkpoint@400", "checkpoint@600"]


def test_record_index_tampering_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    con.execute("UPDATE ledger_records SET leaf_index = 5 WHERE record_id = 'ev-000004'")
    kinds = led.verify_all().kinds()
    assert kinds["record_mismatch"] == ["ev-000004"]
    assert kinds["record_missing"] == ["4"]


def test_forged_checkpoint_signature_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    note = con.execute("SELECT note FROM ledger_checkpoints WHERE tree_size = 400").fetchone()[0]
    body, sig = note.rsplit(" ", 1)
    bad = body + " " + ("A" if sig[0] != "A" else "B") + sig[1:]
    con.execute("UPDATE ledger_checkpoints SET note = ? WHERE tree_size = 400", (bad,))
    assert led.verify_all().kinds()["checkpoint_invalid"] == ["400"]


def _fresh_audit(led: EvidenceLedger) -> LedgerVerifyReport:
    """The full audit on a new connection, as ``firmscore ledger verify`` would run it."""
    fresh = EvidenceLedger(SqliteStorage(led.storage.path), led.key_dir, led.kek_dir)  # type: ignore[attr-defined]
    try:
        return fresh.verify_all()
    finally:
        fresh.close()


def test_broken_bundle_framing_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    width, blob = con.execute(
        "SELECT width, entries FROM ledger_bundles WHERE bundle_index = 1 ORDER BY width DESC LIMIT 1"
    ).fetchone()
    con.execute(
        "UPDATE ledger_bundles SET entries = ? WHERE bundle_index = 1 AND width = ?", (b"\xff\xff" + blob[2:], width)
    )
    kinds = led.verify_all().kinds()
    assert kinds["bundle_malformed"] == ["1"]
    assert kinds["leaf_removed"] == [str(i) for i in range(256, 512)]


def test_bundles_round_trip() -> None:
    entries = [b"", b"a", bytes(300), "值".encode()]
    assert split_bundle(join_bundle(entries)) == entries
    for broken in (join_bundle(entries)[:-1], b"\x00\x00\x00"):
        with pytest.raises(BundleError):
            split_bundle(broken)


def test_truncation_is_caught_by_a_trusted_checkpoint(filled: tuple[EvidenceLedger, Path]) -> None:
    """Cutting the last batch with its state and checkpoint leaves a consistent log; a kept note exposes it."""
    led, path = filled
    kept = led.checkpoint().note
    con = attacker(path)
    con.execute("DELETE FROM ledger_bundles WHERE bundle_index = 2 OR (bundle_index = 1 AND width > 144)")
    con.execute("DELETE FROM ledger_tiles WHERE (tile_level = 0 AND tile_index = 2) OR "
                "(tile_level = 0 AND tile_index = 1 AND width > 144)")
    con.execute("DELETE FROM ledger_states WHERE tree_size > 400")
    con.execute("DELETE FROM ledger_checkpoints WHERE tree_size > 400")
    con.execute("DELETE FROM ledger_records WHERE leaf_index >= 400")
    report = _fresh_audit(led)
    assert report.ok and report.tree_size == 400  # nothing inside the database gives it away
    fresh = EvidenceLedger(SqliteStorage(path), led.key_dir, led.kek_dir)
    try:
        kinds = fresh.verify_all(trusted=[kept]).kinds()
    finally:
        fresh.close()
    assert kinds == {"log_truncated": ["trusted@600"]}


def test_altered_or_silently_deleted_sealed_content_is_named(filled: tuple[EvidenceLedger, Path]) -> None:
    led, path = filled
    con = attacker(path)
    (ct,) = con.execute("SELECT ciphertext FROM ledger_sealed_content WHERE record_id = 'ev-000007'").fetchone()
    con.execute("UPDATE ledger_sealed_content SET ciphertext = ? WHERE record_id = 'ev-000007'",
                (ct[:-1] + bytes([ct[-1] ^ 1]),))
    con.execute("DELETE FROM ledger_record_keys WHERE record_id = 'ev-000012'")  # no tombstone
    assert led.verify_all().kinds() == {"commitment_mismatch": ["ev-000007", "ev-000012"]}
