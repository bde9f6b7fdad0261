"""The integration API: leaf encoding, sealing and erasure, checkpoints, proofs and look-ups."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import rfc8785

from firmscore.config import key_dir
from firmscore.ledger import (
    CheckpointError,
    EvidenceLedger,
    LedgerError,
    NoteVerifier,
    ProofError,
    hash_leaf,
    prepare_leaves,
    verify_checkpoint,
)
from firmscore.ledger.encoding import EncodingError
from firmscore.store import DataHome

from .conftest import event_table, person_table


def test_append_returns_leaf_indexes_and_is_idempotent(ledger: EvidenceLedger) -> None:
    first = ledger.append_records("event", event_table(["invoice_out", "tax_payment", "loan"]))
    assert first.dtype == np.int64 and first.tolist() == [0, 1, 2]
    again = ledger.append_records("event", event_table(["invoice_out", "tax_payment", "loan", "loan"]))
    assert again.tolist() == [0, 1, 2, 3]  # known ids keep their leaf, the new one gets the next
    assert ledger.size == 4
    assert ledger.leaf_indexes(["ev-000002", "ev-000003", "nope"]) == {"ev-000002": 2, "ev-000003": 3}


def test_repeated_ids_within_a_table_share_one_leaf(ledger: EvidenceLedger) -> None:
    table = event_table(["invoice_out", "lawsuit", "loan"])
    twice = pa.concat_tables([table, table.slice(1, 1)])  # the sealed lawsuit twice
    assert ledger.append_records("event", twice).tolist() == [0, 1, 2, 1]
    assert ledger.size == 3 and ledger.lookup("ev-000001").content is not None


def test_prepared_leaves_append_like_records_and_assume_new_is_checked(ledger: EvidenceLedger) -> None:
    table = event_table(["invoice_out", "lawsuit", "loan"])
    prepared = prepare_leaves("event", table)
    assert prepared.table.num_rows == 3 and prepared.table.column("record_key").null_count == 2  # lawsuit sealed
    assert ledger.append_prepared(prepared, assume_new=True).tolist() == [0, 1, 2]
    assert ledger.verify_all().ok and ledger.lookup("ev-000001").content is not None
    again = prepare_leaves("event", event_table(["invoice_out", "lawsuit", "loan", "loan"]))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        ledger.append_prepared(again, assume_new=True)  # the caller's promise was false: nothing is appended
    assert ledger.size == 3
    assert ledger.append_prepared(again).tolist() == [0, 1, 2, 3]
    assert ledger.size == 4 and ledger.verify_all().ok


def test_leaf_is_the_canonical_encoding(ledger: EvidenceLedger) -> None:
    table = event_table(["invoice_out"])
    ledger.append_records("event", table)
    proof = ledger.prove("ev-000000")
    doc = json.loads(proof.leaf_data)
    assert doc["v"] == 1 and doc["type"] == "event"
    rec = doc["record"]
    assert rec["observed_at"] == "2024-01-01T00:00:00.000000Z"
    assert rec["effective_from"] == "2023-01-01"
    assert rec["source_record_id"] == "src-0" and rec["attrs"] == '{"k": "值"}'
    assert "content_hash" not in rec and "batch_id" not in rec
    assert proof.leaf_data == rfc8785.dumps(doc)  # canonical: re-canonicalising changes nothing
    ledger2 = EvidenceLedger.for_home(DataHome(Path(str(ledger.key_dir.parent)) / "other"))
    try:  # the same record logged elsewhere yields the same bytes
        ledger2.append_records("event", table.select(list(reversed(table.column_names))))
        assert ledger2.prove("ev-000000").leaf_data == proof.leaf_data
    finally:
        ledger2.close()


def test_binary_columns_are_base64_and_person_rows_are_sealed(ledger: EvidenceLedger) -> None:
    ledger.append_records("person", person_table(2))
    proof = ledger.prove("pe-000001")
    leaf = json.loads(proof.leaf_data)
    assert set(leaf) == {"v", "type", "record_id", "commitment"} and proof.sealed
    assert b"P000" not in proof.leaf_data  # no content in the log
    content = ledger.lookup("pe-000001").content
    assert content is not None and content["name_enc"] == base64.b64encode(bytes([1]) * 12).decode()


def test_negative_and_personal_events_are_sealed_others_are_not(ledger: EvidenceLedger) -> None:
    ledger.append_records("event", event_table(["lawsuit", "personal_credit", "invoice_out", "dishonest_listing"]))
    sealed = {i: ledger.prove(f"ev-{i:06d}").sealed for i in range(4)}
    assert sealed == {0: True, 1: True, 2: False, 3: True}


def test_erasure_shreds_content_and_keeps_the_log_verifiable(ledger: EvidenceLedger) -> None:
    ledger.append_records("event", event_table(["lawsuit", "invoice_out", "penalty"]))
    before = ledger.lookup("ev-000000")
    assert before.content is not None and before.content["event_type"] == "lawsuit"
    cp_before = ledger.checkpoint()
    erasure = ledger.erase("ev-000000", "征信业管理条例第十六条", "2029-03-01")
    assert erasure.erased_on == "2029-03-01"
    assert ledger.storage.read_sealed("ev-000000") is None  # key, salt and ciphertext are gone
    answer = ledger.lookup("ev-000000")
    assert answer.erased and answer.content is None and answer.erasure is not None
    assert answer.erasure.message_en == "erased on 2029-03-01 under 征信业管理条例第十六条"
    assert answer.erasure.message_zh == "该记录已于 2029-03-01 依据 征信业管理条例第十六条 删除"
    answer.proof.verify(ledger.verifier)  # the inclusion proof of the commitment still holds
    assert ledger.checkpoint() == cp_before  # erasure does not change the tree
    assert ledger.verify_all().ok
    assert ledger.erase("ev-000000", "other", "2030-01-01") == erasure
    with pytest.raises(LedgerError, match="cannot be crypto-shredded"):
        ledger.erase("ev-000001", "rule", "2029-01-01")
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.lookup("missing")


def test_checkpoint_note_format_and_signature(ledger: EvidenceLedger, home: DataHome) -> None:
    ledger.append_records("event", event_table(["invoice_out"] * 5))
    cp = ledger.checkpoint()
    body, sigs = cp.note.split("\n\n")
    origin, size, root = body.split("\n")
    assert origin == ledger.verifier.name and size == "5" and base64.b64decode(root) == ledger.log.root
    assert sigs.startswith("\u2014 " + origin + " ") and sigs.endswith("\n")
    key_hash_and_sig = base64.b64decode(sigs.split(" ")[2])
    assert len(key_hash_and_sig) == 4 + 64 and key_hash_and_sig[:4] == ledger.verifier.key_id
    verifier = NoteVerifier.parse(ledger.public_key())
    assert verify_checkpoint(cp.note, verifier).root == ledger.log.root
    with pytest.raises(CheckpointError):
        verify_checkpoint(cp.note.replace("\n5\n", "\n6\n"), verifier)
    key_file = key_dir(home.root) / "checkpoint.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_file.parent).st_mode) == 0o700
    assert not any(p.name.startswith("checkpoint.") for p in home.root.rglob("*"))  # no key in the home
    reopened = EvidenceLedger.for_home(home)
    try:
        assert reopened.public_key() == ledger.public_key()
    finally:
        reopened.close()


def test_a_checkpoint_is_issued_for_every_batch(ledger: EvidenceLedger) -> None:
    for b in range(3):
        ledger.append_records("event", event_table(["invoice_out"] * 4, start=4 * b))
    sizes = [n for n, _ in ledger.storage.iter_checkpoints()]
    assert sizes == [4, 8, 12]


def test_proofs_at_past_sizes_and_consistency(ledger: EvidenceLedger) -> None:
    ledger.append_records("event", event_table(["invoice_out"] * 300))
    ledger.append_records("event", event_table(["tax_payment"] * 300, start=300))
    old = ledger.prove("ev-000123", tree_size=300)
    assert old.tree_size == 300
    old.verify(ledger.verifier)
    new = ledger.prove("ev-000123")
    new.verify(ledger.verifier)
    evidence = ledger.consistency(300)
    evidence.verify()
    assert evidence.old_root == old.checkpoint.root and evidence.new_root == new.checkpoint.root
    tampered = [*new.path[:-1], bytes(32)]
    with pytest.raises(ProofError):
        type(new)(new.record_id, new.record_type, new.leaf_index, new.leaf_data, tampered, new.checkpoint,
                  new.sealed).verify(ledger.verifier)
    assert hash_leaf(new.leaf_data) == ledger.log.leaf_hash(123)
    with pytest.raises(ValueError):
        ledger.prove("ev-000400", tree_size=300)


def test_bad_input_names_the_problem(ledger: EvidenceLedger) -> None:
    table = event_table(["invoice_out"])
    with pytest.raises(EncodingError, match="required column 'subject_id'"):
        ledger.append_records("event", table.drop_columns(["subject_id"]))
    with pytest.raises(ValueError, match="unknown record type"):
        ledger.append_records("evnt", table)
    blank = table.set_column(table.schema.get_field_index("record_id"), "record_id", pa.array([""]))
    with pytest.raises(EncodingError, match="row 0, field 'record_id'"):
        ledger.append_records("event", blank)


def test_two_writers_on_one_file_stay_consistent(home: DataHome) -> None:
    """Each append takes the write lock and catches up with the other writer's batches first."""
    a, b = EvidenceLedger.for_home(home), EvidenceLedger.for_home(home)
    try:
        for k in range(4):
            writer = a if k % 2 == 0 else b
            got = writer.append_records("event", event_table(["invoice_out"] * 300, start=300 * k))
            assert got.tolist() == list(range(300 * k, 300 * (k + 1)))
        assert a.size == b.size == 1200 and a.log.root == b.log.root
        assert a.verify_all().ok
        a.prove("ev-000950").verify(b.verifier)
    finally:
        a.close()
        b.close()
