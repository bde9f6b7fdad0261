"""The storage interface of the ledger and its SQL implementation shared by SQLite and PostgreSQL.

Only plain DB-API calls are used, so the two back ends differ in a handful of strings (placeholder,
blob type, trigger syntax) that :class:`SqlStorage` subclasses provide. Every table but the
sealed-content and record-key tables is append-only, enforced by triggers that raise on UPDATE and
DELETE; those two allow DELETE because erasure (crypto-shredding) must be able to destroy them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from firmscore.ledger.bundles import BUNDLE_WIDTH, BundleError, frame, join_bundle, split_bundle

#: Tables whose rows may never change or disappear.
APPEND_ONLY_TABLES: tuple[str, ...] = (
    "ledger_bundles",
    "ledger_tiles",
    "ledger_states",
    "ledger_records",
    "ledger_tombstones",
    "ledger_checkpoints",
)
#: Append-only tables added after the first schema, created on open when an older database lacks them.
ADDED_TABLES: dict[str, str] = {
    "ledger_cosigned": "CREATE TABLE ledger_cosigned (tree_size {i} NOT NULL, witness TEXT NOT NULL, "
    "note TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (tree_size, witness))",
}
#: Tables whose rows may be deleted (erasure) but never updated.
SHREDDABLE_TABLES: tuple[str, ...] = ("ledger_record_keys", "ledger_sealed_content")

TileRow = tuple[int, int, int, bytes]  # tile level, tile index, width, blob
RecordRow = tuple[str, int, str, int]  # record id, leaf index, record type, sealed (0/1)


class LedgerStorage(Protocol):
    """What the Merkle log and the evidence ledger need from a database."""

    def transaction(self) -> Any: ...
    def latest_state(self) -> tuple[int, bytes] | None: ...
    def states(self) -> list[tuple[int, bytes]]: ...
    def insert_state(self, size: int, root: bytes, created_at: str) -> None: ...
    def insert_leaves(self, first_index: int, datas: Sequence[bytes]) -> None: ...
    def read_bundle(self, index: int) -> tuple[int, bytes] | None: ...
    def read_leaf(self, index: int) -> bytes | None: ...
    def read_leaves(self, start: int, end: int) -> list[tuple[int, bytes]]: ...
    def iter_bundles(self) -> Iterator[tuple[int, int, bytes]]: ...
    def count_leaves_from(self, start: int) -> int: ...
    def insert_tiles(self, rows: Sequence[TileRow]) -> None: ...
    def read_tile(self, level: int, index: int) -> tuple[int, bytes] | None: ...
    def iter_tiles(self) -> Iterator[TileRow]: ...
    def insert_records(self, rows: Sequence[RecordRow]) -> None: ...
    def record_leaf_indexes(self, record_ids: Sequence[str]) -> dict[str, int]: ...
    def read_record(self, record_id: str) -> RecordRow | None: ...
    def records_between(self, start: int, end: int) -> list[RecordRow]: ...
    def insert_sealed(self, rows: Sequence[tuple[str, bytes, bytes, bytes]]) -> None: ...
    def read_sealed(self, record_id: str) -> tuple[bytes, bytes, bytes] | None: ...
    def delete_sealed(self, record_id: str) -> None: ...
    def record_keys_after(self, after: str, limit: int) -> list[tuple[str, bytes, bytes]]: ...
    def replace_record_keys(self, rows: Sequence[tuple[str, bytes, bytes]]) -> None: ...
    def shred_freed_pages(self) -> None: ...
    def sealed_between(self, start: int, end: int) -> dict[str, tuple[bytes, bytes, bytes] | None]: ...
    def tombstoned_between(self, start: int, end: int) -> set[str]: ...
    def erased_record_ids(self) -> set[str]: ...
    def insert_tombstone(self, record_id: str, rule: str, erased_on: str, created_at: str) -> None: ...
    def read_tombstone(self, record_id: str) -> tuple[str, str] | None: ...
    def insert_checkpoint(self, size: int, note: str, created_at: str) -> None: ...
    def read_checkpoint(self, size: int | None = None) -> tuple[int, str] | None: ...
    def iter_checkpoints(self) -> Iterator[tuple[int, str]]: ...
    def close(self) -> None: ...


class SqlStorage:
    """DB-API implementation of :class:`LedgerStorage`; subclasses set the dialect strings."""

    placeholder = "?"
    blob_type = "BLOB"
    bigint_type = "INTEGER"

    def __init__(self, connection: Any) -> None:
        self.conn = connection

    # ------------------------------------------------------------------ dialect hooks
    def table_exists(self, name: str) -> bool:
        raise NotImplementedError

    def trigger_statements(
        self, append_only: Sequence[str] = APPEND_ONLY_TABLES, shreddable: Sequence[str] = SHREDDABLE_TABLES
    ) -> list[str]:
        raise NotImplementedError

    def begin(self) -> None:
        """Start a write transaction (SQLite takes the write lock here)."""

    # ------------------------------------------------------------------ schema
    def schema_statements(self) -> list[str]:
        b, i = self.blob_type, self.bigint_type
        return [
            f"CREATE TABLE ledger_bundles (bundle_index {i} NOT NULL, width INTEGER NOT NULL, entries {b} NOT NULL, "
            "PRIMARY KEY (bundle_index, width))",
            f"CREATE TABLE ledger_tiles (tile_level INTEGER NOT NULL, tile_index {i} NOT NULL, "
            f"width INTEGER NOT NULL, hashes {b} NOT NULL, PRIMARY KEY (tile_level, tile_index, width))",
            f"CREATE TABLE ledger_states (tree_size {i} PRIMARY KEY, root {b} NOT NULL, created_at TEXT NOT NULL)",
            f"CREATE TABLE ledger_records (record_id TEXT PRIMARY KEY, leaf_index {i} NOT NULL, "
            "record_type TEXT NOT NULL, sealed INTEGER NOT NULL)",
            "CREATE INDEX ledger_records_by_leaf ON ledger_records (leaf_index)",
            f"CREATE TABLE ledger_record_keys (record_id TEXT PRIMARY KEY, record_key {b} NOT NULL, salt {b} NOT NULL)",
            f"CREATE TABLE ledger_sealed_content (record_id TEXT PRIMARY KEY, ciphertext {b} NOT NULL)",
            "CREATE TABLE ledger_tombstones (record_id TEXT PRIMARY KEY, rule TEXT NOT NULL, "
            "erased_on TEXT NOT NULL, created_at TEXT NOT NULL)",
            f"CREATE TABLE ledger_checkpoints (tree_size {i} PRIMARY KEY, note TEXT NOT NULL, "
            "created_at TEXT NOT NULL)",
        ]

    def create_schema(self) -> None:
        """Create tables and append-only triggers once (idempotent); add tables newer than the database."""
        if not self.table_exists("ledger_bundles"):
            with self.transaction() as cur:
                for stmt in [*self.schema_statements(), *self.trigger_statements()]:
                    cur.execute(stmt)
        for name, create in ADDED_TABLES.items():
            if not self.table_exists(name):
                with self.transaction() as cur:
                    cur.execute(create.format(i=self.bigint_type, b=self.blob_type))
                    for stmt in self.trigger_statements(append_only=(name,), shreddable=()):
                        cur.execute(stmt)

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor inside one transaction: committed on success, rolled back on any error."""
        self.begin()
        cur = self.conn.cursor()
        try:
            yield cur
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        finally:
            cur.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.placeholder) if self.placeholder != "?" else sql

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), params)
            return cur.fetchone()
        finally:
            cur.close()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), params)
            return list(cur.fetchall())
        finally:
            cur.close()

    def _many(self, sql: str, rows: Any) -> None:
        cur = self.conn.cursor()
        try:
            cur.executemany(self._sql(sql), rows)
        finally:
            cur.close()

    def _bulk(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows; back ends with a faster bulk path (PostgreSQL COPY) override this."""
        marks = ", ".join("?" * len(columns))
        self._many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def end_read(self) -> None:
        """Close the implicit read transaction so that later reads see other writers' commits."""
        self.conn.commit()

    # ------------------------------------------------------------------ tree state
    def latest_state(self) -> tuple[int, bytes] | None:
        row = self._one("SELECT tree_size, root FROM ledger_states ORDER BY tree_size DESC LIMIT 1")
        return (int(row[0]), bytes(row[1])) if row else None

    def states(self) -> list[tuple[int, bytes]]:
        rows = self._all("SELECT tree_size, root FROM ledger_states ORDER BY tree_size")
        return [(int(s), bytes(r)) for s, r in rows]

    def insert_state(self, size: int, root: bytes, created_at: str) -> None:
        sql = "INSERT INTO ledger_states (tree_size, root, created_at) VALUES (?, ?, ?)"
        self._many(sql, [(size, root, created_at)])

    # ------------------------------------------------------------------ leaves and tiles
    def insert_leaves(self, first_index: int, datas: Sequence[bytes]) -> None:
        """Store leaves ``first_index ..`` as bundle rows (the open bundle is re-stored at its new width)."""
        framed = frame(datas)
        bundle, offset = divmod(first_index, BUNDLE_WIDTH)
        head = b""
        if offset:
            got = self.read_bundle(bundle)
            if got is None or got[0] < offset:
                raise RuntimeError(f"leaf bundle {bundle} with {offset} entries is missing")
            head = join_bundle(split_bundle(got[1])[:offset])
        rows = []
        pos = 0
        while pos < len(framed):
            take = min(BUNDLE_WIDTH - offset, len(framed) - pos)
            rows.append((bundle, offset + take, head + b"".join(framed[pos : pos + take])))
            pos += take
            bundle, offset, head = bundle + 1, 0, b""
        self._many("INSERT INTO ledger_bundles (bundle_index, width, entries) VALUES (?, ?, ?)", rows)

    def read_bundle(self, index: int) -> tuple[int, bytes] | None:
        """(width, blob) of the widest stored version of leaf bundle ``index``."""
        row = self._one(
            "SELECT width, entries FROM ledger_bundles WHERE bundle_index = ? ORDER BY width DESC LIMIT 1", (index,)
        )
        return (int(row[0]), bytes(row[1])) if row else None

    def read_leaf(self, index: int) -> bytes | None:
        bundle, pos = divmod(index, BUNDLE_WIDTH)
        got = self.read_bundle(bundle)
        if got is None:
            return None
        entries = split_bundle(got[1])
        return entries[pos] if pos < len(entries) else None

    def read_leaves(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """Stored leaves with ``start <= index < end``, in index order (missing ones are left out)."""
        rows = self._all(
            "SELECT bundle_index, width, entries FROM ledger_bundles WHERE bundle_index >= ? AND bundle_index < ? "
            "ORDER BY bundle_index, width",
            (start // BUNDLE_WIDTH, (end + BUNDLE_WIDTH - 1) // BUNDLE_WIDTH),
        )
        widest: dict[int, bytes] = {int(b): bytes(e) for b, _, e in rows}  # later (wider) rows win
        out: list[tuple[int, bytes]] = []
        for b in sorted(widest):
            try:
                entries = split_bundle(widest[b])
            except BundleError:
                continue  # a broken bundle: its leaves are reported as removed
            base = b * BUNDLE_WIDTH
            out.extend((base + i, d) for i, d in enumerate(entries) if start <= base + i < end)
        return out

    def iter_bundles(self) -> Iterator[tuple[int, int, bytes]]:
        """Every stored bundle version, ordered by (bundle index, width)."""
        cur = self.conn.cursor()
        try:
            cur.execute("SELECT bundle_index, width, entries FROM ledger_bundles ORDER BY 1, 2")
            while batch := cur.fetchmany(1024):
                for b, w, e in batch:
                    yield int(b), int(w), bytes(e)
        finally:
            cur.close()

    def count_leaves_from(self, start: int) -> int:
        """How many stored leaves have an index ``>= start`` (leaves beyond the recorded tree)."""
        b, off = divmod(start, BUNDLE_WIDTH)
        row = self._one("SELECT max(width) FROM ledger_bundles WHERE bundle_index = ?", (b,))
        first = max(0, int(row[0]) - off) if row and row[0] is not None else 0
        rest = self._one(
            "SELECT coalesce(sum(w), 0) FROM (SELECT max(width) AS w FROM ledger_bundles WHERE bundle_index > ? "
            "GROUP BY bundle_index) t",
            (b,),
        )
        return first + int(rest[0])

    def insert_tiles(self, rows: Sequence[TileRow]) -> None:
        self._many("INSERT INTO ledger_tiles (tile_level, tile_index, width, hashes) VALUES (?, ?, ?, ?)", rows)

    def read_tile(self, level: int, index: int) -> tuple[int, bytes] | None:
        row = self._one(
            "SELECT width, hashes FROM ledger_tiles WHERE tile_level = ? AND tile_index = ? "
            "ORDER BY width DESC LIMIT 1",
            (level, index),
        )
        return (int(row[0]), bytes(row[1])) if row else None

    def iter_tiles(self) -> Iterator[TileRow]:
        cur = self.conn.cursor()
        try:
            cur.execute("SELECT tile_level, tile_index, width, hashes FROM ledger_tiles ORDER BY 1, 2, 3")
            while batch := cur.fetchmany(4096):
                for lv, ix, w, h in batch:
                    yield int(lv), int(ix), int(w), bytes(h)
        finally:
            cur.close()

    # ------------------------------------------------------------------ records
    def insert_records(self, rows: Sequence[RecordRow]) -> None:
        self._bulk("ledger_records", ("record_id", "leaf_index", "record_type", "sealed"), rows)

    def record_leaf_indexes(self, record_ids: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        ids = sorted(set(record_ids))  # in key order: neighbouring look-ups share index pages
        for lo in range(0, len(ids), 500):
            part = ids[lo : lo + 500]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT record_id, leaf_index FROM ledger_records WHERE record_id IN ({marks})"
            for rid, idx in self._all(sql, part):
                out[str(rid)] = int(idx)
        return out

    def read_record(self, record_id: str) -> RecordRow | None:
        row = self._one(
            "SELECT record_id, leaf_index, record_type, sealed FROM ledger_records WHERE record_id = ?", (record_id,)
        )
        return (str(row[0]), int(row[1]), str(row[2]), int(row[3])) if row else None

    def records_between(self, start: int, end: int) -> list[RecordRow]:
        rows = self._all(
            "SELECT record_id, leaf_index, record_type, sealed FROM ledger_records "
            "WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            (start, end),
        )
        return [(str(r), int(i), str(t), int(s)) for r, i, t, s in rows]

    # ------------------------------------------------------------------ sealed content
    def insert_sealed(self, rows: Sequence[tuple[str, bytes, bytes, bytes]]) -> None:
        """Rows of (record id, record key, salt, ciphertext), split over the key and content tables."""
        self._bulk("ledger_record_keys", ("record_id", "record_key", "salt"), [r[:3] for r in rows])
        self._bulk("ledger_sealed_content", ("record_id", "ciphertext"), [(r[0], r[3]) for r in rows])

    def read_sealed(self, record_id: str) -> tuple[bytes, bytes, bytes] | None:
        row = self._one(
            "SELECT k.record_key, k.salt, c.ciphertext FROM ledger_record_keys k "
            "JOIN ledger_sealed_content c ON c.record_id = k.record_id WHERE k.record_id = ?",
            (record_id,),
        )
        return (bytes(row[0]), bytes(row[1]), bytes(row[2])) if row else None

    def sealed_between(self, start: int, end: int) -> dict[str, tuple[bytes, bytes, bytes] | None]:
        """Secrets of the sealed records on leaves ``[start, end)``; ``None`` where they were destroyed."""
        rows = self._all(
            "SELECT r.record_id, k.record_key, k.salt, c.ciphertext FROM ledger_records r "
            "LEFT JOIN ledger_record_keys k ON k.record_id = r.record_id "
            "LEFT JOIN ledger_sealed_content c ON c.record_id = r.record_id "
            "WHERE r.leaf_index >= ? AND r.leaf_index < ? AND r.sealed = 1",
            (start, end),
        )
        return {
            str(rid): (bytes(k), bytes(salt), bytes(ct)) if k is not None and ct is not None else None
            for rid, k, salt, ct in rows
        }

    def tombstoned_between(self, start: int, end: int) -> set[str]:
        """Record ids on leaves ``[start, end)`` that have a tombstone."""
        rows = self._all(
            "SELECT t.record_id FROM ledger_tombstones t JOIN ledger_records r ON r.record_id = t.record_id "
            "WHERE r.leaf_index >= ? AND r.leaf_index < ?",
            (start, end),
        )
        return {str(r[0]) for r in rows}

    def erased_record_ids(self) -> set[str]:
        """Every record id with a tombstone (ingestion refuses to store these records again)."""
        return {str(r[0]) for r in self._all("SELECT record_id FROM ledger_tombstones", ())}

    def delete_sealed(self, record_id: str) -> None:
        self._many("DELETE FROM ledger_record_keys WHERE record_id = ?", [(record_id,)])
        self._many("DELETE FROM ledger_sealed_content WHERE record_id = ?", [(record_id,)])

    def record_keys_after(self, after: str, limit: int) -> list[tuple[str, bytes, bytes]]:
        """Up to ``limit`` rows of (record id, wrapped key, wrapped salt) with record id > ``after``, in order."""
        rows = self._all(
            "SELECT record_id, record_key, salt FROM ledger_record_keys WHERE record_id > ? ORDER BY record_id LIMIT ?",
            (after, limit),
        )
        return [(str(r), bytes(k), bytes(s)) for r, k, s in rows]

    def replace_record_keys(self, rows: Sequence[tuple[str, bytes, bytes]]) -> None:
        """Re-wrapped secrets (KEK rotation): delete and re-insert, as the table refuses UPDATE."""
        self._many("DELETE FROM ledger_record_keys WHERE record_id = ?", [(r[0],) for r in rows])
        self._bulk("ledger_record_keys", ("record_id", "record_key", "salt"), list(rows))

    def shred_freed_pages(self) -> None:
        """Make deleted secrets unreadable in the database files too (a no-op where the server owns them)."""

    # ------------------------------------------------------------------ tombstones
    def insert_tombstone(self, record_id: str, rule: str, erased_on: str, created_at: str) -> None:
        self._many(
            "INSERT INTO ledger_tombstones (record_id, rule, erased_on, created_at) VALUES (?, ?, ?, ?)",
            [(record_id, rule, erased_on, created_at)],
        )

    def read_tombstone(self, record_id: str) -> tuple[str, str] | None:
        row = self._one("SELECT rule, erased_on FROM ledger_tombstones WHERE record_id = ?", (record_id,))
        return (str(row[0]), str(row[1])) if row else None

    # ------------------------------------------------------------------ checkpoints
    def insert_checkpoint(self, size: int, note: str, created_at: str) -> None:
        self._many(
            "INSERT INTO ledger_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)", [(size, note, created_at)]
        )

    def read_checkpoint(self, size: int | None = None) -> tuple[int, str] | None:
        if size is None:
            row = self._one("SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1")
        else:
            row = self._one("SELECT tree_size, note FROM ledger_checkpoints WHERE tree_size = ?", (size,))
        return (int(row[0]), str(row[1])) if row else None

    def iter_checkpoints(self) -> Iterator[tuple[int, str]]:
        for s, n in self._all("SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size"):
            yield int(s), str(n)

    # ------------------------------------------------------------------ cosigned checkpoints
    def insert_cosigned(self, size: int, witness: str, note: str, created_at: str) -> None:
        """Keep a checkpoint as a witness cosigned it (the witness keeps its own copy too)."""
        self._many(
            "INSERT INTO ledger_cosigned (tree_size, witness, note, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING", [(size, witness, note, created_at)]
        )

    def iter_cosigned(self) -> list[tuple[int, str, str]]:
        """(tree size, witness name, cosigned note), oldest first."""
        rows = self._all("SELECT tree_size, witness, note FROM ledger_cosigned ORDER BY tree_size, witness")
        return [(int(s), str(w), str(n)) for s, w, n in rows]

    def close(self) -> None:
        self.conn.close()
