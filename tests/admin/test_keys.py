"""Keys apart from data: envelope encryption of record keys, key separation, rotation, migration of old homes."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from firmscore.admin import rotate_kek, secure_home
from firmscore.config import SECRETS_FILE, KeyMigrationError, Secrets, key_dir
from firmscore.datamodel.pii import FieldCipher
from firmscore.ingest import ingest_paths
from firmscore.ledger import EvidenceLedger
from firmscore.ledger.ledger import LedgerError
from firmscore.ledger.sealing import NONCE_BYTES
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.store import DataHome
from firmscore.store.keys import KEK_FILE, WRAPPED_32, KeyRing, UnwrapError, key_id
from firmscore.store.permissions import harden, loose_modes
from firmscore.store.quarantine import read_quarantine

from .homes import BAD_PERSON_NAME, PERSON_NAME, _planted_records


@pytest.fixture
def planted(tmp_path: Path) -> DataHome:
    """A home holding one person, one rejected person and one lawsuit, all logged (sealed) in the ledger."""
    _planted_records(tmp_path / "in", "91110000MA00000000")
    home = DataHome(tmp_path / "home")
    report = ingest_paths(home, [tmp_path / "in"], source="synth")
    assert (report.total("accepted"), report.total("quarantined")) == (2, 1)
    return home


def _stored_secrets(db: Path) -> list[tuple[str, bytes, bytes, bytes]]:
    con = sqlite3.connect(db)
    try:
        return [(r, bytes(k), bytes(s), bytes(c)) for r, k, s, c in con.execute(
            "SELECT k.record_id, k.record_key, k.salt, c.ciphertext FROM ledger_record_keys k "
            "JOIN ledger_sealed_content c USING (record_id) ORDER BY k.record_id")]
    finally:
        con.close()


def _decrypts(key: bytes, rid: str, ct: bytes) -> bool:
    try:
        AESGCM(key).decrypt(ct[:NONCE_BYTES], ct[NONCE_BYTES:], rid.encode())
        return True
    except InvalidTag:
        return False


def test_wrapped_secrets_are_bound_to_their_record_purpose_and_kek(tmp_path: Path) -> None:
    ring = KeyRing.load_or_create(tmp_path / "k")
    assert oct((tmp_path / "k" / KEK_FILE).stat().st_mode & 0o777) == "0o600"
    secret = os.urandom(32)
    blob = ring.wrap("record_key", "r1", secret)
    assert len(blob) == WRAPPED_32 and secret not in blob and blob[1:5] == key_id(ring.current)
    assert ring.unwrap("record_key", "r1", blob) == secret
    assert ring.wrap_many("record_key", ["r1"], [secret])[0] != blob  # fresh nonce each time
    with pytest.raises(UnwrapError, match="fails authentication"):
        ring.unwrap("record_key", "r2", blob)  # moved to another record
    with pytest.raises(UnwrapError, match="fails authentication"):
        ring.unwrap("salt", "r1", blob)  # used for another purpose
    with pytest.raises(UnwrapError, match="not in the key folder"):
        KeyRing.load_or_create(tmp_path / "other").unwrap("record_key", "r1", blob)
    assert KeyRing.load_or_create(tmp_path / "k") == ring  # reloaded, same key


def test_rotation_keeps_old_keys_until_retired(tmp_path: Path) -> None:
    ring = KeyRing.load_or_create(tmp_path)
    old = ring.wrap("salt", "r", b"s" * 32)
    rotated = ring.rotate()
    assert rotated.current != ring.current and rotated.needs_rewrap(old)
    assert rotated.unwrap("salt", "r", old) == b"s" * 32
    assert KeyRing.load_or_create(tmp_path) == rotated
    retired = rotated.retire()
    with pytest.raises(UnwrapError):
        retired.unwrap("salt", "r", old)
    assert not retired.needs_rewrap(retired.wrap("salt", "r", b"s" * 32))


def test_a_copy_of_ledger_db_alone_decrypts_nothing(planted: DataHome, tmp_path: Path) -> None:
    db = planted.root / "ledger" / "ledger.db"
    stored = _stored_secrets(db)
    assert len(stored) == 2  # the person and the lawsuit are sealed
    with EvidenceLedger.for_home(planted) as led:
        real = {rid: led.keys.unwrap("record_key", rid, k) for rid, k, _, _ in stored}
        assert all(led.lookup(rid).content is not None for rid in real)
        led.storage.shred_freed_pages()
    for rid, k, s, ct in stored:
        assert len(k) == len(s) == WRAPPED_32
        assert _decrypts(real[rid], rid, ct)  # the true key does decrypt: the check below can tell
        # no 32-byte window of anything stored for the record is a key that opens its ciphertext
        for blob in (k, s, ct):
            assert not any(_decrypts(blob[i:i + 32], rid, ct) for i in range(len(blob) - 31))
        assert real[rid] not in db.read_bytes()
    # the thief's copy, opened with whatever key folder they have, yields no content and fails its audit
    (tmp_path / "stolen").mkdir()
    shutil.copy(db, tmp_path / "stolen" / "ledger.db")
    with EvidenceLedger.connect(f"sqlite:///{tmp_path / 'stolen' / 'ledger.db'}") as stolen:
        for rid, *_ in stored:
            with pytest.raises(LedgerError, match="cannot be unwrapped"):
                stolen.lookup(rid)
        kinds = stolen.verify_all().kinds()  # (its checkpoints fail too: the signing key is not in the copy)
        assert sorted(kinds["commitment_mismatch"]) == sorted(rid for rid, *_ in stored)


def test_the_parquet_files_alone_decrypt_nothing(planted: DataHome, tmp_path: Path) -> None:
    secrets = planted.secrets()
    ring = KeyRing.load_or_create(key_dir(planted.root))
    every_key = [secrets.hmac_key, secrets.data_key, ring.current]
    home_bytes = b"".join(p.read_bytes() for p in planted.root.rglob("*") if p.is_file())
    for key in every_key:
        assert key not in home_bytes and base64.b64encode(key) not in home_bytes
    assert not any(p.name in {SECRETS_FILE, KEK_FILE} for p in planted.root.rglob("*"))
    person = pq.read_table(planted.parquet_files("person")[0]).to_pylist()[0]
    context = f"name_enc:{person['person_id']}"
    assert FieldCipher(secrets.data_key).decrypt(person["name_enc"], context) == PERSON_NAME
    with pytest.raises(InvalidTag):
        FieldCipher(os.urandom(32)).decrypt(person["name_enc"], context)


def test_rotating_the_kek_rewraps_every_record_and_destroys_the_old_kek(planted: DataHome, tmp_path: Path) -> None:
    db = planted.root / "ledger" / "ledger.db"
    before = _stored_secrets(db)
    old_kek = KeyRing.load_or_create(key_dir(planted.root)).current
    shutil.copy(db, tmp_path / "before-rotation.db")
    assert rotate_kek(planted) == 2
    ring = KeyRing.load_or_create(key_dir(planted.root))
    assert ring.current != old_kek and ring.retired == ()
    assert old_kek not in (key_dir(planted.root) / KEK_FILE).read_bytes()
    after = _stored_secrets(db)
    assert [r for r, *_ in after] == [r for r, *_ in before]
    assert all(a[1][1:5] == key_id(ring.current) and a[1] != b[1] for a, b in zip(after, before, strict=True))
    with EvidenceLedger.for_home(planted) as led:
        assert all(led.lookup(r).content is not None for r, *_ in after)
        assert led.verify_all().ok
    # a copy of the database taken before the rotation no longer opens with the key folder
    stale = EvidenceLedger(SqliteStorage(tmp_path / "before-rotation.db"), tmp_path / "ckeys",
                           kek_dir=key_dir(planted.root))
    with stale, pytest.raises(LedgerError, match="not in the key folder"):
        stale.lookup(before[0][0])


def test_an_older_home_is_migrated(planted: DataHome) -> None:
    """secrets.json inside the home, record keys in clear, quarantine raw in clear, 0644 files: all fixed."""
    kd = key_dir(planted.root)
    cipher = FieldCipher(planted.secrets().data_key)
    qfile = next(planted.quarantine_dir.glob("*.parquet"))
    pq.write_table(pa.Table.from_pylist(read_quarantine(planted.quarantine_dir, cipher)), qfile)  # raw in clear
    assert BAD_PERSON_NAME.encode() in qfile.read_bytes()
    (planted.root / SECRETS_FILE).write_bytes((kd / SECRETS_FILE).read_bytes())  # the old layout
    (kd / SECRETS_FILE).unlink()
    db = planted.root / "ledger" / "ledger.db"
    with EvidenceLedger.for_home(planted) as led:
        clear = [(r, led.keys.unwrap("record_key", r, k), led.keys.unwrap("salt", r, s))
                 for r, k, s, _ in _stored_secrets(db)]
    con = sqlite3.connect(db, isolation_level=None)
    for rid, k, s in clear:  # the key table refuses UPDATE; an old version wrote keys in clear
        con.execute("DELETE FROM ledger_record_keys WHERE record_id = ?", (rid,))
        con.execute("INSERT INTO ledger_record_keys VALUES (?, ?, ?)", (rid, k, s))
    con.close()
    os.chmod(qfile, 0o644)
    assert loose_modes(planted.root)
    report = secure_home(planted)
    assert report.secrets_moved and report.keys_wrapped == 2 and report.quarantine_files_sealed == 1
    assert not (planted.root / SECRETS_FILE).exists() and (kd / SECRETS_FILE).exists()
    assert loose_modes(planted.root) == [] and harden(planted.root) == 0
    assert all(len(k) == len(s) == WRAPPED_32 for _, k, s, _ in _stored_secrets(db))
    assert BAD_PERSON_NAME.encode() not in qfile.read_bytes()
    assert "raw_sealed" in pq.read_table(qfile).column_names and "raw" not in pq.read_table(qfile).column_names
    shown = read_quarantine(planted.quarantine_dir, FieldCipher(planted.secrets().data_key))
    assert BAD_PERSON_NAME in shown[0]["raw"]
    with EvidenceLedger.for_home(planted) as led:
        assert all(led.lookup(r).content is not None for r, _, _ in clear) and led.verify_all().ok


def test_two_different_secrets_files_are_not_silently_merged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    Secrets.for_home(home)  # creates the key folder's secrets.json
    (home / SECRETS_FILE).write_text(json.dumps({
        "hmac_key": base64.b64encode(os.urandom(32)).decode(), "data_key": base64.b64encode(os.urandom(32)).decode()}))
    with pytest.raises(KeyMigrationError, match="hold different keys"):
        Secrets.for_home(home)
