"""A witness's own key and state: the logs it trusts and every checkpoint it cosigned, in its own folder.

The folder (``$FIRMSCORE_WITNESS_HOME`` or ``./firmscore-witness``, mode 0700) belongs to the
witness alone — never to the data home it watches — and holds ``witness.key`` (Ed25519, PKCS#8,
0600), ``witness.pub`` (its cosigner verifier key) and ``witness.db`` (SQLite):

* ``log_keys(origin, vkey)``: the published checkpoint keys of each log it witnesses;
* ``cosigned(origin, tree_size, root, note, cosigned_at)``: every checkpoint it cosigned, with its
  cosignature, append-only (the latest row per origin is the state the protocol compares with).

Checking the old size against the latest cosigned checkpoint and storing the new one happen in one
``BEGIN IMMEDIATE`` transaction, so two concurrent requests cannot roll the state back.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmscore.ledger.checkpoint import KeyEntry, Keyring, NoteVerifier
from firmscore.ledger.cosignature import Cosigner

ENV_WITNESS_HOME = "FIRMSCORE_WITNESS_HOME"
DEFAULT_WITNESS_HOME = Path("firmscore-witness")
KEY_FILE, PUB_FILE, DB_FILE = "witness.key", "witness.pub", "witness.db"

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS log_keys (origin TEXT NOT NULL, vkey TEXT NOT NULL, PRIMARY KEY (origin, vkey))",
    "CREATE TABLE IF NOT EXISTS cosigned (origin TEXT NOT NULL, tree_size INTEGER NOT NULL, root BLOB NOT NULL, "
    "note TEXT NOT NULL, cosigned_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cosigned_by_origin ON cosigned (origin, tree_size)",
    "CREATE TRIGGER IF NOT EXISTS cosigned_no_update BEFORE UPDATE ON cosigned "
    "BEGIN SELECT RAISE(ABORT, 'cosigned is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS cosigned_no_delete BEFORE DELETE ON cosigned "
    "BEGIN SELECT RAISE(ABORT, 'cosigned is append-only'); END",
]


def default_witness_home() -> Path:
    return Path(os.environ.get(ENV_WITNESS_HOME, str(DEFAULT_WITNESS_HOME)))


@dataclass(frozen=True)
class Latest:
    """The latest checkpoint a witness cosigned for one origin."""

    size: int
    root: bytes


class WitnessState:
    """Key and SQLite state of one witness (see the module docstring)."""

    def __init__(self, folder: Path, name: str | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.cosigner = self._load_or_create_key(name)
        self.conn = sqlite3.connect(str(self.folder / DB_FILE), isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")  # a cosigned state must survive power loss
        self.conn.execute("PRAGMA busy_timeout=30000")
        for stmt in _SCHEMA:
            self.conn.execute(stmt)
        os.chmod(self.folder / DB_FILE, 0o600)

    def _load_or_create_key(self, name: str | None) -> Cosigner:
        key_file, pub_file = self.folder / KEY_FILE, self.folder / PUB_FILE
        if key_file.exists():
            private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise ValueError(f"{key_file} is not an Ed25519 private key")
            stored = pub_file.read_text(encoding="utf-8").strip().split("+", 1)[0]
            return Cosigner(stored, private)
        private = Ed25519PrivateKey.generate()
        cosigner = Cosigner(name or f"firmscore.local/witness/{os.urandom(4).hex()}", private)
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        fd = os.open(pub_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(cosigner.verifier.encode() + "\n")
        return cosigner

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------ trusted logs
    def trust_log(self, keyring_text: str) -> list[str]:
        """Trust every key of a published keyring (``firmscore ledger pubkey``); returns the origins."""
        ring = Keyring.parse(keyring_text)
        for e in ring:
            self.conn.execute("INSERT OR IGNORE INTO log_keys (origin, vkey) VALUES (?, ?)",
                              (e.verifier.name, e.verifier.encode()))
        return sorted({e.verifier.name for e in ring})

    def keyring(self, origin: str) -> Keyring | None:
        rows = self.conn.execute("SELECT vkey FROM log_keys WHERE origin = ? ORDER BY vkey", (origin,)).fetchall()
        if not rows:
            return None
        return Keyring(tuple(KeyEntry(NoteVerifier.parse(v)) for (v,) in rows))

    # ------------------------------------------------------------------ cosigned checkpoints
    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """One write transaction: compare-and-store of the latest checkpoint is atomic."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def latest(self, origin: str) -> Latest | None:
        row = self.conn.execute(
            "SELECT tree_size, root FROM cosigned WHERE origin = ? ORDER BY tree_size DESC, rowid DESC LIMIT 1",
            (origin,),
        ).fetchone()
        return Latest(int(row[0]), bytes(row[1])) if row else None

    def record(self, origin: str, size: int, root: bytes, note: str, cosigned_at: int) -> None:
        self.conn.execute("INSERT INTO cosigned (origin, tree_size, root, note, cosigned_at) VALUES (?, ?, ?, ?, ?)",
                          (origin, size, root, note, cosigned_at))

    def history(self, origin: str) -> list[str]:
        """Every checkpoint cosigned for ``origin``, oldest first, each with the log's and our signature."""
        rows = self.conn.execute("SELECT note FROM cosigned WHERE origin = ? ORDER BY tree_size, rowid",
                                 (origin,)).fetchall()
        return [str(n) for (n,) in rows]
