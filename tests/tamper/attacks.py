"""What an operator or intruder with write access to a data home (and, for some attacks, its keys) does.

Each attack changes a copy of a scored, witnessed home in place. The attacker drops the SQLite
triggers first, rebuilds tiles and states to agree with what they changed, deletes checkpoints that
would give them away and re-signs with the stolen key where the attack says so: the strongest form
of each attack, so that what catches it is the check that is supposed to.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmscore.config import key_dir
from firmscore.ledger import EvidenceLedger
from firmscore.ledger.checkpoint import CheckpointSigner, Keyring
from firmscore.ledger.keys import PRIVATE_FILE, PUBLIC_FILE
from firmscore.ledger.log import MerkleLog
from firmscore.ledger.storage.sqlite import SqliteStorage
from firmscore.store import DataHome
from ledger.tampering import attacker, rewrite_bundle  # tests/ is on the path

AS_OF = dt.date(2025, 6, 30)


@dataclass(frozen=True, kw_only=True)
class Target:
    """The firm under attack and one of its cited, unsealed event records."""

    enterprise_id: str
    leaf: int
    record_id: str
    score_leaf: int


def scores_file(home: DataHome) -> Path:
    return home.root / "scores" / f"as_of={AS_OF.isoformat()}" / "scores.parquet"


def db(home: DataHome) -> Path:
    return home.root / "ledger" / "ledger.db"


def find_target(home: DataHome, enterprise_id: str) -> Target:
    table = pq.read_table(scores_file(home)).to_pandas().set_index("enterprise_id")
    row = table.loc[enterprise_id]
    with EvidenceLedger.for_home(home, create_key=False) as led:
        for leaf in row["evidence_leaves"]:
            data = led.read_leaf(int(leaf))
            assert data is not None
            doc = json.loads(data)
            if "commitment" not in doc and doc["type"] == "event":
                return Target(enterprise_id=enterprise_id, leaf=int(leaf), record_id=doc["record"]["record_id"],
                              score_leaf=int(row["score_leaf"]))
    raise AssertionError(f"{enterprise_id} cites no clear event record")


def _leaves(home: DataHome) -> list[bytes]:
    with EvidenceLedger.for_home(home, create_key=False) as led:
        n = led.size
        got = [d for _, d in led.storage.read_leaves(0, n)]
        led.storage.end_read()
    return got


def _states(home: DataHome) -> list[int]:
    con = sqlite3.connect(str(db(home)))
    try:
        return [int(s) for (s,) in con.execute("SELECT tree_size FROM ledger_states ORDER BY tree_size")]
    finally:
        con.close()


def _rebuild(home: DataHome, datas: list[bytes], tmp: Path, keep_upto: int) -> None:
    """Rebuild bundles, tiles and states from ``datas`` (one batch); drop checkpoints and cosigned notes above
    ``keep_upto`` and the record index beyond the new size."""
    forged = MerkleLog(SqliteStorage(tmp / "forged.db"))
    forged.append(datas)
    forged.storage.close()
    con = attacker(db(home))
    con.execute(f"ATTACH DATABASE '{tmp / 'forged.db'}' AS f")
    for table in ("ledger_bundles", "ledger_tiles", "ledger_states"):
        con.execute(f"DELETE FROM main.{table}")
        con.execute(f"INSERT INTO main.{table} SELECT * FROM f.{table}")
    con.execute("DETACH DATABASE f")
    con.execute("DELETE FROM ledger_checkpoints WHERE tree_size > ?", (keep_upto,))
    con.execute("DELETE FROM ledger_cosigned WHERE tree_size > ?", (keep_upto,))
    con.execute("DELETE FROM ledger_records WHERE leaf_index >= ?", (len(datas),))
    con.close()


def _edit_scores(home: DataHome, change: Callable[[dict[str, object]], None], enterprise_id: str) -> None:
    path = scores_file(home)
    table = pq.read_table(path)
    rows = table.to_pylist()
    for r in rows:
        if r["enterprise_id"] == enterprise_id:
            change(r)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


def _edit_event(home: DataHome, record_id: str, column: str, change: Callable[[object], object]) -> None:
    for path in home.parquet_files("event"):
        table = pq.read_table(path)
        if record_id not in table.column("record_id").to_pylist():
            continue
        rows = table.to_pylist()
        for r in rows:
            if r["record_id"] == record_id:
                r[column] = change(r[column])
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
        return
    raise AssertionError(f"{record_id} not in the event store")


# ---------------------------------------------------------------------- the attacks
def edit_leaf(home: DataHome, t: Target, tmp: Path) -> None:
    """Change the content of a cited leaf in the database."""
    con = attacker(db(home))

    def edit(entries: list[bytes]) -> list[bytes]:
        pos = t.leaf % 256
        if pos < len(entries):
            entries[pos] = entries[pos].replace(b'"source":"synth"', b'"source":"SYNTH"')
        return entries

    rewrite_bundle(con, t.leaf // 256, edit)


def edit_inside_utf8(home: DataHome, t: Target, tmp: Path) -> None:
    """Alter a cited leaf inside a UTF-8 character (the leaf is no longer valid UTF-8)."""
    con = attacker(db(home))

    def edit(entries: list[bytes]) -> list[bytes]:
        pos = t.leaf % 256
        if pos < len(entries):
            data = entries[pos]
            multi = next((i for i, b in enumerate(data) if b >= 0xC0), None)
            if multi is None:  # no multi-byte character: cut a three-byte one in
                entries[pos] = data.replace(b'"source":"synth"', b'"source":"syn\xe4\xb8"')
            else:
                entries[pos] = data[: multi + 1] + b"\xff" + data[multi + 2 :]
        return entries

    rewrite_bundle(con, t.leaf // 256, edit)


def delete_leaves(home: DataHome, t: Target, tmp: Path) -> None:
    """Delete the bundle holding a cited leaf."""
    attacker(db(home)).execute("DELETE FROM ledger_bundles WHERE bundle_index = ?", (t.leaf // 256,))


def reorder_leaves(home: DataHome, t: Target, tmp: Path) -> None:
    """Swap a cited leaf with a leaf of another bundle."""
    leaves = _leaves(home)
    other = (t.leaf + 300) % len(leaves)
    con = attacker(db(home))
    a, b = leaves[t.leaf], leaves[other]
    rewrite_bundle(con, t.leaf // 256, lambda e: [b if i == t.leaf % 256 else x for i, x in enumerate(e)])
    rewrite_bundle(con, other // 256, lambda e: [a if i == other % 256 else x for i, x in enumerate(e)])


def truncate_log(home: DataHome, t: Target, tmp: Path) -> None:
    """Cut the log back to before the scores, with its newer states, checkpoints and cosigned notes."""
    cut = [s for s in _states(home) if s <= t.score_leaf][-1]
    _rebuild(home, _leaves(home)[:cut], tmp, keep_upto=cut)


def fork_log(home: DataHome, t: Target, tmp: Path) -> None:
    """Cut the log back and grow another history past the witnessed size, signed with the stolen key."""
    before = len(_leaves(home))
    truncate_log(home, t, tmp)
    after = len(_leaves(home))
    with EvidenceLedger.for_home(home) as thief:
        thief.append_statements("score", [{"record_id": f"score:forged:{i}", "score": 2000}
                                          for i in range(before - after + 50)])


def delete_checkpoints(home: DataHome, t: Target, tmp: Path) -> None:
    """Delete every signed checkpoint and cosigned note the database keeps."""
    con = attacker(db(home))
    con.execute("DELETE FROM ledger_checkpoints")
    con.execute("DELETE FROM ledger_cosigned")


def resign_with_stolen_key(home: DataHome, t: Target, tmp: Path) -> None:
    """The complete forgery: change a cited record in the Parquet store and in its leaf, rebuild every tile
    and state, delete every checkpoint, and sign the forged log with the stolen key."""
    leaves = _leaves(home)
    doc = json.loads(leaves[t.leaf])
    old = doc["record"]["source_record_id"]
    new = old + "9"
    leaves[t.leaf] = leaves[t.leaf].replace(f'"source_record_id":"{old}"'.encode(),
                                            f'"source_record_id":"{new}"'.encode())
    _edit_event(home, t.record_id, "source_record_id", lambda _: new)
    _rebuild(home, leaves, tmp, keep_upto=-1)
    with EvidenceLedger.for_home(home) as thief:
        thief.checkpoint()


def _attacker_key(home: DataHome) -> CheckpointSigner:
    ring = Keyring.parse((key_dir(home.root) / PUBLIC_FILE).read_text())
    return CheckpointSigner(ring.name, Ed25519PrivateKey.generate())


def swap_keys_in_home(home: DataHome, t: Target, tmp: Path) -> None:
    """Sign the receipt's checkpoint with one's own key and put that key in the receipt."""
    signer = _attacker_key(home)
    path = scores_file(home).with_name("receipt.json")
    receipt = json.loads(path.read_text())
    size = int(receipt["checkpoint"].split("\n")[1])
    with EvidenceLedger.for_home(home, create_key=False) as led:
        receipt["checkpoint"] = signer.sign(size, led.log.root_at(size)).note
    receipt["ledger_public_key"] = signer.verifier.encode()
    path.write_text(json.dumps(receipt))


def swap_keys_everywhere(home: DataHome, t: Target, tmp: Path) -> None:
    """Replace the key folder's key pair by one's own and re-sign every checkpoint and the receipt with it."""
    signer = _attacker_key(home)
    keys = key_dir(home.root)
    (keys / PRIVATE_FILE).write_bytes(signer._key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (keys / PUBLIC_FILE).write_text(Keyring.of(signer.verifier).encode())
    con = attacker(db(home))
    con.execute("DELETE FROM ledger_checkpoints")
    con.execute("DELETE FROM ledger_cosigned")
    states = con.execute("SELECT tree_size, root FROM ledger_states ORDER BY tree_size").fetchall()
    for size, root in states:
        con.execute("INSERT INTO ledger_checkpoints VALUES (?, ?, '2026-01-01T00:00:00Z')",
                    (size, signer.sign(int(size), bytes(root)).note))
    con.close()
    path = scores_file(home).with_name("receipt.json")
    receipt = json.loads(path.read_text())
    size = int(receipt["checkpoint"].split("\n")[1])
    receipt["checkpoint"] = signer.sign(size, bytes(dict(states)[size])).note
    path.write_text(json.dumps(receipt))


def repoint_index(home: DataHome, t: Target, tmp: Path) -> None:
    """Point the record index of a cited record at another leaf."""
    attacker(db(home)).execute("UPDATE ledger_records SET leaf_index = ? WHERE record_id = ?",
                               (t.leaf + 1, t.record_id))


def cut_evidence_list(home: DataHome, t: Target, tmp: Path) -> None:
    """Keep only three entries of the stored evidence-leaf list."""
    _edit_scores(home, lambda r: r.__setitem__("evidence_leaves", list(r["evidence_leaves"])[:3]),  # type: ignore[call-overload]
                 t.enterprise_id)


def edit_parquet_record(home: DataHome, t: Target, tmp: Path) -> None:
    """Change the amount of a cited event in the Parquet store."""
    _edit_event(home, t.record_id, "amount", lambda v: (float(v) if v is not None else 0.0) + 1000.0)  # type: ignore[arg-type]


def inject_unlogged_record(home: DataHome, t: Target, tmp: Path) -> None:
    """Add a Parquet part with a copy of a cited event under a new id: a record the ledger never saw."""
    for path in home.parquet_files("event"):
        table = pq.read_table(path)
        rows = [r for r in table.to_pylist() if r["record_id"] == t.record_id]
        if rows:
            forged = dict(rows[0])
            forged["record_id"] = "f" * len(str(forged["record_id"]))
            forged["source_record_id"] = f"{forged['source_record_id']}-injected"
            pq.write_table(pa.Table.from_pylist([forged], schema=table.schema), path.with_name("injected.parquet"))
            return
    raise AssertionError(f"{t.record_id} not in the event store")


def edit_model(home: DataHome, t: Target, tmp: Path) -> None:
    """Change a number in the model file."""
    path = sorted((home.root / "models").glob("*/model.json"))[0]
    text = path.read_text()
    pos = text.index('"points"') if '"points"' in text else text.index(":") + 1
    digit = next(i for i in range(pos, len(text)) if text[i].isdigit())
    path.write_text(text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1 :])


def edit_stored_score(home: DataHome, t: Target, tmp: Path) -> None:
    """Raise the stored score of the firm by 150 points."""
    _edit_scores(home, lambda r: r.__setitem__("score", int(r["score"]) + 150), t.enterprise_id)  # type: ignore[call-overload, arg-type]


def truncate_scores_file(home: DataHome, t: Target, tmp: Path) -> None:
    """Cut the scores file to 100 bytes (as a crash or an intruder might)."""
    path = scores_file(home)
    path.write_bytes(path.read_bytes()[:100])


@dataclass(frozen=True, kw_only=True)
class Attack:
    """An attack and who must catch it: a ``verify-score`` check and/or a ``ledger verify`` problem kind."""

    name: str
    run: Callable[[DataHome, Target, Path], None]
    score_check: str | None = None
    ledger_kind: str | None = None


ATTACKS: list[Attack] = [
    Attack(name="edit a leaf", run=edit_leaf, score_check="inclusion", ledger_kind="leaf_modified"),
    Attack(name="edit a leaf inside a UTF-8 character", run=edit_inside_utf8, score_check="inclusion",
           ledger_kind="leaf_modified"),
    Attack(name="delete leaves", run=delete_leaves, score_check="inclusion", ledger_kind="leaf_removed"),
    Attack(name="reorder leaves", run=reorder_leaves, ledger_kind="leaf_reordered"),
    Attack(name="truncate the log (states, checkpoints too)", run=truncate_log, score_check="consistency",
           ledger_kind="log_truncated"),
    Attack(name="fork the log, signed with the stolen key", run=fork_log, score_check="consistency",
           ledger_kind="log_forked"),
    Attack(name="delete checkpoints", run=delete_checkpoints, score_check="consistency",
           ledger_kind="checkpoint_removed"),
    Attack(name="rewrite record + leaf, rebuild, re-sign with the stolen key", run=resign_with_stolen_key,
           score_check="consistency", ledger_kind="log_forked"),
    Attack(name="swap keys (receipt signed by another key)", run=swap_keys_in_home, score_check="checkpoint"),
    Attack(name="swap keys (key folder too, everything re-signed)", run=swap_keys_everywhere, score_check="witness",
           ledger_kind="checkpoint_invalid"),
    Attack(name="repoint the record index", run=repoint_index, score_check="record_index",
           ledger_kind="record_mismatch"),
    Attack(name="cut the evidence list", run=cut_evidence_list, score_check="score_leaf"),
    Attack(name="edit a Parquet record", run=edit_parquet_record, score_check="records"),
    Attack(name="inject an unlogged record", run=inject_unlogged_record, score_check="unlogged"),
    Attack(name="edit the model file", run=edit_model, score_check="model"),
    Attack(name="edit a stored score", run=edit_stored_score, score_check="score_leaf"),
    Attack(name="truncate the scores file", run=truncate_scores_file, score_check="receipt"),
]
