"""The evidence ledger: every accepted record is a leaf of a signed, append-only Merkle log.

:class:`EvidenceLedger` is the integration API the ingestion stage calls. It turns canonical
records into leaves (:mod:`~firmscore.ledger.encoding`), seals personal and negative records
(:mod:`~firmscore.ledger.sealing`), appends them in one transaction together with their record-id
index (:mod:`~firmscore.ledger.log`), signs a checkpoint for every batch
(:mod:`~firmscore.ledger.checkpoint`), and answers proofs, look-ups and erasures.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import rfc8785

from firmscore.config import default_home
from firmscore.config import key_dir as config_key_dir
from firmscore.datamodel import RecordType
from firmscore.i18n import both
from firmscore.ledger import messages as _messages  # noqa: F401  (registers the ledger's messages)
from firmscore.ledger.audit import LedgerVerifyReport, Progress, audit_log, check_trusted
from firmscore.ledger.checkpoint import CheckpointSigner, Keyring, NoteVerifier, SignedCheckpoint, parse_checkpoint
from firmscore.ledger.cosignature import add_signature_lines
from firmscore.ledger.encoding import commitment, commitment_leaf, encode_table, record_id_marker
from firmscore.ledger.evidence import ConsistencyEvidence, Erasure, LookupResult, RecordProof
from firmscore.ledger.keys import PUBLIC_FILE, Say, load_keyring, load_signer, migrate_from_home
from firmscore.ledger.log import MerkleLog, utc_now
from firmscore.ledger.sealing import seal, unseal
from firmscore.ledger.storage import open_storage
from firmscore.ledger.storage.base import RecordRow, SqlStorage
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.ledger.witnessing import Witness, WitnessError, cosign_checkpoint, fetch_witnessed, load_witnesses
from firmscore.store.home import DataHome
from firmscore.store.keys import KeyRing, UnwrapError

LEDGER_FILE = "ledger.db"


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


class LedgerError(LookupError):
    """A request the ledger cannot answer (unknown record, record not sealed, size out of range)."""

    def __init__(self, key: str, **kwargs: object) -> None:
        self.zh, self.en = both(key, **kwargs)
        super().__init__(f"{self.zh} / {self.en}")


PREPARED_SCHEMA = pa.schema([
    pa.field("record_id", pa.string(), nullable=False),
    pa.field("leaf", pa.binary(), nullable=False),
    pa.field("record_key", pa.binary()),
    pa.field("salt", pa.binary()),
    pa.field("ciphertext", pa.binary()),
])


@dataclass(frozen=True)
class PreparedLeaves:
    """The leaves of a table's rows, built but not yet logged (see :func:`prepare_leaves`).

    One row per input row (``PREPARED_SCHEMA``): the record id, the leaf bytes (the canonical record,
    or the commitment leaf of a sealed one) and, for a sealed record, its fresh key, salt and
    ciphertext. An Arrow table, so that it crosses process boundaries cheaply.
    """

    record_type: str
    table: pa.Table


def prepare_leaves(record_type: str, table: pa.Table) -> PreparedLeaves:
    """Encode and seal the rows of ``table``: the CPU-bound part of logging, free of ledger state.

    Ingestion runs this in its worker processes, in parallel, and hands the results in order to
    :meth:`EvidenceLedger.append_prepared`, which only appends and indexes.
    """
    try:
        rt = RecordType(record_type).value
    except ValueError as exc:
        raise ValueError(f"unknown record type {record_type!r}") from exc
    batch = encode_table(rt, table)
    leaves: list[bytes] = []
    keys: list[bytes | None] = []
    salts: list[bytes | None] = []
    cts: list[bytes | None] = []
    for rid, canonical, sealed in zip(batch.record_ids, batch.canonical, batch.sealed, strict=True):
        if sealed:
            s = seal(rid, canonical)
            leaves.append(commitment_leaf(rt, rid, s.commitment))
            keys.append(s.key)
            salts.append(s.salt)
            cts.append(s.ciphertext)
        else:
            leaves.append(canonical)
            keys.append(None)
            salts.append(None)
            cts.append(None)
    arrays = [pa.array(batch.record_ids, pa.string()), pa.array(leaves, pa.binary()), pa.array(keys, pa.binary()),
              pa.array(salts, pa.binary()), pa.array(cts, pa.binary())]
    return PreparedLeaves(rt, pa.Table.from_arrays(arrays, schema=PREPARED_SCHEMA))


def _lines_of(note: str, name: str) -> str:
    """The signature lines of ``name`` in a note."""
    sigs = note.split("\n\n", 1)[1] if "\n\n" in note else ""
    return "".join(line + "\n" for line in sigs.splitlines() if line.split(" ")[1:2] == [name])


@dataclass(frozen=True, kw_only=True)
class WitnessedCheckpoint:
    """The current checkpoint with the cosignatures the configured witnesses gave it."""

    checkpoint: SignedCheckpoint
    note: str
    cosigners: list[str]
    refused: list[tuple[str, str]]


def erased_in_home(home: DataHome) -> set[str]:
    """Record ids the home's ledger holds tombstones for (empty when the home has no ledger).

    Needs no key (tombstones are record ids), so that an ingestion without the ledger still refuses to
    store an erased record again; it only reads, the schema being there already.
    """
    path = home.root / "ledger" / LEDGER_FILE
    if not path.exists():
        return set()
    storage = SqliteStorage(path)
    try:
        return storage.erased_record_ids()
    finally:
        storage.close()


class EvidenceLedger:
    """Signed Merkle log of canonical records, with proofs, look-ups and crypto-shredding.

    Parameters
    ----------
    storage:
        The database holding the log (see :func:`firmscore.ledger.storage.open_storage`).
    key_dir:
        Folder of the checkpoint signing key and published keyring (:mod:`~firmscore.ledger.keys`),
        outside the data home; created on first use unless ``create_key`` is false.
    kek_dir:
        Folder of the key-encryption keys that wrap every sealed record's key and salt
        (:class:`~firmscore.store.keys.KeyRing`; default ``key_dir``). Never the database's folder:
        a copy of the database alone must decrypt nothing.
    """

    def __init__(
        self, storage: SqlStorage, key_dir: Path, kek_dir: Path | None = None, *, create_key: bool = True
    ) -> None:
        self.storage = storage
        self.key_dir = Path(key_dir)
        self._signer = load_signer(self.key_dir) if create_key else None
        self.kek_dir = Path(kek_dir) if kek_dir is not None else self.key_dir
        self.keys = KeyRing.load_or_create(self.kek_dir)
        self.log = MerkleLog(storage)

    # ------------------------------------------------------------------ opening
    @classmethod
    def for_home(cls, home: DataHome, *, create_key: bool = True, say: Say | None = None) -> EvidenceLedger:
        """The ledger of a data home: SQLite file under ``<home>/ledger/``; signing key, keyring and
        key-encryption keys in its key folder (:func:`firmscore.config.key_dir`), outside the home.

        A signing key that an older version kept in ``<home>/ledger/`` is moved out first, with a message.
        """
        folder = home.subdir("ledger")
        keys = config_key_dir(home.root)
        migrate_from_home(folder, keys, say or _warn)
        return cls(SqliteStorage(folder / LEDGER_FILE), keys, kek_dir=keys, create_key=create_key)

    @classmethod
    def connect(cls, url: str, key_dir: Path | str | None = None) -> EvidenceLedger:
        """A ledger at ``sqlite:///path`` or ``postgresql://...`` (``?schema=NAME`` for its own schema).

        Keys (signing key, keyring, key-encryption keys) are in ``key_dir`` when it is given, else in
        :func:`firmscore.config.key_dir` of the SQLite file's folder (``$FIRMSCORE_KEY_DIR`` or
        ``<folder>.keys``, beside it, never in it), else of the default home.
        """
        storage = open_storage(url)
        if key_dir is None:
            base = storage.path.parent if isinstance(storage, SqliteStorage) else default_home()
            key_dir = config_key_dir(base)
        return cls(storage, Path(key_dir), kek_dir=Path(key_dir))

    def close(self) -> None:
        self.storage.close()

    def __enter__(self) -> EvidenceLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ state
    @property
    def size(self) -> int:
        self.log.refresh()
        return self.log.size

    @property
    def signer(self) -> CheckpointSigner:
        """The private key; loaded on first use so that a verifier without it can still audit."""
        if self._signer is None:
            self._signer = load_signer(self.key_dir, create=False)
        return self._signer

    @property
    def keyring(self) -> Keyring:
        """The published keys (``checkpoint.pub`` in the key folder): what every verification uses."""
        ring = load_keyring(self.key_dir)
        if ring is None:
            raise LedgerError("ledger.no_key", path=self.key_dir / PUBLIC_FILE)
        return ring

    @property
    def verifier(self) -> NoteVerifier:
        """The current published key."""
        return self.keyring.current

    def public_key(self) -> str:
        """The published keyring in note verifier-key form (``name+keyhash+base64key``), current key first."""
        return self.keyring.encode().rstrip("\n")

    # ------------------------------------------------------------------ appending
    def append_records(self, record_type: str, table: pa.Table) -> npt.NDArray[np.int64]:
        """Log one leaf per row of ``table`` (keyed by ``record_id``); returns each row's leaf index.

        Rows whose ``record_id`` is already logged (or repeats within the table) get the existing
        leaf index instead of a new leaf, so re-ingesting a batch is harmless. The batch is one
        transaction and is followed by a signed checkpoint in that same transaction.
        """
        return self.append_prepared(prepare_leaves(record_type, table))

    def append_prepared(self, prepared: PreparedLeaves, assume_new: bool = False) -> npt.NDArray[np.int64]:
        """:meth:`append_records` for leaves built beforehand (e.g. in a worker process) by :func:`prepare_leaves`.

        With ``assume_new`` the caller vouches that no record id of the table is logged yet (ingestion
        does on a first load into an empty ledger: its record ids are unique within a batch), which
        skips the look-up of known ids; should one be logged after all, the primary key of the
        record index fails the transaction and nothing is appended.
        """
        rt = prepared.record_type
        t = prepared.table
        ids: list[str] = t.column("record_id").to_pylist()
        leaves: list[bytes] = t.column("leaf").to_pylist()
        keys: list[bytes | None] = t.column("record_key").to_pylist()
        salts: list[bytes | None] = t.column("salt").to_pylist()
        cts: list[bytes | None] = t.column("ciphertext").to_pylist()
        known = {} if assume_new else self.storage.record_leaf_indexes(ids)
        self.storage.end_read()
        by_key = pc.sort_indices(t.column("record_id")).to_pylist()  # stable, in C
        if not known and len(set(ids)) == len(ids):
            # every row is a new leaf, in table order: no per-row bookkeeping
            datas = leaves
            offsets = list(range(len(ids)))
            holds_leaf = [True] * len(ids)
        else:
            offset_of: dict[str, int] = {}
            datas = []
            holds_leaf = []  # the first row of a new record id holds its leaf; repeats point at it
            for rid, leaf in zip(ids, leaves, strict=True):
                new = rid not in known and rid not in offset_of
                holds_leaf.append(new)
                if new:
                    offset_of[rid] = len(datas)
                    datas.append(leaf)
            offsets = [-1 if rid in known else offset_of[rid] for rid in ids]

        def write_index(first: int, new_size: int, new_root: bytes) -> None:
            # in key order: B-tree inserts into the record-id index are then sequential (several times faster)
            order = [i for i in by_key if holds_leaf[i]]
            record_rows: list[RecordRow] = [
                (ids[i], first + offsets[i], rt, 0 if keys[i] is None else 1) for i in order
            ]
            self.storage.insert_records(record_rows)
            sealed = [i for i in order if keys[i] is not None]
            if sealed:
                sids = [ids[i] for i in sealed]
                # envelope encryption: the database holds each record's key and salt wrapped by the KEK only
                wrapped_keys = self.keys.wrap_many("record_key", sids, [keys[i] for i in sealed])
                wrapped_salts = self.keys.wrap_many("salt", sids, [salts[i] for i in sealed])
                self.storage.insert_sealed([
                    (rid, k, sa, cts[i])
                    for rid, k, sa, i in zip(sids, wrapped_keys, wrapped_salts, sealed, strict=True)
                ])
            cp = self.signer.sign(new_size, new_root)
            self.storage.insert_checkpoint(new_size, cp.note, utc_now())

        first = self.log.append(datas, before_commit=write_index) if datas else self.log.size
        return np.asarray([known[rid] if o < 0 else first + o for rid, o in zip(ids, offsets, strict=True)],
                          dtype=np.int64)

    def append_statements(self, kind: str, records: Sequence[dict[str, Any]]) -> npt.NDArray[np.int64]:
        """Log documents the platform itself issues (e.g. ``kind="score"``): one clear leaf each, one batch.

        Each document needs a ``record_id``; the leaf is ``RFC8785({"v": 1, "type": kind, "record": doc})``,
        the shape of a record leaf, so the audit's record-index check covers them too. ``kind`` must not
        be a record type.
        """
        if kind in {rt.value for rt in RecordType}:
            raise ValueError(f"{kind!r} is a record type, not a statement kind")
        ids = [str(r["record_id"]) for r in records]
        leaves = [rfc8785.dumps({"v": 1, "type": kind, "record": r}) for r in records]
        none: list[bytes | None] = [None] * len(ids)
        table = pa.Table.from_arrays(
            [pa.array(ids, pa.string()), pa.array(leaves, pa.binary()), pa.array(none, pa.binary()),
             pa.array(none, pa.binary()), pa.array(none, pa.binary())], schema=PREPARED_SCHEMA)
        return self.append_prepared(PreparedLeaves(kind, table))

    def read_leaf(self, index: int) -> bytes | None:
        """The bytes of leaf ``index`` as stored (``None`` when missing)."""
        got = self.storage.read_leaf(index)
        self.storage.end_read()
        return got

    def prove_leaf(self, index: int, tree_size: int) -> list[bytes]:
        """Inclusion proof of leaf ``index`` in the tree of ``tree_size`` (by position, not via the record index)."""
        self.log.refresh()
        if not 0 <= index < tree_size <= self.log.size:
            raise ValueError(f"leaf {index} is not in a tree of size {tree_size} (log size {self.log.size})")
        return self.log.inclusion_proof(index, tree_size)

    # ------------------------------------------------------------------ checkpoints and proofs
    def checkpoint(self, tree_size: int | None = None) -> SignedCheckpoint:
        """The signed checkpoint of the current (or a past) tree size, issuing it if needed."""
        self.log.refresh()
        size = self.log.size if tree_size is None else tree_size
        stored = self.storage.read_checkpoint(size)
        self.storage.end_read()
        if stored is not None:
            origin, n, root, _ = parse_checkpoint(stored[1])
            return SignedCheckpoint(origin, n, root, stored[1])
        cp = self.signer.sign(size, self.log.root_at(size))
        if size == self.log.size and size > 0:
            with self.storage.transaction():
                if self.storage.read_checkpoint(size) is None:
                    self.storage.insert_checkpoint(size, cp.note, utc_now())
        return cp

    def leaf_indexes(self, record_ids: Sequence[str]) -> dict[str, int]:
        """Leaf index of each logged record id (ids not in the ledger are left out)."""
        got = self.storage.record_leaf_indexes(list(record_ids))
        self.storage.end_read()
        return got

    def _record(self, record_id: str) -> RecordRow:
        row = self.storage.read_record(record_id)
        if row is None:
            self.storage.end_read()
            raise LedgerError("ledger.not_found", record_id=record_id)
        return row

    def _erasure(self, record_id: str) -> Erasure | None:
        tomb = self.storage.read_tombstone(record_id)
        if tomb is None:
            return None
        rule, on = tomb
        zh, en = both("ledger.erased", date=on, rule=rule)
        return Erasure(rule, on, zh, en)

    def prove(self, record_id: str, tree_size: int | None = None) -> RecordProof:
        """Inclusion proof of a record's leaf with the signed checkpoint it verifies against."""
        rid, index, rt, sealed = self._record(record_id)
        self.log.refresh()
        size = self.log.size if tree_size is None else tree_size
        if not index < size <= self.log.size:
            raise ValueError(f"record {record_id} (leaf {index}) is not in a tree of size {size}")
        leaf = self.storage.read_leaf(index)
        erasure = self._erasure(rid)
        self.storage.end_read()
        if leaf is None:
            raise LedgerError("ledger.not_found", record_id=record_id)
        path = self.log.inclusion_proof(index, size)
        return RecordProof(rid, rt, index, leaf, path, self.checkpoint(size), bool(sealed), erasure)

    def consistency(self, old_size: int, new_size: int | None = None) -> ConsistencyEvidence:
        """Proof that the log at ``old_size`` is a prefix of the log at ``new_size`` (default: now)."""
        self.log.refresh()
        new = self.log.size if new_size is None else new_size
        path = self.log.consistency_proof(old_size, new)
        return ConsistencyEvidence(old_size, new, self.log.root_at(old_size), self.log.root_at(new), path)

    # ------------------------------------------------------------------ look-up and erasure
    def lookup(self, record_id: str) -> LookupResult:
        """A record's content with its proof, or "erased on DATE under RULE" with its proof."""
        proof = self.prove(record_id)
        if proof.erasure is not None:
            return LookupResult(record_id, proof.record_type, proof, None, proof.erasure)
        if not proof.sealed:
            return LookupResult(record_id, proof.record_type, proof, json.loads(proof.leaf_data)["record"])
        secret = self.storage.read_sealed(record_id)
        self.storage.end_read()
        if secret is None:
            raise LedgerError("ledger.commitment_mismatch", record_id=record_id)
        try:
            key, salt, ct = self._unwrap(record_id, secret)
        except UnwrapError as exc:
            raise LedgerError("ledger.key_unavailable", record_id=record_id, detail=exc) from exc
        canonical = unseal(record_id, key, ct)
        if json.loads(proof.leaf_data)["commitment"] != commitment(salt, canonical):
            raise LedgerError("ledger.commitment_mismatch", record_id=record_id)
        return LookupResult(record_id, proof.record_type, proof, json.loads(canonical)["record"])

    def _unwrap(self, record_id: str, secret: tuple[bytes, bytes, bytes]) -> tuple[bytes, bytes, bytes]:
        """A sealed record's (key, salt, ciphertext) with key and salt unwrapped by the KEK."""
        key, salt, ct = secret
        return self.keys.unwrap("record_key", record_id, key), self.keys.unwrap("salt", record_id, salt), ct

    def erase(self, record_id: str, rule: str, on_date: date | str) -> Erasure:
        """Crypto-shred a sealed record: destroy its key, salt and ciphertext and record a tombstone.

        The leaf (a salted commitment) stays, so the log and every checkpoint still verify, but no
        one can recover or even confirm a guess of the content any more. Deleted rows are
        overwritten with zeros (SQLite ``secure_delete``) and the WAL is folded in and truncated, so
        the database files keep no copy. Erasing twice returns the first erasure. (The record's
        copies in the data home are removed by :func:`firmscore.ledger.erasure.erase_record`.)
        """
        _, _, _, sealed = self._record(record_id)
        if not sealed:
            self.storage.end_read()
            raise LedgerError("ledger.not_sealed", record_id=record_id)
        done = self._erasure(record_id)
        self.storage.end_read()
        if done is not None:
            return done
        on = on_date.isoformat() if isinstance(on_date, date) else date.fromisoformat(on_date).isoformat()
        with self.storage.transaction():
            self.storage.delete_sealed(record_id)
            self.storage.insert_tombstone(record_id, rule, on, utc_now())
        self.storage.shred_freed_pages()
        erasure = self._erasure(record_id)
        self.storage.end_read()
        assert erasure is not None
        return erasure

    # ------------------------------------------------------------------ witnesses
    @property
    def witnesses(self) -> list[Witness]:
        """The witnesses configured in the key folder (``witnesses.json``)."""
        return load_witnesses(self.key_dir)

    def witness(self) -> WitnessedCheckpoint:
        """Submit the current checkpoint to every configured witness; the note with every cosignature.

        A witness that refuses or cannot be reached is reported in ``refused`` (the note then lacks
        its cosignature); nothing is retried later automatically.
        """
        cp = self.checkpoint()
        note, cosigners, refused = cp.note, [], []
        for w in self.witnesses:
            try:
                got = cosign_checkpoint(self, w)
            except WitnessError as exc:
                refused.append((w.name, str(exc)))
                continue
            note = add_signature_lines(note, _lines_of(got, w.name))
            cosigners.append(w.name)
        return WitnessedCheckpoint(checkpoint=cp, note=note, cosigners=cosigners, refused=refused)

    def cosigned_checkpoint(self) -> str | None:
        """The newest checkpoint any witness cosigned, with every cosignature kept for that size."""
        rows = self.storage.iter_cosigned()
        self.storage.end_read()
        if not rows:
            return None
        size = rows[-1][0]
        at = [(w, n) for s, w, n in rows if s == size]
        note = at[0][1]
        for w, n in at[1:]:
            note = add_signature_lines(note, _lines_of(n, w))
        return note

    def rewrap_keys(self, progress: Progress | None = None) -> int:
        """Re-wrap every stored record key and salt under the current KEK (after :meth:`KeyRing.rotate`).

        Also wraps secrets stored in clear by versions before envelope encryption. Returns how many
        records were re-wrapped; afterwards :meth:`KeyRing.retire` may forget the old KEKs.
        """
        done, after, page = 0, "", 10_000
        while True:
            rows = self.storage.record_keys_after(after, page)
            self.storage.end_read()
            if not rows:
                break
            after = rows[-1][0]
            stale = [(rid, k, s) for rid, k, s in rows if self.keys.needs_rewrap(k) or self.keys.needs_rewrap(s)]
            if stale:
                rids = [r for r, _, _ in stale]
                plain_keys = [self.keys.unwrap("record_key", r, k) for r, k, _ in stale]
                plain_salts = [self.keys.unwrap("salt", r, s) for r, _, s in stale]
                new = list(zip(rids, self.keys.wrap_many("record_key", rids, plain_keys),
                               self.keys.wrap_many("salt", rids, plain_salts), strict=True))
                with self.storage.transaction():
                    self.storage.replace_record_keys(new)
                done += len(new)
            if progress:
                progress(len(rows))
        self.storage.shred_freed_pages()
        return done

    # ------------------------------------------------------------------ verification
    def verify_all(
        self, progress: Progress | None = None, trusted: Sequence[str] = (), *, ask_witnesses: bool = True
    ) -> LedgerVerifyReport:
        """Re-hash the whole store and name every leaf, node, root, checkpoint or record entry that is wrong.

        ``trusted`` are checkpoint notes kept outside the database (by clients, score receipts);
        with ``ask_witnesses`` every checkpoint each configured witness cosigned is fetched from it.
        The stored log must extend each of them (a consistency proof from its size to the current
        tree), which catches truncation, forks and rewrites even when every local checkpoint was
        deleted and the database re-signed.
        """
        ring = self.keyring
        report = audit_log(self.storage, ring, progress)
        for note in trusted:
            check_trusted(self.storage, ring, note, report)
        for _size, name, note in self.storage.iter_cosigned():
            check_trusted(self.storage, ring, note, report, source=f"cosigned:{name}")
        if ask_witnesses:
            for w in self.witnesses:
                report.witnesses.append(w.name)
                try:
                    notes = fetch_witnessed(w, ring.name)
                except WitnessError as exc:
                    report.add("witness_unreachable", w.name, "ledger.witness_unreachable", witness=w.name,
                               detail=str(exc))
                    continue
                for note in notes:
                    check_trusted(self.storage, ring, note, report, source=w.name, cosigner=w.key)
        self._check_records(report)
        self.storage.end_read()
        return report

    def _check_records(self, report: LedgerVerifyReport) -> None:
        """Every leaf has a record-id entry that names it; sealed content matches its commitment."""
        chunk = 65536
        for lo in range(0, report.tree_size, chunk):
            hi = min(lo + chunk, report.tree_size)
            leaves = dict(self.storage.read_leaves(lo, hi))
            secrets = self.storage.sealed_between(lo, hi)
            erased = self.storage.tombstoned_between(lo, hi) if None in secrets.values() else set()
            seen: set[int] = set()
            for rid, index, _, sealed in self.storage.records_between(lo, hi):
                seen.add(index)
                report.records_checked += 1
                leaf = leaves.get(index)
                if leaf is None:
                    continue  # already reported as a removed leaf
                if record_id_marker(rid) not in leaf:
                    report.add("record_mismatch", rid, "ledger.record_mismatch", record_id=rid, index=index)
                elif sealed and not self._sealed_ok(rid, leaf, secrets.get(rid), rid in erased):
                    report.add("commitment_mismatch", rid, "ledger.commitment_mismatch", record_id=rid)
            for index in sorted(set(leaves) - seen):
                report.add("record_missing", str(index), "ledger.record_missing", index=index)

    def _sealed_ok(self, rid: str, leaf: bytes, secret: tuple[bytes, bytes, bytes] | None, erased: bool) -> bool:
        """Sealed content decrypts and matches the leaf's commitment, or was erased with a tombstone."""
        if secret is None:
            return erased
        try:
            key, salt, ct = self._unwrap(rid, secret)
            return bool(json.loads(leaf)["commitment"] == commitment(salt, unseal(rid, key, ct)))
        except Exception:  # an altered ciphertext fails authentication; a broken leaf fails to parse
            return False
